"""The one door to the database.

``open_database`` is the only place that opens the database for a command. It creates
the file owner-only, turns on foreign keys and WAL, sets a busy timeout, and applies the
migrations. ``transaction`` is how every command writes: one ``BEGIN IMMEDIATE`` per
command, so a command either happens whole or not at all.

What it returns is a ``LazyDatabase``: a ``sqlite_utils.Database`` to the code (the same
connection, ``execute`` as sqlite-utils has it, and everything else of sqlite-utils'
``Database`` on first use), so that a command that only reads and writes with SQL
does not import sqlite-utils, a sixth of a short command's start.
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
from typing import TYPE_CHECKING, Any, cast

from bostadcli.errors import BostadError, NotFound
from bostadcli.i18n import _
from bostadcli.os_errors import os_problem

if TYPE_CHECKING:
    from sqlite_utils import Database

MEMORY = ":memory:"
BUSY_TIMEOUT_SECONDS = 30.0
DB_FILENAME = "bostad.sqlite"


def default_db_path() -> Path:
    import platformdirs

    return platformdirs.user_data_path("bostadcli", appauthor=False) / DB_FILENAME


# PRAGMA application_id of a bostadcli database ("Bost" in ASCII): SQLite's header field
# for a program to mark its files, so that another program's file is not taken for one.
APPLICATION_ID = 0x426F7374
_SQLITE_HEADER = b"SQLite format 3\x00"
# SQLite's result codes for a damaged file and for a file that is not a database.
_CORRUPT_CODES = (11, 26)


class DatabaseDamaged(BostadError):
    """The database file is damaged: restore the last backup."""


class NotOurDatabase(BostadError):
    """The file named by --db is not a bostadcli database (another program's, empty)."""


def damaged(path: str | Path, detail: object) -> DatabaseDamaged:
    """The one message for a damaged database: what, where, and how to restore."""
    return DatabaseDamaged(
        _(
            "the database {path} is damaged ({detail}); restore the last backup"
            " (see 'Restoring a backup' in the README, bostad backup)"
        ).format(path=path, detail=detail)
    )


def is_damage(exc: BaseException) -> bool:
    """True for SQLite's errors that mean a damaged file (or one that is no database)."""
    if not isinstance(exc, sqlite3.DatabaseError) or isinstance(exc, sqlite3.IntegrityError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in _CORRUPT_CODES:
        return True
    text = str(exc)
    return "malformed" in text or "not a database" in text


def _create_database(path: Path, *, migrate: bool) -> None:
    """Make a new database at ``path`` whole or not at all: built and migrated under a
    temporary name beside it, then linked into place (a link never replaces, so a
    database made meanwhile by another 'bostad init' is the one kept)."""
    from bostadcli.files import fsync_folder, private_folder, temporary_path

    private_folder(path.parent)
    tmp = temporary_path(path)
    from bostadcli.files import claim, file_mode

    fd = os.open(
        tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), file_mode()
    )
    os.close(claim(fd))
    try:
        conn = sqlite3.connect(tmp, timeout=BUSY_TIMEOUT_SECONDS)
        try:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            if migrate:
                from sqlite_utils import Database

                db = Database(conn, execute_plugins=False)
                conn.create_function("casefold", 1, _casefold, deterministic=True)
                conn.execute("PRAGMA foreign_keys = ON")
                from bostadcli import audit

                audit.set_actor(db, command="bostadcli")
                _migrate(db)
            conn.commit()
        finally:
            conn.close()
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another command created it a moment ago: open that one
        except OSError:
            # A file system without hard links (some network shares): look, then rename.
            if not os.path.lexists(path):
                os.replace(tmp, path)
        fsync_folder(path.parent)
    finally:
        tmp.unlink(missing_ok=True)


def _recognise(path: Path) -> None:
    """Refuse a file that is not a bostadcli database, before SQLite writes to it."""
    import stat

    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise NotOurDatabase(
            _("{path} is not a database file (a device, a pipe or a socket)").format(path=path)
        )
    if st.st_size == 0:
        raise NotOurDatabase(
            _(
                "{path} is an empty file, not a bostadcli database; give the right --db,"
                " or remove the file and run 'bostad init'"
            ).format(path=path)
        )
    with open(path, "rb") as fh:
        header = fh.read(100)
    if not header.startswith(_SQLITE_HEADER):
        raise NotOurDatabase(
            _("{path} is not a bostadcli database (not an SQLite file)").format(path=path)
        )


def _check_owner(conn: sqlite3.Connection, path: Path) -> None:
    """Ours: marked with our application id, or older (unmarked) with our migrations."""
    (app_id,) = conn.execute("PRAGMA application_id").fetchone()
    if app_id == APPLICATION_ID:
        return
    if app_id == 0:
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
        ).fetchone()
        if (
            has_table
            and conn.execute(
                "SELECT 1 FROM _sqlite_migrations WHERE migration_set = 'bostadcli' LIMIT 1"
            ).fetchone()
        ):
            return  # made before databases were marked; migration 0014 marks it
    raise NotOurDatabase(
        _(
            "{path} is an SQLite database of another program, not bostadcli's;"
            " check --db (or BOSTAD_DB)"
        ).format(path=path)
    )


