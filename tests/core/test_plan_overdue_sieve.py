"""The plan reminders' first sieve (``plan_standing.plan_overdue_sql``) against the one
rule in Python (``standing``): it holds exactly when an active plan has an installment
overdue on the day (so whenever the plan is behind or broken, and whenever the standing
reads an overdue day), in whatever order the due days come, with partial, late, excess
and voided payments; the daily run's reminders are the same with and without it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bostadcli.config import Policy
from bostadcli.db import open_database, rows
from bostadcli.households import NewHousehold, add_household, household_id
from bostadcli.landlords import add_landlord
from bostadcli.plan_standing import plan_overdue_sql, standing
from bostadcli.vocab import InstallmentStatus, PlanState

BASE = date(2026, 3, 1)
NOW = "2026-01-01T00:00:00Z"
offsets = st.integers(min_value=-12, max_value=40)
payment = st.tuples(offsets, st.integers(1, 900), st.integers(0, 100), st.booleans())


def _plan(db: Any, amounts: list[int], dues: list[int]) -> int:
    landlord = add_landlord(db, name="Hem AB")["id"]
    hid = household_id(db, add_household(db, NewHousehold("A"), as_of=BASE))
    plan_id = db.execute(
        "INSERT INTO plans (ref, household_id, landlord_id, debt_ore, installment_ore, months,"
        " start_month, due_rule, status, checked_state, checked_on, created_on,"
        " created_at, updated_at)"
        " VALUES ('P-0001', ?, ?, ?, ?, ?, '2026-03', 'last_working_day', 'active',"
        " 'on_track', ?, ?, ?, ?)",
        [
            hid,
            landlord,
            sum(amounts),
            amounts[0],
            len(amounts),
            BASE.isoformat(),
            BASE.isoformat(),
            NOW,
            NOW,
        ],
    ).lastrowid
    for seq, (amount, due) in enumerate(zip(amounts, dues, strict=True), start=1):
        db.execute(
            "INSERT INTO installments (plan_id, seq, month, due_on, amount_ore)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                plan_id,
                seq,
                f"{2025 + seq // 12:04d}-{seq % 12 + 1:02d}",
                (BASE + timedelta(days=due)).isoformat(),
                amount,
            ],
        )
    return int(plan_id)


@settings(max_examples=80, deadline=None)
@given(
    installments=st.lists(
        st.tuples(st.integers(1, 500), offsets), min_size=1, max_size=6
    ),  # due days in any order
    payments=st.lists(payment, max_size=6),
    on=offsets,
    behind_days=st.integers(0, 10),
    broken_after=st.integers(1, 3),
)
def test_the_sieve_holds_for_every_plan_behind_or_broken(
    installments: list[tuple[int, int]],
    payments: list[tuple[int, int, int, bool]],
    on: int,
    behind_days: int,
    broken_after: int,
) -> None:
    db = open_database(":memory:")
    amounts = [a for a, _d in installments]
    plan_id = _plan(db, amounts, [d for _a, d in installments])
    for paid_on, amount, applied_percent, void in payments:
        db.execute(
            "INSERT INTO payments (plan_id, paid_on, amount_ore, applied_ore, voided_at,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                plan_id,
                (BASE + timedelta(days=paid_on)).isoformat(),
                amount,
                amount * applied_percent // 100,
                NOW if void else None,
                NOW,
            ],
        )
    when = BASE + timedelta(days=on)
    [plan] = rows(
        db,
        f"SELECT p.*, {plan_overdue_sql('p.id', ':as_of')} AS sieve FROM plans p",
        {"as_of": when.isoformat()},
    )
    position = standing(
        plan,
        rows(db, "SELECT * FROM installments WHERE plan_id = ? ORDER BY seq", [plan_id]),
        rows(db, "SELECT * FROM live_payments WHERE plan_id = ?", [plan_id]),
        as_of=when,
        policy=Policy(plan_behind_days=behind_days, plan_broken_after_missed=broken_after),
    )
    overdue = any(i["status"] == InstallmentStatus.overdue.value for i in position.installments)
    assert bool(plan["sieve"]) == overdue
    if position.state in (PlanState.behind, PlanState.broken):
        assert plan["sieve"]


def _reminders_without_sieve(db: Any, as_of: date, period: str) -> list[tuple[int, str, Any]]:
    """The reminders as worked out before the sieve: every active plan's standing."""
    from bostadcli.plans import iter_open_case_plans, urgency

    reminded = {
        r["household_id"]
        for r in rows(
            db,
            "SELECT household_id FROM letters WHERE kind = 'plan_reminder' AND period = ?",
            [period],
        )
    }
    found: dict[str, dict[str, Any]] = {}
    for plan in iter_open_case_plans(db, as_of=as_of, policy=Policy()):
        if plan["state"] in (PlanState.behind.value, PlanState.broken.value):
            known = found.get(plan["household"])
            if known is None or urgency(plan) < urgency(known):
                found[plan["household"]] = plan
    return sorted(
        (p["household_id"], ref, p["ref"])
        for ref, p in found.items()
        if p["household_id"] not in reminded
    )


