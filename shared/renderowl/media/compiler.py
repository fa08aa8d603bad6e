"""The pure compiler: a resolved timeline → one FFmpeg argument list (no I/O, no shell strings).

One FFmpeg run per render. The graph is a ``color`` canvas (generated inside the filter graph, no
demuxer) with every visual clip overlaid bottom-up over it (``tracks[0]`` last, so it is on top), each
clip only between its start and end; captions are burned in with libass at their layer; audio is
delayed, faded and mixed, with the soundtrack side-chain compressed under voice when ``ducking`` is on.

Work is kept to what the output needs: inputs are trimmed by input-side ``-ss``/``-t``, stills are
fitted once and then looped, fit/crop sizes are computed here (not by per-frame expressions), and alpha
planes exist only for clips that need them (text, opacity, transitions, transparent sources).

The same resolved timeline always yields the same argv: nodes are built in a fixed order and
ffmpeg-python labels them deterministically.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from fractions import Fraction
from functools import reduce
from pathlib import Path
from typing import Any

import ffmpeg
from ffmpeg._run import _format_input_stream_name, _get_filter_arg, _get_input_args, topo_sort
from ffmpeg.nodes import FilterableStream, FilterNode, InputNode, Node

from renderowl.fonts import DEFAULT_BOLD_FONT, DEFAULT_FAMILY, DEFAULT_FONT, FONTS_DIR
from renderowl.media.captions import CaptionLook, build_ass
from renderowl.media.fontmetrics import load_metrics
from renderowl.media.probe import LocalMedia
from renderowl.media.text import layout
from renderowl.media.timeline import ResolvedClip, ResolvedTimeline
from renderowl.spec.models import (
    AudioAsset,
    CaptionsAsset,
    ColorAsset,
    ImageAsset,
    RenderSpec,
    TextAsset,
    VideoAsset,
)

SAMPLE_RATE = 48000

# Encoder settings per quality. x264 presets trade speed for size at equal quality (CRF).
X264 = {"low": ("superfast", 28), "medium": ("veryfast", 23), "high": ("medium", 19)}
VP9 = {"low": (8, 40), "medium": (6, 34), "high": (3, 30)}  # (cpu-used, crf)
AAC_BITRATE = {"low": "96k", "medium": "128k", "high": "192k"}
OPUS_BITRATE = {"low": "64k", "medium": "96k", "high": "128k"}
MP3_QUALITY = {"low": "7", "medium": "4", "high": "2"}
JPEG_QUALITY = {"low": "8", "medium": "4", "high": "2"}
GIF_COLORS = {"low": 64, "medium": 128, "high": 256}

# Ducking: the soundtrack drops by up to ~20 dB while voice is above about -34 dBFS.
DUCK = {"threshold": 0.02, "ratio": 10, "attack": 20, "release": 400}


@dataclass(frozen=True)
class RenderPlan:
    """What to run: FFmpeg arguments (without the binary) and the small files they refer to."""

    argv: list[str]
    output_path: Path
    duration: float  # seconds of output, for progress
    files: dict[Path, str] = field(default_factory=dict)  # text files to write before running
    has_audio: bool = False
    has_video: bool = False


class _Salted:
    """ffmpeg-python merges nodes with equal content (same file, same filter arguments). Two clips that
    use the same file, or two identical transparent sources, must stay separate streams: a per-graph
    serial number is mixed into the hash of every leaf node, and so into everything downstream."""

    _salt: int

    def __hash__(self) -> int:
        return hash((super().__hash__(), self._salt))

    def __eq__(self, other: object) -> bool:
        return hash(self) == hash(other)


class _Input(_Salted, InputNode):
    def __init__(self, salt: int, filename: str, kwargs: dict[str, Any]) -> None:
        self._salt = salt
        InputNode.__init__(self, "input", kwargs={"filename": filename, **kwargs})


class _Source(_Salted, FilterNode):
    """A source filter (``color``…) inside the graph: ffmpeg-python has no node for those."""

    def __init__(self, salt: int, name: str, kwargs: dict[str, Any]) -> None:
        self._salt = salt
        Node.__init__(
            self,
            stream_spec=None,
            name=name,
            incoming_stream_types={FilterableStream},
            outgoing_stream_type=FilterableStream,
            min_inputs=0,
            max_inputs=0,
            args=[],
            kwargs=kwargs,
        )


_serial = itertools.count()


def _source(name: str, **kwargs: Any) -> FilterableStream:
    return _Source(next(_serial), name, kwargs).stream()


def _num(value: float) -> str:
    """Shortest exact-enough decimal for argv (stable across runs, no float noise)."""
    text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def _ffcolor(rgba: str) -> str:
    return "0x" + rgba[1:].upper()


def _rate(fps: float) -> Fraction:
    return Fraction(fps).limit_denominator(1001)


def _rate_str(rate: Fraction) -> str:
    return str(rate.numerator) if rate.denominator == 1 else f"{rate.numerator}/{rate.denominator}"


@dataclass
class _Ctx:
    spec: RenderSpec
    timeline: ResolvedTimeline
    work_dir: Path
    width: int
    height: int
    rate: Fraction
    files: dict[Path, str] = field(default_factory=dict)
    inputs: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    @property
    def rate_s(self) -> str:
        return _rate_str(self.rate)

    def frames(self, seconds: float) -> int:
        return max(1, int(-(-seconds * self.rate // 1)))

    def input(self, key: tuple[Any, ...], media: LocalMedia, **options: Any) -> Any:
        """One ``-i`` per clip (``key``): a video clip's picture and sound share their input."""
        if key not in self.inputs:
            opts: dict[str, Any] = {"protocol_whitelist": "file", "f": media.info.demuxer}
            if media.info.demuxer == "image2":
                opts["pattern_type"] = "none"  # a literal file name, never a sequence pattern
            opts.update(options)
            if "f" in opts:
                opts["format"] = opts.pop("f")
            self.inputs[key] = _Input(next(_serial), str(media.path), opts).stream()
        return self.inputs[key]


