"""Certificate verification: in chat, on the public page, and in a real headless browser."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import select

import bot.services.serawai.certificates as certificates
from bot.app import App
from bot.rendering.certificate import (
    CertificateData,
    layout_certificate,
    parse_certificate_number,
)
from bot.server import Runtime
from bot.services.context import ServiceCtx
from storage.db import transaction
from storage.models import Employee
from storage.serawai import SerawaiCertificate, SerawaiSession
from tests.serawai.support import CAN, LONG_NAME, held_session
from tests.support import Harness, texts


def _issue(app: App, session_id: int, name: str) -> SerawaiCertificate:
    with transaction(app.sessions) as session:
        employee = session.scalar(select(Employee).where(Employee.name == "Irfan Maulana"))
        assert employee is not None
        employee.name = name
        sesi = session.get(SerawaiSession, session_id)
        assert sesi is not None
        ctx = ServiceCtx(env=app.env, session=session, now=app.clock())
        return certificates.issue(ctx, sesi, employee, "participant")


@pytest.fixture
def issued(bot: Harness) -> tuple[SerawaiCertificate, SerawaiCertificate]:
    """Two certificates of one session: the second is revoked by CAN in chat."""
    session_id = held_session(bot.app, bot.clock())
    kept = _issue(bot.app, session_id, LONG_NAME)
    with transaction(bot.app.sessions) as session:
        ratna = session.scalar(select(Employee).where(Employee.name == "Ratna Dewi"))
        sesi = session.get(SerawaiSession, session_id)
        assert ratna is not None
        assert sesi is not None
        ctx = ServiceCtx(env=bot.app.env, session=session, now=bot.clock())
        revoked = certificates.issue(ctx, sesi, ratna, "speaker")
    answer = texts(bot.say(CAN, f"/cabutsertifikat {revoked.number} nama narasumber keliru"))
    assert f"Sertifikat {revoked.number} dicabut" in answer
    return kept, revoked


def test_certificate_numbers_codes_and_long_names(
    bot: Harness, issued: tuple[SerawaiCertificate, SerawaiCertificate]
) -> None:
    kept, revoked = issued
    assert [kept.number, revoked.number] == ["SRW/2025/001/0001", "SRW/2025/001/0002"]
    assert parse_certificate_number(kept.number).serial == 1
    assert len(kept.code) == 22  # secrets.token_urlsafe(16): 128 random bits
    assert Path(kept.png_path).read_bytes().startswith(b"\x89PNG")
    assert Path(kept.pdf_path).read_bytes().startswith(b"%PDF")
    # "Dr. Ir. <a 40-character name>, S.Si., M.Stat." fits its box, untruncated; the rendering
    # layer checks 1,000 generated names (tests/rendering/test_render_certificate.py).
    data = CertificateData(
        holder_name=LONG_NAME,
        role="Peserta",
        session_title="Serawai: Literasi Data untuk Semua",
        date_text="15 September 2025",
        number=kept.number,
        verify_url=f"https://canbot.example.test/verifikasi/{kept.code}",
    )
    name = layout_certificate("standar", data)["name"]
    assert not name.truncated
    ink = name.ink_bbox()
    assert ink is not None
    assert name.box.contains(ink)
    assert " ".join(line.text for line in name.lines) == LONG_NAME


def test_chat_says_valid_revoked_or_unknown_and_only_can_revokes(
    bot: Harness, issued: tuple[SerawaiCertificate, SerawaiCertificate]
) -> None:
    kept, revoked = issued
    who = "Nur Aini"
    assert texts(bot.say(who, f"/verifikasi {kept.code}")) == (
        f"✅ Sertifikat SAH: {kept.number}, atas nama {LONG_NAME} sebagai Peserta pada "
        "Literasi Data untuk Semua, 15 September 2025."
    )
    link = f"https://canbot.example.test/verifikasi/{kept.code}"
    bot.say(who, "/verifikasi")  # without a code: the bot asks for it
    assert "SAH" in texts(bot.say(who, link))
    assert "DICABUT. Alasan: nama narasumber keliru" in texts(
        bot.say(who, f"/verifikasi {revoked.code}")
    )
    forged = [
        secrets.token_urlsafe(16),  # well-formed, never issued
        kept.code[:-1] + ("A" if kept.code[-1] != "A" else "B"),  # one character changed
        kept.number,
        "' OR 1=1 --",
    ]
    for code in forged:
        assert "tidak dikenal" in texts(bot.say(who, f"/verifikasi {code}")), code
    assert "hanya untuk" in texts(bot.say(who, f"/cabutsertifikat {kept.number} x"))
    assert "SAH" in texts(bot.say(who, f"/verifikasi {kept.code}"))


@pytest.fixture
def served(app: App) -> Iterator[str]:
    """The bot's own Starlette application, served by uvicorn on 127.0.0.1."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(
        uvicorn.Config(Runtime(app).build(), log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            threading.Event().wait(0.02)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def test_the_page_answers_with_the_right_status(
    served: str, issued: tuple[SerawaiCertificate, SerawaiCertificate]
) -> None:
    kept, revoked = issued
    client = httpx.Client(base_url=served)
    page = client.get(f"/verifikasi/{kept.code}")
    assert page.status_code == 200
    assert '<html lang="id">' in page.text
    assert "Sertifikat ini SAH" in page.text
    assert "Dr. Ir. Muhammad Abdurrahman Wahyudi Saputrajaya, S.Si., M.Stat." in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "DICABUT" in client.get(f"/verifikasi/{revoked.code}").text
    for forged in (secrets.token_urlsafe(16), "%3Cscript%3E", "a" * 80):
        answer = client.get(f"/verifikasi/{forged}")
        assert answer.status_code == 404
        assert "tidak dikenal" in answer.text
        assert "<script>" not in answer.text


# -- the same page in a real headless browser -------------------------------------------------


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_the_page_in_headless_chromium(
    served: str, issued: tuple[SerawaiCertificate, SerawaiCertificate], tmp_path: Path
) -> None:
    browser = _chromium()
    if browser is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required under CI (scripts/ensure-chromium.sh installs it)")
        pytest.skip("Chromium is not installed (scripts/ensure-chromium.sh installs it)")
    kept, revoked = issued
    codes = {"valid": kept.code, "revoked": revoked.code, "unknown": secrets.token_urlsafe(16)}
    runs = {
        status: subprocess.Popen(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                f"--user-data-dir={tmp_path / status}",
                "--dump-dom",
                f"{served}/verifikasi/{code}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for status, code in codes.items()
    }
    dom = {status: run.communicate(timeout=90)[0] for status, run in runs.items()}
    assert 'class="status valid"' in dom["valid"]
    assert "Sertifikat ini SAH" in dom["valid"]
    assert LONG_NAME in dom["valid"]
    assert "Literasi Data untuk Semua" in dom["valid"]
    assert "15 September 2025" in dom["valid"]
    assert 'class="status revoked"' in dom["revoked"]
    assert "nama narasumber keliru" in dom["revoked"]
    assert 'class="status unknown"' in dom["unknown"]
    assert "Kode verifikasi tidak dikenal" in dom["unknown"]
    assert LONG_NAME not in dom["unknown"]
