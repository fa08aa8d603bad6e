"""Just enough TrueType parsing to measure text: advance widths, line height and family name.

Text is wrapped and its box sized before FFmpeg runs, so that layout is decided in pure code (and
tested as data). Kerning is ignored; layout keeps a small safety margin for it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class FontMetrics:
    """Metrics of one font file, in font units (divide by ``units_per_em`` and multiply by size)."""

    family: str
    units_per_em: int
    ascender: int
    descender: int
    line_gap: int
    advances: dict[int, int]  # code point → advance width
    default_advance: int

    def text_width(self, text: str, size: float) -> float:
        """Width in pixels of one line of ``text`` at ``size`` pixels per em."""
        units = sum(self.advances.get(ord(ch), self.default_advance) for ch in text)
        return units * size / self.units_per_em

    def line_height(self, size: float) -> float:
        """Distance between baselines in pixels, as FreeType reports it for drawtext."""
        return (self.ascender - self.descender + self.line_gap) * size / self.units_per_em


def _tables(data: bytes) -> dict[bytes, tuple[int, int]]:
    (count,) = struct.unpack_from(">H", data, 4)
    tables = {}
    for i in range(count):
        tag, _checksum, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        tables[tag] = (offset, length)
    return tables


def _cmap(data: bytes, offset: int) -> dict[int, int]:
    """Code point → glyph id from a format 4 (BMP) or format 12 (full) subtable."""
    _version, count = struct.unpack_from(">HH", data, offset)
    subtables = []
    for i in range(count):
        platform, encoding, sub = struct.unpack_from(">HHI", data, offset + 4 + 8 * i)
        fmt = struct.unpack_from(">H", data, offset + sub)[0]
        subtables.append((platform, encoding, fmt, offset + sub))
    preferred = sorted(subtables, key=lambda s: (s[2] != 12, s[2] != 4, s[0] != 3))
    for _platform, _encoding, fmt, start in preferred:
        mapping: dict[int, int] = {}
        if fmt == 12:
            (groups,) = struct.unpack_from(">I", data, start + 12)
            for g in range(groups):
                first, last, glyph = struct.unpack_from(">III", data, start + 16 + 12 * g)
                for code in range(first, min(last, first + 0xFFFF) + 1):
                    mapping[code] = glyph + code - first
            return mapping
        if fmt == 4:
            seg_x2 = struct.unpack_from(">H", data, start + 6)[0]
            ends = start + 14
            starts = ends + seg_x2 + 2
            deltas = starts + seg_x2
            ranges = deltas + seg_x2
            for s in range(seg_x2 // 2):
                end = struct.unpack_from(">H", data, ends + 2 * s)[0]
                first = struct.unpack_from(">H", data, starts + 2 * s)[0]
                delta = struct.unpack_from(">h", data, deltas + 2 * s)[0]
                range_offset = struct.unpack_from(">H", data, ranges + 2 * s)[0]
                for code in range(first, end + 1):
                    if code == 0xFFFF:
                        continue
                    if range_offset == 0:
                        glyph = (code + delta) & 0xFFFF
                    else:
                        at = ranges + 2 * s + range_offset + 2 * (code - first)
                        glyph = struct.unpack_from(">H", data, at)[0]
                        glyph = (glyph + delta) & 0xFFFF if glyph else 0
                    if glyph:
                        mapping[code] = glyph
            return mapping
    return {}


def _family(data: bytes, offset: int) -> str:
    _fmt, count, strings = struct.unpack_from(">HHH", data, offset)
    best = ""
    for i in range(count):
        platform, _encoding, _lang, name_id, length, at = struct.unpack_from(
            ">HHHHHH", data, offset + 6 + 12 * i
        )
        if name_id != 1:
            continue
        raw = data[offset + strings + at : offset + strings + at + length]
        text = raw.decode("utf-16-be", "replace") if platform in (0, 3) else raw.decode("latin-1")
        if platform == 3 or not best:
            best = text
    return best


@lru_cache(maxsize=16)
def load_metrics(path: str | Path) -> FontMetrics:
    """Parse ``path`` (a .ttf/.otf with TrueType tables). Cached: fonts are immutable files."""
    data = Path(path).read_bytes()
    tables = _tables(data)
    head, _ = tables[b"head"]
    hhea, _ = tables[b"hhea"]
    hmtx, _ = tables[b"hmtx"]
    units_per_em = struct.unpack_from(">H", data, head + 18)[0]
    ascender, descender, line_gap = struct.unpack_from(">hhh", data, hhea + 4)
    metrics_count = struct.unpack_from(">H", data, hhea + 34)[0]
    widths = [struct.unpack_from(">H", data, hmtx + 4 * i)[0] for i in range(metrics_count)]
    cmap = _cmap(data, tables[b"cmap"][0]) if b"cmap" in tables else {}
    advances = {code: widths[min(glyph, metrics_count - 1)] for code, glyph in cmap.items()}
    family = _family(data, tables[b"name"][0]) if b"name" in tables else Path(path).stem
    default = advances.get(ord("M"), units_per_em)
    return FontMetrics(family, units_per_em, ascender, descender, line_gap, advances, default)
