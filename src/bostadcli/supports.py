"""Support measures (insatser): rent guarantee, priority allocation, emergency housing, …

One table holds every kind. Each kind has its own fields (``KIND_FIELDS``); giving a
field to a kind it does not belong to is an error, so a typo cannot hide a value where
no report looks for it.

Dates: ``start_on`` is the first day of the support, ``end_on`` its planned last day (a
rent guarantee is always time-limited), ``ended_on`` the day it actually ended. A
support is *active* on a day from ``start_on`` up to and including the earlier of
``end_on`` and ``ended_on``. A planned support called off before it began (the family
declined, or the unit changed its plan) is *withdrawn*: ``withdrawn_on`` is the day it
was called off, before ``start_on``, and it is never in force (``support_rules``).
 An emergency stay runs from ``nights_from`` (the first
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
from typing import TYPE_CHECKING, Any

from bostadcli import rules, validate
from bostadcli.dates import MAX_YEAR, MIN_YEAR, check_not_after_as_of, format_date
from bostadcli.db import insert, now_utc, one, rows, transaction
from bostadcli.errors import Conflict, InvalidInput, NotFound
from bostadcli.households import household_id, tenant_sql
from bostadcli.i18n import _
from bostadcli.landlords import get_landlord
from bostadcli.money import Money, format_money

# "X as X": names of priority_quota.py, state_grant.py and support_rules.py stay
# importable from here.
from bostadcli.priority_quota import quota_usage as quota_usage
from bostadcli.priority_quota import quota_warnings
from bostadcli.state_grant import GRANT_CONDITIONS as GRANT_CONDITIONS
from bostadcli.state_grant import state_grant_missed as state_grant_missed
from bostadcli.state_grant import state_grant_note as state_grant_note
from bostadcli.support_rules import EFFECTIVE_END as EFFECTIVE_END
from bostadcli.support_rules import STAY_LEFT_ON as STAY_LEFT_ON
from bostadcli.support_rules import STAY_NIGHTS as STAY_NIGHTS
from bostadcli.support_rules import WITHDRAWN as WITHDRAWN
from bostadcli.support_rules import effective_end as effective_end
from bostadcli.support_rules import ending_between as ending_between
from bostadcli.support_rules import ending_between_sql as ending_between_sql
from bostadcli.support_rules import in_force_between as in_force_between
from bostadcli.support_rules import in_force_between_sql as in_force_between_sql
from bostadcli.support_rules import stay_left_on as stay_left_on
from bostadcli.support_rules import stay_nights as stay_nights
from bostadcli.support_rules import support_status as support_status
from bostadcli.support_rules import support_status_sql as support_status_sql
from bostadcli.vocab import SupportKind

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


def _check_planned_end(current: dict[str, Any], end: date, support_id: int) -> None:
    """A planned end from the start on; one before it may mean calling the support off."""
    start = date.fromisoformat(current["start_on"])
    if end >= start:
        return
    raise InvalidInput(
        "end",
        end.isoformat(),
        _(
            "is before the start ({date}); to call off a support that has not begun:"
            " bostad support end {id}"
        ).format(date=format_date(start, "long"), id=support_id),
    )


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
        # Decided by now: granted today unless said, or on the start if that has passed.
        record["granted_on"] = (new.granted_on or min(start, as_of)).isoformat()
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
        warnings += quota_warnings(
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


_SELECT = f"""
SELECT s.id, h.ref, s.household_id,
    {tenant_sql("name")} AS tenant,
    s.kind, s.start_on, s.end_on, s.ended_on, s.end_reason, {EFFECTIVE_END} AS effective_end,
    s.withdrawn_on,
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
    row["status"] = support_status(row["start_on"], end, as_of, withdrawn_on=row["withdrawn_on"])
    row["withdrawn"] = row["withdrawn_on"] is not None
    row["days_left"] = (
        (date.fromisoformat(end) - as_of).days if end and not row["withdrawn"] else None
    )
    left_on = stay_left_on(row["nights_to"], row["ended_on"])
    if row["withdrawn"]:
        row["nights"] = 0 if row["nights_from"] else None  # never began
    elif row["nights_from"] and left_on:
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

    By default the current and planned ones (not ended before ``as_of``, nor withdrawn);
    with ``include_ended`` all of them; with ``year`` those active at some time in that
    year (a withdrawn support never is).
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
        where.append(f"{support_status_sql(':as_of')} NOT IN ('ended', 'withdrawn')")
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
    """Record that a support ended (earlier or later than planned).

    A support that has not begun on ``as_of`` is withdrawn: called off on ``ended_on``
    (which is never after ``as_of``), it never begins and no report counts it.
    """
    check_not_after_as_of(ended_on, as_of, field="date")
    clean_reason = validate.clean_text(
        reason, field="reason", max_length=validate.TEXT_MAX, multiline=True
    )
    with transaction(db):
        current = get_support(db, support_id, as_of=as_of)
        if current["ended_on"] is not None or current["withdrawn"]:
            done = date.fromisoformat(current["withdrawn_on"] or current["ended_on"])
            message = (
                _("support {id} was withdrawn already on {date}")
                if current["withdrawn"]
                else _("support {id} ended already on {date}")
            )
            raise Conflict(message.format(id=support_id, date=format_date(done, "long")))
        record = {"ended_on": ended_on.isoformat()}
        if current["start_on"] > as_of.isoformat():
            # Not begun: withdrawn on the day, it never runs (support_rules.WITHDRAWN).
            record = {"withdrawn_on": ended_on.isoformat()}
        else:
            _check_order(date.fromisoformat(current["start_on"]), ended_on, "date")
        db.table("supports").update(
            support_id, record | {"end_reason": clean_reason, "updated_at": now_utc()}
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
        if current["withdrawn"] and set(changes) - {"note"}:
            # It never began: no end, cost, claim or cap to learn later; a note may say why.
            raise Conflict(
                _(
                    "support {id} was withdrawn on {date} and never began: only its note"
                    " can be changed"
                ).format(
                    id=support_id,
                    date=format_date(date.fromisoformat(current["withdrawn_on"]), "long"),
                )
            )
        kind = SupportKind(current["kind"])
        _check_fields(kind, set(changes) & SPECIFIC_FIELDS)
        cleaned: dict[str, Any] = {}
        for key, value in changes.items():
            if key in ("claimed", "reclaimed", "cap", "cost"):
                cleaned[f"{key}_ore"] = _amount(value, key)
            elif key == "end_on":
                _check_planned_end(current, value, support_id)
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
