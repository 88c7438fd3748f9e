"""A national deployment on PostgreSQL: 16,000 employees in 548 offices, a Serawai vote.

Two bot instances (`python -m bot run`, WhatsApp only, each paced at half of the WhatsApp
sender's throughput: Twilio's default 80 messages a second) share one database, behind one
webhook address (requests alternate between them), with a fake Twilio that answers 429 above
80 a second. A Serawai round is open for voting: 1,500 employees vote through the real
webhook, each pressing their theme twice, 100 presses a second whatever the answers take.
Then a broadcast to everyone is queued the way a service queues one (`ServiceCtx.notify`,
kind "broadcast", one idempotency key per person, one transaction) and the two instances
drain it. Then the other employees' ballots are added and the round is tallied.

Every person must get the broadcast exactly once, every press its answer, every voter one
ballot with one vote (the second press changing nothing), and the tally must take under a
second.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import Engine, func, select, text
from twilio.request_validator import RequestValidator

from bench.common import (
    Row,
    bench_phone,
    bot_env,
    free_port,
    fresh_database,
    median,
    percentile,
    process,
    ratio,
    seed_bench_people,
    tail,
    voting_round,
    wait_healthy,
)
from bench.fakes import webhook_form, whatsapp_env
from bot.app import build_app
from bot.calendar import utcnow
from bot.config import Settings
from bot.flows.serawai.rules import rank_themes
from bot.messages import Channel, Text
from bot.payload import encode
from bot.services.context import ServiceCtx
from bot.services.serawai import tally
from storage.db import make_engine, make_session_factory, transaction
from storage.models import Employee, OutboxMessage
from storage.seed import DEMO_PEOPLE
from storage.seed import OFFICES as OFFICE_CODES
from storage.serawai import SerawaiBallot, SerawaiRound, SerawaiVote
from tests.fakes.twilio_api import FakeTwilioAPI

EMPLOYEES, OFFICES = 16_000, 548
PLATFORM_RATE = 80.0  # Twilio's default throughput for one WhatsApp sender
INSTANCES = 2
VOTERS, PRESS_RATE = 1_500, 100.0  # each voter presses twice: 3,000 presses at 100 a second
TALLY_RUNS = 5
TARGET_SHARE, TARGET_P99_MS, TARGET_TALLY_S = 0.95, 100.0, 1.0
BROADCAST_SID = "HX" + "d4" * 16
TEXT = (
    "Informasi Serawai: pemungutan suara tema Serawai Triwulan II dibuka hari ini sampai "
    "Jumat, 11 April 2025 pukul 16.00 WIB."
)


@dataclass(frozen=True)
class Presses:
    """What the voters' presses got."""

    sent: int
    seconds: float
    latencies: list[float]
    errors: int

    @property
    def per_second(self) -> float:
        """Presses answered per second."""
        return self.sent / self.seconds

    def ms(self, q: float) -> float:
        """Latency percentile in milliseconds."""
        return percentile(self.latencies, q) * 1000


def _queue_broadcast(url: str, folder: Path) -> float:
    """Queue one message to every employee in one transaction; seconds taken."""
    settings = Settings(_env_file=None, database_url=url, data_dir=folder / "scale-queue")
    engine = make_engine(url)
    app = build_app(settings, engine=engine, channels={Channel.WHATSAPP}, run_migrations=False)
    started = time.perf_counter()
    with transaction(app.sessions) as session:
        ctx = ServiceCtx(app=app, session=session, now=app.clock())
        for employee in session.scalars(select(Employee).where(Employee.active)):
            ctx.notify(employee, [Text(TEXT)], kind="broadcast", key=f"bench:siaran:{employee.id}")
    seconds = time.perf_counter() - started
    engine.dispose()
    return seconds


async def _press(
    bases: list[str], twilio: FakeTwilioAPI, round_id: int, proposals: list[int]
) -> Presses:
    """Every voter presses their theme twice, PRESS_RATE presses a second, whatever the
    answers take (an open loop, as people do not wait for each other)."""
    validator = RequestValidator(twilio.auth_token)
    plan = []
    for second in (False, True):
        for voter in range(VOTERS):
            payload = encode("srw", "v", round_id, proposals[voter % len(proposals)])
            form = webhook_form(twilio.account_sid, bench_phone(voter), "", payload)
            base = bases[(voter + second) % len(bases)]
            url = f"{base}/whatsapp/inbound"
            plan.append((url, form, validator.compute_signature(url, form)))
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        began = time.perf_counter()

        async def one(k: int, url: str, form: dict[str, str], signature: str) -> None:
            nonlocal errors
            await asyncio.sleep(max(0.0, began + k / PRESS_RATE - time.perf_counter()))
            started = time.perf_counter()
            try:
                response = await client.post(
                    url, data=form, headers={"X-Twilio-Signature": signature}
                )
                errors += response.status_code != 200
            except httpx.HTTPError:
                errors += 1
            latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(one(k, *item) for k, item in enumerate(plan)))
        seconds = time.perf_counter() - began
    return Presses(len(plan), seconds, latencies, errors)


