"""The reports' counting rules: deadline order, caseload, year figures, homelessness."""

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from stdnum import luhn

from bostadcli.consents import add_consent
from bostadcli.contacts import add_contact
from bostadcli.db import open_database
from bostadcli.errors import InvalidInput
from bostadcli.households import (
    ChildSpec,
    NewHousehold,
    add_household,
    add_member,
    close_household,
)
from bostadcli.landlords import add_landlord
from bostadcli.money import Money
from bostadcli.notices import NewNotice, add_notice
from bostadcli.plans import NewPlan, cancel_plan, create_plan, record_payment
from bostadcli.reports import (
    DeadlineWindows,
    band,
    caseload,
    deadlines,
    homeless_count,
    year_report,
)
from bostadcli.supports import NewSupport, add_support, end_support

AS_OF = date(2026, 3, 2)  # a Monday
LATER = date(2026, 12, 31)


@pytest.fixture
def db(tmp_path: Path) -> Any:
    database = open_database(tmp_path / "t.sqlite", create=True)
    add_landlord(database, name="Exempelhem AB", kind="municipal")
    yield database
    database.close()


def pnr(birth: date, serial: str = "123") -> str:
    """A valid personnummer for a birth date."""
    check = luhn.calc_check_digit(f"{birth:%y%m%d}{serial}")
    return f"{birth:%Y%m%d}{serial}{check}"


def household(
    db: Any,
    name: str = "Anna Andersson",
    *,
    opened: date = date(2026, 1, 10),
    children: tuple[date, ...] = (),
    part_time: tuple[date, ...] = (),
    as_of: date = AS_OF,
    **extra: Any,
) -> str:
    new = NewHousehold(
        tenant_name=name,
        landlord="Exempelhem AB",
        rent=Money.kronor(7_000),
        opened_on=opened,
        children=[ChildSpec(birth_date=b) for b in children]
        + [ChildSpec(birth_date=b, part_time=True) for b in part_time],
        **extra,
    )
    return add_household(db, new, as_of=as_of)


def recovery_on(db: Any, ref: str, deadline: date) -> None:
    """A rent termination whose recovery deadline is ``deadline`` (a working day)."""
    notice = add_notice(
        db,
        ref,
        NewNotice(
            kind="termination",
            served_on=deadline - timedelta(days=21),
            notified_on=deadline - timedelta(days=21),
        ),
        as_of=LATER,
    )
    assert notice["recovery_deadline"] == deadline.isoformat()


def support(db: Any, ref: str, start: date, end: date | None = None, **extra: Any) -> int:
    kind = extra.pop("kind", "housing_support")
    new = NewSupport(kind=kind, start_on=start, end_on=end, **extra)
    return add_support(db, ref, new, as_of=LATER).id


def talked(db: Any, ref: str, on: date = AS_OF) -> None:
    add_contact(db, ref, kind="phone", on=on, as_of=LATER)


# --- deadlines ---------------------------------------------------------------------------


def test_bands() -> None:
    assert [band(d) for d in (-1, 0, 6, 7, 30)] == [
        "overdue",
        "this_week",
        "this_week",
        "later",
        "later",
    ]


def test_deadlines_most_urgent_first_children_first_on_the_same_day(db: Any) -> None:
    family = household(db, "Familjen", children=(date(2015, 3, 2),))
    single = household(db, "Ensam")
    evicted = household(db, "Vräkt")
    overdue = household(db, "Passerad")
    later = household(db, "Senare")
    too_old = household(db, "Gammal")
    closed = household(db, "Stängd")
    recovery_on(db, family, date(2026, 3, 5))
    recovery_on(db, single, date(2026, 3, 5))
    add_notice(db, evicted, NewNotice(kind="eviction", eviction_at="2026-03-05 09:00"), as_of=AS_OF)
    recovery_on(db, overdue, date(2026, 2, 25))
    recovery_on(db, later, date(2026, 3, 12))
    recovery_on(db, too_old, date(2026, 2, 2))  # passed more than 14 days ago
    recovery_on(db, closed, date(2026, 3, 4))
    close_household(db, closed, outcome="stays", closed_on=AS_OF, as_of=AS_OF)
    for ref in (family, single, evicted, overdue, later, too_old):
        talked(db, ref)

    found = deadlines(db, as_of=AS_OF)
    assert [(e["band"], e["ref"], e["kind"], e["days_left"]) for e in found] == [
        ("overdue", overdue, "recovery_deadline", -5),
        # Two working days after 25 February have passed: Kronofogden may decide today.
        ("this_week", overdue, "eviction_decision", 0),
        ("this_week", family, "recovery_deadline", 3),
        ("this_week", evicted, "eviction", 3),
        ("this_week", single, "recovery_deadline", 3),
        ("later", later, "recovery_deadline", 10),
    ]
    assert found[2]["children"] == 1
    assert found[3]["eviction_at"] == "2026-03-05T09:00"
    assert found[2]["earliest_decision_on"] == "2026-03-10"
    # --days narrows (or widens) the look-ahead.
    narrow = DeadlineWindows(legal=3, support=3, consent=3)
    assert [e["ref"] for e in deadlines(db, as_of=AS_OF, windows=narrow)][-1] == single


