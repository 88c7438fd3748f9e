"""Certificates: landscape A4 at 150 dpi (1754×1240), saved as PNG (chat) and PDF (print).

Certificates come in batches (a whole session's participants at once), so what is the same for
every certificate of a template is made once: the template, and its background with the fixed
texts drawn on it (both cached, keyed by the files' modification times). The PNG is encoded
once and the PDF page embeds those same bytes (bot.rendering.pdf).

A template is `templates/certificates/<name>/` with a background image and `layout.toml`
(see templates/certificates/README.md).

Certificate numbers look like ``SRW/2025/007/0042``::

    <prefix>/<year: 4 digits>/<session id: zero-padded to 3>/<serial: zero-padded to 4>

The prefix is upper-case letters (default ``SRW``). Session ids above 999 and serials above
9999 simply use more digits; the parser accepts that and lower-case input.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass
from pathlib import Path

import qrcode
import qrcode.constants
from PIL import Image, ImageDraw

from bot.rendering.errors import TemplateError
from bot.rendering.layout import (
    TextSlot,
    parse_canvas,
    parse_color,
    parse_slot,
    parse_statics,
    read_toml,
    template_file,
)
from bot.rendering.pdf import png_page_pdf
from bot.rendering.textfit import Box, TextLayout

CERTIFICATES_DIR = Path(__file__).resolve().parents[2] / "templates" / "certificates"
NUMBER_PREFIX = "SRW"
QR_ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
QR_BORDER = 4  # the quiet zone the QR specification asks for, in modules
# zlib's fast levels (1-3) cost what Pillow's row filtering costs anyway; 3 is the smallest of
# them. Against optimize=True (level 9) a certificate grows from about 150 to 190 KB, far
# below WhatsApp's 5 MB media limit, and encodes in a fifth of the time.
PNG_COMPRESS_LEVEL = 3
_NUMBER_RE = re.compile(r"^([A-Z]{2,10})/(\d{4})/(\d{3,})/(\d{4,})$")
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
_REQUIRED_SLOTS = ("name", "role", "session", "date", "number")
_OPTIONAL_SLOTS = ("signer_name", "signer_title", "verify_text")


@dataclass(frozen=True)
class CertificateNumber:
    """A parsed certificate number; str() gives the canonical form."""

    prefix: str
    year: int
    session_id: int
    serial: int

    def __str__(self) -> str:
        return f"{self.prefix}/{self.year:04d}/{self.session_id:03d}/{self.serial:04d}"


def format_certificate_number(
    year: int, session_id: int, serial: int, prefix: str = NUMBER_PREFIX
) -> str:
    """Format `SRW/<year>/<session id, 3 digits>/<serial, 4 digits>`, e.g. SRW/2025/007/0042."""
    if not 2000 <= year <= 9999:
        raise ValueError(f"year out of range: {year}")
    if session_id < 1 or serial < 1:
        raise ValueError("session id and serial start at 1")
    if not re.fullmatch(r"[A-Z]{2,10}", prefix):
        raise ValueError(f"prefix must be 2-10 capital letters, got {prefix!r}")
    return str(CertificateNumber(prefix, year, session_id, serial))


def parse_certificate_number(text: str) -> CertificateNumber:
    """Parse a number typed or scanned by a person; raises ValueError if it is not one."""
    match = _NUMBER_RE.match(text.strip().upper())
    if match is None:
        raise ValueError(f"not a certificate number: {text!r}")
    prefix, year, session_id, serial = match.groups()
    number = CertificateNumber(prefix, int(year), int(session_id), int(serial))
    if number.year < 2000 or number.session_id < 1 or number.serial < 1:
        raise ValueError(f"not a certificate number: {text!r}")
    return number


@dataclass(frozen=True)
class CertificateData:
    """Everything printed on one certificate; strings arrive already formatted."""

    holder_name: str
    role: str
    session_title: str
    date_text: str
    number: str
    verify_url: str
    signer_name: str = ""
    signer_title: str = ""


@dataclass(frozen=True)
class QrSlot:
    """Where the QR code goes: top-left corner, side length and colours."""

    x: int
    y: int
    size: int
    color: str
    background: str

    @property
    def box(self) -> Box:
        """The square reserved for the code."""
        return Box(self.x, self.y, self.size, self.size)


@dataclass(frozen=True)
class CertificateTemplate:
    """A loaded, validated certificate template."""

    name: str
    folder: Path
    canvas: tuple[int, int]
    dpi: int
    background: Path
    slots: dict[str, TextSlot]
    qr: QrSlot
    statics: tuple[TextSlot, ...] = ()


@dataclass(frozen=True)
class CertificateResult:
    """Files written by render_certificate and where things were drawn."""

    png_path: Path
    pdf_path: Path
    size: tuple[int, int]
    layouts: dict[str, TextLayout]
    qr_box: Box  # exact square of the code including its quiet zone
    qr_modules: int  # modules per side including the quiet zone


def list_templates(root: Path | None = None) -> list[str]:
    """Names of the certificate templates available, sorted."""
    folder = CERTIFICATES_DIR if root is None else root
    if not folder.is_dir():
        return []
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.is_dir() and not p.name.startswith(("_", ".")) and (p / "layout.toml").is_file()
    )


def load_template(name: str, root: Path | None = None) -> CertificateTemplate:
    """Load and validate `templates/certificates/<name>` (or `<root>/<name>`)."""
    if not _NAME_RE.match(name):
        raise TemplateError(f"bad template name {name!r}")
    folder = (CERTIFICATES_DIR if root is None else root) / name
    if not folder.is_dir():
        raise TemplateError(f"certificate template {name!r} not found")
    data = read_toml(folder / "layout.toml")
    where = f"{name}/layout.toml"
    canvas = parse_canvas(data.get("canvas"), where)
    dpi = data.get("dpi", 150)
    if not isinstance(dpi, int) or not 72 <= dpi <= 600:
        raise TemplateError(f"{where}.dpi: expected 72..600")
    background = template_file(folder, data.get("background"), f"{where}.background")
    with Image.open(background) as bg:
        if bg.size != canvas:
            raise TemplateError(f"{where}: background is {bg.size}, canvas is {canvas}")
    slots: dict[str, TextSlot] = {}
    for key in _REQUIRED_SLOTS + _OPTIONAL_SLOTS:
        if key in data:
            slots[key] = parse_slot(data[key], f"{where}.{key}", canvas)
        elif key in _REQUIRED_SLOTS:
            raise TemplateError(f"{where}: missing [{key}]")
    qr_table = data.get("qr")
    if not isinstance(qr_table, dict):
        raise TemplateError(f"{where}: missing [qr]")
    x, y, size = qr_table.get("x"), qr_table.get("y"), qr_table.get("size")
    if not (isinstance(x, int) and isinstance(y, int) and isinstance(size, int)):
        raise TemplateError(f"{where}.qr: x, y and size must be integers")
    if size < 120 or x < 0 or y < 0 or x + size > canvas[0] or y + size > canvas[1]:
        raise TemplateError(f"{where}.qr: must be >= 120 px and on the canvas")
    qr = QrSlot(
        x,
        y,
        size,
        parse_color(qr_table.get("color", "#000000"), f"{where}.qr.color"),
        parse_color(qr_table.get("background", "#FFFFFF"), f"{where}.qr.background"),
    )
    return CertificateTemplate(
        name=name,
        folder=folder,
        canvas=canvas,
        dpi=dpi,
        background=background,
        slots=slots,
        qr=qr,
        statics=parse_statics(data.get("static"), where, canvas),
    )


def _resolve(template: CertificateTemplate | str) -> CertificateTemplate:
    if not isinstance(template, str):
        return template
    folder = CERTIFICATES_DIR / template
    if not _NAME_RE.match(template) or not folder.is_dir():
        return load_template(template)  # raises TemplateError saying what is wrong
    # A file of the template changed (or added) loads it again.
    stamp = tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.iterdir()))
    return _load_cached(template, stamp)


@functools.lru_cache(maxsize=8)
def _load_cached(name: str, _stamp: tuple[tuple[str, int], ...]) -> CertificateTemplate:
    return load_template(name)


@functools.lru_cache(maxsize=4)
def _base(background: Path, _mtime_ns: int, statics: tuple[TextSlot, ...]) -> Image.Image:
    """The background with the template's fixed texts on it: every certificate starts here."""
    with Image.open(background) as bg:
        canvas: Image.Image = bg.convert("RGB")
    draw = ImageDraw.Draw(canvas)
    for slot in statics:
        slot.draw(draw, slot.fit(slot.text, "static"))
    return canvas


