"""Social services' written undertaking to pay the rent (jordabalken 12 kap. 44 § 4 st 1):
its record, its limit (within the recovery period) and its letter to the landlord."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest

from bostadcli.consents import add_consent
from bostadcli.errors import ConsentRequired, InvalidInput, NotFound
from bostadcli.households import NewHousehold, add_household
from bostadcli.landlords import add_landlord
from bostadcli.money import Money
from bostadcli.notices import NewNotice, add_notice
from bostadcli.undertakings import NewUndertaking, add_undertaking, list_undertakings
from conftest import Cli

if TYPE_CHECKING:
    from sqlite_utils import Database

AS_OF = date(2027, 3, 15)
# Served 1 March, notified 10 March: the recovery deadline is Wednesday 31 March 2027.
SERVED, NOTIFIED, DEADLINE = date(2027, 3, 1), date(2027, 3, 10), date(2027, 3, 31)


@pytest.fixture
def ref(db: Database) -> str:
    for name in ("Exempelhem AB", "Lärkan AB"):
        add_landlord(
            db, name=name, kind="municipal", street="Box 1", postal_code="44121", city="Ängby"
        )
    ref = add_household(
        db,
        NewHousehold(
            "Anna Andersson",
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
        NewNotice(kind="termination", served_on=SERVED, notified_on=NOTIFIED),
        as_of=AS_OF,
    )
    return ref


def _new(**changes: Any) -> NewUndertaking:
    values: dict[str, Any] = {
        "given_on": AS_OF,
        "covers": "Hyran för mars och april 2027",
        "decided_by": "Karin Ek",
    }
    return NewUndertaking(**(values | changes))


def test_given_within_the_period_stops_the_eviction(db: Database, ref: str) -> None:
    found = add_undertaking(db, ref, _new(amount=Money.kronor(16_900)), as_of=AS_OF)
    assert found["landlord"] == "Exempelhem AB"
    assert found["recovery_deadline"] == DEADLINE.isoformat()
    assert found["stops_eviction"] is True
    assert found["amount_ore"] == 1_690_000
    # On the deadline itself is still within the period.
    on_the_day = add_undertaking(db, ref, _new(given_on=DEADLINE), as_of=DEADLINE)
    assert on_the_day["stops_eviction"] is True
    assert [u["id"] for u in list_undertakings(db, ref=ref, as_of=AS_OF)] == [1, 2]


def test_after_the_deadline_is_refused(db: Database, ref: str, dump: Any) -> None:
    path = db.execute("PRAGMA database_list").fetchone()[2]
    before = dump(path)
    with pytest.raises(InvalidInput) as err:
        add_undertaking(db, ref, _new(given_on=date(2027, 4, 1)), as_of=date(2027, 4, 2))
    assert err.value.field == "--given"
    assert "2027-04-01" in str(err.value) and "2027-03-31" in str(err.value)
    assert dump(path) == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"given_on": date(2027, 3, 16)}, "--given"),
        ({"covers": "  "}, "--covers"),
        ({"decided_by": ""}, "--decided-by"),
        ({"amount": Money(-1)}, "--amount"),
        ({"notice_id": 99}, "--notice"),
    ],
)
def test_bad_input(db: Database, ref: str, changes: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as err:
        add_undertaking(db, ref, _new(**changes), as_of=AS_OF)
    assert err.value.field == field
    assert list_undertakings(db, as_of=AS_OF) == []


def test_unknown_landlord_is_refused(db: Database, ref: str) -> None:
    with pytest.raises(NotFound):
        add_undertaking(db, ref, _new(landlord="Ingen AB"), as_of=AS_OF)


def test_before_the_period_started_it_still_counts(db: Database) -> None:
    add_landlord(db, name="Exempelhem AB", kind="municipal")
    ref = add_household(db, NewHousehold("Bo", landlord="Exempelhem AB"), as_of=AS_OF)
    add_notice(db, ref, NewNotice(kind="termination", served_on=SERVED), as_of=AS_OF)
    found = add_undertaking(db, ref, _new(), as_of=AS_OF)
    assert found["recovery_deadline"] is None
    assert found["stops_eviction"] is True


def test_without_a_termination_it_is_a_record_only(db: Database) -> None:
    add_landlord(db, name="Exempelhem AB", kind="municipal")
    ref = add_household(db, NewHousehold("Bo", landlord="Exempelhem AB"), as_of=AS_OF)
    found = add_undertaking(db, ref, _new(), as_of=AS_OF)
    assert (found["notice_id"], found["stops_eviction"]) == (None, False)


# The letter ----------------------------------------------------------------------------


def _render(db: Database, ref: str, **kwargs: Any) -> str:
    from bostadcli.letters import render_letter
    from golden_letters import CONFIG

    # Consent is judged on the day a letter is made: here, the day the test replays.
    letter = render_letter(
        db, ref, "undertaking", config=CONFIG, as_of=AS_OF, fmt="txt", today=AS_OF, **kwargs
    )
    return letter.content.decode()


def test_the_letter_needs_consent_for_that_landlord(db: Database, ref: str) -> None:
    add_undertaking(db, ref, _new(), as_of=AS_OF)
    with pytest.raises(ConsentRequired):
        _render(db, ref)
    add_consent(db, ref, recipient="landlord", given_on=AS_OF, today=AS_OF)
    text = _render(db, ref)
    assert "Till Exempelhem AB" in text
    assert "31 mars 2027" in text
    assert "Hyran för mars och april 2027" in text
    # To another landlord: the household's consent for its own landlord does not reach it.
    add_undertaking(db, ref, _new(landlord="Lärkan AB"), as_of=AS_OF)
    with pytest.raises(ConsentRequired, match="Lärkan AB"):
        _render(db, ref)
    add_consent(
        db, ref, recipient="landlord", recipient_name="lärkan ab", given_on=AS_OF, today=AS_OF
    )
    assert "Till Lärkan AB" in _render(db, ref)
    # The first one, named.
    assert "Till Exempelhem AB" in _render(db, ref, params={"undertaking": "1"})


def test_the_letter_without_an_undertaking(db: Database, ref: str) -> None:
    add_consent(db, ref, recipient="landlord", given_on=AS_OF, today=AS_OF)
    with pytest.raises(InvalidInput, match="undertaking add"):
        _render(db, ref)
    with pytest.raises(InvalidInput):
        _render(db, ref, params={"undertaking": "x"})


def test_cli(initialised: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    # Recorded on the real date: the day of the story.
    monkeypatch.setattr("bostadcli.undertakings.record_day", lambda: AS_OF)
    initialised.ok("landlord", "add", "Exempelhem AB", "--kind", "municipal")
    initialised.ok(
        "household", "add", "Anna", "--landlord", "Exempelhem AB", "--as-of", "2027-02-01"
    )
    initialised.ok(
        "notice", "add", "2027-0001", "--kind", "termination", "--served", "2027-03-01",
        "--notified", "2027-03-10", "--as-of", "2027-03-15",
    )  # fmt: skip
    added = initialised.ok(
        "undertaking", "add", "2027-0001", "--covers", "Hyran mars", "--decided-by", "Karin Ek",
        "--amount", "7 450", "--as-of", "2027-03-15",
    )  # fmt: skip
    assert "stops the eviction" in added.stderr
    listed = json.loads(initialised.ok("undertaking", "list", "--format", "json").stdout)
    assert listed[0]["stops_eviction"] is True and listed[0]["amount_ore"] == 745_000
    before = initialised.dump()
    late = initialised(
        "undertaking", "add", "2027-0001", "--covers", "Hyran", "--decided-by", "K",
        "--given", "2027-04-01", "--as-of", "2027-04-02",
    )  # fmt: skip
    assert late.exit_code == 1
    assert late.stderr.count("\n") == 1 and "--given" in late.stderr
    assert initialised.dump() == before


def test_a_moved_case_keeps_its_undertaking(db: Database, ref: str) -> None:
    from bostadcli.casemove.document_in import import_household
    from bostadcli.casemove.document_out import export_household

    # One to another landlord than the one who terminated: it does not stop the eviction.
    add_undertaking(db, ref, _new(landlord="Lärkan AB"), as_of=AS_OF)
    add_undertaking(db, ref, _new(), as_of=AS_OF)
    document = export_household(db, ref, as_of=AS_OF, command="test")
    assert document["undertakings"][0]["landlord"] == "Lärkan AB"
    moved = import_household(
        db, json.loads(json.dumps(document)), source="x.json", as_of=AS_OF, today=AS_OF
    )
    found = list_undertakings(db, ref=moved["ref"], as_of=AS_OF)
    assert [(u["landlord"], u["recovery_deadline"], u["stops_eviction"]) for u in found] == [
        ("Lärkan AB", DEADLINE.isoformat(), False),
        ("Exempelhem AB", DEADLINE.isoformat(), True),
    ]
