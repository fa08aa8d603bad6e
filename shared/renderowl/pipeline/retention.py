"""Output retention: rendered files expire after `RENDEROWL_OUTPUT_RETENTION_DAYS`.

In AWS an S3 lifecycle rule on `renders/` deletes them; the local cloud has no lifecycle rules, so
it applies the same rule with `expire_outputs` (at start, every few minutes, and on `renderowl
cleanup`). Either way the render keeps its record, and its output says `expired`.
"""

from __future__ import annotations

from typing import Any

from renderowl.cloud import storage
from renderowl.logs import logger
from renderowl.store import renders
from renderowl.store.db import Database


def delete_output(output: dict[str, Any]) -> None:
    """Delete a render's output files (the video, its poster and thumbnail)."""
    for key in ("key", "poster_key", "thumbnail_key"):
        if output.get(key):
            storage.delete(output[key])


def expire_outputs(db: Database) -> int:
    """Delete the files of every render whose output expired; returns how many renders."""
    with db.tx() as conn:
        due = renders.expired_outputs(conn)  # excludes outputs already marked expired
    for row in due:
        delete_output(row["output"] or {})
        with db.tx() as conn:
            renders.forget_output(conn, row["id"])
    if due:
        logger.info("expired render outputs", extra={"count": len(due)})
    return len(due)
