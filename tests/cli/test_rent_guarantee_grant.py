"""A rent guarantee and the state grant's conditions (DOMAIN.md rule 6): at least six
months' rent, at least two years, a first-hand contract. A guarantee that misses one is
recorded, with a note saying which; shown in support list and exported."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bostadcli.households import NewHousehold, add_household, edit_household
from bostadcli.money import Money
from bostadcli.supports import NewSupport, add_support, list_supports, state_grant_missed
from conftest import Cli

AS_OF = date(2026, 3, 2)


def missed(**kw: Any) -> list[str]:
    args: dict[str, Any] = {
        "kind": "rent_guarantee",
        "start_on": "2026-01-01",
        "end_on": "2027-12-31",
        "cap_ore": None,
        "cap_months": 6,
        "rent_ore": 800_000,
        "tenancy_type": "first_hand",
    }
    return state_grant_missed(**(args | kw))


@pytest.mark.parametrize(
    ("change", "codes"),
    [
        ({}, []),  # six months, exactly two years, first hand: meets them all
        ({"cap_months": 5}, ["cover_under_six_months"]),
        ({"cap_months": None, "cap_ore": 4_800_000}, []),  # 6 × 8 000 kr
        ({"cap_months": None, "cap_ore": 4_799_999}, ["cover_under_six_months"]),
        ({"cap_months": None, "cap_ore": 4_800_000, "rent_ore": None}, ["cover_unknown"]),
        # The kronor cap rules when both are given, as in cap_effective_ore.
        ({"cap_months": 12, "cap_ore": 100_000}, ["cover_under_six_months"]),
        ({"end_on": "2027-12-30"}, ["term_under_two_years"]),
        ({"start_on": "2024-02-29", "end_on": "2026-02-28"}, []),
        ({"tenancy_type": "social_contract"}, ["not_first_hand"]),
        ({"tenancy_type": "sublet"}, ["not_first_hand"]),
        ({"tenancy_type": None}, ["tenancy_unknown"]),
        (
            {"cap_months": 3, "end_on": "2026-12-31", "tenancy_type": "lodger"},
            ["cover_under_six_months", "term_under_two_years", "not_first_hand"],
        ),
        ({"kind": "housing_first", "cap_months": None, "tenancy_type": None}, []),
    ],
)
def test_worked_cases(change: dict[str, Any], codes: list[str]) -> None:
    assert missed(**change) == codes


@example(start=date(2024, 2, 29), days=729, months=6)
@example(start=date(2024, 2, 29), days=728, months=6)
@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    days=st.integers(min_value=0, max_value=1200),
    months=st.integers(min_value=1, max_value=36),
)
def test_term_is_two_calendar_years(start: date, days: int, months: int) -> None:
    end = start + timedelta(days=days)
    try:
        two_years_on = start.replace(year=start.year + 2)
    except ValueError:  # 29 February: two years on is 28 February (as relativedelta)
        two_years_on = date(start.year + 2, 2, 28)
    codes = missed(start_on=start.isoformat(), end_on=end.isoformat(), cap_months=months)
    assert ("term_under_two_years" in codes) == (end < two_years_on - timedelta(days=1))
    assert ("cover_under_six_months" in codes) == (months < 6)


def household(db: Any, tenancy: str | None) -> str:
    return add_household(
        db,
        NewHousehold(
            tenant_name="Anna",
            landlord="Exempelhem AB",
            rent=Money.kronor(8_000),
            tenancy_type=tenancy,
        ),
        as_of=AS_OF,
        create_landlord=True,
    )


def test_recorded_with_the_note_and_warned(db: Any) -> None:
    ref = household(db, "social_contract")
    added = add_support(
        db,
        ref,
        NewSupport(kind="rent_guarantee", start_on=AS_OF, end_on=date(2027, 3, 1), cap_months=4),
        as_of=AS_OF,
    )
    assert added.support["state_grant_missed"] == [
        "cover_under_six_months",
        "term_under_two_years",
        "not_first_hand",
    ]
    note = added.support["state_grant_note"]
    assert note.startswith("does not meet the state grant's conditions")
    assert "six months" in note and "two years" in note and "first-hand" in note
    assert note in added.warnings
    # The tenancy changes: the note follows, because it is judged from what is recorded.
    edit_household(db, ref, changes={"tenancy_type": "first_hand"})
    (row,) = list_supports(db, as_of=AS_OF, ref=ref)
    assert "not_first_hand" not in row["state_grant_missed"]


def test_a_guarantee_meeting_the_conditions_has_no_note(db: Any) -> None:
    ref = household(db, "first_hand")
    added = add_support(
        db,
        ref,
        NewSupport(kind="rent_guarantee", start_on=AS_OF, end_on=date(2028, 3, 1), cap_months=6),
        as_of=AS_OF,
    )
    assert added.support["state_grant_missed"] == []
    assert added.support["state_grant_note"] is None
    assert added.warnings == []


def test_cli_list_and_export_carry_the_note(initialised: Cli) -> None:
    cli = initialised
    ref = cli.ok(
        "household", "add", "Anna", "--landlord", "Exempelhem AB", "--create-landlord",
        "--rent", "8000", "--tenancy", "sublet", "--as-of", "2026-03-02",
    ).stdout.strip()  # fmt: skip
    added = cli.ok(
        "support", "add", ref, "--kind", "rent_guarantee", "--start", "2026-03-02",
        "--end", "2028-03-01", "--cap-months", "6", "--as-of", "2026-03-02",
    )  # fmt: skip
    assert "is not for a first-hand contract" in added.stderr
    table = cli.ok("support", "list", "--as-of", "2026-03-02").stdout
    assert "first-hand" in table
    listed = json.loads(
        cli.ok("support", "list", "--format", "json", "--as-of", "2026-03-02").stdout
    )
    assert listed[0]["state_grant_missed"] == ["not_first_hand"]
    exported = cli.ok("export", "supports", "--format", "csv").stdout
    (row,) = csv.DictReader(io.StringIO(exported))
    assert row["state_grant_missed"] == "not_first_hand"
    assert "first-hand" in row["state_grant_note"]
    assert "household_rent_ore" not in row
    shown = json.loads(cli.ok("household", "show", ref, "--format", "json").stdout)
    assert shown["tenancy_type"] == "sublet"


def test_cli_bad_tenancy_is_one_line_and_writes_nothing(initialised: Cli) -> None:
    cli = initialised
    ref = cli.ok("household", "add", "Anna", "--as-of", "2026-03-02").stdout.strip()
    before = cli.dump()
    bad = cli("household", "edit", ref, "--tenancy", "castle")
    assert bad.exit_code == 2
    assert "castle" in bad.stderr and "--tenancy" in bad.stderr
    bad_money = cli("household", "edit", ref, "--housing-allowance", "-5")
    assert bad_money.exit_code == 1
    assert "--housing-allowance" in bad_money.stderr
    assert cli.dump() == before
