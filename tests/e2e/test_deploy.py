"""The supervised installs, as far as they run here: compose.yaml read and checked, the image's
entrypoint and the systemd unit's command lines run against a temporary SQLite database."""

from __future__ import annotations

import os
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from alembic.script import ScriptDirectory

from storage.db import alembic_config

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "compose.yaml").read_text())
    assert isinstance(data, dict)
    return data


def _heads() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def _versions(db: Path) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {row[0] for row in conn.execute("SELECT version_num FROM alembic_version")}
    finally:
        conn.close()


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "TWILIO_", "DATABASE_URL", "DATA_DIR", "BACKUP_DIR"))
    }
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'canbot.sqlite3'}"}
    env |= {"DATA_DIR": str(tmp_path / "data")}
    return env | extra


def test_compose_has_the_database_the_migration_the_bot_and_caddy() -> None:
    compose = _compose()
    services = compose["services"]
    assert set(services) == {"db", "migrate", "bot", "caddy"}
    db, migrate, bot, caddy = (services[n] for n in ("db", "migrate", "bot", "caddy"))

    assert db["image"].split(":")[0] == "postgres"
    assert int(db["image"].split(":")[1].split("-")[0]) >= 15
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])

    assert migrate["entrypoint"] == ["python", "-m", "bot", "migrate"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"

    assert bot["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }
    assert "/healthz" in " ".join(bot["healthcheck"]["test"])
    assert bot["environment"]["DATA_DIR"] == "/data"
    assert "data:/data" in bot["volumes"]
    assert "backups:/backups" in bot["volumes"]
    for service in (migrate, bot):
        assert service["env_file"] == ".env"
        assert service["environment"]["DATABASE_URL"].startswith("postgresql://")
        assert "@db:5432/" in service["environment"]["DATABASE_URL"]

    assert caddy["image"].startswith("caddy:")
    assert {"80:80", "443:443"} <= set(caddy["ports"])
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in caddy["volumes"]
    assert caddy["depends_on"]["bot"]["condition"] == "service_healthy"

    for name in ("db", "bot", "caddy"):
        assert services[name]["restart"] in ("unless-stopped", "always")
    named = {v.split(":")[0] for s in services.values() for v in s.get("volumes", [])}
    assert {n for n in named if not n.startswith(".")} <= set(compose["volumes"])


def test_the_dockerfile_is_slim_non_root_with_a_healthcheck_and_the_entrypoint() -> None:
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    assert [line for line in lines if line.startswith("FROM ")] == ["FROM python:3.11-slim"]
    user = [line for line in lines if line.startswith("USER ")]
    assert user == ["USER canbot"]
    assert any(line.startswith("HEALTHCHECK ") for line in lines)
    assert "/healthz" in (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["/app/deploy/entrypoint.sh"]' in lines
    assert "RUN pip install --constraint requirements.lock ." in lines
    # Everything the bot reads at run time is copied in.
    copied = " ".join(line for line in lines if line.startswith("COPY "))
    for needed in ("bot", "storage", "templates", "scheduler.py", "alembic.ini"):
        assert needed in copied


def test_the_caddyfile_proxies_the_domain_to_the_bot() -> None:
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "{$CANBOT_DOMAIN} {" in caddyfile
    assert "reverse_proxy {$CANBOT_UPSTREAM:bot:8080}" in caddyfile


def test_the_entrypoint_migrates_then_would_exec_the_bot(tmp_path: Path) -> None:
    env = _env(tmp_path, CANBOT_PYTHON=sys.executable)
    result = subprocess.run(
        ["sh", str(ROOT / "deploy" / "entrypoint.sh"), "--check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Skema basis data mutakhir.",
        f"would exec: {sys.executable} -m bot run",
    ]
    assert _versions(tmp_path / "canbot.sqlite3") == _heads()


def test_the_entrypoint_execs_the_command_it_is_given(tmp_path: Path) -> None:
    env = _env(tmp_path, CANBOT_PYTHON=sys.executable)
    result = subprocess.run(
        ["sh", str(ROOT / "deploy" / "entrypoint.sh"), sys.executable, "-m", "bot", "seed-demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["Skema basis data mutakhir.", "Data demo dimuat."]


def _unit() -> tuple[dict[str, list[str]], dict[str, str]]:
    """The [Service] keys of deploy/canbot.service (every value of each), and its Environment."""
    keys: dict[str, list[str]] = {}
    section = ""
    for raw in (ROOT / "deploy" / "canbot.service").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line
            continue
        key, _, value = line.partition("=")
        keys.setdefault(f"{section}{key}", []).append(value)
    env = dict(
        pair.split("=", 1) for value in keys["[Service]Environment"] for pair in shlex.split(value)
    )
    return keys, env


def test_the_unit_is_hardened_and_restarts_on_failure() -> None:
    keys, env = _unit()
    service = {
        k.removeprefix("[Service]"): v for k, v in keys.items() if k.startswith("[Service]")
    }
    assert service["User"] == ["canbot"]
    assert service["Restart"] == ["on-failure"]
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
    }.items():
        assert service[key] == [value]
    assert service["ReadWritePaths"] == ["/var/lib/canbot"]
    assert env["DATA_DIR"].startswith("/var/lib/canbot/")
    assert env["BACKUP_DIR"].startswith("/var/lib/canbot/")
    assert keys["[Install]WantedBy"] == ["multi-user.target"]


@pytest.mark.parametrize("step", ["ExecStartPre", "ExecStart"])
def test_the_units_command_lines_run(step: str, tmp_path: Path) -> None:
    keys, unit_env = _unit()
    service = {
        k.removeprefix("[Service]"): v for k, v in keys.items() if k.startswith("[Service]")
    }
    # The unit's environment, its folders moved under the test's, and a temporary SQLite.
    env = _env(tmp_path)
    for name, value in unit_env.items():
        env[name] = value.replace("/var/lib/canbot", str(tmp_path / "var"))
    if step == "ExecStart":  # the migration ran first, as systemd does it
        assert _run_unit_line(service["ExecStartPre"][0], env).returncode == 0
    for line in service[step]:
        result = _run_unit_line(line, env)
        assert result.returncode == 0, result.stderr
        if step == "ExecStartPre":
            assert result.stdout.strip() == "Skema basis data mutakhir."
            assert _versions(tmp_path / "canbot.sqlite3") == _heads()
        else:
            # No channel configured and stdin closed: the console demo starts and ends cleanly.
            assert "Data demo dimuat" in result.stderr
            assert "CAN Bot (mode konsol" in result.stderr


def _run_unit_line(line: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    argv = shlex.split(line)
    assert argv[0] == "/opt/canbot/.venv/bin/python"
    return subprocess.run(
        [sys.executable, *argv[1:]],
        cwd=ROOT,  # the unit's WorkingDirectory=/opt/canbot is this checkout
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