def test_every_entry_has_the_same_fields(db: Any) -> None:
    ref = household(db)
    recovery_on(db, ref, date(2026, 3, 5))
    found = deadlines(db, as_of=AS_OF)
    assert {tuple(e) for e in found} == {tuple(found[0])}
    # A case gone quiet is a call to make: it comes after every dated entry.
    assert [(e["kind"], e["band"]) for e in found] == [
        ("recovery_deadline", "this_week"),
        ("no_contact", "no_contact"),
    ]


def test_supports_ending_and_consents_expiring(db: Any) -> None:
    ref = household(db)
    talked(db, ref)
    support(db, ref, date(2026, 1, 1), date(2026, 3, 6))
    support(db, ref, date(2026, 1, 1), date(2026, 6, 30))  # beyond the 30 days
    add_consent(
        db,
        ref,
        recipient="landlord",
        given_on=date(2025, 3, 10),
        expires_on=date(2026, 3, 10),
        today=AS_OF,
        reason="skrivet i efterhand",
    )
    # Consent for Kronofogden expires too, but a new one is already in place.
    add_consent(
        db,
        ref,
        recipient="enforcement",
        given_on=date(2025, 3, 1),
        expires_on=date(2026, 3, 9),
        today=AS_OF,
        reason="skrivet i efterhand",
    )
    add_consent(
        db,
        ref,
        recipient="enforcement",
        given_on=date(2026, 3, 1),
        today=AS_OF,
        reason="skrivet i efterhand",
    )
    found = deadlines(db, as_of=AS_OF)
    assert [(e["kind"], e["due_on"], e["band"]) for e in found] == [
        ("support_ending", "2026-03-06", "this_week"),
        ("consent_expiring", "2026-03-10", "later"),
    ]
    assert found[0]["support_kind"] == "housing_support"
    assert found[1]["recipient"] == "landlord"


def test_no_contact_counts_from_the_last_real_contact_or_the_opening(db: Any) -> None:
    never = household(db, "Aldrig", opened=date(2026, 1, 10))
    silent = household(db, "Tyst")
    fresh = household(db, "Nyss")
    talked(db, silent, date(2026, 1, 20))
    # A letter from the monthly batch is not a conversation.
    add_contact(db, silent, kind="letter", on=date(2026, 2, 27), as_of=AS_OF, automatic=True)
    talked(db, fresh, date(2026, 2, 27))
    found = deadlines(db, as_of=AS_OF, windows=DeadlineWindows(no_contact=30))
    assert [(e["ref"], e["due_on"], e["last_contact_on"], e["quiet_days"]) for e in found] == [
        (never, "2026-02-09", None, 51),
        (silent, "2026-02-19", "2026-01-20", 41),
    ]
    assert all(e["kind"] == "no_contact" and e["band"] == "no_contact" for e in found)


def test_windows_from_policy() -> None:
    from bostadcli.config import Policy

    policy = Policy(support_ending_warning_days=20, consent_expiry_warning_days=10)
    w = DeadlineWindows.from_policy(policy)
    assert (w.legal, w.support, w.consent, w.no_contact) == (14, 20, 10, 30)
    w = DeadlineWindows.from_policy(policy, days=5)
    assert (w.legal, w.support, w.consent, w.no_contact) == (5, 5, 5, 30)
    with pytest.raises(InvalidInput):
        DeadlineWindows.from_policy(policy, days=-1)


