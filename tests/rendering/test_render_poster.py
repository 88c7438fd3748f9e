"""Full poster renders, photos, logos and background variants."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from bot.rendering.errors import EmptyText, InvalidImage, TemplateError, TextTooLong
from bot.rendering.poster import (
    POSTERS_DIR,
    layout_poster,
    list_templates,
    load_template,
    make_variant,
    render_poster,
)

QUOTE = (
    "Data yang berkualitas adalah fondasi kebijakan yang tepat. Mari bekerja dengan integritas "
    "dan semangat melayani untuk Bengkulu yang lebih baik! 🙏"
)


def _photo(path: Path, size: tuple[int, int] = (900, 1200)) -> Path:
    img = Image.new("RGB", size, (200, 30, 30))
    ImageDraw.Draw(img).ellipse((size[0] // 4, size[1] // 6, size[0] * 3 // 4, size[1] // 2),
                                fill=(30, 200, 30))  # fmt: skip
    img.save(path, "JPEG", quality=90)
    return path


@pytest.fixture
def poster_root(tmp_path: Path) -> Path:
    """A writable copy of the bundled poster templates."""
    root = tmp_path / "pegasus"
    shutil.copytree(POSTERS_DIR, root)
    return root


def test_background_files_are_small_and_match_canvas() -> None:
    for name in list_templates():
        tpl = load_template(name)
        assert tpl.background.stat().st_size < 300 * 1024
        with Image.open(tpl.background) as bg:
            assert bg.size == tpl.canvas
        assert (tpl.folder / "README.md").is_file()


@pytest.mark.parametrize("name", list_templates())
def test_render_each_template(name: str, tmp_path: Path) -> None:
    tpl = load_template(name)
    out = tmp_path / f"{name}.png"
    result = render_poster(tpl, QUOTE, "Dr. Siti Rahmawati, S.Si., M.Stat.",
                           "BPS Provinsi Bengkulu", out)  # fmt: skip
    assert result.path == out
    with Image.open(out) as img:
        assert img.format == "PNG"
        assert img.size == tpl.canvas
    assert result.layout.author is not None
    assert result.layout.office is not None
    for layout in (result.layout.quote, result.layout.author, result.layout.office):
        assert all(line.bbox is None or layout.box.contains(line.bbox) for line in layout.lines)


def test_render_changes_pixels_only_where_text_goes(tmp_path: Path) -> None:
    tpl = load_template("biru-gelombang")
    result = render_poster(tpl, "Semangat pagi!", "", "", tmp_path / "p.png")
    with Image.open(tpl.background) as bg, Image.open(result.path) as out:
        diff = Image.eval(
            Image.frombytes("L", bg.size, bytes(
                abs(a - b) for a, b in zip(bg.convert("L").tobytes(), out.convert("L").tobytes(),
                                           strict=True)
            )),
            lambda v: 255 if v > 8 else 0,
        )  # fmt: skip
    changed = diff.getbbox()
    assert changed is not None
    assert tpl.quote.box.contains(changed)


def test_photo_is_round_in_its_slot(tmp_path: Path) -> None:
    tpl = load_template("potret-foto")
    assert tpl.photo is not None
    photo = _photo(tmp_path / "me.jpg")
    result = render_poster(tpl, QUOTE, "Ahmad Fauzi", "BPS Kota Bengkulu", tmp_path / "p.png",
                           photo_path=photo)  # fmt: skip
    cx, cy = tpl.photo.center
    r = tpl.photo.diameter // 2
    with Image.open(result.path) as img:
        rgb = img.convert("RGB")
        green, red = rgb.getpixel((cx, cy - r // 3)), rgb.getpixel((cx, cy + r * 2 // 3))
        corner = rgb.getpixel((cx - r + 6, cy - r + 6))  # inside the square, outside the circle
    assert isinstance(green, tuple)
    assert isinstance(red, tuple)
    assert isinstance(corner, tuple)
    assert green[1] > 150
    assert green[0] < 100
    assert red[0] > 150
    assert red[1] < 100
    assert not (corner[0] > 150 and corner[1] < 100)


def test_no_photo_draws_initials_placeholder(tmp_path: Path) -> None:
    tpl = load_template("potret-foto")
    assert tpl.photo is not None
    result = render_poster(tpl, QUOTE, "Dr. Siti Rahmawati", "", tmp_path / "p.png")
    with Image.open(result.path) as img:
        crop = img.convert("RGB").crop(
            (tpl.photo.box.x, tpl.photo.box.y, tpl.photo.box.right, tpl.photo.box.bottom)
        )
    colours = crop.getcolors(maxcolors=1_000_000) or []
    assert any(c == (255, 255, 255) for _, c in colours)  # white initials on the disc


def test_photo_must_be_an_image(tmp_path: Path) -> None:
    bogus = tmp_path / "x.jpg"
    bogus.write_text("not an image")
    with pytest.raises(InvalidImage):
        render_poster("potret-foto", QUOTE, "A", "B", tmp_path / "p.png", photo_path=bogus)


def test_quote_over_template_limit(tmp_path: Path) -> None:
    tpl = load_template("senja-oranye")
    with pytest.raises(TextTooLong) as info:
        render_poster(tpl, "kata " * 200, "A", "B", tmp_path / "p.png")
    assert info.value.max_chars == tpl.max_chars
    assert f"maksimal {tpl.max_chars} karakter" in str(info.value)


def test_long_author_is_ellipsized(tmp_path: Path) -> None:
    result = render_poster("biru-gelombang", QUOTE, "Nama Sangat Panjang " * 10, "BPS",
                           tmp_path / "p.png")  # fmt: skip
    assert result.layout.author is not None
    assert result.layout.author.truncated


def test_logo_slot(poster_root: Path, tmp_path: Path) -> None:
    folder = poster_root / "dengan-logo"
    shutil.copytree(poster_root / "biru-gelombang", folder)
    Image.new("RGBA", (200, 100), (0, 255, 0, 255)).save(folder / "logo.png")
    layout = (folder / "layout.toml").read_text()
    (folder / "layout.toml").write_text(
        layout + '\n[logo]\nfile = "logo.png"\nbox = [40, 960, 200, 100]\n'
    )
    tpl = load_template("dengan-logo", poster_root)
    result = render_poster(tpl, QUOTE, "A", "B", tmp_path / "p.png")
    with Image.open(result.path) as img:
        assert img.convert("RGB").getpixel((140, 1010)) == (0, 255, 0)


def test_bad_layouts_are_rejected(poster_root: Path) -> None:
    folder = poster_root / "rusak"
    shutil.copytree(poster_root / "biru-gelombang", folder)
    text = (folder / "layout.toml").read_text()
    (folder / "layout.toml").write_text(text.replace('"DejaVuSans.ttf"', '"../../etc/passwd"'))
    with pytest.raises(TemplateError):
        load_template("rusak", poster_root)
    (folder / "layout.toml").write_text(
        text.replace("[110, 220, 860, 500]", "[110, 220, 2000, 500]")
    )
    with pytest.raises(TemplateError, match="outside"):
        load_template("rusak", poster_root)
    with pytest.raises(TemplateError):
        load_template("../etc", poster_root)


def test_make_variant_accepts_a_real_image(poster_root: Path, tmp_path: Path) -> None:
    source = tmp_path / "bg.jpg"
    Image.new("RGB", (1600, 1200), (40, 120, 60)).save(source, "JPEG")
    tpl = make_variant("potret-garis", source, "potret-hijau", root=poster_root)
    assert tpl.name == "potret-hijau"
    assert tpl.based_on == "potret-garis"
    assert "potret-hijau" in list_templates(poster_root)
    base = load_template("potret-garis", poster_root)
    assert tpl.quote == base.quote
    with Image.open(tpl.background) as bg:
        assert bg.size == base.canvas == (1080, 1350)
    result = render_poster(tpl, QUOTE, "Ahmad", "BPS", tmp_path / "v.png")
    with Image.open(result.path) as img:
        assert img.size == (1080, 1350)
    # A variant of a variant still points at the original layout.
    again = make_variant("potret-hijau", source, "potret-hijau-2", root=poster_root)
    assert again.based_on == "potret-garis"


def test_make_variant_keeps_text_readable(poster_root: Path, tmp_path: Path) -> None:
    white = tmp_path / "white.png"
    Image.new("RGB", (1200, 1200), "white").save(white)
    navy = tmp_path / "navy.png"
    Image.new("RGB", (1200, 1200), (11, 40, 90)).save(navy)
    on_white = make_variant("biru-gelombang", white, "putih", root=poster_root)
    on_navy = make_variant("biru-gelombang", navy, "gelap", root=poster_root)
    box = on_white.quote.box
    with Image.open(on_white.background) as bg:
        # White text on a white photo: a dark panel must have been laid behind the text.
        grey = bg.convert("L")
        inside, corner = grey.getpixel((box.x + 10, box.y + 10)), grey.getpixel((5, 5))
        assert isinstance(inside, int)
        assert isinstance(corner, int)
        assert inside < 160
        assert corner > 240  # but not over the whole picture
    with Image.open(on_navy.background) as bg:
        pixel = bg.convert("RGB").getpixel((box.x + 10, box.y + 10))
        assert isinstance(pixel, tuple)
        assert max(abs(a - b) for a, b in zip(pixel, (11, 40, 90), strict=True)) <= 3  # JPEG


def test_make_variant_rejects_a_non_image(poster_root: Path, tmp_path: Path) -> None:
    fake = tmp_path / "bg.png"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 100)
    with pytest.raises(InvalidImage) as info:
        make_variant("biru-gelombang", fake, "palsu", root=poster_root)
    assert info.value.reason == "not_image"
    text = tmp_path / "bg.txt"
    text.write_text("halo")
    with pytest.raises(InvalidImage):
        make_variant("biru-gelombang", text, "palsu", root=poster_root)
    assert "palsu" not in list_templates(poster_root)
    assert not [p for p in poster_root.iterdir() if p.name.startswith(".palsu")]


@pytest.mark.parametrize(
    ("size", "reason"),
    [((300, 300), "too_small"), ((3000, 600), "bad_aspect")],
)
def test_make_variant_rejects_odd_sizes(
    poster_root: Path, tmp_path: Path, size: tuple[int, int], reason: str
) -> None:
    source = tmp_path / "bg.png"
    Image.new("RGB", size, "navy").save(source)
    with pytest.raises(InvalidImage) as info:
        make_variant("biru-gelombang", source, "aneh", root=poster_root)
    assert info.value.reason == reason


def test_make_variant_names(poster_root: Path, tmp_path: Path) -> None:
    source = tmp_path / "bg.png"
    Image.new("RGB", (1080, 1080), "navy").save(source)
    with pytest.raises(TemplateError):
        make_variant("biru-gelombang", source, "Bad Name!", root=poster_root)
    with pytest.raises(TemplateError, match="sudah ada"):
        make_variant("biru-gelombang", source, "senja-oranye", root=poster_root)
    with pytest.raises(TemplateError):
        make_variant("tidak-ada", source, "baru", root=poster_root)


def _saturated_warm(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """Pixels in `box` that are clearly red/orange/yellow (none in the blue template's text)."""
    region = image.convert("RGB").crop(box)
    raw = region.tobytes()
    pixels = zip(raw[0::3], raw[1::3], raw[2::3], strict=True)
    return sum(1 for r, _g, b in pixels if r > 200 and b < 90 and r - b > 150)


def test_emoji_in_a_quote_are_drawn_in_colour(tmp_path: Path) -> None:
    quote = "Semangat pagi, rekan-rekan"
    render_poster("biru-gelombang", quote, "Andi", "BPS", tmp_path / "plain.png")
    render_poster("biru-gelombang", quote + " 🔥", "Andi", "BPS", tmp_path / "fire.png")
    quote_box = (110, 220, 970, 720)
    with Image.open(tmp_path / "plain.png") as plain, Image.open(tmp_path / "fire.png") as fire:
        assert _saturated_warm(plain, quote_box) == 0
        assert _saturated_warm(fire, quote_box) > 200  # the flame, in its own colours


def test_a_quote_of_only_emoji_is_still_refused(tmp_path: Path) -> None:
    with pytest.raises(EmptyText):
        render_poster("biru-gelombang", "🔥🔥 🙏", "Andi", "BPS", tmp_path / "p.png")


def test_a_hashtag_is_never_hyphenated() -> None:
    tag = "#BerkualitasTanpaBatasUntukNegeri"
    layout = layout_poster("potret-garis", f"Mari bekerja bersama {tag} {tag}", "Andi", "BPS")
    lines = [line.text for line in layout.quote.lines]
    assert all(not line.endswith("-") for line in lines), lines
    assert sum(line.split().count(tag) for line in lines) == 2, lines


def test_the_footer_strip_shows_the_network(tmp_path: Path) -> None:
    render_poster("senja-oranye", "Belajar setiap hari.", "Andi", "BPS", tmp_path / "p.png")
    with Image.open(tmp_path / "p.png") as poster:
        footer = poster.convert("RGB").crop((110, 942, 970, 990)).tobytes()
        pixels = zip(footer[0::3], footer[1::3], footer[2::3], strict=True)
        white = sum(1 for rgb in pixels if min(rgb) > 230)
    assert white > 500  # the text in the blue strip
