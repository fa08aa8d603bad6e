"""Stage-2 validation and timeline resolution: the spec plus probed sources → absolute clip times.

Resolves ``start: "auto"`` (after the previous clip on the track), ``length: "auto"`` (the source's
natural length) and ``length: "end"`` (to the end of the timeline), checks what only the media can tell
(trim beyond a source's end, an image asked for its natural length, a "video" without video...) and
reports every problem at once with its JSON path, like stage 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from renderowl.fonts import DEFAULT_BOLD_FONT, DEFAULT_FONT
from renderowl.media.captions import Cue, parse_captions
from renderowl.media.errors import MediaProbeError
from renderowl.media.probe import LocalMedia
from renderowl.spec.limits import DEFAULT_LIMITS, Limits
from renderowl.spec.models import (
    AudioAsset,
    CaptionsAsset,
    Clip,
    ImageAsset,
    RenderSpec,
    Soundtrack,
    TextAsset,
    VideoAsset,
)
from renderowl.spec.validation import Problem, invalid

_EPS = 1e-6


@dataclass(frozen=True)
class ResolvedClip:
    """A clip with absolute timing and its resolved files."""

    path: str  # JSON path of the clip, for messages
    track: int
    index: int
    clip: Clip
    start: float
    length: float
    media: LocalMedia | None = None  # video/image/audio source
    font: Path | None = None  # text/captions font file
    cues: list[Cue] = field(default_factory=list)  # captions

    @property
    def end(self) -> float:
        return self.start + self.length


@dataclass(frozen=True)
class ResolvedTimeline:
    """Everything the compiler needs, with no I/O left to do."""

    duration: float  # of the whole timeline
    window_start: float  # the part rendered (output.range, or the frame of a jpg/png)
    window_length: float
    tracks: list[list[ResolvedClip]]  # tracks[0] is the top layer
    soundtrack: Soundtrack | None = None
    soundtrack_media: LocalMedia | None = None


def _natural_length(clip: Clip, media: LocalMedia | None, cues: list[Cue]) -> float | None:
    asset = clip.asset
    if isinstance(asset, VideoAsset) and media and media.info.duration:
        return (media.info.duration - asset.trim) / asset.speed
    if isinstance(asset, AudioAsset) and media and media.info.duration:
        return media.info.duration - asset.trim
    if isinstance(asset, CaptionsAsset) and cues:
        return max(c.end for c in cues) - asset.trim
    return None


def resolve_timeline(
    spec: RenderSpec, sources: Mapping[str, LocalMedia], *, limits: Limits | None = None
) -> ResolvedTimeline:
    """Resolve timing against the probed ``sources``; raise `ValidationFailedError` listing every problem."""
    limits = limits or DEFAULT_LIMITS
    problems: list[Problem] = []

    def add(path: str, message: str) -> None:
        problems.append({"path": path, "message": message})

    def lookup(src: str, path: str, *, need: str) -> LocalMedia | None:
        media = sources.get(src)
        if media is None:
            add(path, "source was not resolved to a local file")
            return None
        info = media.info
        if need == "video" and (not info.has_video or info.is_image):
            add(path, "is not a video file")
        elif need == "image" and not info.has_video:
            add(path, "is not an image file")
        elif need == "audio" and not info.has_audio:
            add(path, "has no audio stream")
        return media

    # Pass 1: files, natural lengths, starts; "end" lengths wait for the timeline's end.
    pending: list[list[tuple[Clip, str, float, float | None, LocalMedia | None, Path | None, list[Cue]]]] = []
    for t, track in enumerate(spec.timeline.tracks):
        row = []
        cursor = 0.0
        after_end = False
        for c, clip in enumerate(track.clips):
            path = f"timeline.tracks[{t}].clips[{c}]"
            asset = clip.asset
            media: LocalMedia | None = None
            font: Path | None = None
            cues: list[Cue] = []
            if isinstance(asset, VideoAsset):
                media = lookup(asset.src, f"{path}.asset.src", need="video")
            elif isinstance(asset, ImageAsset):
                media = lookup(asset.src, f"{path}.asset.src", need="image")
            elif isinstance(asset, AudioAsset):
                media = lookup(asset.src, f"{path}.asset.src", need="audio")
            elif isinstance(asset, CaptionsAsset):
                local = sources.get(asset.src)
                if local is None:
                    add(f"{path}.asset.src", "source was not resolved to a local file")
                else:
                    try:
                        cues = parse_captions(local.path.read_text(encoding="utf-8", errors="replace"))
                    except (OSError, MediaProbeError):
                        add(f"{path}.asset.src", "is not an SRT or WebVTT file with cues")
            if isinstance(asset, TextAsset | CaptionsAsset):
                if asset.style.font:
                    local = sources.get(asset.style.font)
                    if local is None:
                        add(f"{path}.asset.style.font", "source was not resolved to a local file")
                    else:
                        font = local.path
                else:
                    font = DEFAULT_BOLD_FONT if asset.style.bold else DEFAULT_FONT

            trim = getattr(asset, "trim", 0.0)
            natural = _natural_length(clip, media, cues)
            if media is not None and media.info.duration and trim >= media.info.duration - _EPS:
                add(f"{path}.asset.trim", f"is beyond the end of the source ({media.info.duration:g}s)")
                natural = None
            if clip.start == "auto":
                if after_end:
                    add(f"{path}.start", "cannot follow a clip whose length is 'end'")
                start = cursor
            else:
                start = float(clip.start)
            length: float | None
            if clip.length == "auto":
                length = natural
                if length is None and not any(p["path"].startswith(path) for p in problems):
                    add(f"{path}.length", f"a {asset.type} has no natural length; give seconds or 'end'")
            elif clip.length == "end":
                length = None
                after_end = True
            else:
                length = float(clip.length)
            cursor = start + (length or 0.0)
            row.append((clip, path, start, length, media, font, cues))
        pending.append(row)

    fixed_ends = [start + length for row in pending for (_, _, start, length, *_) in row if length]
    duration = max(fixed_ends, default=0.0)
    tracks: list[list[ResolvedClip]] = []
    for t, row in enumerate(pending):
        resolved = []
        for c, (clip, path, start, length, media, font, cues) in enumerate(row):
            if length is None:
                if clip.length != "end":
                    length = 0.0  # already reported
                elif duration - start <= _EPS:
                    add(f"{path}.length", "'end' leaves no time: nothing else runs past this clip's start")
                    length = 0.0
                else:
                    length = duration - start
            resolved.append(ResolvedClip(path, t, c, clip, start, length, media, font, cues))
        tracks.append(resolved)

    if duration <= _EPS and not problems:
        add("timeline.tracks", "the timeline is empty: no clip has a length")
    if duration > limits.max_duration + _EPS:
        add("timeline", f"lasts {duration:g}s; the limit is {limits.max_duration:g}s")

    soundtrack = spec.timeline.soundtrack
    soundtrack_media = None
    if soundtrack is not None:
        soundtrack_media = lookup(soundtrack.src, "timeline.soundtrack.src", need="audio")
        info = soundtrack_media.info if soundtrack_media else None
        if info and info.duration and soundtrack.trim >= info.duration - _EPS:
            add("timeline.soundtrack.trim", f"is beyond the end of the source ({info.duration:g}s)")

    out = spec.output
    if out.is_audio:
        audible = soundtrack is not None or any(
            isinstance(rc.clip.asset, AudioAsset) or (rc.media is not None and rc.media.info.has_audio)
            for row in tracks
            for rc in row
            if isinstance(rc.clip.asset, AudioAsset | VideoAsset)
        )
        if not audible:
            add("timeline.tracks", f"{out.format} output needs something audible")

    window_start, window_length = 0.0, duration
    if out.range is not None:
        if out.range.start >= duration - _EPS:
            add("output.range.start", f"is beyond the end of the timeline ({duration:g}s)")
        window_start = out.range.start
        window_length = max(min(out.range.length, duration - out.range.start), 0.0)
    if out.is_image:
        if out.frame_at >= duration - _EPS:
            add("output.frame_at", f"is beyond the end of the timeline ({duration:g}s)")
        window_start, window_length = out.frame_at, 1.0 / out.fps
    for name in ("poster", "thumbnail"):
        request = getattr(out, name)
        if request is not None and request.at >= window_length - _EPS:
            add(f"output.{name}.at", f"is beyond the end of the output ({window_length:g}s)")

    if problems:
        raise invalid(problems)
    return ResolvedTimeline(
        duration=duration,
        window_start=window_start,
        window_length=window_length,
        tracks=tracks,
        soundtrack=soundtrack,
        soundtrack_media=soundtrack_media,
    )
