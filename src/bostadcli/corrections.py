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
from bostadcli.db import insert, now_utc, one, rows, transaction
from bostadcli.errors import Conflict, InvalidInput, NotFound
from bostadcli.households import household_id
from bostadcli.i18n import _
from bostadcli.money import Money, format_money
from bostadcli.pnr import IdentityNumber, parse_pnr
from bostadcli.vocab import ContactKind, PlanStatus, ReferralTarget, Role

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
    from bostadcli.repayment_schedule import allocate

    why = reason_text(reason)
    validate.row_id(payment_id, field="PAYMENT")
    with transaction(db):
        plan = _plan_row(db, plan_ref)
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
        db.execute("UPDATE payments SET voided_at = ? WHERE id = ?", [now_utc(), payment_id])
        # Apply the payments that stand, in the order they were paid.
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
        if "kind" in changes and changes["kind"] != "eviction" and "eviction_at" not in changes:
            merged.eviction_at = None
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
                _(
                    "CONTACT: entry {id} was corrected already by entry {new}; correct that one"
                ).format(id=contact_id, new=newer["id"])
            )
        kind = validate.choice(ContactKind, correction.kind or old["kind"], field="--kind")
        on = correction.on or date.fromisoformat(old["contact_on"])
        if on > as_of:
            raise InvalidInput("--date", on.isoformat(), _("is in the future"))
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
        record = {
            "household_id": old["household_id"],
            "kind": kind.value,
            "contact_on": on.isoformat(),
            "text": text,
            "referral_to": target,
            "caseworker": validate.clean_text(caseworker, field="--caseworker")
            or old["caseworker"],
            "automatic": 0,
            "corrects_id": contact_id,
            "created_at": now_utc(),
        }
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


# --- members --------------------------------------------------------------------------

MEMBER_FIELDS = ("name", "pnr", "birth_date", "role", "part_time")


def edit_member(
    db: Database,
    ref: str,
    member_id: int,
    *,
    changes: dict[str, Any],
    reason: str,
    as_of: date,
    allow_duplicate: bool = False,
) -> dict[str, tuple[Any, Any]]:
    """Correct a member's name, personnummer, birth date, role or part-time.

    A personnummer gives the birth date; one already in another open case is refused
    unless ``allow_duplicate`` (recorded with the reason)."""
    from bostadcli.households import _member_record, other_open_cases

    why = reason_text(reason)
    validate.row_id(member_id, field="MEMBER")
    for key in changes:
        if key not in MEMBER_FIELDS:
            raise InvalidInput(key, changes[key], _("cannot be edited"))
    with transaction(db):
        hid = household_id(db, ref)
        old = one(db, "SELECT * FROM members WHERE id = ? AND household_id = ?", [member_id, hid])
        if old is None:
            raise NotFound(_("MEMBER: no member {id} in {ref}").format(id=member_id, ref=ref))
        role = validate.choice(Role, changes.get("role", old["role"]), field="--role")
        if "name" in changes:
            name = validate.clean_text(changes["name"], field="--name")
            if name is None and role is not Role.child:
                raise InvalidInput("--name", changes["name"] or "", _("must not be empty"))
        else:
            name = old["name"]
        if name is None and role is not Role.child:
            raise InvalidInput("--name", "", _("an adult needs a name: give --name too"))
        number: IdentityNumber | None
        if "pnr" in changes:
            number = (
                parse_pnr(changes["pnr"], as_of=as_of, field="--pnr") if changes["pnr"] else None
            )
        else:
            number = IdentityNumber(old["pnr"]) if old["pnr"] else None
        if "birth_date" in changes:
            birth = changes["birth_date"]
        elif "pnr" in changes and number is not None:
            birth = None  # taken from the new number
        else:
            birth = _day(old["birth_date"]) if number is None else None
        part_time = bool(changes.get("part_time", old["part_time"]))
        if "role" in changes and role is not Role.child and "part_time" not in changes:
            part_time = False
        record = _member_record(
            household=hid,
            name=name,
            pnr=number,
            birth_date=birth,
            role=role,
            part_time=part_time,
            as_of=as_of,
        )
        if old["role"] == Role.tenant.value and role is not Role.tenant:
            raise Conflict(
                _("--role: member {id} is the tenant of {ref}; a case keeps its tenant").format(
                    id=member_id, ref=ref
                )
            )
        if role is Role.tenant and old["role"] != Role.tenant.value:
            raise Conflict(
                _("--role: {ref} has a tenant already; a case has one tenant").format(ref=ref)
            )
        if number is not None and (number.digits != old["pnr"] or "role" in changes):
            if one(
                db,
                "SELECT 1 FROM members WHERE household_id = ? AND pnr = ? AND id != ?",
                [hid, number.digits, member_id],
            ):
                raise Conflict(
                    _("--pnr: {pnr} is already a member of {ref}").format(
                        pnr=number.masked(), ref=ref
                    )
                )
            if role is not Role.child:
                check_duplicate(
                    db,
                    number,
                    household=hid,
                    allow=allow_duplicate,
                    field="--pnr",
                    reason=why,
                    others=other_open_cases(db, number, exclude=hid),
                )
        record.pop("created_at")
        record.pop("household_id")
        diff = {k: (old[k], v) for k, v in record.items() if old[k] != v}
        if not diff:
            return {}
        db.table("members").update(member_id, {k: new for k, (_o, new) in diff.items()})
        shown = {
            k: (
                [
                    IdentityNumber(o).masked() if o else None,
                    IdentityNumber(n).masked() if n else None,
                ]
                if k == "pnr"
                else [o, n]
            )
            for k, (o, n) in diff.items()
        }
        log(
            db,
            household=hid,
            action=Action.edit,
            table="members",
            row_id=member_id,
            reason=why,
            changes=shown,
        )
        _touch(db, hid)
    return diff


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