# --- geometry ------------------------------------------------------------------------------------


def _box(ctx: _Ctx, rc: ResolvedClip, src_w: int, src_h: int) -> tuple[int, int]:
    """Size of the clip on the canvas after ``fit`` and ``scale``."""
    clip = rc.clip
    if clip.fit == "none" and clip.effect is None:
        return _even(src_w * clip.scale), _even(src_h * clip.scale)
    bw, bh = ctx.width * clip.scale, ctx.height * clip.scale
    if clip.fit == "contain" and clip.effect is None:
        if src_w * bh > src_h * bw:
            return _even(bw), _even(bw * src_h / src_w)
        return _even(bh * src_w / src_h), _even(bh)
    return _even(bw), _even(bh)


def _xy(ctx: _Ctx, rc: ResolvedClip, w: int, h: int) -> tuple[int, int]:
    pos = rc.clip.position
    x = (
        0
        if "Left" in pos or pos == "left"
        else ctx.width - w
        if "Right" in pos or pos == "right"
        else (ctx.width - w) / 2
    )
    y = 0 if pos.startswith("top") else ctx.height - h if pos.startswith("bottom") else (ctx.height - h) / 2
    return round(x + rc.clip.offset.x * ctx.width), round(y + rc.clip.offset.y * ctx.height)


def _crop_to_aspect(stream: Any, src_w: int, src_h: int, box_w: int, box_h: int) -> Any:
    """Centre-crop to the box's aspect ratio before scaling (scaling fewer pixels is cheaper)."""
    if src_w * box_h > src_h * box_w:
        cw, ch = _even(src_h * box_w / box_h), src_h
    else:
        cw, ch = src_w, _even(src_w * box_h / box_w)
    cw, ch = min(cw, src_w), min(ch, src_h)
    if (cw, ch) != (src_w, src_h):
        stream = stream.filter("crop", cw, ch)
    return stream


def _fit(stream: Any, rc: ResolvedClip, src_w: int, src_h: int, box: tuple[int, int]) -> Any:
    if rc.clip.fit == "crop":
        stream = _crop_to_aspect(stream, src_w, src_h, *box)
    if (src_w, src_h) != box:
        stream = stream.filter("scale", box[0], box[1])
    return stream


