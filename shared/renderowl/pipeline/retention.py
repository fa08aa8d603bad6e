"""Output retention: rendered files expire after `RENDEROWL_OUTPUT_RETENTION_DAYS`.

In AWS an S3 lifecycle rule on `renders/` deletes them; the local cloud has no lifecycle rules, so
it applies the same rule with `expire_outputs` (at start, every few minutes, and on `renderowl
cleanup`). Either way the render keeps its record, and its output says `expired`.
"""

from __future__ import annotations

from renderowl.cloud import storage
from renderowl.logs import logger
from renderowl.store import renders
from renderowl.store.db import Database


def expire_outputs(db: Database) -> int:
    """Delete the files of every render whose output expired; returns how many renders."""
    with db.tx() as conn:
        due = renders.expired_outputs(conn)
    for row in due:
        output = row["output"] or {}
        if output.get("expired"):
            continue
        for key in ("key", "poster_key", "thumbnail_key"):
            if output.get(key):
                storage.delete(output[key])
        with db.tx() as conn:
            renders.forget_output(conn, row["id"])
    expired = [r for r in due if not (r["output"] or {}).get("expired")]
    if expired:
        logger.info("expired render outputs", extra={"count": len(expired)})
    return len(expired)
