"""The contact log: kinds, referrals, filters, newest first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bostadcli.contacts import add_contact, list_contacts
from bostadcli.errors import InvalidInput, NotFound
from bostadcli.households import NewHousehold, add_household

if TYPE_CHECKING:
    from sqlite_utils import Database

Dump = Callable[[str | Path], list[str]]
AS_OF = date(2026, 12, 10)


def db_path(db: Database) -> str:
    return str(db.execute("PRAGMA database_list").fetchone()[2])


@pytest.fixture
def ref(db: Database) -> str:
    return add_household(db, NewHousehold("Anna Andersson"), as_of=date(2026, 1, 1))


def test_log_and_list_newest_first(db: Database, ref: str) -> None:
    add_contact(db, ref, kind="phone", on=date(2026, 12, 1), text="Called", as_of=AS_OF)
    add_contact(
        db, ref, kind="home_visit", on=date(2026, 12, 8), text="Visited\nwith Bo", as_of=AS_OF
    )
    add_contact(
        db, ref, kind="referral", on=date(2026, 12, 8), referral_to="debt_counselling", as_of=AS_OF
    )
    listed = list_contacts(db, ref=ref)
    assert [(c["kind"], c["contact_on"]) for c in listed] == [
        ("referral", "2026-12-08"),
        ("home_visit", "2026-12-08"),
        ("phone", "2026-12-01"),
    ]
    assert listed[0]["referral_to"] == "debt_counselling"
    assert listed[0]["text"] == ""
    assert listed[1]["text"] == "Visited\nwith Bo"
    assert listed[2]["automatic"] is False


def test_filters(db: Database, ref: str) -> None:
    other = add_household(db, NewHousehold("Bo"), as_of=AS_OF)
    add_contact(db, ref, kind="phone", on=date(2026, 12, 1), as_of=AS_OF)
    add_contact(db, ref, kind="letter", on=date(2026, 12, 5), as_of=AS_OF, automatic=True)
    add_contact(db, other, kind="phone", on=date(2026, 12, 9), as_of=AS_OF)
    assert len(list_contacts(db)) == 3
    assert [c["ref"] for c in list_contacts(db, kind="phone")] == [other, ref]
    assert [c["contact_on"] for c in list_contacts(db, since=date(2026, 12, 5))] == [
        "2026-12-09",
        "2026-12-05",
    ]
    assert [c["automatic"] for c in list_contacts(db, ref=ref)] == [True, False]
    with pytest.raises(InvalidInput, match="kind"):
        list_contacts(db, kind="pigeon")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "pigeon"}, "kind"),
        ({"on": date(2026, 12, 11)}, "date"),
        ({"kind": "referral"}, "to"),
        ({"referral_to": "family_unit"}, "to"),
        ({"kind": "referral", "referral_to": "church"}, "to"),
        ({"text": "bell\x07"}, "text"),
        ({"caseworker": "K\x00"}, "caseworker"),
    ],
)
def test_add_rejects(
    db: Database, ref: str, dump: Dump, kwargs: dict[str, Any], field: str
) -> None:
    values: dict[str, Any] = {"kind": "phone", "on": AS_OF} | kwargs
    before = dump(db_path(db))
    with pytest.raises(InvalidInput) as err:
        add_contact(db, ref, as_of=AS_OF, **values)
    assert err.value.field == field
    assert dump(db_path(db)) == before


def test_unknown_household(db: Database) -> None:
    with pytest.raises(NotFound, match="no household 2026-0099"):
        add_contact(db, "2026-0099", kind="phone", on=AS_OF, as_of=AS_OF)
