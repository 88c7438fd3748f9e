"""Font loading from the repository's own `templates/fonts`, never from system paths."""

from __future__ import annotations

import functools
from pathlib import Path

from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from PIL import ImageFont

from bot.rendering.errors import TemplateError

FONTS_DIR = Path(__file__).resolve().parents[2] / "templates" / "fonts"

SANS = "DejaVuSans.ttf"
SANS_BOLD = "DejaVuSans-Bold.ttf"
SERIF = "DejaVuSerif.ttf"
SERIF_BOLD = "DejaVuSerif-Bold.ttf"
SERIF_ITALIC = "DejaVuSerif-Italic.ttf"
EMOJI = "NotoColorEmoji.ttf"  # colour bitmaps (CBDT), one strike
EMOJI_STRIKE = 109  # the only pixel size the bitmaps exist at; drawn scaled from there


def font_path(name: str) -> Path:
    """Return the path of a bundled font file, refusing anything outside templates/fonts."""
    candidate = (FONTS_DIR / name).resolve()
    # Layout files are editable by staff: only a bare file name, so nothing escapes the folder.
    bare = name == Path(name).name and "\\" not in name
    if (
        not bare
        or candidate.parent != FONTS_DIR
        or candidate.suffix.lower() not in {".ttf", ".otf"}
    ):
        raise TemplateError(f"font {name!r} is not a font file in {FONTS_DIR}")
    if not candidate.is_file():
        raise TemplateError(f"font {name!r} not found in {FONTS_DIR}")
    return candidate


@functools.lru_cache(maxsize=256)
def get_font(name: str, size: int) -> ImageFont.FreeTypeFont:
    """Return a cached FreeType font of `name` at pixel `size`."""
    # BASIC layout keeps measurements identical whether or not libraqm is installed.
    return ImageFont.truetype(
        str(font_path(name)), size=size, layout_engine=ImageFont.Layout.BASIC
    )


@functools.lru_cache(maxsize=1)
def emoji_font() -> ImageFont.FreeTypeFont:
    """The colour emoji font at its bitmap strike."""
    return ImageFont.truetype(
        str(font_path(EMOJI)), size=EMOJI_STRIKE, layout_engine=ImageFont.Layout.BASIC
    )


@functools.lru_cache(maxsize=32)
def coverage(name: str) -> frozenset[int]:
    """Return the set of code points the font maps to a real glyph (from its cmap)."""
    with TTFont(str(font_path(name)), lazy=True) as tt:
        cmap = tt.getBestCmap() or {}
        return frozenset(cp for cp, glyph in cmap.items() if glyph != ".notdef")


def has_glyph(name: str, char: str) -> bool:
    """Tell whether the font has a glyph for the single character `char`."""
    return ord(char) in coverage(name)
