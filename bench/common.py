"""What every benchmark shares: result rows, timing, databases, bench employees, processes."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, insert, make_url, select, text

from storage.db import make_engine, migrate, transaction
from storage.models import Employee, Office
from storage.seed import seed_demo, seed_offices

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ("sqlite", "postgresql")
BENCH_PHONE_PREFIX = "+62899"  # bench employees: +62899 and 7 digits, never a demo number
BENCH_TELEGRAM_BASE = 5_000_000


@dataclass(frozen=True)
class Row:
    """One line of the results table: a figure beside its floor and its target."""

    benchmark: str
    backend: str  # sqlite | postgresql | "-" when no database is involved
    figure: str
    floor: str = "-"
    ratio: str = "-"
    target: str = "-"
    ok: bool | None = None  # None: reported without a target
    note: str = ""

    @property
    def verdict(self) -> str:
        """ok / MISSED / blank, for the table."""
        return "" if self.ok is None else ("ok" if self.ok else "MISSED")


def table(rows: Sequence[Row]) -> str:
    """The rows as a Markdown table, with their notes as footnotes."""
    lines = [
        "| benchmark | db | figure | floor | ratio | target | ok? |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    notes: list[str] = []
    for row in rows:
        mark = ""
        if row.note:
            notes.append(row.note)
            mark = f" [{len(notes)}]"
        lines.append(
            f"| {row.benchmark}{mark} | {row.backend} | {row.figure} | {row.floor} | "
            f"{row.ratio} | {row.target} | {row.verdict} |"
        )
    if notes:
        lines.append("")
        lines += [f"[{i}] {note}" for i, note in enumerate(notes, 1)]
    return "\n".join(lines)


def ratio(value: float, floor: float) -> str:
    """value/floor as `0.62×`."""
    return f"{value / floor:.2f}×" if floor else "-"


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    """The median."""
    return statistics.median(values)


def machine() -> list[str]:
    """Where the figures came from: cores, memory, CPU model, Python, load."""
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    free = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout
    mem = next((line.split()[1] for line in free.splitlines() if line.startswith("Mem:")), "?")
    return [
        f"nproc: {os.cpu_count()}",
        f"memory (free -h): {mem} total",
        f"CPU: {model}",
        f"Python: {platform.python_version()} ({sys.executable})",
        f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
    ]


# -- databases -------------------------------------------------------------------------------


def postgres_url() -> str | None:
    """The throwaway PostgreSQL that scripts/with-postgres.sh started, if any."""
    return os.environ.get("TEST_POSTGRES_URL") or None


def fresh_database(backend: str, folder: Path, name: str) -> str:
    """The URL of an empty, migrated database for one benchmark."""
    if backend == "sqlite":
        path = folder / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        found = postgres_url()
        if found is None:
            raise RuntimeError("no PostgreSQL (run through scripts/with-postgres.sh)")
        # A database of its own for each benchmark, so benchmarks can run side by side.
        server = make_url(found)
        database = f"bench_{name}"
        admin = make_engine(found, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{database}"'))
        admin.dispose()
        url = server.set(database=database).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    return url


def bench_phone(i: int) -> str:
    """The WhatsApp number of bench employee `i`."""
    return f"{BENCH_PHONE_PREFIX}{i:07d}"


def seed_bench_people(
    engine: Engine,
    count: int,
    now: datetime,
    *,
    telegram: bool = False,
    preferred: str | None = None,
    offices: int = 0,
) -> list[int]:
    """The demo directory plus `count` bench employees (phones, maybe Telegram ids); their ids.

    With `offices`, that many offices are added and the employees spread over all of them.
    """
    from storage.db import make_session_factory

    sessions = make_session_factory(engine)
    with transaction(sessions) as session:
        seed_demo(session, now)
        known = seed_offices(session)
        office_ids = [known["1700"].id]
        if offices:
            session.execute(
                insert(Office),
                [
                    {
                        "code": f"{9000 + i:04d}"[-4:],
                        "name": f"Kantor {i + 1}",
                        "is_province": False,
                    }
                    for i in range(offices)
                ],
            )
            office_ids = list(session.scalars(select(Office.id).order_by(Office.id)))
        rows: list[dict[str, Any]] = []
        for i in range(count):
            rows.append(
                {
                    "nip": f"2{i:017d}",
                    "name": f"Pegawai Uji {i}",
                    "office_id": office_ids[i % len(office_ids)],
                    "phone": bench_phone(i),
                    "telegram_id": str(BENCH_TELEGRAM_BASE + i) if telegram else None,
                    "language": "id",
                    "active": True,
                    "position": "",
                    "community": "",
                    "preferred_channel": preferred,
                    "created_at": now,
                }
            )
        for start in range(0, len(rows), 5_000):
            session.execute(insert(Employee), rows[start : start + 5_000])
        return list(
            session.scalars(select(Employee.id).where(Employee.nip >= "2").order_by(Employee.id))
        )


# -- processes -------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen[Any] | None, seconds: float = 60) -> None:
    """Wait until GET `url` answers 200 (or the process dies)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before answering")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{url} never answered")


