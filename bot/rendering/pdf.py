"""A one-page PDF around a PNG, reusing the PNG's compressed pixels as they are.

A PNG's image data (its IDAT chunks joined) is a zlib stream of rows, each behind a filter
byte: exactly what a PDF image with ``/FlateDecode`` and ``/DecodeParms << /Predictor 15 >>``
holds. So the page costs no second encoding and stays lossless, where Pillow's PDF writer
would re-encode the picture as JPEG.
"""

from __future__ import annotations

import struct

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunks(png: bytes) -> tuple[bytes, bytes]:
    """The IHDR data and the joined IDAT data of a PNG."""
    if not png.startswith(_SIGNATURE):
        raise ValueError("not a PNG")
    header, data, at = b"", bytearray(), len(_SIGNATURE)
    while at + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[at : at + 8])
        body = png[at + 8 : at + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            data += body
        elif kind == b"IEND":
            break
        at += 12 + length
    if len(header) != 13 or not data:
        raise ValueError("PNG without a header or image data")
    return header, bytes(data)


def _text(value: str) -> bytes:
    """A PDF text string (UTF-16 with its byte-order mark, as hex: any character is safe)."""
    return b"<FEFF" + value.encode("utf-16-be").hex().upper().encode() + b">"


def png_page_pdf(png: bytes, dpi: float, title: str = "") -> bytes:
    """A PDF whose one page is the 8-bit RGB `png` at `dpi` (page size = picture size)."""
    header, data = _chunks(png)
    width, height, depth, color, _method, _filter, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or color != 2 or interlace != 0:
        raise ValueError("only 8-bit RGB PNGs without interlacing can be embedded as they are")
    w_pt, h_pt = width * 72 / dpi, height * 72 / dpi
    content = f"q {w_pt:.2f} 0 0 {h_pt:.2f} 0 0 cm /Im0 Do Q".encode()
    image = (
        f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} "
        f"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode "
        f"/DecodeParms << /Predictor 15 /Colors 3 /BitsPerComponent 8 /Columns {width} >> "
        f"/Length {len(data)} >>"
    ).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w_pt:.2f} {h_pt:.2f}] "
            "/Resources << /XObject << /Im0 4 0 R >> /ProcSet [/PDF /ImageC] >> "
            "/Contents 5 0 R >>"
        ).encode(),
        image + b"\nstream\n" + data + b"\nendstream",
        f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream",
        b"<< /Title " + _text(title) + b" /Producer (CAN Bot) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)
