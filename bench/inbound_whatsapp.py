"""WhatsApp inbound through the real webhook, beside a bare endpoint; and the bot's memory.

The bot is `python -m bot run` itself (both channels on, pointed at the fakes, which run in a
process of their own), on 127.0.0.1. An httpx client fires signed Twilio webhooks from many
employees at once; each message is one step of a real flow (`/bahasa` starts the language
flow, `1` answers it), so each request is: signature check, dispatch, a flow step, commit.
The floor is `bench.bare_server`: the same uvicorn/Starlette stack and signature check, and
nothing else. The bot's resident size is read idle, and again after the load.
"""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from bench.common import (
    Row,
    bench_phone,
    bot_env,
    free_port,
    fresh_database,
    percentile,
    process,
    ratio,
    rss_mb,
    seed_bench_people,
    wait_healthy,
)
from bench.fakes import channel_env, webhook_form
from bot.calendar import utcnow
from storage.db import make_engine
from storage.models import InboundLedger

PEOPLE = 200
ROUNDS = 6  # messages per person measured: 1,200 requests
WARMUP_ROUNDS = 1
CONCURRENCY = 16
IDLE_SECONDS = 3.0
TARGET_THROUGHPUT, TARGET_P99, TARGET_IDLE_MB = 0.5, 2.0, 150.0


@dataclass(frozen=True)
class LoadResult:
    """What one load run measured."""

    requests: int
    seconds: float
    latencies: list[float]
    errors: int
    client_cpu: float  # seconds of CPU the load generator used

    @property
    def per_second(self) -> float:
        """Requests answered per second."""
        return self.requests / self.seconds

    def p(self, q: float) -> float:
        """Latency percentile in milliseconds."""
        return percentile(self.latencies, q) * 1000


def _forms(
    base_url: str, account_sid: str, token: str, rounds: int, first_round: int
) -> list[list[tuple[dict[str, str], str]]]:
    """Signed forms per worker: each person alternates `/bahasa` and `1`, in order."""
    url = f"{base_url}/whatsapp/inbound"
    validator = RequestValidator(token)
    workers: list[list[tuple[dict[str, str], str]]] = [[] for _ in range(CONCURRENCY)]
    for round_ in range(first_round, first_round + rounds):
        for person in range(PEOPLE):
            body = "/bahasa" if round_ % 2 == 0 else "1"
            form = webhook_form(account_sid, bench_phone(person), body)
            workers[person % CONCURRENCY].append((form, validator.compute_signature(url, form)))
    return workers


async def _fire(base_url: str, work: list[list[tuple[dict[str, str], str]]]) -> LoadResult:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:

        async def worker(items: list[tuple[dict[str, str], str]]) -> None:
            nonlocal errors
            for form, signature in items:
                started = time.perf_counter()
                response = await client.post(
                    "/whatsapp/inbound", data=form, headers={"X-Twilio-Signature": signature}
                )
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    errors += 1

        cpu = time.process_time()
        started = time.perf_counter()
        await asyncio.gather(*(worker(items) for items in work))
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
    return LoadResult(sum(len(w) for w in work), seconds, latencies, errors, cpu)


def load(base_url: str, twilio: dict[str, Any], first_round: int = 0) -> LoadResult:
    """Warm up, then measure ROUNDS messages per person against `base_url`."""
    sid, token = twilio["account_sid"], twilio["auth_token"]
    asyncio.run(_fire(base_url, _forms(base_url, sid, token, WARMUP_ROUNDS, first_round)))
    work = _forms(base_url, sid, token, ROUNDS, first_round + WARMUP_ROUNDS)
    return asyncio.run(_fire(base_url, work))


def run(backend: str, folder: Path, fakes: dict[str, Any]) -> list[Row]:
    """Bare endpoint, then the bot; memory idle and after."""
    url = fresh_database(backend, folder, "whatsapp")
    engine = make_engine(url)
    seed_bench_people(engine, PEOPLE, utcnow())
    port, bare_port = free_port(), free_port()
    base, bare_base = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{bare_port}"
    env = bot_env(url, folder / f"whatsapp-{backend}", port, **channel_env(fakes))
    bare_env = {**env, "PORT": str(bare_port), "PUBLIC_BASE_URL": bare_base}
    with process(
        [sys.executable, "-m", "bench.bare_server"], bare_env, log=folder / "bare.log"
    ) as bare_server:
        wait_healthy(f"{bare_base}/healthz", bare_server)
        bare = load(bare_base, fakes["twilio"])
    with process(
        [sys.executable, "-m", "bot", "run"], env, log=folder / f"bot-{backend}.log", kill=True
    ) as bot:
        wait_healthy(f"{base}/healthz", bot)
        time.sleep(IDLE_SECONDS)  # Telegram polling, sender and scheduler settle
        idle = rss_mb(bot.pid)
        real = load(base, fakes["twilio"])
        time.sleep(1.0)
        after = rss_mb(bot.pid)
    with engine.connect() as conn:
        seen = conn.scalar(select(func.count()).select_from(InboundLedger)) or 0
    engine.dispose()
    expected = PEOPLE * (ROUNDS + WARMUP_ROUNDS)
    lost = real.errors + (expected - seen)
    how = (
        f"{real.requests:,} signed webhooks from {PEOPLE} employees, {CONCURRENCY} at a time "
        f"(httpx; the load generator used {real.client_cpu / real.seconds:.0%} of a core on "
        f"the bot, {bare.client_cpu / bare.seconds:.0%} on the bare endpoint); "
        f"{real.errors} non-200, {expected - seen} missing from the inbound ledger"
    )
    return [
        Row(
            "WhatsApp inbound: messages/s",
            backend,
            f"{real.per_second:.0f}/s",
            f"{bare.per_second:.0f}/s",
            ratio(real.per_second, bare.per_second),
            f"≥ {TARGET_THROUGHPUT}×",
            real.per_second >= TARGET_THROUGHPUT * bare.per_second and lost == 0,
            how,
        ),
        Row(
            "WhatsApp inbound: p50 / p99",
            backend,
            f"{real.p(50):.0f} / {real.p(99):.0f} ms",
            f"{bare.p(50):.0f} / {bare.p(99):.0f} ms",
            ratio(real.p(99), bare.p(99)),
            f"p99 ≤ {TARGET_P99:g}×",
            real.p(99) <= TARGET_P99 * bare.p(99),
        ),
        Row(
            "`python -m bot run` resident size, idle",
            backend,
            f"{idle:.0f} MB",
            target=f"< {TARGET_IDLE_MB:g} MB",
            ok=idle < TARGET_IDLE_MB,
        ),
        Row(
            "`python -m bot run` resident size after the inbound load",
            backend,
            f"{after:.0f} MB",
        ),
    ]
