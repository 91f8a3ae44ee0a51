"""The audit log: who changed or exported what, and when.

Every write is recorded by SQLite triggers on every table, so no command can forget it
and cascading deletes are recorded too. The triggers read who is acting from the one-row
table ``audit_context``, which ``db.transaction`` fills at the start of each write
transaction (from the connection's ``temp.actor``) and clears before it commits; a write
made outside bostadcli is therefore recorded with no user. Personnummer never enter the
log: a changed number is recorded as changed, without its value. The log cannot be
changed through SQL either, except by retention (``purge``), which removes the entries of
the cases it deletes.
"""

from __future__ import annotations

import getpass
from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli.db import rows

if TYPE_CHECKING:
    from sqlite_utils import Database

# Not audited: the log itself, its context, sequence counters, SQLite's and migrations'.
# letter_claims: a batch's working rows, gone once each letter is recorded.
_SKIP = {
    "audit_log",
    "audit_context",
    "counters",
    "_sqlite_migrations",
    "letter_claims",
    "letter_batches",
}
# Noise in every update; the log row has its own time.
_QUIET_COLUMNS = {"updated_at", "created_at"}
_SECRET_COLUMNS = {"pnr"}
PURGE_COMMAND = "purge"


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "?"


def set_actor(db: Database, *, command: str, user: str | None = None) -> None:
    """Say who is acting on this connection; recorded with every write it makes."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS actor (os_user TEXT, command TEXT) STRICT")
    db.execute("DELETE FROM temp.actor")
    db.execute("INSERT INTO temp.actor VALUES (?, ?)", [user or os_user(), command])


def _has_log(db: Database) -> bool:
    # Not yet there in a database opened without migrating (an old file being upgraded).
    found = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit_context'").fetchone()
    return found is not None


def begin(db: Database) -> None:
    """Called by db.transaction after BEGIN: publish the actor to the triggers."""
    if not _has_log(db):
        return
    db.execute("CREATE TEMP TABLE IF NOT EXISTS actor (os_user TEXT, command TEXT) STRICT")
    db.execute(
        "UPDATE audit_context SET os_user = (SELECT os_user FROM temp.actor),"
        " command = (SELECT command FROM temp.actor) WHERE id = 1"
    )


def end(db: Database) -> None:
    """Called by db.transaction before COMMIT."""
    if not _has_log(db):
        return
    db.execute("UPDATE audit_context SET os_user = NULL, command = NULL WHERE id = 1")


def _household_expr(table: str, columns: list[str], ref: str) -> str:
    if table == "households":
        return f"{ref}.id"
    if "household_id" in columns:
        return f"{ref}.household_id"
    if "plan_id" in columns:
        return f"(SELECT household_id FROM plans WHERE id = {ref}.plan_id)"
    return "NULL"


def _value(column: str, ref: str) -> str:
    if column in _SECRET_COLUMNS:
        return f"CASE WHEN {ref}.\"{column}\" IS NULL THEN NULL ELSE 'recorded' END"
    return f'{ref}."{column}"'


def _changes(table: str, columns: list[str], action: str) -> str:
    watched = [c for c in columns if c not in _QUIET_COLUMNS]
    pairs: list[str] = []
    for c in watched:
        if action == "insert":
            pairs.append(f"'{c}', {_value(c, 'NEW')}")
        elif action == "delete":
            pairs.append(f"'{c}', {_value(c, 'OLD')}")
        else:
            old, new = _value(c, "OLD"), _value(c, "NEW")
            if c in _SECRET_COLUMNS:
                old, new = "NULL", f"CASE WHEN NEW.\"{c}\" IS NULL THEN NULL ELSE 'changed' END"
            pairs.append(
                f'\'{c}\', CASE WHEN OLD."{c}" IS NOT NEW."{c}" THEN json_array({old}, {new}) END'
            )
    inner = "json_object(" + ", ".join(pairs) + ")"
    # Keep only the fields that say something: the values of a new or deleted row,
    # [old, new] of the changed fields of an update.
    return (
        "(SELECT json_group_object(key, CASE WHEN type IN ('array', 'object')"
        f" THEN json(value) ELSE value END) FROM json_each({inner})"
        " WHERE value IS NOT NULL)"
    )


def _trigger_sql(table: str, columns: list[str], action: str) -> str:
    ref = "OLD" if action == "delete" else "NEW"
    event = action.upper()
    return (
        f'CREATE TRIGGER "audit_{table}_{action}" AFTER {event} ON "{table}"'
        " WHEN coalesce((SELECT command FROM audit_context WHERE id = 1), '')"
        f" != '{PURGE_COMMAND}' BEGIN"
        " INSERT INTO audit_log (os_user, command, action, table_name, row_id,"
        " household_id, changes)"
        f" SELECT c.os_user, c.command, '{action}', '{table}',"
        f" {f'{ref}.id' if 'id' in columns else 'NULL'},"
        f" {_household_expr(table, columns, ref)}, {_changes(table, columns, action)}"
        " FROM (SELECT 1) LEFT JOIN audit_context AS c ON c.id = 1; END"
    )


def refresh_triggers(db: Database) -> None:
    """(Re)create the audit triggers of every table to match its current columns."""
    tables = [
        r["name"]
        for r in rows(
            db,
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        if r["name"] not in _SKIP
    ]
    existing = {
        r["name"]: r["sql"]
        for r in rows(db, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    }
    for table in tables:
        columns = [r["name"] for r in rows(db, f'PRAGMA table_info("{table}")')]
        for action in ("insert", "update", "delete"):
            name = f"audit_{table}_{action}"
            sql = _trigger_sql(table, columns, action)
            if existing.get(name) == sql:
                continue
            if name in existing:
                db.execute(f'DROP TRIGGER "{name}"')
            db.execute(sql)


def record(
    db: Database,
    *,
    action: str,
    table_name: str,
    household_id: int | None = None,
    row_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Record a read that matters (an export or a letter with personal data)."""
    import json

    db.execute("CREATE TEMP TABLE IF NOT EXISTS actor (os_user TEXT, command TEXT) STRICT")
    db.execute(
        "INSERT INTO audit_log (os_user, command, action, table_name, row_id, household_id,"
        " changes) SELECT a.os_user, a.command, ?, ?, ?, ?, ? FROM (SELECT 1)"
        " LEFT JOIN temp.actor AS a",
        [
            action,
            table_name,
            row_id,
            household_id,
            json.dumps(details or {}, ensure_ascii=False, sort_keys=True),
        ],
    )


def list_audit(
    db: Database,
    *,
    since: date | None = None,
    household_id: int | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    where: list[str] = ["1 = 1"]
    params: dict[str, Any] = {}
    if since is not None:
        where.append("a.at >= :since")
        params["since"] = since.isoformat()
    if household_id is not None:
        where.append("a.household_id = :hid")
        params["hid"] = household_id
    sql = (
        "SELECT a.id, a.at, a.os_user, a.command, a.action, a.table_name, a.row_id,"
        " h.ref, a.changes FROM audit_log a LEFT JOIN households h ON h.id = a.household_id"
        f" WHERE {' AND '.join(where)} ORDER BY a.id"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return rows(db, sql, params)