_ZOOM = {
    "zoomIn": ("1+0.25*on/{n}", "(iw-iw/zoom)/2", "(ih-ih/zoom)/2"),
    "zoomOut": ("1.25-0.25*on/{n}", "(iw-iw/zoom)/2", "(ih-ih/zoom)/2"),
    "panLeft": ("1.2", "(iw-iw/zoom)*on/{n}", "(ih-ih/zoom)/2"),
    "panRight": ("1.2", "(iw-iw/zoom)*(1-on/{n})", "(ih-ih/zoom)/2"),
}


def _effect(
    stream: Any, ctx: _Ctx, rc: ResolvedClip, src_w: int, src_h: int, box: tuple[int, int], *, still: bool
) -> Any:
    """Ken Burns with zoompan on a frame cropped to the box's aspect; stills are upscaled 2x first
    because zoompan moves in whole input pixels and would visibly jitter at 1x."""
    assert rc.clip.effect is not None
    n = ctx.frames(rc.length)
    stream = _crop_to_aspect(stream, src_w, src_h, *box)
    if still:
        stream = stream.filter("scale", box[0] * 2, box[1] * 2)
    z, x, y = (part.format(n=n) for part in _ZOOM[rc.clip.effect])
    return stream.filter(
        "zoompan", z=z, x=x, y=y, d=n if still else 1, s=f"{box[0]}x{box[1]}", fps=ctx.rate_s
    )


# --- visual clips ------------------------------------------------------------------------------


def _needs_alpha(rc: ResolvedClip) -> bool:
    clip = rc.clip
    asset = clip.asset
    if clip.opacity < 1 or clip.transition is not None or isinstance(asset, TextAsset):
        return True
    if isinstance(asset, ColorAsset):
        return len(asset.color) == 9
    return rc.media is not None and rc.media.info.has_alpha


def _visual(ctx: _Ctx, rc: ResolvedClip) -> tuple[Any, int, int] | None:
    """The clip as a stream of its own length (clip-local time from 0), and its size."""
    asset = rc.clip.asset
    clip = rc.clip
    alpha = _needs_alpha(rc)
    if isinstance(asset, VideoAsset):
        assert rc.media is not None
        info = rc.media.info
        src_w, src_h = info.width or ctx.width, info.height or ctx.height
        available = ((info.duration or rc.length) - asset.trim) / asset.speed
        inp = _video_input(ctx, rc)
        stream = inp.video.filter(
            "setpts", f"(PTS-STARTPTS)/{_num(asset.speed)}" if asset.speed != 1 else "PTS-STARTPTS"
        )
        stream = stream.filter("fps", ctx.rate_s)
        box = _box(ctx, rc, src_w, src_h)
        if clip.effect:
            stream = _effect(stream, ctx, rc, src_w, src_h, box, still=False)
        else:
            stream = _fit(stream, rc, src_w, src_h, box)
        if available < rc.length - 1e-3:
            # A source shorter than its clip holds its last frame rather than leaving a hole.
            stream = stream.filter("tpad", stop_mode="clone", stop_duration=_num(rc.length - available))
    elif isinstance(asset, ImageAsset):
        assert rc.media is not None
        info = rc.media.info
        src_w, src_h = info.width or ctx.width, info.height or ctx.height
        inp = ctx.input(("image", rc.path), rc.media, framerate=ctx.rate_s)
        box = _box(ctx, rc, src_w, src_h)
        if clip.effect:
            stream = _effect(inp.video, ctx, rc, src_w, src_h, box, still=True)
        else:
            # Fit the single decoded picture once, then repeat it: no per-frame decode or scale.
            stream = _fit(inp.video, rc, src_w, src_h, box)
            if alpha:
                stream = stream.filter("format", "yuva420p")
            stream = stream.filter("loop", loop=ctx.frames(rc.length) - 1, size=1, start=0)
        # No fps filter here: -framerate / zoompan already give the output rate, and fps would drop
        # the last frame (a generated frame has no duration to extend it with).
    elif isinstance(asset, ColorAsset):
        box = (_even(ctx.width * clip.scale), _even(ctx.height * clip.scale))
        stream = _source(
            "color", c=_ffcolor(asset.color), s=f"{box[0]}x{box[1]}", r=ctx.rate_s, d=_num(rc.length)
        )
    elif isinstance(asset, TextAsset):
        stream, box = _text(ctx, rc, asset)
    else:
        return None
    converted = isinstance(asset, TextAsset) or (isinstance(asset, ImageAsset) and clip.effect is None)
    if alpha and not converted:
        stream = stream.filter("format", "yuva420p")
    if clip.opacity < 1:
        stream = stream.filter("lut", a=f"val*{_num(clip.opacity)}")
    if clip.transition is not None:
        stream = _transitions(ctx, rc, stream, box)
    return stream, box[0], box[1]


