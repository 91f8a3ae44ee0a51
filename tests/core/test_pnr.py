from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bostadcli.errors import InvalidInput
from bostadcli.pnr import IdentityNumber, is_research_birthday, parse_pnr

AS_OF = date(2026, 3, 15)


def luhn_digit(nine: str) -> str:
    """The check digit for nine digits, computed here independently of stdnum."""
    total = 0
    for i, ch in enumerate(nine):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


def make(yymmdd: str, serial: str = "123") -> str:
    """A 10-digit number YYMMDDNNNC with a correct check digit."""
    return yymmdd + serial + luhn_digit(yymmdd + serial)


def test_known_valid_number() -> None:
    n = parse_pnr("811218-9876", as_of=AS_OF)
    assert n.digits == "198112189876"
    assert n.birth_date == date(1981, 12, 18)
    assert not n.is_coordination
    assert n.formatted() == "19811218-9876"
    assert n.masked() == "19811218-****"


@pytest.mark.parametrize(
    "text",
    ["811218-9876", "8112189876", "198112189876", "19811218-9876", "  811218-9876\n"],
)
def test_accepted_forms(text: str) -> None:
    assert parse_pnr(text, as_of=AS_OF).digits == "198112189876"


def test_helper_agrees_with_known_number() -> None:
    assert make("811218", "987") == "8112189876"


def test_never_leaks_by_accident() -> None:
    n = parse_pnr("811218-9876", as_of=AS_OF)
    assert str(n) == "19811218-****"
    assert "9876" not in repr(n)
    assert "9876" not in f"{n}"


def test_coordination_number() -> None:
    for day in (61, 75, 91):
        text = make(f"8112{day:02d}")
        n = parse_pnr(text, as_of=AS_OF)
        assert n.is_coordination
        assert n.birth_date == date(1981, 12, day - 60)
        assert n.digits[6:8] == f"{day:02d}"


def test_coordination_number_needs_a_real_date() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_pnr(make("810290"), as_of=AS_OF)  # 30 February
    assert info.value.field == "pnr"
    with pytest.raises(InvalidInput):
        parse_pnr(make("811292"), as_of=AS_OF)  # day 32


def test_century_from_as_of() -> None:
    ten = make("000101")
    assert parse_pnr(ten, as_of=date(2026, 1, 1)).birth_date == date(2000, 1, 1)
    assert parse_pnr(make("300101"), as_of=date(2026, 1, 1)).birth_date == date(1930, 1, 1)
    # Born later in the year than as_of with '-': not a baby, and not a 99-year-old
    # either (someone born in 1926 writes '+' all through 2026): refused.
    with pytest.raises(InvalidInput):
        parse_pnr(make("260601"), as_of=date(2026, 3, 15))
    # Born today: this century.
    assert parse_pnr(make("260315"), as_of=date(2026, 3, 15)).birth_date == date(2026, 3, 15)
    # The same text means something else when the clock is elsewhere.
    assert parse_pnr(ten, as_of=date(1999, 1, 1)).birth_date == date(1900, 1, 1)


def test_plus_means_a_hundred_or_older() -> None:
    ten = make("201105")
    dashed = parse_pnr(ten[:6] + "-" + ten[6:], as_of=AS_OF)
    plussed = parse_pnr(ten[:6] + "+" + ten[6:], as_of=AS_OF)
    assert dashed.birth_date == date(2020, 11, 5)
    assert plussed.birth_date == date(1920, 11, 5)
    assert plussed.digits == "19" + ten


def test_plus_with_full_year_is_rejected() -> None:
    with pytest.raises(InvalidInput):
        parse_pnr("19811218+9876", as_of=AS_OF)


def test_wrong_check_digit() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_pnr("811218-9875", as_of=AS_OF, field="person")
    assert info.value.field == "person"
    assert "person" in info.value.message
    assert "811218-****" in info.value.message and "9875" not in info.value.message


def test_no_such_date() -> None:
    with pytest.raises(InvalidInput):
        parse_pnr("20260230" + make("260230")[6:], as_of=date(2026, 12, 31))
    with pytest.raises(InvalidInput):
        parse_pnr(make("811318"), as_of=AS_OF)  # month 13
    with pytest.raises(InvalidInput):
        parse_pnr(make("811200"), as_of=AS_OF)  # day 0


def test_future_birth_date() -> None:
    ten = make("260601")
    with pytest.raises(InvalidInput):
        parse_pnr("20" + ten, as_of=AS_OF)


@pytest.mark.parametrize(
    "text",
    ["", "abc", "811218-987", "811218--9876", "81121898761", "811218 9876", "8112189876x"],
)
def test_bad_format(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_pnr(text, as_of=AS_OF)
    assert info.value.field == "pnr"


def test_research_birthday() -> None:
    assert is_research_birthday(parse_pnr(make("800115"), as_of=AS_OF))
    assert is_research_birthday(parse_pnr(make("800185"), as_of=AS_OF))  # coordination 25th
    assert not is_research_birthday(parse_pnr(make("800116"), as_of=AS_OF))


def test_identity_number_validates_digits() -> None:
    with pytest.raises(ValueError):
        IdentityNumber("8112189876")


@given(
    born=st.dates(min_value=date(1900, 1, 1), max_value=AS_OF),
    serial=st.integers(min_value=0, max_value=999),
    coordination=st.booleans(),
)
def test_every_form_parses_back(born: date, serial: int, coordination: bool) -> None:
    day = born.day + (60 if coordination else 0)
    yymmdd = f"{born.year % 100:02d}{born.month:02d}{day:02d}"
    ten = make(yymmdd, f"{serial:03d}")
    twelve = f"{born.year:04d}" + ten[2:]
    # '+' from the calendar year of the 100th birthday (folkbokföringslagen 18 §).
    centenarian = born.year <= AS_OF.year - 100
    short_separator = "+" if centenarian else "-"
    forms = [twelve, twelve[:8] + "-" + twelve[8:], ten[:6] + short_separator + ten[6:]]
    if not centenarian:
        forms.append(ten)
    for text in forms:
        n = parse_pnr(text, as_of=AS_OF)
        assert n.digits == twelve
        assert n.birth_date == born
        assert n.is_coordination == coordination
