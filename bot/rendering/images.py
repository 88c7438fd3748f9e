"""Safe loading of uploaded images and the crops the templates need."""

from __future__ import annotations

import warnings
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps, UnidentifiedImageError

from bot.rendering.errors import InvalidImage

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000  # well above any phone camera, well below a decompression bomb
ACCEPTED_FORMATS = frozenset({"PNG", "JPEG", "WEBP"})


def open_upload(path: Path, *, min_width: int = 1, min_height: int = 1) -> Image.Image:
    """Open an uploaded file as an upright RGB image, or raise InvalidImage saying why."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InvalidImage("Berkas gambar tidak ditemukan.", reason="not_found") from exc
    if size > MAX_FILE_BYTES:
        raise InvalidImage("Berkas gambar terlalu besar (maksimal 20 MB).", reason="file_too_big")
    try:
        with warnings.catch_warnings():
            # Pillow only warns below its own bomb limit; treat the warning as the error it is.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as probe:
                fmt = probe.format
                width, height = probe.size
                probe.verify()  # catches truncated and corrupt files without decoding twice
            if fmt not in ACCEPTED_FORMATS:
                raise InvalidImage(
                    "Format gambar tidak didukung; kirim JPG, PNG atau WEBP.", reason="format"
                )
            if width * height > MAX_PIXELS:
                raise InvalidImage("Resolusi gambar terlalu besar.", reason="too_large")
            with Image.open(path) as img:
                img.load()
                upright = ImageOps.exif_transpose(img)
                rgb = upright.convert("RGB")
    except InvalidImage:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        raise InvalidImage("Berkas ini bukan gambar yang valid.", reason="not_image") from exc
    if rgb.width < min_width or rgb.height < min_height:
        raise InvalidImage(
            f"Gambar terlalu kecil ({rgb.width}×{rgb.height}); "
            f"minimal {min_width}×{min_height} piksel.",
            reason="too_small",
        )
    return rgb


def cover(img: Image.Image, size: tuple[int, int], *, focus_y: float = 0.5) -> Image.Image:
    """Scale and crop `img` to exactly `size`, filling it; `focus_y` picks the kept band."""
    target_w, target_h = size
    scale = max(target_w / img.width, target_h / img.height)
    scaled_w = max(target_w, round(img.width * scale))
    scaled_h = max(target_h, round(img.height * scale))
    resized = img.resize((scaled_w, scaled_h), Image.Resampling.LANCZOS)
    left = (scaled_w - target_w) // 2
    top = round((scaled_h - target_h) * focus_y)
    return resized.crop((left, top, left + target_w, top + target_h))


def circle_mask(diameter: int, supersample: int = 4) -> Image.Image:
    """An anti-aliased round "L" mask of the given diameter."""
    big = Image.new("L", (diameter * supersample, diameter * supersample), 0)
    ImageDraw.Draw(big).ellipse((0, 0, big.width - 1, big.height - 1), fill=255)
    return big.resize((diameter, diameter), Image.Resampling.LANCZOS)


def ring(diameter: int, width: int, color: str, supersample: int = 4) -> Image.Image:
    """An anti-aliased RGBA ring `width` pixels thick, for framing a round photo."""
    big = Image.new("RGBA", (diameter * supersample, diameter * supersample), (0, 0, 0, 0))
    ImageDraw.Draw(big).ellipse(
        (0, 0, big.width - 1, big.height - 1), outline=color, width=width * supersample
    )
    return big.resize((diameter, diameter), Image.Resampling.LANCZOS)


def round_portrait(img: Image.Image, diameter: int) -> Image.Image:
    """Crop a photo to a circle (RGBA), keeping the upper-middle part where faces usually are."""
    square = cover(img, (diameter, diameter), focus_y=0.3)
    out = square.convert("RGBA")
    out.putalpha(circle_mask(diameter))
    return out
