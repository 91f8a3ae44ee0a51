"""The filters a letter template uses: ``sek``, ``datum``, ``pnr_masked``, ``tal``,
``procent``. Letters go out in Swedish; ``datum`` follows the template's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from bostadcli.templating import _LOCALES, LETTER_LOCALE


def _sek(value: Any) -> str:
    from bostadcli.money import Money, format_money

    if isinstance(value, Money):
        return format_money(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return format_money(Money(value))  # an int is öre, as in the database
    raise ValueError(f"sek: expected an amount, got {type(value).__name__}")


def _letter_locale(context: Any) -> str:
    # The language of the template being rendered, not of the screens.
    language = context.get("language") if context is not None else None
    return _LOCALES.get(language, LETTER_LOCALE) if isinstance(language, str) else LETTER_LOCALE


def datum(context: Any, value: Any, style: str = "long") -> str:
    """``21 november 2026``; style "month" gives ``november 2026``, "short", "iso".

    In an English letter ``21 November 2026`` and ``November 2026``.
    """
    from bostadcli.dates import format_date

    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if not isinstance(value, date):
        raise ValueError(f"datum: expected a date, got {type(value).__name__}")
    locale = _letter_locale(context)
    if style == "month":
        from babel.dates import format_date as babel_format_date

        return str(babel_format_date(value, format="LLLL y", locale=locale))
    return format_date(value, style, locale=locale)


def _pnr_masked(value: Any) -> str:
    from bostadcli.pnr import IdentityNumber

    if isinstance(value, IdentityNumber):
        return value.masked()
    if isinstance(value, str):
        if re.fullmatch(r"[0-9]{8}-\*{4}", value):
            return value  # masked already, as in the letter context
        digits = value.replace("-", "").replace("+", "")
        if len(digits) == 12 and digits.isdigit():
            return IdentityNumber(digits).masked()
    raise ValueError("pnr_masked: expected a 12-digit personnummer")


def _tal(value: Any) -> str:
    """A whole number the Swedish way: ``1 234``."""
    from babel.numbers import format_decimal

    return str(format_decimal(value, locale=LETTER_LOCALE))


def _procent(share: Any) -> str:
    """A share (0.25) as ``25 %``; a missing share as a dash."""
    from babel.numbers import format_percent

    return "–" if share is None else str(format_percent(share, locale=LETTER_LOCALE))


FILTERS: dict[str, Callable[..., str]] = {
    "sek": _sek,
    "datum": datum,
    "pnr_masked": _pnr_masked,
    "tal": _tal,
    "procent": _procent,
}
