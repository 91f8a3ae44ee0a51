"""The year report for the social welfare committee (``bostad report year``).

``year_figures`` counts the year into a ``year_tree.YearReport``; ``year_report`` is the
same as JSON-ready data. The counting rules are in ``year_figures``'s docstring and
pinned down by ``tests/core/reports/test_reports.py``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from bostadcli import rules
from bostadcli.config import Policy
from bostadcli.dates import MIN_YEAR, age_on
from bostadcli.db import rows
from bostadcli.errors import InvalidInput
from bostadcli.households import child_cutoff
from bostadcli.i18n import _
from bostadcli.plans import plan_closed, standing
from bostadcli.reports.people import person_key
from bostadcli.reports.year_tree import (
    ChildrenReached,
    EmergencyHousing,
    Evictions,
    Helped,
    Outcomes,
    PlanFigures,
    Reported,
    SupportFigures,
    Supports,
    YearReport,
    as_dict,
    counts,
)
from bostadcli.supports import WITHDRAWN, in_force_between_sql, stay_left_on, stay_nights
from bostadcli.vocab import HousingSituation, Outcome, PlanState, Reason, Source, SupportKind

if TYPE_CHECKING:
    from sqlite_utils import Database


HOUSED_OUTCOMES = (Outcome.stays.value, Outcome.rehoused.value)


def _check_year(year: int, as_of: date) -> tuple[date, date]:
    if year > as_of.year:
        raise InvalidInput(
            "year",
            str(year),
            _("is in the future (it is {year} now)").format(year=as_of.year),
        )
    if year < MIN_YEAR:
        raise InvalidInput("year", str(year), _("is before {year}").format(year=MIN_YEAR))
    start = date(year, 1, 1)
    end = min(date(year, 12, 31), as_of)
    return start, end


def _plans_in_period(db: Database, start: date, end: date) -> list[dict[str, Any]]:
    """Repayment plans in force at some time in the period: agreed on or before its end,
    and not completed, cancelled or replaced before its start."""
    return rows(
        db,
        """
        SELECT p.* FROM live_plans p
        WHERE p.created_on <= :end
            AND coalesce(p.completed_on, p.cancelled_on, :start) >= :start
        ORDER BY p.id
        """,
        {"start": start.isoformat(), "end": end.isoformat()},
    )


def _help_dates(db: Database, start: date, end: date) -> dict[int, list[date]]:
    """Per household, the days in the period it was helped by a support or a plan.

    A support helps on its start date and a repayment plan on the day it was agreed, or
    either on the first day of the period if it began before and was still in force then.
    """
    found: dict[int, list[date]] = {}
    for s in rows(
        db,
        f"""
        SELECT s.household_id, s.start_on FROM live_supports s
        WHERE {in_force_between_sql(":start", ":end")}
        """,
        {"start": start.isoformat(), "end": end.isoformat()},
    ):
        day = max(date.fromisoformat(s["start_on"]), start)
        found.setdefault(s["household_id"], []).append(day)
    for p in _plans_in_period(db, start, end):
        day = max(date.fromisoformat(p["created_on"]), start)
        found.setdefault(p["household_id"], []).append(day)
    return found


def children_reached(db: Database, help_dates: dict[int, list[date]]) -> ChildrenReached:
    """Distinct children among the members of the households helped.

    A member counts when they were under 18 (``rules.CHILD_AGE_LIMIT``) on at least one
    day their household was helped, and born by then. Each person counts once however
    many households or supports they appear in (``_person_key``). A child who lives
    full-time in any of those households is counted in ``children``; one who only ever
    lives somewhere part-time is counted in ``children_part_time``, as Kronofogden does.
    """
    if not help_dates:
        return ChildrenReached(children=0, children_part_time=0, households=0)
    marks = ",".join("?" * len(help_dates))
    members = rows(
        db,
        f"SELECT id, household_id, name, pnr, birth_date, part_time FROM members"
        f" WHERE birth_date IS NOT NULL AND household_id IN ({marks})",
        list(help_dates),
    )
    full: set[tuple[Any, ...]] = set()
    part: set[tuple[Any, ...]] = set()
    households: set[int] = set()
    for m in members:
        birth = date.fromisoformat(m["birth_date"])
        if not any(
            birth <= day and age_on(birth, day) < rules.CHILD_AGE_LIMIT
            for day in help_dates[m["household_id"]]
        ):
            continue
        (part if m["part_time"] else full).add(person_key(m))
        households.add(m["household_id"])
    return ChildrenReached(
        children=len(full), children_part_time=len(part - full), households=len(households)
    )


def year_report(
    db: Database, *, year: int, as_of: date, policy: Policy | None = None
) -> dict[str, Any]:
    """``year_figures`` as JSON-ready data (what ``report year --format json`` writes)."""
    return dict(as_dict(year_figures(db, year=year, as_of=as_of, policy=policy)))


def year_figures(
    db: Database, *, year: int, as_of: date, policy: Policy | None = None
) -> YearReport:
    """The year's figures. The period is the calendar year, cut at ``as_of`` for the
    current year (``complete`` is then false); a year after ``as_of`` is an error.

    Counting rules:

    - **reported**: households whose case was opened in the period, by ``source``, by
      ``reason`` (a case with two reasons counts under both), by ``situation`` and by
      month; ``with_children``: with a member under 18 on the day the case opened.
    - **helped**: households with a support active or a repayment plan in force at some
      time in the period, or whose case closed in the period with the outcome *stays*
      or *rehoused*. Each household once; ``with_support`` and ``with_plan`` overlap,
      ``closed_housed_only`` are those helped by neither.
    - **outcomes**: cases closed in the period, by outcome; ``stayed_share`` is
      stays / closed and ``housed_share`` (stays + rehoused) / closed (None when
      nothing closed).
    - **children**: ``children_reached`` over the households helped by a support or a
      plan in the period, each support helping on its start date and each plan on the day
      it was agreed, clamped to the period. For the current year that is the children
      reached so far, up to ``as_of``: the figure the unit is asked for through the year.
    - **supports**: per kind, ``started`` in the period, ``active`` at some time in it,
      and distinct ``households`` with an active one.
    - **emergency_housing**: stays with a night in the period; ``nights`` counts only the
      nights inside the period (up to the day the stay ended, if earlier than planned);
      ``cost_ore`` is the cost applied for of stays that began in the period,
      ``cost_granted_ore`` the part of it that was granted.
    - **evictions**: cases closed in the period with the outcome *evicted*, with the
      children under 18 on the closing day (full-time and part-time apart).
    - **plans**: see ``_plan_figures``.
    - **previous**: all of the above for the year before, over the same period: the
      whole year, or while this year is not over, 1 January to the same day a year
      before ``as_of``, so that each figure can be read beside last year's.
    """
    start, end = _check_year(year, as_of)
    this = _figures(db, year, start, end, policy=policy)
    if year - 1 < MIN_YEAR:
        return this
    before = _figures(db, year - 1, date(year - 1, 1, 1), _year_before(end), policy=policy)
    return replace(this, previous=before)


def _year_before(day: date) -> date:
    """The same day a year earlier (28 February for the 29th)."""
    return day.replace(year=day.year - 1, day=min(day.day, 28) if day.month == 2 else day.day)


def _figures(
    db: Database, year: int, start: date, end: date, *, policy: Policy | None
) -> YearReport:
    """The figures of ``start`` to ``end`` in ``year``, without a comparison."""
    closed = rows(
        db,
        "SELECT id, outcome, closed_on FROM live_households WHERE closed_on"
        " BETWEEN :start AND :end",
        {"start": start.isoformat(), "end": end.isoformat()},
    )
    plans, with_plan = _plan_figures(db, start, end, policy=policy)
    supported = _supported(db, start, end)
    housed = {c["id"] for c in closed if c["outcome"] in HOUSED_OUTCOMES}
    return YearReport(
        year=year,
        period_start=start.isoformat(),
        period_end=end.isoformat(),
        complete=end == date(year, 12, 31),
        reported=_reported(db, start, end),
        helped=Helped(
            households=len(supported | with_plan | housed),
            with_support=len(supported),
            with_plan=len(with_plan),
            closed_housed_only=len(housed - supported - with_plan),
        ),
        outcomes=_outcomes(closed),
        children=children_reached(db, _help_dates(db, start, end)),
        supports=_support_figures(db, start, end),
        emergency_housing=_emergency_figures(db, start, end),
        evictions=_evictions(db, closed),
        plans=plans,
    )


def _reported(db: Database, start: date, end: date) -> Reported:
    """Cases opened in the period: by source, reason, situation and month."""
    opened = rows(
        db,
        f"""
        SELECT h.id, h.opened_on, h.source, h.housing_situation,
            EXISTS (SELECT 1 FROM members m WHERE m.household_id = h.id
                AND m.birth_date <= h.opened_on
                AND date(m.birth_date, '+{rules.CHILD_AGE_LIMIT} years') > h.opened_on)
                AS with_children
        FROM live_households h WHERE h.opened_on BETWEEN :start AND :end
        """,
        {"start": start.isoformat(), "end": end.isoformat()},
    )
    opened_ids = {o["id"] for o in opened}
    reasons = [
        r["reason"]
        for r in rows(db, "SELECT household_id, reason FROM household_reasons")
        if r["household_id"] in opened_ids
    ]
    by_month = [0] * 12
    for o in opened:
        by_month[int(o["opened_on"][5:7]) - 1] += 1
    return Reported(
        households=len(opened),
        with_children=sum(1 for o in opened if o["with_children"]),
        by_source=counts((o["source"] for o in opened), [s.value for s in Source]),
        by_reason=counts(reasons, [r.value for r in Reason]),
        by_situation=counts(
            (o["housing_situation"] for o in opened), [s.value for s in HousingSituation]
        ),
        by_month=tuple(by_month),
    )


def _outcomes(closed: list[dict[str, Any]]) -> Outcomes:
    by_outcome = counts((c["outcome"] for c in closed), [o.value for o in Outcome])
    n_closed = len(closed)
    housed = sum(by_outcome[o] for o in HOUSED_OUTCOMES)
    return Outcomes(
        closed=n_closed,
        by_outcome=by_outcome,
        stayed_share=round(by_outcome["stays"] / n_closed, 3) if n_closed else None,
        housed_share=round(housed / n_closed, 3) if n_closed else None,
    )


def _evictions(db: Database, closed: list[dict[str, Any]]) -> Evictions:
    """Cases closed as evicted, with their children under 18 on the closing day."""
    evicted = [c for c in closed if c["outcome"] == Outcome.evicted.value]
    children = {"children": 0, "children_part_time": 0}
    for c in evicted:
        cutoff = child_cutoff(date.fromisoformat(c["closed_on"]))
        for m in rows(
            db,
            "SELECT part_time FROM members WHERE household_id = ? AND birth_date > ?"
            " AND birth_date <= ?",
            [c["id"], cutoff, c["closed_on"]],
        ):
            children["children_part_time" if m["part_time"] else "children"] += 1
    return Evictions(households=len(evicted), **children)


def _supported(db: Database, start: date, end: date) -> set[int]:
    return {
        r["household_id"]
        for r in rows(
            db,
            f"""
            SELECT DISTINCT s.household_id FROM live_supports s
            WHERE {in_force_between_sql(":start", ":end")}
            """,
            {"start": start.isoformat(), "end": end.isoformat()},
        )
    }


def _plan_figures(
    db: Database, start: date, end: date, *, policy: Policy | None
) -> tuple[PlanFigures, set[int]]:
    """Repayment plans in the period.

    ``made``: agreed in the period, ``replacing`` of them a new plan in place of an
    earlier one; ``completed``: paid off in the period; ``cancelled``: cancelled (not
    replaced) in the period; ``broken``: plans in force in the period that stood broken
    (``plans.standing`` under ``policy``) on its last day, or on the day before they were
    cancelled or replaced if that happened in the period; ``households``: with a plan in
    force at some time in the period. With them, the ids of those households.
    """
    p = {"start": start.isoformat(), "end": end.isoformat()}
    in_force = _plans_in_period(db, start, end)
    ids = [plan["id"] for plan in in_force]
    installments: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    payments: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    if ids:
        marks = ",".join("?" * len(ids))
        for row in rows(db, f"SELECT * FROM installments WHERE plan_id IN ({marks})", ids):
            installments[row["plan_id"]].append(row)
        for row in rows(db, f"SELECT * FROM live_payments WHERE plan_id IN ({marks})", ids):
            payments[row["plan_id"]].append(row)
    broken = 0
    for plan in in_force:
        day = end
        if plan_closed(plan["cancelled_on"], end):
            day = date.fromisoformat(plan["cancelled_on"]) - timedelta(days=1)
        position = standing(
            plan, installments[plan["id"]], payments[plan["id"]], as_of=day, policy=policy
        )
        broken += position.state is PlanState.broken

    def count(where: str) -> int:
        return int(rows(db, f"SELECT count(*) AS n FROM live_plans WHERE {where}", p)[0]["n"])

    households = {plan["household_id"] for plan in in_force}
    figures = PlanFigures(
        made=count("created_on BETWEEN :start AND :end"),
        replacing=count("created_on BETWEEN :start AND :end AND replaces_plan_id IS NOT NULL"),
        completed=count("completed_on BETWEEN :start AND :end"),
        cancelled=count("status = 'cancelled' AND cancelled_on BETWEEN :start AND :end"),
        broken=broken,
        households=len(households),
    )
    return figures, households


def _support_figures(db: Database, start: date, end: date) -> Supports:
    none = SupportFigures(started=0, active=0, households=0)
    by_kind: dict[str, SupportFigures] = {k.value: none for k in SupportKind}
    for r in rows(
        db,
        f"""
        SELECT s.kind,
            sum(s.start_on BETWEEN :start AND :end) AS started,
            count(*) AS active,
            count(DISTINCT s.household_id) AS households
        FROM live_supports s
        WHERE {in_force_between_sql(":start", ":end")}
        GROUP BY s.kind
        """,
        {"start": start.isoformat(), "end": end.isoformat()},
    ):
        by_kind[r["kind"]] = SupportFigures(
            started=int(r["started"]), active=int(r["active"]), households=int(r["households"])
        )
    return Supports(by_kind=MappingProxyType(by_kind))


def _emergency_figures(db: Database, start: date, end: date) -> EmergencyHousing:
    stays = rows(
        db,
        f"""
        SELECT household_id, nights_from, nights_to, ended_on, cost_ore, cost_granted
        FROM live_supports s
        WHERE kind = 'emergency_housing' AND nights_from <= :end AND nights_to > :start
            AND NOT {WITHDRAWN}
        """,
        {"start": start.isoformat(), "end": end.isoformat()},
    )
    nights = cost = granted = 0
    for s in stays:
        first = date.fromisoformat(s["nights_from"])
        leave = date.fromisoformat(stay_left_on(s["nights_to"], s["ended_on"]))
        # Nights are counted by the evening they begin: those from the later of arrival
        # and the period's first day, to the earlier of leaving and the day after its end.
        nights += max(0, stay_nights(max(first, start), min(leave, end + timedelta(days=1))))
        if start <= first <= end:
            cost += s["cost_ore"] or 0
            granted += (s["cost_ore"] or 0) if s["cost_granted"] == 1 else 0
    return EmergencyHousing(
        stays=len(stays),
        households=len({s["household_id"] for s in stays}),
        nights=nights,
        cost_ore=cost,
        cost_granted_ore=granted,
    )
