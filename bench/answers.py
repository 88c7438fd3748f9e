"""Time to answer: people press while a broadcast drains; press → answer at the fake platform.

A broadcast is queued the way a service queues one (`ServiceCtx.notify`, kind "broadcast", bulk lane,
one idempotency key per person, one transaction) and `python -m bot run` instances (WhatsApp
only, each configured with the platform's whole rate, as instances sharing one limit are)
drain it to a fake Twilio in a process of its own that answers 429 above that rate. While it
drains, people press their Serawai theme through the signed webhook, at a steady pace, and
each press's time to answer is from the moment its webhook is sent to the moment the fake
platform accepts the bot's answer to that person (the answer goes through the normal dispatch
path and the outbox, like every answer). The platform's own record gives the broadcast's
drain rate and the instances' combined send rate, its peak second and its 429s.

The SQLite run is one instance (SQLite stays one process): 600 people, 50 pressing, at
Twilio's default 80 a second. The PostgreSQL run is `bench.scale`, which uses these pieces.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, func, select
from twilio.request_validator import RequestValidator

from bench.common import (
    Row,
    bench_phone,
    bot_env,
    fake_platforms,
    free_port,
    fresh_database,
    percentile,
    process,
    seed_bench_people,
    tail,
    voting_round,
    wait_healthy,
)
from bench.fakes import webhook_form, whatsapp_env
from bot.app import build_app
from bot.calendar import utcnow
from bot.config import Settings
from bot.messages import Channel, Text
from bot.services.context import ServiceCtx
from bot.services.serawai.buttons import VoteButton
from storage.db import make_engine, transaction
from storage.models import Employee, Lane, OutboxMessage, OutboxStatus
from storage.seed import DEMO_PEOPLE

BROADCAST_SID = "HX" + "d4" * 16
# Outside WhatsApp's 24-hour window the broadcast is held and the person gets this opener
# template instead (bot/held.py): at a broadcast, that is what most people are sent.
OPENER_SID = "HX" + "e5" * 16
TEXT = (
    "Informasi Serawai: pemungutan suara tema Serawai Triwulan II dibuka hari ini sampai "
    "Jumat, 11 April 2025 pukul 16.00 WIB."
)
TARGET_ANSWER_P99_S, TARGET_DRAIN, TARGET_COMBINED = 1.5, 0.9, 0.95
PEAK_SLACK = 1.05  # the peak second may hold this much of the rate: arrival jitter

SQLITE_PEOPLE, SQLITE_PRESSERS, SQLITE_RATE = 600, 50, 80.0
PRESS_START_S = 1.0  # after the broadcast is committed
# Requests in flight at once. More would queue inside httpx's connection pool, whose cost
# grows with its queue: on a loaded machine the generator itself became the bottleneck.
IN_FLIGHT = 64


@dataclass(frozen=True)
class Recorded:
    """What the fake platform accepted and refused, and its CPU."""

    messages: list[dict[str, Any]]
    rate_limited: int
    cpu_seconds: float

    @staticmethod
    def read(path: Path) -> Recorded:
        """The record bench.fakes wrote at its stop."""
        data = json.loads(path.read_text())
        return Recorded(data["messages"], data["rate_limited"], data["cpu_seconds"])

    @staticmethod
    def is_broadcast(message: dict[str, Any]) -> bool:
        """The broadcast as a person gets it: its text inside the 24-hour window, or the
        opener that says it waits (and the text itself once they answer)."""
        return message.get("ContentSid") in (BROADCAST_SID, OPENER_SID) or (
            message.get("Body") == TEXT
        )


@dataclass(frozen=True)
class Press:
    """One press: who, when its webhook went (time.time()), what the webhook answered."""

    phone: str
    at: float
    status: int


@dataclass(frozen=True)
class Pressing:
    """The presses and what the load generator spent on them."""

    presses: list[Press]
    cpu_seconds: float
    seconds: float


@contextlib.contextmanager
def instances(
    url: str, folder: Path, twilio: dict[str, Any], count: int, rate: float, name: str
) -> Iterator[list[tuple[Any, str]]]:
    """`count` `python -m bot run` instances (WhatsApp only, each at `rate`); (child, base)."""
    with contextlib.ExitStack() as stack:
        started = []
        for n in range(count):
            port = free_port()
            env = bot_env(
                url,
                folder / f"{name}-{n}",
                port,
                **whatsapp_env(
                    twilio["account_sid"],
                    twilio["auth_token"],
                    twilio["url"],
                    templates=f"broadcast={BROADCAST_SID},opener={OPENER_SID}",
                    per_second=rate,
                ),
            )
            child = stack.enter_context(
                process([sys.executable, "-m", "bot", "run"], env, log=folder / f"{name}-{n}.log")
            )
            started.append((child, f"http://127.0.0.1:{port}"))
        for child, base in started:
            wait_healthy(f"{base}/healthz", child)
        yield started


def queue_broadcast(url: str, folder: Path) -> float:
    """Queue one message to every employee in one transaction; seconds taken."""
    settings = Settings(_env_file=None, database_url=url, data_dir=folder / "broadcast-queue")
    engine = make_engine(url)
    app = build_app(settings, engine=engine, channels={Channel.WHATSAPP}, run_migrations=False)
    started = time.perf_counter()
    with transaction(app.sessions) as session:
        ctx = ServiceCtx(env=app.env, session=session, now=app.clock())
        for employee in session.scalars(select(Employee).where(Employee.active)):
            ctx.notify(
                employee,
                [Text(TEXT)],
                kind="broadcast",
                key=f"bench:siaran:{employee.id}",
                lane=Lane.BULK,
            )
    seconds = time.perf_counter() - started
    engine.dispose()
    return seconds


async def _press(
    bases: list[str], twilio: dict[str, Any], plan: list[tuple[str, str]], per_second: float
) -> Pressing:
    """Each (phone, payload) pressed in turn, `per_second`, whatever the answers take."""
    validator = RequestValidator(twilio["auth_token"])
    signed = []
    for k, (phone, payload) in enumerate(plan):
        target = f"{bases[k % len(bases)]}/whatsapp/inbound"
        form = webhook_form(twilio["account_sid"], phone, "", payload)
        signed.append((phone, target, form, validator.compute_signature(target, form)))
    presses: list[Press] = []
    limits = httpx.Limits(max_connections=IN_FLIGHT, max_keepalive_connections=IN_FLIGHT)
    in_flight = asyncio.Semaphore(IN_FLIGHT)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        cpu, began = time.process_time(), time.perf_counter()

        async def one(k: int, phone: str, target: str, form: dict[str, str], sig: str) -> None:
            await asyncio.sleep(max(0.0, began + k / per_second - time.perf_counter()))
            at = time.time()  # pressed now, even if the press waits for a connection
            async with in_flight:
                try:
                    response = await client.post(
                        target, data=form, headers={"X-Twilio-Signature": sig}
                    )
                    status = response.status_code
                except httpx.HTTPError:
                    status = 0
            presses.append(Press(phone, at, status))

        await asyncio.gather(*(one(k, *item) for k, item in enumerate(signed)))
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    return Pressing(presses, cpu, seconds)


def press(
    bases: list[str], twilio: dict[str, Any], plan: list[tuple[str, str]], per_second: float
) -> Pressing:
    """Press every (phone, payload) of `plan` through the webhook, open loop."""
    return asyncio.run(_press(bases, twilio, plan, per_second))


def vote_plan(people: range, round_id: int, proposals: list[int]) -> list[tuple[str, str]]:
    """Each bench employee of `people` presses a theme of the round."""
    return [
        (bench_phone(i), VoteButton(round_id, proposals[i % len(proposals)]).pack())
        for i in people
    ]


def outbox_progress(engine: Engine) -> tuple[int, int]:
    """(rows, rows done with: neither waiting nor being sent; a held row's opener is queued,
    a cancelled one was taken back on purpose)."""
    with engine.connect() as conn:
        rows = conn.scalar(select(func.count()).select_from(OutboxMessage)) or 0
        waiting = (OutboxStatus.PENDING, OutboxStatus.SENDING)
        done = (
            conn.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status.not_in(waiting))
            )
            or 0
        )
    return int(rows), int(done)


def wait_drained(engine: Engine, children: list[Any], seconds: float, log: Path) -> None:
    """Until every outbox row is sent or failed (or `seconds` pass); a dead instance raises."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        rows, done = outbox_progress(engine)
        if done >= rows:
            return
        if any(child.poll() is not None for child in children):
            raise RuntimeError("a bot instance died: " + tail(log))
        time.sleep(0.5)