def _video_input(ctx: _Ctx, rc: ResolvedClip) -> Any:
    asset = rc.clip.asset
    assert isinstance(asset, VideoAsset) and rc.media is not None
    span = rc.length * asset.speed
    return ctx.input(("video", rc.path), rc.media, ss=_num(asset.trim), t=_num(span))


def _text(ctx: _Ctx, rc: ResolvedClip, asset: TextAsset) -> tuple[Any, tuple[int, int]]:
    """Draw the text once on a transparent canvas sized to it, then loop that frame."""
    style = asset.style
    font = rc.font or (DEFAULT_BOLD_FONT if style.bold else DEFAULT_FONT)
    metrics = load_metrics(str(font))
    size = style.size * rc.clip.scale
    stroke = style.stroke.width * rc.clip.scale if style.stroke else 0.0
    padding = style.padding * rc.clip.scale if style.background else 0.0
    text_layout = layout(
        asset.text,
        metrics,
        size=size,
        max_width=style.max_width * ctx.width,
        padding=padding,
        stroke=stroke,
        line_spacing=style.line_spacing,
    )
    text_file = ctx.work_dir / f"text-{rc.track}-{rc.index}.txt"
    ctx.files[text_file] = "\n".join(text_layout.lines)
    pad = text_layout.pad
    x = {"left": str(pad), "right": f"w-text_w-{pad}", "center": "(w-text_w)/2"}[style.alignment]
    draw: dict[str, Any] = {
        "fontfile": str(font),
        "textfile": str(text_file),
        "expansion": "none",
        "fontsize": _num(size),
        "fontcolor": _ffcolor(style.color),
        "x": x,
        "y": "(h-text_h)/2",
        "text_align": style.alignment[0].upper(),
        "line_spacing": _num(style.line_spacing),
    }
    if style.background:
        draw.update(box=1, boxcolor=_ffcolor(style.background), boxborderw=_num(padding))
    if style.stroke:
        draw.update(borderw=_num(stroke), bordercolor=_ffcolor(style.stroke.color))
    box = (text_layout.width, text_layout.height)
    stream = _source(
        "color", c="0x00000000", s=f"{box[0]}x{box[1]}", r=ctx.rate_s, d=_num(float(1 / ctx.rate))
    )
    stream = stream.filter("format", "yuva420p").filter("drawtext", **draw)
    stream = stream.filter("loop", loop=ctx.frames(rc.length) - 1, size=1, start=0)
    return stream, box


_FADES: dict[str, dict[str, Any]] = {
    "fade": {"alpha": 1},
    "fadeblack": {"color": "black"},
    "fadewhite": {"color": "white"},
}


def _transitions(ctx: _Ctx, rc: ResolvedClip, stream: Any, box: tuple[int, int]) -> Any:
    """Fades use the ``fade`` filter (on alpha for ``fade``, so the layers below show through; through a
    colour for ``fadeblack``/``fadewhite``): cheap, only the fading frames are touched. Wipes and slides
    are xfades against a transparent stream of the clip's size, so they too reveal the layers below;
    xfade costs more, which is why it is not used for plain fades."""
    transition = rc.clip.transition
    assert transition is not None
    both = transition.in_ is not None and transition.out is not None
    d = min(transition.duration, rc.length / (2 if both else 1))
    offset = max(rc.length - d, 0)

    def clear() -> Any:
        return _source("color", c="0x00000000", s=f"{box[0]}x{box[1]}", r=ctx.rate_s, d=_num(d)).filter(
            "format", "yuva420p"
        )

    if transition.in_ in _FADES:
        stream = stream.filter("fade", t="in", st=0, d=_num(d), **_FADES[transition.in_])
    elif transition.in_:
        stream = ffmpeg.filter(
            [clear(), stream], "xfade", transition=transition.in_, duration=_num(d), offset=0
        )
    if transition.out in _FADES:
        stream = stream.filter("fade", t="out", st=_num(offset), d=_num(d), **_FADES[transition.out])
    elif transition.out:
        stream = ffmpeg.filter(
            [stream, clear()], "xfade", transition=transition.out, duration=_num(d), offset=_num(offset)
        )
    return stream


