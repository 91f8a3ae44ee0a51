from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bostadcli.i18n import _
from bostadcli.rules import RECOVERY_PERIOD_DAYS
from bostadcli.workdays import (
    is_working_day,
    last_working_day_before,
    next_working_day,
    non_working_reason,
    previous_working_day,
    recovery_deadline,
    statutory_deadline,
)

any_date = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))


def test_recovery_deadline_over_christmas() -> None:
    served = date(2026, 12, 4)
    assert served + timedelta(days=RECOVERY_PERIOD_DAYS) == date(2026, 12, 25)
    assert non_working_reason(date(2026, 12, 25)) == "Juldagen"
    assert statutory_deadline(served, RECOVERY_PERIOD_DAYS) == date(2026, 12, 28)
    assert recovery_deadline(served, served) == date(2026, 12, 28)


def test_deadline_on_a_working_day_stays() -> None:
    assert statutory_deadline(date(2026, 3, 2), 21) == date(2026, 3, 23)


def test_rent_due_for_january_2027_skips_nyarsafton() -> None:
    assert non_working_reason(date(2026, 12, 31)) == "Nyårsafton"
    assert last_working_day_before(date(2027, 1, 1)) == date(2026, 12, 30)


def test_rent_due_when_month_ends_on_a_weekend() -> None:
    # 31 May 2026 is a Sunday, 30 May a Saturday.
    assert last_working_day_before(date(2026, 6, 1)) == date(2026, 5, 29)


def test_midsommarafton_and_julafton_are_not_working_days() -> None:
    assert not is_working_day(date(2026, 6, 19))
    assert non_working_reason(date(2026, 6, 19)) == "Midsommarafton"
    assert not is_working_day(date(2026, 12, 24))
    assert next_working_day(date(2026, 6, 19)) == date(2026, 6, 22)


def test_easter_2026() -> None:
    assert is_working_day(date(2026, 4, 2))  # skärtorsdagen is an ordinary day
    assert non_working_reason(date(2026, 4, 3)) == "Långfredagen"
    assert not is_working_day(date(2026, 4, 5))
    assert non_working_reason(date(2026, 4, 6)) == "Annandag påsk"
    assert next_working_day(date(2026, 4, 3)) == date(2026, 4, 7)
    assert previous_working_day(date(2026, 4, 6)) == date(2026, 4, 2)


def test_weekends() -> None:
    saturday, sunday, monday = date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9)
    # Compared through _() so the test holds whichever language another test set up.
    assert non_working_reason(saturday) == _("Saturday")
    assert non_working_reason(sunday) == _("Sunday")
    assert non_working_reason(monday) is None
    assert next_working_day(saturday) == monday
    assert next_working_day(monday) == monday
    assert previous_working_day(sunday) == date(2026, 3, 6)


@given(any_date)
def test_next_working_day(d: date) -> None:
    result = next_working_day(d)
    assert is_working_day(result)
    assert d <= result <= d + timedelta(days=10)
    assert all(not is_working_day(d + timedelta(days=i)) for i in range((result - d).days))


@given(any_date)
def test_previous_and_last_before(d: date) -> None:
    previous = previous_working_day(d)
    assert is_working_day(previous)
    assert d - timedelta(days=10) <= previous <= d
    before = last_working_day_before(d)
    assert is_working_day(before)
    assert before < d
    assert before == previous_working_day(d - timedelta(days=1))


@given(any_date, st.integers(min_value=0, max_value=400))
def test_statutory_deadline_is_a_working_day(start: date, days: int) -> None:
    deadline = statutory_deadline(start, days)
    assert is_working_day(deadline)
    assert deadline >= start + timedelta(days=days)