def plan(db: Any, ref: str, agreed: date, debt: int, start: date, **extra: Any) -> str:
    """A plan of 1 000 kr a month agreed on ``agreed``, first paying for ``start``'s month."""
    new = NewPlan(debt=Money.kronor(debt), installment=Money.kronor(1_000), start=start, **extra)
    created = create_plan(db, ref, new, as_of=agreed)
    return str(created["ref"])


def test_overdue_installments_appear_once_per_plan(db: Any) -> None:
    behind = household(db, "Skuld", opened=date(2025, 11, 1), as_of=date(2025, 11, 1))
    paying = household(db, "Betalar", opened=date(2025, 11, 1), as_of=date(2025, 11, 1))
    for ref in (behind, paying):
        talked(db, ref)
    # Due 2025-12-30, 2026-01-30 and 2026-02-27 (the last working day before each month).
    late = plan(db, behind, date(2025, 12, 1), 3_000, date(2026, 1, 1))
    on_time = plan(db, paying, date(2025, 12, 1), 3_000, date(2026, 1, 1))
    record_payment(db, late, amount=Money.kronor(1_000), paid_on=date(2026, 1, 5), as_of=AS_OF)
    record_payment(db, on_time, amount=Money.kronor(3_000), paid_on=date(2025, 12, 20), as_of=AS_OF)
    found = deadlines(db, as_of=AS_OF)
    assert [(e["kind"], e["ref"], e["plan_ref"], e["due_on"]) for e in found] == [
        ("installment_overdue", behind, late, "2026-01-30"),
    ]
    assert found[0]["amount_ore"] == 200_000
    assert found[0]["plan_state"] == "behind"  # 2026-02-27 is not yet a week late
    assert found[0]["band"] == "overdue"


def test_plans_in_the_year(db: Any) -> None:
    teen = household(
        db, "Tonåring", opened=date(2025, 10, 1), children=(date(2008, 6, 1),), as_of=LATER
    )
    # Agreed 2025-11-15 paying from December: due 2025-11-28, 2025-12-30, 2026-01-30, ...
    first = plan(db, teen, date(2025, 11, 15), 6_000, date(2025, 12, 1))
    # Renegotiated on 2026-02-01 after two missed installments: the old plan was broken.
    plan(db, teen, date(2026, 2, 1), 6_000, date(2026, 3, 1), replaces=first)
    paid = household(db, "Betald", opened=date(2026, 1, 5), as_of=LATER)
    done = plan(db, paid, date(2026, 1, 10), 2_000, date(2026, 2, 1))
    record_payment(db, done, amount=Money.kronor(2_000), paid_on=date(2026, 2, 20), as_of=LATER)
    dropped = household(db, "Avbruten", opened=date(2026, 1, 5), as_of=LATER)
    stopped = plan(db, dropped, date(2026, 1, 10), 2_000, date(2026, 2, 1))
    cancel_plan(db, stopped, cancelled_on=date(2026, 2, 10), as_of=LATER)
    old = household(db, "Förra året", opened=date(2024, 1, 1), as_of=LATER)
    finished = plan(db, old, date(2024, 2, 1), 1_000, date(2024, 3, 1))
    record_payment(db, finished, amount=Money.kronor(1_000), paid_on=date(2024, 3, 1), as_of=LATER)

    r = year_report(db, year=2026, as_of=LATER)
    # Broken: the first plan the day before it was replaced, and the new one, never
    # paid, at the end of the year.
    assert r["plans"] == {
        "made": 3,
        "replacing": 1,
        "completed": 1,
        "cancelled": 1,
        "broken": 2,
        "households": 3,
    }
    assert r["helped"]["with_plan"] == 3 and r["helped"]["households"] == 3
    # The plan from November helped the household on 1 January, when the child was 17.
    assert r["children"] == {"children": 1, "children_part_time": 0, "households": 1}
    assert year_report(db, year=2024, as_of=LATER)["plans"]["completed"] == 1


# --- caseload ----------------------------------------------------------------------------


