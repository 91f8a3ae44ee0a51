"""Phone, e-mail and a c/o address on a household; contacts booked ahead, then held or
called off; booked contacts on the deadline screen."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bostadcli.config import Config, Letterhead
from bostadcli.contacts import add_contact, list_contacts, parse_at, settle_contact
from bostadcli.errors import Conflict, InvalidInput, NotFound
from bostadcli.households import NewHousehold, add_household, edit_household, show_household
from bostadcli.letters import letter_context
from bostadcli.reports import deadlines
from conftest import Cli

if TYPE_CHECKING:
    from sqlite_utils import Database

AS_OF = date(2026, 3, 2)
CONFIG = Config(letterhead=Letterhead(phone="08-1", socialjouren_phone="08-2"))


@pytest.fixture
def homeless(db: Database) -> str:
    return add_household(
        db,
        NewHousehold(
            "Kim Lund",
            housing_situation="homeless_acute",
            phone="070-123 45 67",
            email="kim@example.se",
            care_of="Stadsmissionen",
            care_of_street="Box 5",
            care_of_postal_code="44130",
            care_of_city="Alingsås",
        ),
        as_of=AS_OF,
    )


def test_details_are_stored_checked_and_editable(db: Database, homeless: str) -> None:
    case = show_household(db, homeless, as_of=AS_OF)
    assert (case["phone"], case["email"], case["care_of_postal_code"]) == (
        "070-123 45 67",
        "kim@example.se",
        "441 30",
    )
    for field, value in [("phone", "ring mig"), ("email", "kim@"), ("care_of_postal_code", "1")]:
        with pytest.raises(InvalidInput, match=field):
            edit_household(db, homeless, changes={field: value})
    assert edit_household(db, homeless, changes={"phone": ""}) == {"phone": ("070-123 45 67", None)}


def test_letters_go_to_the_care_of_address_of_a_homeless_person(
    db: Database, homeless: str
) -> None:
    context = letter_context(db, homeless, config=CONFIG, as_of=AS_OF)
    assert context["recipient"]["lines"] == [
        "Kim Lund",
        "c/o Stadsmissionen",
        "Box 5",
        "441 30 Alingsås",
    ]
    assert context["address_problem"] is None
    # A tenant with a home of their own is written to at home.
    tenant = add_household(
        db,
        NewHousehold(
            "Bo", street="Storgatan 1", postal_code="44130", city="Ängby", care_of_street="Box 9"
        ),
        as_of=AS_OF,
    )
    lines = letter_context(db, tenant, config=CONFIG, as_of=AS_OF)["recipient"]["lines"]
    assert lines == ["Bo", "Storgatan 1", "441 30 Ängby"]


def test_parse_at() -> None:
    assert parse_at("2026-03-10") == (date(2026, 3, 10), None)
    assert parse_at("2026-03-10 9:05") == (date(2026, 3, 10), "09:05")
    for bad in ("2026-03-10 25:00", "2026-03-10 10:61", "i morgon", "2026-02-30"):
        with pytest.raises(InvalidInput):
            parse_at(bad)


def test_book_then_hold_or_call_off(db: Database, homeless: str) -> None:
    visit = add_contact(
        db,
        homeless,
        kind="home_visit",
        on=date(2026, 3, 5),
        at_time="10:00",
        planned=True,
        as_of=AS_OF,
    )
    meeting = add_contact(
        db, homeless, kind="meeting", on=date(2026, 3, 9), planned=True, as_of=AS_OF
    )
    booked = {c["id"]: c for c in list_contacts(db, status="planned")}
    assert booked[visit]["at_time"] == "10:00" and set(booked) == {visit, meeting}
    with pytest.raises(Conflict, match="is booked for 2026-03-05"):
        settle_contact(db, visit, status="held", as_of=AS_OF)  # not yet
    settle_contact(db, visit, status="held", note="Good talk", as_of=date(2026, 3, 5))
    settle_contact(db, meeting, status="cancelled", note="Ill", as_of=AS_OF)
    for twice in (visit, meeting):
        with pytest.raises(Conflict, match="not booked"):
            settle_contact(db, twice, status="cancelled", as_of=AS_OF)
    with pytest.raises(NotFound):
        settle_contact(db, 999, status="held", as_of=AS_OF)
    statuses = {c["id"]: (c["status"], c["settled_note"]) for c in list_contacts(db)}
    assert statuses == {visit: ("held", "Good talk"), meeting: ("cancelled", "Ill")}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "meeting", "on": date(2026, 3, 1)}, "in the past"),
        ({"kind": "note", "on": date(2026, 3, 9)}, "can be booked"),
        ({"kind": "referral", "on": date(2026, 3, 9), "referral_to": "socialjouren"}, "booked"),
        (
            {
                "kind": "meeting",
                "on": date(2026, 3, 2),
                "at_time": "08:00",
                "now": datetime(2026, 3, 2, 9, 30),
            },
            "in the past",
        ),
    ],
)
def test_a_booking_in_the_past_or_of_the_wrong_kind_is_refused(
    db: Database, homeless: str, kwargs: dict[str, object], message: str
) -> None:
    before = list(db.conn.iterdump())
    with pytest.raises(InvalidInput, match=message):
        add_contact(db, homeless, planned=True, as_of=AS_OF, **kwargs)  # type: ignore[arg-type]
    assert list(db.conn.iterdump()) == before


def test_booked_contacts_on_the_deadline_screen_and_not_as_contact(
    db: Database, homeless: str
) -> None:
    add_contact(
        db,
        homeless,
        kind="meeting",
        on=date(2026, 3, 4),
        at_time="13:30",
        planned=True,
        as_of=AS_OF,
    )
    later = date(2026, 4, 20)  # the case has been quiet: a booking is not a contact
    entries = deadlines(db, as_of=AS_OF)
    booked = [e for e in entries if e["kind"] == "planned_contact"]
    assert [(e["due_on"], e["contact_kind"], e["at_time"], e["band"]) for e in booked] == [
        ("2026-03-04", "meeting", "13:30", "this_week")
    ]
    quiet = [e for e in deadlines(db, as_of=later) if e["kind"] == "no_contact"]
    assert [e["ref"] for e in quiet] == [homeless]


def test_cli(initialised: Cli) -> None:
    cli = initialised
    ref = cli.ok(
        "household",
        "add",
        "Kim Lund",
        "--situation",
        "akut-hemlös",
        "--care-of",
        "Stadsmissionen",
        "--care-of-street",
        "Box 5",
        "--care-of-postal-code",
        "44130",
        "--care-of-city",
        "Alingsås",
        "--phone",
        "070-1234567",
        "--as-of",
        "2026-03-01",
    ).stdout.strip()
    shown = json.loads(cli.ok("household", "show", ref, "-f", "json").stdout)
    assert shown["care_of"] == "Stadsmissionen" and shown["phone"] == "070-1234567"
    contact_id = cli.ok(
        "contact",
        "add",
        ref,
        "--kind",
        "hembesök",
        "--planned",
        "--at",
        "2026-03-04 10:00",
        "--as-of",
        "2026-03-02",
    ).stdout.strip()
    screen = json.loads(cli.ok("report", "deadlines", "-f", "json", "--as-of", "2026-03-02").stdout)
    assert any(
        e["kind"] == "planned_contact" and str(e["contact_id"]) == contact_id for e in screen
    )
    table = cli.ok("report", "deadlines", "--as-of", "2026-03-02").stdout
    assert f"#{contact_id} home visit at 10:00" in " ".join(table.split())
    before = cli.dump()
    for args, text in [
        (
            [
                "contact",
                "add",
                ref,
                "--kind",
                "meeting",
                "--planned",
                "--at",
                "2026-03-01",
                "--as-of",
                "2026-03-02",
            ],
            "--at",
        ),
        (["contact", "add", ref, "--kind", "meeting", "--planned"], "--planned"),
        (["contact", "add", ref, "--kind", "meeting", "--at", "2026-03-09"], "--at"),
        (["contact", "held", contact_id, "--as-of", "2026-03-02"], "is booked for"),
        (["contact", "cancel", "999"], "999"),
    ]:
        result = cli(*args)
        assert result.exit_code in (1, 2), args
        assert text in result.stderr, result.stderr
    assert cli.dump() == before
    cli.ok("contact", "held", contact_id, "--text", "Bra", "--as-of", "2026-03-04")
    again = cli("contact", "cancel", contact_id)
    assert again.exit_code == 1 and "not booked" in again.stderr
    listed = json.loads(cli.ok("contact", "list", ref, "-f", "json").stdout)
    assert listed[0]["status"] == "held" and listed[0]["settled_note"] == "Bra"
    exported = json.loads(cli.ok("export", "contacts", "-f", "json").stdout)
    assert exported[0]["status"] == "held" and exported[0]["at_time"] == "10:00"


def test_a_moved_case_carries_its_contact_details(initialised: Cli, tmp_path: Path) -> None:
    ref = initialised.ok(
        "household",
        "add",
        "Kim Lund",
        "--situation",
        "homeless_acute",
        "--care-of",
        "Stadsmissionen",
        "--care-of-street",
        "Box 5",
        "--care-of-postal-code",
        "44130",
        "--phone",
        "070-1234567",
        "--email",
        "kim@example.se",
    ).stdout.strip()
    document = tmp_path / "case.json"
    initialised.ok("export", "household", ref, "--out", str(document))
    other = Cli(db_path=tmp_path / "other" / "b.sqlite", config_path=tmp_path / "other" / "c.toml")
    other.ok("init")
    moved = other.ok("import", "household", str(document)).stdout.split()[-1]
    shown = json.loads(other.ok("household", "show", moved, "-f", "json").stdout)
    assert (shown["care_of"], shown["care_of_postal_code"], shown["phone"], shown["email"]) == (
        "Stadsmissionen",
        "441 30",
        "070-1234567",
        "kim@example.se",
    )
