"""The command line as a new user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], tmp_path: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "TWILIO_", "DATABASE_URL"))
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'canbot.sqlite3'}"
    env["DATA_DIR"] = str(tmp_path / "data")
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def test_piped_menu_prints_the_indonesian_main_menu(tmp_path: Path) -> None:
    result = _run(["chat"], tmp_path, "menu\n")
    assert result.returncode == 0, result.stderr
    assert "Halo, Andi! Apa yang bisa saya bantu? Pilih salah satu:" in result.stdout
    assert "  1. " in result.stdout


def test_chat_answers_choices_by_number(tmp_path: Path) -> None:
    result = _run(["chat"], tmp_path, "/bahasa\n2\nmenu\n")
    assert "Language changed to English." in result.stdout
    assert "Hello, Andi!" in result.stdout


def test_import_with_a_bad_row_says_which_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("nip,nama,kantor\n199901012023011001,Budi,1771\n123,Salah,1771\n")
    result = _run(["import-employees", str(path)], tmp_path)
    assert result.returncode == 1
    assert "baris 3: NIP '123' harus 18 angka" in result.stderr
    good = tmp_path / "ok.csv"
    good.write_text("nip,nama,kantor\n199901012023011001,Budi,1771\n")
    result = _run(["import-employees", str(good)], tmp_path)
    assert result.returncode == 0
    assert "1 pegawai baru" in result.stdout


def test_a_wrong_setting_stops_with_one_sentence(tmp_path: Path) -> None:
    env_over = {"TWILIO_ACCOUNT_SID": "AC" + "0" * 32}
    env = {**os.environ, **env_over, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "WhatsApp is half configured: TWILIO_AUTH_TOKEN is missing."


def test_scheduler_once_does_the_due_work_and_exits(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "scheduler.py", "--once"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "sent 0" in result.stdout
