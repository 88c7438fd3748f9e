"""The fake Bot API and fake Twilio in a process of their own, so they load no bench process.

    python -m bench.fakes INFO_FILE [--twilio-rate PER_SECOND --record FILE]

writes {"bot_api": {...}, "twilio": {...}} to INFO_FILE once both serve, then runs until
SIGTERM. With `--twilio-rate`, Twilio answers 429 above that many messages a second; with
`--record`, what Twilio accepted (when, to whom, what) and how many it refused is written to
FILE at SIGTERM, with this process's CPU seconds, so the platform's own count decides rates.
"""

from __future__ import annotations

import argparse
import json
import resource
import signal
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.twilio_api import FakeTwilioAPI


def describe(bot_api: FakeBotAPI, twilio: FakeTwilioAPI) -> dict[str, Any]:
    """What a bot needs to be pointed at both fakes."""
    return {
        "bot_api": {
            "token": bot_api.token,
            "base_url": bot_api.base_url,
            "base_file_url": bot_api.base_file_url,
        },
        "twilio": {
            "account_sid": twilio.account_sid,
            "auth_token": twilio.auth_token,
            "url": twilio.url,
        },
    }


WHATSAPP_FROM = "whatsapp:+14155238886"


def whatsapp_env(
    account_sid: str, auth_token: str, url: str, *, templates: str = "", per_second: float = 80.0
) -> dict[str, str]:
    """Settings pointing WhatsApp of `python -m bot run` at a fake Twilio.

    The pace defaults to Twilio's default throughput for one WhatsApp sender, 80 a second.
    """
    return {
        "TWILIO_ACCOUNT_SID": account_sid,
        "TWILIO_AUTH_TOKEN": auth_token,
        "TWILIO_WHATSAPP_FROM": WHATSAPP_FROM,
        "TWILIO_API_BASE_URL": url,
        "TWILIO_TEMPLATES": templates,
        "TWILIO_MESSAGES_PER_SECOND": f"{per_second:g}",
    }


def webhook_form(
    account_sid: str, phone: str, body: str = "", payload: str | None = None, **extra: str
) -> dict[str, str]:
    """The form of Twilio's incoming-message webhook: a text, or a quick-reply press."""
    form = {
        "MessageSid": "SM" + uuid.uuid4().hex,
        "AccountSid": account_sid,
        "From": f"whatsapp:{phone}",
        "To": WHATSAPP_FROM,
        "Body": body,
        "NumMedia": "0",
        **extra,
    }
    if payload is not None:
        form["ButtonPayload"] = payload
    return form


def channel_env(info: dict[str, Any], templates: str = "") -> dict[str, str]:
    """Settings pointing both channels of `python -m bot run` at the fakes `info` describes."""
    twilio = info["twilio"]
    return {
        "TELEGRAM_BOT_TOKEN": info["bot_api"]["token"],
        "TELEGRAM_API_BASE_URL": info["bot_api"]["base_url"],
        "TELEGRAM_FILE_BASE_URL": info["bot_api"]["base_file_url"],
        **whatsapp_env(
            twilio["account_sid"], twilio["auth_token"], twilio["url"], templates=templates
        ),
    }


RECORDED_FIELDS = ("To", "Body", "ContentSid")


def record(twilio: FakeTwilioAPI) -> dict[str, Any]:
    """What the fake Twilio accepted and refused, and this process's CPU seconds."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "messages": [
            {"created": m["created"], **{k: m.get(k) for k in RECORDED_FIELDS}}
            for m in twilio.messages
        ],
        "rate_limited": twilio.rate_limited,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
    }


def main(argv: list[str] | None = None) -> int:
    """Serve both fakes until SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m bench.fakes")
    parser.add_argument("info", type=Path)
    parser.add_argument("--twilio-rate", type=float)
    parser.add_argument("--record", type=Path)
    args = parser.parse_args(argv)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with FakeBotAPI() as bot_api, FakeTwilioAPI() as twilio:
        if args.twilio_rate:
            twilio.enforce_rate_limit(args.twilio_rate)
        partial = args.info.with_suffix(".part")
        partial.write_text(json.dumps(describe(bot_api, twilio)))
        partial.replace(args.info)
        stop.wait()
        if args.record is not None:
            partial = args.record.with_suffix(".part")
            partial.write_text(json.dumps(record(twilio)))
            partial.replace(args.record)
    return 0


if __name__ == "__main__":
    sys.exit(main())
