"""Pegasus quote posters: a background, a fitted quote, the author and office lines.

A template is a folder `templates/pegasus/<name>/` with `background.*` and `layout.toml`
(see templates/pegasus/README.md for every key). Folders starting with "_" or "." are ignored.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageColor, ImageDraw, ImageStat

from bot.rendering.errors import EmptyText, InvalidImage, TemplateError
from bot.rendering.fonts import SANS_BOLD, get_font
from bot.rendering.images import circle_mask, cover, open_upload, ring, round_portrait
from bot.rendering.layout import (
    TextSlot,
    parse_box,
    parse_canvas,
    parse_color,
    parse_slot,
    parse_statics,
    read_toml,
    template_file,
)
from bot.rendering.textfit import Box, TextLayout, sanitize_text

# zlib's default level. optimize=True (level 9 and a search for the best filter) took 2.9 s for
# a 1080x1350 photo background against 0.18 s here, for a file 18% larger (0.44 vs 0.52 MB):
# far below WhatsApp's 5 MB, and the person waiting for a preview notices the seconds.
PNG_COMPRESS_LEVEL = 6
POSTERS_DIR = Path(__file__).resolve().parents[2] / "templates" / "pegasus"
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
# Academic and religious honorifics that should not become someone's initials.
_TITLE_WORDS = frozenset(
    {"dr", "ir", "drs", "dra", "prof", "h", "hj", "kh", "bapak", "ibu", "bpk", "sdr", "sdri"}
)


@dataclass(frozen=True)
class PhotoSlot:
    """A round portrait position: centre, diameter, ring and placeholder colours."""

    center: tuple[int, int]
    diameter: int
    ring_color: str
    ring_width: int
    placeholder_color: str

    @property
    def box(self) -> Box:
        """The square the circle is drawn in."""
        r = self.diameter // 2
        return Box(self.center[0] - r, self.center[1] - r, self.diameter, self.diameter)


@dataclass(frozen=True)
class LogoSlot:
    """An image file from the template folder, fitted inside `box` keeping its aspect."""

    path: Path
    box: Box


@dataclass(frozen=True)
class PosterTemplate:
    """A loaded, validated poster template."""

    name: str
    title: str
    folder: Path
    canvas: tuple[int, int]
    background: Path
    quote: TextSlot
    author: TextSlot
    office: TextSlot
    photo: PhotoSlot | None = None
    logo: LogoSlot | None = None
    statics: tuple[TextSlot, ...] = ()
    based_on: str | None = None

    @property
    def max_chars(self) -> int:
        """Longest quote the template promises to fit (from layout.toml)."""
        assert self.quote.max_chars is not None  # enforced by load_template
        return self.quote.max_chars


@dataclass(frozen=True)
class PosterLayout:
    """Fitted text of one poster, before drawing."""

    quote: TextLayout
    author: TextLayout | None
    office: TextLayout | None


@dataclass(frozen=True)
class RenderResult:
    """What render_poster wrote, with the layouts used (for checks and previews)."""

    path: Path
    size: tuple[int, int]
    layout: PosterLayout
    statics: tuple[TextLayout, ...]


def _root(root: Path | None) -> Path:
    return POSTERS_DIR if root is None else root


def list_templates(root: Path | None = None) -> list[str]:
    """Names of the poster templates available, sorted."""
    folder = _root(root)
    if not folder.is_dir():
        return []
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.is_dir() and not p.name.startswith(("_", ".")) and (p / "layout.toml").is_file()
    )


def _parse_photo(table: object, canvas: tuple[int, int], where: str) -> PhotoSlot | None:
    if table is None:
        return None
    if not isinstance(table, dict):
        raise TemplateError(f"{where}: expected a table")
    center = table.get("center")
    diameter = table.get("diameter")
    if (
        not isinstance(center, list)
        or len(center) != 2
        or not all(isinstance(v, int) for v in center)
        or not isinstance(diameter, int)
        or diameter < 32
    ):
        raise TemplateError(f"{where}: needs center = [x, y] and diameter >= 32")
    ring_width = table.get("ring_width", 0)
    if not isinstance(ring_width, int) or not 0 <= ring_width < diameter // 4:
        raise TemplateError(f"{where}.ring_width: expected 0..{diameter // 4 - 1}")
    slot = PhotoSlot(
        center=(center[0], center[1]),
        diameter=diameter,
        ring_color=parse_color(table.get("ring_color", "#FFFFFF"), f"{where}.ring_color"),
        ring_width=ring_width,
        placeholder_color=parse_color(
            table.get("placeholder_color", "#1565C0"), f"{where}.placeholder_color"
        ),
    )
    b = slot.box
    parse_box([b.x, b.y, b.w, b.h], where, canvas)
    return slot


def load_template(name: str, root: Path | None = None) -> PosterTemplate:
    """Load and validate `templates/pegasus/<name>` (or `<root>/<name>`)."""
    if not NAME_RE.match(name):
        raise TemplateError(f"bad template name {name!r}")
    folder = _root(root) / name
    if not folder.is_dir():
        raise TemplateError(f"poster template {name!r} not found in {_root(root)}")
    data = read_toml(folder / "layout.toml")
    where = f"{name}/layout.toml"
    canvas = parse_canvas(data.get("canvas"), where)
    background = template_file(folder, data.get("background"), f"{where}.background")
    with Image.open(background) as bg:
        if bg.size != canvas:
            raise TemplateError(f"{where}: background is {bg.size}, canvas is {canvas}")
    quote = parse_slot(data.get("quote"), f"{where}.quote", canvas)
    if quote.max_chars is None:
        raise TemplateError(f"{where}.quote: max_chars is required")
    logo: LogoSlot | None = None
    logo_table = data.get("logo")
    if logo_table is not None:
        if not isinstance(logo_table, dict):
            raise TemplateError(f"{where}.logo: expected a table")
        logo = LogoSlot(
            path=template_file(folder, logo_table.get("file"), f"{where}.logo.file"),
            box=parse_box(logo_table.get("box"), f"{where}.logo.box", canvas),
        )
    title = data.get("title", name)
    based_on = data.get("based_on")
    return PosterTemplate(
        name=name,
        title=title if isinstance(title, str) else name,
        folder=folder,
        canvas=canvas,
        background=background,
        quote=quote,
        author=parse_slot(data.get("author"), f"{where}.author", canvas),
        office=parse_slot(data.get("office"), f"{where}.office", canvas),
        photo=_parse_photo(data.get("photo"), canvas, f"{where}.photo"),
        logo=logo,
        statics=parse_statics(data.get("static"), where, canvas),
        based_on=based_on if isinstance(based_on, str) else None,
    )


def _resolve(template: PosterTemplate | str) -> PosterTemplate:
    return load_template(template) if isinstance(template, str) else template


def layout_poster(
    template: PosterTemplate | str, quote: str, author: str = "", office: str = ""
) -> PosterLayout:
    """Fit the quote, author and office lines without drawing (raises TextTooLong/EmptyText)."""
    tpl = _resolve(template)
    if not sanitize_text(quote, tpl.quote.font):
        raise EmptyText("quote")  # emoji decorate a quote; they are not one on their own
    author_layout = tpl.author.fit(author, "author") if author.strip() else None
    office_layout = tpl.office.fit(office, "office") if office.strip() else None
    return PosterLayout(tpl.quote.fit(quote, "quote"), author_layout, office_layout)


def _initials(author: str) -> str:
    words = [w for w in re.split(r"[\s,]+", author) if w]
    named = [w for w in words if w.strip(".").lower() not in _TITLE_WORDS and "." not in w[1:]]
    letters = [w[0] for w in (named or words) if w[0].isalnum()]
    return "".join(letters[:2]).upper()


def _draw_photo(canvas: Image.Image, slot: PhotoSlot, photo: Path | None, author: str) -> None:
    box = slot.box
    if photo is not None:
        portrait = round_portrait(open_upload(photo, min_width=64, min_height=64), slot.diameter)
        canvas.alpha_composite(portrait, (box.x, box.y))
    else:
        disc = Image.new("RGBA", (slot.diameter, slot.diameter), slot.placeholder_color)
        disc.putalpha(circle_mask(slot.diameter))
        canvas.alpha_composite(disc, (box.x, box.y))
        initials = sanitize_text(_initials(author), SANS_BOLD)
        if initials:
            font = get_font(SANS_BOLD, slot.diameter * 2 // 5)
            ImageDraw.Draw(canvas).text(
                slot.center, initials, font=font, fill="#FFFFFF", anchor="mm"
            )
    if slot.ring_width:
        canvas.alpha_composite(
            ring(slot.diameter, slot.ring_width, slot.ring_color), (box.x, box.y)
        )


def _draw_logo(canvas: Image.Image, logo: LogoSlot) -> None:
    with Image.open(logo.path) as src:
        img = src.convert("RGBA")
    img.thumbnail((logo.box.w, logo.box.h), Image.Resampling.LANCZOS)
    x = logo.box.x + (logo.box.w - img.width) // 2
    y = logo.box.y + (logo.box.h - img.height) // 2
    canvas.alpha_composite(img, (x, y))


def render_poster(
    template: PosterTemplate | str,
    quote: str,
    author: str,
    office: str,
    out_path: Path,
    *,
    photo_path: Path | None = None,
) -> RenderResult:
    """Render a poster PNG to `out_path`; a photo goes in the template's round slot if any."""
    tpl = _resolve(template)
    layout = layout_poster(tpl, quote, author, office)
    with Image.open(tpl.background) as bg:
        canvas = bg.convert("RGBA")
    if tpl.photo is not None and (photo_path is not None or author.strip()):
        _draw_photo(canvas, tpl.photo, photo_path, author)
    if tpl.logo is not None:
        _draw_logo(canvas, tpl.logo)
    draw = ImageDraw.Draw(canvas)
    statics = tuple(slot.fit(slot.text, "static") for slot in tpl.statics)
    for slot, static_layout in zip(tpl.statics, statics, strict=True):
        slot.draw(draw, static_layout)
    tpl.quote.draw(draw, layout.quote)
    if layout.author is not None:
        tpl.author.draw(draw, layout.author)
    if layout.office is not None:
        tpl.office.draw(draw, layout.office)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    canvas.convert("RGB").save(out_path, "PNG", compress_level=PNG_COMPRESS_LEVEL)
    return RenderResult(out_path, canvas.size, layout, statics)