def qr_matrix(url: str) -> list[list[bool]]:
    """The QR module matrix for `url`, quiet zone included (True = dark)."""
    code = qrcode.QRCode(error_correction=QR_ERROR_CORRECTION, border=QR_BORDER)
    code.add_data(url)
    code.make(fit=True)
    return [[bool(cell) for cell in row] for row in code.get_matrix()]


def _qr_image(url: str, slot: QrSlot) -> tuple[Image.Image, int]:
    """Draw the code with whole-pixel modules (crisp when printed and scanned)."""
    matrix = qr_matrix(url)
    n = len(matrix)
    module = slot.size // n
    if module < 2:
        raise TemplateError(f"QR slot of {slot.size}px is too small for a {n}-module code")
    img = Image.new("RGB", (n * module, n * module), slot.background)
    draw = ImageDraw.Draw(img)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                x, y = c * module, r * module
                draw.rectangle((x, y, x + module - 1, y + module - 1), fill=slot.color)
    return img, n


def _field_values(data: CertificateData) -> dict[str, str]:
    return {
        "name": data.holder_name,
        "role": data.role,
        "session": data.session_title,
        "date": data.date_text,
        "number": data.number,
        "signer_name": data.signer_name,
        "signer_title": data.signer_title,
        "verify_text": data.verify_url,
    }


