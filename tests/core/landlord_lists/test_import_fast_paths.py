"""The landlord's list import's shortcuts give what the general checks give, on random
input: the fingerprint's JSON text, a plain amount, the Luhn check, a checked text
checked again, a notice's columns."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from stdnum import luhn

from bostadcli import validate
from bostadcli.errors import InvalidInput
from bostadcli.landlord_lists.prepare import _notice_record
from bostadcli.landlord_lists.rows import (
    _PLAIN_AMOUNT,
    _key,
    clean_again,
    fingerprint_of,
    money_cell,
    row_fingerprint,
)
from bostadcli.money import Money, parse_money
from bostadcli.notices import NewNotice, notice_record
from bostadcli.pnr import luhn_valid

# Letters, accents alone, spaces of every kind, invisible and control characters,
# quotes and escapes: what a name or a note can hold.
_ALPHABET = [
    "a",
    "Å",
    "ö",
    "o\u0308",
    "\u0308",
    " ",
    "  ",
    "\u00a0",
    "\u2009",
    "\u200b",
    "\u00ad",
    '"',
    "\\",
    "\n",
    "\t",
    "é",
    "\U0001f600",
    "ß",
    "İ",
    "ﬁ",
    "1",
    "-",
    "\x7f",
    "\u2028",
    "/",
]


def _text(rnd: random.Random, longest: int = 8) -> str:
    return "".join(rnd.choice(_ALPHABET) for _ in range(rnd.randint(0, longest)))


def test_row_fingerprint_is_fingerprint_of() -> None:
    rnd = random.Random(18)

    def text_or_none() -> str | None:
        return None if rnd.random() < 0.3 else _text(rnd)

    def day() -> date | None:
        return None if rnd.random() < 0.3 else date(1990, 1, 1) + timedelta(rnd.randint(0, 20000))

    def money() -> Money | None:
        return None if rnd.random() < 0.3 else Money(rnd.randint(-(10**12), 10**12))

    for _ in range(10_000):
        values = {
            "landlord": text_or_none(),
            "name": _text(rnd),
            "pnr": rnd.choice([None, f"{rnd.randint(0, 10**12 - 1):012d}", _text(rnd)]),
            "co_tenant": (_text(rnd), _text(rnd)),
            "street": text_or_none(),
            "postal_code": text_or_none(),
            "city": _text(rnd),
            "contract": _text(rnd),
            "rent": money(),
            "amount": money(),
            "terminated_on": day(),
            "served_on": day(),
            "notified_on": day(),
            "ground": _text(rnd),
            "children": [
                (date(2010, 1, 1) + timedelta(rnd.randint(0, 5000)), rnd.random() < 0.5)
                for _ in range(rnd.randint(0, 3))
            ],
            "note": _text(rnd),
        }
        assert row_fingerprint(**values) == fingerprint_of(**values)  # type: ignore[arg-type]


def test_key_is_name_key() -> None:
    rnd = random.Random(18)
    for text in ("", " ", "Storgatan 1", "Hyresgäst Nummer 1", "o\u0308", "a\u200bb", "İ ß ﬁ"):
        assert _key(text) == validate.name_key(text), text
    for _ in range(50_000):
        text = _text(rnd)
        assert _key(text) == validate.name_key(text), text


def _money_or_error(text: str) -> object:
    try:
        return parse_money(text, field="Skuld")
    except InvalidInput as exc:
        return str(exc)


def test_plain_amount_is_parse_money() -> None:
    rnd = random.Random(18)
    matched = 0
    for _ in range(100_000):
        chars = "0123456789,.  -kr" if rnd.random() < 0.3 else "0123456789,"
        text = "".join(rnd.choice(chars) for _ in range(rnd.randint(1, 14)))
        if _PLAIN_AMOUNT.fullmatch(text.strip()) is None:
            continue
        matched += 1
        assert money_cell.__wrapped__(text, "Skuld") == _money_or_error(text), text
    assert matched > 10_000
    for text in ("0", "000000000,00", "999999999,99", "999999999.9", "1,5", "12.05"):
        assert money_cell.__wrapped__(text, "Skuld") == _money_or_error(text), text


def test_luhn_valid_is_stdnum() -> None:
    rnd = random.Random(18)
    for n in range(0, 10**10, 99_991):
        assert luhn_valid(f"{n:010d}") == luhn.is_valid(f"{n:010d}")
    for _ in range(50_000):
        digits = "".join(rnd.choice("0123456789") for _ in range(rnd.randint(1, 14)))
        assert luhn_valid(digits) == luhn.is_valid(digits), digits


def test_clean_again_is_clean_text_of_clean_text() -> None:
    rnd = random.Random(18)
    # An invisible character between a letter and its accent: the first check leaves
    # the two apart (not NFC), the second joins them.
    tricky = validate.clean_text("o\u200b\u0308k", field="name")
    assert tricky == "o\u0308k"
    assert clean_again(tricky, field="name") == validate.clean_text(tricky, field="name") == "ök"
    checked = 0
    for _ in range(30_000):
        value = _text(rnd, longest=rnd.choice([8, 300]))
        try:
            text = validate.clean_text(value, field="name")
        except InvalidInput:
            continue
        checked += 1
        assert clean_again(text, field="name") == validate.clean_text(text, field="name")
    assert checked > 3_000


@pytest.mark.parametrize("note", [None, "ring först", "x" * 20_000, "a\x01b", "rad 1\r\nrad 2"])
def test_notice_record_once_per_days(note: str | None) -> None:
    rnd = random.Random(18)
    as_of = date(2026, 11, 2)
    for _ in range(300):

        def day() -> date | None:
            return None if rnd.random() < 0.3 else as_of - timedelta(rnd.randint(-3, 60))

        notice = NewNotice(
            kind="termination",
            ground=rnd.choice([None, "unpaid_rent", "disturbance", "neglect", "other"]),
            notified_on=day() or as_of,
            terminated_on=day(),
            served_on=day(),
            amount=rnd.choice([None, Money(0), Money(rnd.randint(1, 10**9))]),
            note=note,
        )
        try:
            want: object = notice_record(notice, as_of=as_of)
        except InvalidInput as exc:
            want = str(exc)
        try:
            got: object = _notice_record(notice, as_of)
        except InvalidInput as exc:
            got = str(exc)
        if isinstance(want, dict) and isinstance(got, dict):
            # The time of day each was made at, not what was checked.
            assert {**got, "created_at": ""} == {**want, "created_at": ""}
            assert list(got) == list(want)
        else:
            assert got == want
