"""Single frames out of a file: posters, thumbnails and preview stills."""

from __future__ import annotations

import threading
from pathlib import Path

from renderowl.media.runner import CancelCheck, run_ffmpeg


def frame_argv(src: Path, dest: Path, *, at: float, width: int | None = None, quality: int = 3) -> list[str]:
    """FFmpeg arguments writing the frame at ``at`` seconds of ``src`` to ``dest`` (JPEG or PNG by suffix).

    ``-ss`` before ``-i`` seeks by keyframe then decodes forward: accurate and fast. ``width`` scales
    keeping the aspect ratio (even height).
    """
    argv = ["-protocol_whitelist", "file", "-ss", f"{at:g}", "-i", str(src), "-frames:v", "1"]
    if width:
        argv += ["-vf", f"scale={width}:-2"]
    if dest.suffix.lower() in (".jpg", ".jpeg"):
        argv += ["-c:v", "mjpeg", "-q:v", str(quality), "-pix_fmt", "yuvj420p"]
    else:
        argv += ["-c:v", "png"]
    return [*argv, "-update", "1", "-f", "image2", str(dest)]


def extract_frame(
    binary: str,
    src: Path,
    dest: Path,
    *,
    at: float,
    width: int | None = None,
    should_cancel: CancelCheck | threading.Event | None = None,
    timeout: float | None = 60,
) -> Path:
    """Write one frame of ``src`` to ``dest`` and return ``dest``."""
    run_ffmpeg(
        binary,
        frame_argv(src, dest, at=at, width=width),
        should_cancel=should_cancel,
        timeout=timeout,
        cleanup=[dest],
    )
    return dest
