"""Will the plan leave the household enough to live on? A hint, never a refusal.

Kronofogden's förbehållsbelopp is the housing cost (rent less housing allowance) plus
the normalbelopp. What is left = monthly income − (rent − housing allowance) −
installment − normalbelopp. A negative result means the plan leaves less than the
norm: the caseworker is warned, and decides.

Whose norm: the debtor's (the tenant's). A couple is the tenant and a member marked as
the tenant's spouse, registered partner or sambo (``members.partner_of_tenant``, which a
member with the role ``partner`` always is; KFMA 2018:1: two people living together in a
relationship): a co-tenant who is the tenant's spouse is marked so and makes a couple.
Any other adult (a co-tenant who shares the lease but not a life, such as an adult
sibling; an adult child, a lodger, a relative) lives there but is not part of the
debtor's norm and is named as such. Children are members under 18;
those who live there part of the time count with the share set by the policy
(``part_time_child_norm_percent``). The table is by year (``rules.NORMALBELOPP`` and the
config file); when the year asked for is missing, the hint says which year was used and
how to add the missing one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli.dates import age_on
from bostadcli.db import one, rows
from bostadcli.errors import BostadError
from bostadcli.households import tenant_of
from bostadcli.i18n import _, ngettext
from bostadcli.money import Money, format_money
from bostadcli.rules import CHILD_AGE_LIMIT, PART_TIME_CHILD_NORM_PERCENT
from bostadcli.vocab import Role

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
# The roles that make the tenant's household a couple in the norm: a relationship, which a
# shared lease (co_tenant) does not say by itself (DOMAIN rule 13, KFMA 2018:1); a member
# of another role is the tenant's partner when marked so (members.partner_of_tenant).
PARTNER_ROLES = frozenset({Role.partner.value})
# Adults by their role whatever their recorded age: never counted as the debtor's children.
_ADULT_ROLES = PARTNER_ROLES | {Role.co_tenant.value}


@dataclass(frozen=True)
class Norm:
    """The living-cost norm of one household in one month.

    ``year`` is the table's year that was used, ``requested_year`` the year asked for;
    they differ when the table has no amounts for the requested year.
    """

    year: int
    requested_year: int
    couple: bool
    children: dict[str, int]
    amount: Money
    children_part_time: dict[str, int] = field(default_factory=dict)
    part_time_percent: int = PART_TIME_CHILD_NORM_PERCENT
    adults_outside: int = 0

    @property
    def year_missing(self) -> bool:
        return self.year != self.requested_year

    @property
    def adults(self) -> int:
        """Adults inside the debtor's norm: 2 for a couple, else 1."""
        return 2 if self.couple else 1


@dataclass(frozen=True)
class Affordability:
    income: Money
    rent: Money | None
    installment: Money
    norm: Norm
    left: Money
    housing_allowance: Money | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def below_norm(self) -> bool:
        """True when the plan leaves less than the living-cost norm."""
        return self.left.ore < 0

    @property
    def housing_cost(self) -> Money:
        """Rent less housing allowance (never below zero); zero when no rent is recorded."""
        if self.rent is None:
            return Money.zero()
        allowance = self.housing_allowance or Money.zero()
        return Money(max((self.rent - allowance).ore, 0))

    def as_dict(self) -> dict[str, Any]:
        children = dict(self.norm.children)
        for band, n in self.norm.children_part_time.items():
            children[band] = children.get(band, 0) + n
        return {
            "income_ore": self.income.ore,
            "rent_ore": self.rent.ore if self.rent is not None else None,
            "housing_allowance_ore": self.housing_allowance.ore
            if self.housing_allowance is not None
            else None,
            "housing_cost_ore": self.housing_cost.ore,
            "installment_ore": self.installment.ore,
            "norm_ore": self.norm.amount.ore,
            "reserved_amount_ore": (self.housing_cost + self.norm.amount).ore,
            "norm_year": self.norm.year,
            "norm_year_requested": self.norm.requested_year,
            "norm_year_missing": self.norm.year_missing,
            "couple": self.norm.couple,
            "adults": self.norm.adults + self.norm.adults_outside,
            "adults_in_norm": self.norm.adults,
            "adults_outside_norm": self.norm.adults_outside,
            "children": children,
            "children_part_time": dict(self.norm.children_part_time),
            "part_time_child_norm_percent": self.norm.part_time_percent,
            "left_ore": self.left.ore,
            "below_norm": self.below_norm,
            "warnings": list(self.warnings),
        }


def norm_year(table: Mapping[int, Mapping[str, int]], on: date) -> int:
    """The year of the table to use on ``on``: that year when the table has it, else the
    latest year before it (the earliest year when the table begins later). Callers say
    when the year differs from ``on.year`` (``Norm.year_missing``)."""
    if not table:
        raise BostadError(_("no normalbelopp in the rules or the config file"))
    earlier = [y for y in table if y <= on.year]
    return max(earlier) if earlier else min(table)


def missing_year_text(norm: Norm) -> str:
    """What the hint says when the table has no amounts for the year asked for."""
    return _(
        "no normalbelopp for {year} in the rules or the config file: the amounts of {used}"
        " were used; add the year to the config file as [normalbelopp.{year}]"
    ).format(year=norm.requested_year, used=norm.year)


def child_band(age: int) -> str:
    for upper, key in CHILD_BANDS:
        if age <= upper:
            return key
    raise ValueError(f"child_band: {age} is not a child's age")


