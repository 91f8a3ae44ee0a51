"""Swedish personal identity numbers (personnummer) and coordination numbers.

Samordningsnummer have 60 added to the day of birth. ``stdnum.se.personnummer``
rejects them, so both kinds are checked here with the Luhn check directly. The
12-digit form is what gets stored; what gets shown is the masked form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bostadcli import rules
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


def separator_for(birth_year: int, *, as_of: date) -> str:
    """The separator of the 10-digit form: the century rule (folkbokföringslagen 18 §).

    ``+`` from the calendar year in which the person turns 100, not from the birthday:
    someone born on 1926-12-31 writes ``261231+NNNC`` from 2026-01-01 on. ``-`` before.
    This is the one place the rule is written down; reading a number applies it too.
    """
    return "+" if as_of.year - birth_year >= rules.CENTURY_SEPARATOR_AGE else "-"


def birth_year(two_digit: int, *, month: int, day: int, separator: str, as_of: date) -> int:
    """The full year of birth of a 10-digit number ``YYMMDD-NNNC`` / ``YYMMDD+NNNC``.

    The year is the one ending in ``two_digit`` for which ``separator_for`` gives
    ``separator`` on ``as_of``: with ``-`` the person turns 0 to 99 this calendar year,
    with ``+`` 100 to 199, so exactly one year fits each. ``month`` and ``day`` (the real
    day, a samordningsnummer's 60 already taken off) are checked against ``as_of``.

    A ``-`` number whose date falls later in this year than ``as_of`` (``260601-NNNC``
    read on 2026-03-15) cannot be a baby born this year. One century earlier would be
    someone turning 100 this calendar year, and by the rule that person carries ``+``
    (``260601+NNNC``) from 1 January: so the number is refused, never read as 1926. The
    same holds for every ``-`` number with a future date, so the earlier century is
    never consistent with the rule; the code asks the rule rather than assuming it.
    Raises ``ValueError`` with the reason; ``parse_pnr`` turns it into a message.
    """
    if separator not in ("-", "+"):
        raise ValueError(f"separator must be '-' or '+', not {separator!r}")
    year = as_of.year - (as_of.year - two_digit) % 100
    if separator == "+":
        year -= 100
    assert separator_for(year, as_of=as_of) == separator
    if (year, month, day) > (as_of.year, as_of.month, as_of.day):
        earlier = year - 100
        if separator_for(earlier, as_of=as_of) != separator:
            raise CenturyError(earlier)
        year = earlier
    return year


class CenturyError(ValueError):
    """A ``-`` number whose person, born in ``year``, must by now write ``+``."""

    def __init__(self, year: int) -> None:
        super().__init__(f"born in {year}: the number takes '+'")
        self.year = year


# A digit doubled and its digits summed, as the Luhn algorithm does: 7 -> 14 -> 5.
_DOUBLED = str.maketrans("0123456789", "0246813579")


def luhn_valid(digits: str) -> bool:
    """``stdnum.luhn.is_valid`` of a string of the digits 0-9: every second digit from
    the right doubled (its digits summed), the sum a multiple of ten."""
    doubled = digits[-2::-2].translate(_DOUBLED)
    return (sum(map(int, digits[::-2])) + sum(map(int, doubled))) % 10 == 0


_LOOSE = re.compile(r"([0-9]+)(?:\s*([-+])\s*[0-9]*)?")


def masked_input(text: str) -> str:
    """A personnummer as typed, for an error message: never whole, even when it is not
    a valid one. The birth date part and ``-****``, or only how long it is."""
    compact = text.strip()
    match = _LOOSE.fullmatch(compact)
    if match is not None:
        head, separator = match.groups()
        if separator is None:
            head = head[:8] if len(head) == 12 else head[:6]
        if len(head) in (6, 8):
            return f"{head}{separator or '-'}****"
    return _("({n} characters)").format(n=len(compact))


class YearOutOfRange(InvalidInput):
    """A number whose birth year no ``--born`` or ``--child`` date could have
    (``dates.MIN_YEAR`` to ``dates.MAX_YEAR``): most often a ``+`` typed for ``-``.
    ``twin`` is the same ten digits read with the other separator, so that the caller
    can name the open case that holds it (``in_cases``)."""

    def __init__(
        self, field: str, value: str, year: int, *, plus: bool, twin: IdentityNumber | None
    ) -> None:
        self.year = year
        self.twin = twin
        super().__init__(field, value, self._reason(year, plus))

    @staticmethod
    def _reason(year: int, plus: bool) -> str:
        from bostadcli.dates import MAX_YEAR, MIN_YEAR

        if plus:
            return _(
                "year must be between {low} and {high}; the '+' means the person is 100 or"
                " older, so this reads as born in {year}"
            ).format(low=MIN_YEAR, high=MAX_YEAR, year=year)
        return _("year must be between {low} and {high}").format(low=MIN_YEAR, high=MAX_YEAR)

    def in_cases(self, refs: list[str]) -> InvalidInput:
        """The same refusal, naming the open cases that hold the twin: the number
        typed with the other separator."""
        if self.twin is None or not refs:
            return self
        reason = self.reason + _("; with '-' it is {pnr}, in open case {refs}").format(
            pnr=self.twin.masked(), refs=", ".join(refs)
        )
        return InvalidInput(self.field, self.value, reason)


def _twin(head: str, tail: str, month: int, day: int, written_on: date) -> IdentityNumber | None:
    """A ``+`` number read with ``-`` instead, when that is a number at all."""
    try:
        year = birth_year(int(head[:2]), month=month, day=day, separator="-", as_of=written_on)
        date(year, month, day)
    except ValueError:
        return None
    return IdentityNumber(f"{year:04d}{head[2:]}{tail}")


def parse_pnr(
    text: str, *, as_of: date, field: str = "pnr", written_on: date | None = None
) -> IdentityNumber:
    """Parse and validate a personnummer or samordningsnummer.

    Accepted: ``YYMMDD-NNNC``, ``YYMMDDNNNC`` (read as ``-``), ``YYMMDD+NNNC``,
    ``YYYYMMDDNNNC`` and ``YYYYMMDD-NNNC``. For the 10-digit forms the century follows
    ``birth_year``: ``-`` for people who turn at most 99 in the calendar year the
    number is written, ``+`` from the year they turn 100. The number is written on
    ``written_on`` (the real date, for a number typed or imported now; default
    ``as_of``); the birth date must not be later than ``as_of``, the day the record is
    dated. A birth year outside what a typed date may have is refused
    (``YearOutOfRange``).
    """
    written_on = written_on or as_of
    # What the messages show (masked_input) is made only for a number refused.
    match = _PATTERN.fullmatch(text.strip())
    if match is None:
        raise InvalidInput(field, masked_input(text), _("expected YYMMDD-NNNC or YYYYMMDDNNNC"))
    head, separator, tail = match.groups()
    if len(head) == 8 and separator == "+":
        # The plus only stands in for a missing century; with one given it is a typo.
        raise InvalidInput(field, masked_input(text), _("expected YYMMDD-NNNC or YYYYMMDDNNNC"))

    month = int(head[-4:-2])
    raw_day = int(head[-2:])
    day = raw_day - COORDINATION_DAY_OFFSET if raw_day > COORDINATION_DAY_OFFSET else raw_day

    if len(head) == 8:
        year = int(head[:4])
    else:
        try:
            year = birth_year(
                int(head[:2]), month=month, day=day, separator=separator or "-", as_of=written_on
            )
        except CenturyError as err:
            raise InvalidInput(
                field,
                masked_input(text),
                _(
                    "the birth date is later this year: someone born in {year} turns 100"
                    " this year and writes + instead of -"
                ).format(year=err.year),
            ) from None

    try:
        born = date(year, month, day)
    except ValueError:
        raise InvalidInput(field, masked_input(text), _("no such date")) from None

    if not luhn_valid(head[-6:] + tail):
        raise InvalidInput(field, masked_input(text), _("check digit is wrong"))
    from bostadcli.dates import MAX_YEAR, MIN_YEAR

    if not MIN_YEAR <= year <= MAX_YEAR:
        twin = _twin(head, tail, month, day, written_on) if separator == "+" else None
        raise YearOutOfRange(field, masked_input(text), year, plus=separator == "+", twin=twin)
    if born > written_on:
        raise InvalidInput(field, masked_input(text), _("birth date is in the future"))
    if born > as_of:
        raise InvalidInput(
            field,
            masked_input(text),
            _("born after {day}, the day the record is dated (--as-of)").format(
                day=as_of.isoformat()
            ),
        )
    return IdentityNumber(f"{year:04d}{month:02d}{raw_day:02d}{tail}")


def parse_typed_pnr(text: str, *, as_of: date, field: str = "pnr") -> IdentityNumber:
    """``parse_pnr`` of a number typed in a command or read from a landlord's list now.

    The century rule is decided by the day the number is written: the real date, not a
    back-dated (or forward-dated) ``--as-of``, which still dates the record and bounds
    the birth date. ``century_disagrees`` judges a stored number by the same day (the
    day it was recorded)."""
    from bostadcli import dates

    return parse_pnr(text, as_of=as_of, field=field, written_on=dates.real_today())


def century_disagrees(n: IdentityNumber, *, entered_on: date) -> int | None:
    """The birth year the rule gives a stored number, when it is not the stored one.

    The stored 12 digits are written back as the 10-digit form a caseworker would have
    typed on ``entered_on`` (with the separator of ``separator_for``) and read again
    by ``birth_year``. Numbers read before the rule was fixed (a ``+`` number whose
    birthday was later in the year became a century too old) differ; None when the
    century agrees or the number cannot be written in the 10-digit form at all.
    """
    born = n.birth_date
    # Recorded "before" the birth (a UTC timestamp just before local midnight, or a
    # backdated --as-of): the number was read no earlier than the birth date itself.
    entered_on = max(entered_on, born)
    separator = separator_for(born.year, as_of=entered_on)
    try:
        year = birth_year(
            born.year % 100, month=born.month, day=born.day, separator=separator, as_of=entered_on
        )
        date(year, born.month, born.day)
    except ValueError:
        return None
    return None if year == born.year else year


def is_research_birthday(n: IdentityNumber) -> bool:
    """Born on a day whose case files are kept for research instead of deleted."""
    return n.birth_date.day in RESEARCH_BIRTH_DAYS
