"""Fit text into a box: clean it for the font, word-wrap it and find the largest size that fits.

Sizes are searched with a per-character metric table (fast, used thousands of times per fit);
the chosen layout is then re-measured with FreeType's real bounding boxes, and those real
boxes are what positions and the inside-the-box guarantee are based on.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from PIL import Image, ImageDraw

from bot.rendering.errors import EmptyText, TextTooLong
from bot.rendering.fonts import EMOJI, EMOJI_STRIKE, coverage, emoji_font, get_font

Align = Literal["left", "center", "right"]
VAlign = Literal["top", "middle", "bottom"]
Overflow = Literal["raise", "ellipsis"]
BBox = tuple[int, int, int, int]
Color = str | tuple[int, int, int] | tuple[int, int, int, int]

ELLIPSIS = "\u2026"
HYPHEN = "-"

# Common emoji and the plain symbol that may stand in for them; the first candidate the font
# has wins, otherwise the emoji is dropped. Anything else outside the font is dropped too.
_HEART = ("\u2665",)
_SMILE = ("\u263a",)
EMOJI_SUBSTITUTES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys("\u2764\U0001f499\U0001f49a\U0001f49b\U0001f49c\U0001f9e1\U0001f5a4", _HEART),
    **dict.fromkeys("\U0001f90d\U0001f90e\U0001f495\U0001f496\U0001f497\U0001f493", _HEART),
    **dict.fromkeys("\U0001f49e\U0001f498\u2763\u2665", _HEART),
    **dict.fromkeys("\u2b50\U0001f31f\U0001f320", ("\u2605",)),
    **dict.fromkeys("\u2705\u2714\u2611", ("\u2713",)),
    **dict.fromkeys("\u274c\u2716\u274e", ("\u2717",)),
    **dict.fromkeys("\U0001f449\u27a1", ("\u2192",)),
    **dict.fromkeys("\U0001f600\U0001f603\U0001f604\U0001f601\U0001f642\U0001f60a", _SMILE),
    "\u2757": ("!",),
    "\u2755": ("!",),
    "\u2753": ("?",),
    "\u2754": ("?",),
}


def _is_pictographic(cp: int) -> bool:
    # Supplementary-plane pictographs (faces, hands, flags, skin tones, tags) are never drawn,
    # even where a font has a few of them, so output does not depend on which font is used.
    return 0x1F000 <= cp <= 0x1FAFF or 0xE0000 <= cp <= 0xE007F


def is_emoji(ch: str, cover: frozenset[int]) -> bool:
    """True when `ch` is drawn from the colour emoji font (in a layout that draws emoji)."""
    cp = ord(ch)
    if cp < 0x2000 or cp not in coverage(EMOJI):
        return False
    if 0x1F3FB <= cp <= 0x1F3FF or 0x1F1E6 <= cp <= 0x1F1FF:
        return False  # skin tones and flag letters only make sense in sequences we don't shape
    if _is_pictographic(cp) or ch in EMOJI_SUBSTITUTES:
        return True
    return unicodedata.category(ch) == "So" and cp not in cover


def _clean_char(ch: str, cover: frozenset[int], emoji: bool = False) -> str:
    """Return what to print for one character: itself, a stand-in, or nothing."""
    cp = ord(ch)
    if 0x20 < cp < 0x7F and cp in cover:
        return ch  # printable ASCII: by far the most common case, skip the Unicode lookups
    if emoji and is_emoji(ch, cover):
        return ch
    category = unicodedata.category(ch)
    if category in {"Cf", "Co", "Cs", "Cn"} or 0xFE00 <= cp <= 0xFE0F or cp == 0x20E3:
        return ""  # zero-width joiners, variation selectors, keycaps, private use
    if category == "Cc":
        return " " if ch == "\t" else ""
    if ch in EMOJI_SUBSTITUTES:
        for candidate in EMOJI_SUBSTITUTES[ch]:
            if all(ord(c) in cover for c in candidate):
                return candidate
        return ""
    if _is_pictographic(cp):
        return ""
    if cp in cover or category.startswith("Z"):
        return ch
    # WhatsApp users paste "bold" maths letters and full-width forms; NFKC maps them to ASCII.
    folded = unicodedata.normalize("NFKC", ch)
    if folded != ch and all(ord(c) in cover for c in folded):
        return folded
    stripped = "".join(
        c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c)
    )
    if stripped and all(ord(c) in cover for c in stripped):
        return stripped
    return ""


def sanitize_text(text: str, font: str, *, emoji: bool = False) -> str:
    """Normalise text for `font`: drop/replace emoji and missing glyphs, collapse spaces.

    With `emoji`, emoji the colour emoji font has are kept (and drawn in colour); skin tones,
    joiners and flags are still dropped, since the layout does not shape emoji sequences.
    Explicit newlines are kept; runs of blank lines become one blank line, and blank lines at
    the start or end are removed.
    """
    cover = coverage(font)
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\x85", "\n")
    out_lines: list[str] = []
    for raw_line in text.split("\n"):
        cleaned = "".join(_clean_char(ch, cover, emoji) for ch in raw_line)
        line = " ".join(cleaned.split())
        if line or (out_lines and out_lines[-1]):
            out_lines.append(line)
    while out_lines and not out_lines[-1]:
        out_lines.pop()
    return "\n".join(out_lines)


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in pixels: left, top, width, height."""

    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        """Right edge (exclusive)."""
        return self.x + self.w

    @property
    def bottom(self) -> int:
        """Bottom edge (exclusive)."""
        return self.y + self.h

    def contains(self, bbox: BBox) -> bool:
        """Tell whether `bbox` (left, top, right, bottom) lies fully inside this box."""
        left, top, right, bottom = bbox
        return self.x <= left and self.y <= top and right <= self.right and bottom <= self.bottom

    @classmethod
    def of(cls, values: Sequence[int]) -> Box:
        """Build a box from a 4-item sequence [x, y, w, h]."""
        if len(values) != 4 or any(not isinstance(v, int) for v in values):
            raise ValueError(f"a box is [x, y, w, h] in whole pixels, got {values!r}")
        x, y, w, h = values
        if w <= 0 or h <= 0:
            raise ValueError(f"a box needs a positive size, got {values!r}")
        return cls(x, y, w, h)


