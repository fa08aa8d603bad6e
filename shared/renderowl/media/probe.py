"""Probe media files with PyAV (no ffprobe binary needed)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from renderowl.media.errors import MediaProbeError

# Demuxers that hold a single still picture.
IMAGE_FORMATS = frozenset({"image2", "png_pipe", "jpeg_pipe", "webp_pipe", "bmp_pipe", "tiff_pipe"})


@dataclass(frozen=True)
class MediaInfo:
    """What the engine needs to know about a source file."""

    format_name: str
    duration: float | None  # seconds; None for stills
    has_video: bool
    has_audio: bool
    width: int | None = None  # as displayed, i.e. after rotation
    height: int | None = None
    fps: float | None = None
    rotation: int = 0
    video_codec: str | None = None
    audio_codec: str | None = None
    channels: int | None = None
    sample_rate: int | None = None
    is_image: bool = False
    has_alpha: bool = False

    @property
    def demuxer(self) -> str:
        """The demuxer to pin for this file (first name of PyAV's comma-separated list)."""
        return self.format_name.split(",")[0]


@dataclass(frozen=True)
class LocalMedia:
    """A source resolved by the caller: a local, already-downloaded file and its probe result."""

    path: Path
    info: MediaInfo


def _rotation(container: av.container.InputContainer, stream: av.video.stream.VideoStream) -> int:
    """Display rotation in degrees (0/90/180/270). FFmpeg auto-rotates on decode, so sizes follow it."""
    tag = stream.metadata.get("rotate")
    if tag is not None:
        try:
            return int(tag) % 360
        except ValueError:
            return 0
    # PyAV exposes the display matrix on decoded frames only; one frame is cheap at probe time.
    try:
        frame = next(container.decode(stream))
    except (av.FFmpegError, StopIteration):
        return 0
    return round(getattr(frame, "rotation", 0)) % 360


def probe(path: str | Path) -> MediaInfo:
    """Open ``path`` with PyAV and describe its first video and audio streams."""
    path = Path(path)
    try:
        container = av.open(str(path), mode="r")
    except (av.FFmpegError, OSError) as exc:
        raise MediaProbeError(
            f"cannot read media file {path.name}", details=[{"path": str(path), "message": str(exc)}]
        ) from exc
    with container:
        fmt = container.format.name
        video = next(iter(container.streams.video), None)
        audio = next(iter(container.streams.audio), None)
        is_image = video is not None and audio is None and fmt in IMAGE_FORMATS
        duration: float | None = None
        if not is_image:
            if container.duration is not None:
                duration = container.duration / av.time_base
            else:
                stream = video or audio
                if stream is not None and stream.duration is not None and stream.time_base is not None:
                    duration = float(stream.duration * stream.time_base)
        width = height = None
        fps = None
        rotation = 0
        if video is not None:
            width, height = video.codec_context.width, video.codec_context.height
            rate = video.average_rate or video.guessed_rate
            fps = float(Fraction(rate)) if rate else None
            rotation = 0 if is_image else _rotation(container, video)
            if rotation in (90, 270):
                width, height = height, width
        has_alpha = False
        if video is not None and video.codec_context.format is not None:
            pix = video.codec_context.format
            has_alpha = pix.name == "pal8" or any(c.is_alpha for c in pix.components)
        return MediaInfo(
            format_name=fmt,
            duration=duration,
            has_video=video is not None,
            has_audio=audio is not None,
            width=width,
            height=height,
            fps=None if is_image else fps,
            rotation=rotation,
            video_codec=video.codec_context.name if video is not None else None,
            audio_codec=audio.codec_context.name if audio is not None else None,
            channels=audio.codec_context.channels if audio is not None else None,
            sample_rate=audio.codec_context.sample_rate if audio is not None else None,
            is_image=is_image,
            has_alpha=has_alpha,
        )
