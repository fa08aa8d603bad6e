"""Sources for the engine: ready assets described by their metadata (planning) or downloaded
(rendering)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from renderowl.cloud import storage
from renderowl.media import LocalMedia, MediaInfo, prepare_sources, probe
from renderowl.spec import RenderSpec


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
