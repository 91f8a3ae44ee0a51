"""Errors as values: every failure a user can cause is a BostadError with an exit code.

The CLI turns these into one line on stderr (see ``cli/app.py``); nothing else in the
program prints an error or exits.
"""

from __future__ import annotations

import re


class Terminated(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM: a cron job's time limit, a shutdown): it
    stops as after Ctrl-C, undoing what it had not saved and giving back what it had
    claimed, and exits with 143 (128 + the signal's number), as a program killed by it."""


def stop_on_terminate() -> None:
    """From now on, SIGTERM raises ``Terminated`` in the main thread, as Ctrl-C raises
    KeyboardInterrupt: the command's ``finally`` blocks and rollbacks run."""
    import signal

    def terminated(_signum: int, _frame: object) -> None:
        raise Terminated

    signal.signal(signal.SIGTERM, terminated)


class BostadError(Exception):
    """A domain error: not found, invalid input, refused. Exit code 1."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFound(BostadError):
    """A reference that names nothing in the database."""


class InvalidInput(BostadError):
    """A value that cannot be accepted; names the field and the value."""

    def __init__(self, field: str, value: object, reason: str) -> None:
        from bostadcli.i18n import _

        self.field = field
        self.value = value
        self.reason = reason
        shown = _shorten(str(value))
        super().__init__(
            _("{field}: {reason}: '{value}'").format(field=field, reason=reason, value=shown)
        )

    def located(self, where: str) -> InvalidInput:
        """The same error, prefixed with where it happened (file, line)."""
        err = InvalidInput(self.field, self.value, self.reason)
        err.message = f"{where}: {self.message}"
        return err


class ConsentRequired(BostadError):
    """Personal data would go to a recipient without valid consent."""


class Conflict(BostadError):
    """The request contradicts the state of the record (e.g. paying a cancelled plan)."""


class UsageError(BostadError):
    """The command line itself is wrong. Exit code 2, like Click's usage errors."""

    exit_code = 2


class BatchFailed(BostadError):
    """A batch finished, but some items failed. Exit code 3."""

    exit_code = 3


def shown(value: object, limit: int = 80) -> str:
    """A value typed by someone, fit to quote in a one-line message."""
    return _shorten(str(value), limit)


# Line breaks, control characters and the marks that reorder the rest of a line
# (U+202A–U+202E, U+2066–U+2069): a quoted value could otherwise forge a second line or
# turn the message around on the screen.
_UNSAFE_IN_A_LINE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def one_line(message: str, limit: int = 500) -> str:
    """A whole message on one line of a readable length, whatever it quotes."""
    text = _UNSAFE_IN_A_LINE.sub("\N{REPLACEMENT CHARACTER}", message)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shorten(text: str, limit: int = 80) -> str:
    # Keep error lines to one line and a readable length, whatever was typed.
    # Spaces other than " " (babel's no-break spaces in "14 900 kr") read as spaces;
    # other unprintable characters (newlines, escapes) as U+FFFD, so they stay visible.
    text = "".join(
        ch
        if ch.isprintable()
        else " "
        if ch.isspace() and ch not in "\n\r\t\v\f"
        else "\N{REPLACEMENT CHARACTER}"
        for ch in text
    )
    return text if len(text) <= limit else text[: limit - 1] + "…"
