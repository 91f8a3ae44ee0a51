"""An import writes the audit rows of its new rows one statement per table, with the
insert triggers set aside inside its write transaction: the audit log it leaves is the
one the triggers write, row for row, and the triggers are there again afterwards."""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bostadcli.db import open_database, transaction
from bostadcli.demo import fictional_pnr
from bostadcli.households import NewHousehold, add_household
from bostadcli.landlord_lists import import_notices, plan
from bostadcli.landlord_lists.bulk_audit import bulk_statement, insert_triggers_held
from bostadcli.landlords import add_landlord
from bostadcli.money import Money

AS_OF = date(2026, 11, 20)
HEADER = [
    "Namn",
    "Personnummer",
    "Adress",
    "Postnr",
    "Ort",
    "Hyra",
    "Skuld",
    "Delgiven",
    "Orsak",
    "Barn",
    "Medhyresgäst",
    "Hyresvärd",
    "Anteckning",
]


def pnr(i: int) -> str:
    return fictional_pnr(date(1960 + i % 40, 1 + i % 12, 1 + i % 28), f"{i % 900 + 2:03d}")


def landlord_file(path: Path, count: int = 40, hand_reason: str = "") -> Path:
    """A landlord's list of ``count`` varied rows, one for the case opened by hand (the
    same personnummer, the ground ``hand_reason``) and one repeated."""
    rows: list[list[str]] = []
    for i in range(count):
        rows.append(
            [
                f"Hyresgäst {i}",
                pnr(i) if i % 5 else "",
                f"Gatan {i % 30}",
                "123 45",
                "Exempelby",
                f"{7000 + i},50" if i % 3 else "",
                f"{1000 + i * 10} kr" if i % 4 else "",
                "2026-11-02",
                ["hyresskuld", "störningar", "", "annat skäl"][i % 4],
                "2015-03-04, 2019-05-06" if i % 6 == 0 else ("2" if i % 7 == 0 else ""),
                f"Medboende {i}" if i % 8 == 0 else "",
                "Bostadsbolaget" if i % 2 else "Nya Hem AB",
                "=1+1 ringde" if i % 9 == 0 else "",
            ]
        )
    # A row for the case opened by hand (same personnummer), and one repeated.
    hand = ["Kvar Ek", pnr(1000), "Ekvägen 1", "", "", "", "5 000", "2026-11-03", hand_reason]
    rows.append([*hand, "", "", "", ""])
    rows.append(rows[3])
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def database(path: Path) -> Any:
    db = open_database(path, create=True)
    add_landlord(db, name="Bostadsbolaget")
    add_household(
        db,
        NewHousehold(
            tenant_name="Kvar Ek",
            tenant_pnr=pnr(1000),
            street="Ekvägen 1",
            arrears=Money(100_00),
        ),
        as_of=AS_OF,
    )
    return db


def audit_rows(db: Any) -> list[tuple[Any, ...]]:
    # Every column but the time it was written.
    return db.conn.execute(
        "SELECT id, os_user, command, action, table_name, row_id, household_id, changes"
        " FROM audit_log ORDER BY id"
    ).fetchall()


def triggers(db: Any) -> list[tuple[Any, ...]]:
    return db.conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    ).fetchall()


def imported(tmp_path: Path, name: str, *, bulk: bool, monkeypatch: Any) -> Any:
    monkeypatch.setattr(plan, "BULK_AUDIT", bulk)
    db = database(tmp_path / f"{name}.sqlite")
    source = landlord_file(tmp_path / "list.csv")
    with source.open("rb") as fh:
        summary = import_notices(db, fh, source="list.csv", as_of=AS_OF, create_landlord=True)
    assert summary.new_households > 30 and summary.notices_on_known == 1
    return db


def test_the_bulk_audit_is_the_triggers_audit(tmp_path: Path, monkeypatch: Any) -> None:
    by_triggers = imported(tmp_path, "triggers", bulk=False, monkeypatch=monkeypatch)
    in_bulk = imported(tmp_path, "bulk", bulk=True, monkeypatch=monkeypatch)
    expected = audit_rows(by_triggers)
    assert {r[4] for r in expected} >= {"households", "members", "notices", "household_reasons"}
    assert audit_rows(in_bulk) == expected
    # The triggers are there again, as they were: every later write is audited as before.
    assert triggers(in_bulk) == triggers(by_triggers)
    for db in (by_triggers, in_bulk):
        with transaction(db):
            db.execute("UPDATE households SET note = 'x' WHERE id = 3")
            db.execute("INSERT INTO household_reasons (household_id, reason) VALUES (3, 'other')")
    assert audit_rows(in_bulk) == audit_rows(by_triggers)


