"""Generate the bundled certificate background (run once; the PNG is committed).

Usage: .venv/bin/python templates/certificates/_make_certificate_background.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
SS = 2  # supersampling factor for smooth diagonal edges

NAVY = (11, 60, 116)
BLUE = (21, 101, 192)
SKY = (214, 228, 245)
ORANGE = (247, 148, 29)
PAPER_TOP = (255, 254, 250)
PAPER_BOTTOM = (249, 246, 238)


def paper(size: tuple[int, int]) -> Image.Image:
    """Warm white paper with a barely visible vertical gradient."""
    w, h = size
    t = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
    top = np.array(PAPER_TOP, dtype=np.float32)
    bottom = np.array(PAPER_BOTTOM, dtype=np.float32)
    arr = np.broadcast_to(top + (bottom - top) * t, (h, w, 3))
    return Image.fromarray(arr.round().astype(np.uint8))


def standar() -> None:
    """Landscape A4 at 150 dpi: navy frame, blue/orange corners, faint centre rings."""
    w, h = 1754, 1240
    base = paper((w, h)).convert("RGBA")
    layer = Image.new("RGBA", (w * SS, h * SS), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)

    def poly(points: tuple[int, ...], fill: tuple[int, ...]) -> None:
        d.polygon([v * SS for v in points], fill=fill)

    # Faint concentric rings behind the name, like a seal watermark.
    cx, cy = w // 2, 560
    for r, alpha in ((430, 14), (380, 10), (330, 8)):
        d.ellipse(
            ((cx - r) * SS, (cy - r) * SS, (cx + r) * SS, (cy + r) * SS),
            outline=(*BLUE, alpha),
            width=10 * SS,
        )
    # Frame: navy outer line, thin orange inner line.
    d.rectangle(
        (40 * SS, 40 * SS, (w - 40) * SS, (h - 40) * SS), outline=(*NAVY, 255), width=6 * SS
    )
    d.rectangle(
        (58 * SS, 58 * SS, (w - 58) * SS, (h - 58) * SS), outline=(*ORANGE, 255), width=2 * SS
    )
    # Corner ornaments over the frame corners: layered triangles.
    poly((0, 0, 330, 0, 0, 330), (*NAVY, 255))
    poly((0, 0, 250, 0, 0, 250), (*BLUE, 255))
    poly((340, 0, 362, 0, 0, 362, 0, 340), (*ORANGE, 255))
    poly((w, h, w - 280, h, w, h - 280), (*NAVY, 255))
    poly((w, h, w - 200, h, w, h - 200), (*BLUE, 255))
    poly((w - 290, h, w - 312, h, w, h - 312, w, h - 290), (*ORANGE, 255))
    # Divider under the name.
    d.rounded_rectangle(
        ((cx - 120) * SS, 588 * SS, (cx + 120) * SS, 593 * SS), radius=3 * SS, fill=(*ORANGE, 255)
    )
    layer = layer.resize((w, h), Image.Resampling.LANCZOS)
    base.alpha_composite(layer)
    folder = HERE / "standar"
    folder.mkdir(exist_ok=True)
    out = base.convert("RGB").quantize(
        256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    out.save(folder / "background.png", optimize=True)
    print("standar", (folder / "background.png").stat().st_size // 1024, "KB")


if __name__ == "__main__":
    standar()
