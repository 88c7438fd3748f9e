"""The exploration and the flows' walks, in a process of their own beside the test session.

The walks are processor work (two worker processes; on 2026-11-22, 37 flows × 2,000 inputs took
about 7.5 processor-minutes, 6.4 ms an input, 4 minutes of wall time alone), while most of the
rest of the suite waits on sockets, timers and subprocesses. So when the session is
going to run the walks, tests/evidence/conftest.py starts this process as soon as collection
ends, and the tests read what it wrote: `exploration.pkl` first, then `walks.pkl`.

    python -m tests.evidence.background FOLDER
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from storage.db import make_engine, migrate, transaction
from storage.seed import seed_demo
from tests.evidence.driver import sqlite_app
from tests.evidence.explore import Exploration, explore
from tests.evidence.scenarios import SCENARIOS
from tests.evidence.walks import PARTS, Job, Outcome, walk_flow
from tests.support import Clock

ROOT = Path(__file__).resolve().parents[2]
WORKERS = min(2, os.cpu_count() or 1)
Walks = dict[str, list[Outcome]]


def explore_fresh(folder: Path) -> Exploration:
    """Migrate a SQLite database, seed the demo directory, and walk the whole bot."""
    path = folder / "explore.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    clock = Clock()
    app = sqlite_app(path, folder, clock)
    with transaction(app.sessions) as session:
        seed_demo(session, clock())
    found = explore(app, clock, folder, SCENARIOS)
    app.engine.dispose()
    return found


def walk_all(exploration: Exploration) -> Walks:
    """Every entered flow walked, its parts shared among worker processes."""
    jobs = [
        Job(flow, start, tuple(exploration.payloads), part)
        for flow, start in sorted(exploration.starts.items())
        for part in range(PARTS)
    ]
    context = multiprocessing.get_context("spawn")  # a test process has threads running
    found: Walks = {}
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=context) as pool:
        for outcome in pool.map(walk_flow, jobs):
            found.setdefault(outcome.flow, []).append(outcome)
    return found


def _write(path: Path, value: object) -> None:
    partial = path.with_suffix(".part")
    partial.write_bytes(pickle.dumps(value))
    partial.replace(path)


def main() -> int:
    """Explore, write it, walk, write that."""
    folder = Path(sys.argv[1])
    exploration = explore_fresh(folder)
    _write(folder / "exploration.pkl", exploration)
    _write(folder / "walks.pkl", walk_all(exploration))
    return 0


class Background:
    """The process, seen from the test session."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.log = folder / "background.log"
        with open(self.log, "w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.evidence.background", str(folder)],
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its worker processes go with it on stop()
            )

    def _read(self, name: str) -> object:
        path = self.folder / name
        while not path.exists():
            if self.process.poll() is not None and not path.exists():
                tail = self.log.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"the background exploration and walks failed:\n{tail}")
            time.sleep(0.2)
        return pickle.loads(path.read_bytes())

    def exploration(self) -> Exploration:
        """What the exploration found (waits for it)."""
        found = self._read("exploration.pkl")
        assert isinstance(found, Exploration)
        return found

    def walks(self) -> Walks:
        """How every flow's walks went (waits for them)."""
        found = self._read("walks.pkl")
        assert isinstance(found, dict)
        return found

    def stop(self) -> None:
        """End the process if it still runs (the session ended early)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


if __name__ == "__main__":
    sys.exit(main())