def living_cost_norm(
    *,
    couple: bool,
    child_ages: Sequence[int],
    on: date,
    table: Mapping[int, Mapping[str, int]],
    part_time_child_ages: Sequence[int] = (),
    part_time_percent: int = PART_TIME_CHILD_NORM_PERCENT,
    adults_outside: int = 0,
) -> Norm:
    """Normalbelopp for a single debtor or a couple, with children of ``child_ages`` and
    part-time children of ``part_time_child_ages`` (counted at ``part_time_percent`` of
    their band's amount), from the table's year for ``on``. ``adults_outside`` (adults
    living there who are not the debtor's partner) are recorded, never counted."""
    if not 0 <= part_time_percent <= 100:
        raise BostadError(
            _("part_time_child_norm_percent must be 0 to 100, not {value}").format(
                value=part_time_percent
            )
        )
    year = norm_year(table, on)
    amounts = table[year]

    def amount_of(key: str) -> int:
        if key not in amounts:
            raise BostadError(
                _(
                    "normalbelopp {year} has no amount for '{key}': add it to the config file"
                ).format(year=year, key=key)
            )
        return int(amounts[key])

    total_ore = amount_of(COUPLE if couple else SINGLE) * 100
    children: dict[str, int] = {}
    for age in child_ages:
        band = child_band(age)
        children[band] = children.get(band, 0) + 1
        total_ore += amount_of(band) * 100
    part_time: dict[str, int] = {}
    for age in part_time_child_ages:
        band = child_band(age)
        part_time[band] = part_time.get(band, 0) + 1
        # kronor × percent is öre: exact, no rounding.
        total_ore += amount_of(band) * part_time_percent
    return Norm(
        year=year,
        requested_year=on.year,
        couple=couple,
        children=children,
        children_part_time=part_time,
        part_time_percent=part_time_percent,
        adults_outside=adults_outside,
        amount=Money(total_ore),
    )


def assess(
    *,
    income: Money,
    rent: Money | None,
    installment: Money,
    norm: Norm,
    housing_allowance: Money | None = None,
) -> Affordability:
    """What is left after the housing cost (rent less housing allowance), the installment
    and the norm; a missing rent counts as zero (and says so, since the result is then
    too rosy)."""
    warnings: list[str] = []
    if norm.year_missing:
        warnings.append(missing_year_text(norm))
    if rent is None:
        warnings.append(_("the rent is not recorded, so it is not counted"))
    result = Affordability(
        income=income,
        rent=rent,
        installment=installment,
        norm=norm,
        left=Money.zero(),
        housing_allowance=housing_allowance,
    )
    left = income - result.housing_cost - installment - norm.amount
    if norm.adults_outside:
        warnings.append(
            ngettext(
                "{n} adult living here is not marked as the tenant's partner and is not in"
                " the norm (mark a spouse or sambo, a co-tenant too, with"
                " bostad member edit REF N --partner --reason TEXT)",
                "{n} adults living here are not marked as the tenant's partner and are not in"
                " the norm (mark a spouse or sambo, a co-tenant too, with"
                " bostad member edit REF N --partner --reason TEXT)",
                norm.adults_outside,
            ).format(n=norm.adults_outside)
        )
    if left.ore < 0:
        warnings.append(
            _("the plan leaves {amount} less than the living-cost norm").format(
                amount=format_money(-left)
            )
        )
    return Affordability(
        income=income,
        rent=rent,
        installment=installment,
        norm=norm,
        left=left,
        housing_allowance=housing_allowance,
        warnings=warnings,
    )


def household_affordability(
    db: Database,
    household_id: int,
    *,
    income: Money,
    installment: Money,
    as_of: date,
    table: Mapping[int, Mapping[str, int]],
    part_time_percent: int = PART_TIME_CHILD_NORM_PERCENT,
) -> Affordability:
    """The affordability hint for a household from its members and recorded rent and
    housing allowance.

    Children are members under 18 on ``as_of``, counted by their age on that day (and
    part-time ones at ``part_time_percent``). The tenant (``households.tenant_of``) is the
    debtor; a member with the role ``partner`` or marked ``partner_of_tenant`` (a
    co-tenant may be) makes a couple; every other adult, a co-tenant who is not marked
    too, is outside the norm.
    """
    case = one(
        db, "SELECT rent_ore, housing_allowance_ore FROM households WHERE id = ?", [household_id]
    )
    if case is None:
        raise BostadError(f"no household with id {household_id}")
    couple = False
    outside = 0
    child_ages: list[int] = []
    part_time_ages: list[int] = []
    members = rows(
        db,
        "SELECT id, role, birth_date, part_time, partner_of_tenant FROM members"
        " WHERE household_id = ? ORDER BY id",
        [household_id],
    )
    debtor = tenant_of(members)
    for member in members:
        if debtor is not None and member["id"] == debtor["id"]:
            continue  # the debtor: single or half of the couple
        birth = date.fromisoformat(member["birth_date"]) if member["birth_date"] else None
        # Someone not yet born on as_of (a backdated question) is left out.
        if birth is not None and birth > as_of:
            continue
        age = age_on(birth, as_of) if birth is not None else None
        role = member["role"]
        partner = role in PARTNER_ROLES or bool(member["partner_of_tenant"])
        if age is not None and age < CHILD_AGE_LIMIT and role not in _ADULT_ROLES and not partner:
            (part_time_ages if member["part_time"] else child_ages).append(age)
        elif partner and not couple:
            couple = True
        else:
            outside += 1
    norm = living_cost_norm(
        couple=couple,
        child_ages=child_ages,
        part_time_child_ages=part_time_ages,
        part_time_percent=part_time_percent,
        adults_outside=outside,
        on=as_of,
        table=table,
    )
    rent = Money(case["rent_ore"]) if case["rent_ore"] is not None else None
    allowance = (
        Money(case["housing_allowance_ore"]) if case["housing_allowance_ore"] is not None else None
    )
    return assess(
        income=income, rent=rent, installment=installment, norm=norm, housing_allowance=allowance
    )
