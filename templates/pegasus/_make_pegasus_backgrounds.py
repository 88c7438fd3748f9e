"""Generate the bundled Pegasus poster backgrounds (run once; the PNGs are committed).

Usage: .venv/bin/python templates/pegasus/_make_pegasus_backgrounds.py
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = Path(__file__).resolve().parent
FONTS = HERE.parent / "fonts"
SS = 2  # supersampling factor for smooth edges

NAVY = (11, 60, 116)
BLUE = (21, 101, 192)
SKY = (214, 228, 245)
ORANGE = (247, 148, 29)
DEEP_ORANGE = (232, 100, 27)
CREAM = (255, 250, 242)
PAPER = (245, 248, 252)

RGB = tuple[int, int, int]


def gradient(size: tuple[int, int], a: RGB, b: RGB, angle_deg: float) -> Image.Image:
    """A linear gradient from colour `a` to `b` along `angle_deg` (0 = left to right)."""
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    t = np.cos(np.radians(angle_deg)) * xx / w + np.sin(np.radians(angle_deg)) * yy / h
    t = (t - t.min()) / (t.max() - t.min())
    ca = np.array(a, dtype=np.float32)
    cb = np.array(b, dtype=np.float32)
    arr = ca + (cb - ca) * t[..., None]
    return Image.fromarray(arr.round().astype(np.uint8))


def overlay(base: Image.Image, paint: Callable[[ImageDraw.ImageDraw], None]) -> Image.Image:
    """Draw translucent shapes at SS× resolution and composite them onto `base`."""
    layer = Image.new("RGBA", (base.width * SS, base.height * SS), (0, 0, 0, 0))
    paint(ImageDraw.Draw(layer))
    layer = layer.resize(base.size, Image.Resampling.LANCZOS)
    out = base.convert("RGBA")
    out.alpha_composite(layer)
    return out.convert("RGB")


def wave(w: int, y: float, amp: float, periods: float, phase: float, bottom: int) -> list[float]:
    """Polygon points of a sine band from height `y` down to `bottom`."""
    pts: list[float] = []
    for i in range(121):
        x = w * i / 120
        pts += [x, y + amp * float(np.sin(2 * np.pi * periods * i / 120 + phase))]
    return [*pts, w, bottom, 0, bottom]


def quote_mark(img: Image.Image, xy: tuple[int, int], size: int, fill: tuple[int, ...]) -> None:
    """Draw a large opening quotation mark as decoration."""
    font = ImageFont.truetype(str(FONTS / "DejaVuSerif-Bold.ttf"), size)
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    ImageDraw.Draw(layer).text(xy, "\u201c", font=font, fill=fill, anchor="lt")
    img.alpha_composite(layer)


def save(img: Image.Image, name: str) -> None:
    """Save as an optimised palette PNG (gradients survive 256 colours without visible bands)."""
    folder = HERE / name
    folder.mkdir(exist_ok=True)
    out = img.convert("RGB").quantize(
        256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    out.save(folder / "background.png", optimize=True)
    print(name, (folder / "background.png").stat().st_size // 1024, "KB")


def biru_gelombang() -> None:
    """Square, deep blue with orange and light-blue waves at the bottom."""
    w, h = 1080, 1080
    img = gradient((w, h), NAVY, BLUE, 55)

    def paint(d: ImageDraw.ImageDraw) -> None:
        s = SS
        d.ellipse((760 * s, -220 * s, 1300 * s, 320 * s), fill=(255, 255, 255, 18))
        d.ellipse((860 * s, -120 * s, 1200 * s, 220 * s), fill=(255, 255, 255, 16))
        d.ellipse((-200 * s, 700 * s, 200 * s, 1100 * s), fill=(255, 255, 255, 10))
        d.polygon([v * s for v in wave(w, 960, 18, 1.2, 0.6, h)], fill=(*SKY, 70))
        d.polygon([v * s for v in wave(w, 990, 14, 1.0, 2.4, h)], fill=(*ORANGE, 235))
        d.polygon([v * s for v in wave(w, 1030, 10, 1.4, 1.0, h)], fill=(*NAVY, 255))
        d.rounded_rectangle((490 * s, 745 * s, 590 * s, 751 * s), radius=3 * s, fill=ORANGE)

    out = overlay(img, paint).convert("RGBA")
    quote_mark(out, (96, 70), 240, (*ORANGE, 220))
    save(out, "biru-gelombang")


def senja_oranye() -> None:
    """Square, warm orange with a cream card and a blue footer strip."""
    w, h = 1080, 1080
    img = gradient((w, h), ORANGE, DEEP_ORANGE, 70)
    shadow = Image.new("L", (w, h), 0)
    ImageDraw.Draw(shadow).rounded_rectangle((88, 96, 1000, 1008), radius=40, fill=110)
    shadow = shadow.filter(ImageFilter.GaussianBlur(18))
    img = Image.composite(Image.new("RGB", (w, h), (120, 50, 10)), img, shadow)

    def paint(d: ImageDraw.ImageDraw) -> None:
        s = SS
        d.ellipse((-160 * s, -160 * s, 260 * s, 260 * s), fill=(255, 255, 255, 40))
        d.ellipse((880 * s, 900 * s, 1240 * s, 1260 * s), fill=(255, 255, 255, 35))
        d.rounded_rectangle((80 * s, 80 * s, 1000 * s, 1000 * s), radius=40 * s, fill=CREAM)
        d.rounded_rectangle(
            (80 * s, 930 * s, 1000 * s, 1000 * s),
            radius=40 * s,
            fill=BLUE,
            corners=(False, False, True, True),
        )
        d.rectangle((80 * s, 926 * s, 1000 * s, 934 * s), fill=ORANGE)
        d.rounded_rectangle((490 * s, 737 * s, 590 * s, 743 * s), radius=3 * s, fill=ORANGE)

    out = overlay(img, paint).convert("RGBA")
    quote_mark(out, (130, 96), 200, (*BLUE, 235))
    save(out, "senja-oranye")


def potret_foto() -> None:
    """Portrait with a navy header holding the round photo, quote on light paper below."""
    w, h = 1080, 1350
    img = Image.new("RGB", (w, h), PAPER)
    header = gradient((w, 700), NAVY, BLUE, 30)
    img.paste(header, (0, 0))

    def paint(d: ImageDraw.ImageDraw) -> None:
        s = SS
        # Curved bottom edge of the header, with an orange accent arc under it.
        d.ellipse((-300 * s, 500 * s, 1380 * s, 830 * s), fill=(*ORANGE, 255))
        d.ellipse((-300 * s, 518 * s, 1380 * s, 830 * s), fill=PAPER)
        d.ellipse((820 * s, -160 * s, 1240 * s, 260 * s), fill=(255, 255, 255, 18))
        d.ellipse((-140 * s, 60 * s, 180 * s, 380 * s), fill=(255, 255, 255, 12))
        d.rectangle((0, 1270 * s, w * s, h * s), fill=NAVY)
        d.rectangle((0, 1262 * s, w * s, 1270 * s), fill=ORANGE)

    out = overlay(img, paint).convert("RGBA")
    quote_mark(out, (472, 610), 150, (*ORANGE, 255))
    save(out, "potret-foto")


def potret_garis() -> None:
    """Portrait on light paper with blue and orange diagonal bands, text left-aligned."""
    w, h = 1080, 1350
    img = gradient((w, h), (250, 252, 255), (232, 240, 250), 80)

    def paint(d: ImageDraw.ImageDraw) -> None:
        s = SS
        d.polygon([v * s for v in (620, 0, 1080, 0, 1080, 300)], fill=BLUE)
        d.polygon([v * s for v in (760, 0, 1080, 0, 1080, 200)], fill=NAVY)
        d.polygon([v * s for v in (560, 0, 600, 0, 1080, 312, 1080, 338)], fill=ORANGE)
        d.polygon([v * s for v in (0, 1180, 0, 1350, 420, 1350)], fill=BLUE)
        d.polygon([v * s for v in (0, 1260, 0, 1350, 200, 1350)], fill=NAVY)
        d.polygon([v * s for v in (0, 1150, 0, 1168, 470, 1350, 430, 1350)], fill=ORANGE)
        for i in range(5):
            for j in range(4):
                cx, cy = 900 + i * 28, 1180 + j * 28
                d.ellipse(
                    ((cx - 5) * s, (cy - 5) * s, (cx + 5) * s, (cy + 5) * s), fill=(*BLUE, 90)
                )
        d.rounded_rectangle((110 * s, 1006 * s, 190 * s, 1014 * s), radius=4 * s, fill=ORANGE)

    out = overlay(img, paint).convert("RGBA")
    quote_mark(out, (96, 120), 230, (*BLUE, 255))
    save(out, "potret-garis")


if __name__ == "__main__":
    biru_gelombang()
    senja_oranye()
    potret_foto()
    potret_garis()
