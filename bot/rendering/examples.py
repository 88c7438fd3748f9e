"""Render the example images shown in the README: `python -m bot.rendering.examples [dir]`."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw

from bot.rendering.certificate import (
    CertificateData,
    format_certificate_number,
    render_certificate,
)
from bot.rendering.chart import render_vote_chart
from bot.rendering.poster import list_templates, render_poster
from bot.rendering.roster import RosterRow, render_roster

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
QUOTES = {
    "biru-gelombang": (
        "Data yang berkualitas adalah fondasi kebijakan yang tepat. Mari bekerja dengan "
        "integritas dan semangat melayani untuk Bengkulu yang lebih baik! 🙏"
    ),
    "senja-oranye": (
        "Jangan pernah berhenti belajar, karena hidup tak pernah berhenti mengajarkan. 📚✨ "
        "#BerkualitasTanpaBatas"
    ),
    "potret-foto": "Bekerja ikhlas, cerdas, tuntas. Hasil tidak akan mengkhianati proses. 💪",
    "potret-garis": (
        "Perubahan besar selalu dimulai dari langkah kecil yang dilakukan dengan konsisten. "
        "Setiap angka yang kita kumpulkan adalah cerita tentang masyarakat yang kita layani; "
        "karena itu mari kita jaga mutunya bersama-sama."
    ),
}
AUTHORS = {
    "biru-gelombang": ("Dr. Siti Rahmawati, S.Si., M.Stat.", "BPS Provinsi Bengkulu"),
    "senja-oranye": ("Ahmad Fauzi, S.ST.", "BPS Kota Bengkulu"),
    "potret-foto": ("Dewi Lestari Ningsih", "BPS Kabupaten Rejang Lebong"),
    "potret-garis": ("Rudi Hartono, S.E., M.Si.", "BPS Kabupaten Bengkulu Utara"),
}


def _demo_photo(path: Path) -> Path:
    """A simple drawn portrait, so the example needs no real person's photo."""
    img = Image.new("RGB", (600, 800), (190, 210, 230))
    draw = ImageDraw.Draw(img)
    draw.ellipse((170, 140, 430, 440), fill=(224, 180, 150))
    draw.pieslice((60, 480, 540, 1100), 180, 360, fill=(21, 101, 192))
    draw.ellipse((160, 100, 440, 300), fill=(60, 45, 40))
    draw.ellipse((185, 170, 415, 440), fill=(224, 180, 150))
    img.save(path, "JPEG", quality=92)
    return path


def _shrink(src: Path, dest: Path, width: int) -> None:
    """Save a smaller palette PNG for the README (the real outputs stay full size)."""
    with Image.open(src) as img:
        height = round(img.height * width / img.width)
        small = img.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)
    small.quantize(256, method=Image.Quantize.MEDIANCUT).save(dest, optimize=True)


def render_examples(out_dir: Path) -> list[Path]:
    """Render one poster per template, a certificate, a roster page and a vote chart."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        photo = _demo_photo(tmp / "photo.jpg")
        for name in list_templates():
            author, office = AUTHORS.get(name, ("Ahmad Fauzi", "BPS Provinsi Bengkulu"))
            quote = QUOTES.get(name, QUOTES["biru-gelombang"])
            result = render_poster(name, quote, author, office, tmp / f"{name}.png",
                                   photo_path=photo if name == "potret-foto" else None)  # fmt: skip
            written.append(out_dir / f"poster-{name}.png")
            _shrink(result.path, written[-1], 540)
        cert = render_certificate(
            "standar",
            CertificateData(
                holder_name="Dr. Ir. Muhammad Rizky Pratama Putra Simanjuntak, S.Si., M.Stat.",
                role="Narasumber",
                session_title="Pemanfaatan Big Data dan Kecerdasan Artifisial untuk Statistik "
                "Resmi di Provinsi Bengkulu",
                date_text="14 Agustus 2025",
                number=format_certificate_number(2025, 7, 42),
                verify_url="https://canbot.example/v/Xk3p9QaZ_2",
                signer_name="Nama Penandatangan, S.Si., M.M.",
                signer_title="Kepala BPS Provinsi Bengkulu",
            ),
            tmp,
        )
        written.append(out_dir / "certificate.png")
        _shrink(cert.png_path, written[-1], 1000)
        rows = [
            RosterRow(1, "6 – 10 Jan 2025", ("Ahmad Fauzi", "Siti Rahmawati"), "BPS Provinsi"),
            RosterRow(2, "13 – 17 Jan 2025", ("Dewi Lestari Ningsih",), "BPS Kota Bengkulu"),
            RosterRow(3, "20 – 24 Jan 2025",
                      ("Muhammad Rizky Pratama Putra Simanjuntak", "Yuliana"),
                      "BPS Kab. Rejang Lebong"),
            RosterRow(4, "27 – 31 Jan 2025", ("Rudi Hartono",), "BPS Kab. Bengkulu Utara"),
            RosterRow(5, "3 – 7 Feb 2025", ("Ayu Kartika Sari", "Agus Setiawan", "Indah"),
                      "BPS Kab. Kepahiang"),
            RosterRow(6, "10 – 14 Feb 2025", ("Bambang Wahyudi",), "BPS Kab. Mukomuko"),
        ]  # fmt: skip
        roster = render_roster("Jadwal Piket Sharing Session", "Januari – Februari 2025", rows,
                               tmp, highlight_week=3)  # fmt: skip
        written.append(out_dir / "roster.png")
        _shrink(roster.pages[0], written[-1], 720)
        chart = render_vote_chart(
            "Tema sharing session bulan depan",
            [
                ("Pengolahan data dengan Python", 18),
                ("Visualisasi data untuk publikasi statistik daerah", 11),
                ("Teknik wawancara survei rumah tangga", 7),
                ("Manajemen waktu dan produktivitas kerja", 4),
            ],
            tmp / "chart.png",
        )
        written.append(out_dir / "vote-chart.png")
        _shrink(chart, written[-1], 720)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DOCS_IMG
    for path in render_examples(target):
        print(path, f"{path.stat().st_size // 1024} KB")
