"""Claims on batch letters: a letter is claimed in the database before its file is
written, so two runs at once never make it twice and a crashed run's letter is taken over."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bostadcli.db import one, rows, transaction
from bostadcli.files import process_alive

if TYPE_CHECKING:
    from sqlite_utils import Database

    from bostadcli.config import Policy
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


def made_before(db: Database, item: BatchItem, *, as_of: date, policy: Policy) -> bool:
    """Whether a letter recorded already makes ``item``'s needless whatever its month
    (its kind's ``made_before``: a first letter, a support's end, a missed installment)."""
    from bostadcli.letters.registry import KINDS

    rule = KINDS[item.kind].made_before
    return rule is not None and rule(db, item.household_id, item.about, as_of, policy)


def claim_letter(
    db: Database,
    item: BatchItem,
    owner: RunOwner,
    *,
    as_of: date | None = None,
    policy: Policy | None = None,
) -> bool:
    """Claim ``item``'s letter for this run before its file is written, in a transaction
    of its own. False when the letter is made already (this month, or, for a kind made
    once whatever the month, in any month or by hand) or another live run holds it (for
    such a kind: for any month).

    A claim left by a run that died is taken over (of any month, for such a kind); that
    run's file, written but never recorded, is removed so that the post room cannot
    print the letter twice.
    """
    from datetime import UTC

    from bostadcli.config import Policy

    now = datetime.now(UTC).replace(microsecond=0)
    key = [item.household_id, item.kind, item.period]
    left_behind: list[str] = []
    with transaction(db):
        made = one(
            db,
            "SELECT 1 AS x FROM letters WHERE household_id = ? AND kind = ? AND period = ?",
            key,
        )
        once = _once_whatever_month(item.kind)
        if made is not None or (
            once and made_before(db, item, as_of=as_of or now.date(), policy=policy or Policy())
        ):
            db.execute(
                "DELETE FROM letter_claims WHERE household_id = ? AND kind = ? AND period = ?",
                key,
            )
            return False
        # The claims on this letter: of its month, and, for a kind made once whatever
        # the month, of every month.
        for claim in rows(
            db,
            "SELECT * FROM letter_claims WHERE household_id = ? AND kind = ?"
            " AND (period = ? OR ?) AND run_id != ?",
            [*key, once, owner.run_id],
        ):
            if _claim_alive(claim, owner, now=now):
                return False
            left_behind.append(claim["file"])
            db.execute(
                "DELETE FROM letter_claims WHERE household_id = ? AND kind = ? AND period = ?",
                [claim["household_id"], claim["kind"], claim["period"]],
            )
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
    for file in left_behind:
        if file != str(item.file):
            _remove_unrecorded(db, Path(file))
    return True


def _once_whatever_month(kind: str) -> bool:
    from bostadcli.letters.registry import KINDS

    return KINDS[kind].made_before is not None


def _remove_unrecorded(db: Database, path: Path) -> None:
    """A letter file a crashed run wrote and never recorded (a claim names it); left
    alone when a letter's record names it."""
    if one(db, "SELECT 1 AS x FROM letters WHERE file = ? LIMIT 1", [str(path)]) is not None:
        return
    try:
        if path.is_file() and not path.is_symlink():
            path.unlink()
    except OSError:
        pass


def release_dead_claims(db: Database, owner: RunOwner) -> None:
    """Take back the claims of runs that died (of any month: a run killed on the 30th
    and the next run on the 1st), and remove the files they wrote and never recorded."""
    from datetime import UTC

    now = datetime.now(UTC).replace(microsecond=0)
    if one(db, "SELECT 1 AS x FROM letter_claims LIMIT 1") is None:
        return  # the usual case: a run with nothing to take back writes nothing
    with transaction(db):
        dead = [
            c
            for c in rows(db, "SELECT * FROM letter_claims WHERE run_id != ?", [owner.run_id])
            if not _claim_alive(c, owner, now=now)
        ]
        db.conn.executemany(
            "DELETE FROM letter_claims WHERE household_id = ? AND kind = ? AND period = ?"
            " AND run_id = ?",
            [(c["household_id"], c["kind"], c["period"], c["run_id"]) for c in dead],
        )
    for claim in dead:
        _remove_unrecorded(db, Path(claim["file"]))


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
