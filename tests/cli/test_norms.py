"""Living-cost norms by year (Kronofogden's normalbelopp, DOMAIN.md rule 13): whose norm,
part-time children, the housing allowance, and a missing year said out loud."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bostadcli.affordability import assess, child_band, household_affordability, living_cost_norm
from bostadcli.config import load_config
from bostadcli.errors import BostadError
from bostadcli.households import ChildSpec, NewHousehold, add_household, add_member, household_id
from bostadcli.money import Money
from bostadcli.rules import NORMALBELOPP
from conftest import Cli

N24 = NORMALBELOPP[2024]
ON = date(2024, 6, 1)


def hint(db: Any, ref: str, *, on: date = ON, percent: int = 100) -> Any:
    return household_affordability(
        db,
        household_id(db, ref),
        income=Money.kronor(30_000),
        installment=Money.kronor(1_000),
        as_of=on,
        table=NORMALBELOPP,
        part_time_percent=percent,
    )


def case(db: Any, **extra: Any) -> str:
    return add_household(
        db, NewHousehold(tenant_name="Anna", rent=Money.kronor(8_000), **extra), as_of=ON
    )


def test_single_tenant(db: Any) -> None:
    result = hint(db, case(db))
    assert not result.norm.couple
    assert result.norm.amount == Money.kronor(N24["single"])
    assert result.warnings == []


def test_partner_makes_a_couple(db: Any) -> None:
    ref = case(db)
    add_member(db, ref, name="Bo", role="partner", as_of=ON)
    result = hint(db, ref)
    assert result.norm.couple
    assert result.norm.amount == Money.kronor(N24["couple"])


def test_co_tenant_is_not_a_partner_by_the_lease_alone(db: Any) -> None:
    # A shared lease is not a relationship (DOMAIN rule 13, KFMA 2018:1): an adult sibling
    # on the lease is outside the debtor's norm, as an adult child or a lodger is.
    result = hint(db, case(db, co_tenant_name="Bror"))
    assert not result.norm.couple
    assert result.norm.amount == Money.kronor(N24["single"])
    assert result.norm.adults_outside == 1
    assert any(
        "1 adult living here is not marked as the tenant's partner" in w for w in result.warnings
    )


def test_co_tenant_and_partner_make_one_couple(db: Any) -> None:
    ref = case(db, co_tenant_name="Syster")
    add_member(db, ref, name="Bo", role="partner", as_of=ON)
    result = hint(db, ref)
    assert result.norm.couple and result.norm.amount == Money.kronor(N24["couple"])
    assert result.norm.adults_outside == 1


def test_a_young_co_tenant_is_no_child_of_the_norm(db: Any) -> None:
    ref = case(db)
    add_member(db, ref, name="Ung", birth_date=date(2007, 1, 1), role="co_tenant", as_of=ON)
    result = hint(db, ref)  # 17 on ON, but on the lease: an adult outside the norm
    assert result.norm.children == {} and result.norm.adults_outside == 1


def test_adult_child_and_lodger_are_not_in_the_norm(db: Any) -> None:
    ref = case(db)
    add_member(db, ref, name="Adult child", birth_date=date(2000, 1, 1), role="child", as_of=ON)
    add_member(db, ref, name="Lodger", role="adult", as_of=ON)
    result = hint(db, ref)
    assert not result.norm.couple  # two more adults, still no couple
    assert result.norm.adults_outside == 2
    assert result.norm.amount == Money.kronor(N24["single"])
    assert any(
        "2 adults living here are not marked as the tenant's partner" in w for w in result.warnings
    )
    assert result.as_dict()["adults"] == 3
    assert result.as_dict()["adults_in_norm"] == 1


@pytest.mark.parametrize("percent", [0, 50, 100])
def test_part_time_children_count_with_the_policy_share(db: Any, percent: int) -> None:
    ref = case(db, children=[ChildSpec(date(2016, 1, 1), part_time=True)])  # 8 years old
    result = hint(db, ref, percent=percent)
    assert result.norm.children_part_time == {"child_7_10": 1}
    assert result.norm.amount == Money(N24["single"] * 100 + N24["child_7_10"] * percent)


def test_part_time_share_outside_0_to_100_is_refused() -> None:
    with pytest.raises(BostadError):
        living_cost_norm(
            couple=False, child_ages=[], part_time_percent=101, on=ON, table=NORMALBELOPP
        )


def test_housing_allowance_is_taken_off_the_rent(db: Any) -> None:
    ref = case(db, housing_allowance=Money.kronor(1_800))
    result = hint(db, ref)
    assert result.housing_cost == Money.kronor(8_000 - 1_800)
    assert result.left == Money.kronor(30_000 - 6_200 - 1_000 - N24["single"])
    doc = result.as_dict()
    assert doc["housing_allowance_ore"] == 180_000
    assert doc["reserved_amount_ore"] == (6_200 + N24["single"]) * 100


def test_missing_year_is_said_with_the_config_key(db: Any) -> None:
    result = hint(db, case(db), on=date(2026, 3, 1))
    assert result.norm.year == 2024 and result.norm.requested_year == 2026
    assert result.as_dict()["norm_year_missing"] is True
    assert any(
        "no normalbelopp for 2026" in w and "2024" in w and "[normalbelopp.2026]" in w
        for w in result.warnings
    )
    # A year the table has: nothing said.
    assert not hint(db, case(db), on=date(2024, 3, 1)).norm.year_missing


@given(
    couple=st.booleans(),
    ages=st.lists(st.integers(min_value=0, max_value=17), max_size=5),
    part_ages=st.lists(st.integers(min_value=0, max_value=17), max_size=4),
    percent=st.integers(min_value=0, max_value=100),
    income=st.integers(min_value=0, max_value=10_000_000),
    rent=st.integers(min_value=0, max_value=2_000_000),
    allowance=st.integers(min_value=0, max_value=2_000_000),
    installment=st.integers(min_value=0, max_value=1_000_000),
)
def test_the_sum_is_its_parts(
    couple: bool,
    ages: list[int],
    part_ages: list[int],
    percent: int,
    income: int,
    rent: int,
    allowance: int,
    installment: int,
) -> None:
    norm = living_cost_norm(
        couple=couple,
        child_ages=ages,
        part_time_child_ages=part_ages,
        part_time_percent=percent,
        on=ON,
        table=NORMALBELOPP,
    )
    expected = N24["couple" if couple else "single"] * 100
    expected += sum(N24[child_band(a)] * 100 for a in ages)
    expected += sum(N24[child_band(a)] * percent for a in part_ages)
    assert norm.amount.ore == expected
    result = assess(
        income=Money(income),
        rent=Money(rent),
        installment=Money(installment),
        norm=norm,
        housing_allowance=Money(allowance),
    )
    assert result.left.ore == income - max(rent - allowance, 0) - installment - expected
    assert result.below_norm == (result.left.ore < 0)


# --- the config file -----------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_config_adds_a_year_and_keeps_the_built_in_ones(tmp_path: Path) -> None:
    keys = "single = 6500\ncouple = 10700\nchild_0_6 = 3400\nchild_7_10 = 4100\n"
    keys += "child_11_14 = 4800\nchild_15_plus = 5500\n"
    config = load_config(write(tmp_path, "[normalbelopp.2026]\n" + keys))
    assert config.normalbelopp[2026]["couple"] == 10_700
    assert config.normalbelopp[2024] == N24


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[normalbelopp.2026]\nsingle = 6500\n", "has no amount for couple"),
        ("[normalbelopp.2024]\nsingle = 'sex tusen'\n", "whole number"),
        ("[normalbelopp.2024]\nsingle = -1\n", "whole number"),
        ("[normalbelopp.2024]\nsingel = 6000\n", "unknown setting 'singel'"),
        ("[policy]\npart_time_child_norm_percent = 150\n", "between 0 and 100"),
    ],
)
def test_config_mistakes_are_one_line_errors(tmp_path: Path, text: str, needle: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(BostadError) as info:
        load_config(path)
    assert needle in str(info.value)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_a_built_in_year_can_be_corrected_one_amount_at_a_time(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "[normalbelopp.2024]\nsingle = 6100\n"))
    assert config.normalbelopp[2024] == N24 | {"single": 6_100}


# --- plan create says which year it used ---------------------------------------------


def test_plan_create_names_the_year_used(initialised: Cli) -> None:
    cli = initialised
    ref = cli.ok(
        "household", "add", "Anna", "--rent", "8000", "--housing-allowance", "1500",
        "--landlord", "Exempelhem AB", "--create-landlord", "--as-of", "2026-03-02",
    ).stdout.strip()  # fmt: skip
    cli.ok("member", "add", ref, "--name", "Bo", "--role", "partner", "--as-of", "2026-03-02")
    made = cli.ok(
        "plan", "create", ref, "--debt", "9000", "--installment", "1000", "--income", "25000",
        "--dry-run", "--format", "json", "--as-of", "2026-03-02",
    )  # fmt: skip
    doc = json.loads(made.stdout)["affordability"]
    assert (doc["norm_year"], doc["norm_year_requested"], doc["norm_year_missing"]) == (
        2024,
        2026,
        True,
    )
    assert doc["couple"] is True
    assert doc["housing_cost_ore"] == 650_000
    assert any("[normalbelopp.2026]" in w for w in doc["warnings"])
    table = cli.ok(
        "plan", "create", ref, "--debt", "9000", "--installment", "1000", "--income", "25000",
        "--as-of", "2026-03-02",
    )  # fmt: skip
    assert "normalbelopp 2024" in table.stderr
    assert "[normalbelopp.2026]" in table.stderr
    assert "housing allowance" in table.stderr
