"""WeasyPrint's first import from several threads at once: standard output and
``ctypes.util.find_library`` are the program's own again afterwards, and what other
threads write to standard output meanwhile is not lost."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("weasyprint")


def _run(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_threads_importing_at_once_leave_stdout_and_find_library_as_they_were() -> None:
    done = _run(
        """
        import ctypes.util, sys, threading, time
        from bostadcli import pdf

        stdout, looking = sys.stdout, ctypes.util.find_library
        threads = [threading.Thread(target=pdf.weasyprint) for _ in range(4)]
        for thread in threads:
            thread.start()
            time.sleep(0.01)
        for thread in threads:
            thread.join()
        assert sys.stdout is stdout, sys.stdout
        assert ctypes.util.find_library is looking, ctypes.util.find_library
        print("after")
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "after\n", done.stdout


def test_another_threads_output_during_the_import_is_kept() -> None:
    done = _run(
        """
        import sys, threading
        from bostadcli import pdf

        started = threading.Event()
        imported = threading.Event()

        def talk():
            n = 0
            started.set()
            while not imported.is_set():
                print(f"line {n}")
                n += 1
            print(f"lines {n}")

        talker = threading.Thread(target=talk)
        talker.start()
        started.wait()
        pdf.weasyprint()
        imported.set()
        talker.join()
        """
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1].startswith("lines "), lines[-3:]
    count = int(lines[-1].split()[1])
    assert count > 0 and lines[:-1] == [f"line {n}" for n in range(count)]
