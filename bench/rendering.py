"""Posters against their floor, and 500 certificates: time and peak memory.

A poster's floor is what no poster can skip: open the template's background, draw the quote
once (the lines already fitted, one `multiline_text` call) and encode the PNG the same way.
The posters are rendered with every template; the row shows the template furthest from its
floor. Certificates (PNG and PDF each) are rendered in a fresh process, whose peak resident
size is the memory figure.

    python -m bench.rendering posters|certificates OUT_DIR   (prints JSON)
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from bench.common import ROOT, Row, median, ratio
from bot.rendering import certificate, poster
from bot.rendering.fonts import get_font

POSTER_RUNS = 5
CERTIFICATES = 500
TARGET_RATIO, TARGET_SECONDS = 2.0, 60.0
QUOTE = (
    "Perubahan besar selalu dimulai dari langkah kecil yang dilakukan bersama-sama setiap "
    "hari: datang tepat waktu, melayani dengan senyum, dan bekerja dengan data yang jujur."
)
AUTHOR = "Dr. Andi Pratama, S.Si., M.Si."
OFFICE = "BPS Provinsi Bengkulu"


def _poster_floor(tpl: poster.PosterTemplate, out: Path) -> float:
    """Seconds to open the background, draw the fitted quote once and encode the PNG."""
    layout = poster.layout_poster(tpl, QUOTE, AUTHOR, OFFICE).quote
    text = "\n".join(line.text for line in layout.lines)
    font = get_font(layout.font, layout.size)
    started = time.perf_counter()
    with Image.open(tpl.background) as bg:
        canvas = bg.convert("RGBA")
    ImageDraw.Draw(canvas).multiline_text(
        layout.lines[0].origin, text, font=font, fill=tpl.quote.color
    )
    canvas.convert("RGB").save(out, "PNG", compress_level=poster.PNG_COMPRESS_LEVEL)
    return time.perf_counter() - started


def posters(out: Path) -> dict[str, Any]:
    """Median render and floor times per template, in seconds."""
    results: dict[str, Any] = {}
    for name in poster.list_templates():
        tpl = poster.load_template(name)
        renders, floors = [], []
        for i in range(POSTER_RUNS + 1):
            started = time.perf_counter()
            poster.render_poster(tpl, QUOTE, AUTHOR, OFFICE, out / f"{name}-{i}.png")
            renders.append(time.perf_counter() - started)
            floors.append(_poster_floor(tpl, out / f"{name}-floor-{i}.png"))
        results[name] = {"render": median(renders[1:]), "floor": median(floors[1:])}
    return results


def certificates(out: Path) -> dict[str, Any]:
    """500 certificates with different names: seconds, the process's CPU seconds and peak RSS,
    and the last certificate's file sizes."""
    tpl = certificate.load_template("standar")
    started, cpu = time.perf_counter(), time.process_time()
    for i in range(1, CERTIFICATES + 1):
        data = certificate.CertificateData(
            holder_name=f"Peserta Serawai Nomor {i}, S.Tr.Stat.",
            role="Peserta",
            session_title="Serawai: Memahami Data Kemiskinan Daerah",
            date_text="Senin, 7 April 2025",
            number=certificate.format_certificate_number(2025, 7, i),
            verify_url=f"https://canbot.bps-bengkulu.example/sertifikat/{i:06d}",
            signer_name="Dr. Andi Pratama, S.Si., M.Si.",
            signer_title="Kepala BPS Provinsi Bengkulu",
        )
        made = certificate.render_certificate(tpl, data, out)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    sizes = {"png_kb": made.png_path.stat().st_size / 1024}
    sizes["pdf_kb"] = made.pdf_path.stat().st_size / 1024
    return {"seconds": seconds, "peak_mb": peak_rss_mb(), "cpu_s": cpu, **sizes}


def peak_rss_mb() -> float:
    """This process's peak resident size (VmHWM: unlike ru_maxrss, not inherited at exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / 1_000_000
    return float("nan")


def _child(what: str, out: Path) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    found = subprocess.run(
        [sys.executable, "-m", "bench.rendering", what, str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(found.stdout.strip().splitlines()[-1]))


def run(folder: Path) -> list[Row]:
    """Posters, then certificates, each in a fresh process."""
    found = _child("posters", folder / "posters")
    worst = max(found, key=lambda name: found[name]["render"] / found[name]["floor"])
    render, floor = found[worst]["render"], found[worst]["floor"]
    others = ", ".join(
        f"{name} {v['render'] * 1000:.0f}/{v['floor'] * 1000:.0f} ms"
        for name, v in sorted(found.items())
        if name != worst
    )
    certs = _child("certificates", folder / "certificates")
    return [
        Row(
            f"Poster render, median (template {worst})",
            "-",
            f"{render * 1000:.0f} ms",
            f"{floor * 1000:.0f} ms",
            ratio(render, floor),
            f"≤ {TARGET_RATIO:g}×",
            render <= TARGET_RATIO * floor,
            f"the template furthest from its floor, median of {POSTER_RUNS}; "
            f"the others (render/floor): {others}",
        ),
        Row(
            "500 certificates (PNG + PDF each)",
            "-",
            f"{certs['seconds']:.1f} s, peak {certs['peak_mb']:.0f} MB",
            target=f"< {TARGET_SECONDS:g} s",
            ok=certs["seconds"] < TARGET_SECONDS,
            note="peak memory: the rendering process's peak resident size (VmHWM), Python "
            f"and Pillow included; {certs['cpu_s']:.1f} s of CPU for the 500; one "
            f"certificate's PNG {certs['png_kb']:.0f} KB, PDF {certs['pdf_kb']:.0f} KB",
        ),
    ]


def main() -> int:
    """Run one part and print its figures as JSON."""
    what, out = sys.argv[1], Path(sys.argv[2])
    result = posters(out) if what == "posters" else certificates(out)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