def _ballots(engine: Engine, round_id: int) -> tuple[int, int, int]:
    """(ballots, votes, ballots whose second press was applied exactly once)."""
    with engine.connect() as conn:
        ballots = conn.scalar(
            select(func.count())
            .select_from(SerawaiBallot)
            .where(SerawaiBallot.round_id == round_id)
        )
        votes = conn.scalar(select(func.count()).select_from(SerawaiVote))
        once = conn.scalar(
            select(func.count())
            .select_from(SerawaiBallot)
            .where(SerawaiBallot.round_id == round_id, SerawaiBallot.changes == 1)
        )
    return int(ballots or 0), int(votes or 0), int(once or 0)


def _everyone_votes(engine: Engine, round_id: int, proposals: list[int]) -> None:
    """Ballots for every employee who has none yet, spread over the themes."""
    ids = ",".join(map(str, proposals))
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO serawai_ballots (round_id, employee_id, office_id, cast_at, "
                "updated_at, changes) SELECT :r, e.id, e.office_id, now(), now(), 0 "
                "FROM employees e WHERE NOT EXISTS (SELECT 1 FROM serawai_ballots b "
                "WHERE b.round_id = :r AND b.employee_id = e.id)"
            ),
            {"r": round_id},
        )
        conn.execute(
            text(
                "INSERT INTO serawai_votes (ballot_id, proposal_id) "
                f"SELECT b.id, (ARRAY[{ids}])[1 + b.employee_id % {len(proposals)}] "
                "FROM serawai_ballots b WHERE b.round_id = :r AND NOT EXISTS "
                "(SELECT 1 FROM serawai_votes v WHERE v.ballot_id = b.id)"
            ),
            {"r": round_id},
        )
        conn.execute(text("ANALYZE serawai_ballots; ANALYZE serawai_votes"))


def _tally(engine: Engine, round_id: int) -> tuple[float, float, int]:
    """Median seconds of the round's tally and ranking, of the bare count; ballots counted."""
    sessions = make_session_factory(engine)
    tallies, floors = [], []
    counted = 0
    bare = text(
        "SELECT v.proposal_id, count(*) FROM serawai_votes v JOIN serawai_ballots b "
        "ON b.id = v.ballot_id WHERE b.round_id = :r GROUP BY v.proposal_id"
    )
    for _ in range(TALLY_RUNS):
        with sessions() as session:
            rnd = session.get(SerawaiRound, round_id)
            assert rnd is not None
            started = time.perf_counter()
            outcome = rank_themes(tally(session, rnd), rnd.themes_to_select)
            tallies.append(time.perf_counter() - started)
            counted = sum(c.votes for c in outcome.ranking)
        with engine.connect() as conn:
            started = time.perf_counter()
            conn.execute(bare, {"r": round_id}).all()
            floors.append(time.perf_counter() - started)
    return median(tallies[1:]), median(floors[1:]), counted


def _outbox(engine: Engine) -> tuple[int, int]:
    """(rows, rows done with: sent or failed)."""
    with engine.connect() as conn:
        rows = conn.scalar(select(func.count()).select_from(OutboxMessage)) or 0
        done = (
            conn.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status.in_(("sent", "failed")))
            )
            or 0
        )
    return int(rows), int(done)


