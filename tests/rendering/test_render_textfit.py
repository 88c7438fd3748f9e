"""Text cleaning and fitting: glyph coverage, wrapping, sizes, limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from bot.rendering.errors import EmptyText, TemplateError, TextTooLong
from bot.rendering.fonts import (
    FONTS_DIR,
    SANS,
    SANS_BOLD,
    SERIF,
    SERIF_ITALIC,
    coverage,
    font_path,
)
from bot.rendering.textfit import Align, Box, TextLayout, VAlign, fit_text, sanitize_text

REPO = Path(__file__).resolve().parents[2]
BOX = Box(100, 100, 800, 400)


def assert_inside(layout: TextLayout) -> None:
    """Every line's real bbox (re-measured with ImageDraw.textbbox) lies inside the box."""
    from bot.rendering.fonts import get_font

    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    font = get_font(layout.font, layout.size)
    for line in layout.lines:
        if not line.text:
            continue
        left, top, right, bottom = draw.textbbox(line.origin, line.text, font=font)
        measured = (int(left), int(top), int(right), int(bottom))
        assert measured == line.bbox
        assert layout.box.contains(measured), (line, layout.box)


def test_fonts_come_from_the_repository() -> None:
    assert FONTS_DIR == REPO / "templates" / "fonts"
    for name in (SANS, SANS_BOLD, SERIF, SERIF_ITALIC):
        assert font_path(name).parent == FONTS_DIR
    assert (FONTS_DIR / "LICENSE-DejaVu.txt").is_file()


@pytest.mark.parametrize(
    "name",
    [
        "../fonts/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "x.ttf",
        "README.md",
    ],
)
def test_font_path_refuses_anything_else(name: str) -> None:
    with pytest.raises(TemplateError):
        font_path(name)


def test_sanitize_replaces_emoji_and_missing_glyphs() -> None:
    text = "Halo 👍🏽 dunia ❤️ 𝐁𝐞𝐫𝐬𝐚𝐦𝐚\t\tkita ✅ 1️⃣ 🇮🇩 漢字\n\n\n\nbaris  baru\u200d  "
    assert sanitize_text(text, SERIF_ITALIC) == "Halo dunia ♥ Bersama kita 1\n\nbaris baru"
    # DejaVu Sans has a check mark, so the ✅ emoji becomes one instead of vanishing.
    assert "✓" in sanitize_text("Selesai ✅", SANS)
    cover = coverage(SERIF_ITALIC)
    assert all(ord(c) in cover for c in sanitize_text(text, SERIF_ITALIC) if c != "\n")


def test_sanitize_keeps_explicit_newlines_and_collapses_spaces() -> None:
    assert (
        sanitize_text("  satu   dua \r\n tiga\n\n\nempat \n\n", SANS) == "satu dua\ntiga\n\nempat"
    )


def test_only_emoji_is_empty() -> None:
    with pytest.raises(EmptyText):
        fit_text("🙏🙏 🔥", SERIF_ITALIC, BOX, (20, 60))


def test_short_text_gets_the_largest_size() -> None:
    layout = fit_text("Semangat!", SERIF_ITALIC, BOX, (20, 60), align="center", valign="middle")
    assert layout.size == 60
    assert_inside(layout)


def test_size_shrinks_as_text_grows_and_stays_inside() -> None:
    sizes = []
    for n in (5, 20, 40, 80):
        layout = fit_text(" ".join(["statistik"] * n), SERIF_ITALIC, BOX, (12, 80))
        assert_inside(layout)
        sizes.append(layout.size)
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[0] > sizes[-1]


def test_long_word_is_hyphenated() -> None:
    layout = fit_text("A" * 120, SANS, Box(0, 0, 300, 600), (30, 40))
    assert len(layout.lines) > 1
    assert all(line.text.endswith("-") for line in layout.lines[:-1])
    assert "".join(line.text.rstrip("-") for line in layout.lines) == "A" * 120
    assert_inside(layout)


def test_url_breaks_after_slash_without_hyphen() -> None:
    url = "https://example.org/" + "abcdefghij/" * 6
    layout = fit_text(url, SANS, Box(0, 0, 320, 600), (24, 24), align="left")
    assert "".join(line.text for line in layout.lines) == url
    assert_inside(layout)


@pytest.mark.parametrize("align", ["left", "center", "right"])
@pytest.mark.parametrize("valign", ["top", "middle", "bottom"])
def test_alignment(align: Align, valign: VAlign) -> None:
    layout = fit_text("Data\nyang berkualitas", SANS, BOX, (30, 30), align=align, valign=valign)
    assert [line.text for line in layout.lines] == ["Data", "yang berkualitas"]
    assert_inside(layout)
    first = layout.lines[0].bbox
    assert first is not None
    if align == "left":
        assert first[0] - BOX.x < 5
    elif align == "right":
        assert BOX.right - first[2] < 5
    else:
        assert abs((first[0] + first[2]) / 2 - (BOX.x + BOX.right) / 2) <= 2


def test_too_long_reports_a_true_limit() -> None:
    text = " ".join(["pembangunan berkualitas"] * 40)
    with pytest.raises(TextTooLong) as info:
        fit_text(text, SERIF_ITALIC, BOX, (30, 60))
    err = info.value
    assert 0 < err.max_chars < err.length == len(text)
    assert f"maksimal {err.max_chars} karakter" in str(err)
    fit_text(text[: err.max_chars], SERIF_ITALIC, BOX, (30, 60))  # the promised prefix fits


def test_template_limit_is_enforced_first() -> None:
    with pytest.raises(TextTooLong) as info:
        fit_text("kata " * 30, SANS, BOX, (10, 40), max_chars=100)
    assert info.value.max_chars == 100


def test_too_many_lines_says_so() -> None:
    with pytest.raises(TextTooLong) as info:
        fit_text("\n".join("ab" * 1 for _ in range(40)), SANS, Box(0, 0, 600, 200), (30, 40))
    assert info.value.max_lines is not None
    assert "baris" in str(info.value)


def test_max_lines_and_ellipsis() -> None:
    name = "Muhammad Rizky Pratama Putra Simanjuntak Harahap " * 3
    layout = fit_text(name, SANS_BOLD, Box(0, 0, 600, 60), (20, 30), max_lines=1,
                      overflow="ellipsis")  # fmt: skip
    assert layout.truncated
    assert len(layout.lines) == 1
    assert layout.lines[0].text.endswith("…")
    assert_inside(layout)


def test_layout_draws_what_it_measured() -> None:
    img = Image.new("RGB", (1000, 600), "white")
    layout = fit_text("Mari bekerja bersama", SANS_BOLD, BOX, (20, 70), align="center")
    layout.draw(ImageDraw.Draw(img), "black")
    ink = Image.eval(img.convert("L"), lambda v: 255 - v).getbbox()
    assert ink is not None
    assert BOX.contains(ink)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="size range"):
        fit_text("x", SANS, BOX, (40, 20))
    with pytest.raises(ValueError, match="box"):
        Box.of([0, 0, 0, 10])
