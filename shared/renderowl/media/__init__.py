"""The render engine: probe, compile (spec → FFmpeg argv), run, and extract frames.

Public API for callers (CLI, cloud worker)::

    spec = parse_spec(raw, limits=..., allow_local_paths=False)       # stage 1 (renderowl.spec)
    needed = collect_sources(spec)                                    # {"asset://…", …}
    sources = prepare_sources(spec, locate=lambda src: local_path)    # probe → {src: LocalMedia}
    result = render(spec, sources, out_dir / "output.mp4", on_progress=..., should_cancel=...)
"""

from renderowl.media.binary import ffmpeg_binary
from renderowl.media.compiler import RenderPlan, compile_render
from renderowl.media.errors import (
    MediaProbeError,
    RenderCancelledError,
    RenderFailedError,
    RenderTimeoutError,
)
from renderowl.media.frames import extract_frame, frame_argv
from renderowl.media.probe import LocalMedia, MediaInfo, probe
from renderowl.media.render import ProducedFile, RenderResult, prepare_sources, render
from renderowl.media.runner import run_ffmpeg
from renderowl.media.timeline import ResolvedClip, ResolvedTimeline, resolve_timeline

__all__ = [
    "LocalMedia",
    "MediaInfo",
    "MediaProbeError",
    "ProducedFile",
    "RenderCancelledError",
    "RenderFailedError",
    "RenderPlan",
    "RenderResult",
    "RenderTimeoutError",
    "ResolvedClip",
    "ResolvedTimeline",
    "compile_render",
    "extract_frame",
    "ffmpeg_binary",
    "frame_argv",
    "prepare_sources",
    "probe",
    "render",
    "resolve_timeline",
    "run_ffmpeg",
]
