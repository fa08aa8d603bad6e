"""The render entry point: validated spec + resolved local sources → output file (+ poster, thumbnail).

The caller owns fetching. It lists what a spec needs with `renderowl.spec.collect_sources`, makes
each source a local file (the cloud worker downloads ``asset://`` objects from S3, the CLI resolves
paths), and passes ``{src: LocalMedia}``; `prepare_sources` builds that mapping from a ``src → path``
function. The engine itself never opens a URL.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from renderowl.media.binary import ffmpeg_binary
from renderowl.media.compiler import compile_render
from renderowl.media.frames import extract_frame
from renderowl.media.probe import LocalMedia, MediaInfo, probe
from renderowl.media.runner import CancelCheck, ProgressCallback, run_ffmpeg
from renderowl.media.timeline import resolve_timeline
from renderowl.spec.limits import Limits
from renderowl.spec.models import AudioAsset, CaptionsAsset, ImageAsset, RenderSpec, TextAsset, VideoAsset

CONTENT_TYPES = {
    "mp4": "video/mp4", "webm": "video/webm", "mov": "video/quicktime", "gif": "image/gif",
    "mp3": "audio/mpeg", "wav": "audio/wav", "jpg": "image/jpeg", "png": "image/png",
}  # fmt: skip

# Files that are read as data, not probed as media.
_DATA_INFO = MediaInfo(format_name="data", duration=None, has_video=False, has_audio=False)


@dataclass(frozen=True)
class ProducedFile:
    """One file the render wrote."""

    role: str  # "output" | "poster" | "thumbnail"
    path: Path
    content_type: str
    size_bytes: int


@dataclass(frozen=True)
class RenderResult:
    """What a successful render produced."""

    output: ProducedFile
    format: str
    duration: float  # seconds of output
    width: int | None  # None for audio-only output
    height: int | None
    has_audio: bool
    elapsed: float  # wall seconds
    files: list[ProducedFile] = field(default_factory=list)  # output first, then poster, thumbnail

    def file(self, role: str) -> ProducedFile | None:
        """The produced file with this role, if any."""
        return next((f for f in self.files if f.role == role), None)


def _data_sources(spec: RenderSpec) -> set[str]:
    """Sources read as data (fonts, caption files) rather than probed as media."""
    found: set[str] = set()
    for track in spec.timeline.tracks:
        for clip in track.clips:
            asset = clip.asset
            if isinstance(asset, CaptionsAsset):
                found.add(asset.src)
            if isinstance(asset, TextAsset | CaptionsAsset) and asset.style.font:
                found.add(asset.style.font)
    return found


def _media_sources(spec: RenderSpec) -> set[str]:
    found = {spec.timeline.soundtrack.src} if spec.timeline.soundtrack else set()
    for track in spec.timeline.tracks:
        for clip in track.clips:
            if isinstance(clip.asset, VideoAsset | ImageAsset | AudioAsset):
                found.add(clip.asset.src)
    return found


def prepare_sources(
    spec: RenderSpec,
    locate: Callable[[str], Path],
    *,
    probe_fn: Callable[[Path], MediaInfo] = probe,
) -> dict[str, LocalMedia]:
    """``{src: LocalMedia}`` for every source of ``spec``: ``locate(src)`` gives the local file (download
    it first in the cloud); media files are probed, fonts and caption files are passed as data."""
    media = _media_sources(spec)
    sources: dict[str, LocalMedia] = {}
    for src in sorted(media | _data_sources(spec)):
        path = Path(locate(src))
        sources[src] = LocalMedia(path, probe_fn(path) if src in media else _DATA_INFO)
    return sources


def _produced(role: str, path: Path, fmt: str) -> ProducedFile:
    return ProducedFile(role, path, CONTENT_TYPES[fmt], path.stat().st_size)


def render(
    spec: RenderSpec,
    sources: Mapping[str, LocalMedia],
    output_path: Path,
    *,
    limits: Limits | None = None,
    on_progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | threading.Event | None = None,
    timeout: float | None = None,
    binary: str | None = None,
    scratch_dir: Path | None = None,
) -> RenderResult:
    """Render ``spec`` to ``output_path`` using only the local files in ``sources``.

    Runs stage-2 validation (raises `ValidationFailedError`), compiles one FFmpeg command and runs it.
    A requested poster/thumbnail is written next to the output as ``<stem>.poster.jpg`` /
    ``<stem>.thumb.jpg``. On failure, cancellation or timeout nothing partial is left behind.
    """
    started = time.monotonic()
    output_path = Path(output_path)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    timeline = resolve_timeline(spec, sources, limits=limits)
    binary = binary or ffmpeg_binary()
    work_dir = Path(tempfile.mkdtemp(prefix="renderowl-", dir=scratch_dir))
    written: list[Path] = []
    try:
        plan = compile_render(spec, timeline, output_path, work_dir=work_dir)
        for path, content in plan.files.items():
            path.write_text(content, encoding="utf-8")
        run_ffmpeg(
            binary,
            plan.argv,
            duration=plan.duration,
            on_progress=on_progress,
            should_cancel=should_cancel,
            timeout=timeout,
            cleanup=[output_path],
        )
        written.append(output_path)
        out = spec.output
        files = [_produced("output", output_path, out.format)]
        extras = (
            ("poster", out.poster, None),
            ("thumbnail", out.thumbnail, getattr(out.thumbnail, "width", None)),
        )
        for role, request, width in extras:
            if request is None:
                continue
            suffix = "poster" if role == "poster" else "thumb"
            path = output_path.with_name(f"{output_path.stem}.{suffix}.jpg")
            extract_frame(
                binary,
                output_path,
                path,
                at=request.at,
                width=width,
                should_cancel=should_cancel,
                timeout=timeout,
            )
            written.append(path)
            files.append(_produced(role, path, "jpg"))
    except BaseException:
        for path in written:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        raise
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    width, height = (None, None) if spec.output.is_audio else spec.output.dimensions()
    return RenderResult(
        output=files[0],
        format=spec.output.format,
        duration=plan.duration,
        width=width,
        height=height,
        has_audio=plan.has_audio,
        elapsed=time.monotonic() - started,
        files=files,
    )