@dataclass(frozen=True)
class LaidLine:
    """One line of a layout: its text, where to draw it (anchor "la") and its real ink box."""

    text: str
    origin: tuple[int, int]
    bbox: BBox | None  # None for a blank line between paragraphs


@dataclass(frozen=True)
class TextLayout:
    """The result of fitting: font, chosen size and every line's position inside `box`."""

    text: str
    font: str
    size: int
    box: Box
    lines: tuple[LaidLine, ...]
    truncated: bool = False
    emoji: bool = False  # emoji in the text are drawn in colour from the emoji font

    def ink_bbox(self) -> BBox | None:
        """Union of all line boxes, or None if nothing is drawn."""
        boxes = [line.bbox for line in self.lines if line.bbox is not None]
        if not boxes:
            return None
        return (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )

    def draw(self, draw: ImageDraw.ImageDraw, fill: Color) -> None:
        """Draw every line onto `draw` in colour `fill`."""
        font = get_font(self.font, self.size)
        m = _metrics(self.font, self.size, self.emoji)
        for line in self.lines:
            if not line.text:
                continue
            if not m.has_emoji(line.text):
                draw.text(line.origin, line.text, font=font, fill=fill, anchor="la")
                continue
            x, y = float(line.origin[0]), line.origin[1]
            for piece, is_emoji_run in m.segments(line.text):
                if not is_emoji_run:
                    draw.text((x, y), piece, font=font, fill=fill, anchor="la")
                    x += font.getlength(piece)
                    continue
                for ch in piece:
                    tile, dy = _emoji_tile(ch, self.size, m.ascent)
                    _paste(draw, tile, (round(x), y + dy))
                    x += m.emoji_advance(ch)


@dataclass(frozen=True)
class _Run:
    """Metrics of a string at one size, relative to its drawing origin (anchor "la")."""

    advance: float
    left: float
    right: float
    top: float
    bottom: float


