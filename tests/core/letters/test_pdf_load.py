"""WeasyPrint is imported without ctypes' library search starting ldconfig, gcc or ld;
when that first try fails, the usual import runs, and what WeasyPrint printed on the way
is never left on standard output."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the shortcut is for Linux only"
)


def _run(code: str, path: Path | None = None) -> subprocess.CompletedProcess[str]:
    env_path = [str(path)] if path else []
    program = "import sys; sys.path[:0] = " + repr(env_path) + "\n" + textwrap.dedent(code)
    return subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=120
    )


def test_weasyprint_loads_without_starting_a_process() -> None:
    pytest.importorskip("weasyprint")
    done = _run(
        """
        import subprocess
        started = []
        real = subprocess.Popen.__init__
        def recorded(self, args, *rest, **options):
            started.append(args)
            real(self, args, *rest, **options)
        subprocess.Popen.__init__ = recorded
        from bostadcli.pdf import weasyprint
        module = weasyprint()
        assert module.HTML is not None
        print(len(started), started[:3])
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("0 "), done.stdout


def test_the_usual_import_runs_when_the_first_fails(tmp_path: Path) -> None:
    """A WeasyPrint that needs ``find_library`` (a library on a path only its search
    knows) is imported the second time; its banner of the first try is not printed."""
    package = tmp_path / "weasyprint"
    package.mkdir()
    (package / "__init__.py").write_text(
        textwrap.dedent(
            """
            import ctypes.util
            from . import ffi
            HTML = object()
            """
        )
    )
    (package / "ffi.py").write_text(
        textwrap.dedent(
            """
            import ctypes.util
            if ctypes.util.find_library("c") is None:
                print("WeasyPrint could not import some external libraries")
                raise OSError("cannot load library 'pango'")
            """
        )
    )
    done = _run(
        """
        import sys
        from bostadcli.pdf_load import import_weasyprint
        module = import_weasyprint()
        assert module.HTML is not None
        import ctypes.util
        assert ctypes.util.find_library.__module__ == "ctypes.util"
        print("ok", sorted(n for n in sys.modules if n.startswith("weasyprint")))
        """,
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "ok ['weasyprint', 'weasyprint.ffi']\n"


def test_a_missing_library_is_still_reported(tmp_path: Path) -> None:
    """When neither try loads the library, the error is the one ``pdf`` words."""
    package = tmp_path / "weasyprint"
    package.mkdir()
    (package / "__init__.py").write_text(
        "print('WeasyPrint could not import some external libraries')\n"
        "raise OSError(\"cannot load library 'pango-1.0-0'\")\n"
    )
    done = _run(
        """
        from bostadcli.pdf import PdfUnavailable, weasyprint
        try:
            weasyprint()
        except PdfUnavailable as exc:
            print("unavailable:", exc.message)
        """,
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "unavailable:" in done.stdout and "pango-1.0-0" in done.stdout
    assert "could not import" not in done.stdout
