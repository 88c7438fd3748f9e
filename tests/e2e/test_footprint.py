"""What a started bot keeps in memory: the heavy document and imaging libraries wait for use.

An operator sees this as the resident size of `python -m bot run`; the test checks the cause
(which libraries a fresh process has imported once the app and both channels are built), not
a size or a time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Reports (Word, Excel, charts), certificates, posters and calendar files: each tens of MB.
HEAVY: tuple[str, ...] = (
    "matplotlib",
    "numpy",
    "docx",
    "openpyxl",
    "lxml",
    "PIL",
    "fontTools",
    "qrcode",
)
HEAVY += ("icalendar",)

STARTED_BOT = """
import json, sys
from bot.app import build_app
from bot.server import Runtime

app = build_app()
Runtime(app).build()
loaded = sorted({name.split(".")[0] for name in sys.modules} & set(sys.argv[1:]))
print(json.dumps({"channels": sorted(app.channels), "loaded": loaded}))
"""

FIRST_USE = """
import json, sys
from pathlib import Path
from bot.app import build_app
from bot.reports.choice import PeriodRef, ReportProgram
from bot.services import reports
from bot.services.pegasus import roster as pegasus_roster
from storage.db import transaction

app = build_app()
with transaction(app.sessions) as session:
    reports.make_report_files(
        session, app.calendar, app.catalog, ReportProgram.SERAWAI,
        PeriodRef.from_code("2025Q1"), Path(sys.argv[1]), today=app.clock().date(),
    )
pegasus_roster.roster_row(1, app.clock().date(), ["Andi"], ["BPS Provinsi Bengkulu"], "id")
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules} & set(sys.argv[2:]))))
"""


def _python(code: str, tmp_path: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TWILIO_"))}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'footprint.sqlite3'}",
        DATA_DIR=str(tmp_path / "data"),
        PUBLIC_BASE_URL="http://127.0.0.1:8000",
        # Both channels configured; nothing is contacted while the app is only built.
        TELEGRAM_BOT_TOKEN="123456:footprint",
        TELEGRAM_API_BASE_URL="http://127.0.0.1:9/bot",
        TELEGRAM_FILE_BASE_URL="http://127.0.0.1:9/file/bot",
        TWILIO_ACCOUNT_SID="AC" + "0" * 32,
        TWILIO_AUTH_TOKEN="footprint",
        TWILIO_WHATSAPP_FROM="whatsapp:+14155238886",
        TWILIO_API_BASE_URL="http://127.0.0.1:9",
    )
    found = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert found.returncode == 0, found.stderr
    return found.stdout.strip().splitlines()[-1]


def test_a_started_bot_has_not_loaded_the_document_and_imaging_libraries(
    tmp_path: Path,
) -> None:
    found = json.loads(_python(STARTED_BOT, tmp_path, *HEAVY))
    assert found["channels"] == ["telegram", "whatsapp"]
    assert found["loaded"] == []


def test_the_libraries_load_when_a_report_or_a_roster_is_made(tmp_path: Path) -> None:
    loaded = json.loads(_python(FIRST_USE, tmp_path, str(tmp_path / "out"), *HEAVY))
    assert {"docx", "openpyxl", "matplotlib", "PIL"} <= set(loaded)