@settings(max_examples=40, deadline=None)
@given(
    plans=st.lists(
        st.tuples(
            st.integers(0, 2),  # the household
            st.lists(st.tuples(st.integers(1, 500), offsets), min_size=1, max_size=4),
            st.lists(payment, max_size=3),
        ),
        min_size=1,
        max_size=5,
    ),
    reminded=st.sets(st.integers(0, 2)),
    on=offsets,
)
def test_the_reminders_are_those_of_every_plans_standing(
    plans: list[tuple[int, list[tuple[int, int]], list[tuple[int, int, int, bool]]]],
    reminded: set[int],
    on: int,
) -> None:
    from bostadcli.letters.kinds.plan_reminder import select

    db = open_database(":memory:")
    landlord = add_landlord(db, name="Hem AB")["id"]
    homes = [
        household_id(db, add_household(db, NewHousehold(f"A{n}"), as_of=BASE)) for n in range(3)
    ]
    for number, (home, installments, payments) in enumerate(plans, start=1):
        amounts = [a for a, _d in installments]
        plan_id = db.execute(
            "INSERT INTO plans (ref, household_id, landlord_id, debt_ore, installment_ore,"
            " months, start_month, due_rule, status, checked_state, checked_on, created_on,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, '2026-03', 'last_working_day',"
            " 'active', 'on_track', ?, ?, ?, ?)",
            [
                f"P-{number:04d}",
                homes[home],
                landlord,
                sum(amounts),
                amounts[0],
                len(amounts),
                BASE.isoformat(),
                BASE.isoformat(),
                NOW,
                NOW,
            ],
        ).lastrowid
        for seq, (amount, due) in enumerate(installments, start=1):
            db.execute(
                "INSERT INTO installments (plan_id, seq, month, due_on, amount_ore)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    plan_id,
                    seq,
                    f"{2025 + seq // 12:04d}-{seq % 12 + 1:02d}",
                    (BASE + timedelta(days=due)).isoformat(),
                    amount,
                ],
            )
        for paid_on, amount, applied_percent, void in payments:
            db.execute(
                "INSERT INTO payments (plan_id, paid_on, amount_ore, applied_ore, voided_at,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    plan_id,
                    (BASE + timedelta(days=paid_on)).isoformat(),
                    amount,
                    amount * applied_percent // 100,
                    NOW if void else None,
                    NOW,
                ],
            )
    when = BASE + timedelta(days=on)
    period = when.strftime("%Y-%m")
    for home in reminded:
        db.execute(
            "INSERT INTO letters (household_id, kind, period, dated_on, recipient, format,"
            " template_version, created_at) VALUES (?, 'plan_reminder', ?, ?, 'x', 'html',"
            " 'v', 'x')",
            [homes[home], period, when.isoformat()],
        )
    found = select(db, when, period, Policy())
    assert [(c.household_id, c.ref, c.about["plan"]) for c in found] == (
        _reminders_without_sieve(db, when, period)
    )
    assert all(c.problem is None for c in found)
