"""Lookalike names are one name: normalised (NFC, spaces, no invisible characters) before
they are stored and whenever a name is looked up."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlite_utils import Database

from bostadcli.database_file import integrity_check
from bostadcli.db import open_database, rows
from bostadcli.errors import Conflict, InvalidInput
from bostadcli.households import NewHousehold, add_household, list_households
from bostadcli.landlords import add_landlord, edit_landlord, find_landlord
from bostadcli.validate import name_key, normalise_name
from conftest import Cli

LOOKALIKES = [
    "Exempelhem\u00a0AB",  # no-break space
    "Exempelhem\u202fAB",  # narrow no-break space
    "Exempel\u200bhem AB",  # zero-width space
    "Exempelhem\u200d AB",  # zero-width joiner
    "\ufeffExempelhem AB",  # byte-order mark
    "Exempelhem  AB",  # two spaces
    " exempelhem ab ",  # case and ends
    "Exempelhe\u0301m AB",  # é, another letter, but folded as e (landlords.landlord_key)
]


def test_a_landlord_cannot_exist_twice_under_a_lookalike_name(db: Database) -> None:
    add_landlord(db, name="Exempelhem AB")
    for name in LOOKALIKES[:-1]:
        assert find_landlord(db, name) is not None, repr(name)
        with pytest.raises(Conflict):
            add_landlord(db, name=name)
    # Accents are folded as a search folds them: "Exempelhém AB" is the same landlord.
    assert find_landlord(db, LOOKALIKES[-1]) is not None
    with pytest.raises(Conflict):
        add_landlord(db, name=LOOKALIKES[-1])
    # A real difference is another name.
    add_landlord(db, name="Exempelhemmet AB")
    assert len(rows(db, "SELECT * FROM landlords")) == 2
    # Decomposed and composed ö are the same letter.
    add_landlord(db, name="Bost\u00e4der i \u00d6rby")
    with pytest.raises(Conflict):
        add_landlord(db, name="Bosta\u0308der i O\u0308rby")
    stored = rows(db, "SELECT name FROM landlords ORDER BY id")
    assert [r["name"] for r in stored][-1] == "Bost\u00e4der i \u00d6rby"


def test_names_are_stored_normalised_and_lookups_find_them(db: Database) -> None:
    from bostadcli.caseworkers import add_caseworker

    add_caseworker(db, name="Kim\u00a0 Berg\u200b", initials="KB")
    assert rows(db, "SELECT name FROM caseworkers") == [{"name": "Kim Berg"}]
    add_landlord(db, name="Exempelhem\u00a0\u00a0AB")
    assert rows(db, "SELECT name FROM landlords") == [{"name": "Exempelhem AB"}]
    ref = add_household(
        db,
        NewHousehold(
            tenant_name="Anna\u00a0Andersson\u200b",
            landlord="Exempel\u200bhem AB",
            caseworker="kb\u200b",
        ),
        as_of=date(2026, 11, 1),
    )
    assert rows(db, "SELECT name FROM members") == [{"name": "Anna Andersson"}]
    listed = list_households(db, as_of=date(2026, 11, 1), landlord="exempelhem\u00a0ab")
    assert [h["ref"] for h in listed] == [ref]
    listed = list_households(db, as_of=date(2026, 11, 1), caseworker="k\u00adb")
    assert [h["ref"] for h in listed] == [ref]
    # Renaming to a lookalike of another landlord is refused too.
    add_landlord(db, name="Annan Värd")
    with pytest.raises(Conflict):
        edit_landlord(db, "Annan Värd", name="Exempelhem\u2007AB")


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200c\u200d", "\ufeff \u00a0", "\u00ad"])
def test_a_name_of_only_invisible_characters_is_refused(db: Database, name: str) -> None:
    with pytest.raises(InvalidInput, match="invisible"):
        add_landlord(db, name=name)
    with pytest.raises(InvalidInput, match="invisible"):
        add_household(db, NewHousehold(tenant_name=name), as_of=date(2026, 11, 1))
    assert rows(db, "SELECT count(*) AS n FROM landlords") == [{"n": 0}]


@given(st.text(max_size=40))
def test_normalising_is_stable_and_keeps_the_visible_text(text: str) -> None:
    once = normalise_name(text)
    assert normalise_name(once) == once
    assert "  " not in once and once == once.strip()
    assert not any(ch in once for ch in "\u200b\u200c\u200d\u2060\ufeff\u00ad\u00a0")
    assert name_key(text) == name_key(once)


def test_the_migration_normalises_stored_names_and_reports_collisions(tmp_path: Path) -> None:
    path = tmp_path / "m.sqlite"
    db = open_database(path, create=True)
    add_household(db, NewHousehold(tenant_name="Anna"), as_of=date(2026, 11, 1))
    db.close()
    conn = sqlite3.connect(path)
    with conn:
        # Stored by an older version, which kept names as typed.
        conn.execute(
            "INSERT INTO landlords (name, kind, created_at, updated_at) VALUES"
            " ('Exempelhem AB', 'other', 'x', 'x'), ('Exempelhem\u00a0AB', 'other', 'x', 'x'),"
            " ('Annan\u200b Värd', 'other', 'x', 'x')"
        )
        conn.execute("UPDATE members SET name = 'Anna\u00a0 Andersson'")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0015b_normalise_names'")
    conn.close()
    db = open_database(path)
    try:
        names = [r["name"] for r in rows(db, "SELECT name FROM landlords ORDER BY id")]
        # The colliding one is kept as it was, the other normalised.
        assert names == ["Exempelhem AB", "Exempelhem\u00a0AB", "Annan Värd"]
        assert rows(db, "SELECT name FROM members") == [{"name": "Anna Andersson"}]
        result = integrity_check(db)
        assert not result["ok"]
        [problem] = result["problems"]
        assert "Exempelhem AB | Exempelhem\\u00a0AB" in problem
    finally:
        db.close()


def test_cli_refuses_a_lookalike_landlord(initialised: Cli) -> None:
    initialised.ok("landlord", "add", "Exempelhem AB")
    before = initialised.dump()
    result = initialised("landlord", "add", "Exempelhem\u00a0AB")
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1
    result = initialised("landlord", "add", "\u200b\u200b")
    assert result.exit_code == 1 and "invisible" in result.stderr
    assert initialised.dump() == before
