from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bostadcli.dates import add_months
from bostadcli.errors import InvalidInput
from bostadcli.money import Money
from bostadcli.repayment_schedule import (
    DueRule,
    Schedule,
    allocate,
    build_schedule,
    parse_due_rule,
    split_debt,
)
from bostadcli.rules import PLAN_MAX_INSTALLMENTS
from bostadcli.workdays import is_working_day, last_working_day_before

# Start months over decades, so Februaries, leap years, months that begin on a weekend
# and Decembers with julafton and nyårsafton all come up.
start_months = st.builds(
    date, st.integers(min_value=2000, max_value=2060), st.integers(1, 12), st.just(1)
)
due_rules = st.one_of(st.just(DueRule()), st.integers(1, 31).map(DueRule))


@st.composite
def plans(draw: st.DrawFn) -> tuple[Money, Money | None, int | None, bool]:
    """A debt and either an installment or a number of months that fit together."""
    whole_kronor = draw(st.booleans())
    unit = 100 if whole_kronor else 1
    debt = draw(st.integers(min_value=unit, max_value=2_000_000_00))
    units = debt // unit
    if draw(st.booleans()):
        months = draw(st.integers(min_value=1, max_value=min(units, 120)))
        return Money(debt), None, months, whole_kronor
    # At least debt/360 so the plan stays under the typo guard.
    smallest = max(1, -(-units // PLAN_MAX_INSTALLMENTS))
    size = draw(st.integers(min_value=smallest, max_value=units))
    return Money(debt), Money(size * unit), None, whole_kronor


def _unit(schedule: Schedule) -> int:
    return 100 if schedule.whole_kronor else 1


@given(plans(), start_months, due_rules)
@example((Money(1_490_000), Money(150_000), None, True), date(2027, 1, 1), DueRule())
@example((Money(1_000_050), None, 12, True), date(2028, 2, 1), DueRule(31))
# 1 May 2027 is a Saturday and a holiday; December brings julafton and nyårsafton.
@example((Money(1_200_000), None, 12, True), date(2027, 5, 1), DueRule(1))
@example((Money(500_000), None, 5, True), date(2026, 12, 1), DueRule(24))
@example((Money(500_000), None, 5, False), date(2027, 1, 1), DueRule())
def test_schedule_properties(
    plan: tuple[Money, Money | None, int | None, bool], start: date, rule: DueRule
) -> None:
    debt, installment, months, whole_kronor = plan
    schedule = build_schedule(
        debt,
        start=start,
        installment=installment,
        months=months,
        due=rule,
        whole_kronor=whole_kronor,
    )
    items = schedule.installments
    unit = _unit(schedule)

    # The installments sum exactly to the debt.
    assert schedule.total() == debt
    assert sum(i.amount.ore for i in items) == debt.ore
    if months is not None:
        assert len(items) == months

    # One installment per calendar month from the start, none skipped, none twice.
    assert [i.month for i in items] == [add_months(start, k) for k in range(len(items))]
    assert [i.seq for i in items] == list(range(1, len(items) + 1))

    # Every due date is a working day, and they come in order.
    for item in items:
        assert is_working_day(item.due_on)
        if rule.day is None:
            assert item.due_on == last_working_day_before(item.month)
            assert item.due_on < item.month
        else:
            assert item.due_on >= item.month
            assert (item.due_on - item.month).days < 31 + 5
    assert all(a.due_on < b.due_on for a, b in pairwise(items))

    # All but the last are equal, in whole units; the last is never zero and never
    # larger than the others by more than the rounding.
    regular = items[0].amount.ore
    assert all(i.amount.ore == regular for i in items[:-1])
    assert all(i.amount.ore % unit == 0 for i in items[:-1])
    last = items[-1].amount.ore
    assert last > 0
    if len(items) > 1:
        if installment is not None:
            assert regular == installment.ore
            assert last - regular < unit
        else:
            assert last - regular < len(items) * unit


def test_worked_example() -> None:
    schedule = build_schedule(
        Money.kronor(14_900), installment=Money.kronor(1_500), start=date(2027, 1, 1)
    )
    assert schedule.months == 10
    assert [i.amount for i in schedule.installments] == [Money.kronor(1_500)] * 9 + [
        Money.kronor(1_400)
    ]
    # 31 December 2026 is nyårsafton, so January's rent is due on the 30th.
    assert schedule.installments[0].due_on == date(2026, 12, 30)
    assert schedule.installments[-1].month == date(2027, 10, 1)


def test_months_put_the_remainder_on_the_last() -> None:
    amounts = split_debt(Money.kronor(1_009), months=10)
    assert amounts == [Money.kronor(100)] * 9 + [Money.kronor(109)]


def test_whole_kronor_put_the_debts_ore_on_the_last() -> None:
    amounts = split_debt(Money(150_050), installment=Money.kronor(500))
    assert amounts == [Money.kronor(500)] * 2 + [Money(50_050)]


def test_ore_mode_splits_to_the_ore() -> None:
    amounts = split_debt(Money(1_000), months=3, whole_kronor=False)
    assert amounts == [Money(333), Money(333), Money(334)]


def test_installment_equal_to_debt_is_one_installment() -> None:
    assert split_debt(Money.kronor(900), installment=Money.kronor(900)) == [Money.kronor(900)]


@pytest.mark.parametrize(
    ("debt", "installment", "months", "field"),
    [
        (Money(0), Money.kronor(100), None, "debt"),
        (Money(-100), Money.kronor(100), None, "debt"),
        (Money.kronor(1000), Money(0), None, "installment"),
        (Money.kronor(1000), Money(-100), None, "installment"),
        (Money.kronor(1000), Money.kronor(1001), None, "installment"),
        (Money.kronor(1000), Money(10_050), None, "installment"),  # öre without --ore
        (Money.kronor(1000), None, 0, "months"),
        (Money.kronor(1000), None, -2, "months"),
        (Money.kronor(5), None, 6, "months"),  # fewer kronor than months
        (Money.kronor(1000), Money.kronor(100), 10, "installment"),  # both
        (Money.kronor(1000), None, None, "installment"),  # neither
        (Money.kronor(100_000), Money.kronor(1), None, "installment"),  # typo guard
        (Money.kronor(100_000), None, PLAN_MAX_INSTALLMENTS + 1, "months"),
    ],
)
def test_bad_splits(debt: Money, installment: Money | None, months: int | None, field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        split_debt(debt, installment=installment, months=months)
    assert info.value.field == field


def test_fixed_day_moves_to_next_working_day() -> None:
    # 25 December 2027 is a Saturday and juldagen; 27 December is a Monday.
    assert DueRule(25).due_on(date(2027, 12, 1)) == date(2027, 12, 27)
    # The 31st in February is its last day: 28 February 2027 is a Sunday.
    assert DueRule(31).due_on(date(2027, 2, 1)) == date(2027, 3, 1)
    assert DueRule(29).due_on(date(2028, 2, 1)) == date(2028, 2, 29)


def test_first_due_overrides_and_moves_to_a_working_day() -> None:
    schedule = build_schedule(
        Money.kronor(3_000),
        installment=Money.kronor(1_000),
        start=date(2027, 1, 1),
        first_due=date(2026, 12, 12),  # a Saturday
    )
    assert schedule.installments[0].due_on == date(2026, 12, 14)
    assert schedule.installments[1].due_on == date(2027, 1, 29)


def test_first_due_must_come_before_the_second() -> None:
    with pytest.raises(InvalidInput) as info:
        build_schedule(
            Money.kronor(3_000),
            installment=Money.kronor(1_000),
            start=date(2027, 1, 1),
            first_due=date(2027, 1, 29),
        )
    assert info.value.field == "first_due"


@pytest.mark.parametrize(
    ("text", "rule"),
    [("last-working-day", DueRule()), ("LAST_WORKING_DAY", DueRule()), ("25", DueRule(25))],
)
def test_parse_due_rule(text: str, rule: DueRule) -> None:
    assert parse_due_rule(text) == rule
    assert DueRule.from_code(rule.code) == rule


@pytest.mark.parametrize("text", ["0", "32", "first", "", "2.5", "٣"])
def test_parse_due_rule_refuses(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_due_rule(text, field="--due")


@given(st.lists(st.integers(1, 10_000), min_size=1, max_size=40), st.integers(0, 500_000))
def test_allocate_never_pays_more_than_due(amounts: list[int], paid: int) -> None:
    shares = allocate(amounts, paid)
    assert all(0 <= s <= a for s, a in zip(shares, amounts, strict=True))
    assert sum(shares) == min(paid, sum(amounts))
    # Oldest first: an installment gets money only when every older one is paid.
    for k, share in enumerate(shares):
        if share:
            assert shares[:k] == amounts[:k]
