"""Support measures: what each kind needs, what is refused, what only warns."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bostadcli.db import open_database, rows
from bostadcli.errors import Conflict, InvalidInput
from bostadcli.households import NewHousehold, add_household, close_household
from bostadcli.landlords import add_landlord, edit_landlord
from bostadcli.money import Money
from bostadcli.supports import (
    NewSupport,
    add_support,
    edit_support,
    end_support,
    list_supports,
    quota_usage,
    support_ending_candidates,
)

AS_OF = date(2026, 3, 2)


@pytest.fixture
def db(tmp_path: Path) -> Any:
    database = open_database(tmp_path / "t.sqlite", create=True)
    add_landlord(database, name="Exempelhem AB", kind="municipal")
    add_landlord(database, name="Privatvärden HB", kind="private")
    yield database
    database.close()


def household(db: Any, name: str = "Anna Andersson", **extra: Any) -> str:
    new = NewHousehold(
        tenant_name=name,
        landlord=extra.pop("landlord", "Exempelhem AB"),
        rent=extra.pop("rent", Money.kronor(7_000)),
        opened_on=extra.pop("opened_on", date(2026, 1, 10)),
        **extra,
    )
    return add_household(db, new, as_of=AS_OF)


def count_supports(db: Any) -> int:
    return int(rows(db, "SELECT count(*) AS n FROM supports")[0]["n"])


def test_rent_guarantee_takes_the_household_landlord_and_starts_with_nothing_claimed(
    db: Any,
) -> None:
    ref = household(db)
    added = add_support(
        db,
        ref,
        NewSupport(
            kind="rent_guarantee",
            start_on=date(2026, 2, 1),
            end_on=date(2028, 1, 31),
            cap_months=6,
        ),
        as_of=AS_OF,
    )
    # Six months over two years: only the tenancy type, not recorded here, is unknown.
    assert added.support["state_grant_missed"] == ["tenancy_unknown"]
    assert added.warnings == [added.support["state_grant_note"]]
    s = added.support
    assert s["landlord"] == "Exempelhem AB"
    assert (s["claimed_ore"], s["reclaimed_ore"]) == (0, 0)
    # Six months of the household's rent of 7 000 kr.
    assert s["cap_effective_ore"] == 6 * 700_000
    assert s["status"] == "active"
    assert s["days_left"] == (date(2028, 1, 31) - AS_OF).days


def test_an_end_before_the_start_is_refused_and_nothing_is_stored(db: Any) -> None:
    ref = household(db)
    with pytest.raises(InvalidInput) as err:
        add_support(
            db,
            ref,
            NewSupport(kind="housing_support", start_on=date(2026, 3, 1), end_on=date(2026, 2, 1)),
            as_of=AS_OF,
        )
    assert err.value.field == "end"
    assert "2026-02-01" in err.value.message
    assert count_supports(db) == 0


def test_an_unknown_kind_is_invalid_input(db: Any) -> None:
    ref = household(db)
    with pytest.raises(InvalidInput) as err:
        add_support(db, ref, NewSupport(kind="holiday_home"), as_of=AS_OF)
    assert err.value.field == "kind"


@pytest.mark.parametrize(
    ("new", "field"),
    [
        (NewSupport(kind="rent_guarantee", cap=Money.kronor(40_000)), "end"),
        (NewSupport(kind="rent_guarantee", end_on=date(2027, 3, 1)), "cap"),
        (NewSupport(kind="financial_aid", place="Vandrarhemmet"), "place"),
        (NewSupport(kind="housing_first", cap_months=3), "cap-months"),
        (NewSupport(kind="priority_allocation"), "landlord"),
        (NewSupport(kind="emergency_housing", nights_from=date(2026, 3, 1)), "nights-to"),
        (
            NewSupport(
                kind="emergency_housing", nights_from=date(2026, 3, 1), nights_to=date(2026, 3, 1)
            ),
            "nights-to",
        ),
        (
            NewSupport(
                kind="rent_guarantee",
                end_on=date(2027, 3, 1),
                cap=Money.kronor(40_000),
                claimed=Money.kronor(1_000),
                reclaimed=Money.kronor(2_000),
            ),
            "reclaimed",
        ),
        (
            NewSupport(kind="rent_guarantee", end_on=date(2027, 3, 1), cap=Money(-100)),
            "cap",
        ),
    ],
)
def test_what_each_kind_needs_is_checked(db: Any, new: NewSupport, field: str) -> None:
    ref = household(db)
    with pytest.raises(InvalidInput) as err:
        add_support(db, ref, new, as_of=AS_OF)
    assert err.value.field == field
    assert count_supports(db) == 0


def test_a_long_emergency_stay_is_recorded_with_a_warning(db: Any) -> None:
    ref = household(db)
    added = add_support(
        db,
        ref,
        NewSupport(
            kind="emergency_housing",
            place="Vandrarhemmet Gästis",
            nights_from=date(2026, 2, 20),
            nights_to=date(2026, 3, 1),
            cost=Money.kronor(4_500),
        ),
        as_of=AS_OF,
        max_nights=7,
    )
    assert len(added.warnings) == 1
    assert "9" in added.warnings[0] and "7" in added.warnings[0]
    s = added.support
    assert s["nights"] == 9
    assert (s["start_on"], s["end_on"]) == ("2026-02-20", "2026-03-01")
    assert s["cost_granted"] is None
    assert count_supports(db) == 1


def test_a_stay_within_the_limit_gives_no_warning(db: Any) -> None:
    ref = household(db)
    added = add_support(
        db,
        ref,
        NewSupport(
            kind="emergency_housing", nights_from=date(2026, 3, 1), nights_to=date(2026, 3, 8)
        ),
        as_of=AS_OF,
        max_nights=7,
    )
    assert added.warnings == []
    assert added.support["nights"] == 7


def test_priority_quota_exceeded_is_a_warning_not_a_block(db: Any) -> None:
    quota = {"exempelhem ab": 1}  # the config may spell the company differently
    first = add_support(
        db,
        household(db),
        NewSupport(
            kind="priority_allocation",
            landlord="Exempelhem AB",
            granted_on=date(2026, 2, 1),
            flat_offered="Storgatan 3, 2 rok",
        ),
        as_of=AS_OF,
        quota=quota,
    )
    assert first.warnings == []
    second = add_support(
        db,
        household(db, "Bo Berg"),
        NewSupport(kind="priority_allocation", landlord="exempelhem ab"),
        as_of=AS_OF,
        quota=quota,
    )
    assert len(second.warnings) == 1
    assert "Exempelhem AB" in second.warnings[0]
    assert count_supports(db) == 2
    assert quota_usage(db, 2026, quota=quota) == [
        {"company": "Exempelhem AB", "quota": 1, "used": 2, "year": 2026, "left": -1}
    ]
    # Another year starts afresh.
    assert quota_usage(db, 2027, quota=quota)[0]["used"] == 0


def test_priority_allocation_without_a_quota_in_the_config_warns(db: Any) -> None:
    added = add_support(
        db,
        household(db),
        NewSupport(kind="priority_allocation", landlord="Privatvärden HB"),
        as_of=AS_OF,
        quota={"Exempelhem AB": 10},
    )
    assert len(added.warnings) == 1 and "priority_quota" in added.warnings[0]
    usage = {r["company"]: r for r in quota_usage(db, 2026, quota={"Exempelhem AB": 10})}
    assert usage["Privatvärden HB"]["quota"] is None
    assert usage["Privatvärden HB"]["left"] is None
    assert usage["Exempelhem AB"]["left"] == 10


def test_housing_first_mentions_a_missing_cooperation_agreement(db: Any) -> None:
    ref = household(db)
    new = NewSupport(kind="housing_first", landlord="Privatvärden HB", support_person="Kim")
    assert "Privatvärden HB" in add_support(db, ref, new, as_of=AS_OF).warnings[0]
    edit_landlord(db, "Privatvärden HB", cooperation_agreement_on=date(2025, 6, 1))
    again = add_support(db, ref, new, as_of=AS_OF)
    assert again.warnings == []
    assert again.support["cooperation_agreement_on"] == "2025-06-01"


def test_ending_a_support(db: Any) -> None:
    ref = household(db)
    sid = add_support(
        db, ref, NewSupport(kind="housing_support", start_on=date(2026, 2, 1)), as_of=AS_OF
    ).id
    with pytest.raises(InvalidInput):
        end_support(db, sid, ended_on=date(2026, 1, 31), as_of=AS_OF)
    with pytest.raises(InvalidInput):
        end_support(db, sid, ended_on=date(2026, 3, 3), as_of=AS_OF)
    ended = end_support(db, sid, ended_on=date(2026, 3, 1), reason="Moved away", as_of=AS_OF)
    assert (ended["ended_on"], ended["end_reason"], ended["status"]) == (
        "2026-03-01",
        "Moved away",
        "ended",
    )
    with pytest.raises(Conflict):
        end_support(db, sid, ended_on=date(2026, 3, 2), as_of=AS_OF)


def test_an_ended_stay_counts_the_nights_actually_used(db: Any) -> None:
    ref = household(db)
    sid = add_support(
        db,
        ref,
        NewSupport(
            kind="emergency_housing", nights_from=date(2026, 2, 25), nights_to=date(2026, 3, 4)
        ),
        as_of=AS_OF,
    ).id
    assert end_support(db, sid, ended_on=date(2026, 2, 27), as_of=AS_OF)["nights"] == 2


def test_list_shows_current_and_planned_unless_asked_for_more(db: Any) -> None:
    ref = household(db)
    for start, end in [
        (date(2025, 1, 1), date(2025, 6, 30)),
        (date(2026, 1, 1), date(2026, 12, 31)),
        (date(2026, 4, 1), None),
    ]:
        add_support(
            db, ref, NewSupport(kind="housing_support", start_on=start, end_on=end), as_of=AS_OF
        )
    current = list_supports(db, as_of=AS_OF)
    assert [(s["start_on"], s["status"]) for s in current] == [
        ("2026-01-01", "active"),
        ("2026-04-01", "planned"),
    ]
    assert len(list_supports(db, as_of=AS_OF, include_ended=True)) == 3
    assert [s["start_on"] for s in list_supports(db, as_of=AS_OF, year=2025)] == ["2025-01-01"]
    assert list_supports(db, as_of=AS_OF, kind="financial_aid") == []


def test_support_ending_candidates(db: Any) -> None:
    soon, closed = household(db), household(db, "Bo Berg")

    def add(ref: str, end: date) -> int:
        new = NewSupport(kind="housing_support", start_on=date(2026, 1, 1), end_on=end)
        return add_support(db, ref, new, as_of=AS_OF).id

    inside = add(soon, date(2026, 3, 20))
    add(soon, date(2026, 4, 20))  # outside the window
    add(soon, date(2026, 3, 1))  # ended yesterday: not "ending"
    ended = add(soon, date(2026, 3, 10))
    end_support(db, ended, ended_on=date(2026, 3, 2), as_of=AS_OF)
    add(closed, date(2026, 3, 15))
    close_household(db, closed, outcome="moved", closed_on=AS_OF, as_of=AS_OF, running="end")
    found = support_ending_candidates(db, AS_OF, 30)
    assert [(s["id"], s["ref"], s["days_left"]) for s in found] == [(inside, soon, 18)]
    with pytest.raises(InvalidInput):
        support_ending_candidates(db, AS_OF, -1)


def test_editing_what_is_learnt_later(db: Any) -> None:
    ref = household(db)
    sid = add_support(
        db,
        ref,
        NewSupport(kind="rent_guarantee", end_on=date(2027, 12, 31), cap=Money.kronor(20_000)),
        as_of=AS_OF,
    ).id
    diff, warnings = edit_support(db, sid, changes={"claimed": Money.kronor(25_000)}, as_of=AS_OF)
    assert diff == {"claimed_ore": (0, 2_500_000)}
    assert len(warnings) == 1  # claimed beyond the cap
    with pytest.raises(InvalidInput):
        edit_support(db, sid, changes={"reclaimed": Money.kronor(30_000)}, as_of=AS_OF)
    with pytest.raises(InvalidInput):
        edit_support(db, sid, changes={"place": "Hotell"}, as_of=AS_OF)
    with pytest.raises(InvalidInput):
        edit_support(db, sid, changes={"end_on": date(2025, 1, 1)}, as_of=AS_OF)
    assert edit_support(db, sid, changes={"claimed": Money.kronor(25_000)}, as_of=AS_OF)[0] == {}
