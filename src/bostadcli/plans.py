"""Repayment plans (avbetalningsplaner): the schedule, the payments, and how a plan stands.

A plan belongs to a household and to its landlord, the creditor. What was done to a
plan is its stored ``status`` (active, completed, cancelled, replaced). How it stands
on a day is its computed ``state``:

- completed: everything paid by that day; cancelled / replaced: closed by the caseworker;
- otherwise count the *missed* installments: not fully paid more than
  ``policy.plan_behind_days`` days after their due date (default 7, the week after which
  rent is late under jordabalken 12 kap. 42 §);
- broken: at least ``policy.plan_broken_after_missed`` missed (default 2);
- behind: at least one missed; on track: none.

Only payments dated on or before the day count, so the state as of any day can be
recomputed. Payments are applied to installments oldest first and carry forward.
``checked_state`` is the state the last ``check_plans`` saw (or the state at creation),
so each check reports what changed since.

The rule of how a plan stands is in ``plan_standing.py``; the steps of a new plan in
``plan_drafts.py``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.config import Policy
from bostadcli.contacts import add_contact
from bostadcli.dates import check_not_after_as_of
from bostadcli.db import insert, next_counter, now_utc, one, rows, transaction
from bostadcli.errors import Conflict, InvalidInput, NotFound
from bostadcli.households import household_id, tenant_sql
from bostadcli.i18n import _, ngettext
from bostadcli.landlords import get_landlord
from bostadcli.money import Money, format_money

# How a plan stands is plan_standing.py; "X as X": its names stay importable from here.
from bostadcli.plan_standing import Standing, plan_overdue_sql
from bostadcli.plan_standing import installment_paid_sql as installment_paid_sql
from bostadcli.plan_standing import installment_status as installment_status
from bostadcli.plan_standing import paid_by as paid_by
from bostadcli.plan_standing import plan_closed as plan_closed
from bostadcli.plan_standing import plan_paid_sql as plan_paid_sql
from bostadcli.plan_standing import standing as standing
from bostadcli.repayment_schedule import DueRule, allocate
from bostadcli.rules import CASE_NUMBER_DIGITS, NORMALBELOPP, PART_TIME_CHILD_NORM_PERCENT
from bostadcli.vocab import ContactKind, PlanState, PlanStatus

if TYPE_CHECKING:
    from sqlite_utils import Database

# Most urgent first in listings.
_STATE_ORDER = {
    PlanState.broken: 0,
    PlanState.behind: 1,
    PlanState.on_track: 2,
    PlanState.completed: 3,
    PlanState.cancelled: 4,
    PlanState.replaced: 5,
}
# SQLite's limit on bound parameters is far above this; chunks keep queries modest.
_CHUNK = 500


@dataclass
class NewPlan:
    """What ``bostad plan create`` asks for. Without ``debt``, a plan that ``replaces``
    another takes over its unpaid remainder."""

    debt: Money | None = None
    installment: Money | None = None
    months: int | None = None
    start: date | None = None
    due: DueRule | str = field(default_factory=DueRule)
    first_due: date | None = None
    whole_kronor: bool = True
    income: Money | None = None
    replaces: str | None = None
    note: str | None = None


_PLAN_SQL = f"""
SELECT p.*, h.ref AS household, l.name AS landlord,
    {tenant_sql("name")} AS tenant,
    (SELECT o.ref FROM plans o WHERE o.id = p.replaces_plan_id) AS replaces,
    (SELECT n.ref FROM plans n WHERE n.replaces_plan_id = p.id
     ORDER BY n.id DESC LIMIT 1) AS replaced_by
