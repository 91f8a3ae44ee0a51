"""A consistent copy of the database while others keep working (SQLite's online backup)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.errors import BostadError
from bostadcli.files import (
    check_target,
    database_files,
    private_folder,
    private_temporary,
    publish_file,
)
from bostadcli.i18n import _

if TYPE_CHECKING:
    from sqlite_utils import Database


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
    ]
    return {n: int(conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]) for n in names}


def backup_database(
    db: Database, dest: Path | str, *, force: bool = False, overwrite: bool = False
) -> dict[str, Any]:
    """Copy the database to ``dest`` (mode 0600) and verify the copy.

    The copy is taken inside one read transaction, so it is the database as it was at one
    moment even while other processes write; the row counts of that moment are compared
    with the copy's, and the copy must pass SQLite's integrity check. The copy is made
    under a temporary name (``files.private_temporary``) and appears whole or not at all.
    ``dest`` may be a folder that exists (the copy gets a dated name in it); a name
    ending in ``/`` must be such a folder. ``overwrite`` is the old name of ``force``.
    """
    force = force or overwrite
    raw = str(dest)
    dest = validate.path(Path(dest), field="DEST")
    named = dest.is_dir() and not dest.is_symlink()
    if named:
        # A folder gets a timestamped file, so nightly backups sort and never collide.
        dest = dest / f"bostad-{datetime.now():%Y%m%d-%H%M%S}.sqlite"
    elif raw.endswith(("/", os.sep)):
        if os.path.lexists(raw.rstrip("/" + os.sep)):
            raise BostadError(_("DEST: not a folder: {path}").format(path=raw))
        raise BostadError(_("DEST: no such folder: {path}").format(path=raw))
    protect = database_files(db)
    # A name given here that is taken gets a number when the copy is put in place.
    check_target(dest, field="DEST", force=force or named, protect=protect)
    try:
        private_folder(dest.parent)
    except OSError as exc:
        from bostadcli.os_errors import os_problem

        raise BostadError(
            _("cannot write {path}: {error}").format(path=dest, error=os_problem(exc, dest))
        ) from None
    with private_temporary(dest) as tmp:
        source = db.conn
        try:
            actual = _copy(source, tmp)
        except sqlite3.OperationalError as exc:
            if "full" not in str(exc):
                raise
            # The copy's disk, not the database's.
            raise BostadError(
                _("cannot write {path}: the disk is full; no backup was made").format(path=dest)
            ) from None
        dest = _publish(tmp, dest, force=force, named=named)
    from bostadcli.audit import record_disclosure

    try:
        # A copy of every case, full personnummer included, now exists outside the
        # database: it stays only when that is recorded.
        record_disclosure(
            db,
            what="backup",
            row_count=actual.get("households", 0),
            include_pnr=True,
            all_cases=True,
            recipient_name=str(dest),
        )
    except BaseException:
        with contextlib.suppress(OSError):
            dest.unlink()
        raise
    return {"path": str(dest), "bytes": dest.stat().st_size, "counts": actual}


def _publish(tmp: Path, dest: Path, *, force: bool, named: bool) -> Path:
    """Put the copy in place. A name the program gave it in a folder (``named``) that
    another backup took in the same second gets a number (``-2``, ``-3``) instead of
    failing: two caseworkers' nightly backups at once both stay."""
    from bostadcli.errors import Conflict

    stem, number = dest.stem, 1
    while True:
        try:
            publish_file(tmp, dest, force=force)
            return dest
        except Conflict:
            if not named or number >= 99:
                raise
            number += 1
            dest = dest.with_name(f"{stem}-{number}{dest.suffix}")


def _copy(source: sqlite3.Connection, tmp: Path) -> dict[str, int]:
    """The database copied into ``tmp`` at one moment and verified; its row counts."""
    target = sqlite3.connect(tmp)
    try:
        source.execute("BEGIN")  # a read snapshot: counts and pages from the same moment
        try:
            expected = _counts(source)
            source.backup(target)
        finally:
            source.rollback()
        target.execute("PRAGMA journal_mode = DELETE")
        problems = [r[0] for r in target.execute("PRAGMA integrity_check") if r[0] != "ok"]
        actual = _counts(target)
    finally:
        target.close()
    if problems or actual != expected:
        raise BostadError(
            _("the backup did not verify and was removed: {detail}").format(
                detail="; ".join(problems) or _("row counts differ")
            )
        )
    return actual
