"""What a command says when SQLite refuses it or it is stopped: the one line, and the
exit code."""

from __future__ import annotations

import sqlite3

import typer

from bostadcli.cli.context import AppState
from bostadcli.errors import one_line
from bostadcli.i18n import _

# SQLite's primary result codes for a database the login may not write, and a full disk.
_SQLITE_READONLY = 8
_SQLITE_FULL = 13


def database_problem(ctx: typer.Context, exc: sqlite3.DatabaseError) -> str:
    """The one line for an error SQLite gave: what is wrong with which file, and what
    to do, where that is known."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    where = ctx.obj.resolved_db_path() if isinstance(ctx.obj, AppState) else "--db"
    if code == _SQLITE_READONLY:
        return _(
            "error: cannot write the database {path}: the file, its -wal or -shm file, or"
            " its folder is read-only for your login; nothing was changed"
        ).format(path=where)
    if code == _SQLITE_FULL:
        return _(
            "error: the disk that holds the database {path} is full; nothing was changed"
        ).format(path=where)
    return _("database error: {error}").format(error=one_line(str(exc)))


def interrupt_code(exc: BaseException) -> int:
    """130 after Ctrl-C (CLI.md), 143 after SIGTERM (``errors.Terminated``; Click turns
    an interrupt outside a command into an Abort caused by it)."""
    from bostadcli.errors import Terminated

    stopped = isinstance(exc, Terminated) or isinstance(exc.__context__, Terminated)
    return 143 if stopped else 130
