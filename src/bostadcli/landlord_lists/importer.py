"""``import_notices``: a landlord's list imported in one transaction, all rows or none."""

from __future__ import annotations

import contextlib
import io
import itertools
import re
import tempfile
import time
from datetime import date
from typing import IO, TYPE_CHECKING

from bostadcli.errors import BostadError, Conflict, InvalidInput
from bostadcli.files import copy_bounded
from bostadcli.i18n import _
from bostadcli.landlord_lists.headings import parse_map, read_columns
from bostadcli.landlord_lists.plan import Plan, data_version, drop, write
from bostadcli.landlord_lists.prepare import ListRows
from bostadcli.landlord_lists.stage import stage_plan
from bostadcli.landlord_lists.summary import ImportSummary
from bostadcli.landlord_lists.text import (
    DELIMITERS,
    IMPORT_MAX_BYTES,
    checked_widths,
    decode_error,
    detect_encoding,
    heading_width,
    is_seekable,
    read_records,
    sniff_delimiter,
)
from bostadcli.rules import RECENTLY_CLOSED_MONTHS

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterator

    from sqlite_utils import Database


class _Stale(Exception):
    """Another command wrote to the database while the list was being prepared."""


# Preparations on a snapshot before the import prepares while holding the write lock.
_ATTEMPTS = 3
# A list whose preparation took longer than this (wall seconds) is not prepared while
# holding the write lock: a colleague's command would wait as long, and it waits at most
# its busy timeout (db.BUSY_TIMEOUT_SECONDS). It is prepared on a snapshot again, up to
# _LONG_ATTEMPTS times in all, and then refused with nothing written.
_LOCKED_PREPARE_MAX = 7.5
_LONG_ATTEMPTS = 6


def import_notices(
    db: Database,
    raw: IO[bytes],
    *,
    source: str,
    as_of: date,
    landlord: str | None = None,
    create_landlord: bool = False,
    dry_run: bool = False,
    encoding: str = "auto",
    delimiter: str = "auto",
    mapping: list[str] | None = None,
    recently_closed_months: int = RECENTLY_CLOSED_MONTHS,
) -> ImportSummary:
    """Import a landlord's list; all rows or none.

    Every row is read, checked and matched while other commands may still write
    (``plan``); the rows are then written in one short write transaction. When another
    command wrote meanwhile the list is prepared again on what is there now, at last
    while holding the write lock.
    """
    if delimiter not in DELIMITERS:
        raise InvalidInput("--delimiter", delimiter, _("use auto, ';', ',' or a tab"))
    columns_map = parse_map(mapping or [])
    with contextlib.ExitStack() as stack:
        stream = raw
        if not is_seekable(raw):
            # Detecting the encoding reads the whole file once; standard input cannot be
            # rewound, so it goes to a temporary file first (on disk, not in memory).
            stream = stack.enter_context(tempfile.TemporaryFile())
            copy_bounded(raw, stream, limit=IMPORT_MAX_BYTES, field=source)
            stream.seek(0)
        found_encoding = detect_encoding(stream, encoding, source)
        start = stream.tell()
        locked = False
        for attempt in itertools.count(1):
            began = time.monotonic()
            summary = ImportSummary(source=source, dry_run=dry_run, encoding=found_encoding)
            stream.seek(start)
            text = io.TextIOWrapper(stream, encoding=summary.encoding, newline="")
            try:
                _read(
                    db,
                    text,
                    summary,
                    columns_map,
                    delimiter,
                    landlord,
                    create_landlord,
                    as_of,
                    recently_closed_months,
                    locked=locked,
                )
            except UnicodeDecodeError:
                # The reader decodes ahead in blocks; find the line in the bytes themselves.
                raise decode_error(stream, summary.source, summary.encoding) from None
            except _Stale:
                locked = _next_locked(attempt, time.monotonic() - began, source)
                continue
            finally:
                text.detach()
            return summary
    raise AssertionError("an attempt returns or raises")  # pragma: no cover