def layout_certificate(
    template: CertificateTemplate | str, data: CertificateData
) -> dict[str, TextLayout]:
    """Fit every text field without drawing (raises TextTooLong/EmptyText naming the field)."""
    tpl = _resolve(template)
    values = _field_values(data)
    layouts: dict[str, TextLayout] = {}
    for key, slot in tpl.slots.items():
        value = values[key]
        if key in _REQUIRED_SLOTS or value.strip():
            layouts[key] = slot.fit(value, key)
    return layouts


def render_certificate(
    template: CertificateTemplate | str,
    data: CertificateData,
    out_dir: Path,
    stem: str | None = None,
) -> CertificateResult:
    """Render `<stem>.png` and a one-page A4 `<stem>.pdf` into `out_dir`."""
    tpl = _resolve(template)
    layouts = layout_certificate(tpl, data)
    canvas = _base(tpl.background, tpl.background.stat().st_mtime_ns, tpl.statics).copy()
    draw = ImageDraw.Draw(canvas)
    for key, layout in layouts.items():
        tpl.slots[key].draw(draw, layout)
    qr_img, modules = _qr_image(data.verify_url, tpl.qr)
    qx = tpl.qr.x + (tpl.qr.size - qr_img.width) // 2
    qy = tpl.qr.y + (tpl.qr.size - qr_img.height) // 2
    canvas.paste(qr_img, (qx, qy))
    out_dir.mkdir(parents=True, exist_ok=True)
    # "/" in SRW/2025/007/0042 cannot appear in a file name.
    base = stem or re.sub(r"[^A-Za-z0-9_-]+", "-", data.number).strip("-") or "sertifikat"
    png_path = out_dir / f"{base}.png"
    pdf_path = out_dir / f"{base}.pdf"
    png = io.BytesIO()
    canvas.save(png, "PNG", compress_level=PNG_COMPRESS_LEVEL, dpi=(tpl.dpi, tpl.dpi))
    png_path.write_bytes(png.getvalue())
    # The same pixels, lossless, on an A4 page: small coloured text stays crisp on paper.
    pdf_path.write_bytes(png_page_pdf(png.getvalue(), tpl.dpi, f"Sertifikat {data.number}"))
    return CertificateResult(
        png_path=png_path,
        pdf_path=pdf_path,
        size=canvas.size,
        layouts=layouts,
        qr_box=Box(qx, qy, qr_img.width, qr_img.height),
        qr_modules=modules,
    )
