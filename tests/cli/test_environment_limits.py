"""What the environment may hand the program, at its limits: a terminal width that is no
number or is enormous, and a standard output closed by the caller."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _bostad(
    *args: str, columns: str | None, tmp: Path, **kw: object
) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, BOSTAD_LANG="sv", BOSTAD_CONFIG=str(tmp / "none.toml"))
    env.pop("COLUMNS", None)
    if columns is not None:
        env["COLUMNS"] = columns
    return subprocess.run(
        [sys.executable, "-m", "bostadcli", *args], env=env, capture_output=True, **kw
    )


@pytest.mark.parametrize("columns", ["99999999999999999999", "9999999999", "1000000"])
def test_an_enormous_width_is_drawn_at_the_widest(columns: str, tmp_path: Path) -> None:
    done = _bostad("household", "--help", columns=columns, tmp=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    widest = max(len(line) for line in done.stdout.decode().splitlines())
    assert 80 < widest <= 1000


@pytest.mark.parametrize("columns", ["abc", "-5", "0", "", "٨٠", " "])
def test_a_width_that_is_no_number_is_ignored(columns: str, tmp_path: Path) -> None:
    done = _bostad("household", "--help", columns=columns, tmp=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == b"" and "Traceback" not in done.stdout.decode()
    assert b"--help" in done.stdout


def test_a_closed_standard_output_is_no_traceback(tmp_path: Path) -> None:
    env = dict(os.environ, BOSTAD_LANG="sv", BOSTAD_CONFIG=str(tmp_path / "none.toml"))
    # The shell's ">&-": the program starts with no file descriptor 1.
    done = subprocess.run(
        ["sh", "-c", f"exec {sys.executable} -m bostadcli --version >&-"],
        env=env,
        stderr=subprocess.PIPE,
    )
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
