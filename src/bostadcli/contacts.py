"""The contact log: every letter, call, meeting, visit and referral of a case."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.db import insert, now_utc, one, rows, transaction
from bostadcli.errors import InvalidInput
from bostadcli.households import household_id
from bostadcli.i18n import _
from bostadcli.vocab import ContactKind, ReferralTarget

if TYPE_CHECKING:
    from sqlite_utils import Database


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
) -> int:
    """Log a contact; a referral names the service it went to."""
    kind_ = validate.choice(ContactKind, kind, field="kind")
    if on > as_of:
        raise InvalidInput("date", on.isoformat(), _("is in the future"))
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
        "created_at": now_utc(),
    }
    with transaction(db):
        hid = household_id(db, ref)
        record["household_id"] = hid
        who = record["caseworker"]
        if isinstance(who, str):
            # Initials or a login stand for the caseworker's name; other text is kept.
            named = one(
                db,
                "SELECT name FROM caseworkers WHERE initials = :upper OR login = :c"
                " ORDER BY retired_on IS NOT NULL, id LIMIT 1",
                {"c": who, "upper": who.upper()},
            )
            if named is not None:
                record["caseworker"] = named["name"]
        contact_id = insert(db, "contacts", record)
        db.execute("UPDATE households SET updated_at = ? WHERE id = ?", [now_utc(), hid])
    return contact_id


def list_contacts(
    db: Database,
    *,
    ref: str | None = None,
    since: date | None = None,
    kind: str | None = None,
) -> list[dict[str, Any]]:
    """Contacts, newest first."""
    where: list[str] = ["1 = 1"]
    params: dict[str, Any] = {}
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
        SELECT c.id, h.ref, c.contact_on, c.kind, c.referral_to, c.text, c.caseworker,
            c.automatic
        FROM contacts c JOIN households h ON h.id = c.household_id
        WHERE {" AND ".join(where)}
        ORDER BY c.contact_on DESC, c.id DESC
        """,
        params,
    )
    for row in result:
        row["automatic"] = bool(row["automatic"])
    return result
