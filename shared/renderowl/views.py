"""Objects as the API returns them — also the `data` of webhook events, so both always agree."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from renderowl.cloud import storage

AssetStatus = Literal["pending", "processing", "ready", "rejected"]
AssetKind = Literal["video", "audio", "image", "font", "captions"]


class Rejection(BaseModel):
    reason: str = Field(description="Stable reason code, e.g. `PLAYLIST`, `TOO_LONG`, `UNDECODABLE`.")
    message: str


class AssetUrls(BaseModel):
    source: str | None = None
    thumbnail: str | None = None
    proxy: str | None = Field(None, description="Low-resolution H.264 with a keyframe every 0.5 s (video).")
    web: str | None = Field(None, description="Web-sized rendition (images).")


class Asset(BaseModel):
    id: str
    status: AssetStatus
    kind: AssetKind | None = None
    filename: str
    content_type: str
    size: int | None = Field(None, description="Bytes received (after ingest).")
    checksum: str | None = Field(None, description="SHA-256 of the bytes, hex.")
    metadata: dict[str, Any] = Field(
        default_factory=dict,
        description="duration, width, height, fps, rotation, video_codec, audio_codec, channels, sample_rate, bitrate…",
    )
    rejection: Rejection | None = None
    url: str | None = Field(None, description="The URL this asset was imported from, if any.")
    urls: AssetUrls = Field(default_factory=AssetUrls)
    created_at: datetime
    updated_at: datetime
    ready_at: datetime | None = None


def asset(row: dict[str, Any]) -> Asset:
    """The public view of an asset row, with presigned URLs for what exists."""
    derivatives: dict[str, str] = row.get("derivatives") or {}
    ready = row["status"] == "ready"
    urls = AssetUrls(
        source=storage.presign_get(row["source_key"], filename=row["filename"]) if ready else None,
        **{
            name: storage.presign_get(key)
            for name, key in derivatives.items()
            if name in AssetUrls.model_fields
        },
    )
    return Asset(
        id=row["id"],
        status=row["status"],
        kind=row["kind"],
        filename=row["filename"],
        content_type=row["content_type"],
        size=row["size_bytes"],
        checksum=row["checksum"],
        metadata=row["metadata"] or {},
        rejection=Rejection(reason=row["reject_reason"], message=row["reject_message"] or "")
        if row["reject_reason"]
        else None,
        url=row.get("source_url"),
        urls=urls,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        ready_at=row["ready_at"],
    )


RenderStatus = Literal[
    "queued", "planning", "preparing", "rendering", "finalizing", "succeeded", "failed", "cancelled"
]


class RenderError(BaseModel):
    code: str = Field(description="Stable code, e.g. `ASSET_NOT_READY`, `RENDER_FAILED`, `WORKER_LOST`.")
    message: str


class RenderOutput(BaseModel):
    url: str | None = Field(None, description="Presigned download URL (null once the output expired).")
    format: str
    content_type: str
    size: int
    duration: float
    width: int | None = None
    height: int | None = None
    poster_url: str | None = None
    thumbnail_url: str | None = None
    expires_at: datetime | None = None


class Step(BaseModel):
    status: RenderStatus
    at: datetime
    detail: dict[str, Any] = Field(default_factory=dict)


class Render(BaseModel):
    id: str
    status: RenderStatus
    progress: int = Field(ge=0, le=100)
    runner: Literal["lambda", "fargate"] | None = None
    estimate: dict[str, Any] | None = Field(None, description="output_seconds, render_seconds, cost_usd.")
    callback_url: str | None = None
    error: RenderError | None = None
    output: RenderOutput | None = None
    steps: list[Step] = Field(
        default_factory=list, description="Every status the render went through, in order."
    )
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None


def render(row: dict[str, Any], trail: list[dict[str, Any]] | None = None) -> Render:
    """The public view of a render row (and its audit trail, when given)."""
    output = None
    stored = row.get("output")
    if stored and row["status"] == "succeeded":
        expired = bool(stored.get("expired"))
        output = RenderOutput(
            url=None if expired else storage.presign_get(stored["key"], filename=stored.get("filename")),
            format=stored["format"],
            content_type=stored["content_type"],
            size=stored["size"],
            duration=stored["duration"],
            width=stored.get("width"),
            height=stored.get("height"),
            poster_url=storage.presign_get(stored["poster_key"])
            if stored.get("poster_key") and not expired
            else None,
            thumbnail_url=storage.presign_get(stored["thumbnail_key"])
            if stored.get("thumbnail_key") and not expired
            else None,
            expires_at=row.get("expires_at"),
        )
    return Render(
        id=row["id"],
        status=row["status"],
        progress=100 if row["status"] == "succeeded" else row["progress"],
        runner=row["runner"],
        estimate=row["estimate"],
        callback_url=row["callback_url"],
        error=RenderError(code=row["error_code"], message=row["error_message"] or "")
        if row["error_code"]
        else None,
        output=output,
        steps=[
            Step(status=e["to_status"], at=e["created_at"], detail=e["detail"] or {}) for e in (trail or [])
        ],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )
