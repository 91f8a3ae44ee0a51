"""The century of a 10-digit personnummer (folkbokföringslagen 18 §, DOMAIN.md rule 11).

'+' replaces '-' from the calendar YEAR in which the person turns 100, not from the
birthday. Checked against an independent formulation (enumerate every candidate year and
keep the ones the rule allows) over every day of several years, and by worked cases.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bostadcli.errors import InvalidInput
from bostadcli.pnr import (
    IdentityNumber,
    YearOutOfRange,
    birth_year,
    century_disagrees,
    parse_pnr,
    separator_for,
)


def luhn_digit(nine: str) -> str:
    total = 0
    for i, ch in enumerate(nine):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


def ten(yymmdd: str, separator: str, serial: str = "123") -> str:
    return f"{yymmdd}{separator}{serial}{luhn_digit(yymmdd + serial)}"


def oracle(yy: int, month: int, day: int, separator: str, as_of: date) -> int | None:
    """The independent formulation: of all years ending in ``yy`` up to two centuries
    back, those where the date exists, is not after ``as_of`` and where the person's age
    reached in the calendar year of ``as_of`` (0-99 or 100 and up) matches the separator,
    within the years a typed date may have (1900-2200). The rule must leave at most one;
    None when none is left (refused)."""
    found = []
    for year in range(as_of.year - 199, as_of.year + 1):
        if year % 100 != yy or not 1900 <= year <= 2200:
            continue
        if day > calendar.monthrange(year, month)[1]:
            continue
        if date(year, month, day) > as_of:
            continue
        turns = as_of.year - year
        if (separator == "+") != (turns >= 100):
            continue
        found.append(year)
    assert len(found) <= 1, found
    return found[0] if found else None


def ours(yy: int, month: int, day: int, separator: str, as_of: date) -> int | None:
    text = ten(f"{yy:02d}{month:02d}{day:02d}", separator)
    try:
        return parse_pnr(text, as_of=as_of).birth_date.year
    except InvalidInput:
        return None


YEARS = (2024, 2025, 2026, 2100)  # a leap year, two common ones, a century without 29 Feb


def every_day(year: int) -> list[date]:
    start = date(year, 1, 1)
    return [start + timedelta(days=n) for n in range((date(year + 1, 1, 1) - start).days)]


@pytest.mark.parametrize("year", YEARS)
def test_every_day_of_the_year_agrees_with_the_oracle(year: int) -> None:
    """For each day as_of of the year: birthdays on the day before, the day and the day
    after, with the two digits of this year and of the years around 99 and 100 back."""
    for as_of in every_day(year):
        for born_day in (as_of - timedelta(days=1), as_of, as_of + timedelta(days=1)):
            for yy in {as_of.year % 100, (as_of.year - 1) % 100, (as_of.year + 1) % 100}:
                for separator in "-+":
                    expected = oracle(yy, born_day.month, born_day.day, separator, as_of)
                    assert ours(yy, born_day.month, born_day.day, separator, as_of) == expected, (
                        as_of,
                        yy,
                        born_day,
                        separator,
                    )


@settings(max_examples=600)
@given(
    as_of=st.dates(min_value=date(2024, 1, 1), max_value=date(2101, 12, 31)),
    yy=st.integers(min_value=0, max_value=99),
    month=st.integers(min_value=1, max_value=12),
    day=st.integers(min_value=1, max_value=31),
    separator=st.sampled_from("-+"),
    coordination=st.booleans(),
)
def test_any_number_agrees_with_the_oracle(
    as_of: date, yy: int, month: int, day: int, separator: str, coordination: bool
) -> None:
    text = ten(f"{yy:02d}{month:02d}{day + (60 if coordination else 0):02d}", separator)
    expected = oracle(yy, month, day, separator, as_of)
    try:
        got: int | None = parse_pnr(text, as_of=as_of).birth_date.year
    except InvalidInput:
        got = None
    assert got == expected


@given(
    born=st.dates(min_value=date(1830, 1, 1), max_value=date(2026, 12, 31)),
    as_of=st.dates(min_value=date(2024, 1, 1), max_value=date(2029, 12, 31)),
)
def test_the_separator_the_rule_gives_reads_back(born: date, as_of: date) -> None:
    """Whoever is born by as_of and under 200: writing the number with separator_for and
    reading it gives the same person."""
    if born > as_of or as_of.year - born.year >= 200:
        return
    sep = separator_for(born.year, as_of=as_of)
    assert sep == ("+" if as_of.year - born.year >= 100 else "-")
    year = birth_year(born.year % 100, month=born.month, day=born.day, separator=sep, as_of=as_of)
    assert year == born.year


# --- worked cases, read on 2026-06-15 ---------------------------------------------------

ON = date(2026, 6, 15)


@pytest.mark.parametrize(
    ("who", "text", "born"),
    [
        # 99 this year, birthday passed / to come: '-'
        ("99, birthday passed", ten("270301", "-"), date(1927, 3, 1)),
        ("turns 99 later this year", ten("271201", "-"), date(1927, 12, 1)),
        # turns 100 this year: '+' from 1 January, before and after the birthday
        ("100, birthday passed", ten("260301", "+"), date(1926, 3, 1)),
        ("turns 100 later this year", ten("261201", "+"), date(1926, 12, 1)),
        ("turns 100 today", ten("260615", "+"), date(1926, 6, 15)),
        # 101 this year
        ("101, birthday passed", ten("250301", "+"), date(1925, 3, 1)),
        ("turns 101 later this year", ten("251201", "+"), date(1925, 12, 1)),
        # babies born this year, before today and today
        ("baby born in January", ten("260102", "-"), date(2026, 1, 2)),
        ("baby born today", ten("260615", "-"), date(2026, 6, 15)),
        ("baby, no separator", ten("260102", ""), date(2026, 1, 2)),
        # samordningsnummer: day + 60, the same century rule
        ("samordningsnummer, 40", ten("860375", "-"), date(1986, 3, 15)),
        ("samordningsnummer, turns 100 later", ten("261261", "+"), date(1926, 12, 1)),
        ("samordningsnummer, baby", ten("260161", "-"), date(2026, 1, 1)),
    ],
)
def test_worked_cases(who: str, text: str, born: date) -> None:
    n = parse_pnr(text, as_of=ON)
    assert n.birth_date == born, who


@pytest.mark.parametrize(
    ("who", "text"),
    [
        # The old reading took these as 99-year-olds: they carry '+' all of 2026.
        ("turns 100 later this year, written with '-'", ten("261201", "-")),
        ("the same without a separator", ten("261201", "")),
        ("samordningsnummer, turns 100 later, '-'", ten("261261", "-")),
        # '+' for someone born 1900-02-29: there was no such day (1900 was no leap year).
        ("'+' on a day that did not exist", ten("000229", "+")),
    ],
)
def test_refused(who: str, text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_pnr(text, as_of=ON)
    assert info.value.field == "pnr", who
    assert "\n" not in info.value.message


def test_plus_on_someone_turning_99_is_a_century_earlier() -> None:
    # '+' takes the number a whole century back: 271201+NNNC is born 1827, never 1927,
    # and a birth year no typed date may have is refused (a '+' typed for '-').
    with pytest.raises(YearOutOfRange) as info:
        parse_pnr(ten("271201", "+"), as_of=ON)
    assert info.value.year == 1827
    assert info.value.twin is not None and info.value.twin.birth_date == date(1927, 12, 1)


def test_dash_number_of_someone_turning_100_names_the_plus() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_pnr(ten("261201", "-"), as_of=ON)
    assert "1926" in info.value.message
    assert "+" in info.value.message


def test_dash_march_number_is_a_baby_not_a_centenarian() -> None:
    # 260301-NNNC on 2026-06-15: born this March (a baby); the person born in March 1926
    # writes 260301+NNNC.
    assert parse_pnr(ten("260301", "-"), as_of=ON).birth_date == date(2026, 3, 1)
    assert parse_pnr(ten("260301", "+"), as_of=ON).birth_date == date(1926, 3, 1)


def test_new_year_changes_the_separator_not_the_birthday() -> None:
    # Born 1926-12-31: '-' on New Year's Eve 2025, '+' from New Year's Day 2026.
    assert separator_for(1926, as_of=date(2025, 12, 31)) == "-"
    assert separator_for(1926, as_of=date(2026, 1, 1)) == "+"
    assert parse_pnr(ten("261231", "-"), as_of=date(2025, 12, 31)).birth_date == date(1926, 12, 31)
    assert parse_pnr(ten("261231", "+"), as_of=date(2026, 1, 1)).birth_date == date(1926, 12, 31)


# --- stored numbers whose century disagrees ---------------------------------------------


def test_century_disagrees_finds_the_old_misreading() -> None:
    # The old code read 260601+NNNC on 2026-03-15 as 1826: the rule says 1926.
    wrong = IdentityNumber("18260601" + ten("260601", "")[6:])
    assert century_disagrees(wrong, entered_on=date(2026, 3, 15)) == 1926
    right = IdentityNumber("19260601" + ten("260601", "")[6:])
    assert century_disagrees(right, entered_on=date(2026, 3, 15)) is None
    baby = IdentityNumber("20260301" + ten("260301", "")[6:])
    assert century_disagrees(baby, entered_on=date(2026, 6, 15)) is None
    coordination = IdentityNumber("18261261" + ten("261261", "")[6:])
    assert century_disagrees(coordination, entered_on=date(2026, 3, 15)) == 1926


def test_a_baby_recorded_at_the_turn_of_the_year_is_not_flagged() -> None:
    # Born 2026-01-01, recorded at 23:30 UTC on 2025-12-31 (00:30 Swedish time).
    baby = IdentityNumber("20260101" + ten("260101", "")[6:])
    assert century_disagrees(baby, entered_on=date(2025, 12, 31)) is None


@given(
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)),
    entered=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
)
def test_a_number_read_by_the_rule_is_never_flagged(born: date, entered: date) -> None:
    """Whatever the rule read on the day it was entered, db check accepts."""
    if born > entered or entered.year - born.year >= 200:
        return
    sep = separator_for(born.year, as_of=entered)
    digits = ten(f"{born.year % 100:02d}{born.month:02d}{born.day:02d}", "")
    n = parse_pnr(digits[:6] + sep + digits[6:], as_of=entered)
    assert century_disagrees(n, entered_on=entered) is None
