"""Caseload: open cases per caseworker, landlord and reason (``bostad report caseload``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from bostadcli import rules
from bostadcli.db import rows
from bostadcli.households import child_cutoff

if TYPE_CHECKING:
    from sqlite_utils import Database


def caseload(db: Database, *, as_of: date) -> dict[str, Any]:
    """Cases open on ``as_of`` per caseworker, per landlord and per reason.

    A case is open on a day when it was opened on or before it and not closed on or
    before it. Each row: ``key`` (None for "none recorded"), ``open_cases``,
    ``with_children`` (households with a member under 18, part-time or not),
    ``children``, ``children_part_time``, ``arrears_ore`` (sum), and ``urgent``
    (cases with a recovery deadline or eviction date within
    ``rules.DEADLINE_VIEW_DAYS`` days, not yet passed). A case with two reasons is in
    both reason rows, so those rows can add up to more than ``total``.
    """
    params = {
        "as_of": as_of.isoformat(),
        "cutoff": child_cutoff(as_of),
        "urgent_to": (as_of + timedelta(days=rules.DEADLINE_VIEW_DAYS)).isoformat(),
    }
    cases = rows(
        db,
        """
        SELECT h.id, h.caseworker, l.name AS landlord, h.arrears_ore,
            (SELECT count(*) FROM members m WHERE m.household_id = h.id AND m.part_time = 0
             AND m.birth_date > :cutoff AND m.birth_date <= :as_of) AS children,
            (SELECT count(*) FROM members m WHERE m.household_id = h.id AND m.part_time = 1
             AND m.birth_date > :cutoff AND m.birth_date <= :as_of) AS children_part_time,
            EXISTS (SELECT 1 FROM household_deadlines d WHERE d.household_id = h.id
                AND d.due_on BETWEEN :as_of AND :urgent_to) AS urgent
        FROM live_households h LEFT JOIN landlords l ON l.id = h.landlord_id
        WHERE h.opened_on <= :as_of AND (h.closed_on IS NULL OR h.closed_on > :as_of)
        """,
        params,
    )
    reasons: dict[int, list[str | None]] = {}
    for r in rows(db, "SELECT household_id, reason FROM household_reasons ORDER BY reason"):
        reasons.setdefault(r["household_id"], []).append(r["reason"])

    def group(keys: Iterable[tuple[str | None, dict[str, Any]]]) -> list[dict[str, Any]]:
        out: dict[str | None, dict[str, Any]] = {}
        for key, case in keys:
            g = out.setdefault(
                key,
                {
                    "key": key,
                    "open_cases": 0,
                    "with_children": 0,
                    "children": 0,
                    "children_part_time": 0,
                    "arrears_ore": 0,
                    "urgent": 0,
                },
            )
            g["open_cases"] += 1
            g["with_children"] += int(case["children"] + case["children_part_time"] > 0)
            g["children"] += case["children"]
            g["children_part_time"] += case["children_part_time"]
            g["arrears_ore"] += case["arrears_ore"]
            g["urgent"] += int(bool(case["urgent"]))
        return sorted(out.values(), key=lambda g: (-g["open_cases"], g["key"] is None, g["key"]))

    return {
        "as_of": as_of.isoformat(),
        "total": len(cases),
        "by_caseworker": group((c["caseworker"], c) for c in cases),
        "by_landlord": group((c["landlord"], c) for c in cases),
        "by_reason": group((reason, c) for c in cases for reason in reasons.get(c["id"]) or [None]),
    }
