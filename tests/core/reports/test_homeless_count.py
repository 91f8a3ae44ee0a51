"""Socialstyrelsen's homelessness count: persons aged 18 and over per situation, children
in their own columns, and situation 3 from a long-term municipal tenancy."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bostadcli.households import ChildSpec, NewHousehold, add_household, edit_household
from bostadcli.reports import homeless_count, homeless_situation

ON = date(2026, 4, 20)


def case(db: Any, situation: str, *, tenancy: str | None = None, **extra: Any) -> str:
    return add_household(
        db,
        NewHousehold(
            tenant_name="T",
            housing_situation=situation,
            tenancy_type=tenancy,
            source="self_referral",
            opened_on=date(2026, 1, 10),
            **extra,
        ),
        as_of=ON,
    )


def by_situation(db: Any) -> dict[str, dict[str, Any]]:
    return {r["situation"]: r for r in homeless_count(db, on=ON)}


@pytest.mark.parametrize(
    ("recorded", "tenancy", "counted"),
    [
        ("tenancy_at_risk", None, None),
        ("tenancy_at_risk", "first_hand", None),
        ("tenancy_at_risk", "social_contract", "homeless_long_term"),
        ("tenancy_at_risk", "municipal_sublet", "homeless_long_term"),
        ("tenancy_at_risk", "training_flat", "homeless_long_term"),
        ("tenancy_at_risk", "sublet", None),  # a private sublet is not the municipality's
        ("homeless_acute", "social_contract", "homeless_acute"),  # the more acute wins
        ("homeless_short_term", "municipal_sublet", "homeless_long_term"),
        ("homeless_short_term", "lodger", "homeless_short_term"),
        ("homeless_institution", None, "homeless_institution"),
    ],
)
def test_worked_situations(recorded: str, tenancy: str | None, counted: str | None) -> None:
    assert homeless_situation(recorded, tenancy) == counted


def test_a_family_on_a_social_contract_is_in_situation_3(db: Any) -> None:
    case(
        db,
        "tenancy_at_risk",
        tenancy="social_contract",
        co_tenant_name="P",
        children=[ChildSpec(date(2015, 1, 1)), ChildSpec(date(2012, 1, 1), part_time=True)],
    )
    row = by_situation(db)["homeless_long_term"]
    assert (row["households"], row["persons_18_plus"]) == (1, 2)
    assert (row["children"], row["children_part_time"]) == (1, 1)
    assert "persons" not in row


def test_editing_the_tenancy_moves_the_household_into_the_count(db: Any) -> None:
    ref = case(db, "tenancy_at_risk")
    assert by_situation(db)["total"]["households"] == 0
    edit_household(db, ref, changes={"tenancy_type": "municipal_sublet"})
    assert by_situation(db)["homeless_long_term"]["persons_18_plus"] == 1


@settings(max_examples=40, deadline=None)
@given(
    families=st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "homeless_acute",
                    "homeless_institution",
                    "homeless_long_term",
                    "homeless_short_term",
                    "tenancy_at_risk",
                ]
            ),
            st.sampled_from([None, "first_hand", "social_contract", "sublet"]),
            st.integers(min_value=0, max_value=3),
            st.integers(min_value=0, max_value=2),
            st.booleans(),
        ),
        max_size=6,
    )
)
def test_children_are_never_in_the_persons(tmp_path_factory: Any, families: list[Any]) -> None:
    from bostadcli.db import open_database

    db = open_database(tmp_path_factory.mktemp("h") / "t.sqlite", create=True)
    try:
        expected_adults = expected_children = 0
        for situation, tenancy, full, part, partner in families:
            children = [ChildSpec(date(2016, 1, 1)) for _ in range(full)]
            children += [ChildSpec(date(2014, 1, 1), part_time=True) for _ in range(part)]
            case(
                db,
                situation,
                tenancy=tenancy,
                children=children,
                co_tenant_name="P" if partner else None,
            )
            if homeless_situation(situation, tenancy) is not None:
                expected_adults += 1 + int(partner)
                expected_children += full + part
        total = by_situation(db)["total"]
        assert total["persons_18_plus"] == expected_adults == total["adults"]
        assert total["children"] + total["children_part_time"] == expected_children
    finally:
        db.close()
