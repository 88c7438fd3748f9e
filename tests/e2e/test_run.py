"""`python -m bot run` as operators run it: both channels on, answering, stopping on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.twilio_api import FakeTwilioAPI

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(predicate: object, seconds: float = 90.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def run_env(
    tmp_path: Path, port: int, bot_api: FakeBotAPI, twilio: FakeTwilioAPI
) -> dict[str, str]:
    """The environment of `python -m bot run` on SQLite with both channels on the fakes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TWILIO_"))}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'run.sqlite3'}",
        DATA_DIR=str(tmp_path / "data"),
        PORT=str(port),
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        TELEGRAM_BOT_TOKEN=bot_api.token,
        TELEGRAM_API_BASE_URL=bot_api.base_url,
        TELEGRAM_FILE_BASE_URL=bot_api.base_file_url,
        TWILIO_ACCOUNT_SID=twilio.account_sid,
        TWILIO_AUTH_TOKEN=twilio.auth_token,
        TWILIO_WHATSAPP_FROM="whatsapp:+14155238886",
        TWILIO_API_BASE_URL=twilio.url,
    )
    return env


def seed_demo(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`python -m bot seed-demo` in `env`."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "seed-demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def start_run(env: dict[str, str]) -> subprocess.Popen[str]:
    """`python -m bot run` in `env`, its output piped."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_run_serves_both_channels_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    with FakeBotAPI() as bot_api, FakeTwilioAPI() as twilio:
        env = run_env(tmp_path, port, bot_api, twilio)
        seed = seed_demo(env)
        assert seed.returncode == 0, seed.stderr
        process = start_run(env)
        try:

            def healthy() -> bool:
                try:
                    return httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200
                except httpx.HTTPError:
                    return False

            assert _wait(healthy), "the server never answered /healthz"
            assert _wait(lambda: bot_api.calls_to("setMyCommands")), "no command menu was set"
            commands = bot_api.calls_to("setMyCommands")[0].params["commands"]
            assert {"command": "bantuan", "description": "❓ Bantuan"} in commands

            # A Telegram user who is not linked yet is asked for their contact.
            bot_api.user_text(4242, "/start")
            assert _wait(lambda: bot_api.sent()), "no answer on Telegram"
            assert "bagikan nomor telepon" in bot_api.sent()[0].params["text"]

            process.send_signal(signal.SIGTERM)
            _out, err = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
        assert process.returncode == 0, err
        assert "Traceback" not in err
