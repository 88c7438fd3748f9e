"""Triwulan IV 2026 and Semester II 2026, built through the chat, checked against figures
worked out by hand (see the story's docstrings in `story.quarter_iv_2026`)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bot.messages import Document
from tests.reports.reading import DocxReport, XlsxReport
from tests.reports_db.story import CAN, pegasus_half_2026, quarter_iv_2026
from tests.support import Delivered, Harness


def ask(bot: Harness, program: str, period: str) -> list[Document]:
    """/laporan, the program's button, the period typed: the files sent back."""
    bot.inbox(CAN)
    bot.say(CAN, "/laporan")
    bot.press(CAN, program)
    got: list[Delivered] = bot.say(CAN, period)
    return [m.reply for m in got if isinstance(m.reply, Document)]


def figures(docx: DocxReport) -> dict[str, str]:
    """The key-figure table as label -> shown value."""
    return {row[0]: row[1] for row in docx.table("Indikator", "Nilai")[1:]}


def kendala(docx: DocxReport) -> list[str]:
    """The bullets of the Kendala chapter."""
    out: list[str] = []
    inside = False
    for p in docx.doc.paragraphs:
        if p.style is not None and p.style.name == "Heading 1":
            inside = p.text.endswith("KENDALA")
            continue
        if inside and p.style is not None and p.style.name == "List Bullet":
            out.append(p.text)
    return out


Q4_EVENT_TEAM = {
    "Permintaan dukungan yang diterima": "5",
    "Kegiatan terlaksana": "2",
    "Permintaan dibatalkan": "1",
    "Permintaan lewat tanpa penugasan": "1",
    "Kegiatan belum dilaksanakan": "1",
    "Permintaan terlambat (kurang dari 3 hari kerja)": "1",
    "Median lead time permintaan (hari kerja)": "8",  # 8, 2, 14, 8, 9
    "Kegiatan terlaksana yang dinilai SM": "2",
    "Rata-rata nilai keseluruhan dari SM (skala 1–5)": "4,00",  # 5 and 3
    "Kegiatan terlaksana dengan foto dokumentasi": "1",
    "Anggota yang bertugas pada kegiatan terlaksana": "4",
    "Penugasan peran pada kegiatan terlaksana": "4",
    "Rata-rata nilai anggota dari Ketua (skala 1–5)": "4,50",  # Dewi 5, Bayu 4
    # step 3: A, E within, B over (C, D closed); 4: A (B closed); 6: A, B; 7: A (B open)
    "Langkah petugas sesuai mutu baku waktu": "85,7%",
}
ET_KENDALA = [
    "Sebanyak 1 permintaan lewat tanpa penugasan karena Ketua Event Team belum menetapkan petugas "
    "sampai waktu kegiatan: “Bimtek Statistik Sektoral” (3 Desember 2026).",
    "Sebanyak 1 permintaan diajukan kurang dari 3 hari kerja sebelum kegiatan: “Sosialisasi Zona "
    "Integritas” (12 November 2026).",
]
ZI_PHOTOS = (
    "Sebanyak 1 kegiatan terlaksana tanpa foto dokumentasi sampai batas pengirimannya berakhir: "
    "“Sosialisasi Zona Integritas” (12 November 2026)."
)
ET_KENDALA_TAIL = [
    "Sebanyak 1 kegiatan terlaksana belum dievaluasi secara internal oleh Ketua Event Team: "
    "“Sosialisasi Zona Integritas” (12 November 2026).",
    "“Sosialisasi Zona Integritas” (12 November 2026) mendapat nilai rendah dari SM untuk "
    "Ketepatan waktu (2) dan MC (2). Saran SM: “Petugas perlu hadir lebih awal”.",
    "Sebanyak 1 pesan Event Team gagal terkirim kepada penerimanya.",
]
Q4_PEGASUS = {
    "Giliran piket": "5",
    "Poster terbit": "3",
    "Poster tepat waktu": "2",
    "Poster terlambat": "1",
    "Piket terlewat": "1",
    "Poster disetujui, menunggu tanggal unggah": "1",
    "Ketepatan waktu poster": "50%",  # 2 of the 4 turns due
    "Tukar jadwal": "0",
    "Bukti unggah tersedia": "1",
    # step 4: Dewi, Fajar, Maya within; Agus over; Rina closed (missed)
    "Langkah petugas sesuai mutu baku waktu": "75%",
}
PG_KENDALA = [
    "Sebanyak 1 giliran piket terlewat tanpa poster: Rina Marlina (30 Oktober 2026).",
    "Sebanyak 1 poster diunggah setelah tanggal piketnya: Dewi Lestari (16 Oktober 2026).",
    "Sebanyak 2 poster terbit tanpa bukti unggah dari Humas: Dewi Lestari (16 Oktober 2026) dan "
    "Fajar Nugroho (13 November 2026).",
]