class _Metrics:
    """Per-character metric table of one font at one size, with a small word cache."""

    def __init__(self, font: str, size: int, emoji: bool = False) -> None:
        self.font = font
        self.size = size
        self.emoji = emoji
        self._cover = coverage(font)
        self._ft = get_font(font, size)
        self._chars: dict[str, tuple[float, int, int, int, int]] = {}
        self._words: dict[str, _Run] = {}
        ascent, descent = self._ft.getmetrics()
        self.ascent = ascent
        self.descent = descent
        self.space = self._char(" ")[0]

    def _char(self, ch: str) -> tuple[float, int, int, int, int]:
        found = self._chars.get(ch)
        if found is None:
            if self.emoji and is_emoji(ch, self._cover):
                scale = self.size / EMOJI_STRIKE
                left, top, right, bottom = emoji_font().getbbox(ch, anchor="la")
                dy = _emoji_dy(self.size, self.ascent)
                found = (
                    self.emoji_advance(ch),
                    int(left * scale),
                    int(dy + top * scale),
                    int(right * scale + 0.999),
                    int(dy + bottom * scale + 0.999),
                )
            else:
                left, top, right, bottom = (int(v) for v in self._ft.getbbox(ch, anchor="la"))
                found = (self._ft.getlength(ch), left, top, right, bottom)
            self._chars[ch] = found
        return found

    def emoji_advance(self, ch: str) -> float:
        """How far an emoji moves the pen at this size."""
        return emoji_font().getlength(ch) * self.size / EMOJI_STRIKE

    def has_emoji(self, text: str) -> bool:
        """True when some character of `text` is drawn from the emoji font."""
        return self.emoji and any(is_emoji(ch, self._cover) for ch in text)

    def segments(self, text: str) -> list[tuple[str, bool]]:
        """`text` cut into runs of plain text and runs of emoji."""
        out: list[tuple[str, bool]] = []
        for ch in text:
            flag = self.emoji and is_emoji(ch, self._cover)
            if out and out[-1][1] == flag:
                out[-1] = (out[-1][0] + ch, flag)
            else:
                out.append((ch, flag))
        return out

    def run(self, word: str) -> _Run:
        """Estimate the metrics of `word` (no kerning; real measurement happens later)."""
        cached = self._words.get(word)
        if cached is not None:
            return cached
        x = 0.0
        left = 0.0
        right = 0.0
        top = float("inf")
        bottom = float("-inf")
        for i, ch in enumerate(word):
            adv, c_left, c_top, c_right, c_bottom = self._char(ch)
            if i == 0:
                left = min(0.0, float(c_left))
            right = max(right, x + c_right)
            if not ch.isspace():
                top = min(top, float(c_top))
                bottom = max(bottom, float(c_bottom))
            x += adv
        result = _Run(x, left, right, top, bottom)
        if len(self._words) > 2000:
            self._words.clear()
        self._words[word] = result
        return result

    def width(self, text: str) -> float:
        """Estimated ink width of `text` as one line."""
        r = self.run(text)
        return r.right - r.left

    def real_bbox(self, text: str) -> BBox:
        """FreeType's bounding box of `text` drawn at the origin with anchor "la"."""
        if not self.has_emoji(text):
            left, top, right, bottom = self._ft.getbbox(text, anchor="la")
            return int(left), int(top), int(right), int(bottom)
        x = 0.0
        boxes: list[tuple[float, float, float, float]] = []
        for piece, is_emoji_run in self.segments(text):
            if is_emoji_run:
                for ch in piece:
                    _, c_left, c_top, c_right, c_bottom = self._char(ch)
                    boxes.append((x + c_left, c_top, x + c_right, c_bottom))
                    x += self.emoji_advance(ch)
            else:
                left, top, right, bottom = self._ft.getbbox(piece, anchor="la")
                if not piece.isspace():
                    boxes.append((x + left, top, x + right, bottom))
                x += self._ft.getlength(piece)
        return (
            int(min(b[0] for b in boxes)),
            int(min(b[1] for b in boxes)),
            int(max(b[2] for b in boxes) + 0.999),
            int(max(b[3] for b in boxes) + 0.999),
        )


@functools.lru_cache(maxsize=128)  # bounded: the bot runs for weeks
def _metrics(font: str, size: int, emoji: bool = False) -> _Metrics:
    return _Metrics(font, size, emoji)


def _emoji_dy(size: int, ascent: int) -> float:
    """Where an emoji's own top sits below the line's origin: its baseline on the text's."""
    emoji_ascent = emoji_font().getmetrics()[0]
    return ascent - emoji_ascent * size / EMOJI_STRIKE


