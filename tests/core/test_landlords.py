"""Landlords: names unique whatever the case, validated fields, edits with a diff."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bostadcli.errors import BostadError, Conflict, InvalidInput, NotFound
from bostadcli.households import NewHousehold, add_household, close_household
from bostadcli.landlords import (
    add_landlord,
    edit_landlord,
    find_landlord,
    get_landlord,
    list_landlords,
)

if TYPE_CHECKING:
    from sqlite_utils import Database

Dump = Callable[[str | Path], list[str]]
AS_OF = date(2026, 12, 10)
ORG_NUMBER = "556035-6932"


def db_path(db: Database) -> str:
    return str(db.execute("PRAGMA database_list").fetchone()[2])


def test_add_cleans_every_field(db: Database) -> None:
    added = add_landlord(
        db,
        name="  Alingsåshem ",
        org_number="5560356932",
        kind="municipal",
        contact_person="Eva Ek",
        phone="0322-61 71 00",
        email="info@example.se",
        street="Box 1",
        postal_code="44121",
        city="Alingsås",
    )
    assert added["name"] == "Alingsåshem"
    assert added["org_number"] == ORG_NUMBER
    assert added["postal_code"] == "441 21"
    assert added["kind"] == "municipal"


def test_kind_defaults_to_other(db: Database) -> None:
    assert add_landlord(db, name="Privat")["kind"] == "other"


def test_sole_trader_personnummer_as_org_number(db: Database) -> None:
    assert add_landlord(db, name="Enskild", org_number="811218-9876")["org_number"] == (
        "811218-9876"
    )


@pytest.mark.parametrize(
    "name", ["alingsåshem", "ALINGSÅSHEM", " Alingsåshem "], ids=["lower", "upper", "spaces"]
)
def test_names_are_found_whatever_the_case(db: Database, name: str) -> None:
    add_landlord(db, name="Alingsåshem")
    found = find_landlord(db, name)
    assert found is not None
    assert found["name"] == "Alingsåshem"


def test_swedish_letters_fold_too(db: Database) -> None:
    add_landlord(db, name="Örebrobostäder")
    assert get_landlord(db, "ÖREBROBOSTÄDER")["name"] == "Örebrobostäder"
    with pytest.raises(Conflict, match="exists already"):
        add_landlord(db, name="örebrobostäder")


def test_duplicate_name(db: Database, dump: Dump) -> None:
    add_landlord(db, name="Marks Bostad")
    before = dump(db_path(db))
    # Named as it is spelled in the database.
    with pytest.raises(Conflict, match="'Marks Bostad' exists already"):
        add_landlord(db, name="MARKS BOSTAD")
    assert dump(db_path(db)) == before


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": " "}, "name"),
        ({"name": "A\x07B"}, "name"),
        ({"name": "A", "org_number": "556035-6930"}, "org_number"),
        ({"name": "A", "kind": "feudal"}, "kind"),
        ({"name": "A", "phone": "call me"}, "phone"),
        ({"name": "A", "email": "nobody"}, "email"),
        ({"name": "A", "postal_code": "ABCDE"}, "postal_code"),
    ],
)
def test_add_rejects(db: Database, dump: Dump, values: dict[str, Any], field: str) -> None:
    before = dump(db_path(db))
    with pytest.raises(InvalidInput) as err:
        add_landlord(db, **values)
    assert err.value.field == field
    assert dump(db_path(db)) == before


def test_unknown_field_is_a_programming_error(db: Database) -> None:
    with pytest.raises(BostadError, match="unknown landlord fields"):
        add_landlord(db, name="A", colour="red")


def test_get_unknown(db: Database) -> None:
    with pytest.raises(NotFound, match='bostad landlord add "Nobody"'):
        get_landlord(db, "Nobody")


def test_edit_returns_the_new_record_and_the_diff(db: Database) -> None:
    add_landlord(db, name="Alingsåshem", phone="0322-1")
    record, diff = edit_landlord(
        db, "alingsåshem", name="Alingsåshem AB", phone="0322-1", email="a@b.se", colour="red"
    )
    assert record["name"] == "Alingsåshem AB"
    assert diff == {"name": ("Alingsåshem", "Alingsåshem AB"), "email": (None, "a@b.se")}
    assert find_landlord(db, "Alingsåshem") is None


def test_edit_may_change_only_the_case(db: Database) -> None:
    add_landlord(db, name="marks bostad")
    record, diff = edit_landlord(db, "Marks Bostad", name="Marks Bostad")
    assert record["name"] == "Marks Bostad"
    assert diff == {"name": ("marks bostad", "Marks Bostad")}


def test_edit_refuses_a_taken_name(db: Database, dump: Dump) -> None:
    add_landlord(db, name="Alingsåshem")
    add_landlord(db, name="Marks Bostad")
    before = dump(db_path(db))
    with pytest.raises(Conflict):
        edit_landlord(db, "Marks Bostad", name="ALINGSÅSHEM")
    with pytest.raises(NotFound):
        edit_landlord(db, "Nobody", phone="0322-1")
    with pytest.raises(InvalidInput):
        edit_landlord(db, "Marks Bostad", email="not an address")
    assert dump(db_path(db)) == before


def test_edit_without_change(db: Database, dump: Dump) -> None:
    add_landlord(db, name="Alingsåshem", city="Alingsås")
    before = dump(db_path(db))
    assert edit_landlord(db, "Alingsåshem", city="Alingsås")[1] == {}
    assert dump(db_path(db)) == before


def test_list_counts_cases(db: Database) -> None:
    add_landlord(db, name="Marks Bostad")
    add_landlord(db, name="alingsåshem")
    for name in ("A", "B"):
        add_household(db, NewHousehold(name, landlord="Alingsåshem"), as_of=AS_OF)
    close_household(db, "2026-0002", outcome="stays", closed_on=AS_OF, as_of=AS_OF)
    listed = list_landlords(db)
    assert [(r["name"], r["open_cases"], r["all_cases"]) for r in listed] == [
        ("alingsåshem", 1, 2),
        ("Marks Bostad", 0, 0),
    ]
    assert [r["name"] for r in list_landlords(db, name="MARKS bostad")] == ["Marks Bostad"]
    with pytest.raises(NotFound):
        list_landlords(db, name="Nobody")
