"""Support measures (insatser): rent guarantee, priority allocation, emergency housing, …

One table holds every kind. Each kind has its own fields (``KIND_FIELDS``); giving a
field to a kind it does not belong to is an error, so a typo cannot hide a value where
no report looks for it.

Dates: ``start_on`` is the first day of the support, ``end_on`` its planned last day (a
rent guarantee is always time-limited), ``ended_on`` the day it actually ended. A
support is *active* on a day from ``start_on`` up to and including the earlier of
``end_on`` and ``ended_on``. An emergency stay runs from ``nights_from`` (the first
night) to ``nights_to`` (the morning the person leaves): ``nights_to - nights_from``
nights.

Some things are worth a warning but not a refusal (the caseworker decides, the tool
says what it sees): an emergency stay longer than the policy's night limit, a priority
allocation beyond the company's yearly quota, a rent guarantee claimed beyond its cap.
Those come back as ``warnings`` for the CLI to print on stderr.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, overload

from bostadcli import rules, validate
from bostadcli.dates import MAX_YEAR, MIN_YEAR, format_date
from bostadcli.db import insert, now_utc, one, rows, transaction
from bostadcli.errors import Conflict, InvalidInput, NotFound
from bostadcli.households import household_id, tenant_sql
from bostadcli.i18n import N_, _
from bostadcli.landlords import find_landlord, get_landlord
from bostadcli.money import Money, format_money
from bostadcli.vocab import SupportKind, TenancyType

if TYPE_CHECKING:
    from sqlite_utils import Database

# The fields each kind may carry besides start, end and note.
KIND_FIELDS: dict[SupportKind, frozenset[str]] = {
    SupportKind.rent_guarantee: frozenset(
        {"landlord", "cap", "cap_months", "claimed", "reclaimed"}
    ),
    SupportKind.priority_allocation: frozenset({"landlord", "granted_on", "flat_offered"}),
    SupportKind.emergency_housing: frozenset(
        {"place", "nights_from", "nights_to", "cost", "cost_granted"}
    ),
    SupportKind.housing_first: frozenset({"landlord", "support_person"}),
}
SPECIFIC_FIELDS = frozenset().union(*KIND_FIELDS.values())

# When a support runs, the one rule, in Python and as SQL over a support ``s`` (dates are
# ISO text, so the SQL compares them as text as Python compares the strings):
# - its effective end is the earlier of the planned end (end_on) and the day it actually
#   ended (ended_on), either when only one is known, none when neither is:
#   ``effective_end`` / ``EFFECTIVE_END``;
# - on a day it is planned before it starts, ended after its effective end, else active:
#   ``support_status`` / ``support_status_sql``;
# - it is in force some time from ``first`` to ``last`` when it starts by ``last`` and does
#   not end before ``first``: ``in_force_between`` / ``in_force_between_sql``;
# - it is still running to a planned end that falls from ``first`` to ``last`` (what the
#   support_ending letter and the deadline view are about): ``ending_between`` /
#   ``ending_between_sql``;
# - an emergency stay's last morning is the earlier of nights_to and ended_on:
#   ``stay_left_on`` / ``STAY_LEFT_ON``, and its nights ``stay_nights`` / ``STAY_NIGHTS``.

# The earlier of the planned and the actual end (SQLite's min() is NULL if either is).
EFFECTIVE_END = "coalesce(min(s.ended_on, s.end_on), s.ended_on, s.end_on)"

# The morning an emergency stay ended (nights_to, or ended_on when earlier), and the
# nights from nights_from to then; NULL without nights_from and nights_to.
STAY_LEFT_ON = "CASE WHEN s.ended_on < s.nights_to THEN s.ended_on ELSE s.nights_to END"
STAY_NIGHTS = f"CAST(julianday({STAY_LEFT_ON}) - julianday(s.nights_from) AS INTEGER)"


def effective_end(end_on: str | None, ended_on: str | None) -> str | None:
    """Python for ``EFFECTIVE_END``: the earlier of the planned and the actual end."""
    if end_on is None or ended_on is None:
        return ended_on if end_on is None else end_on
    return min(end_on, ended_on)


def support_status_sql(on: str = ":as_of") -> str:
    """SQL: 'planned', 'active' or 'ended' for support ``s`` on the ISO date ``on`` (an SQL
    expression, by default the parameter ``:as_of``)."""
    return (
        f"CASE WHEN s.start_on > {on} THEN 'planned'"
        f" WHEN {EFFECTIVE_END} < {on} THEN 'ended' ELSE 'active' END"
    )


def support_status(start_on: str, end: str | None, on: date) -> str:
    """Python for ``support_status_sql``: 'planned', 'active' or 'ended' on ``on`` for a
    support starting ``start_on`` with the effective end ``end`` (ISO dates)."""
    day = on.isoformat()
    if start_on > day:
        return "planned"
    if end is not None and end < day:
        return "ended"
    return "active"


def in_force_between_sql(first: str = ":start", last: str = ":end") -> str:
    """SQL condition: support ``s`` is in force some day from ``first`` to ``last`` (SQL
    expressions for ISO dates, by default the parameters ``:start`` and ``:end``)."""
    return f"s.start_on <= {last} AND coalesce({EFFECTIVE_END}, {first}) >= {first}"


def in_force_between(start_on: str, end: str | None, first: date, last: date) -> bool:
    """Python for ``in_force_between_sql`` (``end`` is the effective end)."""
    return start_on <= last.isoformat() and (end is None or end >= first.isoformat())


def ending_between_sql(first: str = ":from", last: str = ":to") -> str:
    """SQL condition: support ``s`` has not been ended and its planned end falls from
    ``first`` to ``last`` (by default the parameters ``:from`` and ``:to``)."""
    return f"s.ended_on IS NULL AND s.end_on IS NOT NULL AND s.end_on BETWEEN {first} AND {last}"


def ending_between(
    end_on: str | None, ended_on: str | None, first: date, last: date | None = None
) -> bool:
    """Python for ``ending_between_sql``; without ``last``, any planned end from ``first``."""
    return (
        ended_on is None
        and end_on is not None
        and first.isoformat() <= end_on
        and (last is None or end_on <= last.isoformat())
    )


@overload
def stay_left_on(nights_to: str, ended_on: str | None) -> str: ...
@overload
def stay_left_on(nights_to: None, ended_on: str | None) -> None: ...
def stay_left_on(nights_to: str | None, ended_on: str | None) -> str | None:
    """Python for ``STAY_LEFT_ON``: the morning an emergency stay ended."""
    if ended_on is not None and nights_to is not None and ended_on < nights_to:
        return ended_on
    return nights_to


@dataclass
class NewSupport:
    kind: str
    start_on: date | None = None
    end_on: date | None = None
    note: str | None = None
    landlord: str | None = None
    cap: Money | None = None
    cap_months: int | None = None
    claimed: Money | None = None
    reclaimed: Money | None = None
    granted_on: date | None = None
    flat_offered: str | None = None
    place: str | None = None
    nights_from: date | None = None
    nights_to: date | None = None
    cost: Money | None = None
    cost_granted: bool | None = None
    support_person: str | None = None


@dataclass
class Added:
    """A support just recorded, and what the caseworker should hear about it."""

    id: int
    support: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def _given(new: NewSupport) -> set[str]:
    return {name for name in SPECIFIC_FIELDS if getattr(new, name) is not None}


def _check_fields(kind: SupportKind, given: set[str]) -> None:
    extra = sorted(given - KIND_FIELDS.get(kind, frozenset()))
    if extra:
        raise InvalidInput(
            extra[0].replace("_", "-"),
            kind.value,
            _("does not apply to this kind of support"),
        )


def _amount(value: Money | None, name: str) -> int | None:
    if value is None:
        return None
    if value.ore < 0:
        raise InvalidInput(name, str(value), _("cannot be negative"))
    return value.ore


def _check_order(start: date, end: date | None, name: str) -> None:
    if end is not None and end < start:
        raise InvalidInput(
            name,
            end.isoformat(),
            _("is before the start ({date})").format(date=format_date(start, "long")),
        )


def stay_nights(nights_from: date, nights_to: date) -> int:
    """Nights of an emergency stay: arriving on ``nights_from``, leaving ``nights_to``."""
    return (nights_to - nights_from).days


def add_support(
    db: Database,
    ref: str,
    new: NewSupport,
    *,
    as_of: date,
    max_nights: int = rules.EMERGENCY_HOUSING_MAX_NIGHTS,
    quota: Mapping[str, int] | None = None,
) -> Added:
    """Record a support for a household; returns its id, the row, and any warnings.

    ``max_nights`` is the policy's emergency-housing limit and ``quota`` the yearly
    priority-allocation quota per company (``Config.priority_quota``).
    """
    kind = validate.choice(SupportKind, new.kind, field="kind")
    _check_fields(kind, _given(new))
    warnings: list[str] = []
    start = new.start_on
    end = new.end_on
    record = _support_record(new, kind)
    if kind is SupportKind.emergency_housing:
        nights_from, nights_to = _emergency_stay(new, as_of=as_of)
        warnings += _stay_warnings(nights_from, nights_to, max_nights=max_nights)
        start = start or nights_from
        end = end or nights_to
        record.update(nights_from=nights_from.isoformat(), nights_to=nights_to.isoformat())
    start = start or as_of
    _check_order(start, end, "end")
    if kind is SupportKind.rent_guarantee:
        _check_rent_guarantee(new, record, end)
    if kind is SupportKind.priority_allocation:
        record["granted_on"] = (new.granted_on or start).isoformat()
    record.update(start_on=start.isoformat(), end_on=end.isoformat() if end else None)
    with transaction(db):
        hid = household_id(db, ref)
        landlord = _landlord_for(db, kind, new.landlord, hid)
        if landlord is not None:
            record["landlord_id"] = landlord["id"]
        now = now_utc()
        record.update(household_id=hid, created_at=now, updated_at=now)
        support_id = insert(db, "supports", record)
        support = get_support(db, support_id, as_of=as_of)
        warnings += _recorded_warnings(db, support, landlord, record, quota=quota)
    return Added(id=support_id, support=support, warnings=warnings)


def _support_record(new: NewSupport, kind: SupportKind) -> dict[str, Any]:
    """The columns every kind of support has, checked (those not given are None)."""
    record: dict[str, Any] = {
        "kind": kind.value,
        "note": validate.clean_text(
            new.note, field="note", max_length=validate.TEXT_MAX, multiline=True
        ),
        "cap_ore": _amount(new.cap, "cap"),
        "claimed_ore": _amount(new.claimed, "claimed"),
        "reclaimed_ore": _amount(new.reclaimed, "reclaimed"),
        "cost_ore": _amount(new.cost, "cost"),
        "cap_months": new.cap_months,
        "flat_offered": validate.clean_text(new.flat_offered, field="flat"),
        "place": validate.clean_text(new.place, field="place"),
        "support_person": validate.clean_text(new.support_person, field="support-person"),
        "cost_granted": None if new.cost_granted is None else int(new.cost_granted),
    }
    if new.cap_months is not None:
        validate.whole_number(
            new.cap_months, field="cap-months", low=1, high=rules.RENT_GUARANTEE_MAX_MONTHS
        )
    return record


def _emergency_stay(new: NewSupport, *, as_of: date) -> tuple[date, date]:
    """The nights of an emergency stay: from (the start, else today) to the day the
    person leaves, at least one night."""
    nights_from = new.nights_from or new.start_on or as_of
    nights_to = new.nights_to or new.end_on
    if nights_to is None:
        raise InvalidInput("nights-to", "", _("an emergency stay needs the day the person leaves"))
    _check_order(nights_from, nights_to, "nights-to")
    if stay_nights(nights_from, nights_to) == 0:
        raise InvalidInput("nights-to", nights_to.isoformat(), _("a stay is at least a night"))
    return nights_from, nights_to


def _stay_warnings(nights_from: date, nights_to: date, *, max_nights: int) -> list[str]:
    nights = stay_nights(nights_from, nights_to)
    if nights <= max_nights:
        return []
    return [
        _(
            "the stay is {nights} nights, more than the policy's {limit} at a time; recorded anyway"
        ).format(nights=nights, limit=max_nights)
    ]


def _check_rent_guarantee(new: NewSupport, record: dict[str, Any], end: date | None) -> None:
    """A rent guarantee is time-limited and capped; no more reclaimed than claimed.
    Fills claimed and reclaimed with zero when not given."""
    if end is None:
        raise InvalidInput("end", "", _("a rent guarantee is time-limited: give its end date"))
    if new.cap is None and new.cap_months is None:
        raise InvalidInput(
            "cap", "", _("a rent guarantee needs a cap, in kronor or in months of rent")
        )
    record["claimed_ore"] = record["claimed_ore"] or 0
    record["reclaimed_ore"] = record["reclaimed_ore"] or 0
    if record["reclaimed_ore"] > record["claimed_ore"]:
        raise InvalidInput(
            "reclaimed",
            format_money(Money(record["reclaimed_ore"])),
            _("is more than the landlord has claimed"),
        )


def _recorded_warnings(
    db: Database,
    support: dict[str, Any],
    landlord: dict[str, Any] | None,
    record: dict[str, Any],
    *,
    quota: Mapping[str, int] | None,
) -> list[str]:
    """What the caseworker should know once the support is recorded: a cap passed, a
    state grant missed, a company's quota used up, a Housing First landlord without an
    agreement."""
    kind = SupportKind(record["kind"])
    warnings = _cap_warnings(support)
    if support["state_grant_note"]:
        warnings.append(support["state_grant_note"])
    if kind is SupportKind.priority_allocation:
        assert landlord is not None
        warnings += _quota_warnings(
            db, landlord["name"], date.fromisoformat(record["granted_on"]).year, quota or {}
        )
    if (
        kind is SupportKind.housing_first
        and landlord is not None
        and not landlord["cooperation_agreement_on"]
    ):
        warnings.append(
            _(
                "{landlord} has no Housing First cooperation agreement on record"
                " (bostad landlord edit NAME --cooperation-agreement DATE)"
            ).format(landlord=landlord["name"])
        )
    return warnings


def _landlord_for(
    db: Database, kind: SupportKind, name: str | None, hid: int
) -> dict[str, Any] | None:
    if name:
        return get_landlord(db, name)
    if kind is SupportKind.rent_guarantee:
        # The guarantee is for the rent of the home the household has: its landlord.
        found = one(
            db,
            "SELECT l.* FROM landlords l JOIN households h ON h.landlord_id = l.id WHERE h.id = ?",
            [hid],
        )
        if found is None:
            raise InvalidInput(
                "landlord", "", _("the household has no landlord: name the guarantee's landlord")
            )
        return found
    if kind is SupportKind.priority_allocation:
        raise InvalidInput(
            "landlord", "", _("a priority allocation names the housing company (--landlord)")
        )
    return None


def _cap_warnings(support: dict[str, Any]) -> list[str]:
    cap = support.get("cap_effective_ore")
    claimed = support.get("claimed_ore")
    if cap is None or claimed is None or claimed <= cap:
        return []
    return [
        _("the landlord has claimed {claimed}, more than the cap of {cap}").format(
            claimed=format_money(Money(claimed)), cap=format_money(Money(cap))
        )
    ]


def _quota_warnings(db: Database, company: str, year: int, quota: Mapping[str, int]) -> list[str]:
    usage = {validate.name_key(row["company"]): row for row in quota_usage(db, year, quota=quota)}
    row = usage[validate.name_key(company)]
    if row["quota"] is None:
        return [
            _(
                "no priority quota for {company} in the config ([priority_quota]);"
                " {used} allocated in {year}"
            ).format(company=company, used=row["used"], year=year)
        ]
    if row["used"] > row["quota"]:
        return [
            _(
                "{company}'s priority quota for {year} is exceeded: {used} allocated,"
                " quota {quota}; recorded anyway"
            ).format(company=company, year=year, used=row["used"], quota=row["quota"])
        ]
    return []


def quota_usage(
    db: Database, year: int, *, quota: Mapping[str, int] | None = None
) -> list[dict[str, Any]]:
    """Priority allocations granted in ``year`` per housing company, against the quota.

    One row per company that has a quota in the config or an allocation in the year:
    ``company``, ``quota`` (None when the config has none), ``used``, ``left`` (None
    without a quota; negative when exceeded). Company names match as landlord names do
    (``landlords.find_landlord``: case and Å/Ä/Ö folded).
    """
    validate.whole_number(year, field="year", low=MIN_YEAR, high=MAX_YEAR)
    counted = rows(
        db,
        """
        SELECT l.name AS company, count(*) AS used
        FROM live_supports s JOIN landlords l ON l.id = s.landlord_id
        WHERE s.kind = 'priority_allocation' AND substr(s.granted_on, 1, 4) = ?
        GROUP BY l.id
        """,
        [f"{year:04d}"],
    )
    by_name: dict[str, dict[str, Any]] = {}
    for name, allowed in (quota or {}).items():
        landlord = find_landlord(db, name)
        company = landlord["name"] if landlord else name
        by_name[validate.name_key(company)] = {
            "company": company,
            "quota": int(allowed),
            "used": 0,
        }
    for row in counted:
        entry = by_name.setdefault(
            validate.name_key(row["company"]),
            {"company": row["company"], "quota": None, "used": 0},
        )
        entry["used"] = int(row["used"])
    result = sorted(by_name.values(), key=lambda r: r["company"].casefold())
    for row in result:
        row["year"] = year
        row["left"] = None if row["quota"] is None else row["quota"] - row["used"]
    return result


_SELECT = f"""
SELECT s.id, h.ref, s.household_id,
    {tenant_sql("name")} AS tenant,
    s.kind, s.start_on, s.end_on, s.ended_on, s.end_reason, {EFFECTIVE_END} AS effective_end,
    l.name AS landlord, l.cooperation_agreement_on,
    s.cap_ore, s.cap_months,
    CASE WHEN s.cap_ore IS NOT NULL THEN s.cap_ore
         WHEN s.cap_months IS NOT NULL AND h.rent_ore IS NOT NULL
         THEN s.cap_months * h.rent_ore END AS cap_effective_ore,
    s.claimed_ore, s.reclaimed_ore, s.granted_on, s.flat_offered,
    s.place, s.nights_from, s.nights_to, s.cost_ore, s.cost_granted,
    s.support_person, s.note, h.status AS case_status,
    h.rent_ore AS household_rent_ore, h.tenancy_type AS household_tenancy_type
