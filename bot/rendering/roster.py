"""Weekly duty roster ("jadwal piket") as phone-readable PNG pages, 1080 px wide."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from bot.rendering.fonts import SANS, SANS_BOLD
from bot.rendering.poster import PNG_COMPRESS_LEVEL
from bot.rendering.textfit import Box, TextLayout, fit_text

WIDTH = 1080
MAX_PAGE_HEIGHT = 1920  # 9:16, a phone screen; taller pages get shrunk by chat apps
MARGIN = 40
BODY_SIZE = 30
CELL_PAD_X = 14
CELL_PAD_Y = 16
MAX_CELL_LINES = 6
LINE_SPACING = 1.25
FOOTER_H = 90

NAVY = "#0B3C74"
BLUE = "#1565C0"
SKY = "#D6E4F5"
ORANGE = "#F7941D"
ZEBRA = ("#FFFFFF", "#EEF3FA")
HIGHLIGHT = "#FFE8CC"
TEXT = "#1F2933"
MUTED = "#4A5B70"

# (heading, width in px); widths add up to WIDTH - 2 * MARGIN.
COLUMNS: tuple[tuple[str, int], ...] = (
    ("Mg", 90),
    ("Tanggal", 250),
    ("Petugas", 390),
    ("Satker", 270),
)


@dataclass(frozen=True)
class RosterRow:
    """One week of the roster."""

    week: int
    date_text: str
    names: tuple[str, ...]
    office: str


@dataclass(frozen=True)
class RosterResult:
    """The pages written, and how many rows each holds."""

    pages: tuple[Path, ...]
    rows_per_page: tuple[int, ...]
    sizes: tuple[tuple[int, int], ...]


def _cells(row: RosterRow) -> tuple[str, str, str, str]:
    names = [n for n in row.names if n.strip()]
    # Bullets tell two names apart from one long name that wrapped onto a second line.
    listed = "\n".join(f"\u2022 {n}" for n in names) if len(names) > 1 else "".join(names)
    return str(row.week), row.date_text or "-", listed or "-", row.office or "-"


def _fit_cell(text: str, box: Box, bold: bool, align: str = "left") -> TextLayout:
    return fit_text(
        text or "-",
        SANS_BOLD if bold else SANS,
        box,
        (BODY_SIZE - 6, BODY_SIZE),
        line_spacing=LINE_SPACING,
        align="center" if align == "center" else "left",
        valign="middle",
        max_lines=MAX_CELL_LINES,
        overflow="ellipsis",
        field="roster",
    )


def _row_height(row: RosterRow, bold: bool) -> int:
    """Height that shows every cell of the row at the body size (capped at MAX_CELL_LINES)."""
    lines = 1
    for col, (text, (_, width)) in enumerate(zip(_cells(row), COLUMNS, strict=True)):
        box = Box(0, 0, width - 2 * CELL_PAD_X, 10_000)
        font = SANS_BOLD if bold or col == 0 else SANS
        layout = fit_text(
            text or "-",
            font,
            box,
            (BODY_SIZE, BODY_SIZE),
            line_spacing=LINE_SPACING,
            max_lines=MAX_CELL_LINES,
            overflow="ellipsis",
            field="roster",
        )
        lines = max(lines, len(layout.lines))
    pitch = round(BODY_SIZE * LINE_SPACING)
    return (lines - 1) * pitch + round(BODY_SIZE * 1.2) + 2 * CELL_PAD_Y


def _header(draw: ImageDraw.ImageDraw, title: str, period: str) -> int:
    """Draw the title band; return the y where the table starts."""
    band_h = 200
    draw.rectangle((0, 0, WIDTH, band_h), fill=NAVY)
    draw.rectangle((0, band_h, WIDTH, band_h + 8), fill=ORANGE)
    title_layout = fit_text(
        title,
        SANS_BOLD,
        Box(MARGIN, 24, WIDTH - 2 * MARGIN, 104),
        (32, 48),
        align="left",
        valign="bottom",
        max_lines=2,
        overflow="ellipsis",
        field="title",
    )
    title_layout.draw(draw, "#FFFFFF")
    if period.strip():
        period_layout = fit_text(
            period,
            SANS,
            Box(MARGIN, 140, WIDTH - 2 * MARGIN, 44),
            (24, 30),
            align="left",
            max_lines=1,
            overflow="ellipsis",
            field="period",
        )
        period_layout.draw(draw, SKY)
    y = band_h + 8 + 24
    x = MARGIN
    head_h = 56
    draw.rectangle((MARGIN, y, WIDTH - MARGIN, y + head_h), fill=BLUE)
    for heading, width in COLUMNS:
        fit_text(
            heading,
            SANS_BOLD,
            Box(x + CELL_PAD_X, y + 6, width - 2 * CELL_PAD_X, head_h - 12),
            (22, 28),
            align="left",
            valign="middle",
            max_lines=1,
            field="heading",
        ).draw(draw, "#FFFFFF")
        x += width
    return y + head_h


def _greedy(heights: Sequence[int], limit: int) -> list[list[int]]:
    pages: list[list[int]] = [[]]
    used = 0
    for i, h in enumerate(heights):
        if pages[-1] and used + h > limit:
            pages.append([])
            used = 0
        pages[-1].append(i)
        used += h
    return pages


def _paginate(heights: Sequence[int], body_limit: int) -> list[list[int]]:
    """Split rows into as few pages as fit, then even them out (no lonely last row)."""
    pages = _greedy(heights, body_limit)
    lo, hi = max(heights), body_limit
    while lo < hi:  # smallest page body that still needs no more pages
        mid = (lo + hi) // 2
        if len(_greedy(heights, mid)) <= len(pages):
            hi = mid
        else:
            lo = mid + 1
    return _greedy(heights, lo)


def render_roster(
    title: str,
    period: str,
    rows: Sequence[RosterRow],
    out_dir: Path,
    *,
    stem: str = "jadwal-piket",
    highlight_week: int | None = None,
) -> RosterResult:
    """Render the roster as one or more pages `<stem>-<n>.png` (at most 1080×1920 each)."""
    if not rows:
        raise ValueError("a roster needs at least one row")
    heights = [
        _row_height(r, highlight_week is not None and r.week == highlight_week) for r in rows
    ]
    probe = Image.new("RGB", (WIDTH, 10))
    first_row_y = _header(ImageDraw.Draw(probe), title, period)
    pages = _paginate(heights, MAX_PAGE_HEIGHT - first_row_y - FOOTER_H)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    sizes: list[tuple[int, int]] = []
    for page_no, indexes in enumerate(pages, start=1):
        body = sum(heights[i] for i in indexes)
        height = first_row_y + body + FOOTER_H
        img = Image.new("RGB", (WIDTH, height), "#FFFFFF")
        draw = ImageDraw.Draw(img)
        y = _header(draw, title, period)
        for n, i in enumerate(indexes):
            row, h = rows[i], heights[i]
            highlighted = highlight_week is not None and row.week == highlight_week
            fill = HIGHLIGHT if highlighted else ZEBRA[n % 2]
            draw.rectangle((MARGIN, y, WIDTH - MARGIN - 1, y + h - 1), fill=fill)
            if highlighted:
                draw.rectangle((MARGIN, y, MARGIN + 7, y + h - 1), fill=ORANGE)
            x = MARGIN
            for col, (text, (_, width)) in enumerate(zip(_cells(row), COLUMNS, strict=True)):
                box = Box(
                    x + CELL_PAD_X, y + CELL_PAD_Y // 2, width - 2 * CELL_PAD_X, h - CELL_PAD_Y
                )
                layout = _fit_cell(text, box, bold=highlighted or col == 0)
                layout.draw(draw, NAVY if col == 0 else TEXT)
                x += width
            draw.line((MARGIN, y + h - 1, WIDTH - MARGIN - 1, y + h - 1), fill=SKY, width=1)
            y += h
        footer = f"Halaman {page_no} dari {len(pages)}"
        fit_text(
            footer,
            SANS,
            Box(MARGIN, y + 20, WIDTH - 2 * MARGIN, 44),
            (22, 26),
            align="right",
            max_lines=1,
            field="footer",
        ).draw(draw, MUTED)
        path = out_dir / f"{stem}-{page_no}.png"
        img.save(path, "PNG", compress_level=PNG_COMPRESS_LEVEL)
        paths.append(path)
        sizes.append(img.size)
    return RosterResult(tuple(paths), tuple(len(p) for p in pages), tuple(sizes))
