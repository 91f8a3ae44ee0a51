"""A reminder that a plan installment is overdue: to a household whose plan is behind
or broken, once for each missed installment and at most once a month."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli.i18n import N_
from bostadcli.letters.kind import Candidate, LetterKind
from bostadcli.letters.kinds import _plan

if TYPE_CHECKING:
    from sqlite_utils import Database

    from bostadcli.config import Policy


def select(
    db: Database, as_of: date, period: str, policy: Policy, daily: bool = False
) -> list[Candidate]:
    """Open households with a plan behind or broken on ``as_of``: one reminder a month."""
    from bostadcli.db import one, rows
    from bostadcli.plan_standing import plan_overdue_sql

    # The month's reminder: the batch's, or one a caseworker made in that month
    # (``letter render``, recorded without a period), as a one-off first letter counts.
    this_month = """l.kind = 'plan_reminder' AND (l.period = :period
        OR (l.period IS NULL AND l.dated_on BETWEEN :period || '-01' AND :period || '-31'))"""
    params = {"as_of": as_of.isoformat(), "period": period}
    reminded = {
        r["household_id"]
        for r in rows(db, f"SELECT l.household_id FROM letters l WHERE {this_month}", params)
    }
    # Only a plan with an installment overdue and unpaid can be behind or broken (or
    # unreadable: its overdue day is read then), and a household reminded this month
    # is not reminded again: the standing is worked out for those plans alone, and on
    # a day with none (most days) nothing more is read.
    could_be_due = f"""NOT EXISTS (
        SELECT 1 FROM letters l WHERE l.household_id = p.household_id AND {this_month}
    ) AND {plan_overdue_sql("p.id", ":as_of")}"""
    try:
        sql = f"SELECT 1 FROM plans p WHERE p.status = 'active' AND {could_be_due} LIMIT 1"
        if one(db, sql, params) is None:
            return []
    except Exception:
        pass  # judged below, plan by plan
    from bostadcli.plans import iter_open_case_plans

    # A household with two plans is reminded of the more urgent one (broken before
    # behind, as plans are listed).
    broken: list[Candidate] = []
    try:
        # Plan by plan as they are read: only the plans behind or broken are kept.
        found = _most_urgent(
            iter_open_case_plans(db, as_of=as_of, policy=policy, only=could_be_due, params=params)
        )
    except Exception:
        # A plan whose records cannot be read: judge the plans case by case, so that
        # only that household's reminder fails.
        plans, broken = _plans_one_by_one(db, as_of=as_of, policy=policy)
        found = _most_urgent(plans)
    chosen = [
        Candidate(found[ref]["household_id"], ref, about={"plan": found[ref]["ref"]})
        for ref in found
        if found[ref]["household_id"] not in reminded
    ]
    return sorted(
        [c for c in chosen if not made_before(db, c.household_id, c.about, as_of, policy)]
        + [c for c in broken if c.household_id not in reminded],
        key=lambda c: c.ref,
    )


def made_before(
    db: Database, household_id: int, about: Mapping[str, Any], as_of: date, policy: Policy
) -> bool:
    """Whether a reminder about the plan (of any month, or by hand) was written when its
    newest missed installment (more than ``plan_behind_days`` late on ``as_of``) was
    due already: each overdue installment is reminded of once, not every month."""
    from datetime import timedelta

    from bostadcli.db import one

    plan = about.get("plan")
    if plan is None:
        return False
    found = one(
        db,
        """
        SELECT (SELECT max(i.due_on) FROM installments i JOIN plans p ON p.id = i.plan_id
                WHERE p.ref = :plan AND p.household_id = :hid AND i.due_on < :missed) AS due,
            (SELECT max(l.dated_on) FROM letters l
             WHERE l.household_id = :hid AND l.kind = 'plan_reminder'
                AND coalesce(CASE WHEN json_valid(l.params)
                    THEN json_extract(l.params, '$.plan') END, :plan) = :plan) AS told
        """,
        {
            "plan": str(plan),
            "hid": household_id,
            "missed": (as_of - timedelta(days=policy.plan_behind_days)).isoformat(),
        },
    )
    # A reminder told of the installments missed by its day (more than
    # plan_behind_days late then; a reminder naming no plan counts for each plan): one
    # written in an installment's grace days did not tell of that one.
    if not (found and found["due"] and found["told"]):
        return False
    told = date.fromisoformat(str(found["told"])[:10])
    missed_by_then = told - timedelta(days=policy.plan_behind_days)
    return date.fromisoformat(str(found["due"])[:10]) < missed_by_then


def _most_urgent(plans: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per household (by reference), its most urgent plan of those behind or broken:
    what a reminder needs of it (its household, reference, and the fields ``urgency``
    orders by)."""
    from bostadcli.plans import urgency
    from bostadcli.vocab import PlanState

    due = (PlanState.behind.value, PlanState.broken.value)
    found: dict[str, dict[str, Any]] = {}
    for plan in plans:
        if plan["state"] not in due:
            continue
        kept = {k: plan[k] for k in ("household_id", "ref", "state", "next_due_on")}
        known = found.get(plan["household"])
        if known is None or urgency(kept) < urgency(known):
            found[plan["household"]] = kept
    return found


def _plans_one_by_one(
    db: Database, *, as_of: date, policy: Policy
) -> tuple[list[dict[str, Any]], list[Candidate]]:
    """The active plans of open cases, household by household; the households whose
    plans cannot be read as failed candidates."""
    from bostadcli.db import rows
    from bostadcli.letters.failures import failure_message
    from bostadcli.plans import household_plans

    plans: list[dict[str, Any]] = []
    broken: list[Candidate] = []
    for case in rows(
        db,
        """
        SELECT DISTINCT h.id, h.ref FROM live_households h JOIN plans p ON p.household_id = h.id
        WHERE p.status = 'active' ORDER BY h.ref
        """,
    ):
        try:
            found = household_plans(db, case["id"], as_of=as_of, policy=policy)
        except Exception as exc:
            broken.append(Candidate(case["id"], case["ref"], problem=failure_message(exc)))
            continue
        plans += [
            p | {"household_id": case["id"], "household": case["ref"]}
            for p in found
            if p["status"] == "active"
        ]
    return plans, broken


KIND = LetterKind(
    code="plan_reminder",
    label=N_("reminder: a plan installment is overdue"),
    takes_plan=True,
    context_keys=_plan.CONTEXT_KEYS,
    add_context=_plan.add_plan,
    about=_plan.about_plan,
    select=select,
    made_before=made_before,
    refers_to=_plan.REFERS_TO,
    when="while a plan is behind or broken: once for each missed installment, at most once a month",
)