FROM plans p
JOIN live_households h ON h.id = p.household_id
JOIN landlords l ON l.id = p.landlord_id
"""


def _plan_row(db: Database, plan_ref: str) -> dict[str, Any]:
    ref = validate.plan_ref(plan_ref)
    found = one(db, _PLAN_SQL + " WHERE p.ref = ?", [ref])
    if found is None:
        raise NotFound(_("no plan {ref}").format(ref=ref))
    return found


def _children(
    db: Database, plan_ids: list[int]
) -> tuple[dict[int, list[Any]], dict[int, list[Any]]]:
    """Installments and payments of the plans, grouped by plan id."""
    installments: dict[int, list[Any]] = {pid: [] for pid in plan_ids}
    payments: dict[int, list[Any]] = {pid: [] for pid in plan_ids}
    for start in range(0, len(plan_ids), _CHUNK):
        chunk = plan_ids[start : start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        for row in rows(
            db, f"SELECT * FROM installments WHERE plan_id IN ({marks}) ORDER BY seq", chunk
        ):
            installments[row["plan_id"]].append(row)
        for row in rows(
            db,
            f"SELECT * FROM live_payments WHERE plan_id IN ({marks}) ORDER BY paid_on, id",
            chunk,
        ):
            payments[row["plan_id"]].append(row)
    return installments, payments


def _summary(plan: Mapping[str, Any], position: Standing) -> dict[str, Any]:
    return {
        "ref": plan["ref"],
        "household": plan["household"],
        "tenant": plan["tenant"],
        "landlord": plan["landlord"],
        "status": plan["status"],
        "state": position.state.value,
        "debt_ore": plan["debt_ore"],
        "installment_ore": plan["installment_ore"],
        "months": plan["months"],
        "start_month": plan["start_month"],
        "paid_ore": position.paid_ore,
        "remaining_ore": position.remaining_ore,
        "overdue_ore": position.overdue_ore,
        "missed": position.missed,
        "next_due_on": position.next_due_on,
        "next_due_ore": position.next_due_ore,
        "created_on": plan["created_on"],
        "replaces": plan["replaces"],
        "replaced_by": plan["replaced_by"],
    }


def _document(
    db: Database,
    plan: Mapping[str, Any],
    installments: list[Any],
    payments: list[Any],
    *,
    as_of: date,
    policy: Policy | None,
    normalbelopp: Mapping[int, Mapping[str, int]] | None,
) -> dict[str, Any]:
    position = standing(plan, installments, payments, as_of=as_of, policy=policy)
    doc = _summary(plan, position)
    doc.update(
        last_installment_ore=installments[-1]["amount_ore"],
        due_rule=plan["due_rule"],
        whole_kronor=bool(plan["whole_kronor"]),
        cancelled_on=plan["cancelled_on"],
        completed_on=plan["completed_on"],
        income_ore=plan["income_ore"],
        note=plan["note"],
        installments=position.installments,
        payments=[
            {
                "id": p["id"],
                "paid_on": p["paid_on"],
                "amount_ore": p["amount_ore"],
                "applied_ore": p["applied_ore"],
                "excess_ore": p["amount_ore"] - p["applied_ore"],
                "note": p["note"],
            }
            for p in payments
        ],
        affordability=None,
    )
    if plan["income_ore"] is not None:
        # Here, not at the top: the deadline screen loads this module and needs no norms.
        from bostadcli.affordability import household_affordability

        doc["affordability"] = household_affordability(
            db,
            plan["household_id"],
            income=Money(plan["income_ore"]),
            installment=Money(plan["installment_ore"]),
            as_of=as_of,
            table=normalbelopp if normalbelopp is not None else NORMALBELOPP,
            part_time_percent=policy.part_time_child_norm_percent
            if policy is not None
            else PART_TIME_CHILD_NORM_PERCENT,
        ).as_dict()
    return doc


def show_plan(
    db: Database,
    plan_ref: str,
    *,
    as_of: date,
    policy: Policy | None = None,
    normalbelopp: Mapping[int, Mapping[str, int]] | None = None,
) -> dict[str, Any]:
    """A plan with its schedule (paid, unpaid, overdue per installment) and payments."""
    plan = _plan_row(db, plan_ref)
    installments, payments = _children(db, [plan["id"]])
    return _document(
        db,
        plan,
        installments[plan["id"]],
        payments[plan["id"]],
        as_of=as_of,
        policy=policy,
        normalbelopp=normalbelopp,
    )


def allocate_plan_ref(db: Database) -> str:
    """The next plan reference, P-NNNN, inside the caller's transaction."""
    return f"P-{next_counter(db, 'plan'):0{CASE_NUMBER_DIGITS}d}"


def _unpaid(db: Database, plan_id: int, debt_ore: int) -> int:
    paid = one(
        db,
        "SELECT coalesce(sum(paid_ore), 0) AS paid FROM installments WHERE plan_id = ?",
        [plan_id],
    )
    assert paid is not None
    return debt_ore - int(paid["paid"])


