"""A new repayment plan, step by step: the terms checked, the plan drafted against its
case (and the plan it replaces), then stored. ``plans.create_plan`` runs the steps,
inside one transaction (or without storing, for a dry run).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.config import Policy
from bostadcli.dates import add_months, format_date
from bostadcli.db import insert, now_utc, one
from bostadcli.errors import Conflict, InvalidInput
from bostadcli.households import household_id, tenant_sql
from bostadcli.i18n import _, ngettext
from bostadcli.money import Money, format_money
from bostadcli.plan_standing import standing
from bostadcli.plans import NewPlan, _log, _plan_row, _unpaid, allocate_plan_ref
from bostadcli.repayment_schedule import DueRule, Schedule, build_schedule, parse_due_rule
from bostadcli.vocab import PlanStatus

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass(frozen=True)
class Terms:
    """What ``NewPlan`` asks for, checked before the database is read."""

    due: DueRule
    note: str | None
    start: date
    replaced_ref: str | None


@dataclass(frozen=True)
class Draft:
    """A plan before it is stored: its row as ``show_plan`` reads it, its schedule, and
    the plan it replaces with what that one left unpaid."""

    record: dict[str, Any]
    schedule: Schedule
    old: dict[str, Any] | None
    unpaid: int


def checked_terms(new: NewPlan, *, as_of: date) -> Terms:
    due = new.due if isinstance(new.due, DueRule) else parse_due_rule(new.due)
    note = validate.clean_text(new.note, field="note", max_length=validate.TEXT_MAX, multiline=True)
    if new.income is not None and new.income.ore < 0:
        raise InvalidInput("income", format_money(new.income), _("cannot be negative"))
    start = (new.start or add_months(as_of.replace(day=1), 1)).replace(day=1)
    replaced_ref = validate.plan_ref(new.replaces, field="replaces") if new.replaces else None
    return Terms(due=due, note=note, start=start, replaced_ref=replaced_ref)


def draft_plan(db: Database, ref: str, new: NewPlan, terms: Terms, *, as_of: date) -> Draft:
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
    return Draft(record, schedule, old, unpaid)


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


def installment_rows(schedule: Schedule) -> list[dict[str, Any]]:
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


def store_plan(db: Database, draft: Draft, *, as_of: date, policy: Policy | None) -> str:
    """Store the plan and its installments, close the plan it replaces, and note it in
    the contact log; returns the new reference."""
    record, schedule, old = draft.record, draft.schedule, draft.old
    plan_ref = allocate_plan_ref(db)
    first = standing(record, installment_rows(schedule), [], as_of=as_of, policy=policy)
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
        [r | {"plan_id": plan_id} for r in installment_rows(schedule)]
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


def _describe_schedule(schedule: Schedule) -> str:
    n = schedule.months
    text = ngettext("{n} installment of {amount}", "{n} installments of {amount}", n).format(
        n=n, amount=format_money(schedule.regular)
    )
    if n > 1 and schedule.last != schedule.regular:
        text += _(" (the last {amount})").format(amount=format_money(schedule.last))
    return text
