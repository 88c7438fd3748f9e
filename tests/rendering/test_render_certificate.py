"""Certificates: number format, fitting names, QR code, PNG and PDF output."""

from __future__ import annotations

import re
import zlib
from functools import cache
from io import BytesIO
from pathlib import Path

import pytest
import qrcode
import qrcode.constants
from hypothesis import HealthCheck, given, settings
from PIL import Image, ImageDraw

from bot.rendering.certificate import (
    CertificateData,
    CertificateNumber,
    CertificateTemplate,
    format_certificate_number,
    list_templates,
    load_template,
    parse_certificate_number,
    render_certificate,
)
from bot.rendering.errors import TextTooLong
from bot.rendering.fonts import get_font
from bot.rendering.pdf import png_page_pdf
from tests.rendering.strategies import holder_names

LONGEST_NAME = "Dr. Ir. " + "Muhammad Rizky Pratama Putra Simanjuntak" + ", S.Si., M.Stat."
URL = "https://canbot.example/v/Xk3p9QaZ_2"
_DRAW = ImageDraw.Draw(Image.new("RGB", (1, 1)))


@cache
def template() -> CertificateTemplate:
    return load_template("standar")


def data(**changes: str) -> CertificateData:
    values = {
        "holder_name": LONGEST_NAME,
        "role": "Narasumber",
        "session_title": "Pemanfaatan Big Data untuk Statistik Resmi di Provinsi Bengkulu",
        "date_text": "14 Agustus 2025",
        "number": format_certificate_number(2025, 7, 42),
        "verify_url": URL,
        "signer_name": "Nama Penandatangan, S.Si., M.M.",
        "signer_title": "Kepala BPS Provinsi Bengkulu",
    }
    values.update(changes)
    return CertificateData(**values)


def test_number_format_and_parse() -> None:
    number = format_certificate_number(2025, 7, 42)
    assert number == "SRW/2025/007/0042"
    assert parse_certificate_number(number) == CertificateNumber("SRW", 2025, 7, 42)
    assert parse_certificate_number(" srw/2025/007/0042 ") == CertificateNumber("SRW", 2025, 7, 42)
    assert format_certificate_number(2026, 1234, 12345) == "SRW/2026/1234/12345"
    assert str(parse_certificate_number("SRW/2026/1234/12345")) == "SRW/2026/1234/12345"
    assert format_certificate_number(2025, 1, 1, prefix="SRT") == "SRT/2025/001/0001"


@pytest.mark.parametrize(
    "bad", ["", "SRW/25/007/0042", "SRW/2025/7/0042", "SRW/2025/007/42", "SRW-2025-007-0042",
            "SRW/2025/000/0001", "SRW/2025/007/0042/1"],
)  # fmt: skip
def test_parse_rejects(bad: str) -> None:
    with pytest.raises(ValueError, match="certificate number"):
        parse_certificate_number(bad)


@pytest.mark.parametrize(("year", "session", "serial"), [(1999, 1, 1), (2025, 0, 1), (2025, 1, 0)])
def test_format_rejects(year: int, session: int, serial: int) -> None:
    with pytest.raises(ValueError, match=r"range|start at 1"):
        format_certificate_number(year, session, serial)


def test_template_is_a4_landscape_150dpi() -> None:
    tpl = template()
    assert "standar" in list_templates()
    assert tpl.canvas == (1754, 1240)
    assert tpl.dpi == 150
    assert tpl.background.stat().st_size < 300 * 1024


def test_render_png_and_pdf(tmp_path: Path) -> None:
    result = render_certificate(template(), data(), tmp_path)
    assert result.png_path.name == "SRW-2025-007-0042.png"
    with Image.open(result.png_path) as img:
        assert img.format == "PNG"
        assert img.size == (1754, 1240)
    pdf = result.pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1
    assert re.search(rb"/Count\s+1\b", pdf)
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert box is not None
    width_pt, height_pt = float(box.group(1)), float(box.group(2))
    assert abs(width_pt - 841.89) < 1.5  # A4 landscape in points
    assert abs(height_pt - 595.28) < 1.5
    name = result.layouts["name"]
    assert 1 <= len(name.lines) <= 2


