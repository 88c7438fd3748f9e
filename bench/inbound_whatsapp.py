"""WhatsApp inbound through the real webhook, beside a bare endpoint; and the bot's memory.

The bot is `python -m bot run` itself (both channels on, pointed at the fakes, which run in a
process of their own), on 127.0.0.1. The load generator is wrk (Debian's package;
scripts/ensure-wrk.sh installs it), 16 connections over 2 threads, for SECONDS, each request
a signed Twilio webhook made and signed beforehand, every one different (bench/wrk_inbound.lua
sends each once); without wrk, several `bench.loadgen` processes share the 16 connections.
Each message is one step of a real flow (`/bahasa` starts the language flow, `1` answers it),
so each request is: signature check, dispatch, a flow step, commit. The floor is
`bench.bare_server`: the same uvicorn/Starlette stack and signature check, and nothing else,
under the same load. Beside each run the generator's CPU and the server's are printed: the
generator has headroom when it uses less than a core while the server uses about one. The
bot's resident size is read idle, and again after the load.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from bench.common import (
    ROOT,
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
WARMUP_ROUNDS = 1
CONCURRENCY, WRK_THREADS, LOADGEN_PROCESSES = 16, 2, 4
SECONDS = 5.0
# Messages made beforehand: more than either endpoint takes in SECONDS on a quiet machine.
BARE_ROUNDS, BOT_ROUNDS = 200, 40  # × PEOPLE
IDLE_SECONDS = 3.0
TARGET_THROUGHPUT, TARGET_P99, TARGET_IDLE_MB = 0.5, 10.0, 150.0
LUA = ROOT / "bench" / "wrk_inbound.lua"


@dataclass(frozen=True)
class LoadResult:
    """What one load run measured."""

    generator: str  # "wrk" or "4 bench.loadgen processes"
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-200 and socket errors
    wraps: int  # times a generator ran out of messages and started over
    client_cpu: float  # seconds of CPU the load generator used
    server_cpu: float  # seconds of CPU the server process used

    @property
    def per_second(self) -> float:
        """Requests answered per second."""
        return self.requests / self.seconds

    def cores(self) -> str:
        """The generator's and the server's CPU, as shares of a core."""
        return (
            f"{self.generator} used {self.client_cpu / self.seconds:.0%} of a core, the server "
            f"{self.server_cpu / self.seconds:.0%}"
        )


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


async def _warm(base_url: str, work: list[list[tuple[dict[str, str], str]]]) -> int:
    """Send the warm-up forms (httpx); how many were not answered 200."""
    errors = 0
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:

        async def worker(items: list[tuple[dict[str, str], str]]) -> None:
            nonlocal errors
            for form, signature in items:
                response = await client.post(
                    "/whatsapp/inbound", data=form, headers={"X-Twilio-Signature": signature}
                )
                errors += response.status_code != 200

        await asyncio.gather(*(worker(items) for items in work))
    return errors


def _write_messages(path: Path, base_url: str, twilio: dict[str, Any], rounds: int) -> int:
    """The measured webhooks, signed, one a line (see bench/wrk_inbound.lua); how many."""
    url = f"{base_url}/whatsapp/inbound"
    validator = RequestValidator(twilio["auth_token"])
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        for round_ in range(WARMUP_ROUNDS, WARMUP_ROUNDS + rounds):
            for person in range(PEOPLE):
                body = "/bahasa" if round_ % 2 == 0 else "1"
                form = webhook_form(twilio["account_sid"], bench_phone(person), body)
                out.write(f"{validator.compute_signature(url, form)}\t{urlencode(form)}\n")
                count += 1
    return count


def _cpu_seconds(pid: int) -> float:
    """User and system CPU a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wrk(wrk: str, url: str, messages: Path) -> tuple[dict[str, Any], float]:
    """One wrk run; its WRKJSON line and the CPU seconds it used."""
    args = [wrk, "-t", str(WRK_THREADS), "-c", str(CONCURRENCY), "-d", f"{SECONDS:g}s"]
    args += ["--timeout", "30s", "-s", str(LUA), url, "--", str(messages), str(WRK_THREADS)]
    child = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert child.stdout is not None
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    found = [line for line in out.splitlines() if line.startswith("WRKJSON ")]
    if status != 0 or not found:
        raise RuntimeError(f"wrk failed ({status}): {out[-2000:]}")
    return json.loads(found[-1].removeprefix("WRKJSON ")), usage.ru_utime + usage.ru_stime


