"""The command-line face of bostadcli: thin Typer modules over the plain core.

Importing this package does no work; ``main`` picks the language first (help texts are
translated when the command modules are imported), then builds and runs the app;
``run``, the program's entry point, then ends the process without Python's teardown.
"""

from __future__ import annotations

import os
import sys


def _config_language(argv: list[str]) -> str | None:
    """The language set in the config file, read cheaply before anything else."""
    import tomllib
    from pathlib import Path

    path: str | None = None
    for i, arg in enumerate(argv):
        if arg == "--config" and i + 1 < len(argv):
            path = argv[i + 1]
        elif arg.startswith("--config="):
            path = arg.split("=", 1)[1]
    if path is None:
        path = os.environ.get("BOSTAD_CONFIG")
    if path is None:
        from bostadcli.config import default_config_path

        candidate = default_config_path()
    else:
        candidate = Path(path)
    from bostadcli.errors import BostadError
    from bostadcli.file_reading import open_for_reading, read_bounded

    try:
        # A pipe or a device named as the config must not hang the start: refused here
        # quietly, and with a message when the config is read for the command.
        with open_for_reading(candidate, field="--config", limit=1_000_000) as fh:
            data = read_bounded(fh, limit=1_000_000, field="--config")
        value = tomllib.loads(data.decode("utf-8")).get("general", {}).get("language")
    except (OSError, ValueError, RecursionError, AttributeError, BostadError):
        return None
    return str(value) if value else None


# The widest terminal a screen is drawn for: a larger COLUMNS (a typo, a hostile
# environment) would have help and tables padded to millions of characters.
MAX_COLUMNS = 1000


def _sane_environment() -> None:
    """A terminal width the screens can be drawn at, and a standard output to write to.

    ``COLUMNS`` that is not a whole number from 1 is ignored (the terminal's own width
    is asked), and a larger one than ``MAX_COLUMNS`` is taken as that. A standard
    output closed by the caller (``>&-``) becomes the null device, as the output would
    go nowhere anyway, instead of a traceback."""
    columns = os.environ.get("COLUMNS")
    if columns is not None:
        digits = columns.strip()
        if not (digits.isascii() and digits.isdigit() and int(digits) > 0):
            del os.environ["COLUMNS"]
        elif len(digits) > 6 or int(digits) > MAX_COLUMNS:
            os.environ["COLUMNS"] = str(MAX_COLUMNS)
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the process


def main() -> None:
    from bostadcli import i18n
    from bostadcli.errors import stop_on_terminate

    stop_on_terminate()
    _sane_environment()
    argv = sys.argv[1:]
    i18n.setup(i18n.detect_language(argv, os.environ, lambda: _config_language(argv)))
    from bostadcli.cli.app import app

    app(prog_name="bostad")


def run() -> None:
    """The ``bostad`` program (the script and ``python -m bostadcli``): ``main``, then
    the process ends at once. Code that calls ``main`` itself gets its ``SystemExit``,
    as from any Click program."""
    try:
        main()
    except SystemExit as done:
        _leave(done.code)
    _leave(0)


def _leave(code: str | int | None) -> None:
    """End the process once the command is done, without Python's teardown.

    By now the command has closed its database and flushed its output. What is left for
    the interpreter is to tear down every module and object one by one, which costs a
    short command about a tenth of its time. The exit handlers are run and the
    standard streams flushed as at a normal exit; then the process ends with its code.
    """
    import atexit
    import threading

    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    if any(t.is_alive() and not t.daemon for t in others):
        sys.exit(code)  # a thread still at work: the normal exit waits for it
    atexit._run_exitfuncs()
    status = _status(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            status = status or 120  # what Python's own exit gives for an unflushable stream
    os._exit(status)


def _status(code: str | int | None) -> int:
    """The exit status ``sys.exit(code)`` gives."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1
