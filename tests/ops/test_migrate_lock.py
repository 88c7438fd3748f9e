"""Many instances starting at once: every one migrates one empty database, none fails."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from storage.db import alembic_config
from tests.ops.conftest import url_engine

ROOT = Path(__file__).resolve().parents[2]


# `migrate` on its own, and what `run` does before it serves: assemble the app, migrating.
STARTS = {
    "migrate": ("sys.exit(main(['migrate']))", "Skema basis data mutakhir."),
    "start": (
        "from bot.app import build_app; from bot.config import load_settings; "
        "build_app(load_settings()); print('started', flush=True)",
        "started",
    ),
}


@pytest.mark.parametrize("start", sorted(STARTS))
def test_two_instances_migrating_one_empty_database_at_once_both_succeed(
    empty_url: str, tmp_path: Path, start: str
) -> None:
    from alembic.script import ScriptDirectory

    then, says = STARTS[start]

    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TWILIO_"))}
    env |= {"DATABASE_URL": empty_url, "DATA_DIR": str(tmp_path / "data")}
    # Each says it is ready once its imports are done, then waits for one line of stdin,
    # written when both are ready: they migrate at the same moment.
    go = (
        "import sys; from bot.__main__ import main; print('ready', flush=True); "
        f"sys.stdin.readline(); {then}"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", go],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for proc in procs:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = [proc.communicate(timeout=120) for proc in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert out.strip() == says  # after "ready", read above
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    engine = url_engine(empty_url)
    try:
        with engine.connect() as conn:
            versions: set[str] = set(
                conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
            )
        assert versions == heads
        assert {"employees", "ops_runs", "outbox"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
