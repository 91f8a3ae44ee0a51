"""The audit log: who changed or exported what, and when.

Every write is recorded by SQLite triggers on every table, so no command can forget it
and cascading deletes are recorded too. The triggers read who is acting from the one-row
table ``audit_context``, which ``db.transaction`` fills at the start of each write
transaction (from the connection's ``temp.actor``) and clears before it commits; a write
made outside bostadcli is therefore recorded with no user. Personnummer never enter the
log: a changed number is recorded as changed, without its value.

The log cannot be changed through SQL: triggers refuse every update and delete, and no
row or marker a writer could set turns them off (a marker in ``audit_context`` once
did). Retention (``purge``) removes the entries of the cases it deletes by lifting the
guard and the per-table triggers inside its own transaction (``guard_lifted``) and
putting them back before it commits: no other connection ever sees the log unguarded,
and a purge that fails leaves the guard as it was. Someone who can rewrite the schema
of the file can of course remove the triggers: that is what file permissions and
backups protect against (SECURITY.md).

Disclosures that write nothing else (an export, a list with personnummer, a letter
shown on screen, a backup) are recorded by ``record_disclosure``.
"""

from __future__ import annotations

import getpass
import itertools
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli.db import rows

if TYPE_CHECKING:
    from sqlite_utils import Database

# Not audited: the log itself, its context, sequence counters, SQLite's and migrations'.
# Nor the per-case rows of a disclosure: the export_log row they belong to is audited.
# Nor the fingerprints of imported rows: the notice each one made is audited.
# letter_claims: a batch's working rows, gone once each letter is recorded.
_SKIP = {
    "audit_log",
    "audit_context",
    "counters",
    "_sqlite_migrations",
    "disclosures",
    "imported_rows",
    "letter_claims",
    "letter_batches",
}
# Noise in every update; the log row has its own time.
_QUIET_COLUMNS = {"updated_at", "created_at"}
_SECRET_COLUMNS = {"pnr"}
# The guard on the log's rows; the same text as in migration 0015.
DELETE_GUARD = "audit_log_no_delete"
DELETE_GUARD_SQL = (
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log\n"
    "    BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END"
)


def os_user() -> str:
    """The login running the command, from the process's own user id.

    Not from $USER or $LOGNAME: on a shared server those are the caller's to set, and the
    audit log must name each caseworker's own login. Only where the system has no user
    database (or no entry for the id) does the environment say, as before.
    """
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError, OSError, AttributeError):
        pass
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        # A container user without a passwd entry or LOGNAME still needs a name in the log.
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "?"


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
        f'CREATE TRIGGER "audit_{table}_{action}" AFTER {event} ON "{table}" BEGIN'
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


@contextmanager
def guard_lifted(db: Database) -> Iterator[None]:
    """Inside the caller's write transaction: drop the log's delete guard and the
    per-table triggers, and put them back afterwards (before the caller commits).

    Only retention uses it, for the rows it must delete without a trace of them. The
    triggers are schema, not a row: a concurrent connection cannot see them missing
    (it waits for the write lock), and a rollback restores them.
    """
    if not db.conn.in_transaction:
        raise RuntimeError("guard_lifted needs a write transaction")
    names = [
        r["name"]
        for r in rows(
            db,
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            " AND (name LIKE 'audit\\_%' ESCAPE '\\')"
            " AND name NOT IN ('audit_log_no_update')",
        )
    ]
    for name in names:
        db.execute(f'DROP TRIGGER "{name}"')
    yield
    refresh_triggers(db)
    db.execute(DELETE_GUARD_SQL)


def guard_intact(db: Database) -> bool:
    """Whether the log's guards are in place as this version makes them."""
    found = {
        r["name"]: r["sql"]
        for r in rows(
            db,
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            " AND name IN ('audit_log_no_delete', 'audit_log_no_update')",
        )
    }
    guard = " ".join(str(found.get(DELETE_GUARD, "")).split())
    return guard == " ".join(DELETE_GUARD_SQL.split()) and "audit_log_no_update" in found


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


def record_disclosure(
    db: Database,
    *,
    what: str,
    row_count: int,
    include_pnr: bool = False,
    refs: Iterable[str] = (),
    household_ids: Iterable[int] = (),
    all_cases: bool = False,
    ref_batches: Iterable[str] = (),
    recipient: str | None = None,
    recipient_name: str | None = None,
    command: str | None = None,
) -> int:
    """Record that personal data left the database: who, when, what, which cases.

    The one function every disclosure calls (exports, lists and cases shown with
    personnummer, letters shown or written without being recorded, backups). One row in
    ``export_log`` says who (the OS user), when, the command, what (a table, a letter
    kind, "backup"), how many rows, with or without personnummer and for whom; the
    cases are named in ``disclosures`` by ``refs`` or ``household_ids``, or as
    ``all_cases`` (a backup holds every case there was); a long export gives its refs
    as ``ref_batches``, JSON arrays of them, so that they are never all in memory at
    once. Returns the log row's id.
    """
    from bostadcli.db import now_utc, transaction

    if command is None:
        db.execute("CREATE TEMP TABLE IF NOT EXISTS actor (os_user TEXT, command TEXT) STRICT")
        found = db.execute("SELECT command FROM temp.actor").fetchone()
        command = str(found[0]) if found and found[0] else "bostadcli"
    with transaction(db):
        cursor = db.execute(
            "INSERT INTO export_log (at, os_user, command, table_name, row_count, include_pnr,"
            " recipient, recipient_name, all_cases) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                now_utc(),
                os_user(),
                command,
                what,
                row_count,
                int(include_pnr),
                recipient,
                recipient_name,
                int(all_cases),
            ],
        )
        log_id = int(cursor.lastrowid or 0)
        ids = sorted(set(household_ids))
        if ids:
            db.conn.executemany(
                "INSERT OR IGNORE INTO disclosures (export_id, household_id) VALUES (?, ?)",
                [(log_id, i) for i in ids],
            )
        names = sorted(set(refs))
        batches = [json.dumps(names)] if names else []
        for batch in itertools.chain(batches, ref_batches):
            db.execute(
                "INSERT OR IGNORE INTO disclosures (export_id, household_id)"
                " SELECT ?, h.id FROM json_each(?) AS j JOIN households h ON h.ref = j.value",
                [log_id, batch],
            )
    return log_id


def list_audit(
    db: Database,
    *,
    since: date | None = None,
    household_id: int | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """The log, oldest first. For one case (``household_id``) also its disclosures:
    every export, list, letter or backup that carried it (action ``disclose``)."""
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
        f" WHERE {' AND '.join(where)}"
    )
    if household_id is not None:
        since_sql = "AND e.at >= :since" if since is not None else ""
        sql += f"""
        UNION ALL
        SELECT NULL, e.at, e.os_user, e.command, 'disclose', e.table_name, e.id, h.ref,
            json_object('rows', e.row_count, 'include_pnr', json(CASE e.include_pnr
                WHEN 1 THEN 'true' ELSE 'false' END), 'recipient', e.recipient,
                'recipient_name', e.recipient_name)
        FROM export_log e JOIN households h ON h.id = :hid
        WHERE (EXISTS (SELECT 1 FROM disclosures d WHERE d.export_id = e.id
                       AND d.household_id = h.id)
               OR (e.all_cases = 1 AND e.at >= h.created_at)) {since_sql}"""
    sql = f"SELECT * FROM ({sql}) ORDER BY substr(at, 1, 19), id IS NULL, id, row_id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return rows(db, sql, params)