def test_caseload_by_caseworker_landlord_and_reason(db: Any) -> None:
    from bostadcli.caseworkers import add_caseworker

    add_caseworker(db, name="Karin", initials="KARIN")
    add_caseworker(db, name="Olle", initials="OLLE")
    a = household(
        db, "A", caseworker="Karin", children=(date(2016, 1, 1),), reasons=["disturbance"]
    )
    household(db, "B", caseworker="Karin", arrears=Money.kronor(10_000))
    household(db, "C", arrears=Money.kronor(5_000), reasons=["unpaid_rent", "neglect"])
    later = household(db, "D", caseworker="Karin", opened=date(2026, 3, 10), as_of=LATER)
    closed = household(db, "E", caseworker="Olle")
    close_household(db, closed, outcome="moved", closed_on=date(2026, 2, 1), as_of=AS_OF)
    recovery_on(db, a, date(2026, 3, 5))

    load = caseload(db, as_of=AS_OF)
    assert load["total"] == 3
    assert [
        (r["key"], r["open_cases"], r["with_children"], r["urgent"]) for r in load["by_caseworker"]
    ] == [("Karin", 2, 1, 1), (None, 1, 0, 0)]
    assert load["by_landlord"] == [
        {
            "key": "Exempelhem AB",
            "open_cases": 3,
            "with_children": 1,
            "children": 1,
            "children_part_time": 0,
            "arrears_ore": 1_500_000,
            "urgent": 1,
        }
    ]
    reasons = {r["key"]: r["open_cases"] for r in load["by_reason"]}
    # The termination notice adds unpaid rent to A's reasons.
    assert reasons == {"unpaid_rent": 3, "disturbance": 1, "neglect": 1}
    assert later not in str(load)


# --- the year report ---------------------------------------------------------------------


def test_a_year_in_the_future_is_refused(db: Any) -> None:
    with pytest.raises(InvalidInput) as err:
        year_report(db, year=2027, as_of=AS_OF)
    assert err.value.field == "year"
    assert "2026" in err.value.message


def test_the_current_year_is_cut_at_the_as_of_date(db: Any) -> None:
    report = year_report(db, year=2026, as_of=AS_OF)
    assert (report["period_end"], report["complete"]) == ("2026-03-02", False)
    assert year_report(db, year=2025, as_of=AS_OF)["complete"] is True


def test_a_child_in_two_households_or_helped_twice_counts_once(db: Any) -> None:
    child_pnr = pnr(date(2015, 3, 2))
    mother = household(db, "Mamma")
    father = household(db, "Pappa")
    for ref in (mother, father):
        add_member(db, ref, name="Alva", pnr=child_pnr, role="child", as_of=AS_OF)
        support(db, ref, date(2026, 2, 1))
    support(db, mother, date(2026, 6, 1))  # helped twice
    # Without a personnummer the name and birth date identify the child in a household.
    add_member(db, mother, name="Bo", birth_date=date(2018, 5, 5), role="child", as_of=AS_OF)
    support(db, mother, date(2026, 7, 1))
    children = year_report(db, year=2026, as_of=LATER)["children"]
    assert children == {"children": 2, "children_part_time": 0, "households": 2}


def test_a_child_who_turns_18_counts_if_under_18_when_helped(db: Any) -> None:
    turns_18_later = household(db, "A", children=(date(2008, 6, 15),))
    support(db, turns_18_later, date(2026, 3, 1))  # 17 on 1 March
    already_18 = household(db, "B", children=(date(2008, 2, 1),))
    support(db, already_18, date(2026, 3, 1))  # 18 on 1 March
    # A support from the year before still running in January helps on 1 January,
    # when this child was 17.
    from_last_year = household(db, "C", opened=date(2025, 9, 1), children=(date(2008, 2, 1),))
    support(db, from_last_year, date(2025, 10, 1))
    # Born after the help: not a child reached by it.
    newborn = household(db, "D", children=(date(2026, 2, 1),))
    support(db, newborn, date(2026, 1, 15), date(2026, 1, 31))
    report = year_report(db, year=2026, as_of=LATER)
    assert report["children"] == {"children": 2, "children_part_time": 0, "households": 2}


