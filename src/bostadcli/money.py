"""Swedish kronor as integer öre: parsing what caseworkers type, formatting for people.

Amounts are never floats: a repayment plan must sum to the debt to the öre, and a
float cannot promise that. ``Money`` holds an ``int``; text is parsed digit by digit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bostadcli.errors import InvalidInput
from bostadcli.i18n import _

ORE_PER_KRONA = 100

# A typo guard, not a legal limit: no household owes a billion kronor, but an extra
# zero or two typed into a debt field should stop the command rather than be stored.
MAX_AMOUNT_ORE = 1_000_000_000 * ORE_PER_KRONA

# Ordinary space, no-break space (what babel writes), narrow no-break space and thin
# space: all are used as thousands separators in Swedish text pasted from elsewhere.
_GROUP_SEPARATORS = " \u00a0\u202f\u2009"
# babel's sv_SE pattern writes a hyphen-minus today; CLDR's symbol is U+2212. Accept both.
_MINUS_SIGNS = "-\u2212"

_SUFFIX = re.compile(r"[\s\u00a0\u202f\u2009]*(?:kr\.?|sek|:-|,-)$", re.IGNORECASE)
_INTEGER_PLAIN = re.compile(r"[0-9]+")
_INTEGER_GROUPED = re.compile(r"[0-9]{1,3}(?:[" + _GROUP_SEPARATORS + r"][0-9]{3})+")
_FRACTION = re.compile(r"[0-9]+")
# More integer digits than this cannot be under MAX_AMOUNT_ORE; checked before int()
# so that a pasted wall of digits costs nothing.
_MAX_INTEGER_DIGITS = len(str(MAX_AMOUNT_ORE // ORE_PER_KRONA)) + 1


@dataclass(frozen=True, order=True)
class Money:
    """An amount in Swedish kronor, stored as whole öre."""

    ore: int

    def __post_init__(self) -> None:
        # bool is an int subclass; Money(True) is always a bug.
        if isinstance(self.ore, bool) or not isinstance(self.ore, int):
            raise TypeError(f"Money needs an int number of öre, got {type(self.ore).__name__}")

    @classmethod
    def kronor(cls, k: int) -> Money:
        if isinstance(k, bool) or not isinstance(k, int):
            raise TypeError(f"Money.kronor needs an int, got {type(k).__name__}")
        return cls(k * ORE_PER_KRONA)

    @classmethod
    def zero(cls) -> Money:
        return cls(0)

    @property
    def is_whole_kronor(self) -> bool:
        return self.ore % ORE_PER_KRONA == 0

    def __add__(self, other: Money) -> Money:
        # Checked at run time too: templates and untyped callers get a TypeError
        # instead of an int silently taken as kronor or öre.
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.ore + other.ore)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.ore - other.ore)

    def __neg__(self) -> Money:
        return Money(-self.ore)

    def __mul__(self, factor: int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int):
            return NotImplemented
        return Money(self.ore * factor)

    __rmul__ = __mul__

    def __bool__(self) -> bool:
        return self.ore != 0

    def __str__(self) -> str:
        return format_money(self)


def parse_money(
    text: str,
    *,
    field: str = "amount",
    allow_negative: bool = False,
    allow_zero: bool = True,
) -> Money:
    """Parse an amount as a Swedish caseworker types it.

    Accepted: ``12 345,50``, ``12345.50``, ``12 345 kr``, ``12 345:-``, ``1 500,5``
    (= 1 500,50), with ordinary, no-break, narrow no-break or thin spaces between
    groups of three digits, and an optional ``kr``/``SEK``/``:-`` suffix. A comma or a
    point is the decimal separator, never a thousands separator.
    """
    s = text.strip()
    if not s:
        raise InvalidInput(field, text, _("no amount given"))
    s = _SUFFIX.sub("", s)

    negative = False
    if s[:1] and s[0] in _MINUS_SIGNS:
        negative = True
        s = s[1:]
    if negative and not allow_negative:
        raise InvalidInput(field, text, _("must not be negative"))

    if ("," in s and "." in s) or s.count(",") > 1 or s.count(".") > 1:
        raise InvalidInput(field, text, _("Swedish amounts use a decimal comma, like 12 345,50"))
    integer, sep, fraction = s.replace(".", ",").partition(",")

    if sep and not _FRACTION.fullmatch(fraction):
        raise InvalidInput(field, text, _("not a valid amount"))
    if len(fraction) == 3:
        # "12,345" or "12.345" is more likely a thousands separator than three decimals;
        # either way it is ambiguous, so say how to write it.
        raise InvalidInput(field, text, _("Swedish amounts use a decimal comma, like 12 345,50"))
    if len(fraction) > 2:
        raise InvalidInput(field, text, _("more than two decimals"))

    if _INTEGER_PLAIN.fullmatch(integer):
        digits = integer
    elif _INTEGER_GROUPED.fullmatch(integer):
        digits = "".join(ch for ch in integer if ch not in _GROUP_SEPARATORS)
    elif any(ch in _GROUP_SEPARATORS for ch in integer) and all(
        ch in _GROUP_SEPARATORS or "0" <= ch <= "9" for ch in integer
    ):
        raise InvalidInput(field, text, _("spaces must separate groups of three digits"))
    else:
        raise InvalidInput(field, text, _("not a valid amount"))

    if len(digits.lstrip("0")) > _MAX_INTEGER_DIGITS:
        raise InvalidInput(field, text, _too_large())
    ore = int(digits) * ORE_PER_KRONA + int(fraction.ljust(2, "0"))
    if ore > MAX_AMOUNT_ORE:
        raise InvalidInput(field, text, _too_large())
    if ore == 0 and not allow_zero:
        raise InvalidInput(field, text, _("must not be zero"))
    return Money(-ore if negative else ore)


def _too_large() -> str:
    return _("larger than {limit}").format(limit=format_money(Money(MAX_AMOUNT_ORE)))


def format_money(m: Money, *, always_ore: bool = False) -> str:
    """Format as Swedish text: ``12 345,50 kr``, ``14 900 kr`` (no-break spaces).

    Babel's Swedish number format, built with integer arithmetic: babel would load its
    locale data on first use, a noticeable part of a command's start (a test checks that
    both give the same text).
    """
    kronor, ore = divmod(abs(m.ore), ORE_PER_KRONA)
    sign = "-" if m.ore < 0 else ""
    grouped = f"{kronor:,}".replace(",", "\u00a0")
    if ore or always_ore:
        return f"{sign}{grouped},{ore:02d}\u00a0kr"
    return f"{sign}{grouped}\u00a0kr"
