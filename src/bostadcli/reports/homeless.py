"""Homelessness as Socialstyrelsen maps it (``bostad report homeless``): persons aged 18
and over per situation on a day, and children apart."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli.db import rows
from bostadcli.households import child_cutoff
from bostadcli.reports.people import person_key
from bostadcli.vocab import HousingSituation, TenancyType

if TYPE_CHECKING:
    from sqlite_utils import Database


HOMELESS_SITUATIONS = (
    HousingSituation.homeless_acute,
    HousingSituation.homeless_institution,
    HousingSituation.homeless_long_term,
    HousingSituation.homeless_short_term,
)


# Socialstyrelsen's situation 3: long-term housing solutions the municipality arranges
# (social contract, municipal sublet, training flat on the secondary housing market).
LONG_TERM_MUNICIPAL_TENANCIES = (
    TenancyType.social_contract.value,
    TenancyType.municipal_sublet.value,
    TenancyType.training_flat.value,
)


def homeless_situation(recorded: str, tenancy_type: str | None) -> str | None:
    """The situation a household is counted in: the recorded homelessness situation, or
    situation 3 when it lives on a long-term municipal tenancy, whichever is more acute
    (the lower number). None: not homeless by Socialstyrelsen's definition."""
    order = [s.value for s in HOMELESS_SITUATIONS]
    candidates = [recorded] if recorded in order else []
    if tenancy_type in LONG_TERM_MUNICIPAL_TENANCIES:
        candidates.append(HousingSituation.homeless_long_term.value)
    return min(candidates, key=order.index) if candidates else None


def homeless_count(db: Database, *, on: date) -> list[dict[str, Any]]:
    """Socialstyrelsen's count on ``on``: persons aged 18 and over per situation, and
    children in their own columns, never added into the persons; a ``total`` row last.

    From the households whose case was open that day (opened on or before it, not closed
    on or before it) and that are homeless by ``homeless_situation``: a recorded
    homelessness situation, or a long-term municipal tenancy (situation 3). The
    situation is the one recorded now: the database keeps no history of it, so run the
    count on (or soon after) the mapping's date. Members born after ``on`` are left out;
    a member under 18 that day is a child (``children``, or ``children_part_time`` if
    they live there part of the time); everyone else, a member without a birth date
    included, is a person aged 18 or over (``persons_18_plus``; ``adults`` is the same
    figure under its old name). A person in two such households counts once, in the
    more acute situation (the lower number), identified as in the year report.
    """
    params = {"on": on.isoformat(), "cutoff": child_cutoff(on)}
    placeholders = ", ".join(f"'{t}'" for t in LONG_TERM_MUNICIPAL_TENANCIES)
    members = rows(
        db,
        f"""
        SELECT m.id, m.household_id, m.name, m.pnr, m.birth_date, m.part_time,
            h.housing_situation, h.tenancy_type,
            (m.birth_date IS NOT NULL AND m.birth_date > :cutoff) AS is_child
        FROM members m JOIN live_households h ON h.id = m.household_id
        WHERE (h.housing_situation LIKE 'homeless_%' OR h.tenancy_type IN ({placeholders}))
            AND h.opened_on <= :on AND (h.closed_on IS NULL OR h.closed_on > :on)
            AND (m.birth_date IS NULL OR m.birth_date <= :on)
        """,
        params,
    )
    order = [s.value for s in HOMELESS_SITUATIONS]
    for m in members:
        m["situation"] = homeless_situation(m["housing_situation"], m["tenancy_type"])
    members = [m for m in members if m["situation"] is not None]
    members.sort(key=lambda m: (order.index(m["situation"]), m["id"]))
    figures = HOMELESS_FIGURES
    result: dict[str, dict[str, Any]] = {
        s: {"situation": s} | dict.fromkeys(figures, 0) for s in order
    }
    seen: set[tuple[Any, ...]] = set()
    households: dict[str, set[int]] = {s: set() for s in order}
    for m in members:
        households[m["situation"]].add(m["household_id"])
        key = person_key(m)
        if key in seen:
            continue
        seen.add(key)
        row = result[m["situation"]]
        if not m["is_child"]:
            row["persons_18_plus"] += 1
            row["adults"] += 1
        elif m["part_time"]:
            row["children_part_time"] += 1
        else:
            row["children"] += 1
    for s in order:
        result[s]["households"] = len(households[s])
    total = {"situation": "total"} | {k: sum(r[k] for r in result.values()) for k in figures}
    return [*result.values(), total]


# The figures of each row of the count, in column order. ``persons_18_plus`` is
# Socialstyrelsen's "persons"; ``adults`` the same number under the name it had before;
# children are never added into either.
HOMELESS_FIGURES = ("households", "persons_18_plus", "adults", "children", "children_part_time")
