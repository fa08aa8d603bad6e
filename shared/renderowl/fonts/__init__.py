"""Fonts shipped with Renderowl so that text renders identically on every machine.

DejaVu Sans (Bitstream Vera licence, see LICENSE-DejaVu.txt). Text never falls back to system fonts:
drawtext gets an explicit ``fontfile`` and libass gets this folder as ``fontsdir``.
"""

from __future__ import annotations

from pathlib import Path

FONTS_DIR = Path(__file__).resolve().parent
DEFAULT_FONT = FONTS_DIR / "DejaVuSans.ttf"
DEFAULT_BOLD_FONT = FONTS_DIR / "DejaVuSans-Bold.ttf"
DEFAULT_FAMILY = "DejaVu Sans"

__all__ = ["DEFAULT_BOLD_FONT", "DEFAULT_FAMILY", "DEFAULT_FONT", "FONTS_DIR"]