def _png_rows(png: bytes) -> bytes:
    """The PNG's filtered scanlines (its IDAT chunks joined and inflated)."""
    at, data = 8, b""
    while at < len(png):
        length = int.from_bytes(png[at : at + 4], "big")
        if png[at + 4 : at + 8] == b"IDAT":
            data += png[at + 8 : at + 8 + length]
        at += 12 + length
    return zlib.decompress(data)


def test_pdf_page_holds_the_png_pixels_losslessly(tmp_path: Path) -> None:
    result = render_certificate(template(), data(), tmp_path)
    pdf = result.pdf_path.read_bytes()
    image = re.search(rb"/Subtype /Image (.*?)>>\nstream\n", pdf, re.S)
    assert image is not None
    assert b"/Width 1754 /Height 1240" in image.group(1)
    assert b"/ColorSpace /DeviceRGB" in image.group(1)
    assert b"/Predictor 15" in image.group(1)  # PNG row filters, as in the PNG itself
    length = int(re.search(rb"/Length (\d+)", image.group(1)).group(1))  # type: ignore[union-attr]
    stream = pdf[image.end() : image.end() + length]
    assert zlib.decompress(stream) == _png_rows(result.png_path.read_bytes())
    title = "Sertifikat SRW/2025/007/0042".encode("utf-16-be").hex().upper().encode()
    assert b"/Title <FEFF" + title + b">" in pdf


def test_pdf_refuses_what_it_cannot_embed_as_is() -> None:
    with pytest.raises(ValueError, match="not a PNG"):
        png_page_pdf(b"GIF89a", 150)
    buffer = BytesIO()
    Image.new("L", (4, 4)).save(buffer, "PNG")
    with pytest.raises(ValueError, match="only 8-bit RGB"):
        png_page_pdf(buffer.getvalue(), 150)


def test_qr_code_modules_match_the_url(tmp_path: Path) -> None:
    result = render_certificate(template(), data(), tmp_path)
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(URL)
    code.make(fit=True)
    expected = code.get_matrix()
    n = len(expected)
    assert result.qr_modules == n
    box = result.qr_box
    module = box.w / n
    assert module >= 4  # at least 4 px per module: scannable on screen and at 150 dpi on paper
    with Image.open(result.png_path) as img:
        grey = img.convert("L")
        for r in range(n):
            for c in range(n):
                x = int(box.x + (c + 0.5) * module)
                y = int(box.y + (r + 0.5) * module)
                value = grey.getpixel((x, y))
                assert isinstance(value, int)
                assert (value < 128) == bool(expected[r][c]), (r, c)


def test_long_session_title_is_refused_with_limit(tmp_path: Path) -> None:
    with pytest.raises(TextTooLong) as info:
        render_certificate(template(), data(session_title="Sesi berbagi pengetahuan " * 20),
                           tmp_path)  # fmt: skip
    assert info.value.field == "session"
    assert info.value.max_chars == template().slots["session"].max_chars


def test_optional_signer_can_be_left_out(tmp_path: Path) -> None:
    result = render_certificate(template(), data(signer_name="", signer_title=""), tmp_path,
                                stem="tanpa-ttd")  # fmt: skip
    assert "signer_name" not in result.layouts
    assert result.png_path.name == "tanpa-ttd.png"


@settings(
    max_examples=1000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(name=holder_names())
def test_every_name_fits_inside_its_box(name: str) -> None:
    slot = template().slots["name"]
    layout = slot.fit(name, "name")  # must never raise for names up to the longest shape
    assert slot.size[0] <= layout.size <= slot.size[1]
    assert 1 <= len(layout.lines) <= 2
    assert not layout.truncated
    font = get_font(slot.font, layout.size)
    for line in layout.lines:
        left, top, right, bottom = _DRAW.textbbox(line.origin, line.text, font=font)
        assert slot.box.contains((int(left), int(top), int(right), int(bottom))), (name, line)
