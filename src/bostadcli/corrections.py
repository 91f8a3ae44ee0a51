"""Corrections, the way a case file is corrected: nothing a caseworker typed is deleted.

A payment, a notice or a whole case opened by mistake is *voided*: its row stays, with
the moment it was voided, and the ``live_*`` views of migration 0019_corrections leave
it out of every list, export, letter batch and statistic. A notice and a member are
*edited* in place, with the old values kept in the correction. A contact entry is
*corrected* by a new entry that points at the old one, which stays in the log marked as
corrected, as in a journal. Each correction is a row of ``corrections``: who (the login,
as in the audit log), when, why (``--reason``, required) and what changed. Only
retention (``purge``) deletes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.contacts import PLANNABLE
from bostadcli.dates import check_fact_day, check_not_after_as_of, check_record_day
from bostadcli.db import insert, now_utc, one, rows, transaction
from bostadcli.errors import Conflict, InvalidInput, NotFound
from bostadcli.households import household_id
from bostadcli.i18n import _
from bostadcli.money import Money, format_money
from bostadcli.pnr import IdentityNumber
from bostadcli.vocab import ContactKind, ContactStatus, NoticeKind, PlanStatus, ReferralTarget

if TYPE_CHECKING:
    from sqlite_utils import Database


class Action:
    """The codes of ``corrections.action`` (stable: history's CSV/JSON shows them)."""

    void = "void"
    edit = "edit"
    correct = "correct"
    allow_duplicate = "allow_duplicate"
    end_running = "end_running"
    keep_running = "keep_running"


def reason_text(value: str | None, *, field: str = "--reason") -> str:
    """Why a correction is made: required, one line or several, never empty."""
    return validate.required_text(value, field=field, max_length=validate.TEXT_MAX)


def log(
    db: Database,
    *,
    household: int,
    action: str,
    table: str,
    row_id: int | None,
    reason: str,
    changes: dict[str, Any] | None = None,
) -> int:
    """One correction, inside the caller's transaction; the login is the audit log's."""
    actor = one(db, "SELECT os_user FROM audit_context WHERE id = 1")
    return insert(
        db,
        "corrections",
        {
            "household_id": household,
            "at": now_utc(),
            "os_user": actor["os_user"] if actor else None,
            "action": action,
            "table_name": table,
            "row_id": row_id,
            "reason": reason,
            "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True) if changes else None,
        },
    )


def _touch(db: Database, hid: int) -> None:
    db.execute("UPDATE households SET updated_at = ? WHERE id = ?", [now_utc(), hid])


# --- payments -------------------------------------------------------------------------


def void_payment(
    db: Database, plan_ref: str, payment_id: int, *, reason: str, as_of: date
) -> dict[str, Any]:
    """Void a mistyped payment and recompute the plan: what the remaining payments paid,
    installment by installment, and whether the plan is still paid in full."""
    from bostadcli.plans import _log as plan_log
    from bostadcli.plans import _plan_row

    why = reason_text(reason)
    validate.row_id(payment_id, field="PAYMENT")
    with transaction(db):
        plan = _plan_row(db, plan_ref)
        payment = _payment_to_void(db, plan, payment_id)
        db.execute("UPDATE payments SET voided_at = ? WHERE id = ?", [now_utc(), payment_id])
        paid, left = _reapply_payments(db, plan)
        reopened = plan["status"] == PlanStatus.completed.value and left > 0
        if reopened:
            db.table("plans").update(
                plan["id"],
                {
                    "status": PlanStatus.active.value,
                    "completed_on": None,
                    "updated_at": now_utc(),
                },
            )
        log(
            db,
            household=plan["household_id"],
            action=Action.void,
            table="payments",
            row_id=payment_id,
            reason=why,
            changes={
                "plan": plan["ref"],
                "paid_on": payment["paid_on"],
                "amount_ore": payment["amount_ore"],
            },
        )
        text = _("Payment of {amount} on {day} to {plan} voided: {reason}").format(
            amount=format_money(Money(payment["amount_ore"])),
            day=payment["paid_on"],
            plan=plan["ref"],
            reason=why,
        )
        plan_log(db, plan["household"], text, on=as_of, as_of=as_of)
    return {
        "plan": plan["ref"],
        "household": plan["household"],
        "payment": payment_id,
        "paid_on": payment["paid_on"],
        "amount_ore": payment["amount_ore"],
        "paid_ore": paid,
        "remaining_ore": left,
        "reopened": reopened,
    }


def _payment_to_void(db: Database, plan: dict[str, Any], payment_id: int) -> dict[str, Any]:
    """The payment of ``plan`` that may be voided: it exists, stands, and its plan was not
    replaced (the new plan took over what was unpaid)."""
    payment = one(
        db, "SELECT * FROM payments WHERE id = ? AND plan_id = ?", [payment_id, plan["id"]]
    )
    if payment is None:
        raise NotFound(
            _("PAYMENT: no payment {id} in {plan}").format(id=payment_id, plan=plan["ref"])
        )
    if payment["voided_at"] is not None:
        raise Conflict(
            _("PAYMENT: payment {id} of {plan} was voided already ({at})").format(
                id=payment_id, plan=plan["ref"], at=payment["voided_at"][:10]
            )
        )
    if plan["status"] == PlanStatus.replaced.value:
        raise Conflict(
            _(
                "PAYMENT: {plan} was replaced by {new}, which took over what was unpaid;"
                " correct the new plan instead"
            ).format(plan=plan["ref"], new=plan["replaced_by"] or "?")
        )
    return payment


def _reapply_payments(db: Database, plan: dict[str, Any]) -> tuple[int, int]:
    """Apply the payments that stand to the debt, in the order they were paid, and spread
    what they paid over the installments; returns (paid, left) in öre."""
    from bostadcli.repayment_schedule import allocate

    left = int(plan["debt_ore"])
    for p in rows(
        db,
        "SELECT id, amount_ore, applied_ore FROM live_payments WHERE plan_id = ?"
        " ORDER BY paid_on, id",
        [plan["id"]],
    ):
        applied = min(int(p["amount_ore"]), left)
        left -= applied
        if applied != p["applied_ore"]:
            db.execute("UPDATE payments SET applied_ore = ? WHERE id = ?", [applied, p["id"]])
    paid = int(plan["debt_ore"]) - left
    items = rows(
        db,
        "SELECT id, amount_ore, paid_ore FROM installments WHERE plan_id = ? ORDER BY seq",
        [plan["id"]],
    )
    for item, share in zip(
        items, allocate([int(i["amount_ore"]) for i in items], paid), strict=True
    ):
        if share != item["paid_ore"]:
            db.execute("UPDATE installments SET paid_ore = ? WHERE id = ?", [share, item["id"]])
    return paid, left


# --- notices --------------------------------------------------------------------------


def _live_notice(db: Database, notice_id: int) -> dict[str, Any]:
    validate.row_id(notice_id, field="NOTICE")
    notice = one(
        db,
        "SELECT n.*, h.ref, h.voided_at AS case_voided_at FROM notices n"
        " JOIN households h ON h.id = n.household_id WHERE n.id = ?",
        [notice_id],
    )
    if notice is None:
        raise NotFound(_("NOTICE: no notice {id}").format(id=notice_id))
    if notice["case_voided_at"] is not None:
        household_id(db, notice["ref"])  # says the case was voided
    if notice["voided_at"] is not None:
        raise Conflict(
            _("NOTICE: notice {id} was voided ({at}) and cannot be changed").format(
                id=notice_id, at=notice["voided_at"][:10]
            )
        )
    return notice


NOTICE_FIELDS = (
    "kind",
    "ground",
    "received_on",
    "notified_on",
    "terminated_on",
    "service_method",
    "served_on",
    "amount",
    "eviction_at",
    "enforcement_case",
    "note",
)


# Fields that belong to some kinds of notice only (notices._check_main_dates and
# _check_kind_options refuse them on another kind). A notice whose kind is corrected
# loses those its new kind cannot have: they were recorded under the wrong kind. The
# old values stay in the case's history (the audit log), and the command says which.
KIND_ONLY_FIELDS: dict[str, tuple[str, ...]] = {
    "terminated_on": ("termination",),
    "especially_serious": ("termination",),
    "copy_received_on": ("termination",),
    "correct_by": ("warning",),
    "step_on": ("enforcement_application", "decision", "enforcement_request"),
    "decision_by": ("decision",),
    "final_on": ("decision",),
    "eviction_at": ("eviction",),
}


def edit_notice(
    db: Database,
    notice_id: int,
    *,
    changes: dict[str, Any],
    reason: str,
    as_of: date,
    confirm_non_working_day: bool = False,
) -> dict[str, tuple[Any, Any]]:
    """Correct a notice's kind, dates, amount, …; the recovery deadline is recomputed.
    Returns {column: (old, new)} of what changed."""
    from bostadcli.notices import NewNotice, notice_record

    why = reason_text(reason)
    for key in changes:
        if key not in NOTICE_FIELDS:
            raise InvalidInput(key, changes[key], _("cannot be edited"))
    with transaction(db):
        old = _live_notice(db, notice_id)
        # --received is the older name of --notified: either corrects the day social
        # services was notified. Everything not corrected is carried as it was.
        notified = changes.get("notified_on", changes.get("received_on"))
        merged = NewNotice(
            kind=changes.get("kind", old["kind"]),
            ground=changes.get("ground", old["ground"]),
            notified_on=notified if notified is not None else _day(old["notified_on"]),
            terminated_on=changes.get("terminated_on", _day(old["terminated_on"])),
            served_on=changes.get("served_on", _day(old["served_on"])),
            service_method=changes.get("service_method", old["service_method"]),
            amount=changes.get(
                "amount", Money(old["amount_ore"]) if old["amount_ore"] is not None else None
            ),
            eviction_at=changes.get("eviction_at", old["eviction_at"]),
            enforcement_case=changes.get("enforcement_case", old["enforcement_case"]),
            note=changes.get("note", old["note"]),
            correct_by=_day(old["correct_by"]),
            especially_serious=bool(old["especially_serious"]),
            copy_received_on=_day(old["copy_received_on"]),
            step_on=_day(old["step_on"]),
            decision_by=old["decision_by"],
            final_on=_day(old["final_on"]),
            # An eviction day kept as it was was confirmed when it was recorded.
            confirm_non_working_day=confirm_non_working_day or "eviction_at" not in changes,
        )
        kind = validate.choice(NoticeKind, merged.kind, field="kind").value
        for name, kinds in KIND_ONLY_FIELDS.items():
            if kind not in kinds and name not in changes:
                setattr(merged, name, False if name == "especially_serious" else None)
        record = notice_record(merged, as_of=as_of)
        record.pop("created_at")
        if merged.notified_on is None:
            # No record of social services being notified: the day it was recorded stays.
            record["received_on"] = old["received_on"]
        diff = {k: (old[k], v) for k, v in record.items() if old[k] != v}
        if not diff:
            return {}
        db.table("notices").update(notice_id, {k: new for k, (_o, new) in diff.items()})
        if record["ground"] is not None:
            db.execute(
                "INSERT OR IGNORE INTO household_reasons (household_id, reason) VALUES (?, ?)",
                [old["household_id"], record["ground"]],
            )
        log(
            db,
            household=old["household_id"],
            action=Action.edit,
            table="notices",
            row_id=notice_id,
            reason=why,
            changes={k: list(v) for k, v in diff.items()},
        )
        _touch(db, old["household_id"])
    return diff


def void_notice(db: Database, notice_id: int, *, reason: str) -> dict[str, Any]:
    """Void a notice entered by mistake (a duplicate): it leaves the deadlines and lists."""
    why = reason_text(reason)
    with transaction(db):
        validate.row_id(notice_id, field="NOTICE")
        done = one(db, "SELECT voided_at FROM notices WHERE id = ?", [notice_id])
        if done is not None and done["voided_at"] is not None:
            raise Conflict(
                _("NOTICE: notice {id} was voided already ({at})").format(
                    id=notice_id, at=done["voided_at"][:10]
                )
            )
        old = _live_notice(db, notice_id)
        db.execute("UPDATE notices SET voided_at = ? WHERE id = ?", [now_utc(), notice_id])
        log(
            db,
            household=old["household_id"],
            action=Action.void,
            table="notices",
            row_id=notice_id,
            reason=why,
            changes={"kind": old["kind"], "received_on": old["received_on"]},
        )
        _touch(db, old["household_id"])
    return {"id": notice_id, "ref": old["ref"], "kind": old["kind"]}


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


# --- contacts -------------------------------------------------------------------------


@dataclass
class ContactCorrection:
    """What the correcting entry says instead; None keeps the old entry's value."""

    text: str | None = None
    on: date | None = None
    kind: str | None = None
    referral_to: str | None = None


def correct_contact(
    db: Database,
    contact_id: int,
    *,
    correction: ContactCorrection,
    reason: str,
    caseworker: str | None = None,
    as_of: date,
) -> int:
    """Correct a contact entry with a new entry pointing at it; returns the new id."""
    why = reason_text(reason)
    validate.row_id(contact_id, field="CONTACT")
    with transaction(db):
        old = _contact_to_correct(db, contact_id)
        record = _corrected_contact(old, correction, caseworker=caseworker, as_of=as_of)
        diff = {
            k: [old[k], record[k]]
            for k in ("kind", "contact_on", "text", "referral_to")
            if old[k] != record[k]
        }
        if not diff:
            raise InvalidInput(
                "CONTACT",
                contact_id,
                _("the correction changes nothing: give --text, --date or --kind"),
            )
        new_id = insert(db, "contacts", record)
        log(
            db,
            household=old["household_id"],
            action=Action.correct,
            table="contacts",
            row_id=contact_id,
            reason=why,
            changes=diff | {"corrected_by": new_id},
        )
        _touch(db, old["household_id"])
    return new_id


def _contact_to_correct(db: Database, contact_id: int) -> dict[str, Any]:
    """The entry to correct: it exists, its case is not voided, and no entry corrects it
    yet (a chain of corrections is corrected at its newest link)."""
    old = one(
        db,
        "SELECT c.*, h.ref FROM contacts c JOIN households h ON h.id = c.household_id"
        " WHERE c.id = ?",
        [contact_id],
    )
    if old is None:
        raise NotFound(_("CONTACT: no contact entry {id}").format(id=contact_id))
    household_id(db, old["ref"])  # refuses a voided case
    newer = one(db, "SELECT id FROM contacts WHERE corrects_id = ?", [contact_id])
    if newer is not None:
        raise Conflict(
            _("CONTACT: entry {id} was corrected already by entry {new}; correct that one").format(
                id=contact_id, new=newer["id"]
            )
        )
    return old


def _corrected_contact(
    old: dict[str, Any], correction: ContactCorrection, *, caseworker: str | None, as_of: date
) -> dict[str, Any]:
    """The correcting entry's row: the old entry's values with the corrected ones, checked."""
    kind = validate.choice(ContactKind, correction.kind or old["kind"], field="--kind")
    if old["status"] == ContactStatus.planned.value and kind not in PLANNABLE:
        raise InvalidInput(
            "--kind", kind.value, _("only a meeting, a home visit or a phone call can be booked")
        )
    on = _corrected_contact_day(old, correction.on, as_of=as_of)
    target = correction.referral_to or (
        old["referral_to"] if kind is ContactKind.referral else None
    )
    if target is not None:
        target = validate.choice(ReferralTarget, target, field="--to").value
    if kind is ContactKind.referral and target is None:
        raise InvalidInput("--to", "", _("a referral names the service it goes to"))
    if kind is not ContactKind.referral and target is not None:
        raise InvalidInput("--to", target, _("only a referral goes to a service"))
    text = (
        validate.clean_text(
            correction.text, field="--text", max_length=validate.TEXT_MAX, multiline=True
        )
        if correction.text is not None
        else old["text"]
    ) or ""
    return {
        "household_id": old["household_id"],
        "kind": kind.value,
        "contact_on": on.isoformat(),
        "text": text,
        "referral_to": target,
        "caseworker": validate.clean_text(caseworker, field="--caseworker") or old["caseworker"],
        "automatic": 0,
        # A booking corrected stays booked, at its time; a held contact stays held.
        "status": old["status"],
        "at_time": old["at_time"],
        "settled_note": old["settled_note"],
        "corrects_id": old["id"],
        "created_at": now_utc(),
    }


def _corrected_contact_day(old: dict[str, Any], on: date | None, *, as_of: date) -> date:
    """The corrected entry's day: a held contact's has happened (not after ``as_of`` nor
    the real date); a booking's may lie ahead, and one moved (``on``) is not moved into
    the past; a booking's text is corrected whatever its day."""
    day = on or date.fromisoformat(old["contact_on"])
    if old["status"] == ContactStatus.held.value:
        if on is not None:
            check_fact_day(on, field="--date")
        return check_not_after_as_of(day, as_of, field="--date")
    if on is None:
        return day
    if old["status"] == ContactStatus.planned.value and on < as_of:
        raise InvalidInput(
            "--date", on.isoformat(), _("is in the past; a booked contact lies ahead")
        )
    return check_record_day(on, field="--date")


# --- a personnummer in another open case (a member's edits: member_corrections.py) ---


def check_duplicate(
    db: Database,
    number: IdentityNumber,
    *,
    household: int | None,
    allow: bool,
    field: str,
    reason: str | None,
    others: list[str],
    reason_option: str = "--reason",
) -> None:
    """Refuse a personnummer found in another open case, or record why it is allowed.

    ``household`` is None when the case is being created: the caller logs the allowance
    once it has its id (see ``log_allowed_duplicate``)."""
    if not others:
        return
    if not allow:
        raise Conflict(
            _(
                "{field}: {pnr} is already in open case {refs}; add it anyway with"
                " --allow-duplicate {option} TEXT"
            ).format(field=field, pnr=number.masked(), refs=", ".join(others), option=reason_option)
        )
    if reason is None or not reason.strip():
        raise InvalidInput(reason_option, reason or "", _("--allow-duplicate needs a reason"))
    if household is not None:
        log_allowed_duplicate(db, household=household, number=number, others=others, reason=reason)


def log_allowed_duplicate(
    db: Database, *, household: int, number: IdentityNumber, others: list[str], reason: str
) -> None:
    log(
        db,
        household=household,
        action=Action.allow_duplicate,
        table="members",
        row_id=None,
        reason=reason_text(reason),
        changes={"pnr": number.masked(), "open_cases": others},
    )


# --- whole cases ----------------------------------------------------------------------


def void_household(db: Database, ref: str, *, reason: str) -> dict[str, Any]:
    """Void a case opened by mistake: it leaves every list, export, letter batch and
    statistic, and stays (with the audit log's entries) until retention deletes it."""
    why = reason_text(reason)
    with transaction(db):
        found = one(
            db, "SELECT id, voided_at FROM households WHERE ref = ?", [validate.case_ref(ref)]
        )
        if found is not None and found["voided_at"] is not None:
            raise Conflict(
                _("REF: {ref} was voided already ({at})").format(
                    ref=ref, at=found["voided_at"][:10]
                )
            )
        hid = household_id(db, ref)
        now = now_utc()
        db.execute(
            "UPDATE households SET voided_at = ?, updated_at = ? WHERE id = ?", [now, now, hid]
        )
        log(db, household=hid, action=Action.void, table="households", row_id=hid, reason=why)
    return {"ref": ref, "voided_at": now}


def list_corrections(db: Database, hid: int) -> list[dict[str, Any]]:
    found = rows(
        db,
        "SELECT id, at, os_user, action, table_name, row_id, reason, changes"
        " FROM corrections WHERE household_id = ? ORDER BY at, id",
        [hid],
    )
    for row in found:
        row["changes"] = json.loads(row["changes"]) if row["changes"] else None
    return found
