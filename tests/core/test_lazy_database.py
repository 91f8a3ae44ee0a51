"""open_database gives a LazyDatabase: sqlite-utils' Database to the code, without
importing sqlite-utils for a command that only runs SQL (db.py)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from bostadcli.db import LazyDatabase, open_database
from bostadcli.migrations import migrations

SETUP = "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"

# Statements one after the other on the same connection, as commands run them.
SCRIPTS: list[list[tuple[str, Any]]] = [
    [("SELECT 1", None)],
    [("INSERT INTO t (v) VALUES (?)", ["a"])],
    [("  insert into t (v) values ('b')", None)],
    [("-- a comment\nINSERT INTO t (v) VALUES ('c')", None)],
    [("/* a comment */ DELETE FROM t", None)],
    [("REPLACE INTO t (id, v) VALUES (1, 'd')", None)],
    [("UPDATE t SET v = 'e'", None)],
    [("CREATE TABLE u (x)", None), ("INSERT INTO u VALUES (1)", None)],
    [("BEGIN", None), ("INSERT INTO t (v) VALUES ('f')", None)],
    [("BEGIN IMMEDIATE", None), ("INSERT INTO t (v) VALUES ('g')", None), ("COMMIT", None)],
    [("SAVEPOINT s", None), ("INSERT INTO t (v) VALUES ('h')", None)],
    [("INSERT INTO t (v) VALUES ('x')", None), ("INSERT INTO t (v) VALUES ('x')", None)],
    [
        ("BEGIN", None),
        ("INSERT INTO t (v) VALUES ('y')", None),
        ("INSERT INTO t (v) VALUES ('y')", None),
    ],
    [("INSERT INTO t (v) VALUES ('z') RETURNING id", None)],
    [("SELECT * FROM nowhere", None)],
    [("INSERT INTO t (v) VALUES (:v)", {"v": "named"})],
]


def run(db: Any, path: Path, script: list[tuple[str, Any]]) -> list[Any]:
    seen: list[Any] = []
    for sql, params in script:
        try:
            cursor = db.execute(sql, params)
            seen.append(("rows", cursor.fetchall() if cursor.description else None))
        except sqlite3.Error as exc:
            seen.append(("error", type(exc).__name__, str(exc)))
        seen.append(("in_transaction", db.conn.in_transaction))
    # What another connection sees: what was committed.
    other = sqlite3.connect(path)
    try:
        seen.append(other.execute("SELECT * FROM t ORDER BY id").fetchall())
    finally:
        other.close()
    return seen


@pytest.mark.parametrize("script", SCRIPTS)
def test_execute_is_sqlite_utils_execute(tmp_path: Path, script: list[tuple[str, Any]]) -> None:
    results = []
    for name, make in (("theirs", Database), ("ours", LazyDatabase)):
        path = tmp_path / f"{name}.sqlite"
        conn = sqlite3.connect(path, timeout=0.1)
        conn.execute(SETUP)
        db = make(conn)
        results.append(run(db, path, script))
        conn.close()
    assert results[0] == results[1]


def test_the_connection_is_set_up_as_sqlite_utils_does(tmp_path: Path) -> None:
    theirs = Database(sqlite3.connect(tmp_path / "theirs.sqlite"), execute_plugins=False)
    ours = open_database(tmp_path / "bostad.sqlite", create=True)
    pragma = "PRAGMA recursive_triggers"
    assert ours.execute(pragma).fetchone() == theirs.execute(pragma).fetchone() == (1,)
    assert not ours.conn.in_transaction


def test_the_rest_is_sqlite_utils(tmp_path: Path) -> None:
    db = open_database(tmp_path / "bostad.sqlite", create=True)
    assert isinstance(db, LazyDatabase)
    assert "households" in db.table_names()
    assert db["households"].count == 0
    with db.atomic():
        db.execute("INSERT INTO counters (name, value) VALUES ('x', 1)")
    assert db.execute("SELECT value FROM counters WHERE name = 'x'").fetchone() == (1,)
    # Marks the code sets on the database are its own, never looked up in sqlite-utils.
    assert getattr(db, "_bostad_unknown_migrations", None) is None
    with pytest.raises(AttributeError):
        db.no_such_thing  # noqa: B018
    assert migrations.pending(db) == []
    assert [m.name for m in migrations.applied(db)] == migrations.names()
    assert migrations.applied_names(db.conn) == migrations.names()
    db.close()


def test_a_reading_command_does_not_import_sqlite_utils(tmp_path: Path) -> None:
    path = tmp_path / "bostad.sqlite"
    open_database(path, create=True).close()
    probe = (
        "import json, sys\n"
        "sys.argv = ['bostad', 'household', 'list']\n"
        "from bostadcli.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules}"
        " & {'sqlite_utils', 'pydantic'})), file=sys.stderr)\n"
    )
    env = {
        **os.environ,
        "BOSTAD_DB": str(path),
        "BOSTAD_CONFIG": str(tmp_path / "config.toml"),
        "BOSTAD_LANG": "sv",
    }
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    assert json.loads(result.stderr.strip().splitlines()[-1]) == []
