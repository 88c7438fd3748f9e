"""Parsing of the `layout.toml` pieces shared by poster and certificate templates."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from PIL import ImageColor, ImageDraw

from bot.rendering.errors import TemplateError
from bot.rendering.fonts import font_path
from bot.rendering.textfit import Align, Box, Overflow, TextLayout, VAlign, fit_text

_ALIGNS = ("left", "center", "right")
_VALIGNS = ("top", "middle", "bottom")
_OVERFLOWS = ("raise", "ellipsis")
_SLOT_KEYS = {
    "box",
    "font",
    "size",
    "color",
    "align",
    "valign",
    "line_spacing",
    "max_lines",
    "max_chars",
    "prefix",
    "overflow",
    "text",
    "emoji",
    "breakable",
}


@dataclass(frozen=True)
class TextSlot:
    """Where and how one piece of text is drawn: box, font, size range, colour, alignment."""

    box: Box
    font: str
    size: tuple[int, int]
    color: str
    align: Align = "center"
    valign: VAlign = "middle"
    line_spacing: float = 1.2
    max_lines: int | None = None
    max_chars: int | None = None
    prefix: str = ""
    overflow: Overflow = "raise"
    text: str = ""  # only for static slots
    emoji: bool = False  # draw emoji in colour (quotes); otherwise they are left out
    breakable: bool = True  # hyphenate words too long for a line (not for names)

    def fit(self, text: str, field: str) -> TextLayout:
        """Fit `prefix + text` into this slot (raises TextTooLong / EmptyText)."""
        return fit_text(
            self.prefix + text,
            self.font,
            self.box,
            self.size,
            line_spacing=self.line_spacing,
            align=self.align,
            valign=self.valign,
            max_lines=self.max_lines,
            max_chars=None if self.max_chars is None else self.max_chars + len(self.prefix),
            overflow=self.overflow,
            field=field,
            emoji=self.emoji,
            breakable=self.breakable,
        )

    def draw(self, draw: ImageDraw.ImageDraw, layout: TextLayout) -> None:
        """Draw a layout made by `fit` in this slot's colour."""
        layout.draw(draw, self.color)


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file, turning any failure into TemplateError."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise TemplateError(f"{path} not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{path}: invalid TOML: {exc}") from exc


def _int_pair(value: object, where: str) -> tuple[int, int]:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and v > 0 for v in value)
    ):
        raise TemplateError(f"{where}: expected [a, b] positive integers, got {value!r}")
    return cast(int, value[0]), cast(int, value[1])


def parse_canvas(value: object, where: str) -> tuple[int, int]:
    """Parse `canvas = [width, height]`."""
    return _int_pair(value, f"{where}.canvas")


def parse_box(value: object, where: str, canvas: tuple[int, int]) -> Box:
    """Parse `[x, y, w, h]` and check it lies on the canvas."""
    if not isinstance(value, list):
        raise TemplateError(f"{where}: box must be [x, y, w, h], got {value!r}")
    try:
        box = Box.of(value)
    except ValueError as exc:
        raise TemplateError(f"{where}: {exc}") from exc
    if box.x < 0 or box.y < 0 or box.right > canvas[0] or box.bottom > canvas[1]:
        raise TemplateError(f"{where}: box {value!r} is outside the {canvas} canvas")
    return box


def parse_color(value: object, where: str) -> str:
    """Check a colour string Pillow understands ("#0B3C74", "#FFFFFFCC", "white")."""
    if not isinstance(value, str):
        raise TemplateError(f"{where}: colour must be a string, got {value!r}")
    try:
        ImageColor.getrgb(value)
    except ValueError as exc:
        raise TemplateError(f"{where}: bad colour {value!r}") from exc
    return value


def _choice(
    table: dict[str, Any], key: str, options: tuple[str, ...], default: str, where: str
) -> str:
    value = table.get(key, default)
    if value not in options:
        raise TemplateError(f"{where}.{key}: expected one of {options}, got {value!r}")
    return cast(str, value)


def _opt_int(table: dict[str, Any], key: str, where: str) -> int | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise TemplateError(f"{where}.{key}: expected a positive integer, got {value!r}")
    return value


def parse_slot(table: object, where: str, canvas: tuple[int, int]) -> TextSlot:
    """Parse one text slot table of layout.toml."""
    if not isinstance(table, dict):
        raise TemplateError(f"{where}: expected a table")
    unknown = set(table) - _SLOT_KEYS
    if unknown:
        raise TemplateError(f"{where}: unknown keys {sorted(unknown)}")
    for key in ("box", "font", "size", "color"):
        if key not in table:
            raise TemplateError(f"{where}: missing {key!r}")
    font = table["font"]
    if not isinstance(font, str):
        raise TemplateError(f"{where}.font must be a file name in templates/fonts")
    font_path(font)  # fail at load time, not at the first render
    size = _int_pair(table["size"], f"{where}.size")
    if size[0] > size[1]:
        raise TemplateError(f"{where}.size: min {size[0]} > max {size[1]}")
    spacing = table.get("line_spacing", 1.2)
    if not isinstance(spacing, int | float) or not 0.8 <= spacing <= 3:
        raise TemplateError(f"{where}.line_spacing: expected 0.8..3, got {spacing!r}")
    for key in ("prefix", "text"):
        if not isinstance(table.get(key, ""), str):
            raise TemplateError(f"{where}.{key}: expected a string")
    for key in ("emoji", "breakable"):
        if not isinstance(table.get(key, False), bool):
            raise TemplateError(f"{where}.{key}: expected true or false")
    return TextSlot(
        box=parse_box(table["box"], f"{where}.box", canvas),
        font=font,
        size=size,
        color=parse_color(table["color"], f"{where}.color"),
        align=cast(Align, _choice(table, "align", _ALIGNS, "center", where)),
        valign=cast(VAlign, _choice(table, "valign", _VALIGNS, "middle", where)),
        line_spacing=float(spacing),
        max_lines=_opt_int(table, "max_lines", where),
        max_chars=_opt_int(table, "max_chars", where),
        prefix=table.get("prefix", ""),
        overflow=cast(Overflow, _choice(table, "overflow", _OVERFLOWS, "raise", where)),
        text=table.get("text", ""),
        emoji=table.get("emoji", False),
        breakable=table.get("breakable", True),
    )


def parse_statics(value: object, where: str, canvas: tuple[int, int]) -> tuple[TextSlot, ...]:
    """Parse the optional `[[static]]` array of fixed texts."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise TemplateError(f"{where}.static: expected [[static]] tables")
    slots = tuple(parse_slot(t, f"{where}.static[{i}]", canvas) for i, t in enumerate(value))
    for i, slot in enumerate(slots):
        if not slot.text:
            raise TemplateError(f"{where}.static[{i}]: missing text")
    return slots


def template_file(folder: Path, value: object, where: str) -> Path:
    """Resolve a file named in layout.toml, which must sit inside the template folder."""
    if not isinstance(value, str) or not value:
        raise TemplateError(f"{where}: expected a file name")
    path = (folder / value).resolve()
    if path.parent != folder.resolve():
        raise TemplateError(f"{where}: {value!r} must be a file inside {folder}")
    if not path.is_file():
        raise TemplateError(f"{where}: {path} not found")
    return path