def rss_mb(pid: int) -> float:
    """Resident set size of a process, in MB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024 / 1_000_000
    raise RuntimeError(f"no VmRSS for {pid}")


@contextlib.contextmanager
def process(
    args: list[str], env: dict[str, str], *, log: Path, kill: bool = False
) -> Iterator[subprocess.Popen[str]]:
    """A child process in the repository folder; at exit SIGTERM (then SIGKILL), or SIGKILL.

    `kill` skips the graceful stop: a bot told SIGTERM first delivers what is queued.
    """
    with open(log, "w") as out:
        child = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        try:
            yield child
        finally:
            if child.poll() is None:
                child.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
                try:
                    child.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()


def bot_env(database_url: str, data_dir: Path, port: int, **values: str) -> dict[str, str]:
    """The environment for `python -m bot run` on 127.0.0.1:`port`: this one without any
    channel or database settings, plus these and `values`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "TWILIO_", "DATABASE_", "PUBLIC_BASE"))
    }
    env.update(
        DATABASE_URL=database_url,
        DATA_DIR=str(data_dir),
        PORT=str(port),
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        LOG_LEVEL="WARNING",
        **values,
    )
    return env


def stopwatch() -> float:
    """A monotonic clock reading, in seconds."""
    return time.perf_counter()


def tail(path: Path, lines: int = 20) -> str:
    """The last lines of a log file, for error messages."""
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""


def remove(path: Path) -> None:
    """Delete a folder tree if present."""
    shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def fake_platforms(folder: Path, *options: str, name: str = "fakes") -> Iterator[dict[str, Any]]:
    """The fake Bot API and Twilio in their own process (bench.fakes); what they serve at.

    `options` go to bench.fakes (`--twilio-rate`, `--record`): a record is written when the
    block ends, the process having been stopped.
    """
    info = folder / f"{name}.json"
    info.unlink(missing_ok=True)
    with process(
        [sys.executable, "-m", "bench.fakes", str(info), *options],
        dict(os.environ),
        log=folder / f"{name}.log",
    ) as child:
        deadline = time.monotonic() + 30
        while not info.exists():
            if child.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "the fake platforms did not start: " + tail(folder / f"{name}.log")
                )
            time.sleep(0.05)
        yield dict(json.loads(info.read_text()))


def start_child(module: str, *args: str, log: Path) -> subprocess.Popen[str]:
    """`python -m module args` whose last stdout line is its rows as JSON (see rows_of)."""
    with open(log, "w") as err:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", module, *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )


def rows_of(child: subprocess.Popen[str], log: Path) -> list[Row]:
    """Wait for a child started by start_child and read its rows."""
    out, _ = child.communicate()
    if child.returncode != 0 or not out.strip():
        raise RuntimeError(f"{child.args!r} failed: " + tail(log))
    return [Row(**row) for row in json.loads(out.strip().splitlines()[-1])]


def voting_round(engine: Engine, now: datetime, themes: int = 10) -> tuple[int, list[int]]:
    """A Serawai round open for voting, one proposal from each of `themes` regency offices.

    Made in the database as the round would be after its proposal window (the flows that
    get it there are the Serawai tests' business); returns (round id, proposal ids).
    """
    from datetime import timedelta

    from storage.db import make_session_factory
    from storage.serawai import RoundStatus, SerawaiProposal, SerawaiRound

    with transaction(make_session_factory(engine)) as session:
        offices = session.scalars(
            select(Office).where(Office.is_province.is_(False)).order_by(Office.id).limit(themes)
        ).all()
        proposer = session.scalar(select(Employee.id).order_by(Employee.id))
        assert proposer is not None
        rnd = SerawaiRound(
            name="Serawai Uji Beban",
            status=RoundStatus.VOTING,
            opened_at=now - timedelta(days=10),
            proposal_closes_at=now - timedelta(days=1),
            voting_closes_at=now + timedelta(days=14),
            proposal_days=7,
            voting_days=10,
            themes_to_select=3,
            proposals_per_office=1,
            max_choices=1,
        )
        session.add(rnd)
        session.flush()
        proposals = [
            SerawaiProposal(
                round_id=rnd.id,
                office_id=office.id,
                slot=1,
                proposer_id=proposer,
                title=f"Tema Uji {i}",
                summary="Ringkasan tema uji.",
                speaker="Narasumber Uji",
                created_at=now,
                updated_at=now,
            )
            for i, office in enumerate(offices, 1)
        ]
        session.add_all(proposals)
        session.flush()
        return rnd.id, [p.id for p in proposals]
