"""Help, the version and a group's help written to a full disk (/dev/full) end as any
command does there: one line in the user's language and exit code 1, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")


def bostad(
    args: list[str], tmp_path: Path, *, full: bool = True
) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")
        and not key.startswith("BOSTAD_")
    }
    env |= {
        "BOSTAD_DB": str(tmp_path / "bostad.sqlite"),
        "BOSTAD_CONFIG": str(tmp_path / "config.toml"),
        "NO_COLOR": "1",
    }
    with open("/dev/full" if full else os.devnull, "w") as out:
        return subprocess.run(
            [sys.executable, "-m", "bostadcli", *args],
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=120,
        )


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["-h"],
        ["--version"],
        [],
        ["household"],
        ["household", "--help"],
        ["household", "list", "--help"],
        ["household", "list"],
    ],
    ids=lambda a: " ".join(a) or "bare",
)
def test_output_to_a_full_disk_is_one_line(tmp_path: Path, args: list[str]) -> None:
    assert bostad(["init"], tmp_path, full=False).returncode == 0
    assert bostad(["household", "add", "Anna Ek"], tmp_path, full=False).returncode == 0
    result = bostad(args, tmp_path)
    assert result.stderr == "fel: disken är full\n", result.stderr
    assert result.returncode == 1
