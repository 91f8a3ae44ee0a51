"""How a repayment plan stands on a day: the one rule, in Python and in SQL.

Pure functions over a plan's rows (no database); ``plans.py`` reads the rows and uses
them, and the SQL fragments let a query apply the same rule (a property test checks
that the two agree).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from bostadcli.config import Policy
from bostadcli.vocab import InstallmentStatus, PlanState, PlanStatus

_CLOSED = {PlanStatus.cancelled.value, PlanStatus.replaced.value}


@dataclass(frozen=True)
class Standing:
    """How a plan stands on one day."""

    state: PlanState
    paid_ore: int
    remaining_ore: int
    overdue_ore: int
    missed: int
    next_due_on: str | None
    next_due_ore: int | None
    installments: list[dict[str, Any]]


def _policy(policy: Policy | None) -> Policy:
    return policy if policy is not None else Policy()


# What is paid on a plan and how each installment stands on a day, the one rule: in
# Python (``paid_by``, ``schedule.allocate``, ``installment_status``) and, for queries
# that need it, as SQL (``plan_paid_sql``, ``installment_paid_sql``):
# - paid on a day: the applied part of the plan's payments dated on or before it, voided
#   payments left out (``live_payments``);
# - that sum is spread over the installments oldest first, none paid more than it is due;
# - an installment is paid when its share covers it; overdue when not, its due date has
#   passed, and the plan was not closed (cancelled or replaced) by then; else unpaid.


def plan_paid_sql(plan: str = "p.id", on: str = ":as_of") -> str:
    """SQL: öre paid on the plan whose id is the SQL expression ``plan`` by payments
    dated on or before ``on`` (an SQL expression, by default the parameter ``:as_of``)."""
    return (
        f"(SELECT coalesce(sum(y.applied_ore), 0) FROM live_payments y"
        f" WHERE y.plan_id = {plan} AND y.paid_on <= {on})"
    )


def installment_paid_sql(
    installment: str = "i", on: str = ":as_of", plan: str | None = None
) -> str:
    """SQL: öre paid on ``on`` towards the installment row ``installment`` (an alias of
    ``installments``), payments applied oldest installment first. ``plan`` is an SQL
    expression for its plan's id (by default the installment's ``plan_id``)."""
    i = installment
    paid = plan_paid_sql(plan if plan is not None else f"{i}.plan_id", on)
    return (
        f"max(0, min({i}.amount_ore, {paid}"
        f" - (SELECT coalesce(sum(e.amount_ore), 0) FROM installments e"
        f" WHERE e.plan_id = {i}.plan_id AND e.seq < {i}.seq)))"
    )


def plan_overdue_sql(plan: str = "p.id", on: str = ":as_of") -> str:
    """SQL: whether the plan whose id is the SQL expression ``plan`` has an installment
    due before ``on`` and not paid on ``on`` (payments applied oldest installment first,
    as ``installment_paid_sql``). It holds for every open plan that is behind or broken
    on ``on`` (``standing``), and for some that are not (overdue for fewer days than the
    policy allows, paid off, or closed): a query's first sieve, before ``standing``."""
    cumulative = (
        f"(SELECT coalesce(sum(e.amount_ore), 0) FROM installments e"
        f" WHERE e.plan_id = {plan} AND e.seq <= (SELECT max(d.seq) FROM installments d"
        f" WHERE d.plan_id = {plan} AND d.due_on < {on}))"
    )
    return f"({cumulative} > {plan_paid_sql(plan, on)})"


def paid_by(payments: Iterable[Mapping[str, Any]], on: date) -> int:
    """Python for ``plan_paid_sql``: öre applied by the (live) ``payments`` dated on or
    before ``on``."""
    day = on.isoformat()
    return sum(int(p["applied_ore"]) for p in payments if p["paid_on"] <= day)


def plan_closed(cancelled_on: str | None, on: date) -> bool:
    """Whether a plan was closed by ``on``: cancelled or replaced on or before it. (A plan
    has ``cancelled_on`` exactly when it is cancelled or replaced: a CHECK of the plans
    table.) A closed plan no longer falls due: nothing in it is overdue."""
    return cancelled_on is not None and cancelled_on <= on.isoformat()


def installment_status(
    amount_ore: int, paid_ore: int, due_on: str, *, on: date, closed: bool
) -> tuple[InstallmentStatus, int | None]:
    """How an installment stands on ``on`` with ``paid_ore`` paid towards it (its share of
    ``paid_by``), and the days it is overdue (None unless overdue). ``closed``: the plan
    was closed by then (``plan_closed``)."""
    if paid_ore >= amount_ore:
        return InstallmentStatus.paid, None
    if due_on < on.isoformat() and not closed:
        return InstallmentStatus.overdue, (on - date.fromisoformat(due_on)).days
    return InstallmentStatus.unpaid, None


def standing(
    plan: Mapping[str, Any],
    installments: Iterable[Mapping[str, Any]],
    payments: Iterable[Mapping[str, Any]],
    *,
    as_of: date,
    policy: Policy | None = None,
) -> Standing:
    """The state of a plan on ``as_of`` from its installments and payments (pure)."""
    from bostadcli.repayment_schedule import allocate  # not needed by the SQL fragments

    rules = _policy(policy)
    # A cancelled or replaced plan no longer falls due: nothing in it is overdue.
    closed = plan["status"] in _CLOSED and plan_closed(plan.get("cancelled_on"), as_of)
    items = sorted(installments, key=lambda i: int(i["seq"]))
    shares = allocate([int(i["amount_ore"]) for i in items], paid_by(payments, as_of))
    out: list[dict[str, Any]] = []
    missed = overdue = 0
    next_due_on: str | None = None
    next_due_ore: int | None = None
    for item, paid in zip(items, shares, strict=True):
        amount = int(item["amount_ore"])
        status, days_overdue = installment_status(
            amount, paid, item["due_on"], on=as_of, closed=closed
        )
        if days_overdue is not None:
            overdue += amount - paid
            if days_overdue > rules.plan_behind_days:
                missed += 1
        if paid < amount and next_due_on is None and not closed:
            next_due_on, next_due_ore = item["due_on"], amount - paid
        out.append(
            {
                "seq": int(item["seq"]),
                "month": item["month"],
                "due_on": item["due_on"],
                "amount_ore": amount,
                "paid_ore": paid,
                "status": status.value,
                "days_overdue": days_overdue,
            }
        )
    paid_ore = sum(shares)
    remaining = int(plan["debt_ore"]) - paid_ore
    if closed:
        state = PlanState(plan["status"])
    elif remaining <= 0:
        state = PlanState.completed
    elif missed >= max(rules.plan_broken_after_missed, 1):
        state = PlanState.broken
    elif missed:
        state = PlanState.behind
    else:
        state = PlanState.on_track
    return Standing(state, paid_ore, remaining, overdue, missed, next_due_on, next_due_ore, out)
