"""Retention deletion (gallring) of case files.

A social-services case file is deleted five years after its last entry (the period is a
setting), whether or not the case was closed, at the latest by the end of the following
calendar year; files of people born on the 5th, 15th or 25th of a month are kept for
research (they can be archived out of the working database, ``archive_research``).
What counts as an entry is defined once, in ``last_entry_sql``. Nothing is deleted silently:
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
from bostadcli.dates import real_today
from bostadcli.db import rows, transaction
from bostadcli.errors import Conflict
from bostadcli.i18n import _

if TYPE_CHECKING:
    from sqlite_utils import Database

# What counts as an entry in a case file, in one place (documented in the README,
# "Retention"): every dated column (``*_on``, ``*_at``) of every row that belongs to the
# case: the case's opening, closing and every change to it (updated_at), a member, a
# contact, a notice, a consent, a plan and its payments, a letter, a support with its
# planned end, a correction (every corrected row's updated_at), in any table, also
# tables added later. Not entries: dates that lie ahead of the case or are computed
# from others, below, and the logs (who did what, not the case file itself).
_NOT_ENTRIES = {"due_on", "expires_on", "eviction_at", "nights_to", "checked_on"}
_NOT_CASE_FILE = {"audit_log", "audit_context", "purge_log", "export_log", "disclosures"}


@dataclass
class PurgePlan:
    """``delete`` holds closed cases, ``open_cases`` open cases without an entry for the
    retention period (listed apart; a purge deletes both), ``kept_for_research`` the
    references of due cases kept for research, ``research`` those cases' rows."""

    as_of: date
    retention_years: int
    # The real date the plan was made on: a purge deletes only when as_of is this day.
    today: date = field(default_factory=real_today)
    delete: list[dict[str, Any]] = field(default_factory=list)
    kept_for_research: list[str] = field(default_factory=list)
    open_cases: list[dict[str, Any]] = field(default_factory=list)
    research: list[dict[str, Any]] = field(default_factory=list)
    # Letter files an earlier, interrupted purge deleted the cases of but not the files.
    files_pending: int = 0

    @property
    def due(self) -> list[dict[str, Any]]:
        """Every case a purge deletes: the closed ones and the open ones."""
        return self.delete + self.open_cases


def _date_columns(db: Database, table: str) -> list[str]:
    return [
        r["name"]
        for r in rows(db, f'PRAGMA table_info("{table}")')
        if (r["name"].endswith("_on") or r["name"].endswith("_at"))
        and r["name"] not in _NOT_ENTRIES
    ]


