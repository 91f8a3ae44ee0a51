"""The rows an import writes, made ready before it takes the write lock.

A plan (``plan.Snapshot``) holds what the rows of a list are; the rows of the tables
themselves are made from it here, while other commands may still write: every column
of every new row (its id too, numbered on from the largest id of the snapshot, as
SQLite numbers the rows of an ``INSERT``), in temporary tables of the connection that
mirror the tables of the database, and the audit row of each, built by the audit
trigger's own statement (``bulk_audit``) over those rows. Temporary tables are not the
database file: writing them takes no lock another command waits for.

Inside the write transaction the import then only copies those rows, one statement per
table (``write_staged``), after checking that the ids it counted on are still the next
ones; the audit rows take the actor of the transaction, as a trigger's do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite3

    from sqlite_utils import Database

    from bostadcli.landlord_lists.bulk_audit import BulkAudit
    from bostadcli.landlord_lists.plan import Plan

# The tables whose new rows are made here, in the order they are written.
STAGED = ("households", "members", "notices")
# The audit statement's head in the trigger (audit._trigger_sql), and the staged one's.
_AUDIT_COLUMNS = "(os_user, command, action, table_name, row_id, household_id, changes)"
_AUDIT_HEAD = f"INSERT INTO audit_log {_AUDIT_COLUMNS} SELECT "
# Column types of a STRICT table that mean the same affinity in a temporary table.
_TYPES = {"INT", "INTEGER", "REAL", "TEXT", "BLOB"}


@dataclass
class Staged:
    """The ids the staged rows were numbered from, and the tables audited here."""

    before: dict[str, int]
    columns: dict[str, list[str]]
    audited: tuple[str, ...]
    # Per table: the insert triggers that do nothing for any staged row (``idle``).
    idle: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def mirror(conn: sqlite3.Connection, table: str) -> list[str]:
    """A temporary table ``import_rows_<table>`` with the columns of ``table``: the same
    names, type affinity and defaults (no keys or constraints: the real insert checks
    those); the column names."""
    found = conn.execute(
        "SELECT name, type, dflt_value FROM pragma_table_info(?) ORDER BY cid", [table]
    ).fetchall()
    names = [str(name) for name, _type, _default in found]
    columns = ", ".join(
        f'"{name}"'
        + (f" {kind}" if str(kind).upper() in _TYPES else "")
        + (f" DEFAULT ({default})" if default is not None else "")
        for name, kind, default in found
    )
    conn.execute(f"DROP TABLE IF EXISTS temp.import_rows_{table}")
    conn.execute(f"CREATE TEMP TABLE import_rows_{table} ({columns})")
    return names


def _max_ids(conn: sqlite3.Connection) -> dict[str, int]:
    return {
        table: int(conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])
        for table in STAGED
    }


def stage(conn: sqlite3.Connection, plan: Plan, *, audited: tuple[str, ...]) -> None:
    """Make the rows ``plan`` writes, and the audit rows of the tables in ``audited``
    whose insert trigger is the one ``audit`` makes, in the current transaction."""
    from bostadcli.landlord_lists.bulk_audit import bulk_statement
    from bostadcli.landlord_lists.plan import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, NOTICE_COLUMNS

    before = _max_ids(conn)
    case_id = f"coalesce(t.hid, {before['households']} + 1 + t.idx)"
    columns = {table: mirror(conn, table) for table in STAGED}
    names = ", ".join(HOUSEHOLD_COLUMNS)
    conn.execute(
        f"INSERT INTO temp.import_rows_households (id, {names}, landlord_id)"
        f" SELECT {before['households']} + 1 + t.idx, {_of('t', HOUSEHOLD_COLUMNS)},"
        " (SELECT l.id FROM landlords l WHERE casefold(l.name) = t.landlord_key ORDER BY l.id)"
        " FROM temp.import_households t ORDER BY t.idx"
    )
    new_reasons(conn, case_id)
    names = ", ".join(MEMBER_COLUMNS)
    conn.execute(
        f"INSERT INTO temp.import_rows_members (id, household_id, {names})"
        f" SELECT {before['members']} + t.rowid, {before['households']} + 1 + t.idx,"
        f" {_of('t', MEMBER_COLUMNS)} FROM temp.import_members t ORDER BY t.rowid"
    )
    names = ", ".join(NOTICE_COLUMNS)
    conn.execute(
        f"INSERT INTO temp.import_rows_notices (id, household_id, {names})"
        f" SELECT {before['notices']} + t.seq, {case_id}, {_of('t', NOTICE_COLUMNS)}"
        " FROM temp.import_notices t ORDER BY t.seq"
    )
    kept: list[str] = []
    for table in audited:
        found = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ? AND tbl_name = ?",
            [f"audit_{table}_insert", table],
        ).fetchone()
        statement = bulk_statement(str(found[0]), table) if found else None
        if statement is None or not statement.startswith(_AUDIT_HEAD):
            continue
        source = "temp.import_new_reasons" if table == "household_reasons" else None
        conn.execute(f"DROP TABLE IF EXISTS temp.import_audit_{table}")
        conn.execute(f"CREATE TEMP TABLE import_audit_{table} {_AUDIT_COLUMNS}")
        conn.execute(
            f"INSERT INTO temp.import_audit_{table} {_AUDIT_COLUMNS} SELECT "
            + statement[len(_AUDIT_HEAD) :].format(
                source=source or f"temp.import_rows_{table}", where="1", order="NEW.rowid"
            )
        )
        kept.append(table)
    idle = {table: idle_triggers(conn, table, columns[table]) for table in STAGED}
    plan.staged = Staged(before=before, columns=columns, audited=tuple(kept), idle=idle)


# An insert trigger that runs only for a row with a value in one column (its whole WHEN).
_WHEN_NOT_NULL = re.compile(
    r'CREATE TRIGGER "?(\w+)"? (?:BEFORE |AFTER )?INSERT ON "?(\w+)"?\s+(?:FOR EACH ROW\s+)?'
    r'WHEN NEW\."?(\w+)"? IS NOT NULL\s+BEGIN\b',
    re.IGNORECASE,
)


def idle_triggers(
    conn: sqlite3.Connection, table: str, columns: list[str]
) -> list[tuple[str, str]]:
    """The insert triggers of ``table`` (name, text) that run only when a column (of
    ``columns``, those staged) has a value, and no staged row has one there: they would
    do nothing for the copy. SQLite still calls such a trigger for every row, and first
    copies the rows aside because a trigger is there; the copy sets them aside
    (``write_staged``), as ``bulk_audit`` sets aside the audit triggers."""
    idle: list[tuple[str, str]] = []
    for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? ORDER BY name",
        [table],
    ).fetchall():
        match = _WHEN_NOT_NULL.match(str(sql))
        if match is None or match.group(1) != name or match.group(2) != table:
            continue
        column = match.group(3)
        if column not in columns:
            continue
        busy = conn.execute(
            f'SELECT 1 FROM temp.import_rows_{table} WHERE "{column}" IS NOT NULL LIMIT 1'
        ).fetchone()
        if busy is None:
            idle.append((str(name), str(sql)))
    return idle


def stage_plan(db: Database, plan: Plan) -> None:
    """Make the rows of ``plan`` and their audit rows ready (``stage``), in the current
    transaction; a plan that adds landlords is written as it is (their ids are not
    known before)."""
    from bostadcli.landlord_lists import plan as plans

    if plans.STAGE and not plan.landlords and not plan.empty:
        stage(db.conn, plan, audited=plans.bulk_audited())


def new_reasons(conn: Any, case_id: str) -> None:
    """``temp.import_new_reasons``: the reasons to add, in the order they are added."""
    conn.execute("DROP TABLE IF EXISTS temp.import_new_reasons")
    conn.execute("CREATE TEMP TABLE import_new_reasons (household_id INTEGER, reason TEXT)")
    conn.execute(
        "INSERT INTO temp.import_new_reasons (household_id, reason)"
        " SELECT n.hid, n.reason FROM"
        f" (SELECT {case_id} AS hid, t.reason AS reason, min(t.rowid) AS first"
        "  FROM temp.import_reasons t GROUP BY 1, 2) AS n"
        " WHERE NOT EXISTS (SELECT 1 FROM household_reasons r"
        "  WHERE r.household_id = n.hid AND r.reason = n.reason)"
        " ORDER BY n.first"
    )


def _of(alias: str, columns: tuple[str, ...]) -> str:
    return ", ".join(f"{alias}.{c}" for c in columns)


def record_staged(conn: sqlite3.Connection, table: str) -> None:
    """The staged audit rows of ``table`` into the audit log, with the actor of this
    transaction (``audit_context``), as its trigger would write them.

    The log's time (``at``) is its column's default, worked out once for the statement
    instead of once for each row (most of the time of this insert, while holding the
    write lock): the same value, since SQLite's 'now' stays the same throughout one
    statement."""
    found = conn.execute(
        "SELECT dflt_value FROM pragma_table_info('audit_log') WHERE name = 'at'"
    ).fetchone()
    at = ("at, ", f"(SELECT {found[0]}), ") if found and found[0] is not None else ("", "")
    conn.execute(
        f"INSERT INTO audit_log ({at[0]}{_AUDIT_COLUMNS[1:]}"
        f" SELECT {at[1]}c.os_user, c.command, s.action, s.table_name, s.row_id,"
        f" s.household_id, s.changes FROM temp.import_audit_{table} AS s"
        " LEFT JOIN audit_context AS c ON c.id = 1 ORDER BY s.rowid"
    )


def current(conn: sqlite3.Connection, plan: Plan) -> bool:
    """Whether the staged rows still take the next ids of their tables."""
    return plan.staged is not None and _max_ids(conn) == plan.staged.before


def write_staged(conn: sqlite3.Connection, plan: Plan, audit: BulkAudit) -> int:
    """Copy the staged rows into the database (the caller holds the write lock and
    checked ``current``); the largest notice id before, for ``imported_rows``."""
    staged = plan.staged
    assert staged is not None
    counts = {"households": plan.households, "members": None, "notices": plan.notices}
    for table in STAGED:
        names = ", ".join(f'"{c}"' for c in staged.columns[table])
        # Inside the caller's savepoint: an error puts the triggers back too.
        idle = staged.idle.get(table, [])
        for name, _sql in idle:
            conn.execute(f'DROP TRIGGER "{name}"')
        # The staged rows were inserted in the order of their ids: no sort needed.
        added = conn.execute(
            f"INSERT INTO {table} ({names}) SELECT {names}"
            f" FROM temp.import_rows_{table} ORDER BY rowid"
        ).rowcount
        for _name, sql in idle:
            conn.execute(sql)
        expected: Any = counts[table]
        if expected is not None:
            # Every row has the id it was staged with, numbered on from the largest id
            # (``current``): as many rows, the last the largest id.
            (top,) = conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
            if (added, top) != (expected, staged.before[table] + expected):
                raise AssertionError(f"{table} numbered out of order")  # pragma: no cover
        audit.record(table, staged=True)
        if table == "households":
            conn.execute(
                "INSERT INTO household_reasons (household_id, reason)"
                " SELECT household_id, reason FROM temp.import_new_reasons ORDER BY rowid"
            )
            audit.record("household_reasons", staged=True)
    return staged.before["notices"]
