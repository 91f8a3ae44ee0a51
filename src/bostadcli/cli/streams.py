"""The program's own standard output when the system refuses it: a full disk, a closed
descriptor. Said in one line, once, and never again by the interpreter's final flush."""

import contextlib
import os
import sys
from pathlib import Path

import typer

from bostadcli.errors import one_line
from bostadcli.i18n import _


def output_refused(exc: OSError) -> None:
    """The system refused what was written (a full disk, /dev/full): one line, exit 1."""
    silence_stdout()  # what is still buffered would fail again at exit
    with contextlib.suppress(OSError):  # stderr refused too: the exit code is left
        typer.echo(os_error_line(exc), err=True)
    sys.exit(1)


def os_error_line(exc: OSError) -> str:
    """The one line that reports what the system refused: the path it names, if any,
    and the problem in the user's words (``os_errors.os_problem``)."""
    from bostadcli.os_errors import os_problem

    named = Path(os.fsdecode(exc.filename)) if exc.filename else None
    message = (f"{named}: " if named else "") + os_problem(exc, named)
    return _("error: {message}").format(message=one_line(message))


def silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        # No real file descriptor (a test runner's buffer): nothing will flush to a pipe.
        pass
