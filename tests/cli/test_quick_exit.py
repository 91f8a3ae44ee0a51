"""The program ends without Python's module teardown once a command is done (``cli.run``),
and still ends as a normal exit would: the exit handlers run, the output is whole, the
exit status is the command's, and a thread still at work is waited for."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest


def _run(snippet: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``bostadcli.cli.run`` run as the ``bostad`` script runs it, after ``snippet``."""
    code = textwrap.dedent(snippet) + textwrap.dedent(
        f"""
        import sys
        sys.argv = ["bostad", *{list(args)!r}]
        from bostadcli.cli import run
        run()
        raise SystemExit("run returned")
        """
    )
    env = dict(os.environ, BOSTAD_LANG="en", BOSTAD_CONFIG=str(cwd / "missing.toml"))
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True
    )


def test_exit_handlers_run_and_the_output_is_whole(tmp_path: Path) -> None:
    marker = tmp_path / "handler-ran"
    done = _run(
        f"""
        import atexit, pathlib
        atexit.register(pathlib.Path({str(marker)!r}).write_text, "yes")
        """,
        "--help",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert marker.read_text() == "yes"
    # The whole help, to its last line, not cut at a buffer's edge.
    assert "household" in done.stdout and done.stdout.rstrip().endswith("─╯")
    assert "run returned" not in done.stderr


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (("--version",), 0),
        (("household", "shwo"), 2),  # a typo: a usage error
        (("--db", "{tmp}/none/bostad.sqlite", "household", "show", "2026-0001"), 1),
    ],
)
def test_the_exit_status_is_the_commands(
    tmp_path: Path, args: tuple[str, ...], status: int
) -> None:
    done = _run("", *(a.format(tmp=tmp_path) for a in args), cwd=tmp_path)
    assert done.returncode == status, done.stderr
    assert "Traceback" not in done.stderr
    if status:
        assert done.stderr.strip()


def test_a_thread_still_at_work_is_waited_for(tmp_path: Path) -> None:
    marker = tmp_path / "thread-done"
    done = _run(
        f"""
        import pathlib, threading, time
        def work():
            time.sleep(0.5)
            pathlib.Path({str(marker)!r}).write_text("done")
        threading.Thread(target=work).start()
        """,
        "--version",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert marker.read_text() == "done"


def test_a_message_as_exit_code_is_printed_with_status_one(tmp_path: Path) -> None:
    from bostadcli.cli import _status

    assert _status(None) == 0
    assert _status(3) == 3
    assert _status(256 + 2) == 2
    done = subprocess.run(
        [sys.executable, "-c", "from bostadcli.cli import _leave; _leave('gone wrong')"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 1 and done.stderr.strip() == "gone wrong"