# --- audio ---------------------------------------------------------------------------------------


def _atempo(stream: Any, speed: float) -> Any:
    # atempo accepts 0.5-2 per instance; chain instances for 0.25-4.
    while speed > 2 + 1e-9:
        stream, speed = stream.filter("atempo", 2), speed / 2
    while speed < 0.5 - 1e-9:
        stream, speed = stream.filter("atempo", 0.5), speed * 2
    return stream.filter("atempo", _num(speed)) if abs(speed - 1) > 1e-9 else stream


def _place_audio(ctx: _Ctx, stream: Any, local_start: float) -> Any:
    """Cut what falls before the window, convert to the mix format, and delay to the clip's start."""
    stream = stream.filter("aformat", sample_fmts="fltp", sample_rates=SAMPLE_RATE, channel_layouts="stereo")
    if local_start < 0:
        stream = stream.filter("atrim", start=_num(-local_start)).filter("asetpts", "PTS-STARTPTS")
    elif local_start > 0:
        stream = stream.filter("adelay", delays=round(local_start * 1000), all=1)
    return stream


def _fades(stream: Any, length: float, fade_in: float, fade_out: float) -> Any:
    if fade_in > 0:
        stream = stream.filter("afade", t="in", st=0, d=_num(min(fade_in, length)))
    if fade_out > 0:
        fade_out = min(fade_out, length)
        stream = stream.filter("afade", t="out", st=_num(length - fade_out), d=_num(fade_out))
    return stream


def _clip_audio(ctx: _Ctx, rc: ResolvedClip) -> Any | None:
    asset = rc.clip.asset
    local_start = rc.start - ctx.timeline.window_start
    if isinstance(asset, VideoAsset):
        if rc.media is None or not rc.media.info.has_audio or asset.volume == 0:
            return None
        stream = _video_input(ctx, rc).audio.filter("asetpts", "PTS-STARTPTS")
        stream = _atempo(stream, asset.speed)
        transition = rc.clip.transition
        fade_in = transition.duration if transition and transition.in_ else 0.0
        fade_out = transition.duration if transition and transition.out else 0.0
    elif isinstance(asset, AudioAsset):
        assert rc.media is not None
        inp = ctx.input(("audio", rc.path), rc.media, ss=_num(asset.trim), t=_num(rc.length))
        stream = inp.audio.filter("asetpts", "PTS-STARTPTS")
        fade_in, fade_out = asset.fade_in, asset.fade_out
    else:
        return None
    if asset.volume != 1:
        stream = stream.filter("volume", _num(asset.volume))
    stream = _fades(stream, rc.length, fade_in, fade_out)
    return _place_audio(ctx, stream, local_start)


def _soundtrack(ctx: _Ctx) -> Any | None:
    tl = ctx.timeline
    if tl.soundtrack is None or tl.soundtrack_media is None:
        return None
    track = tl.soundtrack
    # Fades are relative to the whole timeline, so read from the timeline's start and cut later.
    span = tl.window_start + tl.window_length
    inp = ctx.input(("soundtrack",), tl.soundtrack_media, ss=_num(track.trim), t=_num(span))
    stream = inp.audio.filter("asetpts", "PTS-STARTPTS")
    if track.volume != 1:
        stream = stream.filter("volume", _num(track.volume))
    stream = _fades(stream, tl.duration, track.fade_in, track.fade_out)
    return _place_audio(ctx, stream, -tl.window_start)


def _mix(streams: list[Any]) -> Any:
    if len(streams) == 1:
        return streams[0]
    # normalize=0: amix would otherwise divide every input by the input count.
    return ffmpeg.filter(streams, "amix", inputs=len(streams), duration="longest", normalize=0)


