from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bostadcli.errors import InvalidInput
from bostadcli.money import MAX_AMOUNT_ORE, Money, format_money, parse_money

NBSP = "\u00a0"

amounts = st.integers(min_value=-MAX_AMOUNT_ORE, max_value=MAX_AMOUNT_ORE)


@pytest.mark.parametrize(
    ("text", "ore"),
    [
        ("12 345,50", 1_234_550),
        ("12345.50", 1_234_550),
        ("12345,50", 1_234_550),
        ("12 345 kr", 1_234_500),
        ("12 345kr", 1_234_500),
        ("12 345 KR", 1_234_500),
        ("12 345 SEK", 1_234_500),
        ("12345", 1_234_500),
        ("12 345:-", 1_234_500),
        ("12 345,-", 1_234_500),
        ("14 900,00", 1_490_000),
        ("1 500,5", 150_050),
        ("0,05", 5),
        ("0", 0),
        ("  250  ", 25_000),
        ("1 234 567,89", 123_456_789),
        (f"12{NBSP}345,50{NBSP}kr", 1_234_550),
        ("12\u202f345,50", 1_234_550),
        ("12\u2009345,50", 1_234_550),
        ("1 000 000 000", MAX_AMOUNT_ORE),
    ],
)
def test_parse_accepts(text: str, ore: int) -> None:
    assert parse_money(text) == Money(ore)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "kr",
        "12,345.50",
        "12.345,50",
        "1.234.567",
        "1,234,567",
        "12,345",
        "12,3456",
        "12,",
        ",50",
        "12 34",
        "1 2345",
        "12  345",
        "12 345 678 9",
        "abc",
        "12a",
        "NaN",
        "inf",
        "1e5",
        "+12",
        "--12",
        "١٢",
        "1 000 000 000,01",
        "99999999999999999999999",
        "9" * 5000,
    ],
)
def test_parse_rejects(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_money(text, field="debt", allow_negative=True)
    assert info.value.field == "debt"
    assert info.value.value == text


def test_error_message_names_field_and_value() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_money("12,345.50", field="debt")
    assert "debt" in info.value.message
    assert "12,345.50" in info.value.message


def test_negative_only_when_allowed() -> None:
    with pytest.raises(InvalidInput):
        parse_money("-1 500")
    assert parse_money("-1 500", allow_negative=True) == Money(-150_000)
    assert parse_money("\u22121 500 kr", allow_negative=True) == Money(-150_000)
    with pytest.raises(InvalidInput):
        parse_money("-1 000 000 000,01", allow_negative=True)


def test_zero_only_when_allowed() -> None:
    assert parse_money("0,00") == Money.zero()
    with pytest.raises(InvalidInput) as info:
        parse_money("0,00", field="installment", allow_zero=False)
    assert info.value.field == "installment"


def test_money_holds_only_int() -> None:
    with pytest.raises(TypeError):
        Money(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(True)
    with pytest.raises(TypeError):
        Money.kronor(True)


def test_arithmetic() -> None:
    a = Money.kronor(100)
    b = Money(50)
    assert a + b == Money(10_050)
    assert a - b == Money(9_950)
    assert -a == Money(-10_000)
    assert a * 3 == Money(30_000)
    assert 3 * a == Money(30_000)
    assert not Money.zero()
    assert b
    assert b < a
    assert max(a, b) == a
    assert a.is_whole_kronor
    assert not b.is_whole_kronor
    with pytest.raises(TypeError):
        a + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        a * 1.5  # type: ignore[operator]


def test_format() -> None:
    assert format_money(Money(1_234_550)) == f"12{NBSP}345,50{NBSP}kr"
    assert format_money(Money(1_490_000)) == f"14{NBSP}900{NBSP}kr"
    assert format_money(Money(1_490_000), always_ore=True) == f"14{NBSP}900,00{NBSP}kr"
    assert format_money(Money(5)) == f"0,05{NBSP}kr"
    assert format_money(Money.zero()) == f"0{NBSP}kr"
    negative = format_money(Money(-150_000))
    assert negative[0] in "-\u2212"
    assert negative[1:] == f"1{NBSP}500{NBSP}kr"
    assert str(Money(1_234_550)) == format_money(Money(1_234_550))


@given(amounts, st.booleans())
def test_format_parses_back(ore: int, always_ore: bool) -> None:
    m = Money(ore)
    assert parse_money(format_money(m, always_ore=always_ore), allow_negative=True) == m


@given(st.integers(min_value=0, max_value=MAX_AMOUNT_ORE))
def test_plain_decimal_is_exact(ore: int) -> None:
    assert parse_money(f"{ore // 100}.{ore % 100:02d}") == Money(ore)
    assert parse_money(f"{ore // 100},{ore % 100:02d}") == Money(ore)


@given(st.lists(amounts, max_size=50))
def test_sums_are_exact(ores: list[int]) -> None:
    total = Money.zero()
    for ore in ores:
        total += Money(ore)
    assert total == Money(sum(ores))
    assert sum((Money(o) for o in ores), Money.zero()) == Money(sum(ores))


@given(amounts, st.booleans())
def test_format_is_babels_swedish_number_format(ore: int, always_ore: bool) -> None:
    # format_money builds the text itself so that a command need not load babel; babel
    # stays the reference for what Swedish money looks like.
    from decimal import Decimal

    from babel.numbers import format_decimal

    pattern = "#,##0" if ore % 100 == 0 and not always_ore else "#,##0.00"
    number = format_decimal(Decimal(ore).scaleb(-2), format=pattern, locale="sv_SE")
    assert format_money(Money(ore), always_ore=always_ore) == f"{number}{NBSP}kr"
