"""500 employees voting at once, each pressing twice, while `python -m bot run` is SIGKILLed.

A Serawai round is open for voting. The real process (WhatsApp pointed at the fake Twilio)
takes signed webhooks from many HTTP clients at once: every employee presses their theme's
ballot button twice. Midway the process is killed with SIGKILL, started again, and every
press that got no HTTP 200 is delivered again with the same MessageSid, as Twilio does. Then,
against what was acknowledged: every acknowledged press is stored, none twice; every voter
has one ballot with one vote, and the second press was applied exactly once (the ballot's
change count is 1); each stored press got exactly one answer, in its own transaction.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func, select
from twilio.request_validator import RequestValidator

from bench.common import bench_phone, bot_env, free_port, seed_bench_people, voting_round
from bench.fakes import webhook_form, whatsapp_env
from bot.calendar import utcnow
from bot.payload import encode
from storage.models import Employee, InboundLedger, OutboxMessage
from storage.serawai import SerawaiBallot, SerawaiVote
from tests.fakes.twilio_api import FakeTwilioAPI

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 500
CLIENTS = 16
KILL_AFTER = 0.4  # of all messages acknowledged
PRESSES = 2  # each employee presses their theme's button twice


@dataclass
class Message:
    """One webhook: who, what, and whether the bot acknowledged it."""

    person: int
    form: dict[str, str]
    acknowledged: bool = False


@dataclass
class Load:
    """Every message to send, per employee in order."""

    people: list[list[Message]] = field(default_factory=list)

    def all(self) -> list[Message]:
        return [m for person in self.people for m in person]


def _load(account_sid: str, round_id: int, proposals: list[int]) -> Load:
    load = Load()
    for person in range(PEOPLE):
        vote = encode("srw", "v", round_id, proposals[person % len(proposals)])
        load.people.append(
            [
                Message(person, webhook_form(account_sid, bench_phone(person), "", vote))
                for _ in range(PRESSES)
            ]
        )
    return load


async def _fire(
    base: str, token: str, load: Load, kill: subprocess.Popen[bytes] | None = None
) -> None:
    """Send every unacknowledged message, each employee's in order, CLIENTS at a time.

    With `kill`, that process gets SIGKILL as soon as KILL_AFTER of the load is acknowledged,
    while the other clients' requests are in flight.
    """
    url = f"{base}/whatsapp/inbound"
    validator = RequestValidator(token)
    acknowledged = sum(m.acknowledged for m in load.all())
    kill_at = int(KILL_AFTER * len(load.all()))

    async def client(people: list[list[Message]]) -> None:
        nonlocal acknowledged
        async with httpx.AsyncClient(timeout=30) as http:
            for messages in people:
                for message in messages:
                    if message.acknowledged:
                        continue
                    signature = validator.compute_signature(url, message.form)
                    try:
                        response = await http.post(
                            url, data=message.form, headers={"X-Twilio-Signature": signature}
                        )
                    except httpx.HTTPError:
                        continue  # the process died under this request, or before it
                    if response.status_code == 200:
                        message.acknowledged = True
                        acknowledged += 1
                        if kill is not None and acknowledged == kill_at:
                            kill.send_signal(signal.SIGKILL)

    await asyncio.gather(*(client(load.people[i::CLIENTS]) for i in range(CLIENTS)))


def _start(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-2000:]
        try:
            if httpx.get(f"{env['PUBLIC_BASE_URL']}/healthz").status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError("the bot did not come up")


def _verify(engine: Engine, load: Load, round_id: int) -> None:
    sids = {m.form["MessageSid"]: m for m in load.all()}
    with engine.connect() as conn:
        stored = Counter(
            conn.scalars(
                select(InboundLedger.message_id).where(InboundLedger.channel == "whatsapp")
            )
        )
        replies = dict(
            conn.execute(
                select(OutboxMessage.employee_id, func.count())
                .where(OutboxMessage.kind == "reply")
                .group_by(OutboxMessage.employee_id)
            ).all()
        )
        ids = dict(conn.execute(select(Employee.phone, Employee.id)).all())
        ballots = conn.execute(
            select(SerawaiBallot.employee_id, SerawaiBallot.changes, func.count(SerawaiVote.id))
            .join(SerawaiVote, SerawaiVote.ballot_id == SerawaiBallot.id)
            .where(SerawaiBallot.round_id == round_id)
            .group_by(SerawaiBallot.id)
        ).all()
    acknowledged = {sid for sid, m in sids.items() if m.acknowledged}
    assert acknowledged == set(sids), "some presses were never acknowledged"
    assert {sid.removeprefix("wa:") for sid in stored} == set(sids)  # all stored ...
    assert max(stored.values()) == 1  # ... none twice
    voters = {ids[bench_phone(p)] for p in range(PEOPLE)}
    assert {employee for employee, _changes, _votes in ballots} == voters
    assert len(ballots) == PEOPLE  # one ballot each
    # The same theme pressed again changes nothing: one vote, no change counted (a change is
    # a press on another theme), however many presses arrived or were redelivered.
    assert {(changes, votes) for _employee, changes, votes in ballots} == {(0, 1)}
    # One answer per stored press, written in the press's own transaction.
    assert replies == dict.fromkeys(voters, PRESSES)


@pytest.mark.slow
def test_acknowledged_presses_survive_sigkill_and_count_once(
    engine: Engine, tmp_path: Path
) -> None:
    seed_bench_people(engine, PEOPLE, utcnow())
    round_id, proposals = voting_round(engine, utcnow())
    url = engine.url.render_as_string(hide_password=False)
    with FakeTwilioAPI() as twilio:
        env = bot_env(
            url,
            tmp_path / "data",
            free_port(),
            **whatsapp_env(twilio.account_sid, twilio.auth_token, twilio.url),
        )
        load = _load(twilio.account_sid, round_id, proposals)
        log = tmp_path / "bot.log"
        first = _start(env, log)
        try:
            asyncio.run(_fire(env["PUBLIC_BASE_URL"], twilio.auth_token, load, kill=first))
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
        before_restart = sum(m.acknowledged for m in load.all())
        assert KILL_AFTER * len(load.all()) <= before_restart < len(load.all())
        second = _start(env, log)
        try:
            asyncio.run(_fire(env["PUBLIC_BASE_URL"], twilio.auth_token, load))
        finally:
            second.send_signal(signal.SIGKILL)  # replies still being sent do not matter here
            second.wait()
    _verify(engine, load, round_id)
    assert "Traceback" not in log.read_text()