def _unknown_migrations(db: Database) -> list[str]:
    """Migrations applied by a newer bostadcli that this version does not know."""
    from bostadcli.migrations import migrations

    known = set(migrations.names())
    return [name for name in migrations.applied_names(db.conn) if name not in known]


def _pending_migrations(db: Database) -> list[str]:
    """Migrations of this version not yet applied to the database, in their order."""
    from bostadcli.migrations import migrations

    applied = set(migrations.applied_names(db.conn))
    return [name for name in migrations.names() if name not in applied]


# The statements that start or end a transaction: sqlite-utils' ``execute`` does not
# commit the transaction one of them opened (sqlite_utils.db._TRANSACTION_CONTROL_KEYWORDS).
_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE")
# Statements Python's sqlite3 opens a transaction for: never one of those.
_PLAIN_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class LazyDatabase:
    """The connection a command works on, as a ``sqlite_utils.Database``.

    ``conn``, ``execute`` and ``close`` are here, with sqlite-utils' meaning (4.x: a
    statement that opened a transaction of its own is committed, a failed one rolled
    back); anything else (``table``, ``atomic``, ``db[name]``, ...) is sqlite-utils'
    own ``Database`` on the same connection, built the first time it is needed.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._full: Database | None = None
        # As sqlite-utils' Database sets up every connection: a REPLACE that deletes a
        # row fires its delete triggers (the audit log's) too.
        self.execute("PRAGMA recursive_triggers=on;")

    def full(self) -> Database:
        """sqlite-utils' ``Database`` on this connection (imports sqlite-utils)."""
        if self._full is None:
            from sqlite_utils import Database

            # No sqlite-utils plugins: a plugin installed beside bostadcli would run its
            # code on every connection to the case files.
            self._full = Database(self.conn, execute_plugins=False)
        return self._full

    def __getattr__(self, name: str) -> Any:
        # Only for what this class does not have itself. Private names are ours (marks
        # such as _bostad_file, looked up with a default) or sqlite-utils' own.
        if name.startswith("_") or name == "conn":
            raise AttributeError(name)
        return getattr(self.full(), name)

    def __getitem__(self, name: str) -> Any:
        return self.full()[name]

    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor:
        conn = self.conn
        if _in_transaction(conn):
            return conn.execute(sql) if parameters is None else conn.execute(sql, parameters)
        try:
            cursor = conn.execute(sql) if parameters is None else conn.execute(sql, parameters)
        except Exception:
            if _in_transaction(conn):
                # The failed statement opened a transaction nothing would ever commit.
                conn.execute("ROLLBACK")
            raise
        opened = _in_transaction(conn) and cursor.description is None
        if opened and not _opens_its_own(sql):
            conn.execute("COMMIT")
        return cursor

    def close(self) -> None:
        self.conn.close()