def test_a_failed_write_leaves_nothing_and_the_triggers(tmp_path: Path, monkeypatch: Any) -> None:
    db = database(tmp_path / "t.sqlite")
    before = triggers(db)
    count = db.conn.execute("SELECT count(*) FROM audit_log").fetchone()

    def fail(*args: Any, **kwargs: Any) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    from bostadcli.landlord_lists import bulk_audit

    monkeypatch.setattr(bulk_audit.BulkAudit, "record", fail)
    source = landlord_file(tmp_path / "list.csv")
    with source.open("rb") as fh, pytest.raises(sqlite3.OperationalError):
        import_notices(db, fh, source="list.csv", as_of=AS_OF, create_landlord=True)
    assert triggers(db) == before
    assert db.conn.execute("SELECT count(*) FROM audit_log").fetchone() == count
    assert db.conn.execute("SELECT count(*) FROM households").fetchone() == (1,)


_KILLED = """
import os, sys
from datetime import date
from bostadcli.db import open_database
from bostadcli.landlord_lists import bulk_audit, import_notices

def killed(self, table, **kwargs):
    os._exit(9)  # the process dies with the triggers set aside and rows inserted

bulk_audit.BulkAudit.record = killed
db = open_database(sys.argv[1])
with open(sys.argv[2], "rb") as fh:
    import_notices(db, fh, source="list.csv", as_of=date(2026, 11, 20), create_landlord=True)
"""


def test_a_kill_in_the_middle_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite"
    db = database(path)
    before = triggers(db)
    count = db.conn.execute("SELECT count(*) FROM audit_log").fetchone()
    db.close()
    source = landlord_file(tmp_path / "list.csv")
    done = subprocess.run(
        [sys.executable, "-c", _KILLED, str(path), str(source)],
        capture_output=True,
        env=os.environ | {"BOSTAD_LANG": "en"},
    )
    assert done.returncode == 9, done.stderr
    other = sqlite3.connect(path)
    assert (
        other.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
        ).fetchall()
        == before
    )
    assert other.execute("SELECT count(*) FROM audit_log").fetchone() == count
    assert other.execute("SELECT count(*) FROM households").fetchone() == (1,)
    other.close()


def test_a_trigger_not_made_by_the_audit_stays(tmp_path: Path) -> None:
    db = database(tmp_path / "t.sqlite")
    (sql,) = db.conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'audit_households_insert'"
    ).fetchone()
    assert bulk_statement(sql, "households") is not None
    assert bulk_statement(sql.replace("json_each(", "json_tree("), "households") is None
    assert bulk_statement(sql, "members") is None
    db.conn.execute("DROP TRIGGER audit_members_insert")
    db.conn.execute(
        "CREATE TRIGGER audit_members_insert AFTER INSERT ON members BEGIN"
        " INSERT INTO audit_log (action, table_name, row_id) VALUES ('insert', 'members', NEW.id);"
        " END"
    )
    with transaction(db), insert_triggers_held(db.conn, ("households", "members")) as audit:
        assert audit.held("households") and not audit.held("members")
        names = {r[0] for r in triggers(db)}
        assert "audit_households_insert" not in names
        assert "audit_members_insert" in names
    assert "audit_households_insert" in {r[0] for r in triggers(db)}


def test_an_error_inside_undoes_the_block_whatever_the_caller_does(tmp_path: Path) -> None:
    db = database(tmp_path / "t.sqlite")
    before = triggers(db)
    with transaction(db):
        with pytest.raises(RuntimeError), insert_triggers_held(db.conn, ("households",)):
            db.execute("DELETE FROM counters")
            raise RuntimeError("a caller that goes on")
        # The caller swallowed the error and commits: the triggers are there.
        assert triggers(db) == before
    assert triggers(db) == before
    with transaction(db):
        db.execute("UPDATE households SET note = 'x'")
    assert db.conn.execute("SELECT count(*) FROM audit_log WHERE action = 'update'").fetchone() == (
        1,
    )
