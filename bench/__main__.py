"""`make bench`: every figure beside its floor and its target, on SQLite and PostgreSQL.

    bash scripts/with-postgres.sh python -m bench [--only NAME,...] [--keep DIR]

Names: whatsapp, telegram, answers, tick, rendering, reports, fanout, scale. Without
PostgreSQL (TEST_POSTGRES_URL unset) the PostgreSQL rows are left out and said to be.

The benchmarks run one at a time (nothing else competes with a time to answer), except the
two fan-outs, paced by their own fake Bot API's 30 a second, SQLite and PostgreSQL side by
side. The national broadcast drains at a fake platform rate raised above Twilio's default
(bench/scale.py), so that the whole run stays under ten minutes.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from bench import answers, inbound_telegram, inbound_whatsapp, rendering, reports, scale, tick
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

NAMES = ("whatsapp", "telegram", "answers", "scale", "tick", "rendering", "reports", "fanout")
COMMAND = "make bench  (bash scripts/with-postgres.sh .venv/bin/python -m bench)"

_STARTED = time.perf_counter()


def _say(text: str) -> None:
    """Progress on stderr, with the seconds since the start."""
    print(f"[{time.perf_counter() - _STARTED:5.0f} s] {text}", file=sys.stderr, flush=True)


class Bench:
    """The benchmarks asked for, and their rows by name."""

    def __init__(self, wanted: set[str], backends: list[str], folder: Path) -> None:
        self.wanted = wanted
        self.backends = backends
        self.folder = folder
        self.rows: dict[str, list[Row]] = {}

    def run(self) -> None:
        """Everything, in the order the module docstring gives."""
        # First, while this process is small: a child's peak resident size (ru_maxrss, which
        # bench_reports reads) starts from its parent's.
        if "reports" in self.wanted:
            _say("Half-year report...")
            self.rows["reports"] = reports.run()
            self.done("reports")
        self.inbound()
        if "answers" in self.wanted:
            _say("Time to answer during a broadcast of 600 on sqlite...")
            self.rows["answers"] = answers.run(self.folder)
            self.done("answers")
        if "scale" in self.wanted and "postgresql" in self.backends:
            _say("National deployment: 16,000 employees, a vote, a broadcast, presses...")
            self.rows["scale"] = scale.run(self.folder)
            self.done("scale")
        if "tick" in self.wanted:
            for backend in self.backends:
                _say(f"Scheduler tick on {backend} (a million rows go in first)...")
                self.rows.setdefault("tick", []).extend(tick.run(backend, self.folder))
            self.done("tick")
        self.paced_and_rendering()

    def inbound(self) -> None:
        """WhatsApp (and the bot's memory) and Telegram, on each database."""
        if not self.wanted & {"whatsapp", "telegram"}:
            return
        with fake_platforms(self.folder) as fakes:
            for backend in self.backends if "whatsapp" in self.wanted else []:
                _say(f"WhatsApp inbound and memory on {backend}...")
                rows = inbound_whatsapp.run(backend, self.folder, fakes)
                self.rows.setdefault("whatsapp", []).extend(rows)
                self.done("whatsapp")
            for backend in self.backends if "telegram" in self.wanted else []:
                _say(f"Telegram inbound on {backend}...")
                rows = inbound_telegram.run(backend, self.folder, fakes)
                self.rows.setdefault("telegram", []).extend(rows)
                self.done("telegram")

    def paced_and_rendering(self) -> None:
        """The fan-outs side by side, then posters and certificates."""
        if "fanout" in self.wanted:
            _say("Fan-out of 1,000 reminders on " + " and ".join(self.backends) + "...")
            logs = {b: self.folder / f"fanout-{b}.log" for b in self.backends}
            children = {
                b: start_child("bench.fanout", b, str(self.folder), log=logs[b])
                for b in self.backends
            }
            for backend, child in children.items():
                self.rows.setdefault("fanout", []).extend(rows_of(child, logs[backend]))
            self.done("fanout")
        if "rendering" in self.wanted:
            _say("Posters and 500 certificates...")
            self.rows["rendering"] = rendering.run(self.folder)
            self.done("rendering")

    def done(self, name: str) -> None:
        """Print a benchmark's rows as soon as it has them: a run cut short keeps them."""
        print(table(self.rows.get(name, [])), file=sys.stderr, flush=True)

    def table(self) -> str:
        """The rows in NAMES order."""
        return table([row for name in NAMES for row in self.rows.get(name, [])])


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
    # No quiet hours, for this process and the bots it starts: a run at night WIB measures
    # what a run by day does, instead of a broadcast waiting for 06.00.
    os.environ["QUIET_HOURS"] = ""
    folder = args.keep or Path(tempfile.mkdtemp(prefix="canbot-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    header = machine()
    bench = Bench(wanted, backends, folder)
    try:
        bench.run()
    finally:
        if args.keep is None:
            remove(folder)
    _say("done")
    print(f"Command: {COMMAND}")
    print("Machine: " + "; ".join(header))
    if "postgresql" not in backends:
        print("PostgreSQL rows left out: no TEST_POSTGRES_URL (run through make bench).")
    print()
    print(bench.table())
    print()
    print(
        f"Took {time.perf_counter() - _STARTED:.0f} s; load average at the end: "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