def _in_transaction(conn: sqlite3.Connection) -> bool:
    return conn.in_transaction


def _opens_its_own(sql: str) -> bool:
    """True for a statement that began a transaction on purpose (BEGIN, SAVEPOINT), as
    sqlite-utils tells them apart; a plain write is told without importing it."""
    head = sql.lstrip()[:8].upper()
    if head.startswith(_PLAIN_WRITES):
        return False
    from sqlite_utils.db import _first_keyword

    return _first_keyword(sql) in _TRANSACTION_CONTROL


def newer_version_message(db: Database) -> str | None:
    """Why this database must not be written by this version (None: it may be)."""
    unknown = getattr(db, "_bostad_unknown_migrations", None)
    if not unknown:
        return None
    return _(
        "this database was upgraded by a newer bostadcli (migration {name} is unknown"
        " to version {version}); it can be read but not changed: upgrade bostadcli"
    ).format(name=unknown[-1], version=_version())


def _version() -> str:
    from bostadcli import __version__

    return __version__


def open_database(path: str | Path, *, create: bool = False, migrate: bool = True) -> Database:
    """Open (or with ``create``, create) the database at ``path`` and migrate it.

    A file that exists must be a bostadcli database (``_recognise``, ``_check_owner``);
    one migrated by a newer version is opened for reading only (``transaction`` refuses
    to write). A damaged file is ``DatabaseDamaged``.
    """
    identity: tuple[int, int] | None = None
    if str(path) == MEMORY:
        conn = sqlite3.connect(MEMORY, timeout=BUSY_TIMEOUT_SECONDS)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    else:
        path = _existing_file(path, create=create, migrate=migrate)
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS)
        st = os.stat(path)
        identity = (st.st_dev, st.st_ino)
    # sqlite-utils' Database to the code, imported only when a command needs more of it
    # than SQL (see LazyDatabase).
    db = cast("Database", LazyDatabase(conn))
    _add_functions(conn)
    try:
        _set_up(db, conn, path, migrate=migrate)
    except NotOurDatabase:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        if is_damage(exc):
            raise damaged(path, exc) from None
        raise BostadError(
            _("{path} is not a bostadcli database or is damaged: {error}").format(
                path=path, error=exc
            )
        ) from None
    db._bostad_file = (Path(path), identity)  # type: ignore[attr-defined]
    return db


def _existing_file(path: str | Path, *, create: bool, migrate: bool) -> Path:
    """The database file at ``path``, checked, created first if ``create`` and missing,
    and recognised as a bostadcli database (or an empty file)."""
    from bostadcli.validate import path as checked_path

    path = checked_path(Path(path), field="--db")
    if path.is_dir():
        raise BostadError(_("the database path is a folder: {path}").format(path=path))
    if not path.exists():
        if not create:
            raise NotFound(_("no database at {path}: run 'bostad init' first").format(path=path))
        try:
            _create_database(path, migrate=migrate)
        except sqlite3.DatabaseError as exc:
            raise BostadError(
                _("cannot create the database {path}: {error}").format(path=path, error=exc)
            ) from None
        except OSError as exc:
            raise BostadError(
                _("cannot create the database {path}: {error}").format(
                    path=path, error=os_problem(exc, Path(path))
                )
            ) from None
    try:
        _recognise(path)
    except OSError as exc:
        raise BostadError(
            _("cannot read {path}: {error}").format(
                path=path, error=os_problem(exc, Path(path), writing=False)
            )
        ) from None
    return path


