"""An import of a landlord's list checks its rows before it takes the write lock, and a
write by another command in between is seen: the list is prepared again on it."""

from __future__ import annotations

import csv
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bostadcli.db import open_database, rows
from bostadcli.demo import fictional_pnr
from bostadcli.errors import InvalidInput
from bostadcli.households import NewHousehold, add_household
from bostadcli.landlord_lists import import_notices, importer
from bostadcli.landlord_lists.plan import Plan

AS_OF = date(2026, 11, 20)
HEADER = ["Namn", "Personnummer", "Adress", "Skuld", "Delgiven"]


def landlord_file(path: Path, records: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(records)
    return path


def run(db: Any, path: Path, **options: Any) -> Any:
    with path.open("rb") as fh:
        return import_notices(db, fh, source=path.name, as_of=AS_OF, **options)


def records(n: int) -> list[list[str]]:
    return [
        [
            f"Hyresgäst {i}",
            fictional_pnr(date(1970, 1, 1 + i), f"{i + 2:03d}"),
            f"Gatan {i}",
            "1 000",
            "2026-11-02",
        ]
        for i in range(n)
    ]


def take_write_lock(path: Path) -> None:
    """Another command writes: it gets the lock at once (no waiting) and commits."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute(
            "INSERT INTO counters (name, value) VALUES ('elsewhere', 1)"
            " ON CONFLICT (name) DO UPDATE SET value = value + 1"
        )
        other.execute("COMMIT")
    finally:
        other.close()


def test_another_command_can_write_while_a_list_is_checked(
    tmp_path: Path, monkeypatch: Any
) -> None:
    path = tmp_path / "t.sqlite"
    db = open_database(path, create=True)
    seen: list[int] = []

    def prepared(plan: Plan) -> None:
        # Every row is checked and planned; the import holds no lock on the database.
        seen.append(plan.notices)
        if len(seen) == 1:
            take_write_lock(path)

    monkeypatch.setattr(importer, "prepared", prepared)
    summary = run(db, landlord_file(tmp_path / "l.csv", records(5)))
    assert summary.new_households == 5
    # The other command's write came between: the import prepared twice and wrote once.
    assert seen == [5, 5]
    assert len(rows(db, "SELECT id FROM households")) == 5
    assert len(rows(db, "SELECT fingerprint FROM imported_rows")) == 5


def test_a_bad_row_is_refused_before_the_write_lock(tmp_path: Path, monkeypatch: Any) -> None:
    path = tmp_path / "t.sqlite"
    db = open_database(path, create=True)
    bad = [*records(3), ["Bo Ek", "19800101-123", "Gatan 9", "1 000", "2026-11-02"]]
    locks: list[str] = []
    import bostadcli.db as db_module

    original = db_module.transaction

    def transaction(database: Any) -> Any:
        locks.append("taken")
        return original(database)

    monkeypatch.setattr(db_module, "transaction", transaction)
    with pytest.raises(InvalidInput) as refused:
        run(db, landlord_file(tmp_path / "l.csv", bad))
    assert "line 5" in str(refused.value)
    assert locks == []
    assert rows(db, "SELECT id FROM households") == []


def test_a_case_opened_meanwhile_gets_the_notice(tmp_path: Path, monkeypatch: Any) -> None:
    """Another caseworker opens a case for a tenant of the list while it is checked: the
    import sees it when it comes to write, prepares again and adds the notice to that
    case instead of opening a second one."""
    path = tmp_path / "t.sqlite"
    db = open_database(path, create=True)
    listed = records(2)
    calls: list[int] = []

    def prepared(plan: Plan) -> None:
        calls.append(plan.households)
        if len(calls) == 1:
            other = open_database(path)
            add_household(
                other,
                NewHousehold(tenant_name=listed[0][0], tenant_pnr=listed[0][1]),
                as_of=AS_OF,
            )
            other.close()

    monkeypatch.setattr(importer, "prepared", prepared)
    summary = run(db, landlord_file(tmp_path / "l.csv", listed))
    assert calls == [2, 1]
    assert (summary.new_households, summary.notices_on_known) == (1, 1)
    found = rows(db, "SELECT m.pnr, count(*) AS n FROM members m GROUP BY m.pnr")
    assert all(r["n"] == 1 for r in found)
    assert len(rows(db, "SELECT id FROM notices")) == 2


def test_always_busy_the_import_prepares_under_the_lock(tmp_path: Path, monkeypatch: Any) -> None:
    path = tmp_path / "t.sqlite"
    db = open_database(path, create=True)
    calls: list[int] = []

    def prepared(plan: Plan) -> None:
        calls.append(plan.notices)
        take_write_lock(path)

    monkeypatch.setattr(importer, "prepared", prepared)
    # Every prepared snapshot is stale: after its tries the import prepares while
    # holding the lock, where nothing can change under it.
    summary = run(db, landlord_file(tmp_path / "l.csv", records(3)))
    assert calls == [3] * (importer._ATTEMPTS - 1)
    assert summary.new_households == 3
    assert len(rows(db, "SELECT id FROM households")) == 3
    assert len(rows(db, "SELECT fingerprint FROM imported_rows")) == 3
