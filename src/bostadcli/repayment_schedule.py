"""Repayment schedules: how a debt is split into monthly installments, and when each is due.

Pure arithmetic over öre and dates; nothing here reads the database.

Amounts. Installments are whole kronor unless öre are asked for. The debt is split
evenly (or into installments of the agreed size) and whatever is left goes to the last
installment: the öre of a debt in whole-kronor mode, and the remainder of the division.
So the last installment is never zero, and never larger than the others by more than
that rounding: less than one unit (1 kr, or 1 öre with öre) when the installment size
is given, less than one unit per month when the number of months is given.

Due dates. By default an installment is due on the rent's due date for the month it
pays for: the last working day before that month begins (jordabalken 12 kap. 20 §), so
the household pays rent and installment together. With a fixed day of the month, the
installment for a month is due on that day of that month (the 31st becomes the month's
last day), moved to the next working day when it is not one (lag 1930:173).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bostadcli.dates import add_months, format_date
from bostadcli.errors import InvalidInput
from bostadcli.i18n import _
from bostadcli.money import ORE_PER_KRONA, Money, format_money
from bostadcli.rules import PLAN_MAX_INSTALLMENTS
from bostadcli.workdays import last_working_day_before, next_working_day

LAST_WORKING_DAY = "last_working_day"
_DAY = re.compile(r"[0-9]{1,2}")
_LAST_WORKING_DAY_SPELLINGS = ("last-working-day", "last_working_day", "last")


@dataclass(frozen=True)
class DueRule:
    """When each installment is due: ``day`` None means the rent's due date."""

    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and not 1 <= self.day <= 31:
            raise ValueError(f"DueRule: day {self.day} is not a day of the month")

    @property
    def code(self) -> str:
        """How the rule is stored: ``last_working_day`` or the day number."""
        return LAST_WORKING_DAY if self.day is None else str(self.day)

    @classmethod
    def from_code(cls, code: str) -> DueRule:
        return cls() if code == LAST_WORKING_DAY else cls(int(code))

    def due_on(self, month: date) -> date:
        """The due date of the installment that pays for ``month`` (its first day)."""
        if self.day is None:
            return last_working_day_before(month)
        last_day = calendar.monthrange(month.year, month.month)[1]
        return next_working_day(month.replace(day=min(self.day, last_day)))


def parse_due_rule(text: str, *, field: str = "due") -> DueRule:
    """``last-working-day`` (the default), or a day of the month ``1``–``31``."""
    value = text.strip().lower()
    if value in _LAST_WORKING_DAY_SPELLINGS:
        return DueRule()
    if _DAY.fullmatch(value) and 1 <= int(value) <= 31:
        return DueRule(int(value))
    raise InvalidInput(field, text, _("expected last-working-day or a day of the month, 1–31"))


@dataclass(frozen=True)
class Installment:
    seq: int
    month: date
    """The first day of the month the installment pays for."""
    due_on: date
    amount: Money

    @property
    def month_text(self) -> str:
        return f"{self.month:%Y-%m}"


@dataclass(frozen=True)
class Schedule:
    debt: Money
    installments: tuple[Installment, ...]
    due_rule: DueRule
    whole_kronor: bool

    @property
    def regular(self) -> Money:
        """The installment every month pays except (perhaps) the last."""
        return self.installments[0].amount

    @property
    def last(self) -> Money:
        return self.installments[-1].amount

    @property
    def months(self) -> int:
        return len(self.installments)

    @property
    def start(self) -> date:
        return self.installments[0].month

    def total(self) -> Money:
        return Money(sum(i.amount.ore for i in self.installments))


def split_debt(
    debt: Money,
    *,
    installment: Money | None = None,
    months: int | None = None,
    whole_kronor: bool = True,
) -> list[Money]:
    """The installment amounts, oldest first; they sum exactly to ``debt``.

    Give either the size of an installment or the number of months.
    """
    if (installment is None) == (months is None):
        raise InvalidInput(
            "installment", "", _("give either an installment or a number of months, not both")
        )
    if debt.ore <= 0:
        raise InvalidInput("debt", format_money(debt), _("must be more than zero"))
    unit = ORE_PER_KRONA if whole_kronor else 1
    # In whole-kronor mode the debt's öre ride on the last installment.
    units, rest = divmod(debt.ore, unit)
    amounts: list[int]
    if installment is not None:
        if installment.ore <= 0:
            raise InvalidInput(
                "installment", format_money(installment), _("must be more than zero")
            )
        if installment.ore > debt.ore:
            raise InvalidInput(
                "installment",
                format_money(installment),
                _("larger than the debt ({debt})").format(debt=format_money(debt)),
            )
        if installment.ore % unit:
            raise InvalidInput(
                "installment",
                format_money(installment),
                _("installments are whole kronor; allow öre with --ore"),
            )
        size = installment.ore // unit
        count = -(-units // size)  # ceiling division; units >= size >= 1 here
        _check_count(count, "installment", format_money(installment))
        amounts = [size] * (count - 1) + [units - size * (count - 1)]
    else:
        assert months is not None
        if months <= 0:
            raise InvalidInput("months", str(months), _("must be at least 1"))
        _check_count(months, "months", str(months))
        base, remainder = divmod(units, months)
        if months > 1 and base == 0:
            raise InvalidInput(
                "months",
                str(months),
                _("more months than the debt has {unit}").format(
                    unit=_("kronor") if whole_kronor else _("öre")
                ),
            )
        amounts = [base] * months
        amounts[-1] += remainder
    result = [Money(a * unit) for a in amounts]
    result[-1] = result[-1] + Money(rest)
    return result


def _check_count(count: int, field: str, value: str) -> None:
    if count > PLAN_MAX_INSTALLMENTS:
        raise InvalidInput(
            field,
            value,
            _("gives more than {n} installments").format(n=PLAN_MAX_INSTALLMENTS),
        )


def build_schedule(
    debt: Money,
    *,
    start: date,
    installment: Money | None = None,
    months: int | None = None,
    due: DueRule | None = None,
    first_due: date | None = None,
    whole_kronor: bool = True,
) -> Schedule:
    """One installment per calendar month from ``start``, none skipped.

    ``first_due`` replaces the first installment's due date (moved to the next working
    day); it must come before the second installment's.
    """
    rule = due or DueRule()
    amounts = split_debt(debt, installment=installment, months=months, whole_kronor=whole_kronor)
    first_month = start.replace(day=1)
    items: list[Installment] = []
    for index, amount in enumerate(amounts):
        month = add_months(first_month, index)
        items.append(Installment(index + 1, month, rule.due_on(month), amount))
    if first_due is not None:
        moved = next_working_day(first_due)
        if len(items) > 1 and moved >= items[1].due_on:
            raise InvalidInput(
                "first_due",
                first_due.isoformat(),
                _("must come before the second installment's due date, {date}").format(
                    date=format_date(items[1].due_on, "long")
                ),
            )
        first = items[0]
        items[0] = Installment(first.seq, first.month, moved, first.amount)
    return Schedule(debt, tuple(items), rule, whole_kronor)


def allocate(amounts: Sequence[int], paid: int) -> list[int]:
    """Spread ``paid`` öre over installments oldest first; never more than each is due.

    Partial payments and overpayments carry forward: what one installment does not need
    goes to the next. What is left after the last is not allocated.
    """
    result: list[int] = []
    left = max(paid, 0)
    for amount in amounts:
        share = min(amount, left)
        result.append(share)
        left -= share
    return result
