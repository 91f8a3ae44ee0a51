"""Why a letter failed, in one line."""

from __future__ import annotations

from bostadcli.errors import BostadError
from bostadcli.i18n import _


def failure_message(exc: BaseException) -> str:
    """One line on why a letter failed. An error the program did not foresee comes from
    a case whose records cannot be read (written past the program, or damaged): say
    so, and keep its text (which may hold anything) on one short line."""
    from bostadcli.errors import one_line, shown

    if isinstance(exc, BostadError):
        return one_line(exc.message)
    return _("the case's records cannot be read ({error}): correct them, then run again").format(
        error=shown(f"{type(exc).__name__}: {exc}", 160)
    )
