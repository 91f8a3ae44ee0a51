"""An import makes the rows it writes, and their audit rows, before it takes the write
lock (``stage``), and inside it only copies them: the database it leaves, audit log
included, is the one that inserting row by row with the triggers leaves."""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from test_import_bulk_audit import landlord_file as bulk_audit_list
from test_import_bulk_audit import pnr

from bostadcli.db import open_database
from bostadcli.households import NewHousehold, add_household
from bostadcli.landlord_lists import import_notices, importer, plan, stage
from bostadcli.landlords import add_landlord
from bostadcli.money import Money

AS_OF = date(2026, 11, 20)
TABLES = ("households", "members", "notices", "household_reasons", "imported_rows", "counters")


def landlord_file(path: Path) -> Path:
    return bulk_audit_list(path, count=60, hand_reason="störningar")


def database(path: Path) -> Any:
    db = open_database(path, create=True)
    add_landlord(db, name="Bostadsbolaget")
    add_landlord(db, name="Nya Hem AB")
    add_household(
        db,
        NewHousehold(
            tenant_name="Kvar Ek", tenant_pnr=pnr(1000), street="Ekvägen 1", arrears=Money(10_00)
        ),
        as_of=AS_OF,
    )
    return db


def contents(db: Any) -> dict[str, list[tuple[Any, ...]]]:
    # household_reasons and counters have no rowid: ordered by their keys.
    keyed = ("household_reasons", "counters")
    found = {
        t: db.conn.execute(
            f"SELECT * FROM {t} ORDER BY {'1, 2' if t in keyed else 'rowid'}"
        ).fetchall()
        for t in TABLES
    }
    found["audit_log"] = db.conn.execute(
        "SELECT id, os_user, command, action, table_name, row_id, household_id, changes"
        " FROM audit_log ORDER BY id"
    ).fetchall()
    found["triggers"] = db.conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    ).fetchall()
    return found


_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")


