"""Retention deletion (gallring) of closed cases.

A social-services case file is deleted five years after its last entry (the period is a
setting), at the latest by the end of the following calendar year; files of people born
on the 5th, 15th or 25th of a month are kept for research. Nothing is deleted silently:
``plan_purge`` lists what would go, ``run_purge`` deletes it together with every row and
letter file that belongs to it, and leaves a record with counts and case references but
no names or numbers. The file is vacuumed afterwards, so nothing of a purged case is left
in free pages either.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bostadcli import audit, rules
from bostadcli.db import rows, transaction

if TYPE_CHECKING:
    from sqlite_utils import Database

# Dates that lie ahead of the case rather than record an entry in it.
_NOT_ENTRIES = {"due_on", "expires_on", "end_on", "eviction_at", "nights_to", "checked_on"}


@dataclass
class PurgePlan:
    as_of: date
    retention_years: int
    delete: list[dict[str, Any]] = field(default_factory=list)
    kept_for_research: list[str] = field(default_factory=list)
    # Letter files an earlier, interrupted purge deleted the cases of but not the files.
    files_pending: int = 0


def _date_columns(db: Database, table: str) -> list[str]:
    return [
        r["name"]
        for r in rows(db, f'PRAGMA table_info("{table}")')
        if (r["name"].endswith("_on") or r["name"].endswith("_at"))
        and r["name"] not in _NOT_ENTRIES
    ]


def _last_entry_sql(db: Database) -> str:
    """One query: every closed household's latest dated entry in any table."""
    parts: list[str] = []
    tables = [
        r["name"]
        for r in rows(
            db,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
        if r["name"] not in {"audit_log", "audit_context", "purge_log"}
    ]
    for table in tables:
        names = {r["name"] for r in rows(db, f'PRAGMA table_info("{table}")')}
        columns = _date_columns(db, table)
        if not columns:
            continue
        latest = "max(" + ", ".join(f"coalesce(substr(t.\"{c}\", 1, 10), '')" for c in columns)
        latest += ", '')" if len(columns) == 1 else ")"
        if table == "households":
            parts.append(f'SELECT t.id AS hid, {latest} AS d FROM "{table}" t')
        elif "household_id" in names:
            parts.append(f'SELECT t.household_id, {latest} FROM "{table}" t')
        elif "plan_id" in names:
            parts.append(
                f'SELECT p.household_id, {latest} FROM "{table}" t JOIN plans p ON p.id = t.plan_id'
            )
    union = " UNION ALL ".join(parts)
    return f"SELECT hid, max(d) AS last_entry FROM ({union}) GROUP BY hid"


def plan_purge(
    db: Database, *, as_of: date, retention_years: int = rules.RETENTION_YEARS
) -> PurgePlan:
    """What a purge on ``as_of`` would delete, and what it keeps for research."""
    from dateutil.relativedelta import relativedelta

    cutoff: date = as_of - relativedelta(years=retention_years)
    days = ",".join(str(d) for d in rules.RESEARCH_BIRTH_DAYS)
    candidates = rows(
        db,
        f"""
        SELECT h.id, h.ref, h.closed_on, e.last_entry,
            EXISTS (SELECT 1 FROM members m WHERE m.household_id = h.id
                    AND CAST(substr(m.birth_date, 9, 2) AS INTEGER) IN ({days})) AS research
        FROM households h JOIN ({_last_entry_sql(db)}) e ON e.hid = h.id
        WHERE h.status = 'closed' AND e.last_entry <= :cutoff
        ORDER BY h.ref
        """,
        {"cutoff": cutoff.isoformat()},
    )
    plan = PurgePlan(as_of=as_of, retention_years=retention_years)
    plan.files_pending = sum(
        len(json.loads(r["files_pending"]))
        for r in rows(db, "SELECT files_pending FROM purge_log WHERE files_pending != '[]'")
    )
    for c in candidates:
        if c["research"]:
            plan.kept_for_research.append(c["ref"])
            continue
        last = date.fromisoformat(c["last_entry"])
        c["due_by"] = date(last.year + retention_years + 1, 12, 31).isoformat()
        c.pop("research")
        plan.delete.append(c)
    return plan


def _letter_files(db: Database, ids: list[int]) -> list[str]:
    tables = {r["name"] for r in rows(db, "SELECT name FROM sqlite_master WHERE type='table'")}
    if "letters" not in tables or not ids:
        return []
    columns = {r["name"] for r in rows(db, "PRAGMA table_info(letters)")}
    column = "file" if "file" in columns else "path" if "path" in columns else None
    if column is None:
        return []
    marks = ",".join("?" * len(ids))
    found = rows(
        db,
        f"SELECT {column} AS f, period FROM letters WHERE household_id IN ({marks})",
        ids,
    )
    files = [r["f"] for r in found if r["f"]]
    # The month's list for the post room and its print file name the purged cases too
    # (they also name others, but that post went out years ago): they go with them.
    for r in found:
        if r["f"] and r["period"]:
            folder = Path(r["f"]).parent
            for sibling in (f"manifest-{r['period']}.csv", f"utskrift-{r['period']}.pdf"):
                if str(folder / sibling) not in files:
                    files.append(str(folder / sibling))
    return files


def run_purge(db: Database, plan: PurgePlan) -> dict[str, Any]:
    """Delete what ``plan`` lists; returns the purge record (no names, no numbers) with
    ``files_removed``, the letter files removed.

    The letter files go after the cases are deleted, and the record lists them until
    they are gone: a purge that is interrupted in between is finished by the next one,
    even when that one has no case to delete (it then writes no record of its own).
    """
    if not plan.delete:
        return {"deleted": 0, "files_removed": finish_pending_files(db)}
    ids = [c["id"] for c in plan.delete]
    refs = [c["ref"] for c in plan.delete]
    previous = rows(db, "SELECT command FROM temp.actor")
    audit.set_actor(db, command=audit.PURGE_COMMAND)
    # Overwrite deleted content with zeros instead of leaving it in free pages.
    db.execute("PRAGMA secure_delete = ON")
    try:
        with transaction(db):
            files = _letter_files(db, ids)
            marks = ",".join("?" * len(ids))
            if ids:
                db.execute(f"DELETE FROM audit_log WHERE household_id IN ({marks})", ids)
                db.execute(f"DELETE FROM households WHERE id IN ({marks})", ids)
            record = {
                "as_of": plan.as_of.isoformat(),
                "retention_years": plan.retention_years,
                "deleted": len(ids),
                "refs": json.dumps(refs),
                "kept_for_research": len(plan.kept_for_research),
                "files_pending": json.dumps(files),
                "os_user": audit.os_user(),
            }
            purge_id = db.table("purge_log").insert(record).last_pk
    finally:
        audit.set_actor(db, command=previous[0]["command"] if previous else "bostadcli")
    removed = finish_pending_files(db)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.execute("VACUUM")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    found = rows(db, "SELECT * FROM purge_log WHERE id = ?", [purge_id])
    return found[0] | {"files_removed": removed}


def finish_pending_files(db: Database) -> int:
    """Delete the letter files of purged cases; also finishes a purge interrupted earlier."""
    removed = 0
    for entry in rows(db, "SELECT id, files_pending FROM purge_log WHERE files_pending != '[]'"):
        for name in json.loads(entry["files_pending"]):
            path = Path(name)
            try:
                os.remove(path)
                removed += 1
            except FileNotFoundError:
                pass
        with transaction(db):
            db.execute("UPDATE purge_log SET files_pending = '[]' WHERE id = ?", [entry["id"]])
    return removed
