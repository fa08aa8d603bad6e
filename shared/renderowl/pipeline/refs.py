"""From `asset://<id>` references to the owner's ready assets (no media libraries needed)."""

from __future__ import annotations

from typing import Any

from renderowl.pipeline.errors import RenderStepError
from renderowl.spec import RenderSpec, collect_sources
from renderowl.store import assets
from renderowl.store.db import Database

ASSET_SCHEME = "asset://"


def asset_ids(spec: RenderSpec) -> dict[str, str]:
    """``{src: asset_id}`` for every source of the spec."""
    return {src: src.removeprefix(ASSET_SCHEME) for src in sorted(collect_sources(spec))}


def ready_assets(db: Database, owner_id: str, spec: RenderSpec) -> dict[str, dict[str, Any]]:
    """``{src: asset row}``; raises a `RenderStepError` naming every missing or unready asset."""
    refs = asset_ids(spec)
    with db.tx() as conn:
        rows = assets.get_many(conn, owner_id, list(refs.values()))
    missing = [src for src, asset_id in refs.items() if asset_id not in rows]
    if missing:
        raise RenderStepError("ASSET_NOT_FOUND", f"no such asset: {', '.join(missing)}")
    unready = [f"{src} ({rows[a]['status']})" for src, a in refs.items() if rows[a]["status"] != "ready"]
    if unready:
        raise RenderStepError("ASSET_NOT_READY", f"assets not ready: {', '.join(unready)}")
    return {src: rows[asset_id] for src, asset_id in refs.items()}
