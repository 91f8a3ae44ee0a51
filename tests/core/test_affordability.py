from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bostadcli.affordability import (
    assess,
    child_band,
    household_affordability,
    living_cost_norm,
    norm_year,
)
from bostadcli.db import open_database
from bostadcli.errors import BostadError
from bostadcli.households import ChildSpec, NewHousehold, add_household, add_member
from bostadcli.money import Money
from bostadcli.rules import NORMALBELOPP

TABLE_2025 = {
    **NORMALBELOPP,
    2025: {
        "single": 6_200,
        "couple": 10_200,
        "child_0_6": 3_300,
        "child_7_10": 4_000,
        "child_11_14": 4_600,
        "child_15_plus": 5_300,
    },
}


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (0, "child_0_6"),
        (6, "child_0_6"),
        (7, "child_7_10"),
        (10, "child_7_10"),
        (11, "child_11_14"),
        (14, "child_11_14"),
        (15, "child_15_plus"),
        (17, "child_15_plus"),
    ],
)
def test_child_bands(age: int, band: str) -> None:
    assert child_band(age) == band


def test_an_adult_has_no_child_band() -> None:
    with pytest.raises(ValueError):
        child_band(18)


def test_norm_year_is_the_latest_not_after() -> None:
    assert norm_year(TABLE_2025, date(2026, 5, 1)) == 2025
    assert norm_year(TABLE_2025, date(2025, 1, 1)) == 2025
    assert norm_year(TABLE_2025, date(2024, 12, 31)) == 2024
    # Before the table begins: its earliest year.
    assert norm_year(TABLE_2025, date(2020, 1, 1)) == 2023
    with pytest.raises(BostadError):
        norm_year({}, date(2026, 1, 1))


def test_norm_2024_values_from_domain() -> None:
    on = date(2024, 6, 1)
    single = living_cost_norm(couple=False, child_ages=[], on=on, table=NORMALBELOPP)
    assert single.amount == Money.kronor(6_090)
    family = living_cost_norm(couple=True, child_ages=[3, 8, 12, 16], on=on, table=NORMALBELOPP)
    assert family.amount == Money.kronor(10_061 + 3_255 + 3_906 + 4_558 + 5_208)
    assert family.children == {
        "child_0_6": 1,
        "child_7_10": 1,
        "child_11_14": 1,
        "child_15_plus": 1,
    }
    # An adult outside the couple (an adult child, a lodger) is not in the norm.
    three = living_cost_norm(
        couple=True, child_ages=[], adults_outside=1, on=on, table=NORMALBELOPP
    )
    assert three.amount == Money.kronor(10_061)


def test_missing_key_in_a_configured_year() -> None:
    table = {2025: {"single": 6_200}}
    with pytest.raises(BostadError, match="couple"):
        living_cost_norm(couple=True, child_ages=[], on=date(2025, 3, 1), table=table)


def test_assess_warns_below_norm_but_never_refuses() -> None:
    norm = living_cost_norm(couple=False, child_ages=[], on=date(2024, 6, 1), table=NORMALBELOPP)
    enough = assess(
        income=Money.kronor(16_000),
        rent=Money.kronor(7_450),
        installment=Money.kronor(1_500),
        norm=norm,
    )
    assert enough.left == Money.kronor(16_000 - 7_450 - 1_500 - 6_090)
    assert not enough.below_norm and enough.warnings == []
    short = assess(
        income=Money.kronor(14_000),
        rent=Money.kronor(7_450),
        installment=Money.kronor(1_500),
        norm=norm,
    )
    assert short.left == Money.kronor(-1_040)
    assert short.below_norm
    assert "1\u00a0040\u00a0kr" in short.warnings[0]
    no_rent = assess(income=Money.kronor(14_000), rent=None, installment=Money(0), norm=norm)
    assert not no_rent.below_norm
    assert "rent is not recorded" in no_rent.warnings[0]
    assert no_rent.as_dict()["rent_ore"] is None


def test_household_counts_part_time_children_and_ages_on_as_of(tmp_path: Path) -> None:
    db = open_database(tmp_path / "t.sqlite", create=True)
    ref = add_household(
        db,
        NewHousehold(
            tenant_name="Anna",
            rent=Money.kronor(8_000),
            children=[
                ChildSpec(date(2019, 6, 10)),
                ChildSpec(date(2014, 1, 15), part_time=True),
                ChildSpec(date(2008, 3, 1)),
            ],
        ),
        as_of=date(2025, 12, 1),
    )
    add_member(db, ref, name="Bo", role="partner", as_of=date(2025, 12, 1))
    hid = db.execute("SELECT id FROM households WHERE ref = ?", [ref]).fetchone()[0]
    result = household_affordability(
        db,
        hid,
        income=Money.kronor(40_000),
        installment=Money.kronor(1_000),
        as_of=date(2026, 2, 1),
        table=TABLE_2025,
    )
    # On 2026-02-01: 6 years (0–6), 12 years part-time (11–14); the one born 2008-03-01
    # is 17 and still a child. The partner makes a couple.
    assert result.norm.year == 2025
    assert result.norm.year_missing  # 2026 is not in the table: said, not hidden
    assert result.norm.adults == 2
    assert result.norm.children == {"child_0_6": 1, "child_15_plus": 1}
    assert result.norm.children_part_time == {"child_11_14": 1}
    assert result.as_dict()["children"] == {"child_0_6": 1, "child_11_14": 1, "child_15_plus": 1}
    norm = 10_200 + 3_300 + 4_600 + 5_300
    assert result.norm.amount == Money.kronor(norm)
    assert result.left == Money.kronor(40_000 - 8_000 - 1_000 - norm)
    # A month later the eldest is 18: an adult child, outside the debtor's norm.
    later = household_affordability(
        db,
        hid,
        income=Money.kronor(40_000),
        installment=Money.kronor(1_000),
        as_of=date(2026, 3, 1),
        table=TABLE_2025,
    )
    assert later.norm.adults == 2
    assert later.norm.adults_outside == 1
    assert later.norm.amount == Money.kronor(10_200 + 3_300 + 4_600)