FROM supports s
JOIN live_households h ON h.id = s.household_id
LEFT JOIN landlords l ON l.id = s.landlord_id
"""


def _decorate(row: dict[str, Any], as_of: date) -> dict[str, Any]:
    end = row["effective_end"]
    row["status"] = support_status(row["start_on"], end, as_of)
    row["days_left"] = (date.fromisoformat(end) - as_of).days if end else None
    left_on = stay_left_on(row["nights_to"], row["ended_on"])
    if row["nights_from"] and left_on:
        row["nights"] = stay_nights(
            date.fromisoformat(row["nights_from"]), date.fromisoformat(left_on)
        )
    else:
        row["nights"] = None
    if row["cost_granted"] is not None:
        row["cost_granted"] = bool(row["cost_granted"])
    missed = state_grant_missed(
        kind=row["kind"],
        start_on=row["start_on"],
        end_on=row["end_on"],
        cap_ore=row["cap_ore"],
        cap_months=row["cap_months"],
        rent_ore=row.pop("household_rent_ore"),
        tenancy_type=row.pop("household_tenancy_type"),
    )
    row["state_grant_missed"] = missed
    row["state_grant_note"] = state_grant_note(missed)
    return row


# What a rent guarantee can miss of the state grant's conditions (rules.RENT_GUARANTEE_*),
# with the words a person reads; the *_unknown codes say that a fact to judge it by is
# not recorded.
GRANT_CONDITIONS: dict[str, str] = {
    "cover_under_six_months": N_("covers less than six months' rent"),
    "cover_unknown": N_("the rent is not recorded, so the cap cannot be judged in months"),
    "term_under_two_years": N_("runs less than two years"),
    "not_first_hand": N_("is not for a first-hand contract"),
    "tenancy_unknown": N_("the household's tenancy type is not recorded"),
}


def state_grant_missed(
    *,
    kind: str,
    start_on: str | None,
    end_on: str | None,
    cap_ore: int | None,
    cap_months: int | None,
    rent_ore: int | None,
    tenancy_type: str | None,
) -> list[str]:
    """The conditions of Boverket's state grant a rent guarantee misses (codes of
    ``GRANT_CONDITIONS``): at least six months' rent, at least two years from start to
    planned end, a first-hand contract. Empty for other kinds and for a guarantee that
    meets them all."""
    from dateutil.relativedelta import relativedelta

    if kind != SupportKind.rent_guarantee.value:
        return []
    missed: list[str] = []
    months = rules.RENT_GUARANTEE_GRANT_MIN_MONTHS
    # The cap in kronor rules when both are given, as in cap_effective_ore.
    if cap_ore is not None:
        if not rent_ore:
            missed.append("cover_unknown")
        elif cap_ore < months * rent_ore:
            missed.append("cover_under_six_months")
    elif cap_months is None or cap_months < months:
        missed.append("cover_under_six_months")
    if start_on and end_on:
        start = date.fromisoformat(start_on)
        # From 2026-01-01 to 2027-12-31 is two years.
        last = start + relativedelta(years=rules.RENT_GUARANTEE_GRANT_MIN_YEARS) - timedelta(1)
        if date.fromisoformat(end_on) < last:
            missed.append("term_under_two_years")
    else:
        missed.append("term_under_two_years")
    if tenancy_type is None:
        missed.append("tenancy_unknown")
    elif tenancy_type != TenancyType.first_hand.value:
        missed.append("not_first_hand")
    return missed


def state_grant_note(missed: list[str]) -> str | None:
    """What a rent guarantee misses of the state grant's conditions, and what cannot be
    judged for want of a recorded fact, in words; None when it meets them all."""
    if not missed:
        return None
    failed = [_(GRANT_CONDITIONS[c]) for c in missed if not c.endswith("_unknown")]
    unknown = [_(GRANT_CONDITIONS[c]) for c in missed if c.endswith("_unknown")]
    parts = []
    if failed:
        parts.append(
            _("does not meet the state grant's conditions: {what}").format(what="; ".join(failed))
        )
    if unknown:
        parts.append(
            _("the state grant's conditions cannot all be judged: {what}").format(
                what="; ".join(unknown)
            )
        )
    return "; ".join(parts)


def get_support(db: Database, support_id: int, *, as_of: date) -> dict[str, Any]:
    validate.row_id(support_id, field="ID")
    found = rows(db, _SELECT + " WHERE s.id = ?", [support_id])
    if not found:
        raise NotFound(_("no support {id}").format(id=support_id))
    return _decorate(found[0], as_of)


def list_supports(
    db: Database,
    *,
    as_of: date,
    ref: str | None = None,
    kind: str | None = None,
    year: int | None = None,
    include_ended: bool = False,
) -> list[dict[str, Any]]:
    """Supports, soonest ending first.

    By default the current and planned ones (not ended before ``as_of``); with
    ``include_ended`` all of them; with ``year`` those active at some time in that year.
    """
    where: list[str] = ["1 = 1"]
    params: dict[str, Any] = {"as_of": as_of.isoformat()}
    if ref is not None:
        where.append("s.household_id = :hid")
        params["hid"] = household_id(db, ref)
    if kind is not None:
        where.append("s.kind = :kind")
        params["kind"] = validate.choice(SupportKind, kind, field="kind").value
    if year is not None:
        validate.whole_number(year, field="year", low=MIN_YEAR, high=MAX_YEAR)
        where.append(in_force_between_sql(":year_start", ":year_end"))
        params.update(year_start=f"{year:04d}-01-01", year_end=f"{year:04d}-12-31")
    elif not include_ended:
        where.append(f"{support_status_sql(':as_of')} != 'ended'")
    found = rows(
        db,
        _SELECT
        + " WHERE "
        + " AND ".join(where)
        + f" ORDER BY {EFFECTIVE_END} IS NULL, {EFFECTIVE_END}, s.start_on, s.id",
        params,
    )
    return [_decorate(row, as_of) for row in found]


def end_support(
    db: Database,
    support_id: int,
    *,
    ended_on: date,
    reason: str | None = None,
    as_of: date,
) -> dict[str, Any]:
    """Record that a support ended (earlier or later than planned)."""
    if ended_on > as_of:
        raise InvalidInput("date", ended_on.isoformat(), _("is in the future"))
    clean_reason = validate.clean_text(
        reason, field="reason", max_length=validate.TEXT_MAX, multiline=True
    )
    with transaction(db):
        current = get_support(db, support_id, as_of=as_of)
        if current["ended_on"] is not None:
            raise Conflict(
                _("support {id} ended already on {date}").format(
                    id=support_id, date=format_date(date.fromisoformat(current["ended_on"]), "long")
                )
            )
        _check_order(date.fromisoformat(current["start_on"]), ended_on, "date")
        db.table("supports").update(
            support_id,
            {"ended_on": ended_on.isoformat(), "end_reason": clean_reason, "updated_at": now_utc()},
        )
    return get_support(db, support_id, as_of=as_of)


EDITABLE = frozenset(
    {
        "end_on",
        "note",
        "claimed",
        "reclaimed",
        "cap",
        "cap_months",
        "flat_offered",
        "cost",
        "cost_granted",
        "support_person",
        "place",
    }
)


def edit_support(
    db: Database, support_id: int, *, changes: dict[str, Any], as_of: date
) -> tuple[dict[str, tuple[Any, Any]], list[str]]:
    """Change what is learnt later (claims, the flat offered, the cost decision, …).

    Returns ``({column: (old, new)}, warnings)``.
    """
    for key in changes:
        if key not in EDITABLE:
            raise InvalidInput(key, changes[key], _("cannot be edited"))
    with transaction(db):
        current = get_support(db, support_id, as_of=as_of)
        kind = SupportKind(current["kind"])
        _check_fields(kind, set(changes) & SPECIFIC_FIELDS)
        cleaned: dict[str, Any] = {}
        for key, value in changes.items():
            if key in ("claimed", "reclaimed", "cap", "cost"):
                cleaned[f"{key}_ore"] = _amount(value, key)
            elif key == "end_on":
                _check_order(date.fromisoformat(current["start_on"]), value, "end")
                cleaned[key] = value.isoformat()
            elif key == "note":
                cleaned[key] = validate.clean_text(
                    value, field="note", max_length=validate.TEXT_MAX, multiline=True
                )
            elif key == "cost_granted":
                cleaned[key] = int(bool(value))
            elif key == "cap_months":
                if value <= 0:
                    raise InvalidInput("cap-months", str(value), _("must be at least 1"))
                cleaned[key] = value
            else:
                cleaned[key] = validate.clean_text(value, field=key.replace("_", "-"))
        raw = one(db, "SELECT * FROM supports WHERE id = ?", [support_id])
        assert raw is not None
        claimed = cleaned.get("claimed_ore", raw["claimed_ore"]) or 0
        reclaimed = cleaned.get("reclaimed_ore", raw["reclaimed_ore"]) or 0
        if reclaimed > claimed:
            raise InvalidInput(
                "reclaimed",
                format_money(Money(reclaimed)),
                _("is more than the landlord has claimed"),
            )
        diff = {k: (raw[k], v) for k, v in cleaned.items() if raw[k] != v}
        if diff:
            db.table("supports").update(
                support_id, {k: new for k, (_old, new) in diff.items()} | {"updated_at": now_utc()}
            )
        updated = get_support(db, support_id, as_of=as_of)
    return diff, _cap_warnings(updated)


def support_ending_candidates(db: Database, as_of: date, days: int) -> list[dict[str, Any]]:
    """Supports whose planned end falls within ``days`` from ``as_of``: of open cases,
    and of closed ones where the support was kept running (``household close
    --keep-running``); never of a voided case.

    Supports that have been ended already are left out. Each row has the support's
    fields (as ``list_supports``) plus ``days_left`` to its end; soonest first. This is
    what the deadline view shows and what the ``support_ending`` letter is written for.
    """
    if days < 0:
        raise InvalidInput("days", str(days), _("cannot be negative"))
    found = rows(
        db,
        _SELECT + f" WHERE {ending_between_sql(':from', ':to')} ORDER BY s.end_on, h.ref, s.id",
        {"from": as_of.isoformat(), "to": (as_of + timedelta(days=days)).isoformat()},
    )
    return [_decorate(row, as_of) for row in found]
