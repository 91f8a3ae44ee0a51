"""Consent (samtycke) per recipient.

Offentlighets- och sekretesslagen 26 kap. 1 §: facts about a person's circumstances may
go to a landlord, Kronofogden or a debt collector only with the person's consent. A
consent is valid on a day when it was given on or before it, has not expired, and was
not revoked on or before it.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.dates import format_date
from bostadcli.db import insert, now_utc, one, rows, transaction
from bostadcli.errors import ConsentRequired, InvalidInput, NotFound
from bostadcli.households import household_id
from bostadcli.i18n import _
from bostadcli.vocab import Recipient

if TYPE_CHECKING:
    from sqlite_utils import Database

VALID_ON = (
    "c.given_on <= :on AND (c.expires_on IS NULL OR c.expires_on >= :on)"
    " AND (c.revoked_on IS NULL OR c.revoked_on > :on)"
)


def add_consent(
    db: Database,
    ref: str,
    *,
    recipient: str,
    given_on: date,
    expires_on: date | None = None,
    recipient_name: str | None = None,
    note: str | None = None,
    as_of: date,
) -> int:
    who = validate.choice(Recipient, recipient, field="recipient")
    if given_on > as_of:
        raise InvalidInput("given", given_on.isoformat(), _("is in the future"))
    if expires_on is not None and expires_on < given_on:
        raise InvalidInput("expires", expires_on.isoformat(), _("is before the consent was given"))
    record: dict[str, Any] = {
        "recipient": who.value,
        "recipient_name": validate.clean_text(recipient_name, field="name"),
        "given_on": given_on.isoformat(),
        "expires_on": expires_on.isoformat() if expires_on else None,
        "note": validate.clean_text(
            note, field="note", max_length=validate.TEXT_MAX, multiline=True
        ),
        "created_at": now_utc(),
    }
    with transaction(db):
        record["household_id"] = household_id(db, ref)
        return insert(db, "consents", record)


def revoke_consent(db: Database, ref: str, *, recipient: str, revoked_on: date, as_of: date) -> int:
    """Revoke every consent for the recipient that is valid on ``revoked_on``."""
    who = validate.choice(Recipient, recipient, field="recipient")
    if revoked_on > as_of:
        raise InvalidInput("date", revoked_on.isoformat(), _("is in the future"))
    with transaction(db):
        hid = household_id(db, ref)
        cursor = db.execute(
            f"UPDATE consents AS c SET revoked_on = :on WHERE household_id = :hid"
            f" AND recipient = :who AND {VALID_ON}",
            {"on": revoked_on.isoformat(), "hid": hid, "who": who.value},
        )
        if cursor.rowcount == 0:
            raise NotFound(
                _("{ref} has no valid consent for {recipient} on {date}").format(
                    ref=ref, recipient=who.label, date=format_date(revoked_on, "long")
                )
            )
        return int(cursor.rowcount)


def valid_consent(db: Database, hid: int, recipient: Recipient, on: date) -> dict[str, Any] | None:
    return one(
        db,
        f"SELECT * FROM consents AS c WHERE c.household_id = :hid AND c.recipient = :who"
        f" AND {VALID_ON} ORDER BY c.given_on DESC LIMIT 1",
        {"hid": hid, "who": recipient.value, "on": on.isoformat()},
    )


def require_consent(db: Database, ref: str, recipient: Recipient, on: date) -> dict[str, Any]:
    """The valid consent, or ConsentRequired saying what is missing."""
    found = valid_consent(db, household_id(db, ref), recipient, on)
    if found is None:
        raise ConsentRequired(
            _(
                "{ref} has no valid consent for {recipient} on {date}: record it with"
                " 'bostad consent add {ref} --recipient {code} --given DATE'"
            ).format(
                ref=ref,
                recipient=recipient.label,
                date=format_date(on, "long"),
                code=recipient.value,
            )
        )
    return found


def list_consents(db: Database, *, as_of: date, ref: str | None = None) -> list[dict[str, Any]]:
    where: list[str] = ["1 = 1"]
    params: dict[str, Any] = {"on": as_of.isoformat()}
    if ref is not None:
        where.append("c.household_id = :hid")
        params["hid"] = household_id(db, ref)
    return [
        row | {"valid": bool(row["valid"])}
        for row in rows(
            db,
            f"""
            SELECT c.id, h.ref, c.recipient, c.recipient_name, c.given_on, c.expires_on,
                c.revoked_on, ({VALID_ON}) AS valid, c.note
            FROM consents c JOIN live_households h ON h.id = c.household_id
            WHERE {" AND ".join(where)}
            ORDER BY h.ref, c.given_on, c.id
            """,
            params,
        )
    ]
