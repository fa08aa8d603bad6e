"""FFmpeg arguments for an asset's derivatives. Pure: argument lists, tested as data.

Every input is opened with its demuxer pinned, local files only and a decoder pixel cap, exactly as
the inspection opened it.
"""

from __future__ import annotations

from pathlib import Path

THUMBNAIL_WIDTH = 480
PROXY_HEIGHT = 360
PROXY_KEYFRAME_S = 0.5  # the preview feature seeks in the proxy: keyframes twice a second
WEB_MAX_EDGE = 1920


def _input(src: Path, demuxer: str, max_pixels: int | None = None) -> list[str]:
    cap = ["-max_pixels", str(max_pixels)] if max_pixels else []
    return ["-f", demuxer, "-protocol_whitelist", "file", *cap, "-i", str(src)]


def _one_jpeg(dest: Path) -> list[str]:
    """Write a single JPEG frame to ``dest``."""
    return ["-frames:v", "1", "-c:v", "mjpeg", "-q:v", "4", "-pix_fmt", "yuvj420p",
            "-f", "image2", "-update", "1", str(dest)]  # fmt: skip


def thumbnail_argv(src: Path, dest: Path, *, demuxer: str, max_pixels: int, at: float = 0.0) -> list[str]:
    """A JPEG of the frame at ``at`` seconds, at most ``THUMBNAIL_WIDTH`` wide."""
    seek = ["-ss", f"{at:.3f}"] if at > 0 else []
    return [*seek, *_input(src, demuxer, max_pixels), "-map", "0:v:0",
            "-vf", f"scale='min({THUMBNAIL_WIDTH},iw)':-2", *_one_jpeg(dest)]  # fmt: skip


def waveform_argv(src: Path, dest: Path, *, demuxer: str) -> list[str]:
    """A JPEG waveform of an audio file (its thumbnail)."""
    waveform = f"[0:a:0]aformat=channel_layouts=mono,showwavespic=s={THUMBNAIL_WIDTH}x120:colors=#38bdf8"
    return [*_input(src, demuxer), "-filter_complex", waveform, *_one_jpeg(dest)]


def proxy_argv(src: Path, dest: Path, *, demuxer: str, max_pixels: int, has_audio: bool) -> list[str]:
    """A small H.264 MP4 with a keyframe every ``PROXY_KEYFRAME_S``, for previews and scrubbing."""
    audio = ["-map", "0:a:0", "-c:a", "aac", "-b:a", "64k", "-ac", "2"] if has_audio else ["-an"]
    return [
        *_input(src, demuxer, max_pixels), "-map", "0:v:0", *audio,
        "-vf", f"scale=-2:'min({PROXY_HEIGHT},ih)',format=yuv420p",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "28", "-profile:v", "main",
        "-force_key_frames", f"expr:gte(t,n_forced*{PROXY_KEYFRAME_S})", "-sc_threshold", "0",
        "-movflags", "+faststart", "-f", "mp4", str(dest),
    ]  # fmt: skip


def web_image_argv(src: Path, dest: Path, *, demuxer: str, max_pixels: int) -> list[str]:
    """A WebP rendition no larger than ``WEB_MAX_EDGE`` on its long side (alpha kept)."""
    fit = f"scale='min({WEB_MAX_EDGE},iw)':'min({WEB_MAX_EDGE},ih)':force_original_aspect_ratio=decrease"
    return [*_input(src, demuxer, max_pixels), "-map", "0:v:0", "-frames:v", "1", "-vf", fit,
            "-c:v", "libwebp", "-quality", "82", "-f", "webp", str(dest)]  # fmt: skip
