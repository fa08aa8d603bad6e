"""Which FFmpeg to run: configuration first, then PATH, then the imageio-ffmpeg wheel's static build."""

from __future__ import annotations

import shutil

from renderowl.config import Settings, get_settings
from renderowl.errors import ConfigurationError


def ffmpeg_binary(settings: Settings | None = None) -> str:
    """Path of the FFmpeg executable (``FFMPEG_BINARY``, else ``ffmpeg`` on PATH, else imageio-ffmpeg)."""
    settings = settings or get_settings()
    if settings.ffmpeg_binary:
        return settings.ffmpeg_binary
    on_path = shutil.which("ffmpeg")
    if on_path:
        return on_path
    try:
        import imageio_ffmpeg
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ConfigurationError("no FFmpeg found: set FFMPEG_BINARY") from exc
    return str(imageio_ffmpeg.get_ffmpeg_exe())
