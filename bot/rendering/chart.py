"""Horizontal bar chart of vote results, drawn with matplotlib's Agg backend (no display)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from bot.rendering.fonts import SANS, SANS_BOLD, font_path
from bot.rendering.textfit import sanitize_text

WIDTH_PX = 1080
DPI = 100
HEADER_PX = 190
BAR_PX = 110
FOOTER_PX = 40
LABEL_WIDTH_CHARS = 22
LABEL_MAX_LINES = 3
NAVY = "#0B3C74"
BLUE = "#1565C0"
ORANGE = "#F7941D"
MUTED = "#4A5B70"


def chart_size(n_options: int) -> tuple[int, int]:
    """Pixel size of a chart with `n_options` bars."""
    return WIDTH_PX, HEADER_PX + BAR_PX * max(1, n_options) + FOOTER_PX


def _wrap(text: str, width: int, max_lines: int) -> str:
    lines = textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=True) or ["-"]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1].rstrip() + "\u2026"
    return "\n".join(lines)


def render_vote_chart(
    title: str,
    results: Sequence[tuple[str, int]],
    out_path: Path,
    *,
    subtitle: str = "",
    sort: bool = True,
) -> Path:
    """Write a PNG bar chart of (label, votes); the leader(s) in orange. Deterministic bytes."""
    if not results:
        raise ValueError("no options to chart")
    if any(votes < 0 for _, votes in results):
        raise ValueError("votes cannot be negative")
    items = list(results)
    if sort:
        # Stable sort keeps the caller's order among ties.
        items.sort(key=lambda item: -item[1])
    total = sum(v for _, v in items)
    top = max(v for _, v in items)
    labels = [
        _wrap(sanitize_text(label, SANS) or "-", LABEL_WIDTH_CHARS, LABEL_MAX_LINES)
        for label, _ in items
    ]
    width_px, height_px = chart_size(len(items))
    regular = FontProperties(fname=str(font_path(SANS)), size=17)
    bold = FontProperties(fname=str(font_path(SANS_BOLD)), size=26)
    value_font = FontProperties(fname=str(font_path(SANS_BOLD)), size=17)
    small = FontProperties(fname=str(font_path(SANS)), size=16)

    fig = Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI, facecolor="#FFFFFF")
    FigureCanvasAgg(fig)
    heading = _wrap(sanitize_text(title, SANS_BOLD) or "Hasil Voting", 48, 2)
    fig.text(0.04, 1 - 30 / height_px, heading, fontproperties=bold, color=NAVY, va="top")
    caption = subtitle or f"Total {total} suara"
    caption_y = 30 + 42 * (heading.count("\n") + 1) + 14  # just under the title's last line
    fig.text(
        0.04,
        1 - caption_y / height_px,
        _wrap(sanitize_text(caption, SANS), 80, 1),
        fontproperties=small,
        color=MUTED,
        va="top",
    )
    left = 370 / width_px
    ax = fig.add_axes((left, FOOTER_PX / height_px, 0.95 - left, BAR_PX * len(items) / height_px))
    positions = list(range(len(items)))
    values = [v for _, v in items]
    colors = [ORANGE if v == top and top > 0 else BLUE for v in values]
    ax.barh(positions, values, height=0.62, color=colors)
    ax.set_ylim(len(items) - 0.5, -0.5)  # first option on top
    ax.set_xlim(0, max(top, 1) * 1.32)
    ax.set_yticks(positions)
    ax.set_yticklabels(labels, fontproperties=regular, color="#1F2933")
    ax.tick_params(axis="y", length=0, pad=12)
    ax.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_color("#B8C4D3")
    for pos, votes in zip(positions, values, strict=True):
        share = f"{votes / total:.0%}" if total else "0%"
        ax.text(
            votes + max(top, 1) * 0.02,
            pos,
            f"{votes} ({share})",
            va="center",
            fontproperties=value_font,
            color=NAVY,
        )
    out_path.parent.mkdir(parents=True, exist_ok=True)
    # No "Software" chunk: the bytes then depend only on the inputs and matplotlib's drawing.
    fig.savefig(out_path, format="png", dpi=DPI, metadata={"Software": None})
    return out_path
