"""The one door to the database: file mode, pragmas, STRICT tables, migrations."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bostadcli.database_file import init_database, integrity_check, migration_status
from bostadcli.db import next_counter, open_database, readable_by_others, rows, transaction
from bostadcli.errors import BostadError, NotFound
from bostadcli.migrations import migrations

if TYPE_CHECKING:
    from sqlite_utils import Database

Dump = Callable[[str | Path], list[str]]


def test_new_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "t.sqlite"
    open_database(path, create=True).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not readable_by_others(path)
    path.chmod(0o644)
    assert readable_by_others(path)


def test_pragmas(db: Database) -> None:
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_every_table_is_strict(db: Database) -> None:
    tables = [
        r["name"]
        for r in rows(db, "PRAGMA table_list")
        if r["type"] == "table" and not r["name"].startswith(("sqlite_", "_"))
    ]
    assert {"households", "members", "notices", "contacts", "consents", "landlords"} <= set(tables)
    strict = {r["name"]: r["strict"] for r in rows(db, "PRAGMA table_list")}
    assert all(strict[t] == 1 for t in tables), strict


def test_strict_refuses_text_in_an_integer_column(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="cannot store TEXT value in INTEGER"):
        db.execute("INSERT INTO counters (name, value) VALUES ('x', 'twelve')")
    assert rows(db, "SELECT * FROM counters") == []


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        db.execute(
            "INSERT INTO members (household_id, name, role, created_at)"
            " VALUES (999, 'X', 'adult', '2026-01-01')"
        )


def test_status_lists_the_first_migration(db: Database) -> None:
    status = migration_status(db)
    assert status[0]["name"] == "0001_foundation"
    assert all(m["applied_at"] for m in status)
    assert [m["name"] for m in status] == [m.name for m in migrations._migrations]


def test_second_open_applies_nothing(tmp_path: Path, dump: Dump) -> None:
    path = tmp_path / "t.sqlite"
    open_database(path, create=True).close()
    before = dump(path)
    db = open_database(path)
    assert migrations.pending(db) == []
    db.close()
    assert dump(path) == before


def test_open_without_create_needs_init(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="bostad init"):
        open_database(tmp_path / "missing.sqlite")
    assert not (tmp_path / "missing.sqlite").exists()


def test_open_a_folder(tmp_path: Path) -> None:
    with pytest.raises(BostadError, match="folder"):
        open_database(tmp_path, create=True)


def test_open_something_else(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("this is not a database\n" * 200)
    with pytest.raises(BostadError, match="not a bostadcli database"):
        open_database(path)


def test_init_twice(tmp_path: Path, dump: Dump) -> None:
    path = tmp_path / "t.sqlite"
    assert init_database(path, open_database) is True
    before = dump(path)
    assert init_database(path, open_database) is False
    assert dump(path) == before


def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError), transaction(db):
        db.execute("INSERT INTO counters (name, value) VALUES ('a', 1)")
        raise RuntimeError("boom")
    assert rows(db, "SELECT * FROM counters") == []
    assert not db.conn.in_transaction


def test_nested_transaction_is_a_savepoint(db: Database) -> None:
    with transaction(db):
        db.execute("INSERT INTO counters (name, value) VALUES ('outer', 1)")
        with pytest.raises(RuntimeError), transaction(db):
            db.execute("INSERT INTO counters (name, value) VALUES ('inner', 1)")
            raise RuntimeError("boom")
    assert [r["name"] for r in rows(db, "SELECT name FROM counters")] == ["outer"]


def test_counter_counts_per_name(db: Database) -> None:
    with transaction(db):
        assert [next_counter(db, "a") for _ in range(3)] == [1, 2, 3]
        assert next_counter(db, "b") == 1
    with transaction(db):
        assert next_counter(db, "a") == 4


def test_integrity_check(db: Database) -> None:
    result = integrity_check(db)
    assert result["ok"] is True
    assert result["problems"] == []
    assert result["counts"]["households"] == 0
    assert "_sqlite_migrations" not in result["counts"]


def test_integrity_check_reports_broken_foreign_keys(db: Database) -> None:
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute(
        "INSERT INTO members (household_id, name, role, created_at)"
        " VALUES (999, 'X', 'adult', '2026-01-01')"
    )
    result = integrity_check(db)
    assert result["ok"] is False
    assert any("members" in p for p in result["problems"])


def test_insert_many_keeps_every_field_of_rows_that_differ(tmp_path: Path) -> None:
    """Rows that leave out a field get the schema's default; a field only a later row
    has is written, not dropped (a co-tenant's identity level beside a tenant's none)."""
    from bostadcli.db import insert_many

    db = open_database(tmp_path / "x.sqlite", create=True)
    try:
        db.execute("CREATE TABLE t (a TEXT, b TEXT, c INTEGER NOT NULL DEFAULT 0)")
        insert_many(
            db,
            "t",
            [{"a": "1"}, {"a": "2", "b": "x"}, {"a": "3", "b": "y"}, {"a": "4", "c": 1}],
        )
        rows = db.execute("SELECT a, b, c FROM t ORDER BY a").fetchall()
        assert rows == [("1", None, 0), ("2", "x", 0), ("3", "y", 0), ("4", None, 1)]
    finally:
        db.close()