@pytest.fixture
def built(bot: Harness) -> Harness:
    """The half-year played through; the clock on Friday 18 December 2026, 10.00."""
    quarter_iv_2026(bot)
    pegasus_half_2026(bot.app)
    return bot


def test_event_team_quarter_counts_what_happened(built: Harness) -> None:
    docx_file, *rest = ask(built, "Event Team", "Triwulan IV 2026")
    docx = DocxReport(Path(docx_file.path))
    assert figures(docx) == Q4_EVENT_TEAM
    assert kendala(docx) == [
        *ET_KENDALA,
        ZI_PHOTOS,
        *ET_KENDALA_TAIL,
        "Langkah 3 (Penugasan peran oleh Ketua): hanya 2 dari 3 (66,7%) pelaksanaan memenuhi "
        "mutu baku waktu 1 hari kerja.",
    ]
    months = docx.table("Bulan", "Kegiatan terlaksana")[1:]
    assert months == [
        ["Oktober 2026", "1", "1"],
        ["November 2026", "2", "1"],
        ["Desember 2026", "2", "0"],
    ]
    text = docx.text
    assert (
        "Pada Triwulan IV 2026 Event Team mendukung 2 kegiatan yang terlaksana dari 5 "
        "permintaan dukungan yang diterima. Selain itu, 1 permintaan dibatalkan oleh "
        "pengusul, 1 permintaan lewat tanpa penugasan petugas dan 1 kegiatan belum "
        "dilaksanakan saat laporan disusun." in text
    )
    assert "Sebanyak 2 dari 2 kegiatan terlaksana telah dinilai oleh SM" in text
    steps = {row[0]: row for row in docx.table("Langkah", "Ditutup tanpa hasil")[1:]}
    # Langkah, Kegiatan, Mutu baku waktu, Dilaksanakan, Median, Sesuai, Berjalan, Ditutup
    assert [steps[n][3] for n in "3467"] == ["3", "1", "2", "1"]
    assert [steps[n][5] for n in "3467"] == [
        "2 dari 3 (66,7%)",
        "1 dari 1 (100%)",
        "2 dari 2 (100%)",
        "1 dari 1 (100%)",
    ]
    assert [steps[n][6:] for n in "3467"] == [["0", "2"], ["0", "1"], ["0", "0"], ["1", "0"]]
    bot_steps = {row[0]: row for row in docx.table("Langkah", "Dijalankan bot")[1:]}
    assert sorted(bot_steps) == ["1", "2", "5"]
    assert bot_steps["5"][3] == "2"
    events = {row[1]: row for row in docx.table("No", "Pengusul (SM)")[1:]}
    assert events["Sosialisasi Zona Integritas"][2:8] == [
        "Ratna Dewi",
        "BPS Provinsi Bengkulu",
        "12 November 2026",
        "2",
        "Ya",
        "Terlaksana, evaluasi belum lengkap",
    ]
    assert events["Rapat Evaluasi Akhir Tahun"][5] == "9"  # 24-25 December left out
    assert events["Bimtek Statistik Sektoral"][7] == "Lewat tanpa penugasan"
    xlsx = XlsxReport(Path(rest[-1].path))
    assert xlsx.key_figure("Kegiatan terlaksana") == 2
    assert xlsx.key_figure("Median lead time permintaan (hari kerja)") == 8


