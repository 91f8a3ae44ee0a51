"""A consistent copy of the database while others keep working (SQLite's online backup)."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.errors import BostadError, Conflict
from bostadcli.files import private_folder
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


def backup_database(db: Database, dest: Path, *, overwrite: bool = False) -> dict[str, Any]:
    """Copy the database to ``dest`` (mode 0600) and verify the copy.

    The copy is taken inside one read transaction, so it is the database as it was at one
    moment even while other processes write; the row counts of that moment are compared
    with the copy's, and the copy must pass SQLite's integrity check.
    """
    dest = validate.path(Path(dest), field="DEST")
    if dest.is_dir():
        # A folder gets a timestamped file, so nightly backups sort and never collide.
        dest = dest / f"bostad-{datetime.now():%Y%m%d-%H%M%S}.sqlite"
    if dest.exists() and not overwrite:
        raise Conflict(_("{path} exists already; choose a new name").format(path=dest))
    tmp = dest.with_name(dest.name + ".part")
    try:
        private_folder(dest.parent)
        if tmp.exists():
            tmp.unlink()
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise BostadError(
            _("cannot write {path}: {error}").format(path=dest, error=exc.strerror)
        ) from None
    source = db.conn
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
        tmp.unlink(missing_ok=True)
        raise BostadError(
            _("the backup did not verify and was removed: {detail}").format(
                detail="; ".join(problems) or _("row counts differ")
            )
        )
    os.replace(tmp, dest)
    from bostadcli.audit import record_disclosure

    # A copy of every case, full personnummer included, now exists outside the database.
    record_disclosure(
        db,
        what="backup",
        row_count=actual.get("households", 0),
        include_pnr=True,
        all_cases=True,
        recipient_name=str(dest),
    )
    return {"path": str(dest), "bytes": dest.stat().st_size, "counts": actual}