def test_a_part_time_child_is_counted_in_its_own_column(db: Any) -> None:
    part = household(db, "A", part_time=(date(2016, 1, 1),))
    support(db, part, date(2026, 2, 1))
    # Part-time at one parent's, full-time at the other's: a full-time child.
    both_pnr = pnr(date(2014, 4, 4))
    at_mother = household(db, "Mamma")
    at_father = household(db, "Pappa")
    add_member(db, at_mother, name="Cleo", pnr=both_pnr, role="child", as_of=AS_OF)
    add_member(db, at_father, name="Cleo", pnr=both_pnr, role="child", part_time=True, as_of=AS_OF)
    support(db, at_mother, date(2026, 2, 1))
    support(db, at_father, date(2026, 2, 1))
    assert year_report(db, year=2026, as_of=LATER)["children"] == {
        "children": 1,
        "children_part_time": 1,
        "households": 3,
    }


def test_children_of_households_without_support_are_not_counted(db: Any) -> None:
    ref = household(db, children=(date(2015, 1, 1),))
    close_household(db, ref, outcome="stays", closed_on=date(2026, 2, 1), as_of=AS_OF)
    report = year_report(db, year=2026, as_of=LATER)
    assert report["helped"] == {
        "households": 1,
        "with_support": 0,
        "with_plan": 0,
        "closed_housed_only": 1,
    }
    assert report["children"]["children"] == 0


def test_year_figures(db: Any) -> None:
    a = household(
        db,
        "A",
        opened=date(2026, 1, 10),
        source="enforcement",
        children=(date(2015, 1, 1),),
        reasons=["unpaid_rent", "disturbance"],
    )
    b = household(db, "B", opened=date(2026, 1, 20))
    c = household(
        db, "C", opened=date(2026, 2, 5), housing_situation="homeless_acute", source="self_referral"
    )
    old = household(db, "D", opened=date(2025, 11, 3), part_time=(date(2012, 2, 2),))
    household(db, "E", opened=date(2025, 5, 5))
    close_household(db, a, outcome="stays", closed_on=date(2026, 4, 1), as_of=LATER)
    close_household(db, b, outcome="rehoused", closed_on=date(2026, 5, 1), as_of=LATER)
    close_household(db, old, outcome="evicted", closed_on=date(2026, 3, 1), as_of=LATER)
    support(
        db, a, date(2026, 1, 15), date(2026, 3, 31), kind="rent_guarantee", cap=Money.kronor(20_000)
    )
    support(db, a, date(2026, 1, 15), kind="debt_counselling")
    support(db, c, date(2026, 2, 5), kind="priority_allocation", landlord="Exempelhem AB")
    # An emergency stay over new year: 4 nights in 2025, 2 in 2026; its cost is 2025's.
    support(
        db,
        c,
        date(2025, 12, 28),
        kind="emergency_housing",
        nights_to=date(2026, 1, 3),
        cost=Money.kronor(3_000),
        cost_granted=True,
    )
    # A stay planned for 7 nights that ended after 3.
    stay = support(
        db,
        c,
        date(2026, 2, 10),
        kind="emergency_housing",
        nights_to=date(2026, 2, 17),
        cost=Money.kronor(1_500),
        cost_granted=True,
    )
    end_support(db, stay, ended_on=date(2026, 2, 13), as_of=LATER)
    support(
        db,
        c,
        date(2026, 3, 1),
        kind="emergency_housing",
        nights_to=date(2026, 3, 3),
        cost=Money.kronor(900),
    )
    # A support that ended in 2025 is not this year's.
    support(db, b, date(2025, 6, 1), date(2025, 12, 31))

    r = year_report(db, year=2026, as_of=LATER)
    assert r["reported"]["households"] == 3
    assert r["reported"]["with_children"] == 1
    assert r["reported"]["by_source"] == {
        "landlord": 1,
        "enforcement": 1,
        "self_referral": 1,
        "other_service": 0,
    }
    assert r["reported"]["by_reason"] == {
        "unpaid_rent": 1,
        "disturbance": 1,
        "neglect": 0,
        "misconduct": 0,
        "neighbourhood_crime": 0,
        "serious_crime": 0,
        "other": 0,
    }
    assert r["reported"]["by_situation"]["homeless_acute"] == 1
    assert r["reported"]["by_month"][:3] == [2, 1, 0]
    assert r["outcomes"]["closed"] == 3
    assert r["outcomes"]["by_outcome"] == {
        "stays": 1,
        "rehoused": 1,
        "evicted": 1,
        "moved": 0,
        "unknown": 0,
    }
    assert (r["outcomes"]["stayed_share"], r["outcomes"]["housed_share"]) == (0.333, 0.667)
    # a and c by support, b by its outcome.
    assert r["helped"] == {
        "households": 3,
        "with_support": 2,
        "with_plan": 0,
        "closed_housed_only": 1,
    }
    assert r["supports"]["by_kind"]["emergency_housing"] == {
        "started": 2,
        "active": 3,
        "households": 1,
    }
    assert r["supports"]["by_kind"]["rent_guarantee"] == {
        "started": 1,
        "active": 1,
        "households": 1,
    }
    assert r["supports"]["by_kind"]["housing_support"]["active"] == 0
    assert r["emergency_housing"] == {
        "stays": 3,
        "households": 1,
        "nights": 2 + 3 + 2,
        "cost_ore": 240_000,
        "cost_granted_ore": 150_000,
    }
    assert r["evictions"] == {"households": 1, "children": 0, "children_part_time": 1}
    last_year = year_report(db, year=2025, as_of=LATER)
    assert last_year["emergency_housing"]["nights"] == 4
    assert last_year["emergency_housing"]["cost_ore"] == 300_000


