"""A case's timeline: every record of the case, oldest first, with every correction.

What was recorded, on which day and by whom (the login of the audit log's insert), and
each correction with why; voided and corrected records stay in it, marked. Each source
(the case, its members, notices, contacts, plans, payments, supports, undertakings,
letters) gives its events in turn; ties on the same day and moment keep that order.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, NamedTuple

from bostadcli.corrections import list_corrections
from bostadcli.db import one, rows
from bostadcli.households import household_id
from bostadcli.i18n import _
from bostadcli.money import Money, format_money
from bostadcli.vocab import ContactKind, NoticeKind, Outcome, Role, SupportKind

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sqlite_utils import Database


class Event(NamedTuple):
    on: str  # the day it happened (or the moment it was recorded); cut to the day
    at: str  # the moment it was recorded
    event: str
    table: str
    row_id: int | None
    text: str
    status: str = ""


def case_history(db: Database, ref: str) -> list[dict[str, Any]]:
    """The case's timeline, oldest first: what was recorded, on which day, by whom, and
    every correction (with why). Voided and corrected records stay in it, marked."""
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
    out = [
        {
            "on": e.on[:10],
            "event": e.event,
            "table": e.table,
            "record": e.row_id,
            "text": e.text,
            "status": e.status,
            "by": who.get((e.table, e.row_id)),
            "at": e.at,
        }
        for source in _SOURCES
        for e in source(db, hid)
    ]
    out.extend(_correction_entries(db, hid))
    out.sort(key=lambda r: (r["on"], r["at"]))
    return out


def _case_events(db: Database, hid: int) -> Iterator[Event]:
    case = one(db, "SELECT * FROM households WHERE id = ?", [hid])
    assert case is not None
    yield Event(
        case["opened_on"], case["created_at"], "opened", "households", hid, _("Case opened")
    )
    if case["closed_on"]:
        yield Event(
            case["closed_on"],
            case["updated_at"],
            "closed",
            "households",
            None,
            _("Case closed: {outcome}").format(outcome=Outcome(case["outcome"]).label),
        )


def _member_events(db: Database, hid: int) -> Iterator[Event]:
    for m in rows(db, "SELECT * FROM members WHERE household_id = ?", [hid]):
        text = f"{m['name'] or ''} ({Role(m['role']).label})".strip()
        yield Event(m["created_at"], m["created_at"], "member", "members", m["id"], text)


def _notice_events(db: Database, hid: int) -> Iterator[Event]:
    for n in rows(db, "SELECT * FROM notices WHERE household_id = ?", [hid]):
        text = NoticeKind(n["kind"]).label
        deadline = n["recovery_deadline"] or n["eviction_at"]
        if deadline:
            text += f" → {deadline}"
        status = "voided" if n["voided_at"] else ""
        yield Event(n["received_on"], n["created_at"], "notice", "notices", n["id"], text, status)


def _contact_events(db: Database, hid: int) -> Iterator[Event]:
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
        yield Event(c["contact_on"], c["created_at"], "contact", "contacts", c["id"], text, status)


def _plan_events(db: Database, hid: int) -> Iterator[Event]:
    for p in rows(db, "SELECT * FROM plans WHERE household_id = ?", [hid]):
        text = _("Repayment plan {plan}: {debt}").format(
            plan=p["ref"], debt=format_money(Money(p["debt_ore"]))
        )
        yield Event(p["created_on"], p["created_at"], "plan", "plans", p["id"], text, p["status"])


def _payment_events(db: Database, hid: int) -> Iterator[Event]:
    for y in rows(
        db,
        "SELECT y.*, p.ref FROM payments y JOIN plans p ON p.id = y.plan_id"
        " WHERE p.household_id = ?",
        [hid],
    ):
        text = _("Payment of {amount} to {plan}").format(
            amount=format_money(Money(y["amount_ore"])), plan=y["ref"]
        )
        status = "voided" if y["voided_at"] else ""
        yield Event(y["paid_on"], y["created_at"], "payment", "payments", y["id"], text, status)


def _support_events(db: Database, hid: int) -> Iterator[Event]:
    for s in rows(db, "SELECT * FROM supports WHERE household_id = ?", [hid]):
        text = SupportKind(s["kind"]).label
        if s["withdrawn_on"]:
            text += " – " + _("withdrawn {day}, never begun").format(day=s["withdrawn_on"])
        elif s["ended_on"]:
            text += " – " + _("ended {day}").format(day=s["ended_on"])
        yield Event(s["start_on"], s["created_at"], "support", "supports", s["id"], text)


def _undertaking_events(db: Database, hid: int) -> Iterator[Event]:
    for u in rows(
        db,
        "SELECT u.*, l.name AS landlord FROM undertakings u"
        " JOIN landlords l ON l.id = u.landlord_id WHERE u.household_id = ?",
        [hid],
    ):
        text = _("Undertaking to pay the rent to {landlord}: {covers}").format(
            landlord=u["landlord"], covers=u["covers"]
        )
        if u["recorded_on"] and u["given_on"] < u["recorded_on"]:
            text += " " + _("(recorded {day}, back-dated: {reason})").format(
                day=u["recorded_on"], reason=u["backdate_reason"] or ""
            )
        yield Event(u["given_on"], u["created_at"], "undertaking", "undertakings", u["id"], text)


def _letter_events(db: Database, hid: int) -> Iterator[Event]:
    for lt in rows(db, "SELECT * FROM letters WHERE household_id = ?", [hid]):
        text = f"{lt['kind']} → {lt['recipient']}"
        yield Event(lt["dated_on"], lt["created_at"], "letter", "letters", lt["id"], text)


_SOURCES: tuple[Callable[[Database, int], Iterator[Event]], ...] = (
    _case_events,
    _member_events,
    _notice_events,
    _contact_events,
    _plan_events,
    _payment_events,
    _support_events,
    _undertaking_events,
    _letter_events,
)


def _correction_entries(db: Database, hid: int) -> Iterator[dict[str, Any]]:
    """The corrections, each by the login that made it (not the audit log's insert)."""
    for c in list_corrections(db, hid):
        target = f"{c['table_name']} {c['row_id']}" if c["row_id"] is not None else c["table_name"]
        text = f"{c['action']} {target}: {c['reason']}"
        if c["changes"]:
            text += " " + json.dumps(c["changes"], ensure_ascii=False, sort_keys=True)
        yield {
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