def peak_second(times: list[float]) -> int:
    """The most messages accepted in any one second (a sliding window)."""
    best, first = 0, 0
    for last, at in enumerate(times):
        while at - times[first] >= 1.0:
            first += 1
        best = max(best, last - first + 1)
    return best


@dataclass(frozen=True)
class Drained:
    """The figures of one broadcast with presses during it."""

    answers: list[float]  # seconds from press to answer, one per answered press
    unanswered: int
    webhook_errors: int
    broadcast: int  # broadcast messages accepted
    lost: int
    twice: int
    broadcast_rate: float
    combined_rate: float
    peak: int
    rate_limited: int
    generator_cpu: float  # share of a core
    platform_cpu: float  # seconds

    def answer_ms(self, q: float) -> float:
        """Time-to-answer percentile in milliseconds (infinite when any went unanswered)."""
        if self.unanswered or not self.answers:
            return float("inf")
        return percentile(self.answers, q) * 1000


def drained(record: Recorded, pressing: Pressing, people: int) -> Drained:
    """Match each press with the first answer to its presser after it; the drain's rates."""
    accepted = sorted(record.messages, key=lambda m: float(m["created"]))
    broadcast = [m for m in accepted if Recorded.is_broadcast(m)]
    times = [float(m["created"]) for m in broadcast]
    others: dict[str, list[float]] = {}
    for m in accepted:
        if not Recorded.is_broadcast(m):
            others.setdefault(str(m["To"]).removeprefix("whatsapp:"), []).append(
                float(m["created"])
            )
    answers, unanswered = [], 0
    for p in pressing.presses:
        after = [t for t in others.get(p.phone, []) if t >= p.at]
        if after:
            answers.append(after[0] - p.at)
        else:
            unanswered += 1
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    during = [float(m["created"]) for m in accepted if times and times[0] <= m["created"]]
    during = [t for t in during if t <= times[-1]] if times else []
    unique = len({str(m["To"]) for m in broadcast})
    # Twice: the same message (the text, or an opener) to the same person more than once.
    copies = len({(str(m["To"]), m.get("ContentSid") or m.get("Body")) for m in broadcast})
    return Drained(
        answers=answers,
        unanswered=unanswered,
        webhook_errors=sum(p.status != 200 for p in pressing.presses),
        broadcast=len(broadcast),
        lost=people - unique,
        twice=len(broadcast) - copies,
        broadcast_rate=(len(times) - 1) / span if span else 0.0,
        combined_rate=(len(during) - 1) / span if span else 0.0,
        peak=peak_second([float(m["created"]) for m in accepted]),
        rate_limited=record.rate_limited,
        generator_cpu=pressing.cpu_seconds / pressing.seconds if pressing.seconds else 0.0,
        platform_cpu=record.cpu_seconds,
    )