# --- homelessness ------------------------------------------------------------------------


def test_homeless_count_per_situation(db: Any) -> None:
    on = date(2026, 3, 1)
    shared_pnr = pnr(date(1990, 5, 5), "234")
    household(
        db,
        "A",
        tenant_pnr=shared_pnr,
        housing_situation="homeless_acute",
        children=(date(2020, 1, 1),),
        part_time=(date(2010, 1, 1),),
    )
    household(
        db,
        "B",
        housing_situation="homeless_short_term",
        co_tenant_name="C",
        children=(date(2008, 2, 1),),
    )  # 18 on the day: an adult
    # The same person recorded in a second household is counted once, where it is worse.
    household(
        db,
        "A again",
        tenant_pnr=shared_pnr,
        housing_situation="homeless_long_term",
        allow_duplicate=True,
        duplicate_reason="Recorded in two situations on purpose",
    )
    closed = household(db, "D", housing_situation="homeless_acute")
    close_household(db, closed, outcome="rehoused", closed_on=on, as_of=AS_OF)
    household(db, "E", housing_situation="homeless_acute", opened=date(2026, 3, 2))
    household(db, "F")  # tenancy at risk: not homeless
    found = {r["situation"]: r for r in homeless_count(db, on=on)}
    assert found["homeless_acute"] == {
        "situation": "homeless_acute",
        "households": 1,
        "persons_18_plus": 1,
        "adults": 1,
        "children": 1,
        "children_part_time": 1,
    }
    assert found["homeless_short_term"]["adults"] == 3
    # The second household is there, but its only member is counted in situation 1.
    assert found["homeless_long_term"] == {
        "situation": "homeless_long_term",
        "households": 1,
        "persons_18_plus": 0,
        "adults": 0,
        "children": 0,
        "children_part_time": 0,
    }
    assert found["homeless_institution"]["persons_18_plus"] == 0
    # Persons are those aged 18 and over; the children are counted apart.
    assert found["total"]["persons_18_plus"] == 4
    assert (found["total"]["children"], found["total"]["children_part_time"]) == (1, 1)
    assert found["total"]["households"] == 3
    assert list(found) == [
        "homeless_acute",
        "homeless_institution",
        "homeless_long_term",
        "homeless_short_term",
        "total",
    ]


# --- the committee's page ----------------------------------------------------------------


def test_the_year_page_is_found_and_escapes_what_it_is_given(db: Any) -> None:
    from bostadcli.report_html import TEMPLATE, render_year_html
    from bostadcli.reports import year_figures as year_report
    from bostadcli.templating import packaged_templates

    assert packaged_templates().joinpath(TEMPLATE).is_file()
    ref = household(db, children=(date(2016, 5, 5),))
    support(db, ref, date(2026, 2, 1), kind="financial_aid")
    html = render_year_html(
        year_report(db, year=2026, as_of=AS_OF),
        organisation="Öst & Väst <kommun>",
        unit="Boendeenheten",
        generated_on=AS_OF,
    )
    assert "Öst &amp; Väst &lt;kommun&gt;" in html
    assert "Upprättad 2 mars 2026" in html
    assert "1 januari 2026 – 2 mars 2026" in html
    assert '<div class="siffra">1</div>\n      <div class="rubrik">barn som nåtts' in html
