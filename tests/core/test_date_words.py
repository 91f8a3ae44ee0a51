"""Dates in words without Babel's locale data, exactly as Babel writes them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from babel.dates import format_date as babel_format_date

from bostadcli import i18n
from bostadcli.dates import _BABEL_FORMATS, MAX_YEAR, MIN_YEAR, format_date

DAYS = [date(2027, 12, 1) + timedelta(days=n) for n in range(500)] + [
    date(MIN_YEAR, 1, 1),
    date(MAX_YEAR, 12, 31),
    date(2028, 2, 29),
]


@pytest.mark.parametrize("locale", ["sv_SE", "en_GB"])
@pytest.mark.parametrize("style", ["long", "month", "short"])
def test_the_same_words_as_babel(locale: str, style: str) -> None:
    for d in DAYS:
        expected = babel_format_date(d, format=_BABEL_FORMATS[style], locale=locale)
        assert format_date(d, style, locale=locale) == expected


@pytest.mark.parametrize(("language", "locale"), [("sv", "sv_SE"), ("en", "en_GB")])
def test_the_interface_language_picks_the_locale(language: str, locale: str) -> None:
    before = i18n.current_language()
    i18n.setup(language)
    try:
        d = date(2026, 11, 21)
        assert format_date(d) == babel_format_date(d, format="d MMMM y", locale=locale)
    finally:
        i18n.setup(before)
