"""`python -m bot run` with LOG_FORMAT=json: every line is JSON, and none holds personal text."""

from __future__ import annotations

import json
import signal
import sqlite3
from pathlib import Path

import httpx
from twilio.request_validator import RequestValidator

from tests.e2e.test_run import _free_port, _wait, run_env, seed_demo, start_run
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.twilio_api import FakeTwilioAPI

IRFAN_PHONE = "+6281200000021"
SECRET_TEXT = "kabar rahasia Bengkulu 4821"


def test_json_logs_of_a_conversation_parse_and_hold_no_name_phone_or_message(
    tmp_path: Path,
) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    database = tmp_path / "run.sqlite3"  # where run_env puts it
    with FakeBotAPI() as bot_api, FakeTwilioAPI() as twilio:
        env = run_env(tmp_path, port, bot_api, twilio)
        env.update(LOG_FORMAT="json", LOG_LEVEL="INFO")
        seed = seed_demo(env)
        assert seed.returncode == 0, seed.stderr
        with sqlite3.connect(database) as db:
            (name,) = db.execute(
                "SELECT name FROM employees WHERE phone = ?", (IRFAN_PHONE,)
            ).fetchone()
        process = start_run(env)
        try:
            assert _wait(lambda: _ready(base)), "the server never became ready"
            validator = RequestValidator(twilio.auth_token)
            for number, text in enumerate(["menu", SECRET_TEXT, "/bahasa", "2"], start=1):
                form = twilio.incoming(IRFAN_PHONE, text, sid=f"SM{number:032x}")
                signature = validator.compute_signature(f"{base}/whatsapp/inbound", form)
                response = httpx.post(
                    f"{base}/whatsapp/inbound",
                    data=form,
                    headers={"X-Twilio-Signature": signature},
                )
                assert response.status_code == 200
                assert _wait(lambda n=number: len(twilio.messages) >= n), "no WhatsApp answer"
            # On Telegram the same person links by sharing their contact, then talks.
            bot_api.user_contact(7001, IRFAN_PHONE, 7001)
            assert _wait(lambda: bot_api.sent()), "no answer on Telegram"
            bot_api.user_text(7001, SECRET_TEXT)
            assert _wait(lambda: len(bot_api.sent()) >= 2), "no second answer on Telegram"
            bot_api.blocked_chats.add(7001)  # a failed send is logged, with its reason
            bot_api.user_text(7001, "menu")
            assert _wait(lambda: len(bot_api.calls_to("sendMessage")) >= 3)
            process.send_signal(signal.SIGTERM)
            _out, err = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert process.returncode == 0, err
    assert any(name.split()[0] in twilio.shown(m)[0] for m in twilio.messages)  # name in play
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines, "nothing was logged"
    records = [json.loads(line) for line in lines]  # each line is one JSON object
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    assert any("failed for good" in r["message"] for r in records)
    personal = [name, *name.split(), IRFAN_PHONE, IRFAN_PHONE.lstrip("+"), "81200000021"]
    personal += [SECRET_TEXT, "rahasia", "7001"]
    leaks = [(word, line) for line in lines for word in personal if word in line]
    assert leaks == []


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz").status_code == 200
    except httpx.HTTPError:
        return False
