"""`make bench`: every figure beside its floor and its target, on SQLite and PostgreSQL.

    bash scripts/with-postgres.sh python -m bench [--only NAME,...] [--keep DIR]

Names: whatsapp, telegram, tick, rendering, reports, fanout, scale. Without PostgreSQL
(TEST_POSTGRES_URL unset) the PostgreSQL rows are left out and said to be.

One at a time, except the two fan-outs (SQLite and PostgreSQL), which run side by side in
processes of their own, each against its own fake Bot API: what they measure is a share of
their platform's rate, which the waiting (33 s at 30 messages a second) decides, not the
processor.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import inbound_telegram, inbound_whatsapp, rendering, reports, scale, tick
from bench.common import (
    BACKENDS,
    Row,
    fake_platforms,
    machine,
    postgres_url,
    remove,
    rows_of,
    start_child,
    table,
)

NAMES = ("whatsapp", "telegram", "tick", "rendering", "reports", "fanout", "scale")
COMMAND = "make bench  (bash scripts/with-postgres.sh .venv/bin/python -m bench)"


_STARTED = time.perf_counter()


def _say(text: str) -> None:
    """Progress on stderr, with the seconds since the start."""
    print(f"[{time.perf_counter() - _STARTED:5.0f} s] {text}", file=sys.stderr, flush=True)


def _cpu_phase(wanted: set[str], backends: list[str], folder: Path) -> list[Row]:
    rows: list[Row] = []
    # First, while this process is small: a child's peak resident size (ru_maxrss, which
    # bench_reports reads) starts from its parent's.
    if "reports" in wanted:
        _say("Half-year report...")
        rows += reports.run()
    if "rendering" in wanted:
        _say("Posters and 500 certificates...")
        rows += rendering.run(folder)
    if wanted & {"whatsapp", "telegram"}:
        with fake_platforms(folder) as fakes:
            for backend in backends if "whatsapp" in wanted else []:
                _say(f"WhatsApp inbound and memory on {backend}...")
                rows += inbound_whatsapp.run(backend, folder, fakes)
            for backend in backends if "telegram" in wanted else []:
                _say(f"Telegram inbound on {backend}...")
                rows += inbound_telegram.run(backend, folder, fakes)
    if "tick" in wanted:
        for backend in backends:
            _say(f"Scheduler tick on {backend} (a million rows go in first)...")
            rows += tick.run(backend, folder)
    return rows


def _paced_phase(wanted: set[str], backends: list[str], folder: Path) -> list[Row]:
    rows: list[Row] = []
    if "fanout" in wanted:
        _say("Fan-out of 1,000 reminders on " + " and ".join(backends) + ", side by side...")
        logs = {b: folder / f"fanout-{b}.log" for b in backends}
        children = {b: start_child("bench.fanout", b, str(folder), log=logs[b]) for b in backends}
        for backend, child in children.items():
            rows += rows_of(child, logs[backend])
    if "scale" in wanted and "postgresql" in backends:
        _say("National deployment: 16,000 employees, a broadcast drained by two instances...")
        rows += scale.run(folder)
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated: " + ", ".join(NAMES))
    parser.add_argument("--keep", type=Path, help="keep databases, logs and files here")
    args = parser.parse_args(argv)
    wanted = set(args.only.split(",")) if args.only else set(NAMES)
    unknown = wanted - set(NAMES)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    backends = [b for b in BACKENDS if b == "sqlite" or postgres_url()]
    folder = args.keep or Path(tempfile.mkdtemp(prefix="canbot-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    header = machine()
    phases: list[Callable[[set[str], list[str], Path], list[Row]]] = [_cpu_phase, _paced_phase]
    rows: list[Row] = []
    try:
        for phase in phases:
            rows += phase(wanted, backends, folder)
    finally:
        if args.keep is None:
            remove(folder)
    _say("done")
    print(f"Command: {COMMAND}")
    print("Machine: " + "; ".join(header))
    if "postgresql" not in backends:
        print("PostgreSQL rows left out: no TEST_POSTGRES_URL (run through make bench).")
    print()
    print(table(rows))
    print()
    print(
        f"Took {time.perf_counter() - started:.0f} s; load average at the end: "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