def last_entry_sql(db: Database) -> str:
    """One query (hid, last_entry): every household's latest entry, as defined above."""
    parts: list[str] = []
    tables = [
        r["name"]
        for r in rows(
            db,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
        if r["name"] not in _NOT_CASE_FILE
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
    db: Database,
    *,
    as_of: date,
    retention_years: int = rules.RETENTION_YEARS,
    today: date | None = None,
) -> PurgePlan:
    """What a purge on ``as_of`` would delete, and what it keeps for research.

    Any ``as_of`` may be planned (a dry run shows what a future purge would do); only a
    plan for the real date ``today`` can be carried out (``run_purge``).
    """
    from dateutil.relativedelta import relativedelta

    cutoff: date = as_of - relativedelta(years=retention_years)
    days = ",".join(str(d) for d in rules.RESEARCH_BIRTH_DAYS)
    candidates = rows(
        db,
        f"""
        SELECT h.id, h.ref, h.closed_on, e.last_entry,
            EXISTS (SELECT 1 FROM members m WHERE m.household_id = h.id
                    AND CAST(substr(m.birth_date, 9, 2) AS INTEGER) IN ({days})) AS research
        FROM households h JOIN ({last_entry_sql(db)}) e ON e.hid = h.id
        WHERE e.last_entry <= :cutoff
        ORDER BY h.ref
        """,
        {"cutoff": cutoff.isoformat()},
    )
    plan = PurgePlan(as_of=as_of, retention_years=retention_years, today=today or real_today())
    plan.files_pending = sum(
        len(json.loads(r["files_pending"]))
        for r in rows(db, "SELECT files_pending FROM purge_log WHERE files_pending != '[]'")
    )
    for c in candidates:
        last = date.fromisoformat(c["last_entry"])
        c["due_by"] = due_by(last, retention_years).isoformat()
        if c.pop("research"):
            plan.kept_for_research.append(c["ref"])
            plan.research.append(c)
        elif c["closed_on"] is None:
            plan.open_cases.append(c)
        else:
            plan.delete.append(c)
    return plan


def due_by(last_entry: date, retention_years: int) -> date:
    """The last day a case file may be kept: the end of the calendar year after the one
    in which ``retention_years`` from its last entry ran out (DOMAIN rule 9)."""
    from dateutil.relativedelta import relativedelta

    ran_out: date = last_entry + relativedelta(years=retention_years)
    return date(ran_out.year + 1, 12, 31)


def refuse_other_day(as_of: date, today: date) -> None:
    """A purge deletes on the real date only: --as-of may show what a purge on another
    day would do (a dry run), never delete by it."""
    if as_of != today:
        raise Conflict(
            _(
                "purge --as-of {date}: cases are deleted on today's date only ({today});"
                " another date can only be shown with --dry-run"
            ).format(date=as_of.isoformat(), today=today.isoformat())
        )


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

    Retention is judged against the real date: a plan made for another day than today
    (``--as-of``) is refused, whatever it lists.
    """
    refuse_other_day(plan.as_of, plan.today)
    due = plan.due
    if not due:
        return {"deleted": 0, "files_removed": finish_pending_files(db)}
    return _remove_cases(db, plan, due, kept_for_research=len(plan.kept_for_research))


def _remove_cases(
    db: Database,
    plan: PurgePlan,
    due: list[dict[str, Any]],
    *,
    kept_for_research: int,
    archived_to: str | None = None,
) -> dict[str, Any]:
    """Delete the cases ``due`` with every row, log entry and letter file of theirs, and
    leave a record without names (``archived_to``: the folder of their archive)."""
    ids = [c["id"] for c in due]
    refs = [c["ref"] for c in due]
    # Overwrite deleted content with zeros instead of leaving it in free pages.
    db.execute("PRAGMA secure_delete = ON")
    with transaction(db):
        files = _letter_files(db, ids)
        marks = ",".join("?" * len(ids))
        # The cases' log entries go with them; nothing of the deleted rows is logged.
        with audit.guard_lifted(db):
            db.execute(f"DELETE FROM audit_log WHERE household_id IN ({marks})", ids)
            db.execute(f"DELETE FROM households WHERE id IN ({marks})", ids)
        record = {
            "as_of": plan.as_of.isoformat(),
            "retention_years": plan.retention_years,
            "deleted": len(ids),
            "refs": json.dumps(refs),
            "kept_for_research": kept_for_research,
            "files_pending": json.dumps(files),
            "os_user": audit.os_user(),
            "archived_to": archived_to,
        }
        purge_id = db.table("purge_log").insert(record).last_pk
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


def archive_research(db: Database, plan: PurgePlan, folder: Path) -> dict[str, Any]:
    """Archive the research-day cases that are due, then remove them from this database.

    Each case goes to ``folder`` as its household document (``export household
    --include-pnr``: everything recorded about it, to be handed to the archive), beside
    ``manifest.json`` naming each file with its checksum; every file is owner-only and
    written whole or not at all. Only when all are written are the cases deleted, like a
    purge, with a record that names the folder and counts, not people. Like a purge, it
    runs on the real date only.
    """
    import hashlib
    import io

    from bostadcli.casemove.document_out import export_household
    from bostadcli.db import now_utc
    from bostadcli.files import write_private_file
    from bostadcli.tabular import write_json_document

    refuse_other_day(plan.as_of, plan.today)
    if not plan.research:
        return {"deleted": 0, "files_removed": 0, "folder": None}
    from bostadcli import validate
    from bostadcli.files import database_files, private_folder

    protect = database_files(db)
    folder = validate.path(folder.expanduser(), field="--archive")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise Conflict(_("--archive {path}: give a new or empty folder").format(path=folder))
    private_folder(folder)
    entries: list[dict[str, Any]] = []
    for case in plan.research:
        document = export_household(
            db, case["ref"], include_pnr=True, as_of=plan.as_of, command="bostad purge --archive"
        )
        text = io.StringIO()
        write_json_document(document, text)
        data = text.getvalue().encode("utf-8")
        name = f"{case['ref']}.json"
        write_private_file(folder / name, data, field="--archive", protect=protect)
        entries.append(
            {
                "ref": case["ref"],
                "file": name,
                "sha256": hashlib.sha256(data).hexdigest(),
                "last_entry": case["last_entry"],
                "closed_on": case["closed_on"],
            }
        )
    manifest = {
        "format": "bostadcli-archive",
        "format_version": 1,
        "made_at": now_utc(),
        "reason": "research: born on the 5th, 15th or 25th of a month",
        "retention_years": plan.retention_years,
        "cases": entries,
    }
    write_private_file(
        folder / "manifest.json",
        (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
        field="--archive",
        protect=protect,
    )
    record = _remove_cases(
        db, plan, plan.research, kept_for_research=0, archived_to=str(folder.resolve())
    )
    return record | {"folder": str(folder)}
