"""A reader that stops early (`| head -c 100`) ends every command the same way.

Exit 141 (as a process killed by SIGPIPE) and nothing on stderr, whatever writes the
output: the line drawer, rich, the CSV and JSON writers; with standard output buffered
or not (PYTHONUNBUFFERED). The database is big enough that the output fills the pipe,
so the command is still writing when the reader goes away.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

EXIT_BROKEN_PIPE = 141
COPIES = 1500


def _bostad_env(folder: Path, unbuffered: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONUNBUFFERED", "COLUMNS")}
    env |= {
        "BOSTAD_DB": str(folder / "bostad.sqlite"),
        "BOSTAD_CONFIG": str(folder / "config.toml"),
        "BOSTAD_LANG": "sv",
    }
    if unbuffered:
        env["PYTHONUNBUFFERED"] = unbuffered
    return env


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo caseload with one of its open cases copied COPIES times, through SQL."""
    folder = tmp_path_factory.mktemp("big") / "demo"
    env = _bostad_env(folder, "")
    subprocess.run(
        [sys.executable, "-m", "bostadcli", "demo", "--out", str(folder)],
        env=env,
        check=True,
        capture_output=True,
    )
    conn = sqlite3.connect(folder / "bostad.sqlite")
    src = conn.execute(
        "SELECT id FROM households WHERE status = 'open' AND voided_at IS NULL"
        " AND id IN (SELECT household_id FROM notices) LIMIT 1"
    ).fetchone()[0]

    def columns(table: str) -> list[str]:
        return [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] != "id"]

    hcols = columns("households")
    for table in ("members", "notices"):
        assert "household_id" in columns(table)
    with conn:
        for i in range(COPIES):
            hid = 100_000 + i
            picked = ", ".join("?" if c == "ref" else c for c in hcols)
            conn.execute(
                f"INSERT INTO households (id, {', '.join(hcols)})"
                f" SELECT {hid}, {picked} FROM households WHERE id = ?",
                (f"2025-{5000 + i}", src),
            )
            for table in ("members", "notices"):
                cols = columns(table)
                picked = ", ".join(str(hid) if c == "household_id" else c for c in cols)
                conn.execute(
                    f"INSERT INTO {table} ({', '.join(cols)})"
                    f" SELECT {picked} FROM {table} WHERE household_id = ?",
                    (src,),
                )
    conn.close()
    return folder


CASES = [
    ("household list", ""),  # the line drawer
    ("household list", "1"),
    ("household list --format csv", "1"),
    ("export households", ""),  # the CSV writer
    ("export households --format json", "1"),
    ("report deadlines", "1"),  # rich
    ("report deadlines --format csv", ""),
    ("notice list --format jsonl", "1"),
    ("audit", "1"),
]


@pytest.mark.parametrize(("command", "unbuffered"), CASES)
def test_a_reader_that_stops_early_ends_the_command_with_141(
    big: Path, command: str, unbuffered: str
) -> None:
    env = _bostad_env(big, unbuffered)
    whole = subprocess.run(
        [sys.executable, "-m", "bostadcli", *command.split()], env=env, capture_output=True
    )
    assert whole.returncode == 0, whole.stderr
    assert len(whole.stdout) > 200_000  # more than any pipe buffer holds
    proc = subprocess.Popen(
        [sys.executable, "-m", "bostadcli", *command.split()],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.read(100)
    proc.stdout.close()
    stderr = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=60) == EXIT_BROKEN_PIPE, stderr
    assert stderr == b""
    assert first == whole.stdout[:100]
