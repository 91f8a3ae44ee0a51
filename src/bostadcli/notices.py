"""Notices: the milestones of a case, and the deadlines that follow from them.

termination (landlord's notice; for unpaid rent it starts the recovery period) →
warning to correct (disturbance, neglect) → application to Kronofogden → eviction date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from bostadcli import rules, validate
from bostadcli.db import insert, now_utc, rows, transaction
from bostadcli.errors import InvalidInput
from bostadcli.households import household_id
from bostadcli.i18n import _
from bostadcli.money import Money
from bostadcli.vocab import NoticeKind, Reason
from bostadcli.workdays import recovery_deadline

if TYPE_CHECKING:
    from sqlite_utils import Database


def parse_eviction_at(text: str, *, field: str = "eviction_at") -> str:
    """``YYYY-MM-DD`` or ``YYYY-MM-DD HH:MM`` (Kronofogden gives day and time)."""
    from bostadcli.dates import parse_date

    value = text.strip().replace("T", " ")
    day = parse_date(value[:10], field=field)
    rest = value[10:].strip()
    if not rest:
        return day.isoformat()
    try:
        moment = datetime.strptime(rest, "%H:%M")
    except ValueError:
        raise InvalidInput(field, text, _("expected a time as HH:MM")) from None
    return f"{day.isoformat()}T{moment:%H:%M}"


@dataclass
class NewNotice:
    kind: str
    ground: str | None = None
    received_on: date | None = None
    served_on: date | None = None
    amount: Money | None = None
    eviction_at: str | None = None
    enforcement_case: str | None = None
    note: str | None = None


def add_notice(db: Database, ref: str, notice: NewNotice, *, as_of: date) -> dict[str, Any]:
    """Record a milestone; computes the recovery deadline of a rent termination."""
    notice_id = record_notice(db, ref, notice, as_of=as_of)
    return list_notices(db, ref=ref, as_of=as_of, notice_id=notice_id)[0]


def record_notice(
    db: Database, ref: str, notice: NewNotice, *, as_of: date, new_case: bool = False
) -> int:
    """``add_notice`` without reading the notice back, for a landlord's list of many.

    ``new_case``: the household was opened in this same transaction, so its
    ``updated_at`` is this moment already and is not written (and audited) again.
    """
    record = notice_record(notice, as_of=as_of)
    ground = record["ground"]
    with transaction(db):
        hid = household_id(db, ref)
        record["household_id"] = hid
        notice_id = insert(db, "notices", record)
        if ground is not None:
            db.execute(
                "INSERT OR IGNORE INTO household_reasons (household_id, reason) VALUES (?, ?)",
                [hid, ground],
            )
        if not new_case:
            db.execute("UPDATE households SET updated_at = ? WHERE id = ?", [now_utc(), hid])
    return notice_id


def notice_record(notice: NewNotice, *, as_of: date) -> dict[str, Any]:
    """The columns of a notice, checked, with its recovery deadline computed."""
    kind = validate.choice(NoticeKind, notice.kind, field="kind")
    ground = validate.choice(Reason, notice.ground, field="ground") if notice.ground else None
    if kind is NoticeKind.termination and ground is None:
        ground = Reason.unpaid_rent
    for name, value in (("received", notice.received_on), ("served", notice.served_on)):
        if value is not None and value > as_of:
            raise InvalidInput(name, value.isoformat(), _("is in the future"))
    if notice.amount is not None and notice.amount.ore < 0:
        raise InvalidInput("amount", str(notice.amount), _("cannot be negative"))
    if kind is NoticeKind.eviction and not notice.eviction_at:
        raise InvalidInput("eviction_at", "", _("an eviction notice needs the date (and time)"))
    if kind is not NoticeKind.eviction and notice.eviction_at:
        raise InvalidInput(
            "eviction_at", notice.eviction_at, _("only an eviction notice has an eviction date")
        )
    eviction_at = parse_eviction_at(notice.eviction_at) if notice.eviction_at else None
    deadline = None
    if kind is NoticeKind.termination and ground is Reason.unpaid_rent and notice.served_on:
        deadline = recovery_deadline(notice.served_on).isoformat()
    record = {
        "kind": kind.value,
        "ground": ground.value if ground else None,
        "received_on": (notice.received_on or as_of).isoformat(),
        "served_on": notice.served_on.isoformat() if notice.served_on else None,
        "amount_ore": notice.amount.ore if notice.amount is not None else None,
        "recovery_deadline": deadline,
        "eviction_at": eviction_at,
        "enforcement_case": validate.clean_text(notice.enforcement_case, field="case_number"),
        "note": validate.clean_text(
            notice.note, field="note", max_length=validate.TEXT_MAX, multiline=True
        ),
        "created_at": now_utc(),
    }
    return record


def list_notices(
    db: Database,
    *,
    as_of: date,
    ref: str | None = None,
    notice_id: int | None = None,
    upcoming_within: int | None = None,
) -> list[dict[str, Any]]:
    """Notices with their deadline and days left (negative when passed)."""
    if upcoming_within is not None and upcoming_within < 0:
        raise InvalidInput("upcoming", str(upcoming_within), _("cannot be negative"))
    if upcoming_within is not None:
        validate.whole_number(
            upcoming_within, field="upcoming", low=0, high=rules.DEADLINE_VIEW_MAX_DAYS
        )
    where: list[str] = ["1 = 1"]
    params: dict[str, Any] = {}
    if ref is not None:
        where.append("n.household_id = :hid")
        params["hid"] = household_id(db, ref)
    if notice_id is not None:
        where.append("n.id = :nid")
        params["nid"] = notice_id
    result = rows(
        db,
        f"""
        SELECT n.id, h.ref, n.kind, n.ground, n.received_on, n.served_on, n.amount_ore,
            n.recovery_deadline, n.eviction_at, n.enforcement_case, n.note
        FROM live_notices n JOIN live_households h ON h.id = n.household_id
        WHERE {" AND ".join(where)}
        ORDER BY coalesce(n.recovery_deadline, substr(n.eviction_at, 1, 10), n.received_on),
            n.id
        """,
        params,
    )
    out = []
    for row in result:
        deadline = row["recovery_deadline"] or (
            row["eviction_at"][:10] if row["eviction_at"] else None
        )
        row["deadline"] = deadline
        row["days_left"] = (date.fromisoformat(deadline) - as_of).days if deadline else None
        if upcoming_within is not None and (
            row["days_left"] is None or not 0 <= row["days_left"] <= upcoming_within
        ):
            continue
        out.append(row)
    return out
