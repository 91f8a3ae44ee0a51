"""Swedish personal identity numbers (personnummer) and coordination numbers.

Samordningsnummer have 60 added to the day of birth. ``stdnum.se.personnummer``
rejects them, so both kinds are checked here with ``stdnum.luhn`` directly. The
12-digit form is what gets stored; what gets shown is the masked form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bostadcli.errors import InvalidInput
from bostadcli.i18n import _
from bostadcli.rules import RESEARCH_BIRTH_DAYS

# A samordningsnummer adds this to the day of birth (Skatteverket; DOMAIN.md rule 11).
COORDINATION_DAY_OFFSET = 60

_PATTERN = re.compile(r"([0-9]{6}|[0-9]{8})([-+]?)([0-9]{4})")
_DIGITS = re.compile(r"[0-9]{12}")


@dataclass(frozen=True, repr=False)
class IdentityNumber:
    """A validated personnummer or samordningsnummer as 12 digits, YYYYMMDDNNNC."""

    digits: str

    def __post_init__(self) -> None:
        if not isinstance(self.digits, str) or not _DIGITS.fullmatch(self.digits):
            raise ValueError("IdentityNumber needs exactly 12 digits")

    @property
    def is_coordination(self) -> bool:
        return int(self.digits[6:8]) > COORDINATION_DAY_OFFSET

    @property
    def birth_date(self) -> date:
        day = int(self.digits[6:8])
        if day > COORDINATION_DAY_OFFSET:
            day -= COORDINATION_DAY_OFFSET
        return date(int(self.digits[0:4]), int(self.digits[4:6]), day)

    def formatted(self) -> str:
        """The full number, ``19800101-1234``: only where the user asked to see it."""
        return f"{self.digits[:8]}-{self.digits[8:]}"

    def masked(self) -> str:
        return f"{self.digits[:8]}-****"

    def __str__(self) -> str:
        # Printing, logging or templating the object must not leak the full number.
        return self.masked()

    def __repr__(self) -> str:
        # Same for tracebacks and debug output.
        return f"IdentityNumber({self.masked()!r})"


def parse_pnr(text: str, *, as_of: date, field: str = "pnr") -> IdentityNumber:
    """Parse and validate a personnummer or samordningsnummer.

    Accepted: ``YYMMDD-NNNC``, ``YYMMDDNNNC``, ``YYMMDD+NNNC`` (``+`` from the year the
    person turns 100), ``YYYYMMDDNNNC`` and ``YYYYMMDD-NNNC``. For the 10-digit forms
    the century is the most recent one that puts the birth date on or before
    ``as_of`` (one century earlier with ``+``).
    """
    from stdnum import luhn

    match = _PATTERN.fullmatch(text.strip())
    if match is None:
        raise InvalidInput(field, text, _("expected YYMMDD-NNNC or YYYYMMDDNNNC"))
    head, separator, tail = match.groups()
    if len(head) == 8 and separator == "+":
        # The plus only stands in for a missing century; with one given it is a typo.
        raise InvalidInput(field, text, _("expected YYMMDD-NNNC or YYYYMMDDNNNC"))

    month = int(head[-4:-2])
    raw_day = int(head[-2:])
    day = raw_day - COORDINATION_DAY_OFFSET if raw_day > COORDINATION_DAY_OFFSET else raw_day

    if len(head) == 8:
        year = int(head[:4])
    else:
        two_digit = int(head[:2])
        year = as_of.year - (as_of.year - two_digit) % 100
        if (year, month, day) > (as_of.year, as_of.month, as_of.day):
            year -= 100
        if separator == "+":
            year -= 100

    try:
        born = date(year, month, day)
    except ValueError:
        raise InvalidInput(field, text, _("no such date")) from None

    if not luhn.is_valid(head[-6:] + tail):
        raise InvalidInput(field, text, _("check digit is wrong"))
    if born > as_of:
        raise InvalidInput(field, text, _("birth date is in the future"))
    return IdentityNumber(f"{year:04d}{month:02d}{raw_day:02d}{tail}")


def is_research_birthday(n: IdentityNumber) -> bool:
    """Born on a day whose case files are kept for research instead of deleted."""
    return n.birth_date.day in RESEARCH_BIRTH_DAYS
