"""Open an identified file with its demuxer pinned and local-file protocol only, read its metadata,
check it against the limits, and decode its first and last frames (a truncated file fails here)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from renderowl.ingest.rejections import Reason, Rejected
from renderowl.ingest.sniff import HEAD_BYTES, Identified, Kind, image_size

VIDEO_CODECS = {
    "h264",
    "hevc",
    "vp8",
    "vp9",
    "av1",
    "prores",
    "mpeg4",
    "mjpeg",
    "png",
    "gif",
    "webp",
    "dnxhd",
}
AUDIO_CODECS = {"aac", "mp3", "opus", "vorbis", "flac", "alac", "ac3", "eac3"}
AUDIO_CODEC_PREFIXES = ("pcm_",)
IMAGE_CODECS = {"png", "mjpeg", "gif", "webp"}

# Bounds on how much of the file FFmpeg reads to find its streams: a hostile file cannot make the
# probe itself expensive.
_PROBE_OPTIONS = {"probesize": str(32 * 1024 * 1024), "analyzeduration": str(30 * 1_000_000)}


@dataclass(frozen=True)
class Limits:
    max_duration_s: float
    max_dimension: int
    max_streams: int
    max_work_pixel_frames: float


def open_options(demuxer: str) -> dict[str, str]:
    """Options every open of an untrusted file uses: this demuxer only, local files only, no
    external data references (MP4 ``dref`` boxes can point at other files)."""
    options = {"format_whitelist": demuxer, "protocol_whitelist": "file", **_PROBE_OPTIONS}
    if demuxer == "mov":
        options["enable_drefs"] = "0"
    return options


def _codec_name(stream: Any) -> str:
    # The codec's canonical id (`mp3`), not the decoder PyAV picked for it (`mp3float`).
    codec = stream.codec_context.codec
    return str(getattr(codec, "canonical_name", None) or codec.name)


def _codec_ok(name: str, kind: str) -> bool:
    if kind == "audio":
        return name in AUDIO_CODECS or name.startswith(AUDIO_CODEC_PREFIXES)
    return name in VIDEO_CODECS


def _rotation(stream: Any) -> int:
    with contextlib.suppress(Exception):
        for side in stream.side_data or []:
            if "rotation" in str(getattr(side, "type", "")).lower() or "displaymatrix" in str(side).lower():
                return round(float(getattr(side, "rotation", 0))) % 360
    value = (stream.metadata or {}).get("rotate")
    return int(value) % 360 if value and value.lstrip("-").isdigit() else 0


def inspect(path: Path, ident: Identified, limits: Limits) -> tuple[Kind, dict[str, Any]]:
    """The asset's kind and metadata, or `Rejected` with the reason."""
    assert ident.demuxer is not None
    if ident.kind == "image":
        with path.open("rb") as fh:
            claimed = image_size(fh.read(HEAD_BYTES * 16))  # JPEG headers can carry EXIF first
        if claimed and max(claimed) > limits.max_dimension:
            raise Rejected(
                Reason.DIMENSIONS_TOO_LARGE,
                f"the image claims {claimed[0]}x{claimed[1]} (limit {limits.max_dimension} px on a side)",
            )
    try:
        container = av.open(str(path), format=ident.demuxer, options=open_options(ident.demuxer))
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise Rejected(Reason.UNDECODABLE, f"the {ident.label} file cannot be read: {exc}") from exc
    with container:
        streams = list(container.streams)
        if len(streams) > limits.max_streams:
            raise Rejected(
                Reason.TOO_MANY_STREAMS, f"the file has {len(streams)} streams (limit {limits.max_streams})"
            )
        video = next((s for s in container.streams.video), None)
        audio = next((s for s in container.streams.audio), None)
        if video is None and audio is None:
            raise Rejected(Reason.NOT_MEDIA, "the file has no video or audio stream")
        is_image = ident.kind == "image"
        kind: Kind = "image" if is_image else ("video" if video is not None else "audio")
        meta: dict[str, Any] = {"format": ident.label, "streams": len(streams)}

        duration = None if is_image else _duration(container, video or audio)
        if not is_image:
            if duration is None or duration <= 0:
                raise Rejected(Reason.UNDECODABLE, "the file has no readable duration")
            if duration > limits.max_duration_s:
                raise Rejected(
                    Reason.TOO_LONG, f"the file lasts {duration:.1f} s (limit {limits.max_duration_s:g} s)"
                )
            meta["duration"] = round(duration, 3)
        if container.bit_rate:
            meta["bitrate"] = int(container.bit_rate)

        if video is not None:
            codec = _codec_name(video)
            if not _codec_ok(codec, "video") or (is_image and codec not in IMAGE_CODECS):
                raise Rejected(Reason.UNSUPPORTED_CODEC, f"video codec {codec!r} is not supported")
            width, height = int(video.codec_context.width or 0), int(video.codec_context.height or 0)
            if width <= 0 or height <= 0:
                raise Rejected(Reason.UNDECODABLE, "the video has no readable dimensions")
            if max(width, height) > limits.max_dimension:
                raise Rejected(
                    Reason.DIMENSIONS_TOO_LARGE,
                    f"the picture is {width}x{height} (limit {limits.max_dimension} px on a side)",
                )
            fps = float(video.average_rate or video.guessed_rate or 0) or None
            rotation = _rotation(video)
            if rotation in (90, 270):
                width, height = height, width
            meta.update(video_codec=codec, width=width, height=height, rotation=rotation)
            if fps and not is_image:
                meta["fps"] = round(fps, 3)
                work = (duration or 0) * width * height * fps
                if work > limits.max_work_pixel_frames:
                    raise Rejected(
                        Reason.WORK_BUDGET_EXCEEDED,
                        f"{duration:.1f} s of {width}x{height} at {fps:g} fps exceeds the processing budget",
                    )
        if audio is not None and not is_image:
            codec = _codec_name(audio)
            if not _codec_ok(codec, "audio"):
                raise Rejected(Reason.UNSUPPORTED_CODEC, f"audio codec {codec!r} is not supported")
            meta.update(
                audio_codec=codec,
                channels=audio.codec_context.channels,
                sample_rate=audio.codec_context.sample_rate,
            )
        _decode_ends(container, video if video is not None else audio, duration)
    return kind, meta


def _duration(container: Any, stream: Any) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return float(Fraction(container.duration, av.time_base))
    return None


def _decode_ends(container: Any, stream: Any, duration: float | None) -> None:
    """Decode the first frame, then one near the end: a file cut short fails the second."""
    try:
        _first_frame(container, stream)
        if duration and duration > 1.0 and stream.time_base is not None:
            target = int((duration - 0.5) / stream.time_base)
            container.seek(target, stream=stream, any_frame=False, backward=True)
            # A frame from the last half second must decode; a file cut short has none.
            _first_frame(container, stream, after=duration - 0.5)
    except Rejected:
        raise
    except (av.FFmpegError, OSError, ValueError, IndexError) as exc:
        raise Rejected(Reason.UNDECODABLE, f"the file cannot be decoded: {exc}") from exc


def _first_frame(container: Any, stream: Any, after: float | None = None) -> None:
    for frame in container.decode(stream):
        if after is None or frame.time is None or frame.time >= after:
            return
    raise Rejected(Reason.UNDECODABLE, "the file ends before its declared duration (truncated?)")
