from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bostadcli import i18n
from bostadcli.dates import (
    MAX_YEAR,
    MIN_YEAR,
    add_months,
    age_on,
    format_date,
    is_child,
    parse_date,
    parse_month,
    parse_swedish_date,
)
from bostadcli.errors import InvalidInput

in_range = st.dates(min_value=date(MIN_YEAR, 1, 1), max_value=date(MAX_YEAR, 12, 31))


def test_parse_date() -> None:
    assert parse_date("2026-11-21") == date(2026, 11, 21)
    assert parse_date(" 2026-11-21\n") == date(2026, 11, 21)
    assert parse_date("2024-02-29") == date(2024, 2, 29)


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30",
        "2026-13-01",
        "2026-00-10",
        "30/2/2026",
        "20261121",
        "2026-1-5",
        "2026-11-21T00:00",
        "",
        "1899-12-31",
        "2201-01-01",
        "0000-01-01",
        "２０２６-11-21",
    ],
)
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_date(text, field="served_on")
    assert info.value.field == "served_on"
    assert info.value.value == text


def test_error_message_names_field_and_value() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_date("2026-02-30", field="served_on")
    assert "served_on" in info.value.message
    assert "2026-02-30" in info.value.message


def test_parse_month() -> None:
    assert parse_month("2026-03") == date(2026, 3, 1)
    for bad in ("2026-13", "2026-00", "2026-3", "2026-03-01", "1800-01", "mars"):
        with pytest.raises(InvalidInput) as info:
            parse_month(bad)
        assert info.value.field == "month"


@pytest.mark.parametrize(
    "text",
    ["2026-03-05", "20260305", "5/3/2026", "05/03/2026", "5.3.2026", "05.03.2026"],
)
def test_parse_swedish_date_forms(text: str) -> None:
    assert parse_swedish_date(text) == date(2026, 3, 5)


@pytest.mark.parametrize(
    "text", ["30/2/2026", "5/13/2026", "5/3.2026", "5/3/26", "2026/03/05", "mars 5", ""]
)
def test_parse_swedish_date_rejects(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_swedish_date(text, field="born")
    assert info.value.field == "born"


@given(in_range)
def test_parsers_read_back_iso(d: date) -> None:
    assert parse_date(d.isoformat()) == d
    assert parse_swedish_date(d.isoformat()) == d
    assert parse_swedish_date(d.strftime("%Y%m%d")) == d
    assert parse_swedish_date(f"{d.day}/{d.month}/{d.year}") == d
    assert parse_swedish_date(f"{d.day}.{d.month}.{d.year}") == d
    assert parse_month(d.isoformat()[:7]) == d.replace(day=1)


def test_age_on() -> None:
    born = date(2008, 6, 15)
    assert age_on(born, date(2026, 6, 14)) == 17
    assert age_on(born, date(2026, 6, 15)) == 18
    assert age_on(born, born) == 0
    with pytest.raises(ValueError):
        age_on(born, date(2008, 6, 14))


def test_leap_day_birthday_counts_on_first_of_march() -> None:
    born = date(2008, 2, 29)
    assert age_on(born, date(2026, 2, 28)) == 17
    assert age_on(born, date(2026, 3, 1)) == 18
    assert age_on(born, date(2028, 2, 29)) == 20


def test_is_child() -> None:
    born = date(2008, 6, 15)
    assert is_child(born, date(2026, 6, 14))
    assert not is_child(born, date(2026, 6, 15))


def birthday_in(birth: date, year: int) -> date:
    try:
        return birth.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 3, 1)


@given(in_range, in_range)
def test_age_counts_birthdays(a: date, b: date) -> None:
    birth, on = min(a, b), max(a, b)
    passed = sum(1 for y in range(birth.year + 1, on.year + 1) if birthday_in(birth, y) <= on)
    assert age_on(birth, on) == passed


def test_format_date_swedish() -> None:
    d = date(2026, 11, 21)
    assert format_date(d, locale="sv_SE") == "21 november 2026"
    assert format_date(d, "long", locale="sv_SE") == "21 november 2026"
    assert format_date(d, "iso") == "2026-11-21"
    assert format_date(date(2026, 12, 26), "short", locale="sv_SE").startswith("lör 26 dec")


def test_format_date_follows_interface_language() -> None:
    before = i18n.current_language()
    try:
        i18n.setup("en")
        assert format_date(date(2026, 11, 21)) == "21 November 2026"
        assert format_date(date(2026, 12, 26), "short") == "Sat 26 Dec"
        i18n.setup("sv")
        assert format_date(date(2026, 11, 21)) == "21 november 2026"
    finally:
        i18n.setup(before)


def test_format_date_unknown_style() -> None:
    with pytest.raises(ValueError):
        format_date(date(2026, 1, 1), "medium")


def test_add_months() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2026, 3, 5), 0) == date(2026, 3, 5)