@functools.lru_cache(maxsize=256)
def _emoji_tile(ch: str, size: int, ascent: int) -> tuple[Image.Image, int]:
    """One emoji drawn in colour at `size` (scaled from the strike), and its offset from the
    line's origin."""
    font = emoji_font()
    width = max(1, int(font.getlength(ch)))
    height = sum(font.getmetrics())
    strike = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(strike).text((0, 0), ch, font=font, embedded_color=True, anchor="la")
    scale = size / EMOJI_STRIKE
    tile = strike.resize(
        (max(1, round(width * scale)), max(1, round(height * scale))), Image.Resampling.LANCZOS
    )
    return tile, round(_emoji_dy(size, ascent))


def _paste(draw: ImageDraw.ImageDraw, tile: Image.Image, at: tuple[int, int]) -> None:
    # ImageDraw keeps the image it draws on; colour bitmaps are pasted onto it directly.
    image: Image.Image = draw._image
    if image.mode == "RGBA":
        image.alpha_composite(tile, dest=(max(0, at[0]), max(0, at[1])))
    else:
        image.paste(tile, at, tile)


def _break_word(word: str, m: _Metrics, width: float, hyphenate: bool = True) -> list[str] | None:
    """Split a word wider than `width` into pieces that fit, hyphenating between letters.

    Without `hyphenate` (web addresses) a piece may only end right after a `/` or `-`.
    """
    pieces: list[str] = []
    rest = word
    while m.width(rest) > width:
        # Largest prefix that fits, found by bisection on its length.
        lo, hi = 0, len(rest) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            prefix = rest[:mid]
            needs_hyphen = hyphenate and prefix[-1].isalnum() and rest[mid].isalnum()
            candidate = prefix + HYPHEN if needs_hyphen else prefix
            if m.width(candidate) <= width:
                lo = mid
            else:
                hi = mid - 1
        if lo == 0:
            return None  # not even one character fits: the size is too large
        cut = lo
        # Prefer breaking right after an existing hyphen or slash if that keeps most of the line.
        floor = 0 if not hyphenate else cut // 2
        for sep_at in range(cut - 1, floor, -1):
            if rest[sep_at] in "-/":
                cut = sep_at + 1
                break
        else:
            if not hyphenate:
                return None
        prefix = rest[:cut]
        if hyphenate and prefix[-1].isalnum() and rest[cut].isalnum():
            prefix += HYPHEN
        pieces.append(prefix)
        rest = rest[cut:]
    pieces.append(rest)
    return pieces


def _tag(word: str) -> bool:
    """Hashtags and mentions: never broken across lines."""
    return word.lstrip("(\"'“‘").startswith(("#", "@"))


def _address(word: str) -> bool:
    """Web addresses: broken only after a `/` or `-`, never hyphenated."""
    bare = word.lstrip("(\"'“‘")
    return bare.startswith("www.") or "://" in bare


def _wrap(
    text: str, m: _Metrics, width: float, breakable: bool = True
) -> list[tuple[str, _Run | None]] | None:
    """Greedy word wrap of every paragraph, with each line's estimated metrics.

    A word wider than the line is hyphenated; hashtags and mentions (and every word when not
    `breakable`: names) stay whole, web addresses break only after `/` or `-`; when that
    cannot fit, the size is too large. Returns None if something cannot fit in `width`;
    blank lines have no metrics.
    """
    lines: list[tuple[str, _Run | None]] = []
    for paragraph in text.split("\n"):
        if not paragraph:
            lines.append(("", None))
            continue
        current = ""
        cur = _Run(0.0, 0.0, 0.0, 0.0, 0.0)
        for word in paragraph.split(" "):
            run = m.run(word)
            if current:
                start = cur.advance + m.space
                right = max(cur.right, start + run.right)
                if right - cur.left <= width:
                    current += " " + word
                    cur = _Run(
                        start + run.advance,
                        cur.left,
                        right,
                        min(cur.top, run.top),
                        max(cur.bottom, run.bottom),
                    )
                    continue
                lines.append((current, cur))
            if run.right - run.left <= width:
                current, cur = word, run
                continue
            pieces = (
                _break_word(word, m, width, hyphenate=not _address(word))
                if breakable and not _tag(word)
                else None
            )
            if pieces is None:
                return None
            lines.extend((piece, m.run(piece)) for piece in pieces[:-1])
            current, cur = pieces[-1], m.run(pieces[-1])
        lines.append((current, cur))
    return lines