def _loadgens(url: str, messages: Path) -> tuple[list[dict[str, Any]], float, float]:
    """LOADGEN_PROCESSES bench.loadgen processes; their results, CPU seconds, seconds of load."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    tail_args = [str(LOADGEN_PROCESSES), str(CONCURRENCY // LOADGEN_PROCESSES), f"{SECONDS:g}"]
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "bench.loadgen", str(messages), url, str(k), *tail_args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for k in range(LOADGEN_PROCESSES)
    ]
    results = [json.loads(child.communicate()[0].strip().splitlines()[-1]) for child in children]
    seconds = max(r["seconds"] for r in results)  # from each one's first request, not its start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return results, cpu, seconds


def load(
    base_url: str, twilio: dict[str, Any], server_pid: int, rounds: int, folder: Path
) -> LoadResult:
    """Warm up, then SECONDS of load with pre-signed messages against `base_url`."""
    sid, token = twilio["account_sid"], twilio["auth_token"]
    warm_errors = asyncio.run(_warm(base_url, _forms(base_url, sid, token, WARMUP_ROUNDS, 0)))
    messages = folder / "whatsapp-messages.tsv"
    _write_messages(messages, base_url, twilio, rounds)
    url = f"{base_url}/whatsapp/inbound"
    server_cpu = _cpu_seconds(server_pid)
    wrk = shutil.which("wrk")
    if wrk is not None:
        found, cpu = _wrk(wrk, url, messages)
        server_cpu = _cpu_seconds(server_pid) - server_cpu
        errors = sum(found[k] for k in ("status", "connect", "read", "write", "timeout"))
        return LoadResult(
            f"wrk ({WRK_THREADS} threads)",
            int(found["requests"]),
            found["duration_us"] / 1e6,
            found["p50_us"] / 1000,
            found["p99_us"] / 1000,
            errors + warm_errors,
            int(found["wraps"]),
            cpu,
            server_cpu,
        )
    results, cpu, seconds = _loadgens(url, messages)
    server_cpu = _cpu_seconds(server_pid) - server_cpu
    latencies = [x for r in results for x in r["latencies"]]
    return LoadResult(
        f"{LOADGEN_PROCESSES} bench.loadgen processes (no wrk)",
        len(latencies),
        seconds,
        percentile(latencies, 50) * 1000,
        percentile(latencies, 99) * 1000,
        sum(r["errors"] for r in results) + warm_errors,
        sum(r["wraps"] for r in results),
        cpu,
        server_cpu,
    )


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
        bare = load(bare_base, fakes["twilio"], bare_server.pid, BARE_ROUNDS, folder)
    with process(
        [sys.executable, "-m", "bot", "run"], env, log=folder / f"bot-{backend}.log", kill=True
    ) as bot:
        wait_healthy(f"{base}/healthz", bot)
        time.sleep(IDLE_SECONDS)  # Telegram polling, sender and scheduler settle
        idle = rss_mb(bot.pid)
        real = load(base, fakes["twilio"], bot.pid, BOT_ROUNDS, folder)
        time.sleep(1.0)
        after = rss_mb(bot.pid)
    with engine.connect() as conn:
        seen = conn.scalar(select(func.count()).select_from(InboundLedger)) or 0
    engine.dispose()
    # Every answered request is in the ledger (a request cut off by the end may be too).
    expected = PEOPLE * WARMUP_ROUNDS + min(real.requests, PEOPLE * BOT_ROUNDS)
    missing = max(0, expected - seen)
    lost = real.errors + missing
    how = (
        f"{real.requests:,} signed webhooks in {real.seconds:.1f} s from {PEOPLE} employees, "
        f"{CONCURRENCY} connections, every message different (made and signed beforehand; "
        f"{real.wraps} repeats on the bot, {bare.wraps} on the bare endpoint); on the bot "
        f"{real.cores()}; on the bare endpoint {bare.cores()}; {real.errors} errors, "
        f"{missing} missing from the inbound ledger"
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
            f"{real.p50_ms:.1f} / {real.p99_ms:.1f} ms",
            f"{bare.p50_ms:.1f} / {bare.p99_ms:.1f} ms",
            ratio(real.p99_ms, bare.p99_ms),
            f"p99 ≤ {TARGET_P99:g}×",
            real.p99_ms <= TARGET_P99 * bare.p99_ms,
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