def create_plan(
    db: Database,
    ref: str,
    new: NewPlan,
    *,
    as_of: date,
    dry_run: bool = False,
    policy: Policy | None = None,
    normalbelopp: Mapping[int, Mapping[str, int]] | None = None,
) -> dict[str, Any]:
    """Agree a plan for household ``ref``; with ``dry_run``, only show what it would be.

    With ``replaces``, the old plan (same household, still active) is closed as
    replaced and, unless a debt is given, its unpaid remainder becomes the new debt.
    Returns the plan as ``show_plan`` does (``ref`` None in a dry run).
    """
    from bostadcli.plan_drafts import checked_terms, draft_plan, installment_rows, store_plan

    terms = checked_terms(new, as_of=as_of)
    if dry_run:
        draft = draft_plan(db, ref, new, terms, as_of=as_of)
        return _document(
            db,
            draft.record,
            installment_rows(draft.schedule),
            [],
            as_of=as_of,
            policy=policy,
            normalbelopp=normalbelopp,
        )
    with transaction(db):
        draft = draft_plan(db, ref, new, terms, as_of=as_of)
        plan_ref = store_plan(db, draft, as_of=as_of, policy=policy)
    return show_plan(db, plan_ref, as_of=as_of, policy=policy, normalbelopp=normalbelopp)


def _log(db: Database, household: str, text: str, *, on: date, as_of: date) -> None:
    add_contact(
        db, household, kind=ContactKind.plan.value, on=on, text=text, as_of=as_of, automatic=True
    )


def record_payment(
    db: Database,
    plan_ref: str,
    *,
    amount: Money,
    paid_on: date,
    as_of: date,
    allow_overpay: bool = False,
    note: str | None = None,
) -> dict[str, Any]:
    """Record a payment, applied to the installments oldest first.

    What is more than the installment due carries forward to the next ones. A payment
    larger than all that remains is refused unless ``allow_overpay``; then the excess
    is recorded on the payment and no installment is paid more than it is due.
    """
    if amount.ore <= 0:
        raise InvalidInput("amount", format_money(amount), _("must be more than zero"))
    check_not_after_as_of(paid_on, as_of, field="date")
    clean_note = validate.clean_text(
        note, field="note", max_length=validate.TEXT_MAX, multiline=True
    )
    with transaction(db):
        plan = _plan_row(db, plan_ref)
        _refuse_unless_active(plan)
        remaining, applied = _apply_payment(db, plan, amount, allow_overpay=allow_overpay)
        payment_id = insert(
            db,
            "payments",
            {
                "plan_id": plan["id"],
                "paid_on": paid_on.isoformat(),
                "amount_ore": amount.ore,
                "applied_ore": applied,
                "note": clean_note,
                "created_at": now_utc(),
            },
        )
        completed = applied == remaining
        changes: dict[str, Any] = {"updated_at": now_utc()}
        if completed:
            changes.update(_completion(db, plan, paid_on=paid_on, as_of=as_of))
        db.table("plans").update(plan["id"], changes)
    return {
        "plan": plan["ref"],
        "household": plan["household"],
        "payment": payment_id,
        "paid_on": paid_on.isoformat(),
        "agreed_on": plan["created_on"],
        "amount_ore": amount.ore,
        "applied_ore": applied,
        "excess_ore": amount.ore - applied,
        "remaining_ore": remaining - applied,
        "completed": completed,
    }


def _refuse_unless_active(plan: Mapping[str, Any]) -> None:
    """Payments go to the plan in force, never to one paid in full or closed."""
    if plan["status"] != PlanStatus.active.value:
        reason = (
            _("{plan} is paid in full")
            if plan["status"] == PlanStatus.completed.value
            else _("{plan} is {status}: payments go to the plan in force")
        )
        raise Conflict(reason.format(plan=plan["ref"], status=PlanStatus(plan["status"]).label))


def _apply_payment(
    db: Database, plan: Mapping[str, Any], amount: Money, *, allow_overpay: bool
) -> tuple[int, int]:
    """Pay the installments oldest first with ``amount``; returns (what remained before,
    what was applied). More than remains is refused unless ``allow_overpay``."""
    items = rows(
        db,
        "SELECT id, amount_ore, paid_ore FROM installments WHERE plan_id = ? ORDER BY seq",
        [plan["id"]],
    )
    paid_before = sum(int(i["paid_ore"]) for i in items)
    remaining = int(plan["debt_ore"]) - paid_before
    if amount.ore > remaining and not allow_overpay:
        raise InvalidInput(
            "amount",
            format_money(amount),
            _("more than what remains ({remaining}); record it anyway with --allow-overpay").format(
                remaining=format_money(Money(remaining))
            ),
        )
    applied = min(amount.ore, remaining)
    shares = allocate([int(i["amount_ore"]) for i in items], paid_before + applied)
    for item, share in zip(items, shares, strict=True):
        if share != item["paid_ore"]:
            db.execute("UPDATE installments SET paid_ore = ? WHERE id = ?", [share, item["id"]])
    return remaining, applied


