"""Will the plan leave the household enough to live on? A hint, never a refusal.

What is left = monthly income − rent − installment − living-cost norm. The norm is
Kronofogden's normalbelopp for the household (see ``rules.NORMALBELOPP``; a
municipality adds later years in the config file). A negative result means the plan
leaves less than the norm: the caseworker is warned, and decides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli.dates import age_on
from bostadcli.db import one, rows
from bostadcli.errors import BostadError
from bostadcli.i18n import _
from bostadcli.money import Money, format_money
from bostadcli.rules import CHILD_AGE_LIMIT

if TYPE_CHECKING:
    from sqlite_utils import Database

SINGLE = "single"
COUPLE = "couple"
# Kronofogden's age bands for children, oldest band open-ended up to adulthood.
CHILD_BANDS: tuple[tuple[int, str], ...] = (
    (6, "child_0_6"),
    (10, "child_7_10"),
    (14, "child_11_14"),
    (CHILD_AGE_LIMIT - 1, "child_15_plus"),
)


@dataclass(frozen=True)
class Norm:
    """The living-cost norm of one household in one month."""

    year: int
    adults: int
    children: dict[str, int]
    amount: Money


@dataclass(frozen=True)
class Affordability:
    income: Money
    rent: Money | None
    installment: Money
    norm: Norm
    left: Money
    warnings: list[str] = field(default_factory=list)

    @property
    def below_norm(self) -> bool:
        """True when the plan leaves less than the living-cost norm."""
        return self.left.ore < 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "income_ore": self.income.ore,
            "rent_ore": self.rent.ore if self.rent is not None else None,
            "installment_ore": self.installment.ore,
            "norm_ore": self.norm.amount.ore,
            "norm_year": self.norm.year,
            "adults": self.norm.adults,
            "children": dict(self.norm.children),
            "left_ore": self.left.ore,
            "below_norm": self.below_norm,
            "warnings": list(self.warnings),
        }


def norm_year(table: Mapping[int, Mapping[str, int]], on: date) -> int:
    """The latest year of the table not after ``on``; the earliest year before that."""
    if not table:
        raise BostadError(_("no normalbelopp in the rules or the config file"))
    earlier = [y for y in table if y <= on.year]
    return max(earlier) if earlier else min(table)


def child_band(age: int) -> str:
    for upper, key in CHILD_BANDS:
        if age <= upper:
            return key
    raise ValueError(f"child_band: {age} is not a child's age")


def living_cost_norm(
    *,
    adults: int,
    child_ages: Sequence[int],
    on: date,
    table: Mapping[int, Mapping[str, int]],
) -> Norm:
    """Normalbelopp for ``adults`` and children of ``child_ages`` on ``on``.

    One adult is a single person, two a couple; Kronofogden's norm has no amount for a
    third adult, so each further adult counts as single (an approximation, said here so
    nobody mistakes it for Kronofogden's rule). A household always has one adult.
    """
    year = norm_year(table, on)
    amounts = table[year]
    adults = max(adults, 1)
    keys = [COUPLE] if adults >= 2 else [SINGLE]
    keys += [SINGLE] * max(adults - 2, 0)
    children: dict[str, int] = {}
    for age in child_ages:
        band = child_band(age)
        children[band] = children.get(band, 0) + 1
        keys.append(band)
    total = 0
    for key in keys:
        if key not in amounts:
            raise BostadError(
                _(
                    "normalbelopp {year} has no amount for '{key}': add it to the config file"
                ).format(year=year, key=key)
            )
        total += int(amounts[key])
    return Norm(year=year, adults=adults, children=children, amount=Money.kronor(total))


def assess(
    *,
    income: Money,
    rent: Money | None,
    installment: Money,
    norm: Norm,
) -> Affordability:
    """What is left after rent, installment and norm; a missing rent counts as zero
    (and says so, since the result is then too rosy)."""
    warnings: list[str] = []
    if rent is None:
        warnings.append(_("the rent is not recorded, so it is not counted"))
    left = income - (rent or Money.zero()) - installment - norm.amount
    if left.ore < 0:
        warnings.append(
            _("the plan leaves {amount} less than the living-cost norm").format(
                amount=format_money(-left)
            )
        )
    return Affordability(
        income=income, rent=rent, installment=installment, norm=norm, left=left, warnings=warnings
    )


def household_affordability(
    db: Database,
    household_id: int,
    *,
    income: Money,
    installment: Money,
    as_of: date,
    table: Mapping[int, Mapping[str, int]],
) -> Affordability:
    """The affordability hint for a household from its members and recorded rent.

    Children are members under 18 on ``as_of``, counted by their age on that day.
    Children who live in the household part of the time count as full members: the
    household still feeds and houses them in its weeks, and Kronofogden counts them too.
    """
    case = one(db, "SELECT rent_ore FROM households WHERE id = ?", [household_id])
    if case is None:
        raise BostadError(f"no household with id {household_id}")
    adults = 0
    child_ages: list[int] = []
    for member in rows(db, "SELECT birth_date FROM members WHERE household_id = ?", [household_id]):
        birth = date.fromisoformat(member["birth_date"]) if member["birth_date"] else None
        # Someone not yet born on as_of (a backdated question) is left out.
        if birth is not None and birth > as_of:
            continue
        age = age_on(birth, as_of) if birth is not None else None
        if age is not None and age < CHILD_AGE_LIMIT:
            child_ages.append(age)
        else:
            adults += 1
    norm = living_cost_norm(adults=adults, child_ages=child_ages, on=as_of, table=table)
    rent = Money(case["rent_ore"]) if case["rent_ore"] is not None else None
    return assess(income=income, rent=rent, installment=installment, norm=norm)
