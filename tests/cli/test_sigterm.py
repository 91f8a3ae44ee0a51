"""SIGTERM (a cron job's time limit, a shutdown) stops a command as Ctrl-C does: what
it had not saved is undone, it says so in one line, and it exits with 143."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bostadcli.errors import Terminated, stop_on_terminate


def test_sigterm_raises_terminated_in_the_main_thread() -> None:
    before = signal.getsignal(signal.SIGTERM)
    try:
        stop_on_terminate()
        with pytest.raises(Terminated):
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)
    finally:
        signal.signal(signal.SIGTERM, before)
    assert issubclass(Terminated, KeyboardInterrupt)


def test_a_command_stopped_by_sigterm_saves_nothing_and_exits_143(
    tmp_path: Path, dump: object
) -> None:
    env = os.environ | {
        "BOSTAD_DB": str(tmp_path / "b.sqlite"),
        "BOSTAD_CONFIG": str(tmp_path / "c.toml"),
        "BOSTAD_LANG": "en",
    }
    bostad = [sys.executable, "-m", "bostadcli"]
    subprocess.run([*bostad, "init"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*bostad, "landlord", "add", "Alingsåshem"], env=env, check=True, capture_output=True
    )
    before = dump(tmp_path / "b.sqlite")  # type: ignore[operator]
    # The import reads its list from standard input, which stays open: it waits there.
    proc = subprocess.Popen(
        [*bostad, "import", "notices", "-", "--landlord", "Alingsåshem"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None
    proc.stdin.write(b"Namn;Skuld\nFia Lund;9000\n")
    proc.stdin.flush()
    time.sleep(1.5)
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 143
    assert err.decode() == (
        "interrupted: bostad import notices; nothing was saved in the database\n"
    )
    assert dump(tmp_path / "b.sqlite") == before  # type: ignore[operator]
