"""A national deployment on PostgreSQL: 16,000 employees in 548 offices, a Serawai vote.

Two bot instances (`python -m bot run`, WhatsApp only, each configured with the platform's
whole rate, as instances that share one limit are) share one database, behind one webhook
address (requests alternate between them), with a fake Twilio in a process of its own that
answers 429 above PLATFORM_RATE a second (raised from Twilio's default 80 so that the
16,000 drain within `make bench`'s ten minutes; every figure is against the configured rate).
A Serawai round is open for voting: 1,500 employees vote through the real webhook, each
pressing their theme twice, 100 presses a second whatever the answers take. Then a broadcast
to everyone is queued the way a service queues one and the two instances drain it; while it
drains, 200 more employees vote, and each one's time to answer is measured (bench.answers).
Then the other employees' ballots are added and the round is tallied.

Every person must get the broadcast exactly once, every press its answer, every voter one
ballot with one vote (the second press changing nothing), and the tally must take under a
second.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, func, select, text
from twilio.request_validator import RequestValidator

from bench import answers
from bench.common import (
    Row,
    bench_phone,
    fake_platforms,
    fresh_database,
    median,
    percentile,
    ratio,
    seed_bench_people,
    voting_round,
)
from bench.fakes import webhook_form
from bot.calendar import utcnow
from bot.flows.serawai.rules import rank_themes
from bot.services.serawai import tally
from bot.services.serawai.buttons import VoteButton
from storage.db import make_engine, make_session_factory
from storage.models import Employee
from storage.seed import DEMO_PEOPLE
from storage.seed import OFFICES as OFFICE_CODES
from storage.serawai import SerawaiBallot, SerawaiRound, SerawaiVote

EMPLOYEES, OFFICES = 16_000, 548
PLATFORM_RATE = 250.0  # the fake Twilio's limit for the sender, both instances together
INSTANCES = 2
VOTERS, PRESS_RATE = 1_500, 100.0  # each voter presses twice: 3,000 presses at 100 a second
PRESSERS, PRESSERS_RATE = 200, 20.0  # first votes while the broadcast drains
TALLY_RUNS = 5
TARGET_P99_MS, TARGET_TALLY_S = 100.0, 1.0


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


async def _press(
    bases: list[str], twilio: dict[str, Any], round_id: int, proposals: list[int]
) -> Presses:
    """Every voter presses a theme, then another, PRESS_RATE presses a second, whatever the
    answers take (an open loop, as people do not wait for each other)."""
    validator = RequestValidator(twilio["auth_token"])
    plan = []
    for second in (False, True):
        for voter in range(VOTERS):
            # The second press is on the next theme: a change of vote, counted once.
            theme = proposals[(voter + int(second)) % len(proposals)]
            payload = VoteButton(round_id, theme).pack()
            form = webhook_form(twilio["account_sid"], bench_phone(voter), "", payload)
            base = bases[(voter + second) % len(bases)]
            url = f"{base}/whatsapp/inbound"
            plan.append((url, form, validator.compute_signature(url, form)))
    latencies: list[float] = []
    errors = 0
    in_flight = asyncio.Semaphore(answers.IN_FLIGHT)
    limits = httpx.Limits(
        max_connections=answers.IN_FLIGHT, max_keepalive_connections=answers.IN_FLIGHT
    )
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        began = time.perf_counter()

        async def one(k: int, url: str, form: dict[str, str], signature: str) -> None:
            nonlocal errors
            await asyncio.sleep(max(0.0, began + k / PRESS_RATE - time.perf_counter()))
            started = time.perf_counter()  # pressed now, even if it waits for a connection
            async with in_flight:
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


def run(folder: Path) -> list[Row]:
    """Seed, open the vote, start two instances, vote, broadcast and press, drain, tally."""
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
    record_path = folder / "scale-record.json"
    options = ("--twilio-rate", f"{PLATFORM_RATE:g}", "--record", str(record_path))
    with (
        fake_platforms(folder, *options, name="scale-fakes") as fakes,
        answers.instances(
            url, folder, fakes["twilio"], INSTANCES, PLATFORM_RATE, "scale"
        ) as started,
    ):
        children = [child for child, _ in started]
        bases = [base for _, base in started]
        presses = asyncio.run(_press(bases, fakes["twilio"], round_id, proposals))
        queue_seconds = answers.queue_broadcast(url, folder)
        time.sleep(answers.PRESS_START_S)
        plan = answers.vote_plan(range(VOTERS, VOTERS + PRESSERS), round_id, proposals)
        pressing = answers.press(bases, fakes["twilio"], plan, PRESSERS_RATE)
        answers.wait_drained(
            engine, children, 3 * EMPLOYEES / PLATFORM_RATE + 60, folder / "scale-0.log"
        )
    # Both instances and the fake platform are stopped: its record is complete.
    record = answers.Recorded.read(record_path)
    rows, done = answers.outbox_progress(engine)
    ballots, votes, once = _ballots(engine, round_id)
    _everyone_votes(engine, round_id, proposals)
    tally_s, floor_s, counted = _tally(engine, round_id)
    engine.dispose()

    drained = answers.drained(record, pressing, people)
    replies = len(record.messages) - drained.broadcast
    voters = VOTERS + PRESSERS
    votes_ok = (ballots, votes, once, presses.errors, replies) == (
        voters,
        voters,
        VOTERS,
        0,
        presses.sent + PRESSERS,
    )
    return [
        *answers.rows(
            drained,
            "postgresql",
            people=people,
            pressers=PRESSERS,
            instances=INSTANCES,
            rate=PLATFORM_RATE,
            queue_seconds=queue_seconds,
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
            f"{people:,} employees in {OFFICES} offices (seeded in {seed_seconds:.1f} s); "
            f"{VOTERS:,} voters each pressing their theme twice before the broadcast, "
            f"{presses.sent:,} signed webhooks split over both instances (webhook answer "
            f"times), which send the answers as they go; {presses.errors} non-200; "
            f"afterwards, with the {PRESSERS} who voted during the broadcast, {ballots:,} "
            f"ballots, {votes:,} votes, {once:,} ballots with the second press applied once, "
            f"{replies:,} answers sent; outbox: {done:,} of {rows:,} rows sent or failed",
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
