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
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.affordability import household_affordability
from bostadcli.config import Policy
from bostadcli.contacts import add_contact
from bostadcli.dates import add_months, format_date
from bostadcli.db import insert, next_counter, now_utc, one, rows, transaction
from bostadcli.errors import Conflict, InvalidInput, NotFound
from bostadcli.households import household_id, tenant_sql
from bostadcli.i18n import _, ngettext
from bostadcli.landlords import get_landlord
from bostadcli.money import Money, format_money
from bostadcli.repayment_schedule import DueRule, Schedule, allocate, build_schedule, parse_due_rule
from bostadcli.rules import CASE_NUMBER_DIGITS, NORMALBELOPP, PART_TIME_CHILD_NORM_PERCENT
from bostadcli.vocab import ContactKind, InstallmentStatus, PlanState, PlanStatus

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
_CLOSED = {PlanStatus.cancelled.value, PlanStatus.replaced.value}
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


def _describe_schedule(schedule: Schedule) -> str:
    n = schedule.months
    text = ngettext("{n} installment of {amount}", "{n} installments of {amount}", n).format(
        n=n, amount=format_money(schedule.regular)
    )
    if n > 1 and schedule.last != schedule.regular:
        text += _(" (the last {amount})").format(amount=format_money(schedule.last))
    return text


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


@dataclass(frozen=True)
class _Terms:
    """What ``NewPlan`` asks for, checked before the database is read."""

    due: DueRule
    note: str | None
    start: date
    replaced_ref: str | None


@dataclass(frozen=True)
class _Draft:
    """A plan before it is stored: its row as ``show_plan`` reads it, its schedule, and
    the plan it replaces with what that one left unpaid."""

    record: dict[str, Any]
    schedule: Schedule
    old: dict[str, Any] | None
    unpaid: int


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
    terms = _checked_terms(new, as_of=as_of)
    if dry_run:
        draft = _draft_plan(db, ref, new, terms, as_of=as_of)
        return _document(
            db,
            draft.record,
            _installment_rows(draft.schedule),
            [],
            as_of=as_of,
            policy=policy,
            normalbelopp=normalbelopp,
        )
    with transaction(db):
        draft = _draft_plan(db, ref, new, terms, as_of=as_of)
        plan_ref = _store_plan(db, draft, as_of=as_of, policy=policy)
    return show_plan(db, plan_ref, as_of=as_of, policy=policy, normalbelopp=normalbelopp)


def _checked_terms(new: NewPlan, *, as_of: date) -> _Terms:
    due = new.due if isinstance(new.due, DueRule) else parse_due_rule(new.due)
    note = validate.clean_text(new.note, field="note", max_length=validate.TEXT_MAX, multiline=True)
    if new.income is not None and new.income.ore < 0:
        raise InvalidInput("income", format_money(new.income), _("cannot be negative"))
    start = (new.start or add_months(as_of.replace(day=1), 1)).replace(day=1)
    replaced_ref = validate.plan_ref(new.replaces, field="replaces") if new.replaces else None
    return _Terms(due=due, note=note, start=start, replaced_ref=replaced_ref)


def _draft_plan(db: Database, ref: str, new: NewPlan, terms: _Terms, *, as_of: date) -> _Draft:
    """The plan as it would be stored, inside the caller's transaction (or a dry run)."""
    hid, case = _case_for_plan(db, ref)
    old, unpaid = _plan_to_replace(db, hid, case["ref"], terms.replaced_ref)
    debt = new.debt if new.debt is not None else (Money(unpaid) if old else None)
    if debt is None:
        raise InvalidInput("debt", "", _("give the debt to repay"))
    schedule = build_schedule(
        debt,
        start=terms.start,
        installment=new.installment,
        months=new.months,
        due=terms.due,
        first_due=new.first_due,
        whole_kronor=new.whole_kronor,
    )
    record: dict[str, Any] = {
        "ref": None,
        "household_id": hid,
        "household": case["ref"],
        "landlord_id": case["landlord_id"],
        "landlord": case["landlord"],
        "tenant": case["tenant"],
        "debt_ore": debt.ore,
        "installment_ore": schedule.regular.ore,
        "months": schedule.months,
        "start_month": f"{terms.start:%Y-%m}",
        "due_rule": terms.due.code,
        "whole_kronor": int(new.whole_kronor),
        "status": PlanStatus.active.value,
        "replaces_plan_id": old["id"] if old else None,
        "replaces": terms.replaced_ref,
        "replaced_by": None,
        "created_on": as_of.isoformat(),
        "cancelled_on": None,
        "completed_on": None,
        "note": terms.note,
        "income_ore": new.income.ore if new.income is not None else None,
    }
    return _Draft(record, schedule, old, unpaid)


def _case_for_plan(db: Database, ref: str) -> tuple[int, dict[str, Any]]:
    """The case a plan is agreed for: open, and with a landlord (the creditor)."""
    hid = household_id(db, ref)
    case = one(
        db,
        "SELECT h.ref, h.status, h.landlord_id, l.name AS landlord,"
        f" {tenant_sql('name')} AS tenant"
        " FROM households h LEFT JOIN landlords l ON l.id = h.landlord_id WHERE h.id = ?",
        [hid],
    )
    assert case is not None
    if case["status"] != "open":
        raise Conflict(
            _("{ref} is closed: reopen it with 'bostad household reopen {ref}'").format(
                ref=case["ref"]
            )
        )
    if case["landlord_id"] is None:
        raise Conflict(
            _(
                "{ref} has no landlord, and a plan is agreed with the landlord:"
                " set it with 'bostad household edit {ref} --landlord NAME'"
            ).format(ref=case["ref"])
        )
    return hid, case


