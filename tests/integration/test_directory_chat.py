"""The directory from chat: /impor previews a file and imports it on confirmation; /ekspor
sends workbooks (directory, daftar hadir, turnout per office, evaluations) back."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.app import App
from bot.messages import Document, Media
from bot.services import directory
from bot.services.exports import ExportButton
from storage.db import transaction
from storage.models import AuditEntry, Employee
from storage.serawai import SerawaiRound, SerawaiSession
from tests.reports_db.story import half_year, serawai_quarter
from tests.support import Clock, Delivered, Harness, texts

ADMIN = "Andi Pratama"
HEADER = "nip,nama,kantor,telepon,jabatan,komunitas,peran\n"
NEW = [
    "199901012023011001,Budi Santoso,1771,0812-3456-7001,Statistisi,profstat,et_member\n",
    "199902022023012002,Citra Kirana,1702,+6281234567002,Pranata Komputer,profstat,ca\n",
]


def received(app: App, name: str, content: str) -> Media:
    """A file as a channel handler saves it: in media storage."""
    path = app.settings.media_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return Media(str(path), "text/csv", "document", name)


def directory_rows(app: App, changed_name: str = "Irfan Maulana") -> str:
    """Two new people, one existing person changed, one existing person as they are."""
    with app.sessions() as session:
        existing = {
            e.name: e for e in session.scalars(select(Employee).order_by(Employee.nip)).unique()
        }
    irfan, andi = existing[changed_name], existing[ADMIN]
    same = f"{andi.nip},{andi.name},{andi.office.code},{andi.phone},{andi.position},"
    same += f"{andi.community},admin;can\n"
    moved = f"{irfan.nip},{irfan.name},1771,{irfan.phone},Kepala Seksi,{irfan.community},\n"
    return HEADER + "".join(NEW) + moved + same


def _count(app: App) -> int:
    with app.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Employee)) or 0)


def test_an_admin_imports_a_file_after_seeing_what_it_adds_changes_and_leaves(
    bot: Harness,
) -> None:
    before = _count(bot.app)
    assert "Kirim berkas direktori" in texts(bot.say(ADMIN, "/impor"))
    preview = bot.say(ADMIN, media=(received(bot.app, "pegawai.csv", directory_rows(bot.app)),))
    assert preview[-1].text == (
        "Pratinjau impor (4 baris):\n"
        "➕ Ditambah: 2 (Budi Santoso, Citra Kirana)\n"
        "✏️ Diubah: 1 (Irfan Maulana)\n"
        "▫️ Tetap: 1 (Andi Pratama)\n\n"
        "Impor sekarang?"
    )
    assert preview[-1].labels == ["📥 Impor", "❌ Batal"]
    assert _count(bot.app) == before  # nothing written before the confirmation
    done = bot.press(ADMIN, "Impor")
    assert texts(done) == "Impor selesai: 2 ditambah, 1 diubah, 1 tetap."
    assert _count(bot.app) == before + 2
    with bot.app.sessions() as session:
        irfan = session.scalars(select(Employee).where(Employee.name == "Irfan Maulana")).one()
        assert (irfan.office.code, irfan.position) == ("1771", "Kepala Seksi")
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "import_employees"))
        assert [a.detail for a in audit] == [{"added": 2, "changed": 1, "unchanged": 1}]


def test_one_bad_row_refuses_the_file_as_the_command_does_and_the_admin_may_resend(
    bot: Harness,
) -> None:
    before = _count(bot.app)
    bot.say(ADMIN, "/impor")
    bad = HEADER + "".join(NEW) + "12345,Salah NIP,1771,,,,\n"
    refused = bot.say(ADMIN, media=(received(bot.app, "salah.csv", bad),))
    assert texts(refused) == (
        "Berkas ditolak, tidak ada yang disimpan: baris 4: NIP '12345' harus 18 angka. "
        "Perbaiki berkasnya lalu kirim lagi, atau ketik batal."
    )
    assert _count(bot.app) == before
    fixed = bot.say(ADMIN, media=(received(bot.app, "benar.csv", HEADER + "".join(NEW)),))
    assert fixed[-1].text.startswith("Pratinjau impor (2 baris):\n➕ Ditambah: 2")
    assert texts(bot.press(ADMIN, "Batal")) == "Baik, dibatalkan. Tidak ada yang disimpan."
    assert _count(bot.app) == before


def test_a_photo_or_a_pdf_is_not_a_directory_file(bot: Harness) -> None:
    bot.say(ADMIN, "/impor")
    pdf = Media(str(bot.app.settings.media_dir / "x.pdf"), "application/pdf", "document", "x.pdf")
    assert "harus .xlsx atau .csv" in texts(bot.say(ADMIN, media=(pdf,)))
    assert "Kirim berkas direktori" in texts(bot.say(ADMIN, "ini teks"))


def test_only_admins_import_or_export_even_with_a_forged_button(bot: Harness) -> None:
    not_allowed = bot.app.catalog.t("core.not_allowed")
    assert texts(bot.say("Irfan Maulana", "/impor")) == not_allowed
    assert texts(bot.say("Irfan Maulana", "/ekspor")) == not_allowed
    forged = bot.say("Irfan Maulana", payload=ExportButton("dir", 0).pack())
    assert [m.text for m in forged] == [not_allowed]


def test_an_admin_whose_role_ends_before_confirming_imports_nothing(bot: Harness) -> None:
    before = _count(bot.app)
    bot.say(ADMIN, "/impor")
    bot.say(ADMIN, media=(received(bot.app, "pegawai.csv", HEADER + "".join(NEW)),))
    with transaction(bot.app.sessions) as session:
        andi = session.scalars(select(Employee).where(Employee.name == ADMIN)).one()
        directory.revoke(session, andi.id, "admin", bot.clock())
    assert texts(bot.press(ADMIN, "Impor")) == bot.app.catalog.t("core.not_allowed")
    assert _count(bot.app) == before


def _workbook(message: Delivered) -> tuple[Any, list[tuple[Any, ...]]]:
    assert isinstance(message.reply, Document)
    sheet = load_workbook(message.reply.path).active
    assert sheet is not None
    return sheet, [tuple(row) for row in sheet.iter_rows(values_only=True)]


def _export(bot: Harness, label: str, then: str | None = None) -> Delivered:
    bot.say(ADMIN, "/ekspor")
    got = bot.press(ADMIN, label)
    if then is not None:
        got = bot.press(ADMIN, then)
    (document,) = got
    return document


def test_the_directory_export_is_a_workbook_that_imports_back_unchanged(bot: Harness) -> None:
    document = _export(bot, "Direktori")
    sheet, rows = _workbook(document)
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A2", sheet.dimensions)
    assert rows[0][:3] == ("nip", "nama", "kantor")
    assert len(rows) - 1 == _count(bot.app)
    andi = next(row for row in rows if row[1] == ADMIN)
    assert (andi[2], andi[8], andi[10]) == ("1700", "admin;can", "ya")
    assert document.text == f"👥 Direktori pegawai: {_count(bot.app)} baris."
    # Sent straight back, it changes nothing: the export speaks the importer's columns.
    bot.say(ADMIN, "/impor")
    assert isinstance(document.reply, Document)
    media = Media(document.reply.path, "application/vnd.ms-excel", "document", "d.xlsx")
    back = bot.app.settings.media_dir / "kembali.xlsx"
    back.parent.mkdir(parents=True, exist_ok=True)
    back.write_bytes(Path(media.path).read_bytes())
    preview = bot.say(ADMIN, media=(Media(str(back), media.content_type, "document", "k.xlsx"),))
    assert f"▫️ Tetap: {_count(bot.app)}" in preview[-1].text
    assert "➕ Ditambah: 0\n✏️ Diubah: 0\n" in preview[-1].text


def test_the_attendance_list_and_the_turnout_per_office_of_serawai(
    bot: Harness, clock: Clock
) -> None:
    serawai_quarter(bot.app, clock)
    with bot.app.sessions() as session:
        first = session.scalars(select(SerawaiSession).order_by(SerawaiSession.rank)).first()
        assert first is not None
        title = first.title
        round_name = session.scalars(select(SerawaiRound)).one().name
    _sheet, hadir = _workbook(_export(bot, "Daftar hadir", then=title))
    assert hadir[0] == ("No", "NIP", "Nama", "Kode kantor", "Kantor", "Waktu hadir (WIB)")
    assert [row[0] for row in hadir[1:]] == [1, 2, 3, 4, 5, 6]  # 6 present, numbered
    assert all(isinstance(row[5], datetime) for row in hadir[1:])
    sheet, turnout = _workbook(_export(bot, "Partisipasi", then=round_name))
    by_office = {row[0]: row[2:] for row in turnout[1:]}
    assert by_office["1700"] == (12, 8, 8 / 12)
    assert by_office["1701"][1] == 1
    assert sum(row[3] for row in turnout[1:]) == 11
    assert sheet["E2"].number_format == "0.0%"


def test_the_event_team_evaluations_export_keeps_ratings_as_numbers(
    bot: Harness, clock: Clock
) -> None:
    half_year(bot.app, clock)
    _sheet, rows = _workbook(_export(bot, "Evaluasi"))
    assert rows[0][:3] == ("No. permintaan", "Acara", "Mulai (WIB)")
    overall = sorted((row[1], row[8]) for row in rows[1:])
    assert overall == [
        ("Apel Pagi Bersama", 5),
        ("Rapat Koordinasi Triwulan II", 5),
        ("Sosialisasi SAKIP", 3),
    ]
