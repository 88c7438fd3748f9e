"""Every command of the README's `console` blocks runs as written, in a copy of the checkout.

A `console` block holds `$ command` lines, each followed by what it prints: a line must be
printed as it stands (in order, other lines may come between), `...` stands for any lines,
and a line that starts or ends with `...` matches the rest of a printed line's end or start.
The copy shares this checkout's `.venv` (as a link), has no `.env` and no data of its own.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"^```console\n(.*?)^```", re.MULTILINE | re.DOTALL)
IGNORED = (".venv", ".git", "data", ".env", "*.pyc", "__pycache__", ".*_cache", ".hypothesis")


@dataclass
class Command:
    """One `$` line and what it must print."""

    line: str
    expected: list[str] = field(default_factory=list)


def readme_commands() -> list[Command]:
    """The commands of every `console` block, in the README's order."""
    commands: list[Command] = []
    for block in BLOCK.findall((ROOT / "README.md").read_text()):
        for line in block.splitlines():
            if line.startswith("$ "):
                commands.append(Command(line[2:]))
            elif line.strip():
                assert commands, f"output before any command: {line!r}"
                commands[-1].expected.append(line.rstrip())
    return commands


def _matches(pattern: str, line: str) -> bool:
    if pattern.startswith("...") and pattern.endswith("...") and len(pattern) > 6:
        return pattern[3:-3] in line
    if pattern.startswith("..."):
        return line.endswith(pattern[3:])
    if pattern.endswith("..."):
        return line.startswith(pattern[:-3])
    return line == pattern


def printed_as_expected(expected: list[str], printed: list[str]) -> bool:
    """Each expected line (but `...`) found in order among the printed lines."""
    at = 0
    for pattern in expected:
        if pattern == "...":
            continue
        while at < len(printed) and not _matches(pattern, printed[at]):
            at += 1
        if at == len(printed):
            return False
        at += 1
    return True


def test_the_matching_rules() -> None:
    assert printed_as_expected(["a", "...", "...z"], ["a", "b", "xyz"])
    assert not printed_as_expected(["b", "a"], ["a", "b"])
    assert printed_as_expected(["Dipulihkan: ..."], ["Dipulihkan: cadangan x"])


def test_every_readme_command_works_as_written(tmp_path: Path) -> None:
    commands = readme_commands()
    assert len(commands) >= 8
    assert all(".venv/bin/python" in c.line for c in commands if "python" in c.line)
    checkout = tmp_path / "canbot"
    shutil.copytree(ROOT, checkout, ignore=shutil.ignore_patterns(*IGNORED), symlinks=True)
    (checkout / ".venv").symlink_to((ROOT / ".venv").resolve())
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "TWILIO_", "DATABASE_URL", "DATA_DIR", "BACKUP_"))
        and not k.startswith(("RETENTION_", "VIRTUAL_ENV", "PYTHON"))
    }
    for command in commands:
        result = subprocess.run(
            ["bash", "-c", command.line],
            cwd=checkout,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        printed = (result.stdout + result.stderr).splitlines()
        assert result.returncode == 0, f"{command.line}\n{result.stderr}"
        assert printed_as_expected(command.expected, [p.rstrip() for p in printed]), (
            f"{command.line}\nexpected {command.expected}\ngot {printed}"
        )