def _pitch(m: _Metrics, line_spacing: float) -> int:
    return max(1, round(m.size * line_spacing))


def _place(
    wrapped: Sequence[tuple[str, _Run | None]],
    m: _Metrics,
    box: Box,
    line_spacing: float,
    align: Align,
    valign: VAlign,
    *,
    real: bool,
) -> tuple[LaidLine, ...] | None:
    """Position wrapped lines in `box`; None if they do not fit. `real` uses FreeType boxes."""
    pitch = _pitch(m, line_spacing)
    lines = [text for text, _ in wrapped]
    extents: list[tuple[float, float, float, float] | None] = []
    for line, run in wrapped:
        if not line:
            extents.append(None)
        elif real:
            b_left, b_top, b_right, b_bottom = m.real_bbox(line)
            extents.append((float(b_left), float(b_top), float(b_right), float(b_bottom)))
        else:
            r = run if run is not None else m.run(line)
            extents.append((r.left, r.top, r.right, r.bottom))
    inked = [(i, e) for i, e in enumerate(extents) if e is not None]
    if not inked:
        return None
    if any(e[2] - e[0] > box.w for _, e in inked):
        return None
    ink_top = min(i * pitch + e[1] for i, e in inked)
    ink_bottom = max(i * pitch + e[3] for i, e in inked)
    if ink_bottom - ink_top > box.h:
        return None
    # Align the font's line boxes (ascent + descent) so one short line of lowercase letters
    # sits where a person expects; then nudge so the real ink stays inside.
    block = (len(lines) - 1) * pitch + m.ascent + m.descent
    if valign == "top":
        y0 = box.y
    elif valign == "bottom":
        y0 = box.bottom - block
    else:
        y0 = box.y + (box.h - block) // 2
    y0 = max(y0, box.y - int(ink_top))
    y0 = min(y0, box.bottom - int(ink_bottom))
    if y0 + ink_top < box.y:
        return None
    placed: list[LaidLine] = []
    for i, (line, ext) in enumerate(zip(lines, extents, strict=True)):
        y = y0 + i * pitch
        if ext is None:
            placed.append(LaidLine("", (box.x, y), None))
            continue
        left, top, right, bottom = ext
        ink_w = right - left
        if align == "left":
            x = box.x - int(left)
        elif align == "right":
            x = box.right - int(right)
        else:
            x = box.x + int((box.w - ink_w) // 2) - int(left)
        bbox = (int(x + left), int(y + top), int(x + right), int(y + bottom))
        placed.append(LaidLine(line, (x, y), bbox))
    if real and not all(line.bbox is None or box.contains(line.bbox) for line in placed):
        return None
    return tuple(placed)


def _lines_capacity(m: _Metrics, box: Box, line_spacing: float) -> int:
    """How many lines of this size fit the box height by font metrics."""
    pitch = _pitch(m, line_spacing)
    usable = box.h - (m.ascent + m.descent)
    return 0 if usable < 0 else usable // pitch + 1


def _try_size(
    text: str,
    font: str,
    size: int,
    box: Box,
    line_spacing: float,
    align: Align,
    valign: VAlign,
    max_lines: int | None,
    *,
    real: bool,
    emoji: bool = False,
    breakable: bool = True,
) -> tuple[LaidLine, ...] | None:
    m = _metrics(font, size, emoji)
    lines = _wrap(text, m, box.w, breakable)
    if lines is None or (max_lines is not None and len(lines) > max_lines):
        return None
    return _place(lines, m, box, line_spacing, align, valign, real=real)


def _ellipsize(
    text: str,
    font: str,
    size: int,
    box: Box,
    line_spacing: float,
    align: Align,
    valign: VAlign,
    max_lines: int | None,
    emoji: bool = False,
    breakable: bool = True,
) -> tuple[LaidLine, ...] | None:
    """Keep as many lines as fit at `size` and end the last one with an ellipsis."""
    m = _metrics(font, size, emoji)
    lines = _wrap(text, m, box.w, breakable)
    if lines is None:
        return None
    keep = _lines_capacity(m, box, line_spacing)
    if max_lines is not None:
        keep = min(keep, max_lines)
    if keep < 1:
        return None
    kept = [text for text, _ in lines[:keep]]
    while kept and not kept[-1]:
        kept.pop()
    if not kept:
        return None
    last = kept[-1]
    while last:
        kept[-1] = last.rstrip(" -") + ELLIPSIS
        placed = _place([(t, None) for t in kept], m, box, line_spacing, align, valign, real=True)
        if placed is not None:
            return placed
        last = last[:-1]
    return None


def fit_text(
    text: str,
    font: str,
    box: Box,
    size_range: tuple[int, int],
    *,
    line_spacing: float = 1.2,
    align: Align = "left",
    valign: VAlign = "top",
    max_lines: int | None = None,
    max_chars: int | None = None,
    overflow: Overflow = "raise",
    field: str = "text",
    emoji: bool = False,
    breakable: bool = True,
) -> TextLayout:
    """Fit `text` in `box` at the largest size in `size_range` that fits; see module doc.

    With `emoji`, emoji are drawn in colour; without `breakable` no word is hyphenated (names).

    Raises EmptyText if nothing printable remains, and TextTooLong (with the character limit)
    if it cannot fit at the minimum size and `overflow` is "raise"; with "ellipsis" the text is
    cut at the minimum size instead.
    """
    size_min, size_max = size_range
    if not 1 <= size_min <= size_max:
        raise ValueError(f"bad size range {size_range!r}")
    if line_spacing <= 0:
        raise ValueError("line_spacing must be positive")
    clean = sanitize_text(text, font, emoji=emoji)
    if not clean:
        raise EmptyText(field)

    def attempt(candidate: str, size: int, real: bool) -> tuple[LaidLine, ...] | None:
        return _try_size(
            candidate,
            font,
            size,
            box,
            line_spacing,
            align,
            valign,
            max_lines,
            real=real,
            emoji=emoji,
            breakable=breakable,
        )

    def too_long() -> TextTooLong:
        # The limit we report is what really fits for this text at the minimum size (the
        # longest fitting prefix), capped by the template's promise, so "maksimal N" is true.
        def fits(n: int, real: bool) -> bool:
            prefix = clean[:n].rstrip()
            return bool(prefix) and attempt(prefix, size_min, real) is not None

        lo, hi = 0, len(clean) - 1
        while lo < hi:  # bisect on the cheap estimate, then confirm for real below
            mid = (lo + hi + 1) // 2
            if fits(mid, False):
                lo = mid
            else:
                hi = mid - 1
        while lo > 0 and not fits(lo, True):
            lo -= 1
        limit = lo if max_chars is None else min(lo, max_chars)
        m = _metrics(font, size_min, emoji)
        cap = _lines_capacity(m, box, line_spacing)
        if max_lines is not None:
            cap = min(cap, max_lines)
        lines_hint = cap if clean.count("\n") + 1 > cap else None
        return TextTooLong(max_chars=limit, length=len(clean), max_lines=lines_hint, field=field)

    if max_chars is not None and len(clean) > max_chars and overflow == "raise":
        raise TextTooLong(max_chars=max_chars, length=len(clean), field=field)

    best: int | None = None
    if attempt(clean, size_max, False) is not None:
        best = size_max
    elif attempt(clean, size_min, False) is not None:
        lo, hi = size_min, size_max - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if attempt(clean, mid, False) is not None:
                lo = mid
            else:
                hi = mid - 1
        best = lo
    if best is not None:
        # The estimate ignores kerning; confirm with real boxes and step down if it was off.
        for size in range(best, size_min - 1, -1):
            placed = attempt(clean, size, True)
            if placed is not None:
                return TextLayout(clean, font, size, box, placed, emoji=emoji)
    if overflow == "ellipsis":
        placed = _ellipsize(
            clean, font, size_min, box, line_spacing, align, valign, max_lines, emoji, breakable
        )
        if placed is not None:
            return TextLayout(clean, font, size_min, box, placed, truncated=True, emoji=emoji)
    raise too_long()