def _plan_to_replace(
    db: Database, hid: int, case_ref: str, replaced_ref: str | None
) -> tuple[dict[str, Any] | None, int]:
    """The active plan of the same case that the new one replaces, with what it left
    unpaid; without one, the case must have no active plan."""
    if replaced_ref is None:
        active = one(
            db,
            "SELECT ref FROM plans WHERE household_id = ? AND status = 'active'"
            " ORDER BY id LIMIT 1",
            [hid],
        )
        if active is not None:
            raise Conflict(
                _(
                    "{ref} already has an active plan {plan}: renegotiate with"
                    " --replaces {plan}, or cancel it first"
                ).format(ref=case_ref, plan=active["ref"])
            )
        return None, 0
    old = _plan_row(db, replaced_ref)
    if old["household_id"] != hid:
        raise InvalidInput(
            "replaces",
            replaced_ref,
            _("belongs to household {other}").format(other=old["household"]),
        )
    if old["status"] != PlanStatus.active.value:
        raise Conflict(
            _("{plan} is {status} and cannot be replaced").format(
                plan=replaced_ref, status=PlanStatus(old["status"]).label
            )
        )
    return old, _unpaid(db, old["id"], old["debt_ore"])


def _installment_rows(schedule: Schedule) -> list[dict[str, Any]]:
    return [
        {
            "seq": i.seq,
            "month": i.month_text,
            "due_on": i.due_on.isoformat(),
            "amount_ore": i.amount.ore,
            "paid_ore": 0,
        }
        for i in schedule.installments
    ]


def _store_plan(db: Database, draft: _Draft, *, as_of: date, policy: Policy | None) -> str:
    """Store the plan and its installments, close the plan it replaces, and note it in
    the contact log; returns the new reference."""
    record, schedule, old = draft.record, draft.schedule, draft.old
    plan_ref = allocate_plan_ref(db)
    first = standing(record, _installment_rows(schedule), [], as_of=as_of, policy=policy)
    now = now_utc()
    stored = {
        k: v
        for k, v in record.items()
        if k not in ("household", "landlord", "tenant", "replaces", "replaced_by")
    }
    stored.update(
        ref=plan_ref,
        checked_state=first.state.value,
        checked_on=as_of.isoformat(),
        created_at=now,
        updated_at=now,
    )
    plan_id = insert(db, "plans", stored)
    db.table("installments").insert_all(
        [r | {"plan_id": plan_id} for r in _installment_rows(schedule)]
    )
    text = _(
        "Repayment plan {plan} agreed with {landlord}: {debt}, {installments},"
        " first due {first_due}."
    ).format(
        plan=plan_ref,
        landlord=record["landlord"],
        debt=format_money(schedule.debt),
        installments=_describe_schedule(schedule),
        first_due=format_date(schedule.installments[0].due_on, "long"),
    )
    if old is not None:
        db.table("plans").update(
            old["id"],
            {
                "status": PlanStatus.replaced.value,
                "cancelled_on": as_of.isoformat(),
                "updated_at": now,
            },
        )
        text += " " + _("It replaces {old}, which had {unpaid} unpaid.").format(
            old=old["ref"], unpaid=format_money(Money(draft.unpaid))
        )
    _log(db, record["household"], text, on=as_of, as_of=as_of)
    return plan_ref


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
    if paid_on > as_of:
        raise InvalidInput("date", paid_on.isoformat(), _("is in the future"))
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
    if cancelled_on > as_of:
        raise InvalidInput("date", cancelled_on.isoformat(), _("is in the future"))
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
    db: Database, *, as_of: date, policy: Policy | None = None
) -> Iterator[dict[str, Any]]:
    """The active plans as they stand on ``as_of`` (with the household's id), in no
    useful order: those of open cases, and those kept running when their case closed
    (``household close --keep-running``); never those of a voided case.

    Read a chunk of plans at a time, so a run over every plan (the monthly reminders)
    needs the same memory for a hundred cases as for a hundred thousand.
    """
    cursor = db.execute(f"{_PLAN_SQL} WHERE p.status = 'active' ORDER BY p.id")
    names = [d[0] for d in cursor.description]
    try:
        # A hundred plans' installments and payments at a time: a few megabytes.
        while chunk := cursor.fetchmany(100):
            plans = [dict(zip(names, values, strict=True)) for values in chunk]
            installments, payments = _children(db, [p["id"] for p in plans])
            for plan in plans:
                position = standing(
                    plan, installments[plan["id"]], payments[plan["id"]], as_of=as_of, policy=policy
                )
                yield _summary(plan, position) | {"household_id": plan["household_id"]}
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


def check_plans(db: Database, *, as_of: date, policy: Policy | None = None) -> list[dict[str, Any]]:
    """Compute every plan's state on ``as_of``, store it, and return the plans whose
    state changed since the last check.

    A change to behind, broken or back on track also goes into the household's contact
    log; completion, cancellation and replacement were logged when they happened.
    """
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
            db.table("plans").update(
                plan["id"], {"checked_state": now.state.value, "checked_on": as_of.isoformat()}
            )
            row = _summary(plan, now)
            row["previous_state"] = plan["checked_state"]
            changed.append(row)
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
