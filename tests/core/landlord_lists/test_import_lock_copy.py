"""What the import does inside its write lock to copy the staged rows quickly leaves
the database as the row-by-row path with every trigger leaves it: the audit log's time
worked out once a statement, and an insert trigger that does nothing for the copied
rows set aside for the copy and put back."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bostadcli.db import open_database
from bostadcli.demo import fictional_pnr
from bostadcli.landlord_lists import import_notices, plan, stage
from bostadcli.landlords import add_landlord

AS_OF = date(2026, 11, 20)
HEADER = ["Namn", "Personnummer", "Adress", "Postnr", "Ort", "Hyra", "Skuld", "Delgiven"]
# Fires only for a new case with a rent: it records the rent elsewhere.
RENT_TRIGGER = (
    "CREATE TRIGGER rent_seen AFTER INSERT ON households\n"
    "    WHEN NEW.rent_ore IS NOT NULL\n"
    "    BEGIN INSERT INTO seen (household_id, note) VALUES (NEW.id, 'rent ' || NEW.rent_ore);"
    " END"
)
# Its condition is more than one column having a value: never set aside.
BOTH_TRIGGER = (
    "CREATE TRIGGER street_seen AFTER INSERT ON households\n"
    "    WHEN NEW.street IS NOT NULL AND NEW.rent_ore IS NULL\n"
    "    BEGIN INSERT INTO seen (household_id, note) VALUES (NEW.id, NEW.street); END"
)


def landlord_file(path: Path, *, rents: bool) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(HEADER)
        for i in range(30):
            born = date(1960 + i, 1 + i % 12, 1 + i % 28)
            writer.writerow(
                [
                    f"Hyresgäst {i}",
                    fictional_pnr(born, f"{i + 2:03d}"),
                    f"Gatan {i}",
                    "123 45",
                    "Exempelby",
                    f"{7000 + i},50" if rents and i % 4 == 0 else "",
                    f"{1000 + i} kr",
                    "2026-11-02",
                ]
            )
    return path


def imported(tmp_path: Path, name: str, *, staged: bool, rents: bool, monkeypatch: Any) -> Any:
    monkeypatch.setattr(plan, "STAGE", staged)
    monkeypatch.setattr(plan, "BULK_AUDIT", staged)
    db = open_database(tmp_path / f"{name}.sqlite", create=True)
    add_landlord(db, name="Bostadsbolaget")
    db.conn.execute("CREATE TABLE seen (household_id INTEGER, note TEXT)")
    db.conn.execute(RENT_TRIGGER)
    db.conn.execute(BOTH_TRIGGER)
    db.conn.commit()
    with landlord_file(tmp_path / f"{name}.csv", rents=rents).open("rb") as fh:
        summary = import_notices(db, fh, source="list.csv", as_of=AS_OF)
    assert summary.new_households == 30
    return db


def state(db: Any) -> dict[str, list[tuple[Any, ...]]]:
    conn = db.conn
    return {
        "seen": conn.execute("SELECT * FROM seen ORDER BY rowid").fetchall(),
        "triggers": conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
        ).fetchall(),
        "audit": conn.execute(
            "SELECT id, action, table_name, row_id, household_id, changes"
            " FROM audit_log ORDER BY id"
        ).fetchall(),
    }


@pytest.mark.parametrize("rents", [True, False])
def test_a_trigger_for_a_value_fires_as_without_the_copy(
    tmp_path: Path, monkeypatch: Any, rents: bool
) -> None:
    by_rows = state(imported(tmp_path, "rows", staged=False, rents=rents, monkeypatch=monkeypatch))
    copied = imported(tmp_path, "copied", staged=True, rents=rents, monkeypatch=monkeypatch)
    assert state(copied) == by_rows
    seen = by_rows["seen"]
    # The rent trigger for the rows with a rent; the other for the rows without.
    assert len(seen) == 30
    assert sum(1 for _hid, text in seen if str(text).startswith("rent ")) == (8 if rents else 0)


def test_only_a_trigger_that_does_nothing_is_set_aside(tmp_path: Path, monkeypatch: Any) -> None:
    held: list[list[str]] = []
    idle_triggers = stage.idle_triggers

    def watched(conn: Any, table: str, columns: list[str]) -> list[tuple[str, str]]:
        found = idle_triggers(conn, table, columns)
        if table == "households":
            held.append([name for name, _sql in found])
        return found

    monkeypatch.setattr(stage, "idle_triggers", watched)
    imported(tmp_path, "without", staged=True, rents=False, monkeypatch=monkeypatch)
    imported(tmp_path, "with", staged=True, rents=True, monkeypatch=monkeypatch)
    # The caseworker's name is set only for a case with a caseworker (none here).
    assert held == [["caseworker_name_on_insert", "rent_seen"], ["caseworker_name_on_insert"]]


def test_the_audit_time_is_the_columns_default_once_a_statement(
    tmp_path: Path, monkeypatch: Any
) -> None:
    db = imported(tmp_path, "t", staged=True, rents=True, monkeypatch=monkeypatch)
    times = db.conn.execute(
        "SELECT table_name, count(DISTINCT at), min(at) FROM audit_log"
        " WHERE action = 'insert' AND table_name IN ('households', 'members', 'notices')"
        " GROUP BY table_name ORDER BY table_name"
    ).fetchall()
    assert [(t, n) for t, n, _at in times] == [("households", 1), ("members", 1), ("notices", 1)]
    for _table, _n, at in times:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", at)


def test_an_error_in_the_copy_leaves_the_triggers_and_rows(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """The copy fails after the households went in (their triggers set aside): nothing
    is written, and every trigger is there as it was."""
    db = open_database(tmp_path / "t.sqlite", create=True)
    db.conn.execute("CREATE TABLE seen (household_id INTEGER, note TEXT)")
    db.conn.execute(RENT_TRIGGER)
    db.conn.commit()
    triggers = state(db)["triggers"]
    record_staged = stage.record_staged

    def failing(conn: Any, table: str) -> None:
        record_staged(conn, table)
        if table == "households":
            raise RuntimeError("the disk is full")

    monkeypatch.setattr(stage, "record_staged", failing)
    with (
        landlord_file(tmp_path / "list.csv", rents=False).open("rb") as fh,
        pytest.raises(RuntimeError, match="the disk is full"),
    ):
        import_notices(db, fh, source="list.csv", as_of=AS_OF)
    assert state(db)["triggers"] == triggers
    assert db.conn.execute("SELECT count(*) FROM households").fetchone() == (0,)
    audited = "SELECT count(*) FROM audit_log WHERE table_name = 'households'"
    assert db.conn.execute(audited).fetchone() == (0,)
    assert not db.conn.in_transaction
    assert db.conn.execute("PRAGMA main.cache_size").fetchone() == (-2000,)