def _audio(ctx: _Ctx) -> Any | None:
    voice: list[Any] = []
    other: list[Any] = []
    for row in reversed(ctx.timeline.tracks):
        for rc in row:
            if not _in_window(ctx, rc):
                continue
            stream = _clip_audio(ctx, rc)
            if stream is not None:
                asset = rc.clip.asset
                (voice if getattr(asset, "role", "voice") == "voice" else other).append(stream)
    music = _soundtrack(ctx)
    if music is not None and voice and ctx.timeline.soundtrack and ctx.timeline.soundtrack.ducking:
        voice_mix = _mix(voice).filter_multi_output("asplit", 2)
        music = ffmpeg.filter([music, voice_mix[0]], "sidechaincompress", **DUCK)
        voice = [voice_mix[1]]
    streams = voice + other + ([music] if music is not None else [])
    if not streams:
        return None
    # Pad with silence so the audio lasts exactly as long as the output.
    return _mix(streams).filter("apad", whole_dur=_num(ctx.timeline.window_length))


# --- video ---------------------------------------------------------------------------------------


def _in_window(ctx: _Ctx, rc: ResolvedClip) -> bool:
    lo = ctx.timeline.window_start
    hi = lo + ctx.timeline.window_length
    return rc.length > 0 and rc.end > lo + 1e-9 and rc.start < hi - 1e-9


def _video(ctx: _Ctx) -> Any:
    tl = ctx.timeline
    canvas = _source(
        "color",
        c=_ffcolor(ctx.spec.timeline.background[:7]),
        s=f"{ctx.width}x{ctx.height}",
        r=ctx.rate_s,
        d=_num(tl.window_length),
    )
    for row in reversed(tl.tracks):  # bottom layer first
        for rc in sorted(row, key=lambda r: (r.start, r.index)):
            if not _in_window(ctx, rc):
                continue
            local_start = rc.start - tl.window_start
            end = min(rc.end - tl.window_start, tl.window_length)
            if isinstance(rc.clip.asset, CaptionsAsset):
                canvas = _captions(ctx, rc, canvas, local_start)
                continue
            built = _visual(ctx, rc)
            if built is None:
                continue
            stream, w, h = built
            if local_start < 0:
                stream = stream.filter("trim", start=_num(-local_start))
            stream = stream.filter("setpts", f"PTS-STARTPTS+{_num(max(local_start, 0))}/TB")
            x, y = _xy(ctx, rc, w, h)
            canvas = ffmpeg.overlay(
                canvas,
                stream,
                x=x,
                y=y,
                eof_action="pass",
                enable=f"between(t,{_num(max(local_start, 0))},{_num(end)})",
            )
    return canvas


def _captions(ctx: _Ctx, rc: ResolvedClip, canvas: Any, local_start: float) -> Any:
    asset = rc.clip.asset
    assert isinstance(asset, CaptionsAsset)
    style = asset.style
    fonts_dir = FONTS_DIR
    family = DEFAULT_FAMILY
    if rc.font is not None and rc.font.parent != FONTS_DIR:
        fonts_dir = rc.font.parent
        family = load_metrics(str(rc.font)).family
    look = CaptionLook(
        family=family,
        size=style.size * rc.clip.scale,
        bold=style.bold,
        color=style.color,
        highlight=style.highlight_color,
        background=style.background,
        stroke_color=style.stroke.color if style.stroke else "#000000",
        stroke_width=style.stroke.width if style.stroke else 0.0,
        position=rc.clip.position,
        margin_v=round(style.margin * ctx.height),
        margin_h=round(0.05 * ctx.width),
    )
    window = (max(local_start, 0.0), min(rc.end - ctx.timeline.window_start, ctx.timeline.window_length))
    script = build_ass(
        rc.cues, look, width=ctx.width, height=ctx.height, offset=local_start - asset.trim, window=window
    )
    ass_file = ctx.work_dir / f"captions-{rc.track}-{rc.index}.ass"
    ctx.files[ass_file] = script
    return canvas.filter(
        "ass", filename=str(ass_file), fontsdir=str(fonts_dir), original_size=f"{ctx.width}x{ctx.height}"
    )


# --- output --------------------------------------------------------------------------------------