def _add_functions(conn: sqlite3.Connection) -> None:
    from bostadcli.search import COMPACT_FUNCTION, FOLD_FUNCTION, compact_text, fold_text

    # SQLite's NOCASE folds ASCII letters only; names here have Å, Ä and Ö.
    conn.create_function("casefold", 1, _casefold, deterministic=True)
    # Text as a search compares it ("ostlund" finds "Östlund"); used only when reading.
    conn.create_function(FOLD_FUNCTION, 1, fold_text, deterministic=True)
    conn.create_function(COMPACT_FUNCTION, 1, compact_text, deterministic=True)


def _set_up(db: Database, conn: sqlite3.Connection, path: str | Path, *, migrate: bool) -> None:
    """Foreign keys, the busy timeout, the owner and WAL for a file, the migrations, and
    the audit log's actor. A database migrated by a newer version is marked read-only."""
    from bostadcli import audit

    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
    if str(path) != MEMORY:
        _check_owner(conn, Path(path))
        _use_wal(conn)
        # FULL: a committed case survives a power cut, not only a crash.
        conn.execute("PRAGMA synchronous = FULL")
    unknown = _unknown_migrations(db)
    if unknown:
        db._bostad_unknown_migrations = unknown  # type: ignore[attr-defined]
    elif migrate and _pending_migrations(db):
        _migrate(db)
    audit.set_actor(db, command="bostadcli")


def _file_gone(db: Database) -> Path | None:
    """The database's path when its file was removed or replaced since it was opened."""
    found: tuple[Path | None, tuple[int, int] | None] = getattr(db, "_bostad_file", (None, None))
    path, identity = found
    if path is None or identity is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return path
    return None if (st.st_dev, st.st_ino) == identity else path


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
def _savepoint(conn: sqlite3.Connection) -> Iterator[None]:
    """A transaction inside the one open: a savepoint, as sqlite-utils' ``atomic`` makes
    it (without importing sqlite-utils for it)."""
    import secrets

    name = f"bostad_{secrets.token_hex(16)}"
    conn.execute(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        # An error such as a RAISE(ROLLBACK) trigger can end the whole transaction,
        # savepoints and all: then there is nothing to roll back to.
        if conn.in_transaction:
            conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
            conn.execute(f"RELEASE SAVEPOINT {name}")
        raise
    conn.execute(f"RELEASE SAVEPOINT {name}")


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """One write transaction: taken immediately, so concurrent writers queue politely."""
    conn = db.conn
    if conn.in_transaction:
        with _savepoint(conn):
            yield db
        return
    from bostadcli import audit

    refused = newer_version_message(db)
    if refused:
        raise BostadError(refused)
    conn.execute("BEGIN IMMEDIATE")
    try:
        audit.begin(db)
        yield db
        audit.end(db)
        gone = _file_gone(db)
        if gone is not None:
            # SQLite would commit into a file no one can open again: not a success.
            raise BostadError(
                _(
                    "the database file {path} was removed or replaced while the command"
                    " ran; nothing was saved"
                ).format(path=gone)
            )
    except BaseException:
        conn.rollback()  # a no-op when the failing statement already ended it
        raise
    else:
        try:
            conn.commit()
        finally:
            # Counted even when an interrupt lands right after the commit returned.
            if not conn.in_transaction:
                _count_commit()


# Write transactions this process has committed. An interrupted command (Ctrl-C) tells
# "nothing was saved" from "interrupted after saving" by it (cli/app.py).
_commits = 0


def _count_commit() -> None:
    global _commits
    _commits += 1


def commits() -> int:
    """How many write transactions this process has committed so far."""
    return _commits


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
    """Insert rows, in order. Rows may leave out fields (the schema's default then
    applies): each run of rows with the same fields is one statement."""
    start = 0
    while start < len(records):
        names = list(records[start])
        end = start + 1
        while end < len(records) and list(records[end]) == names:
            end += 1
        db.conn.executemany(
            f"INSERT INTO [{table}] ({', '.join(f'[{n}]' for n in names)})"
            f" VALUES ({', '.join('?' for _n in names)})",
            [[record[n] for n in names] for record in records[start:end]],
        )
        start = end