def run(folder: Path, meanwhile: Callable[[], None] = lambda: None) -> list[Row]:
    """Seed, open the vote, start two instances, broadcast and vote, drain, tally.

    `meanwhile` runs while the broadcast drains.
    """
    url = fresh_database("postgresql", folder, "scale")
    engine = make_engine(url)
    seed_started = time.perf_counter()
    seed_bench_people(
        engine,
        EMPLOYEES - len(DEMO_PEOPLE),
        utcnow(),
        preferred="whatsapp",
        offices=OFFICES - len(OFFICE_CODES),
    )
    with engine.connect() as conn:
        people = conn.scalar(select(func.count()).select_from(Employee)) or 0
    round_id, proposals = voting_round(engine, utcnow())
    seed_seconds = time.perf_counter() - seed_started
    ports = [free_port() for _ in range(INSTANCES)]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    with FakeTwilioAPI() as twilio, contextlib.ExitStack() as stack:
        twilio.enforce_rate_limit(PLATFORM_RATE)
        children = [
            stack.enter_context(
                process(
                    [sys.executable, "-m", "bot", "run"],
                    bot_env(
                        url,
                        folder / f"scale-{n}",
                        port,
                        **whatsapp_env(
                            twilio.account_sid,
                            twilio.auth_token,
                            twilio.url,
                            templates=f"broadcast={BROADCAST_SID}",
                            per_second=PLATFORM_RATE / INSTANCES,
                        ),
                    ),
                    log=folder / f"scale-{n}.log",
                )
            )
            for n, port in enumerate(ports)
        ]
        for child, base in zip(children, bases, strict=True):
            wait_healthy(f"{base}/healthz", child)
        presses = asyncio.run(_press(bases, twilio, round_id, proposals))
        queue_seconds = _queue_broadcast(url, folder)
        meanwhile()
        deadline = time.monotonic() + 3 * EMPLOYEES / PLATFORM_RATE
        while time.monotonic() < deadline:
            rows, done = _outbox(engine)
            if done >= rows:
                break
            if any(child.poll() is not None for child in children):
                raise RuntimeError("a bot instance died: " + tail(folder / "scale-0.log"))
            time.sleep(1.0)
        stack.close()  # both instances stopped before the fake's records are read
        created = sorted(float(m["created"]) for m in twilio.messages)
        # A voter wrote within 24 hours, so their broadcast may go as plain text, not template.
        sent_broadcast = [
            m
            for m in twilio.messages
            if m.get("ContentSid") == BROADCAST_SID or m.get("Body") == TEXT
        ]
        broadcast = [str(m["To"]) for m in sent_broadcast]
        broadcast_times = sorted(float(m["created"]) for m in sent_broadcast)
        answers = len(twilio.messages) - len(broadcast)
        rate_limited = twilio.rate_limited
    rows, done = _outbox(engine)
    ballots, votes, once = _ballots(engine, round_id)
    _everyone_votes(engine, round_id, proposals)
    tally_s, floor_s, counted = _tally(engine, round_id)
    engine.dispose()

    unique = len(set(broadcast))
    twice, lost = len(broadcast) - unique, EMPLOYEES - unique
    # The drain: from the first broadcast message to the last message of all.
    began = broadcast_times[0] if broadcast_times else 0.0
    drained = [t for t in created if t >= began]
    rate = (len(drained) - 1) / (drained[-1] - drained[0]) if len(drained) > 1 else 0.0
    share = rate / PLATFORM_RATE
    votes_ok = (ballots, votes, once, presses.errors, answers) == (
        VOTERS,
        VOTERS,
        VOTERS,
        0,
        presses.sent,
    )
    return [
        Row(
            "Scale: broadcast to 16,000, 2 instances",
            "postgresql",
            f"{rate:.1f}/s, {lost} lost, {twice} twice, {rate_limited} × 429",
            f"{PLATFORM_RATE:g}/s allowed",
            f"{share:.2f}",
            f"≥ {TARGET_SHARE} of the rate, none lost or twice",
            share >= TARGET_SHARE and lost == 0 and twice == 0,
            f"{people:,} employees in {OFFICES} offices (seeded in {seed_seconds:.1f} s); the "
            f"broadcast queued in {queue_seconds:.1f} s in one transaction, then drained by "
            f"{INSTANCES} `python -m bot run` instances at {PLATFORM_RATE / INSTANCES:g}/s each, "
            f"after the last votes' answers; rate from the first broadcast message to the last "
            f"message ({len(drained):,} sent in that time); outbox "
            f"afterwards: {done:,} of {rows:,} rows sent or failed",
        ),
        Row(
            "Scale: Serawai votes, 2 instances",
            "postgresql",
            f"{presses.per_second:.0f}/s, p50 {presses.ms(50):.0f} / p99 {presses.ms(99):.0f} ms",
            f"{PRESS_RATE:g}/s offered",
            ratio(presses.per_second, PRESS_RATE),
            f"{PRESS_RATE:g}/s sustained, p99 < {TARGET_P99_MS:g} ms",
            presses.per_second >= 0.98 * PRESS_RATE
            and presses.ms(99) < TARGET_P99_MS
            and votes_ok,
            f"{VOTERS:,} voters each pressing their theme twice, {presses.sent:,} signed "
            f"webhooks split over both instances, which send the answers as they go; "
            f"{presses.errors} non-200; afterwards "
            f"{ballots:,} ballots, {votes:,} votes, {once:,} ballots with the second press "
            f"applied once, {answers:,} answers sent",
        ),
        Row(
            "Scale: tally of a round with 16,000 ballots",
            "postgresql",
            f"{tally_s * 1000:.0f} ms",
            f"{floor_s * 1000:.0f} ms (the bare GROUP BY)",
            ratio(tally_s, floor_s),
            f"< {TARGET_TALLY_S:g} s",
            tally_s < TARGET_TALLY_S and counted == people,
            f"`tally` and `rank_themes` as the close of voting runs them, median of "
            f"{TALLY_RUNS - 1}; {counted:,} votes counted",
        ),
    ]
