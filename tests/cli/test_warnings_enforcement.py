"""Disturbance and misconduct under the 2024 rules (jordabalken 12 kap. 25 a §, 42 § 3-4
st) and Kronofogden's steps (utsökningsbalken 16 kap.) as records."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import pytest

from bostadcli.errors import InvalidInput
from bostadcli.households import NewHousehold, add_household, show_household
from bostadcli.notices import NewNotice, add_notice, list_notices
from conftest import Cli

if TYPE_CHECKING:
    from sqlite_utils import Database

AS_OF = date(2027, 3, 15)


@pytest.fixture
def ref(db: Database) -> str:
    return add_household(db, NewHousehold("Johan Lindqvist"), as_of=date(2027, 1, 1))


def _add(db: Database, ref: str, **values: Any) -> dict[str, Any]:
    return add_notice(db, ref, NewNotice(**values), as_of=AS_OF)


# Warnings and terminations on conduct ---------------------------------------------------


def test_a_warning_has_its_time_to_correct(db: Database, ref: str) -> None:
    warning = _add(
        db,
        ref,
        kind="warning",
        ground="misconduct",
        notified_on=date(2027, 3, 1),
        correct_by=date(2027, 3, 22),
    )
    assert warning["correct_by"] == "2027-03-22"
    assert warning["deadline"] == "2027-03-22"
    assert warning["days_left"] == 7
    assert warning["notified_on"] == "2027-03-01"


@pytest.mark.parametrize("ground", ["disturbance", "misconduct", "neglect"])
def test_a_termination_without_a_warning_may_be_barred(db: Database, ref: str, ground: str) -> None:
    found = _add(db, ref, kind="termination", ground=ground, terminated_on=date(2027, 3, 10))
    assert found["barred_risk"] == "no_warning"
    assert found["recovery_deadline"] is None and found["recovery_missing"] == []


def test_a_warning_before_the_termination_lifts_the_risk(db: Database, ref: str) -> None:
    _add(db, ref, kind="warning", ground="disturbance", notified_on=date(2027, 2, 1))
    found = _add(db, ref, kind="termination", ground="disturbance", terminated_on=date(2027, 3, 10))
    assert found["barred_risk"] is None
    # A warning on another ground does not count.
    other = _add(db, ref, kind="termination", ground="misconduct", terminated_on=date(2027, 3, 10))
    assert other["barred_risk"] == "no_warning"


def test_a_warning_social_services_never_heard_of(db: Database) -> None:
    ref = add_household(db, NewHousehold("Bo"), as_of=date(2027, 1, 1))
    # Recorded without the day social services was notified (from a document moved from
    # an installation that did not know it): the warning exists, the notification not.
    db.execute(
        "INSERT INTO notices (household_id, kind, ground, received_on, created_at)"
        " SELECT id, 'warning', 'disturbance', '2027-02-01', 'x' FROM households"
    )
    found = _add(db, ref, kind="termination", ground="disturbance", terminated_on=date(2027, 3, 10))
    assert found["barred_risk"] == "warning_not_notified"


def test_especially_serious_needs_the_copy(db: Database, ref: str, dump: Any) -> None:
    path = db.execute("PRAGMA database_list").fetchone()[2]
    before = dump(path)
    with pytest.raises(InvalidInput) as err:
        _add(db, ref, kind="termination", ground="serious_crime", especially_serious=True)
    assert err.value.field == "--especially-serious"
    assert dump(path) == before
    found = _add(
        db,
        ref,
        kind="termination",
        ground="disturbance",
        terminated_on=date(2027, 3, 10),
        especially_serious=True,
        copy_received_on=date(2027, 3, 11),
    )
    assert found["barred_risk"] is None
    assert found["especially_serious"] is True
    assert found["copy_received_on"] == "2027-03-11"


def test_crime_grounds_are_recorded(db: Database, ref: str) -> None:
    for ground in ("neighbourhood_crime", "serious_crime"):
        found = _add(db, ref, kind="termination", ground=ground)
        assert found["ground"] == ground and found["barred_risk"] is None
    assert show_household(db, ref, as_of=AS_OF)["reasons"] == [
        "neighbourhood_crime",
        "serious_crime",
    ]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "warning", "notified_on": date(2027, 3, 5), "correct_by": date(2027, 3, 4)},
         "--correct-by"),
        ({"kind": "termination", "correct_by": date(2027, 3, 20)}, "--correct-by"),
        ({"kind": "warning", "especially_serious": True}, "--especially-serious"),
        ({"kind": "termination", "ground": "disturbance", "terminated_on": date(2027, 3, 10),
          "especially_serious": True, "copy_received_on": date(2027, 3, 9)}, "--copy-received"),
        ({"kind": "termination", "copy_received_on": date(2027, 3, 16)}, "--copy-received"),
        ({"kind": "termination", "especially_serious": True,
          "copy_received_on": date(2027, 3, 10)}, "--especially-serious"),
        ({"kind": "termination", "step_on": date(2027, 3, 1)}, "--date"),
        ({"kind": "warning", "decision_by": "court"}, "--decision-by"),
        ({"kind": "enforcement_application", "final_on": date(2027, 3, 1)}, "--final"),
        ({"kind": "decision", "step_on": date(2027, 3, 16)}, "--date"),
        ({"kind": "decision", "step_on": date(2027, 3, 10), "final_on": date(2027, 3, 9)},
         "--final"),
        ({"kind": "decision", "decision_by": "judge"}, "--decision-by"),
        # A time without a date.
        ({"kind": "eviction", "eviction_at": "09:00"}, "--eviction-at"),
        # A Saturday.
        ({"kind": "eviction", "eviction_at": "2027-04-03 09:00"}, "--eviction-at"),
        # Långfredagen 2027.
        ({"kind": "eviction", "eviction_at": "2027-03-26"}, "--eviction-at"),
    ],
)  # fmt: skip
def test_bad_input(db: Database, ref: str, dump: Any, values: dict[str, Any], field: str) -> None:
    path = db.execute("PRAGMA database_list").fetchone()[2]
    before = dump(path)
    with pytest.raises(InvalidInput) as err:
        _add(db, ref, **values)
    assert err.value.field == field
    assert dump(path) == before


# Kronofogden ------------------------------------------------------------------------------


def test_kronofogden_steps(db: Database, ref: str) -> None:
    application = _add(
        db,
        ref,
        kind="enforcement_application",
        step_on=date(2027, 2, 1),
        enforcement_case="12-345678-27",
    )
    assert application["step_on"] == "2027-02-01"
    assert application["enforcement_case"] == "12-345678-27"
    with pytest.raises(InvalidInput, match="before the application"):
        _add(db, ref, kind="decision", step_on=date(2027, 1, 31))
    decision = _add(db, ref, kind="decision", step_on=date(2027, 3, 1), final_on=date(2027, 3, 12))
    assert (decision["decision_by"], decision["final_on"]) == ("enforcement", "2027-03-12")
    with pytest.raises(InvalidInput, match="after the decision"):
        _add(db, ref, kind="enforcement_application", step_on=date(2027, 3, 2))
    court = _add(db, ref, kind="decision", decision_by="rent_tribunal", step_on=AS_OF)
    assert court["decision_by"] == "rent_tribunal"
    request = _add(db, ref, kind="enforcement_request", step_on=AS_OF)
    assert request["step_on"] == AS_OF.isoformat()
    eviction = _add(db, ref, kind="eviction", eviction_at="2027-04-06 09:00")
    assert eviction["eviction_at"] == "2027-04-06T09:00"
    kinds = [n["kind"] for n in list_notices(db, ref=ref, as_of=AS_OF)]
    assert sorted(kinds) == sorted(
        ["enforcement_application", "decision", "decision", "enforcement_request", "eviction"]
    )


def test_a_non_working_eviction_day_when_confirmed(db: Database, ref: str) -> None:
    found = _add(
        db, ref, kind="eviction", eviction_at="2027-04-03 09:00", confirm_non_working_day=True
    )
    assert found["eviction_at"] == "2027-04-03T09:00"


def test_cli_says_what_the_decision_means(initialised: Cli) -> None:
    initialised.ok("household", "add", "Bo", "--as-of", "2027-01-01")
    out = initialised.ok(
        "notice", "add", "2027-0001", "--kind", "decision", "--decision-by", "court",
        "--date", "2027-03-01", "--as-of", "2027-03-15",
    )  # fmt: skip
    assert "no longer restores the lease" in out.stderr
    shown = initialised.ok("household", "show", "2027-0001", "--as-of", "2027-03-15").stdout
    assert "no longer restores" in shown
    barred = initialised.ok(
        "notice", "add", "2027-0001", "--kind", "termination", "--ground", "misconduct",
        "--as-of", "2027-03-15",
    )  # fmt: skip
    assert "may be barred" in barred.stderr
    before = initialised.dump()
    saturday = initialised(
        "notice", "add", "2027-0001", "--kind", "eviction", "--eviction-at", "2027-04-03 09:00",
        "--as-of", "2027-03-15",
    )  # fmt: skip
    assert saturday.exit_code == 1
    assert saturday.stderr.count("\n") == 1
    assert "--eviction-at" in saturday.stderr and "2027-04-03 09:00" in saturday.stderr
    assert initialised.dump() == before
    initialised.ok(
        "notice", "add", "2027-0001", "--kind", "eviction", "--eviction-at", "2027-04-03 09:00",
        "--confirm-non-working-day", "--as-of", "2027-03-15",
    )  # fmt: skip


def test_a_time_to_correct_that_ended_before_the_warning_was_served_is_refused(
    initialised: Cli,
) -> None:
    initialised.ok("household", "add", "Anna", "--as-of", "2026-11-02")
    before = initialised.dump()
    result = initialised(
        "notice", "add", "2026-0001", "--kind", "warning", "--ground", "disturbance",
        "--served", "2026-11-20", "--correct-by", "2026-11-10", "--as-of", "2026-11-25",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "--correct-by" in result.stderr and "2026-11-10" in result.stderr
    assert result.stderr.count("\n") == 1
    assert initialised.dump() == before


def test_a_corrected_eviction_day_on_a_holiday_needs_the_confirmation(initialised: Cli) -> None:
    initialised.ok("household", "add", "Anna", "--as-of", "2026-11-02")
    initialised.ok(
        "notice", "add", "2026-0001", "--kind", "eviction",
        "--eviction-at", "2026-12-16 09:00", "--as-of", "2026-11-25",
    )  # fmt: skip
    before = initialised.dump()
    # Christmas Day: refused unless Kronofogden really gave that day and it is confirmed.
    edit = ("notice", "edit", "1", "--eviction-at", "2026-12-25 09:00", "--reason", "Fel dag")
    refused = initialised(*edit, "--as-of", "2026-11-25")
    assert refused.exit_code == 1 and "--eviction-at" in refused.stderr
    assert initialised.dump() == before
    initialised.ok(*edit, "--confirm-non-working-day", "--as-of", "2026-11-25")
    listed = initialised.ok("notice", "list", "--format", "json", "--as-of", "2026-11-25")
    assert "2026-12-25T09:00" in listed.stdout