def _completion(
    db: Database, plan: Mapping[str, Any], *, paid_on: date, as_of: date
) -> dict[str, Any]:
    """The plan's columns once paid in full (completed on its last payment's day), noted
    in the contact log."""
    last_paid = one(
        db, "SELECT max(paid_on) AS d FROM live_payments WHERE plan_id = ?", [plan["id"]]
    )
    assert last_paid is not None
    _log(
        db,
        plan["household"],
        _("Repayment plan {plan} completed: {debt} paid.").format(
            plan=plan["ref"], debt=format_money(Money(plan["debt_ore"]))
        ),
        on=paid_on,
        as_of=as_of,
    )
    return {"status": PlanStatus.completed.value, "completed_on": last_paid["d"]}


def cancel_plan(
    db: Database,
    plan_ref: str,
    *,
    cancelled_on: date,
    as_of: date,
    note: str | None = None,
) -> dict[str, Any]:
    """Close an active plan without replacing it; its unpaid remainder stays owed."""
    check_not_after_as_of(cancelled_on, as_of, field="date")
    reason = validate.clean_text(note, field="note", max_length=validate.TEXT_MAX, multiline=True)
    with transaction(db):
        plan = _plan_row(db, plan_ref)
        if plan["status"] != PlanStatus.active.value:
            raise Conflict(
                _("{plan} is {status} already").format(
                    plan=plan["ref"], status=PlanStatus(plan["status"]).label
                )
            )
        if cancelled_on.isoformat() < plan["created_on"]:
            raise InvalidInput("date", cancelled_on.isoformat(), _("is before the plan was agreed"))
        unpaid = _unpaid(db, plan["id"], plan["debt_ore"])
        db.table("plans").update(
            plan["id"],
            {
                "status": PlanStatus.cancelled.value,
                "cancelled_on": cancelled_on.isoformat(),
                "updated_at": now_utc(),
            },
        )
        text = _("Repayment plan {plan} cancelled with {unpaid} unpaid.").format(
            plan=plan["ref"], unpaid=format_money(Money(unpaid))
        )
        if reason:
            text += " " + reason
        _log(db, plan["household"], text, on=cancelled_on, as_of=as_of)
    return {"plan": plan["ref"], "household": plan["household"], "unpaid_ore": unpaid}


def list_plans(
    db: Database,
    *,
    as_of: date,
    state: str | None = None,
    include_finished: bool = False,
    landlord: str | None = None,
    household: str | None = None,
    policy: Policy | None = None,
) -> list[dict[str, Any]]:
    """Plans as they stand on ``as_of``, broken and behind first.

    Without ``state`` or ``include_finished``, only active plans are listed.
    """
    wanted = validate.choice(PlanState, state, field="state") if state else None
    where: list[str] = ["1 = 1"]
    params: dict[str, Any] = {}
    if wanted is None and not include_finished:
        where.append("p.status = 'active'")
    if landlord:
        params["landlord_id"] = get_landlord(db, landlord)["id"]
        where.append("p.landlord_id = :landlord_id")
    if household:
        params["household_id"] = household_id(db, household)
        where.append("p.household_id = :household_id")
    return _summaries(db, " AND ".join(where), params, as_of=as_of, policy=policy, state=wanted)


def plans_overdue(
    db: Database, *, as_of: date, policy: Policy | None = None
) -> list[dict[str, Any]]:
    """The active plans with an installment overdue on ``as_of``, as ``list_plans``
    lists them: only their installments and payments are read (the deadline screen)."""
    # An installment is overdue when its due day has passed and what was paid by then,
    # spread oldest first, does not reach the end of it: the daily run's sieve
    # (``plan_overdue_sql``), then ``standing`` for the plans it lets through.
    overdue = f"p.status = 'active' AND {plan_overdue_sql()}"
    return _summaries(db, overdue, {"as_of": as_of.isoformat()}, as_of=as_of, policy=policy)


