"""Property tests of quote fitting on every bundled poster template."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from bot.rendering.errors import EmptyText, RenderError, TextTooLong
from bot.rendering.fonts import coverage, get_font
from bot.rendering.poster import PosterTemplate, list_templates, load_template
from bot.rendering.textfit import TextLayout, fit_text, is_emoji, sanitize_text
from tests.rendering.strategies import ordinary_quotes, quotes

_DRAW = ImageDraw.Draw(Image.new("RGB", (1, 1)))


@cache
def templates() -> tuple[PosterTemplate, ...]:
    return tuple(load_template(name) for name in list_templates())


def check_layout(tpl: PosterTemplate, layout: TextLayout) -> None:
    slot = tpl.quote
    assert slot.size[0] <= layout.size <= slot.size[1]
    assert len(layout.text) <= tpl.max_chars
    font = get_font(slot.font, layout.size)
    cover = coverage(slot.font)
    for line in layout.lines:
        if not line.text:
            continue
        if any(is_emoji(c, cover) for c in line.text):
            # Colour emoji are pasted bitmaps: draw the line alone and take its real ink.
            canvas = Image.new("RGBA", tpl.canvas, (0, 0, 0, 0))
            one = replace(layout, lines=(line,))
            one.draw(ImageDraw.Draw(canvas), "#000000")
            ink = canvas.getchannel("A").getbbox()
            assert ink is not None, line
            assert slot.box.contains(ink), (tpl.name, line, slot.box)
        else:
            # Re-measure independently of the layout code: real FreeType box at the origin.
            left, top, right, bottom = _DRAW.textbbox(line.origin, line.text, font=font)
            bbox = (int(left), int(top), int(right), int(bottom))
            assert slot.box.contains(bbox), (tpl.name, line, slot.box)
        # Never a tofu box: each character is the font's or a colour emoji.
        assert all(ord(c) in cover or is_emoji(c, cover) for c in line.text), line.text


def test_templates_cover_both_sizes() -> None:
    canvases = {tpl.canvas for tpl in templates()}
    assert len(templates()) >= 3
    assert {(1080, 1080), (1080, 1350)} <= canvases


@settings(
    max_examples=1000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(quote=quotes(1, 500))
def test_quote_fits_or_raises_with_limit(quote: str) -> None:
    for tpl in templates():
        slot = tpl.quote
        outcome: TextLayout | RenderError
        try:
            outcome = slot.fit(quote, "quote")
        except (EmptyText, TextTooLong) as exc:
            outcome = exc
        clean = sanitize_text(quote, slot.font, emoji=slot.emoji)
        if isinstance(outcome, TextLayout):
            check_layout(tpl, outcome)
        elif isinstance(outcome, EmptyText):
            assert clean == ""
        else:
            assert isinstance(outcome, TextTooLong)
            assert outcome.length == len(clean)
            assert 0 <= outcome.max_chars <= tpl.max_chars
            assert outcome.max_chars < outcome.length
            assert str(outcome.max_chars) in str(outcome)
            if outcome.length <= tpl.max_chars and outcome.max_chars > 0:
                # Under the template limit but unfittable (huge words, many lines): the limit
                # we reported must itself be honest.
                fit_text(
                    clean[: outcome.max_chars].rstrip(),
                    slot.font,
                    slot.box,
                    slot.size,
                    line_spacing=slot.line_spacing,
                    align=slot.align,
                    valign=slot.valign,
                    max_lines=slot.max_lines,
                    emoji=slot.emoji,
                )


@settings(max_examples=150, deadline=None, database=None)
@given(data=st.data())
def test_ordinary_text_up_to_max_chars_always_fits(data: st.DataObject) -> None:
    for tpl in templates():
        length = data.draw(st.integers(tpl.max_chars - 30, tpl.max_chars))
        quote = data.draw(ordinary_quotes(length))
        check_layout(tpl, tpl.quote.fit(quote, "quote"))
