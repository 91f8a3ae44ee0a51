"""The one door to the database.

``open_database`` is the only place that builds a ``sqlite_utils.Database``. It creates
the file owner-only, turns on foreign keys and WAL, sets a busy timeout, and applies the
migrations. ``transaction`` is how every command writes: one ``BEGIN IMMEDIATE`` per
command, so a command either happens whole or not at all.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bostadcli.errors import BostadError, NotFound
from bostadcli.i18n import _

if TYPE_CHECKING:
    from sqlite_utils import Database

MEMORY = ":memory:"
BUSY_TIMEOUT_SECONDS = 30.0
DB_FILENAME = "bostad.sqlite"


def default_db_path() -> Path:
    import platformdirs

    return platformdirs.user_data_path("bostadcli", appauthor=False) / DB_FILENAME


def _create_private_file(path: Path) -> None:
    """Create an empty file readable by the owner only (before SQLite writes to it)."""
    from bostadcli.files import private_folder

    private_folder(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def open_database(path: str | Path, *, create: bool = False, migrate: bool = True) -> Database:
    """Open (or with ``create``, create) the database at ``path`` and migrate it."""
    from sqlite_utils import Database

    from bostadcli.migrations import migrations

    if str(path) == MEMORY:
        conn = sqlite3.connect(MEMORY, timeout=BUSY_TIMEOUT_SECONDS)
    else:
        from bostadcli.validate import path as checked_path

        path = checked_path(Path(path), field="--db")
        if path.is_dir():
            raise BostadError(_("the database path is a folder: {path}").format(path=path))
        if not path.exists():
            if not create:
                raise NotFound(
                    _("no database at {path}: run 'bostad init' first").format(path=path)
                )
            try:
                _create_private_file(path)
            except FileExistsError:
                pass  # another command created it a moment ago: open that one
            except OSError as exc:
                raise BostadError(
                    _("cannot create the database {path}: {error}").format(
                        path=path, error=exc.strerror
                    )
                ) from None
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS)
    # No sqlite-utils plugins: a plugin installed beside bostadcli would run its code on
    # every connection to the case files, and finding plugins reads the metadata of
    # every installed package, a good part of a command's start.
    db = Database(conn, execute_plugins=False)
    # SQLite's NOCASE folds ASCII letters only; names here have Å, Ä and Ö.
    conn.create_function("casefold", 1, _casefold, deterministic=True)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        if str(path) != MEMORY:
            _use_wal(conn)
            # FULL: a committed case survives a power cut, not only a crash.
            conn.execute("PRAGMA synchronous = FULL")
        from bostadcli import audit

        if migrate and migrations.pending(db):
            _migrate(db)
        audit.set_actor(db, command="bostadcli")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise BostadError(
            _("{path} is not a bostadcli database or is damaged: {error}").format(
                path=path, error=exc
            )
        ) from None
    return db


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch to write-ahead logging (readers and one writer at a time, no waiting).

    Switching a new file needs it to itself, and SQLite does not wait for that with the
    busy timeout: a command that opens the file while another is still creating it
    tries again for as long as it would wait for any other lock.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            busy = exc.sqlite_errorcode in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _migrate(db: Database) -> None:
    """Apply the pending migrations and refresh the audit triggers, as one writer.

    The first commands after an upgrade may start together (a cron job and two
    caseworkers): the write lock is taken before looking again at what is pending, so
    the others wait and then find nothing left to do, instead of applying the same
    migration twice.
    """
    from bostadcli import audit
    from bostadcli.migrations import migrations

    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        if migrations.pending(db):
            # Inside this transaction each migration becomes a savepoint: all or none.
            migrations.apply(db)
            audit.refresh_triggers(db)
    except BaseException:
        conn.rollback()
        raise
    else:
        conn.commit()


def _casefold(value: str | None) -> str | None:
    # Names are compared normalised (validate.name_key): a no-break space, a zero-width
    # character or a decomposed ö does not make another name.
    if not isinstance(value, str):
        return value
    from bostadcli.validate import name_key

    return name_key(value)


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """One write transaction: taken immediately, so concurrent writers queue politely."""
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():
            yield db
        return
    from bostadcli import audit

    conn.execute("BEGIN IMMEDIATE")
    try:
        audit.begin(db)
        yield db
        audit.end(db)
    except BaseException:
        conn.rollback()  # a no-op when the failing statement already ended it
        raise
    else:
        conn.commit()


def now_utc() -> str:
    """A timestamp for created/updated columns: ISO 8601, UTC, seconds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def readable_by_others(path: str | Path) -> bool:
    """True when group or others may read the file (the CLI warns about it)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return bool(mode & (stat.S_IRGRP | stat.S_IROTH | stat.S_IWGRP | stat.S_IWOTH))


def next_counter(db: Database, name: str) -> int:
    """Allocate the next number of a named sequence inside the current transaction.

    Numbers are never reused, even when the record that took one is later deleted.
    """
    row = db.execute(
        "INSERT INTO counters (name, value) VALUES (?, 1) "
        "ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value",
        [name],
    ).fetchone()
    return int(row[0])


def rows(db: Database, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    """Run a query and return its rows as dicts."""
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def one(db: Database, sql: str, params: Any = ()) -> dict[str, Any] | None:
    found = rows(db, sql, params)
    return found[0] if found else None


def insert(db: Database, table: str, record: dict[str, Any]) -> int:
    """Insert one row and return its id.

    Plain SQL rather than ``Table.insert``: that one inspects the schema on every call,
    which dominates a bulk import of a landlord's list.
    """
    names = list(record)
    cursor = db.execute(
        f"INSERT INTO [{table}] ({', '.join(f'[{n}]' for n in names)})"
        f" VALUES ({', '.join('?' for _n in names)})",
        [record[n] for n in names],
    )
    return int(cursor.lastrowid or 0)


def insert_many(db: Database, table: str, records: list[dict[str, Any]]) -> None:
    """Insert rows that all have the same fields."""
    if not records:
        return
    names = list(records[0])
    db.conn.executemany(
        f"INSERT INTO [{table}] ({', '.join(f'[{n}]' for n in names)})"
        f" VALUES ({', '.join('?' for _n in names)})",
        [[record[n] for n in names] for record in records],
    )