def test_half_year_uses_the_same_rules(built: Harness) -> None:
    docx_file, *_ = ask(built, "Event Team", "Semester II 2026")
    docx = DocxReport(Path(docx_file.path))
    assert figures(docx) == Q4_EVENT_TEAM | {
        "Permintaan dukungan yang diterima": "6",
        "Kegiatan terlaksana": "3",
        "Kegiatan terlaksana yang dinilai SM": "3",
        "Rata-rata nilai keseluruhan dari SM (skala 1–5)": "4,00",  # 4, 5, 3
        "Anggota yang bertugas pada kegiatan terlaksana": "4",
        "Penugasan peran pada kegiatan terlaksana": "5",
        "Rata-rata nilai anggota dari Ketua (skala 1–5)": "4,33",  # 4, 5, 4
        "Langkah petugas sesuai mutu baku waktu": "90%",  # 3/4, 1/1, 3/3, 2/2
    }
    both = (
        "Sebanyak 2 kegiatan terlaksana tanpa foto dokumentasi sampai batas pengirimannya berakhir: "
        "“Apel Kesiapsiagaan” (20 Agustus 2026) dan “Sosialisasi Zona Integritas” "
        "(12 November 2026)."
    )
    step3 = (
        "Langkah 3 (Penugasan peran oleh Ketua): hanya 3 dari 4 (75%) pelaksanaan memenuhi "
        "mutu baku waktu 1 hari kerja."
    )
    assert kendala(docx) == [*ET_KENDALA, both, *ET_KENDALA_TAIL, step3]

    mp_file, *_ = ask(built, "Semesteran", "Semester II 2026")
    mp = DocxReport(Path(mp_file.path))
    assert kendala(mp) == [
        *(f"Event Team: {k}" for k in [*ET_KENDALA, both, *ET_KENDALA_TAIL, step3]),
        *(f"Pegasus: {k}" for k in PG_KENDALA),  # step 4: 4 of 5 (80%), not raised
    ]
    assert mp.key_figure("Event Team: permintaan dukungan yang diterima") == "6"
    assert "Pada Semester II 2026 Event Team mendukung 3 kegiatan" in mp.text
    assert mp.key_figure("Event Team: kegiatan terlaksana") == "3"
    assert mp.key_figure("Pegasus: giliran piket") == "6"
    assert mp.key_figure("Pegasus: poster terbit") == "4"
    # 9 of 10 Event Team steps and 4 of 5 Pegasus quote steps
    assert mp.key_figure("Langkah petugas sesuai mutu baku waktu") == "86,7%"


def test_pegasus_quarter_counts_posted_waiting_and_missed_turns(built: Harness) -> None:
    docx_file, *rest = ask(built, "Pegasus", "Triwulan IV 2026")
    docx = DocxReport(Path(docx_file.path))
    assert figures(docx) == Q4_PEGASUS
    assert kendala(docx) == [
        *PG_KENDALA,
        "Langkah 4 (Penyusunan kutipan dan desain poster): hanya 3 dari 4 (75%) pelaksanaan "
        "memenuhi mutu baku waktu 3 hari kerja.",
    ]
    assert "Pada periode ini terbit 3 poster." in docx.paragraphs
    xlsx = XlsxReport(Path(rest[-1].path))
    for header in ("Berkas poster", "Berkas tangkapan layar"):
        named = [v for v in xlsx.column("Piket", header) if v]
        assert all("/" not in str(v) for v in named)
    assert xlsx.column("Piket", "Berkas poster")[0] == "poster-20261002.png"


needs_pdf = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice or poppler-utils not installed (scripts/ensure-libreoffice.sh)",
)


@needs_pdf
def test_the_pdf_has_cover_contents_narrative_photos_and_signatures(built: Harness) -> None:
    files = ask(built, "Event Team", "Triwulan IV 2026")
    assert [Path(f.path).suffix for f in files] == [".docx", ".pdf", ".xlsx"]
    pdf = Path(files[1].path)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = text.split("\f")
    cover = " ".join(pages[0].split())
    assert "LAPORAN IMPLEMENTASI EVENT TEAM" in cover
    assert "Periode Triwulan IV 2026" in cover
    assert "Badan Pusat Statistik Provinsi Bengkulu" in cover
    assert "KATA PENGANTAR" in pages[1]
    contents = " ".join(pages[2].split())
    assert "DAFTAR ISI" in contents
    assert "BAB I Pendahuluan" in contents
    assert "BAB IX Kendala" in contents
    flat = " ".join(text.split())
    assert "Pada Triwulan IV 2026 Event Team mendukung 2 kegiatan yang terlaksana" in flat
    assert "Dokumentasi “Rapat Koordinasi Triwulan IV”, 15 Oktober 2026" in flat
    assert "Mengetahui, Kepala BPS Provinsi Bengkulu" in flat
    assert "NIP." in flat
    listed = subprocess.run(
        ["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    images = [line.split() for line in listed if line.split()[2] == "image"]
    # the photo and six charts (months, lead time, criteria, roles, load, Ketua's ratings)
    assert len(images) == 7
    assert sum(row[3:5] == ["800", "600"] or row[3] == "295" for row in images) == 1


def test_without_libreoffice_the_word_document_comes_with_a_note(
    built: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    built.inbox(CAN)
    built.say(CAN, "/laporan")
    built.press(CAN, "Pegasus")
    got = built.say(CAN, "Triwulan IV 2026")
    names = [m.reply.filename for m in got if isinstance(m.reply, Document)]
    assert names == ["laporan-pegasus-2026Q4.docx", "laporan-pegasus-2026Q4.xlsx"]
    assert any("Versi PDF belum tersedia" in m.text for m in got)