def rows(
    d: Drained,
    backend: str,
    *,
    people: int,
    pressers: int,
    instances: int,
    rate: float,
    queue_seconds: float,
) -> list[Row]:
    """Time to answer, the broadcast's drain, and (with two or more instances) their sum."""
    where = f"{people:,}-person broadcast, {instances} instance{'s' if instances > 1 else ''}"
    p50, p99 = d.answer_ms(50), d.answer_ms(99)
    out = [
        Row(
            f"Time to answer, {pressers} pressing during a {where}",
            backend,
            f"p50 {p50 / 1000:.2f} / p99 {p99 / 1000:.2f} s",
            "-",
            "-",
            f"p99 < {TARGET_ANSWER_P99_S:g} s",
            p99 < TARGET_ANSWER_P99_S * 1000 and d.webhook_errors == 0,
            f"{pressers} people each press their Serawai theme once through the signed webhook, "
            f"from {PRESS_START_S:g} s after the broadcast was committed (queued in "
            f"{queue_seconds:.1f} s, one transaction); from the webhook sent to the answer "
            f"accepted by the fake Twilio; {d.unanswered} unanswered, {d.webhook_errors} "
            f"webhooks not 200; the load generator used {d.generator_cpu:.0%} of a core",
        ),
        Row(
            f"Broadcast drain during the presses, {where}",
            backend,
            f"{d.broadcast_rate:.1f}/s, {d.lost} lost, {d.twice} twice",
            f"{rate:g}/s platform rate",
            f"{d.broadcast_rate / rate:.2f}",
            f"≥ {TARGET_DRAIN} of the rate, none lost or twice",
            d.broadcast_rate >= TARGET_DRAIN * rate and d.lost == 0 and d.twice == 0,
            f"broadcast messages accepted by the fake Twilio, first to last ({d.broadcast:,}: "
            f"the opener template to whoever is outside WhatsApp's 24-hour window, the text "
            f"itself inside it and once they answer); the fake platform used "
            f"{d.platform_cpu:.1f} s of CPU in all",
        ),
    ]
    if instances > 1:
        ok = (
            d.rate_limited == 0
            and TARGET_COMBINED * rate <= d.combined_rate <= rate
            and d.peak <= PEAK_SLACK * rate
        )
        out.append(
            Row(
                f"Combined send rate of {instances} instances",
                backend,
                f"{d.combined_rate:.1f}/s, peak second {d.peak}, {d.rate_limited} × 429",
                f"{rate:g}/s platform rate",
                f"{d.combined_rate / rate:.2f}",
                f"{TARGET_COMBINED}–1.0 of the rate, never above, no 429",
                ok,
                f"counted at the fake Twilio (429 above {rate:g}/s, a token bucket of one "
                f"second): every accepted message from the broadcast's first to its last; "
                f"each instance is configured with the whole {rate:g}/s, as instances sharing "
                f"the platform's limit are; the peak second may hold {PEAK_SLACK:g}× the rate "
                f"(arrival jitter)",
            )
        )
    return out


