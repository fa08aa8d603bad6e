"""URL imports: fetch a remote https file into the caller's upload slot, then ingest it like an upload."""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import urllib3

from renderowl import netsafe, views
from renderowl.cloud import queues, storage
from renderowl.config import get_settings
from renderowl.errors import ValidationFailedError
from renderowl.ingest.rejections import Reason
from renderowl.logs import logger
from renderowl.store import assets, events
from renderowl.store.db import Database
from renderowl.webhooks.delivery import dispatch

IMPORT_MESSAGE = "import"


def request_import(db: Database, owner_id: str, url: str) -> dict[str, Any]:
    """Check ``url`` now (refused early with a clear error), create the asset and queue the fetch."""
    settings = get_settings()
    netsafe.resolve(url, allow_loopback_http=settings.allow_loopback_http)
    filename = PurePosixPath(urlsplit(url).path).name or "import"
    with db.tx() as conn:
        row = assets.create(
            conn,
            owner_id,
            filename=filename[:255],
            content_type="application/octet-stream",
            declared_size=settings.max_upload_bytes,
            source_url=url,
        )
    queues.send(
        settings.ingest_queue_url,
        {"type": IMPORT_MESSAGE, "owner_id": owner_id, "asset_id": row["id"], "url": url},
    )
    return row


def run_import(db: Database, owner_id: str, asset_id: str, url: str) -> str:
    """Fetch ``url`` into the asset's source key (whose S3 event then starts ingest). Returns the outcome."""
    settings = get_settings()
    with db.tx() as conn:
        row = assets.get(conn, owner_id, asset_id)
    if row is None or row["status"] != "pending" or storage.object_size(row["source_key"]) is not None:
        return "skipped"  # already fetched, or the asset is gone: a redelivered message
    with tempfile.TemporaryDirectory(prefix="import-", dir=settings.scratch_dir) as tmp:
        dest = Path(tmp) / "source"
        try:
            _fetch(url, dest, max_bytes=settings.max_upload_bytes)
        except (ValidationFailedError, urllib3.exceptions.HTTPError, OSError) as exc:
            message = (
                exc.message
                if isinstance(exc, ValidationFailedError)
                else f"the URL could not be fetched: {exc}"
            )
            event_ids = []
            with db.tx() as conn:
                done = assets.mark_rejected(conn, asset_id, reason=Reason.IMPORT_FAILED, message=message)
                if done is not None:
                    event_ids.append(
                        events.record(
                            conn, owner_id, "asset.rejected", views.asset(done).model_dump(mode="json")
                        )
                    )
            dispatch(db, event_ids)
            logger.info("import failed", extra={"asset_id": asset_id, "error": message})
            return "rejected"
        storage.upload(
            dest, row["source_key"], "application/octet-stream", tags={storage.UPLOAD_STATE_TAG: "pending"}
        )
    return "fetched"


def _fetch(url: str, dest: Path, *, max_bytes: int) -> None:
    settings = get_settings()
    with netsafe.request(
        "GET",
        url,
        timeout=settings.import_timeout_s,
        max_redirects=settings.import_max_redirects,
        allow_loopback_http=settings.allow_loopback_http,
    ) as response:
        if response.status != 200:
            raise ValidationFailedError(f"the URL answered HTTP {response.status}")
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise ValidationFailedError(f"the file is larger than {max_bytes} bytes")
        size = 0
        with dest.open("wb") as fh:
            for chunk in response.stream(1024 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise ValidationFailedError(f"the file is larger than {max_bytes} bytes")
                fh.write(chunk)