# --- the timeline ---------------------------------------------------------------------


def case_history(db: Database, ref: str) -> list[dict[str, Any]]:
    """The case's timeline, oldest first: what was recorded, on which day, by whom, and
    every correction (with why). Voided and corrected records stay in it, marked."""
    from bostadcli.vocab import NoticeKind, Outcome, SupportKind

    hid = household_id(db, ref, voided_ok=True)
    who = {
        (r["table_name"], r["row_id"]): r["os_user"]
        for r in rows(
            db,
            "SELECT table_name, row_id, os_user FROM audit_log"
            " WHERE household_id = ? AND action = 'insert'",
            [hid],
        )
    }
    out: list[dict[str, Any]] = []

    def add(
        on: str, at: str, event: str, table: str, row_id: int | None, text: str, status: str = ""
    ) -> None:
        out.append(
            {
                "on": on[:10],
                "event": event,
                "table": table,
                "record": row_id,
                "text": text,
                "status": status,
                "by": who.get((table, row_id)),
                "at": at,
            }
        )

    case = one(db, "SELECT * FROM households WHERE id = ?", [hid])
    assert case is not None
    add(case["opened_on"], case["created_at"], "opened", "households", hid, _("Case opened"))
    if case["closed_on"]:
        add(
            case["closed_on"],
            case["updated_at"],
            "closed",
            "households",
            None,
            _("Case closed: {outcome}").format(outcome=Outcome(case["outcome"]).label),
        )
    for m in rows(db, "SELECT * FROM members WHERE household_id = ?", [hid]):
        add(
            m["created_at"],
            m["created_at"],
            "member",
            "members",
            m["id"],
            f"{m['name'] or ''} ({Role(m['role']).label})".strip(),
        )
    for n in rows(db, "SELECT * FROM notices WHERE household_id = ?", [hid]):
        text = NoticeKind(n["kind"]).label
        deadline = n["recovery_deadline"] or n["eviction_at"]
        if deadline:
            text += f" → {deadline}"
        add(
            n["received_on"],
            n["created_at"],
            "notice",
            "notices",
            n["id"],
            text,
            "voided" if n["voided_at"] else "",
        )
    for c in rows(
        db,
        "SELECT c.*, (SELECT x.id FROM contacts x WHERE x.corrects_id = c.id) AS corrected_by"
        " FROM contacts c WHERE c.household_id = ?",
        [hid],
    ):
        status = ""
        text = f"{ContactKind(c['kind']).label}: {c['text']}".rstrip(": ")
        if c["corrected_by"] is not None:
            status = "corrected"
            text += " [" + _("corrected by {id}").format(id=c["corrected_by"]) + "]"
        elif c["corrects_id"] is not None:
            status = "correction"
            text += " [" + _("corrects {id}").format(id=c["corrects_id"]) + "]"
        add(c["contact_on"], c["created_at"], "contact", "contacts", c["id"], text, status)
    for p in rows(db, "SELECT * FROM plans WHERE household_id = ?", [hid]):
        add(
            p["created_on"],
            p["created_at"],
            "plan",
            "plans",
            p["id"],
            _("Repayment plan {plan}: {debt}").format(
                plan=p["ref"], debt=format_money(Money(p["debt_ore"]))
            ),
            p["status"],
        )
    for y in rows(
        db,
        "SELECT y.*, p.ref FROM payments y JOIN plans p ON p.id = y.plan_id"
        " WHERE p.household_id = ?",
        [hid],
    ):
        add(
            y["paid_on"],
            y["created_at"],
            "payment",
            "payments",
            y["id"],
            _("Payment of {amount} to {plan}").format(
                amount=format_money(Money(y["amount_ore"])), plan=y["ref"]
            ),
            "voided" if y["voided_at"] else "",
        )
    for s in rows(db, "SELECT * FROM supports WHERE household_id = ?", [hid]):
        text = SupportKind(s["kind"]).label
        if s["ended_on"]:
            text += " – " + _("ended {day}").format(day=s["ended_on"])
        add(s["start_on"], s["created_at"], "support", "supports", s["id"], text)
    for lt in rows(db, "SELECT * FROM letters WHERE household_id = ?", [hid]):
        add(
            lt["dated_on"],
            lt["created_at"],
            "letter",
            "letters",
            lt["id"],
            f"{lt['kind']} → {lt['recipient']}",
        )
    for c in list_corrections(db, hid):
        target = f"{c['table_name']} {c['row_id']}" if c["row_id"] is not None else c["table_name"]
        text = f"{c['action']} {target}: {c['reason']}"
        if c["changes"]:
            text += " " + json.dumps(c["changes"], ensure_ascii=False, sort_keys=True)
        out.append(
            {
                "on": c["at"][:10],
                "event": "correction",
                "table": c["table_name"],
                "record": c["row_id"],
                "text": text,
                "status": c["action"],
                "by": c["os_user"],
                "at": c["at"],
                # For the screen, which says the same in words (not in CSV or JSON).
                "reason": c["reason"],
                "changes": c["changes"],
            }
        )
    out.sort(key=lambda r: (r["on"], r["at"]))
    return out
