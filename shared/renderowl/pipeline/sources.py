"""From `asset://<id>` references to what the engine needs: the owner's ready assets, their
metadata (for planning) or their bytes (for rendering)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from renderowl.cloud import storage
from renderowl.media import LocalMedia, MediaInfo, prepare_sources, probe
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


def info_from_metadata(row: dict[str, Any]) -> MediaInfo:
    """What ingest learned, in the engine's terms (planning needs no download)."""
    meta = row["metadata"] or {}
    return MediaInfo(
        format_name=str(meta.get("format", "unknown")),
        duration=meta.get("duration"),
        has_video=row["kind"] in ("video", "image"),
        has_audio="audio_codec" in meta,
        width=meta.get("width"),
        height=meta.get("height"),
        fps=meta.get("fps"),
        rotation=int(meta.get("rotation", 0)),
        video_codec=meta.get("video_codec"),
        audio_codec=meta.get("audio_codec"),
        channels=meta.get("channels"),
        sample_rate=meta.get("sample_rate"),
        is_image=row["kind"] == "image",
    )


def planning_sources(
    spec: RenderSpec, rows: dict[str, dict[str, Any]], scratch: Path
) -> dict[str, LocalMedia]:
    """Sources for timeline resolution: media described by metadata, small data files (captions,
    fonts) downloaded because their content decides timing."""
    by_path = {}

    def locate(src: str) -> Path:
        row = rows[src]
        path = scratch / row["id"]
        if row["kind"] in ("captions", "font"):
            storage.download(row["source_key"], path, max_bytes=int(row["size_bytes"]))
        by_path[path] = row
        return path

    return prepare_sources(spec, locate, probe_fn=lambda path: info_from_metadata(by_path[path]))


def download_sources(
    spec: RenderSpec, rows: dict[str, dict[str, Any]], scratch: Path
) -> dict[str, LocalMedia]:
    """Every source downloaded (bounded by its recorded size) and probed for real."""

    scratch.mkdir(parents=True, exist_ok=True)

    def locate(src: str) -> Path:
        row = rows[src]
        path = scratch / row["id"]
        if not path.exists():
            storage.download(row["source_key"], path, max_bytes=int(row["size_bytes"]))
        return path

    return prepare_sources(spec, locate, probe_fn=probe)
