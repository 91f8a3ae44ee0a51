"""Claims on batch letters: a letter is claimed in the database before its file is
written, so two runs at once never make it twice and a crashed run's letter is taken over."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bostadcli.db import one, transaction
from bostadcli.files import process_alive

if TYPE_CHECKING:
    from sqlite_utils import Database

    from bostadcli.letters.batch import BatchItem

# Claims ------------------------------------------------------------------------------

# A claim held by a process on another machine (a database on a shared disk) cannot be
# checked: after this long it counts as left behind by a crash.
FOREIGN_CLAIM_HOURS = 12


@dataclass(frozen=True)
class RunOwner:
    """Who makes a batch's letters: this run, in this process on this machine."""

    run_id: str
    host: str
    pid: int
    pid_started: str | None

    @classmethod
    def current(cls) -> RunOwner:
        import socket
        import uuid

        pid = os.getpid()
        return cls(uuid.uuid4().hex, socket.gethostname(), pid, _process_started(pid))


def _process_started(pid: int) -> str | None:
    """When a process started (Linux: clock ticks since boot), so that a pid used again
    by a later process is not taken for the one that made a claim."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces.
    fields = text.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else None


def _claim_alive(claim: dict[str, Any], owner: RunOwner, *, now: datetime) -> bool:
    """Whether the run that holds ``claim`` may still be making its letter."""
    if claim["host"] != owner.host:
        claimed = datetime.fromisoformat(claim["claimed_utc"])
        return (now - claimed).total_seconds() < FOREIGN_CLAIM_HOURS * 3600
    pid = claim["pid"]
    if pid == owner.pid:
        # This process, but an earlier run in it (runs in one process follow each other).
        return bool(claim["run_id"] == owner.run_id)
    if not process_alive(pid):
        return False
    started = _process_started(pid)
    return not (claim["pid_started"] and started and started != claim["pid_started"])


def claim_letter(db: Database, item: BatchItem, owner: RunOwner) -> bool:
    """Claim ``item``'s letter for this run before its file is written, in a transaction
    of its own. False when the letter is made already or another live run holds it.

    A claim left by a run that died is taken over; that run's file, written but never
    recorded, is removed so that the post room cannot print the letter twice.
    """
    from datetime import UTC

    now = datetime.now(UTC).replace(microsecond=0)
    key = [item.household_id, item.kind, item.period]
    left_behind: str | None = None
    with transaction(db):
        made = one(
            db,
            "SELECT 1 AS x FROM letters WHERE household_id = ? AND kind = ? AND period = ?",
            key,
        )
        if made is not None:
            db.execute(
                "DELETE FROM letter_claims WHERE household_id = ? AND kind = ? AND period = ?",
                key,
            )
            return False
        claim = one(
            db,
            "SELECT * FROM letter_claims WHERE household_id = ? AND kind = ? AND period = ?",
            key,
        )
        if claim is not None and claim["run_id"] != owner.run_id:
            if _claim_alive(claim, owner, now=now):
                return False
            left_behind = claim["file"]
        db.execute(
            "INSERT OR REPLACE INTO letter_claims (household_id, kind, period, run_id, host,"
            " pid, pid_started, file, claimed_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                *key,
                owner.run_id,
                owner.host,
                owner.pid,
                owner.pid_started,
                str(item.file),
                now.isoformat(),
            ],
        )
    if left_behind and left_behind != str(item.file):
        _remove_unrecorded(Path(left_behind))
    return True


def _remove_unrecorded(path: Path) -> None:
    """A letter file a crashed run wrote and never recorded (a claim names it)."""
    try:
        if path.is_file() and not path.is_symlink():
            path.unlink()
    except OSError:
        pass


def release_claims(db: Database, owner: RunOwner, items: Iterable[BatchItem] = ()) -> None:
    """Give up this run's claims: of ``items``, or all of them when none are named."""
    with transaction(db):
        keys = [(i.household_id, i.kind, i.period) for i in items]
        if keys:
            db.conn.executemany(
                "DELETE FROM letter_claims WHERE household_id = ? AND kind = ? AND period = ?"
                " AND run_id = ?",
                [(*k, owner.run_id) for k in keys],
            )
        else:
            db.execute("DELETE FROM letter_claims WHERE run_id = ?", [owner.run_id])
