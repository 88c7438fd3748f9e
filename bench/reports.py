"""The half-year report benchmark (bench/bench_reports.py), its figures read into the table."""

from __future__ import annotations

import re
import subprocess
import sys

from bench.common import ROOT, Row

# bench_reports prints `<name padded> <value> <unit>   target < <n> <unit> OK|MISSED`.
_LINE = re.compile(
    r"^(?P<name>half-year report, both files|peak Python memory \(tracemalloc\)|"
    r"peak RSS of the process \(ru_maxrss\))\s+(?P<value>[\d.]+ (?:s|MB))\s+"
    r"target < (?P<target>[\d.]+ (?:s|MB))\s+(?P<verdict>OK|MISSED)\s*$"
)


def run() -> list[Row]:
    """Run `python -m bench.bench_reports` in a fresh process and turn its lines into rows."""
    found = subprocess.run(
        [sys.executable, "-m", "bench.bench_reports"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    rows: list[Row] = []
    synthetic = ""
    for line in found.stdout.splitlines():
        if line.startswith("Synthetic year:"):
            synthetic = line.removeprefix("Synthetic year: ")
        match = _LINE.match(line)
        if match:
            rows.append(
                Row(
                    f"Half-year report: {match['name']}",
                    "-",
                    match["value"],
                    target=f"< {match['target']}",
                    ok=match["verdict"] == "OK",
                    note=f"python -m bench.bench_reports, over a synthetic year: {synthetic}"
                    if not rows
                    else "",
                )
            )
    if len(rows) != 3:
        raise RuntimeError(f"bench_reports printed no figures:\n{found.stdout}\n{found.stderr}")
    return rows
