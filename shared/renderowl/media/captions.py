"""Captions: parse SRT / WebVTT and write the ASS script libass burns in.

Writing ASS ourselves (instead of handing FFmpeg the SRT) decides font, size, colours, box and
placement in pure code, and gives word-level highlight: WebVTT inline timestamps
(``<00:00:01.200>word``) split a cue into segments, and each segment gets its own event with that
segment coloured.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from renderowl.media.errors import MediaProbeError

_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})"
_CUE_TIMES = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")
_INLINE_TIME = re.compile(r"<((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})>")
_TAG = re.compile(r"</?[^>]*>")


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str
    segments: list[Segment] = field(default_factory=list)  # non-empty only with word timings


def _seconds(h: str | None, m: str, s: str, frac: str) -> float:
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(frac.ljust(3, "0")) / 1000


def _parse_time(text: str) -> float:
    match = re.fullmatch(_TIME, text)
    assert match is not None
    return _seconds(*match.groups())


def parse_captions(content: str) -> list[Cue]:
    """Cues of an SRT or WebVTT document, in file order. Raises on a document with no cue."""
    content = content.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    cues: list[Cue] = []
    for block in re.split(r"\n\s*\n", content):
        lines = block.strip("\n").split("\n")
        for i, line in enumerate(lines):
            match = _CUE_TIMES.match(line)
            if not match:
                continue
            groups = match.groups()
            start, end = _seconds(*groups[:4]), _seconds(*groups[4:])
            raw = "\n".join(lines[i + 1 :]).strip()
            cues.append(_cue(start, end, raw))
            break
    if not cues:
        raise MediaProbeError(
            "captions file has no cues", details=[{"path": "captions", "message": "no SRT/WebVTT cues"}]
        )
    return cues


def _cue(start: float, end: float, raw: str) -> Cue:
    parts = _INLINE_TIME.split(raw)
    text = _TAG.sub("", _INLINE_TIME.sub("", raw)).strip()
    if len(parts) == 1:
        return Cue(start, end, text)
    # parts = [text0, t1, text1, t2, text2, ...]: textN starts at tN (text0 at the cue start).
    starts = [start] + [_parse_time(t.replace(",", ".")) for t in parts[1::2]]
    texts = [_TAG.sub("", t) for t in parts[0::2]]
    segments = []
    for n, (seg_start, seg_text) in enumerate(zip(starts, texts, strict=True)):
        seg_end = starts[n + 1] if n + 1 < len(starts) else end
        if seg_text.strip():
            segments.append(Segment(seg_start, seg_end, seg_text))
    return Cue(start, end, text, segments)


# --- ASS ---------------------------------------------------------------------------------------

_ALIGN = {
    "bottomLeft": 1, "bottom": 2, "bottomRight": 3, "left": 4, "center": 5, "right": 6,
    "topLeft": 7, "top": 8, "topRight": 9,
}  # fmt: skip


def ass_color(rgba: str) -> str:
    """``#rrggbb[aa]`` → ASS ``&HAABBGGRR`` (ASS alpha is inverted: 00 is opaque)."""
    r, g, b = rgba[1:3], rgba[3:5], rgba[5:7]
    alpha = 255 - int(rgba[7:9], 16) if len(rgba) == 9 else 0
    return f"&H{alpha:02X}{b}{g}{r}".upper()


def _ass_time(seconds: float) -> str:
    cs = round(max(seconds, 0) * 100)
    return f"{cs // 360000}:{cs // 6000 % 60:02d}:{cs // 100 % 60:02d}.{cs % 100:02d}"


def _escape(text: str) -> str:
    # Braces start override blocks and a backslash starts a tag: neither may come from user text.
    return text.replace("\\", "\u29f5").replace("{", "(").replace("}", ")").replace("\n", "\\N")


@dataclass(frozen=True)
class CaptionLook:
    """Resolved caption style in output pixels."""

    family: str
    size: float
    bold: bool
    color: str
    highlight: str
    background: str | None
    stroke_color: str
    stroke_width: float
    position: str
    margin_v: int
    margin_h: int


def build_ass(
    cues: list[Cue],
    look: CaptionLook,
    *,
    width: int,
    height: int,
    offset: float,
    window: tuple[float, float],
) -> str:
    """An ASS script for ``cues`` shifted by ``offset`` seconds and clipped to ``window`` (start, end)."""
    if look.background:
        border_style, outline_color, outline = 3, ass_color(look.background), max(look.size * 0.15, 1)
    else:
        border_style, outline_color, outline = 1, ass_color(look.stroke_color), look.stroke_width
    style = ",".join(
        str(v)
        for v in (
            "Default", look.family, round(look.size), ass_color(look.color), ass_color(look.highlight),
            outline_color, "&H00000000", -1 if look.bold else 0, 0, 0, 0, 100, 100, 0, 0, border_style,
            round(outline, 2), 0, _ALIGN[look.position], look.margin_h, look.margin_h, look.margin_v, 1,
        )
    )  # fmt: skip
    lines = [
        "[Script Info]",
        "ScriptType: v4.00+",
        f"PlayResX: {width}",
        f"PlayResY: {height}",
        "WrapStyle: 0",
        "ScaledBorderAndShadow: yes",
        "",
        "[V4+ Styles]",
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, "
        "Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, "
        "Alignment, MarginL, MarginR, MarginV, Encoding",
        f"Style: {style}",
        "",
        "[Events]",
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ]
    lo, hi = window

    def event(start: float, end: float, text: str) -> None:
        start, end = max(start + offset, lo), min(end + offset, hi)
        if end - start > 0.005:
            lines.append(f"Dialogue: 0,{_ass_time(start)},{_ass_time(end)},Default,,0,0,0,,{text}")

    base, hl = f"&H{ass_color(look.color)[4:]}&", f"&H{ass_color(look.highlight)[4:]}&"
    for cue in cues:
        if not cue.segments:
            event(cue.start, cue.end, _escape(cue.text))
            continue
        for n, seg in enumerate(cue.segments):
            before = "".join(s.text for s in cue.segments[:n])
            after = "".join(s.text for s in cue.segments[n + 1 :])
            text = f"{_escape(before)}{{\\c{hl}}}{_escape(seg.text)}{{\\c{base}}}{_escape(after)}"
            event(seg.start, seg.end, text)
    return "\n".join(lines) + "\n"