def run(folder: Path) -> list[Row]:
    """SQLite: one instance, 600 people, 50 pressing while the broadcast drains."""
    url = fresh_database("sqlite", folder, "answers")
    engine = make_engine(url)
    seed_bench_people(engine, SQLITE_PEOPLE - len(DEMO_PEOPLE), utcnow(), preferred="whatsapp")
    round_id, proposals = voting_round(engine, utcnow())
    record_path = folder / "answers-record.json"
    options = ("--twilio-rate", f"{SQLITE_RATE:g}", "--record", str(record_path))
    with (
        fake_platforms(folder, *options, name="answers-fakes") as fakes,
        instances(url, folder, fakes["twilio"], 1, SQLITE_RATE, "answers") as started,
    ):
        children = [child for child, _ in started]
        queue_seconds = queue_broadcast(url, folder)
        time.sleep(PRESS_START_S)
        plan = vote_plan(range(SQLITE_PRESSERS), round_id, proposals)
        pressing = press([base for _, base in started], fakes["twilio"], plan, 25.0)
        wait_drained(
            engine, children, 3 * SQLITE_PEOPLE / SQLITE_RATE + 30, folder / "answers-0.log"
        )
    engine.dispose()
    d = drained(Recorded.read(record_path), pressing, SQLITE_PEOPLE)
    return rows(
        d,
        "sqlite",
        people=SQLITE_PEOPLE,
        pressers=SQLITE_PRESSERS,
        instances=1,
        rate=SQLITE_RATE,
        queue_seconds=queue_seconds,
    )