def unstamped(found: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    """The contents with every timestamp the same: the two runs are seconds apart."""
    return {
        table: [tuple(_STAMP.sub("T", v) if isinstance(v, str) else v for v in r) for r in rows]
        for table, rows in found.items()
    }


def imported(tmp_path: Path, name: str, *, staged: bool, monkeypatch: Any) -> Any:
    monkeypatch.setattr(plan, "STAGE", staged)
    monkeypatch.setattr(plan, "BULK_AUDIT", staged)
    copied: list[str] = []
    write_staged = stage.write_staged

    def counted(*args: Any) -> int:
        copied.append("staged")
        return write_staged(*args)

    monkeypatch.setattr(stage, "write_staged", counted)
    db = database(tmp_path / f"{name}.sqlite")
    with landlord_file(tmp_path / "list.csv").open("rb") as fh:
        summary = import_notices(db, fh, source="list.csv", as_of=AS_OF)
    assert summary.new_households == 60 and summary.notices_on_known == 1
    assert copied == (["staged"] if staged else [])
    return db


def test_staged_rows_are_the_rows_the_triggers_see(tmp_path: Path, monkeypatch: Any) -> None:
    by_triggers = unstamped(
        contents(imported(tmp_path, "triggers", staged=False, monkeypatch=monkeypatch))
    )
    staged = unstamped(contents(imported(tmp_path, "staged", staged=True, monkeypatch=monkeypatch)))
    assert len(by_triggers["audit_log"]) > 200
    assert {r[4] for r in by_triggers["audit_log"]} >= {"households", "members", "notices"}
    for table, expected in by_triggers.items():
        assert staged[table] == expected, table


def test_a_write_meanwhile_makes_the_rows_again(tmp_path: Path, monkeypatch: Any) -> None:
    """Another command opens a case between the staging and the write lock: the ids
    the staged rows took are taken; the import prepares again and numbers on."""
    path = tmp_path / "t.sqlite"
    db = database(path)
    calls: list[int] = []

    def prepared(made: Any) -> None:
        calls.append(made.households)
        if len(calls) == 1:
            other = open_database(path)
            add_household(
                other, NewHousehold(tenant_name="Ny Annan", street="Vägen 2"), as_of=AS_OF
            )
            other.close()

    monkeypatch.setattr(importer, "prepared", prepared)
    with landlord_file(tmp_path / "list.csv").open("rb") as fh:
        summary = import_notices(db, fh, source="list.csv", as_of=AS_OF)
    assert calls == [60, 60]
    assert summary.first_ref == "2026-0003"
    ids = db.conn.execute("SELECT count(*), count(DISTINCT id), max(id) FROM households")
    assert ids.fetchone() == (62, 62, 62)
    audited = db.conn.execute(
        "SELECT count(*) FROM audit_log WHERE table_name = 'households' AND action = 'insert'"
    ).fetchone()
    assert audited == (62,)


def test_staged_rows_are_not_in_the_database_file(tmp_path: Path) -> None:
    """Staging writes temporary tables only: another command can take the write lock
    while the rows are made."""
    path = tmp_path / "t.sqlite"
    db = database(path)
    with landlord_file(tmp_path / "list.csv").open("rb") as fh:
        summary = import_notices(db, fh, source="list.csv", as_of=AS_OF, dry_run=True)
    assert summary.new_households == 60
    conn = db.conn
    conn.execute("BEGIN")
    from bostadcli.landlord_lists.plan import Snapshot

    snap = Snapshot(db, counter="case:2026")
    snap.plan.notices = 1
    stage.stage(conn, snap.plan, audited=("households",))
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # not refused: staging holds no write lock
    other.execute("ROLLBACK")
    other.close()
    conn.rollback()
    with pytest.raises(sqlite3.OperationalError):
        conn.execute("SELECT 1 FROM main.import_rows_households")


def test_a_long_list_is_not_prepared_holding_the_lock(tmp_path: Path, monkeypatch: Any) -> None:
    """A list that takes long to check is checked on a snapshot again and again, never
    while holding the write lock (a colleague's command would wait that long); when
    others keep writing it stops with nothing written."""
    from bostadcli.errors import Conflict

    path = tmp_path / "t.sqlite"
    db = database(path)
    before = db.conn.execute("SELECT count(*) FROM households").fetchone()
    monkeypatch.setattr(importer, "_LOCKED_PREPARE_MAX", -1.0)
    calls: list[int] = []

    def prepared(made: Any) -> None:
        calls.append(made.households)
        other = open_database(path)
        add_household(other, NewHousehold(tenant_name=f"Ny {len(calls)}"), as_of=AS_OF)
        other.close()

    monkeypatch.setattr(importer, "prepared", prepared)
    with (
        landlord_file(tmp_path / "list.csv").open("rb") as fh,
        pytest.raises(Conflict, match=r"list\.csv: other commands wrote to the database 6 times"),
    ):
        import_notices(db, fh, source="list.csv", as_of=AS_OF)
    # Six preparations, each on a snapshot (prepared() runs only for those).
    assert calls == [60] * 6
    count = db.conn.execute("SELECT count(*) FROM households").fetchone()
    assert count == (before[0] + 6,)
    assert db.conn.execute("SELECT count(*) FROM imported_rows").fetchone() == (0,)


def test_a_long_list_is_written_once_the_others_stop(tmp_path: Path, monkeypatch: Any) -> None:
    path = tmp_path / "t.sqlite"
    db = database(path)
    monkeypatch.setattr(importer, "_LOCKED_PREPARE_MAX", -1.0)
    calls: list[int] = []

    def prepared(made: Any) -> None:
        calls.append(made.households)
        if len(calls) <= 4:
            other = open_database(path)
            add_household(other, NewHousehold(tenant_name=f"Ny {len(calls)}"), as_of=AS_OF)
            other.close()

    monkeypatch.setattr(importer, "prepared", prepared)
    with landlord_file(tmp_path / "list.csv").open("rb") as fh:
        summary = import_notices(db, fh, source="list.csv", as_of=AS_OF)
    assert calls == [60] * 5
    assert summary.new_households == 60 and summary.first_ref == "2026-0006"
