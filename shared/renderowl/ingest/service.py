"""Ingest one uploaded object: the whole path from S3 event to a `ready` or `rejected` asset."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from renderowl import views
from renderowl.cloud import storage
from renderowl.config import Settings, get_settings
from renderowl.errors import PayloadTooLargeError
from renderowl.ingest import derivatives
from renderowl.ingest.inspect import Limits, inspect
from renderowl.ingest.rejections import Reason, Rejected
from renderowl.ingest.sniff import HEAD_BYTES, Identified, identify
from renderowl.logs import logger
from renderowl.media.binary import ffmpeg_binary
from renderowl.media.runner import run_ffmpeg
from renderowl.store import assets, events
from renderowl.store.db import Database
from renderowl.webhooks.delivery import dispatch

CONTENT_TYPES = {"thumbnail": "image/jpeg", "proxy": "video/mp4", "web": "image/webp"}


@dataclass(frozen=True)
class Outcome:
    asset_id: str
    status: str  # ready | rejected | skipped
    reason: str | None = None


def limits_from(settings: Settings) -> Limits:
    return Limits(
        max_duration_s=settings.max_asset_duration_s,
        max_dimension=settings.max_asset_dimension,
        max_streams=settings.max_asset_streams,
        max_work_pixel_frames=settings.max_work_pixel_frames,
    )


def ingest_object(db: Database, key: str, *, lease_s: int = 900) -> Outcome | None:
    """Process the object at ``key``. Idempotent: a duplicate or replayed event is `skipped`.

    Returns None for keys that are not uploads. Infrastructure failures (S3, database) raise, so the
    message is retried; anything wrong with the file itself ends as a `rejected` asset.
    """
    parsed = assets.parse_source_key(key)
    if parsed is None:
        logger.warning("ignoring an object outside the upload layout", extra={"key": key})
        return None
    owner_id, asset_id = parsed
    with db.tx() as conn:
        row = assets.claim(conn, owner_id, asset_id, lease_s=lease_s)
    if row is None:
        logger.info("asset already ingested or being ingested", extra={"asset_id": asset_id})
        return Outcome(asset_id, "skipped")
    settings = get_settings()
    with tempfile.TemporaryDirectory(prefix="ingest-", dir=settings.scratch_dir) as tmp:
        try:
            kind, metadata, size, checksum, files = _process(row, Path(tmp), settings)
        except Rejected as rejected:
            _reject(db, row, rejected)
            return Outcome(asset_id, "rejected", rejected.reason)
        storage.tag_upload(row["source_key"], "ready")
        prefix = assets.derivative_prefix(owner_id, asset_id)
        keys = {}
        for name, path in files.items():
            keys[name] = f"{prefix}{path.name}"
            storage.upload(path, keys[name], CONTENT_TYPES[name])
    event_ids = []
    with db.tx() as conn:
        ready = assets.mark_ready(
            conn, asset_id, kind=kind, size=size, checksum=checksum, metadata=metadata, derivatives=keys
        )
        if ready is not None:
            event_ids.append(
                events.record(conn, owner_id, "asset.ready", views.asset(ready).model_dump(mode="json"))
            )
    dispatch(db, event_ids)
    logger.info("asset ready", extra={"asset_id": asset_id, "kind": kind})
    return Outcome(asset_id, "ready")


def _reject(db: Database, row: dict[str, Any], rejected: Rejected, size: int | None = None) -> None:
    # The bytes of a rejected file are never used again: do not keep (or pay for) them.
    storage.delete(row["source_key"])
    with db.tx() as conn:
        done = assets.mark_rejected(
            conn, row["id"], reason=rejected.reason, message=rejected.message, size=size
        )
        if done is not None:
            events.record(conn, row["owner_id"], "asset.rejected", views.asset(done).model_dump(mode="json"))
    logger.info("asset rejected", extra={"asset_id": row["id"], "reason": str(rejected.reason)})


def _process(
    row: dict[str, Any], tmp: Path, settings: Settings
) -> tuple[str, dict[str, Any], int, str, dict[str, Path]]:
    # The local S3 does not enforce the upload policy's content-length-range, and a client may lie
    # about the size it declared: check the real size before reading a byte.
    limit = min(int(row["declared_size"]), settings.max_upload_bytes)
    actual = storage.object_size(row["source_key"])
    if actual is None:
        raise Rejected(Reason.EMPTY_FILE, "no file was uploaded")
    if actual == 0:
        raise Rejected(Reason.EMPTY_FILE, "the file is empty")
    if actual > limit:
        reason = Reason.TOO_LARGE if actual > settings.max_upload_bytes else Reason.SIZE_MISMATCH
        raise Rejected(reason, f"the file has {actual} bytes, more than the {limit} allowed")
    src = tmp / "source"
    try:
        size, checksum = storage.download(row["source_key"], src, max_bytes=limit)
    except PayloadTooLargeError as exc:
        raise Rejected(Reason.TOO_LARGE, exc.message) from exc
    with src.open("rb") as fh:
        ident = identify(fh.read(HEAD_BYTES))
    if ident.demuxer is None:  # fonts and captions are files FFmpeg never opens as media
        return ident.kind or "font", {"format": ident.label}, size, checksum, {}
    kind, metadata = inspect(src, ident, limits_from(settings))
    files = _derivatives(src, tmp, ident, kind, metadata, settings)
    return kind, metadata, size, checksum, files


def _derivatives(
    src: Path, tmp: Path, ident: Identified, kind: str, metadata: dict[str, Any], settings: Settings
) -> dict[str, Path]:
    assert ident.demuxer is not None
    binary, demuxer = ffmpeg_binary(settings), ident.demuxer
    max_pixels = settings.max_asset_dimension**2
    duration = float(metadata.get("duration") or 0)
    timeout = 120 + duration * 2
    out: dict[str, Path] = {}
    thumb = tmp / "thumbnail.jpg"
    if kind == "audio":
        argv = derivatives.waveform_argv(src, thumb, demuxer=demuxer)
    else:
        at = min(1.0, duration / 2) if kind == "video" else 0.0
        argv = derivatives.thumbnail_argv(src, thumb, demuxer=demuxer, max_pixels=max_pixels, at=at)
    _run(binary, argv, [thumb], timeout)
    out["thumbnail"] = thumb
    if kind == "video":
        proxy = tmp / "proxy.mp4"
        argv = derivatives.proxy_argv(
            src, proxy, demuxer=demuxer, max_pixels=max_pixels, has_audio="audio_codec" in metadata
        )
        _run(binary, argv, [proxy], timeout)
        out["proxy"] = proxy
    elif kind == "image":
        web = tmp / "web.webp"
        _run(
            binary,
            derivatives.web_image_argv(src, web, demuxer=demuxer, max_pixels=max_pixels),
            [web],
            timeout,
        )
        out["web"] = web
    return out


def _run(binary: str, argv: list[str], outputs: list[Path], timeout: float) -> None:
    from renderowl.media.errors import RenderFailedError

    try:
        run_ffmpeg(binary, argv, timeout=timeout, cleanup=outputs)
    except RenderFailedError as exc:
        raise Rejected(Reason.UNDECODABLE, "the file could not be decoded to make its previews") from exc
    if not all(path.is_file() and path.stat().st_size for path in outputs):
        raise Rejected(Reason.UNDECODABLE, "the file has no frame to make a preview from")
