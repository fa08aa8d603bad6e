"""Text layout in pure code: wrap lines to a width and size the transparent canvas they are drawn on."""

from __future__ import annotations

from dataclasses import dataclass

from renderowl.media.fontmetrics import FontMetrics

# Shaping (kerning, ligatures) can make a line a little wider than the sum of advances.
_SAFETY = 1.04


@dataclass(frozen=True)
class TextLayout:
    lines: list[str]
    width: int  # canvas size in pixels, even
    height: int
    pad: int  # distance from the canvas edge to the text block


def _even_up(value: float) -> int:
    number = int(-(-value // 1))
    return number + (number % 2)


def wrap(text: str, metrics: FontMetrics, size: float, max_width: float) -> list[str]:
    """Greedy word wrap; explicit newlines are kept and over-long words are broken by character."""
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if metrics.text_width(candidate, size) * _SAFETY <= max_width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            for char in word:
                if line and metrics.text_width(line + char, size) * _SAFETY > max_width:
                    lines.append(line)
                    line = ""
                line += char
        lines.append(line)
    return lines


def layout(
    text: str,
    metrics: FontMetrics,
    *,
    size: float,
    max_width: float,
    padding: float,
    stroke: float,
    line_spacing: float,
) -> TextLayout:
    """Wrap ``text`` and compute the canvas that holds it with its box padding and outline."""
    pad = round(max(padding, 0) + stroke + 1)
    lines = wrap(text, metrics, size, max(max_width - 2 * pad, size))
    widest = max((metrics.text_width(line, size) for line in lines), default=0.0)
    block_h = len(lines) * metrics.line_height(size) + (len(lines) - 1) * line_spacing
    return TextLayout(
        lines=lines,
        width=_even_up(widest * _SAFETY + 2 * pad),
        height=_even_up(block_h + 2 * pad),
        pad=pad,
    )