def _next_locked(attempts: int, took: float, source: str) -> bool:
    """After ``attempts`` preparations that another command's write made stale, the last
    taking ``took`` seconds: whether to prepare the next while holding the write lock."""
    if took <= _LOCKED_PREPARE_MAX:
        return attempts >= _ATTEMPTS - 1
    if attempts >= _LONG_ATTEMPTS:
        raise Conflict(
            _(
                "{file}: other commands wrote to the database {n} times while the list was"
                " being checked; nothing was saved: import it again when fewer are writing"
            ).format(file=source, n=attempts)
        )
    return False


def _read(
    db: Database,
    text: IO[str],
    summary: ImportSummary,
    columns_map: dict[str, str],
    delimiter: str,
    landlord: str | None,
    create_landlord: bool,
    as_of: date,
    recently_closed_months: int,
    *,
    locked: bool,
) -> None:
    source = summary.source
    first = text.readline()
    while first and not first.strip():
        first = text.readline()
    if not first:
        raise BostadError(
            _("{file} is empty: expected a heading row and one row per tenant").format(file=source)
        )
    skipped = 0
    match = re.fullmatch(r"sep=(.)\r?\n?", first)
    if match is not None:
        # Excel's own hint on the first line: "sep=;".
        summary.delimiter = match.group(1)
        skipped = 1
    else:
        summary.delimiter = sniff_delimiter(first)
        text.seek(0)
    if delimiter != "auto":
        summary.delimiter = delimiter
    records = read_records(text, summary.delimiter, skipped + 1, summary.source)
    try:
        while True:
            header_line, header = next(records)
            if any(cell.strip() for cell in header):
                break
    except StopIteration:
        raise BostadError(
            _("{file} is empty: expected a heading row and one row per tenant").format(
                file=summary.source
            )
        ) from None
    columns = read_columns(
        header,
        columns_map,
        summary,
        _("{file}, line {line}").format(file=summary.source, line=header_line),
    )
    rows = ListRows(
        checked_widths(records, heading_width(header), source),
        columns,
        summary,
        landlord,
        create_landlord,
        as_of,
        recently_closed_months,
    )
    _run(db, rows, summary, locked=locked)


def _run(db: Database, rows: ListRows, summary: ImportSummary, *, locked: bool) -> None:
    """Prepare the plan, then write it: on a snapshot first, under the write lock when
    ``locked`` (or when the caller's transaction holds it already)."""
    from bostadcli.db import transaction

    conn = db.conn
    try:
        if locked or conn.in_transaction:
            with transaction(db):
                plan = rows.plan(db)
                if not summary.dry_run:
                    write(db, plan)
            return
        conn.execute("BEGIN")
        try:
            plan = rows.plan(db)
            if not summary.dry_run:
                # The rows and audit rows it writes, made on the same snapshot.
                stage_plan(db, plan)
        finally:
            # A read transaction of the database; what it wrote is the plan, in the
            # connection's temporary tables.
            conn.commit()
        if summary.dry_run:
            return
        prepared(plan)
        if plan.empty:
            return
        with _copy_cache(conn), transaction(db):
            if data_version(conn) != plan.data_version:
                raise _Stale
            write(db, plan)
    finally:
        drop(conn)


# The page cache while the staged rows are copied under the write lock (KiB; SQLite's
# default is 2 000). The copy inserts into indexes whose keys come in no order (the
# fingerprints of the rows remembered, addresses, personnummer): with the default, most
# of their pages are written out to the log and read back again while the lock is held.
# A fixed size, whatever the length of the list, so memory stays flat; measured, a
# larger one saved no more.
_COPY_CACHE_KIB = 4096


@contextlib.contextmanager
def _copy_cache(conn: sqlite3.Connection) -> Iterator[None]:
    """The page cache at least ``_COPY_CACHE_KIB`` for the block, as it was after."""
    (size,) = conn.execute("PRAGMA main.cache_size").fetchone()
    (page,) = conn.execute("PRAGMA main.page_size").fetchone()
    kib = -int(size) if int(size) < 0 else int(size) * int(page) // 1024
    if kib >= _COPY_CACHE_KIB:
        yield
        return
    conn.execute(f"PRAGMA main.cache_size = -{_COPY_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA main.cache_size = {int(size)}")


def prepared(plan: Plan) -> None:
    """Called between preparing a plan and taking the write lock (tests hook in here)."""
