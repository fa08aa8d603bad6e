"""Keeps the local S3 consistent with the local Postgres across restarts.

moto holds objects in memory while Postgres keeps rows on disk. On a clean stop the local cloud
saves every object of the media bucket under the state directory and marks the save complete; the
next start restores them. When the last run did not stop cleanly (no complete save), the database
is reset too, so rows never point at objects that no longer exist.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

MARKER = "snapshot.json"


def snapshot_dir(state_dir: Path) -> Path:
    return state_dir / "s3"


def has_clean_snapshot(state_dir: Path) -> bool:
    marker = snapshot_dir(state_dir) / MARKER
    return marker.exists() and json.loads(marker.read_text()).get("complete") is True


def save(s3: Any, bucket: str, state_dir: Path) -> int:
    """Write every object of ``bucket`` to disk; returns how many."""
    root = snapshot_dir(state_dir)
    tmp = root.with_name("s3.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "objects").mkdir(parents=True)
    index: dict[str, dict[str, str]] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            key = item["Key"]
            name = f"{len(index):08d}"
            obj = s3.get_object(Bucket=bucket, Key=key)
            with (tmp / "objects" / name).open("wb") as fh:
                shutil.copyfileobj(obj["Body"], fh)
            index[key] = {"file": name, "content_type": obj.get("ContentType", "binary/octet-stream")}
    (tmp / "index.json").write_text(json.dumps(index))
    (tmp / MARKER).write_text(json.dumps({"complete": True, "bucket": bucket, "objects": len(index)}))
    shutil.rmtree(root, ignore_errors=True)
    tmp.rename(root)
    return len(index)


def restore(s3: Any, bucket: str, state_dir: Path) -> int:
    """Put the saved objects back into ``bucket`` and mark the snapshot consumed; returns how many."""
    root = snapshot_dir(state_dir)
    index = json.loads((root / "index.json").read_text())
    for key, entry in index.items():
        with (root / "objects" / entry["file"]).open("rb") as fh:
            s3.put_object(Bucket=bucket, Key=key, Body=fh, ContentType=entry["content_type"])
    # From now on the live S3 is the truth; a crash before the next clean stop must not
    # restore this older copy over a newer database.
    (root / MARKER).write_text(json.dumps({"complete": False}))
    return len(index)