def _summaries(
    db: Database,
    where: str,
    params: Mapping[str, Any],
    *,
    as_of: date,
    policy: Policy | None,
    state: PlanState | None = None,
) -> list[dict[str, Any]]:
    plans = rows(db, f"{_PLAN_SQL} WHERE {where} ORDER BY p.id", params)
    installments, payments = _children(db, [p["id"] for p in plans])
    out = []
    for plan in plans:
        position = standing(
            plan, installments[plan["id"]], payments[plan["id"]], as_of=as_of, policy=policy
        )
        if state is not None and position.state is not state:
            continue
        out.append(_summary(plan, position))
    out.sort(key=urgency)
    return out


def iter_open_case_plans(
    db: Database,
    *,
    as_of: date,
    policy: Policy | None = None,
    only: str | None = None,
    params: Mapping[str, Any] | None = None,
) -> Iterator[dict[str, Any]]:
    """The active plans as they stand on ``as_of`` (with the household's id), in no
    useful order: those of open cases, and those kept running when their case closed
    (``household close --keep-running``); never those of a voided case. ``only``: an
    SQL condition on the plan ``p`` as well (its named parameters in ``params``), so
    that the standing is worked out only for the plans that could matter.

    Read a hundred plans at a time (a megabyte or so with their installments and
    payments), let go before the next hundred, so a run over every plan (the monthly
    reminders) needs the same memory for a hundred cases as for a hundred thousand."""
    also = f" AND ({only})" if only else ""
    cursor = db.execute(
        f"{_PLAN_SQL} WHERE p.status = 'active'{also} ORDER BY p.id", dict(params or {})
    )
    names = [d[0] for d in cursor.description]
    try:
        while chunk := cursor.fetchmany(100):
            plans = [dict(zip(names, values, strict=True)) for values in chunk]
            installments, payments = _children(db, [p["id"] for p in plans])
            for plan in plans:
                position = standing(
                    plan, installments[plan["id"]], payments[plan["id"]], as_of=as_of, policy=policy
                )
                yield _summary(plan, position) | {"household_id": plan["household_id"]}
            del chunk, plans, installments, payments
    finally:
        cursor.close()


def urgency(plan: Mapping[str, Any]) -> tuple[int, str, str]:
    """How plans are ordered in listings: broken and behind first, then by next due date."""
    return (_STATE_ORDER[PlanState(plan["state"])], plan["next_due_on"] or "9999", plan["ref"])


def household_plans(
    db: Database, hid: int, *, as_of: date, policy: Policy | None = None
) -> list[dict[str, Any]]:
    """Every plan of a household, for the case view."""
    found = _summaries(db, "p.household_id = :hid", {"hid": hid}, as_of=as_of, policy=policy)
    return sorted(found, key=lambda r: r["ref"])


def check_plans(
    db: Database, *, as_of: date, policy: Policy | None = None, record: bool = True
) -> list[dict[str, Any]]:
    """The plans whose state on ``as_of`` differs from the last check. ``record`` (today
    only) stores the states and logs a change to behind, broken or back on track in the
    contact log (completion and closing were logged when they happened); else no write."""
    changed: list[dict[str, Any]] = []
    with transaction(db):
        plans = rows(
            db,
            f"{_PLAN_SQL} WHERE p.status = 'active' OR p.checked_state != p.status ORDER BY p.id",
        )
        installments, payments = _children(db, [p["id"] for p in plans])
        for plan in plans:
            now = standing(
                plan, installments[plan["id"]], payments[plan["id"]], as_of=as_of, policy=policy
            )
            if now.state.value == plan["checked_state"]:
                continue
            row = _summary(plan, now)
            row["previous_state"] = plan["checked_state"]
            changed.append(row)
            if not record:
                continue
            db.table("plans").update(
                plan["id"], {"checked_state": now.state.value, "checked_on": as_of.isoformat()}
            )
            text = _state_text(plan["ref"], now)
            if text:
                _log(db, plan["household"], text, on=as_of, as_of=as_of)
    return changed


def _state_text(plan_ref: str, now: Standing) -> str | None:
    missed = ngettext("{n} installment missed", "{n} installments missed", now.missed).format(
        n=now.missed
    )
    overdue = format_money(Money(now.overdue_ore))
    if now.state is PlanState.broken:
        return _("Repayment plan {plan} is broken: {missed}, {overdue} overdue.").format(
            plan=plan_ref, missed=missed, overdue=overdue
        )
    if now.state is PlanState.behind:
        return _("Repayment plan {plan} is behind: {missed}, {overdue} overdue.").format(
            plan=plan_ref, missed=missed, overdue=overdue
        )
    if now.state is PlanState.on_track:
        return _("Repayment plan {plan} is on track again.").format(plan=plan_ref)
    return None
