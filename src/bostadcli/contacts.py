"""The contact log: every letter, call, meeting, visit and referral of a case."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.dates import check_not_after_as_of
from bostadcli.db import insert, now_utc, one, rows, transaction
from bostadcli.errors import Conflict, InvalidInput, NotFound
from bostadcli.households import household_id
from bostadcli.i18n import _
from bostadcli.vocab import ContactKind, ContactStatus, ReferralTarget

if TYPE_CHECKING:
    from sqlite_utils import Database


# What can be booked ahead: a meeting, a home visit, a phone call at an agreed time.
PLANNABLE = (ContactKind.meeting, ContactKind.home_visit, ContactKind.phone)
_AT = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}):(\d{2}))?")


def parse_at(text: str, *, field: str = "at") -> tuple[date, str | None]:
    """``YYYY-MM-DD`` or ``YYYY-MM-DD HH:MM``: the day and the time (or None)."""
    from bostadcli.dates import parse_date

    m = _AT.fullmatch(text.strip())
    if m is None:
        raise InvalidInput(field, text, _("expected YYYY-MM-DD or 'YYYY-MM-DD HH:MM'"))
    day = parse_date(m.group(1), field=field)
    if m.group(2) is None:
        return day, None
    hour, minute = int(m.group(2)), int(m.group(3))
    if hour > 23 or minute > 59:
        raise InvalidInput(field, text, _("not a time of day"))
    return day, f"{hour:02d}:{minute:02d}"


def add_contact(
    db: Database,
    ref: str,
    *,
    kind: str,
    on: date,
    text: str | None = None,
    referral_to: str | None = None,
    caseworker: str | None = None,
    as_of: date,
    automatic: bool = False,
    planned: bool = False,
    at_time: str | None = None,
    now: datetime | None = None,
    warnings: list[str] | None = None,
) -> int:
    """Log a contact; a referral names the service it went to.

    With ``planned`` the contact is booked for ``on`` (and ``at_time``), which must not
    have passed on ``as_of`` (nor, on today's date, at ``now``); it is marked held or
    cancelled later (``settle_contact``). A contact logged on a day before its case was
    opened is added to ``warnings``, not refused: a first call may come before the case
    is registered.
    """
    kind_ = validate.choice(ContactKind, kind, field="kind")
    if planned:
        if kind_ not in PLANNABLE:
            raise InvalidInput(
                "kind",
                kind_.value,
                _("only a meeting, a home visit or a phone call can be booked"),
            )
        shown_at = on.isoformat() + (f" {at_time}" if at_time else "")
        if on < as_of:
            raise InvalidInput("at", shown_at, _("is in the past; a booked contact lies ahead"))
        current = now or datetime.now()
        if at_time and on == current.date() and at_time < current.strftime("%H:%M"):
            raise InvalidInput("at", shown_at, _("is in the past; a booked contact lies ahead"))
    else:
        if at_time is not None:
            raise InvalidInput("at", at_time, _("only a booked contact has a time"))
        check_not_after_as_of(on, as_of, field="date")
    target = None
    if referral_to:
        target = validate.choice(ReferralTarget, referral_to, field="to").value
    if kind_ is ContactKind.referral and target is None:
        raise InvalidInput("to", "", _("a referral names the service it goes to"))
    if kind_ is not ContactKind.referral and target is not None:
        raise InvalidInput("to", target, _("only a referral goes to a service"))
    record = {
        "kind": kind_.value,
        "contact_on": on.isoformat(),
        "text": validate.clean_text(
            text, field="text", max_length=validate.TEXT_MAX, multiline=True
        )
        or "",
        "referral_to": target,
        "caseworker": validate.clean_text(caseworker, field="caseworker"),
        "automatic": int(automatic),
        "status": ContactStatus.planned.value if planned else ContactStatus.held.value,
        "at_time": at_time,
        "created_at": now_utc(),
    }
    with transaction(db):
        hid = household_id(db, ref)
        record["household_id"] = hid
        if warnings is not None and not planned:
            warnings += _before_opening(db, hid, on)
        who = record["caseworker"]
        if isinstance(who, str):
            # Initials or a login stand for the caseworker's name; other text is kept.
            from bostadcli.caseworkers import name_of

            named = name_of(db, who)
            if named is not None:
                record["caseworker"] = named
        contact_id = insert(db, "contacts", record)
        db.execute("UPDATE households SET updated_at = ? WHERE id = ?", [now_utc(), hid])
    return contact_id


def _before_opening(db: Database, hid: int, on: date) -> list[str]:
    """A line for a contact logged on ``on``, before case ``hid`` was opened; none after."""
    case = one(db, "SELECT opened_on FROM households WHERE id = ?", [hid])
    if case is None or on.isoformat() >= case["opened_on"]:
        return []
    return [
        _(
            "the contact is dated {day}, before the case was opened ({opened}): check --date"
            " unless it came before the case was registered"
        ).format(day=on.isoformat(), opened=case["opened_on"])
    ]


def settle_contact(
    db: Database,
    contact_id: int,
    *,
    status: str,
    on: date | None = None,
    note: str | None = None,
    as_of: date,
) -> dict[str, Any]:
    """Mark a booked contact held (on ``on``, default its booked day) or cancelled."""
    validate.row_id(contact_id, field="ID")
    outcome = validate.choice(ContactStatus, status, field="status")
    if outcome is ContactStatus.planned:
        raise InvalidInput("status", outcome.value, _("a contact is booked with contact add"))
    cleaned_note = validate.clean_text(
        note, field="text", max_length=validate.TEXT_MAX, multiline=True
    )
    with transaction(db):
        contact = one(
            db,
            "SELECT c.*, h.ref FROM contacts c JOIN households h ON h.id = c.household_id"
            " WHERE c.id = ?",
            [contact_id],
        )
        if contact is None:
            raise NotFound(_("no contact {id}").format(id=contact_id))
        if contact["status"] != ContactStatus.planned.value:
            raise Conflict(
                _("contact {id} is not booked: it is {status}").format(
                    id=contact_id, status=ContactStatus(contact["status"]).label
                )
            )
        _refuse_corrected(db, contact_id)
        changes: dict[str, Any] = {"status": outcome.value, "settled_note": cleaned_note}
        if outcome is ContactStatus.held:
            held_on = on or date.fromisoformat(contact["contact_on"])
            if on is None and held_on > as_of:
                _refuse_not_come(contact_id, held_on, as_of)
            check_not_after_as_of(held_on, as_of, field="date")
            opened = one(
                db, "SELECT opened_on FROM households WHERE id = ?", [contact["household_id"]]
            )
            if opened is not None and held_on.isoformat() < opened["opened_on"]:
                raise InvalidInput(
                    "date",
                    held_on.isoformat(),
                    _(
                        "is before the case was opened ({opened}): a booked contact is held"
                        " after its case was opened; check --date"
                    ).format(opened=opened["opened_on"]),
                )
            if on is not None:
                changes["contact_on"] = held_on.isoformat()
        elif on is not None:
            raise InvalidInput("date", on.isoformat(), _("only a held contact has a date"))
        db.table("contacts").update(contact_id, changes)
        db.execute(
            "UPDATE households SET updated_at = ? WHERE id = ?",
            [now_utc(), contact["household_id"]],
        )
    return contact


def _refuse_corrected(db: Database, contact_id: int) -> None:
    """A booking corrected by a newer entry is settled at the newest of the chain."""
    first = contact_id
    newest = None
    while newer := one(db, "SELECT id FROM contacts WHERE corrects_id = ?", [contact_id]):
        newest = contact_id = newer["id"]
    if newest is not None:
        raise Conflict(
            _("contact {id} was corrected by entry {new}: mark that one").format(
                id=first, new=newest
            )
        )


def _refuse_not_come(contact_id: int, booked: date, as_of: date) -> None:
    """A booking marked held, without --date, before its day has come."""
    from bostadcli.dates import real_today

    if as_of >= real_today():
        message = _(
            "contact {id} is booked for {day}, which has not come yet: mark it held on that"
            " day or later, give --date if it was held earlier, or call it off with"
            " 'bostad contact cancel {id}'"
        )
    else:
        message = _(
            "contact {id} is booked for {day}, after --as-of ({as_of}): mark it held on"
            " that day or later, or give --date"
        )
    raise Conflict(message.format(id=contact_id, day=booked.isoformat(), as_of=as_of.isoformat()))


def list_contacts(
    db: Database,
    *,
    ref: str | None = None,
    since: date | None = None,
    kind: str | None = None,
    status: str | None = None,
) -> list[dict[str, Any]]:
    """Contacts, newest first (booked ones by their day, the furthest ahead first). A
    corrected entry stays, with the entry that corrects it (``corrected_by``), as in a
    journal."""
    where: list[str] = ["1 = 1"]
    params: dict[str, Any] = {}
    if status is not None:
        where.append("c.status = :status")
        params["status"] = validate.choice(ContactStatus, status, field="status").value
    if ref is not None:
        where.append("c.household_id = :hid")
        params["hid"] = household_id(db, ref)
    if since is not None:
        where.append("c.contact_on >= :since")
        params["since"] = since.isoformat()
    if kind is not None:
        where.append("c.kind = :kind")
        params["kind"] = validate.choice(ContactKind, kind, field="kind").value
    result = rows(
        db,
        f"""
        SELECT c.id, h.ref, c.contact_on, c.at_time, c.status, c.kind, c.referral_to, c.text,
            c.caseworker, c.automatic, c.settled_note, c.corrects_id,
            (SELECT x.id FROM contacts x WHERE x.corrects_id = c.id) AS corrected_by
        FROM contacts c JOIN live_households h ON h.id = c.household_id
        WHERE {" AND ".join(where)}
        ORDER BY c.contact_on DESC, c.id DESC
        """,
        params,
    )
    for row in result:
        row["automatic"] = bool(row["automatic"])
    return result
