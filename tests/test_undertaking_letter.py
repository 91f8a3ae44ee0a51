"""The undertaking letter (to a landlord alone): a moved case's letter names its
undertaking by the new number, and a letter shown or written without a record is logged
as a disclosure to the landlord."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bostadcli.consents import add_consent
from bostadcli.db import open_database, rows
from bostadcli.households import NewHousehold, add_household
from bostadcli.landlords import add_landlord
from bostadcli.letters import make_letter
from bostadcli.notices import NewNotice, add_notice
from bostadcli.undertakings import NewUndertaking, add_undertaking, list_undertakings
from golden_letters import CONFIG

if TYPE_CHECKING:
    from sqlite_utils import Database

AS_OF = date(2027, 3, 15)


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "target.sqlite", create=True)
    yield database
    database.close()


def _case(db: Database, name: str) -> str:
    """A terminated tenancy with two undertakings, the second to the own landlord."""
    for landlord in ("Exempelhem AB", "Lärkan AB"):
        if not rows(db, "SELECT 1 FROM landlords WHERE name = ?", [landlord]):
            add_landlord(
                db,
                name=landlord,
                kind="municipal",
                street="Box 1",
                postal_code="44121",
                city="Ängby",
            )
    ref = add_household(
        db,
        NewHousehold(
            name,
            landlord="Exempelhem AB",
            street="Storgatan 1",
            postal_code="44130",
            city="Ängby",
        ),
        as_of=date(2027, 2, 1),
    )
    add_notice(
        db,
        ref,
        NewNotice(kind="termination", served_on=date(2027, 3, 1), notified_on=date(2027, 3, 10)),
        as_of=AS_OF,
    )
    for landlord in ("Lärkan AB", None):
        add_undertaking(
            db,
            ref,
            NewUndertaking(
                given_on=AS_OF,
                covers="Hyran för mars 2027",
                decided_by="Karin Ek",
                landlord=landlord,
            ),
            as_of=AS_OF,
        )
    add_consent(db, ref, recipient="landlord", given_on=AS_OF, today=AS_OF)
    return ref


def _letter(db: Database, ref: str, out: Path | None, **kwargs: object) -> None:
    make_letter(
        db,
        ref,
        "undertaking",
        config=CONFIG,
        as_of=AS_OF,
        fmt="txt",
        out=out,
        today=AS_OF,
        **kwargs,  # type: ignore[arg-type]
    )


def test_a_moved_undertaking_letter_names_the_new_undertaking(
    db: Database, target: Database, tmp_path: Path
) -> None:
    from bostadcli.casemove.document_in import import_household
    from bostadcli.casemove.document_out import export_household

    ref = _case(db, "Anna Andersson")
    own = next(
        u for u in list_undertakings(db, ref=ref, as_of=AS_OF) if u["landlord"] == "Exempelhem AB"
    )
    _letter(db, ref, tmp_path / "letter.txt", record=True, params={"undertaking": str(own["id"])})
    document = json.loads(json.dumps(export_household(db, ref, as_of=AS_OF, command="test")))

    # The other installation has undertakings of its own: the numbers differ there.
    _case(target, "Någon Annan")
    moved = import_household(target, document, source="case.json", as_of=AS_OF, today=AS_OF)
    arrived = {
        u["landlord"]: u["id"] for u in list_undertakings(target, ref=moved["ref"], as_of=AS_OF)
    }
    assert arrived["Exempelhem AB"] != own["id"]
    [letter] = rows(
        target,
        "SELECT l.params, l.file FROM letters l JOIN households h ON h.id = l.household_id"
        " WHERE h.ref = ? AND l.kind = 'undertaking'",
        [moved["ref"]],
    )
    assert json.loads(letter["params"]) == {"undertaking": str(arrived["Exempelhem AB"])}
    assert letter["file"] == ""
    # Made again there, it is about the same undertaking: the one to the own landlord.
    again = make_letter(
        target,
        moved["ref"],
        "undertaking",
        config=CONFIG,
        as_of=AS_OF,
        fmt="txt",
        out=None,
        record=False,
        params=json.loads(letter["params"]),
        today=AS_OF,
    )
    assert "Till Exempelhem AB" in again.letter.content.decode()


@pytest.mark.parametrize("written", [False, True], ids=["shown", "written-no-record"])
def test_an_unrecorded_letter_to_a_landlord_is_logged_as_going_to_the_landlord(
    db: Database, tmp_path: Path, written: bool
) -> None:
    ref = _case(db, "Anna Andersson")
    out = tmp_path / "letter.txt" if written else None
    _letter(db, ref, out, record=False)
    make_letter(db, ref, "outreach", config=CONFIG, as_of=AS_OF, fmt="txt", out=None, record=False)
    logged = rows(
        db,
        "SELECT e.table_name, e.recipient, e.recipient_name, h.ref FROM export_log e"
        " JOIN disclosures d ON d.export_id = e.id JOIN households h ON h.id = d.household_id"
        " ORDER BY e.id",
    )
    assert [(r["table_name"], r["recipient"], r["ref"]) for r in logged] == [
        ("letter undertaking", "landlord", ref),
        ("letter outreach", None, ref),
    ]
    assert logged[0]["recipient_name"] == (str(out) if written else None)


def test_a_recorded_letter_is_no_separate_disclosure(db: Database, tmp_path: Path) -> None:
    ref = _case(db, "Anna Andersson")
    _letter(db, ref, tmp_path / "letter.txt", record=True)
    assert rows(db, "SELECT * FROM export_log") == []
    [made] = rows(db, "SELECT kind, recipient FROM letters")
    assert made == {"kind": "undertaking", "recipient": "Exempelhem AB"}


def test_a_recorded_letter_names_its_undertaking_unasked(
    db: Database, target: Database, tmp_path: Path
) -> None:
    """Without --param undertaking the letter is about the latest one, and its record
    says which: a later undertaking does not change what the letter was about."""
    from bostadcli.casemove.document_in import import_household
    from bostadcli.casemove.document_out import export_household

    ref = _case(db, "Anna Andersson")
    latest = list_undertakings(db, ref=ref, as_of=AS_OF)[-1]
    _letter(db, ref, tmp_path / "letter.txt", record=True)
    [made] = rows(db, "SELECT params FROM letters")
    assert json.loads(made["params"]) == {"undertaking": str(latest["id"])}
    document = json.loads(json.dumps(export_household(db, ref, as_of=AS_OF, command="test")))
    _case(target, "Någon Annan")
    moved = import_household(target, document, source="case.json", as_of=AS_OF, today=AS_OF)
    new_latest = list_undertakings(target, ref=moved["ref"], as_of=AS_OF)[-1]
    [letter] = rows(
        target,
        "SELECT l.params FROM letters l JOIN households h ON h.id = l.household_id WHERE h.ref = ?",
        [moved["ref"]],
    )
    assert json.loads(letter["params"]) == {"undertaking": str(new_latest["id"])}
