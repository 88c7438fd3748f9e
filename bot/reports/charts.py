"""Charts drawn with matplotlib's Agg backend into PNG bytes, with Indonesian number labels."""

from __future__ import annotations

from io import BytesIO

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.reports import fmt
from bot.reports.model import Chart

PALETTE = ("#1F4E79", "#E69F00", "#2E8B57", "#C0392B", "#7F5FA8", "#56B4E9", "#8C6D31")
WIDTH_CM = 16.0


def _fits(chart: Chart) -> bool:
    """Whether the category labels fit upright under a 16 cm wide axis."""
    longest = max((len(c) for c in chart.categories), default=0)
    return len(chart.categories) * (longest * 0.15 + 0.3) <= WIDTH_CM - 2


def _horizontal(chart: Chart) -> bool:
    # long office names and theme titles read better down the side than slanted
    longest = max((len(c) for c in chart.categories), default=0)
    return chart.kind == "bar" and not _fits(chart) and longest > 12


def _label(value: float, percent: bool, integer: bool) -> str:
    if percent:
        return fmt.percent(value)
    return fmt.number(value, 0 if integer else 2)


def render_chart(chart: Chart, dpi: int = 150) -> bytes:
    """The chart as a PNG image, 16 cm wide."""
    horizontal = _horizontal(chart)
    n_cat = len(chart.categories)
    height_cm = max(6.5, 0.55 * n_cat + 2.0) if horizontal else 7.5
    # no pyplot: a bare Figure keeps no global state and needs no GUI backend
    fig = Figure(figsize=(WIDTH_CM / 2.54, height_cm / 2.54), dpi=dpi, layout="constrained")
    ax = fig.add_subplot()
    # the title is drawn on the chart itself, so the picture reads alone when copied out
    ax.set_title(chart.title, fontsize=9, fontweight="bold", color="#1F4E79", loc="left")
    values = [float(v) for vals in chart.series.values() for v in vals]
    integer = all(v == int(v) for v in values) and not chart.percent
    n_series = max(1, len(chart.series))
    positions = list(range(n_cat))
    if chart.kind == "bar":
        width = 0.8 / n_series
        for i, (name, vals) in enumerate(chart.series.items()):
            offset = (i - (n_series - 1) / 2) * width
            where = [p + offset for p in positions]
            color = chart.colors.get(name, PALETTE[i % len(PALETTE)])
            if horizontal:
                bars = ax.barh(where, list(vals), height=width, label=name, color=color)
            else:
                bars = ax.bar(where, list(vals), width=width, label=name, color=color)
            # a bar of nothing gets no label: a row of "0"s says less than the empty axis
            labels = [_label(float(v), chart.percent, integer) if v else "" for v in vals]
            ax.bar_label(bars, labels=labels, fontsize=7, padding=2)
    else:
        for i, (name, vals) in enumerate(chart.series.items()):
            color = chart.colors.get(name, PALETTE[i % len(PALETTE)])
            ax.plot(positions, list(vals), marker="o", label=name, color=color)
    value_axis = ax.xaxis if horizontal else ax.yaxis
    value_axis.set_major_formatter(
        FuncFormatter(lambda v, _pos: _label(v, chart.percent, integer or v == int(v)))
    )
    if integer:
        value_axis.set_major_locator(MaxNLocator(integer=True))
    if horizontal:
        ax.set_yticks(positions, list(chart.categories), fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel(chart.y_label, fontsize=8)
        ax.margins(x=0.12)
        ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    else:
        slant = not _fits(chart)
        ax.set_xticks(
            positions,
            list(chart.categories),
            fontsize=8,
            rotation=30 if slant else 0,
            ha="right" if slant else "center",
        )
        ax.set_ylabel(chart.y_label, fontsize=8)
        ax.set_xlabel(chart.x_label, fontsize=8)
        ax.margins(y=0.15)
        ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
    if chart.y_max is not None:
        (ax.set_xlim if horizontal else ax.set_ylim)(0, chart.y_max)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if len(chart.series) > 1:
        ax.legend(fontsize=7, frameon=False)
    buffer = BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