def _set_top_level(text: str, key: str, value: str) -> str:
    """Set `key = "value"` among the top-level keys of a TOML text (before any table)."""
    line = f"{key} = {json.dumps(value)}"  # a JSON string is a valid TOML basic string
    head, sep, rest = text.partition("\n[")
    pattern = re.compile(rf"^{re.escape(key)}\s*=.*$", re.MULTILINE)
    if pattern.search(head):
        head = pattern.sub(lambda _: line, head, count=1)
    else:
        head = f"{line}\n{head}"
    return head + sep + rest


def _luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG relative luminance of an sRGB colour (0-255 channels)."""

    def channel(v: float) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else float(((c + 0.055) / 1.055) ** 2.4)

    r, g, b = rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: float, b: float) -> float:
    light, dark = max(a, b), min(a, b)
    return (light + 0.05) / (dark + 0.05)


def _needs_panel(background: Image.Image, slot: TextSlot) -> bool:
    b = slot.box
    region = background.crop((b.x, b.y, b.right, b.bottom))
    stat = ImageStat.Stat(region)
    mean = _luminance((stat.mean[0], stat.mean[1], stat.mean[2]))
    busy = ImageStat.Stat(region.convert("L")).stddev[0] > 50
    return busy or _contrast(mean, _luminance(_rgb(slot.color))) < 4.5


def _rgb(color: str) -> tuple[float, float, float]:
    rgb = ImageColor.getrgb(color)
    return float(rgb[0]), float(rgb[1]), float(rgb[2])


def _ensure_contrast(background: Image.Image, tpl: PosterTemplate) -> Image.Image:
    """Lay translucent panels behind the text if an uploaded photo would swallow it.

    The text colours were chosen for the original background; a bright or busy photo under
    white text (or a dark one under navy text) would make the poster unreadable. Slots with
    light text share one dark panel, slots with dark text one light panel.
    """
    out = background.convert("RGBA")
    slots = (tpl.quote, tpl.author, tpl.office)
    for light in (True, False):
        group = [s for s in slots if (_luminance(_rgb(s.color)) > 0.5) == light]
        if not any(_needs_panel(background, s) for s in group):
            continue
        pad = 36
        left = max(0, min(s.box.x for s in group) - pad)
        top = max(0, min(s.box.y for s in group) - pad)
        right = min(background.width, max(s.box.right for s in group) + pad)
        bottom = min(background.height, max(s.box.bottom for s in group) + pad)
        colour = (11, 60, 116, 200) if light else (255, 255, 255, 215)
        panel = Image.new("RGBA", background.size, (0, 0, 0, 0))
        ImageDraw.Draw(panel).rounded_rectangle((left, top, right, bottom), radius=36, fill=colour)
        out.alpha_composite(panel)
    return out.convert("RGB")


def make_variant(
    template_name: str,
    new_background_path: Path,
    variant_name: str,
    *,
    root: Path | None = None,
) -> PosterTemplate:
    """Create `<root>/<variant_name>` reusing a template's layout with a new background.

    The image is validated (a real JPG/PNG/WEBP, at least half the canvas resolution once
    cropped, not wildly different in shape) and scaled/cropped to the canvas. Raises
    InvalidImage for a bad image and TemplateError for a bad or taken name.
    """
    base = load_template(template_name, root)
    if not NAME_RE.match(variant_name):
        raise TemplateError(
            "Nama varian hanya boleh huruf kecil, angka dan tanda minus (2-40 karakter)."
        )
    target = _root(root) / variant_name
    if target.exists():
        raise TemplateError(f"Template {variant_name!r} sudah ada.")
    cw, ch = base.canvas
    img = open_upload(new_background_path, min_width=cw // 2, min_height=ch // 2)
    # Cover-cropping a much wider or taller image would throw most of it away.
    ratio = (img.width / img.height) / (cw / ch)
    if not 0.5 <= ratio <= 2.0:
        raise InvalidImage(
            f"Bentuk gambar terlalu berbeda dari poster ({cw}×{ch}); "
            "kirim gambar yang mendekati persegi/potret.",
            reason="bad_aspect",
        )
    background = _ensure_contrast(cover(img, base.canvas), base)
    layout_text = (base.folder / "layout.toml").read_text(encoding="utf-8")
    layout_text = _set_top_level(layout_text, "background", "background.jpg")
    layout_text = _set_top_level(layout_text, "title", f"{base.title} ({variant_name})")
    layout_text = _set_top_level(layout_text, "based_on", base.based_on or base.name)
    # Build in a temporary folder next to the target, then rename, so a half-written
    # template never shows up in list_templates().
    staging = Path(tempfile.mkdtemp(prefix=f".{variant_name}-", dir=_root(root)))
    try:
        background.save(staging / "background.jpg", "JPEG", quality=90, optimize=True)
        (staging / "layout.toml").write_text(layout_text, encoding="utf-8")
        if base.logo is not None:
            shutil.copy2(base.logo.path, staging / base.logo.path.name)
        (staging / "README.md").write_text(
            f"# {variant_name}\n\nVariant of `{base.name}` with a background uploaded in chat.\n",
            encoding="utf-8",
        )
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return load_template(variant_name, root)
