"""The audit rows of a bulk insert written in one statement per table, not by a trigger
per row.

An import of a landlord's list inserts its rows with one ``INSERT ... SELECT`` per
table, inside its one write transaction. The audit trigger of each of those tables
(``audit._trigger_sql``) would then build a JSON object of every row and read it back
through ``json_each`` to leave out the empty fields, row by row, while the import holds
the write lock: most of that lock's time. Here, inside the same transaction, the insert
triggers of the tables written are set aside, the rows are inserted, and the audit
rows are written by one statement per table that is the trigger's own statement run
over the rows just inserted (``NEW`` is the table, in the order the rows were
inserted), with the fields left out by ``json_patch`` instead of ``json_each``: the
same JSON, byte for byte, in half the time. The triggers are put back, as they were
(their text from ``sqlite_master``), before the transaction commits.

Triggers are schema, not rows: no other connection can see them set aside (it waits for
the write lock, and reads the schema it finds after the commit), and a rollback or a
killed process leaves them, and the database, as before the transaction. A trigger
whose text is not the one ``audit`` makes is left in place and fires as always.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

# The parts of an insert trigger made by audit._trigger_sql that the bulk statement
# replaces: the fields of the row, without the empty ones, and the one row it runs for.
_FIELDS_HEAD = (
    "(SELECT json_group_object(key, CASE WHEN type IN ('array', 'object')"
    " THEN json(value) ELSE value END) FROM json_each("
)
_FIELDS_TAIL = ") WHERE value IS NOT NULL)"
_ONE_ROW = " FROM (SELECT 1) LEFT JOIN audit_context AS c ON c.id = 1; END"
_BEGIN = " BEGIN "


def bulk_statement(trigger_sql: str, table: str) -> str | None:
    """The statement that writes the audit rows of ``table``'s inserted rows as its
    insert trigger ``trigger_sql`` would, over ``{source}`` (the rows, as ``NEW``,
    filtered by ``{where}`` and in the order of ``{order}``); None when the trigger is
    not one that ``audit`` makes."""
    head = f'CREATE TRIGGER "audit_{table}_insert" AFTER INSERT ON "{table}"{_BEGIN}'
    if not trigger_sql.startswith(head) or not trigger_sql.endswith(_ONE_ROW):
        return None
    body = trigger_sql[len(head) : -len(_ONE_ROW)]
    if body.count(_FIELDS_HEAD) != 1 or body.count(_FIELDS_TAIL) != 1:
        return None
    start = body.index(_FIELDS_HEAD)
    end = body.index(_FIELDS_TAIL)
    if end < start:
        return None
    fields = body[start + len(_FIELDS_HEAD) : end]
    if not fields.startswith("json_object(") or any(c in body for c in "{};"):
        return None
    # json_patch of an empty object leaves out the members whose value is null, keeps
    # the others in their order and writes them as json_group_object does.
    body = body[:start] + f"json_patch(json_object(), {fields})" + body[end + len(_FIELDS_TAIL) :]
    return (
        body + " FROM {source} AS NEW LEFT JOIN audit_context AS c ON c.id = 1"
        " WHERE {where} ORDER BY {order}"
    )


class BulkAudit:
    """The audit statements of the tables whose insert triggers are set aside."""

    def __init__(self, conn: sqlite3.Connection, statements: dict[str, str]) -> None:
        self.conn = conn
        self.statements = statements

    def held(self, table: str) -> bool:
        """Whether the rows inserted into ``table`` need ``record`` (its trigger is
        set aside); otherwise its trigger recorded them."""
        return table in self.statements

    def record(
        self,
        table: str,
        *,
        source: str | None = None,
        where: str = "1",
        order: str = "NEW.rowid",
        params: tuple[object, ...] = (),
        staged: bool = False,
    ) -> None:
        """The audit rows of the rows inserted into ``table``: those of ``source`` (the
        table itself unless named: a table with the same columns) that ``where``
        keeps, in the order they were inserted (``order``); or, ``staged``, the audit
        rows made before the write lock (``stage``)."""
        statement = self.statements.get(table)
        if statement is None:
            return
        if staged:
            from bostadcli.landlord_lists.stage import record_staged

            record_staged(self.conn, table)
            return
        self.conn.execute(
            statement.format(source=source or f'"{table}"', where=where, order=order), params
        )


@contextmanager
def insert_triggers_held(conn: sqlite3.Connection, tables: tuple[str, ...]) -> Iterator[BulkAudit]:
    """Inside the caller's write transaction: the insert triggers of ``tables`` set
    aside, and put back as they were when the block ends. The block runs in a savepoint:
    after an error, everything it did is undone, the triggers back, whatever the
    caller then does with its transaction."""
    if not conn.in_transaction:
        raise RuntimeError("insert_triggers_held needs a write transaction")
    saved: list[tuple[str, str]] = []
    statements: dict[str, str] = {}
    for table in tables:
        name = f"audit_{table}_insert"
        found = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ? AND tbl_name = ?",
            [name, table],
        ).fetchone()
        if found is None:
            continue
        statement = bulk_statement(str(found[0]), table)
        if statement is None:
            continue
        statements[table] = statement
        saved.append((name, str(found[0])))
    conn.execute("SAVEPOINT bulk_audit")
    try:
        for name, _sql in saved:
            conn.execute(f'DROP TRIGGER "{name}"')
        yield BulkAudit(conn, statements)
        for _name, sql in saved:
            conn.execute(sql)
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK TO bulk_audit")
            conn.execute("RELEASE bulk_audit")
        raise
    conn.execute("RELEASE bulk_audit")
