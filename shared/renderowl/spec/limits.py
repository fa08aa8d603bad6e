"""Explicit, configurable limits a render spec must respect (checked before any work starts)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Limits(BaseModel):
    """Upper bounds on what one render may ask for. The defaults suit a single worker."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_duration: float = Field(default=600.0, gt=0, description="Seconds of output.")
    max_width: int = Field(default=3840, gt=0)
    max_height: int = Field(default=3840, gt=0)
    max_fps: float = Field(default=60.0, gt=0)
    max_tracks: int = Field(default=32, gt=0)
    max_clips: int = Field(default=300, gt=0, description="Clips over all tracks.")
    max_merge_fields: int = Field(default=100, ge=0)
    max_text_chars: int = Field(default=5000, gt=0, description="Characters in one text asset after merge.")


DEFAULT_LIMITS = Limits()
