"""Importing the directory: all rows or none, with the bad row named."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from bot.app import App
from bot.importer import ImportRejected, import_employees
from storage.db import transaction
from storage.models import Employee, RoleGrant

HEADER = "nip,nama,kantor,telepon,jabatan,komunitas,peran\n"
GOOD = [
    "199901012023011001,Budi Santoso,1771,0812-3456-7001,Statistisi,profstat,et_member\n",
    "199902022023012002,Citra Kirana,1702,+6281234567002,Pranata Komputer,profstat,ca\n",
]


def _count(app: App) -> int:
    with app.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Employee)) or 0)


def test_csv_import_creates_employees_with_roles(app: App, tmp_path: Path) -> None:
    path = tmp_path / "pegawai.csv"
    path.write_text(HEADER + "".join(GOOD), encoding="utf-8")
    before = _count(app)
    with transaction(app.sessions) as session:
        assert import_employees(session, path, app.clock()) == (2, 0)
    assert _count(app) == before + 2
    with app.sessions() as session:
        citra = session.scalar(select(Employee).where(Employee.nip == "199902022023012002"))
        assert citra is not None
        assert citra.phone == "+6281234567002"
        grant = session.scalar(select(RoleGrant).where(RoleGrant.employee_id == citra.id))
        assert grant is not None
        assert (grant.role, grant.office_id) == ("ca", citra.office_id)


def test_xlsx_import_reads_numbers_excel_made(app: App, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["NIP", "Nama", "Kantor", "Telepon"])
    sheet.append(["199901012023011001", "Budi Santoso", 1771, "081234567001"])
    path = tmp_path / "pegawai.xlsx"
    book.save(path)
    with transaction(app.sessions) as session:
        assert import_employees(session, path, app.clock()) == (1, 0)


def test_xlsx_nip_stored_as_a_number_is_refused_with_the_fix(app: App, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["NIP", "Nama", "Kantor"])
    sheet.append([199901012023011001, "Budi Santoso", 1771])
    path = tmp_path / "pegawai.xlsx"
    book.save(path)
    with (
        pytest.raises(ImportRejected, match="format kolom NIP sebagai Teks"),
        transaction(app.sessions) as session,
    ):
        import_employees(session, path, app.clock())


@pytest.mark.parametrize(
    ("bad_row", "reason"),
    [
        ("12345,Salah NIP,1771,,,,\n", "NIP '12345' harus 18 angka"),
        ("199903032023011003,Kantor Salah,9999,,,,\n", "kode kantor '9999' tidak dikenal"),
        ("199903032023011003,Telepon Salah,1771,abc,,,\n", "nomor telepon 'abc' tidak valid"),
        ("199903032023011003,Peran Salah,1771,,,,raja\n", "peran 'raja' tidak dikenal"),
        ("199901012023011001,Dobel,1771,,,,\n", "sudah ada di baris 2"),
    ],
)
def test_one_bad_row_rejects_the_file_and_writes_nothing(
    app: App, tmp_path: Path, bad_row: str, reason: str
) -> None:
    path = tmp_path / "pegawai.csv"
    path.write_text(HEADER + "".join(GOOD) + bad_row, encoding="utf-8")
    before = _count(app)
    with pytest.raises(ImportRejected) as caught, transaction(app.sessions) as session:
        import_employees(session, path, app.clock())
    assert caught.value.row == 4
    assert reason in caught.value.reason
    assert _count(app) == before


def test_a_file_without_the_required_columns_is_refused(app: App, tmp_path: Path) -> None:
    path = tmp_path / "pegawai.csv"
    path.write_text("nama,kantor\nBudi,1771\n", encoding="utf-8")
    with pytest.raises(ImportRejected, match="kolom 'nip'"), transaction(app.sessions) as s:
        import_employees(s, path, app.clock())