def _output_args(spec: RenderSpec, has_audio: bool, duration: float) -> list[str]:
    out = spec.output
    q = out.quality
    args: list[str] = []
    if out.format in ("mp4", "mov"):
        preset, crf = X264[q]
        args += ["-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-pix_fmt", "yuv420p"]
        if has_audio:
            args += ["-c:a", "aac", "-b:a", AAC_BITRATE[q], "-ar", str(SAMPLE_RATE)]
        args += ["-movflags", "+faststart"]
    elif out.format == "webm":
        cpu, crf = VP9[q]
        args += [
            "-c:v",
            "libvpx-vp9",
            "-b:v",
            "0",
            "-crf",
            str(crf),
            "-deadline",
            "good" if q == "high" else "realtime",
        ]
        args += ["-cpu-used", str(cpu), "-row-mt", "1", "-pix_fmt", "yuv420p"]
        if has_audio:
            args += ["-c:a", "libopus", "-b:a", OPUS_BITRATE[q], "-ar", str(SAMPLE_RATE)]
    elif out.format == "gif":
        args += ["-loop", "0"]
    elif out.format == "mp3":
        args += ["-c:a", "libmp3lame", "-q:a", MP3_QUALITY[q], "-ar", str(SAMPLE_RATE)]
    elif out.format == "wav":
        args += ["-c:a", "pcm_s16le", "-ar", str(SAMPLE_RATE)]
    elif out.format == "jpg":
        args += ["-frames:v", "1", "-c:v", "mjpeg", "-q:v", JPEG_QUALITY[q], "-pix_fmt", "yuvj420p"]
    elif out.format == "png":
        args += ["-frames:v", "1", "-c:v", "png", "-pix_fmt", "rgb24"]
    if not out.is_image:
        args += ["-t", _num(duration)]
    args += ["-map_metadata", "-1", "-map_chapters", "-1", "-f", _MUXER[out.format]]
    return args


_MUXER = {
    "mp4": "mp4", "mov": "mov", "webm": "webm", "gif": "gif", "mp3": "mp3", "wav": "wav",
    "jpg": "image2", "png": "image2",
}  # fmt: skip


def _argv(streams: list[Any], output_path: Path, output_args: list[str]) -> list[str]:
    """ffmpeg-python's ``get_args`` without its limits: graphs with source filters and no inputs."""
    out_node = ffmpeg.output(*streams, str(output_path)).node
    sorted_nodes, outgoing = topo_sort([out_node])
    inputs = [n for n in sorted_nodes if isinstance(n, InputNode)]
    filters = [n for n in sorted_nodes if isinstance(n, FilterNode)]
    names = {(node, None): str(i) for i, node in enumerate(inputs)}
    graph = _get_filter_arg(filters, outgoing, names)
    args: list[str] = reduce(lambda acc, n: acc + _get_input_args(n), inputs, [])
    if graph:
        args += ["-filter_complex", graph]
    for edge in out_node.incoming_edges:
        args += ["-map", _format_input_stream_name(names, edge, is_final_arg=True)]
    return [*args, *output_args, str(output_path)]


def compile_render(
    spec: RenderSpec, timeline: ResolvedTimeline, output_path: Path, *, work_dir: Path
) -> RenderPlan:
    """Compile a validated spec and its resolved timeline into one FFmpeg run writing ``output_path``.

    ``work_dir`` is where the plan's small files (text, ASS) go; `RenderPlan.files` lists them and the
    caller writes them before running. Pure: nothing is read or written here.
    """
    width, height = spec.output.dimensions()
    ctx = _Ctx(spec, timeline, Path(work_dir), width, height, _rate(spec.output.fps))
    out = spec.output
    streams: list[Any] = []
    has_video = not out.is_audio
    if has_video:
        video = _video(ctx)
        if out.format == "gif":
            split = video.filter_multi_output("split", 2)
            palette = split[0].filter("palettegen", max_colors=GIF_COLORS[out.quality], stats_mode="diff")
            video = ffmpeg.filter([split[1], palette], "paletteuse", dither="bayer", bayer_scale=3)
        streams.append(video)
    audio = None if out.is_image or out.format == "gif" else _audio(ctx)
    if audio is not None:
        streams.append(audio)
    argv = _argv(streams, output_path, _output_args(spec, audio is not None, timeline.window_length))
    return RenderPlan(
        argv=argv,
        output_path=Path(output_path),
        duration=timeline.window_length,
        files=dict(ctx.files),
        has_audio=audio is not None,
        has_video=has_video,
    )
