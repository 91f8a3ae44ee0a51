"""Consent (samtycke) per recipient.

Offentlighets- och sekretesslagen 26 kap. 1 §: facts about a person's circumstances may
go to a landlord, Kronofogden or a debt collector only with the person's consent. A
consent is valid on a day when it was given on or before it, has not expired, and was
not revoked on or before it.

Whether a document may go to a recipient is judged on the real date it is made
(``consent_day``), never on ``--as-of``: as-of replays what a case looked like, it cannot
bring back a consent that has since expired or been revoked. Every check goes through
``require_consent`` (one case) or ``cases_without_consent_sql`` (an export).

A consent is recorded on the real date too: a given date after it is refused, one before
it (consent given on the phone last week, written down today) is allowed with a reason,
which is stored and shown beside the consent.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.dates import format_date, real_today
from bostadcli.db import insert, now_utc, one, rows, transaction
from bostadcli.errors import Conflict, ConsentRequired, InvalidInput, NotFound, shown
from bostadcli.households import household_id
from bostadcli.i18n import _
from bostadcli.vocab import Recipient

if TYPE_CHECKING:
    from sqlite_utils import Database


# When a consent is valid, the one rule: ``consent_valid`` in Python, ``consent_valid_sql``
# in SQL. By its dates, a consent is in force on a day when it was given on or before it,
# has not expired before it (``expires_on`` is its last day) and was not revoked on or
# before it. And a consent to share with "the landlord" names the landlord the household
# had when it was given (landlord_id): it does not pass to a new landlord after a move.
# (Consents recorded before 0015, or when the household had no landlord, name none and
# cover the household's landlord.) A consent to a debt collector or another recipient
# must name the recipient (``recipient_name``): an export to one of them names it
# (``--recipient-name``) and counts only a consent recording that name, so one recorded
# without a name can be used for nothing and is not valid.

# The recipients a consent is given to by name (``consent add --name``).
NAMED_RECIPIENTS = (Recipient.debt_collector, Recipient.other)
_NAMED_CODES = ", ".join(f"'{r.value}'" for r in NAMED_RECIPIENTS)


def consent_valid_sql(on: str = ":on", *, landlord: bool = True, consent: str = "c") -> str:
    """SQL condition: the consent row ``consent`` (an alias of ``consents``) is valid on the
    ISO date ``on`` (an SQL expression, by default the parameter ``:on``): in force by its
    dates, for the household's landlord, and naming its recipient where one must be
    named. With ``landlord=False``, by its dates alone (``valid_dates``)."""
    c = consent
    dates = (
        f"{c}.given_on <= {on} AND ({c}.expires_on IS NULL OR {c}.expires_on >= {on})"
        f" AND ({c}.revoked_on IS NULL OR {c}.revoked_on > {on})"
    )
    if not landlord:
        return dates
    return (
        f"{dates} AND ({c}.landlord_id IS NULL OR {c}.landlord_id IS"
        f" (SELECT vh.landlord_id FROM households vh WHERE vh.id = {c}.household_id))"
        f" AND ({c}.recipient NOT IN ({_NAMED_CODES}) OR {c}.recipient_name IS NOT NULL)"
    )


def same_recipient_sql(consent: str, other: str) -> str:
    """SQL condition: the consent row ``consent`` is for the recipient ``other`` is for: the
    same kind and, for a debt collector or another recipient, the same name (compared by
    ``recipient_key_sql``; a consent without a name is for no named recipient)."""
    return (
        f"{consent}.recipient = {other}.recipient AND ({consent}.recipient NOT IN"
        f" ({_NAMED_CODES}) OR {recipient_key_sql(f'{consent}.recipient_name')} ="
        f" {recipient_key_sql(f'{other}.recipient_name')})"
    )


def recipient_key(name: str) -> str:
    """What a recipient's name is compared by, wherever consents are matched to a name
    (``consent revoke --name``, an export's ``--recipient-name``, a letter to a landlord):
    as landlord names are (``landlords.landlord_key``), so case, å/ä/ö against a/a/o,
    hyphens against spaces and spacing do not count. In SQL: ``recipient_key_sql``."""
    from bostadcli.landlords import landlord_key

    return landlord_key(name)


def recipient_key_sql(expr: str) -> str:
    """SQL for ``recipient_key`` of the name ``expr``."""
    from bostadcli.landlords import landlord_key_sql

    return landlord_key_sql(expr)


def lacks_name(consent: Mapping[str, Any]) -> bool:
    """A consent to a debt collector or another recipient recorded without the recipient's
    name: no export can use it (``consent_valid_sql``)."""
    return consent.get("recipient") in NAMED_RECIPIENTS and consent.get("recipient_name") is None


def valid_dates(consent: Mapping[str, Any], on: date) -> bool:
    """Python for ``consent_valid_sql(landlord=False)``: in force on ``on`` by its dates
    (a row with ISO ``given_on``, ``expires_on`` and ``revoked_on``)."""
    day = on.isoformat()
    expires, revoked = consent["expires_on"], consent["revoked_on"]
    return (
        consent["given_on"] <= day
        and (expires is None or expires >= day)
        and (revoked is None or revoked > day)
    )


def consent_valid(consent: Mapping[str, Any], on: date, *, household_landlord: int | None) -> bool:
    """Python for ``consent_valid_sql()``: in force on ``on``; when it names a landlord
    (``landlord_id``), for ``household_landlord``, the household's landlord now; and not
    ``lacks_name``."""
    named = consent["landlord_id"]
    return (
        valid_dates(consent, on)
        and (named is None or named == household_landlord)
        and not lacks_name(consent)
    )


def invalid_reason(
    consent: Mapping[str, Any], on: date, *, household_landlord: int | None
) -> str | None:
    """Why a consent is not valid on ``on`` (None when ``consent_valid``): the first of
    not_yet_given, revoked, expired, other_landlord (it names a landlord the household
    no longer has) and unnamed (``lacks_name``) that holds."""
    day = on.isoformat()
    if consent["given_on"] > day:
        return "not_yet_given"
    if consent["revoked_on"] is not None and consent["revoked_on"] <= day:
        return "revoked"
    if consent["expires_on"] is not None and consent["expires_on"] < day:
        return "expired"
    named = consent["landlord_id"]
    if named is not None and named != household_landlord:
        return "other_landlord"
    if lacks_name(consent):
        return "unnamed"
    return None


# The two forms every query here uses, with ``c`` for the consent and ``:on`` for the day.
VALID_DATES = consent_valid_sql(landlord=False)
VALID_ON = consent_valid_sql()


def consent_day(today: date | None = None) -> date:
    """The day consent is judged on: the real date the document is made.

    ``today`` is that date when the caller knows it (tests pin it); never pass
    ``--as-of`` here.
    """
    return today if today is not None else real_today()


def add_consent(
    db: Database,
    ref: str,
    *,
    recipient: str,
    given_on: date,
    expires_on: date | None = None,
    recipient_name: str | None = None,
    note: str | None = None,
    reason: str | None = None,
    as_of: date | None = None,
    today: date | None = None,
) -> int:
    """Record a consent on the real date ``today``.

    A consent given after today is refused; one given before today is back-dated and
    needs ``reason`` (why it is written down only now), stored and shown with it.
    ``as_of`` is accepted for symmetry with other commands and does not change what is
    recorded or how it is judged.
    """
    del as_of  # recording happens on the real date, whatever day is replayed
    recorded_on = consent_day(today)
    who = validate.choice(Recipient, recipient, field="recipient")
    if given_on > recorded_on:
        raise InvalidInput(
            "given", given_on.isoformat(), _("is after today: a consent cannot be dated ahead")
        )
    if expires_on is not None and expires_on < given_on:
        raise InvalidInput("expires", expires_on.isoformat(), _("is before the consent was given"))
    why = validate.clean_text(reason, field="reason", max_length=validate.TEXT_MAX)
    if given_on < recorded_on and why is None:
        raise InvalidInput(
            "given",
            given_on.isoformat(),
            _(
                "is before today, the day the consent is recorded: say why with --reason"
                " (e.g. 'oral consent on the phone, written down afterwards')"
            ),
        )
    named = validate.clean_text(recipient_name, field="name")
    if recipient_name is not None and named is None:
        raise InvalidInput(
            "--name", recipient_name, _("is empty: give the recipient's name, or leave it out")
        )
    if who in NAMED_RECIPIENTS and named is None:
        # Without a name no export could use it (``consent_valid_sql``): refuse it here.
        raise InvalidInput(
            "--name",
            "",
            _(
                "a consent for {recipient} is given to a named recipient: add --name NAME"
                " (e.g. the company)"
            ).format(recipient=who.label),
        )
    record: dict[str, Any] = {
        "recipient": who.value,
        "recipient_name": named,
        "given_on": given_on.isoformat(),
        "expires_on": expires_on.isoformat() if expires_on else None,
        "note": validate.clean_text(
            note, field="note", max_length=validate.TEXT_MAX, multiline=True
        ),
        "recorded_on": recorded_on.isoformat(),
        "backdate_reason": why if given_on < recorded_on else None,
        "created_at": now_utc(),
    }
    with transaction(db):
        record["household_id"] = household_id(db, ref)
        if who is Recipient.landlord:
            found = db.execute(
                "SELECT landlord_id FROM households WHERE id = ?", [record["household_id"]]
            ).fetchone()
            record["landlord_id"] = found[0] if found else None
        return insert(db, "consents", record)


def revoke_consent(
    db: Database,
    ref: str,
    *,
    recipient: str,
    revoked_on: date,
    name: str | None = None,
    as_of: date | None = None,
    today: date | None = None,
) -> list[dict[str, Any]]:
    """Revoke the consents for the recipient that are valid by their dates on
    ``revoked_on``; with ``name``, only those for the recipient of that name
    (``recipient_key``). Returns the revoked consents' ``id`` and ``name``.

    Without ``name``, consents that name more than one recipient (two debt collectors)
    are refused: the household withdraws its consent from someone, and revoking the
    others too would record a withdrawal that was never made. A revocation may be dated
    back (it only withholds more), never after the real date.
    """
    del as_of
    who = validate.choice(Recipient, recipient, field="recipient")
    if revoked_on > consent_day(today):
        raise InvalidInput("date", revoked_on.isoformat(), _("is in the future"))
    wanted = None
    if name is not None:
        cleaned = validate.clean_text(name, field="name")
        if cleaned is None:
            raise InvalidInput(
                "--name", name, _("is empty: give the recipient's name, or leave it out")
            )
        wanted = recipient_key(cleaned)
    with transaction(db):
        hid = household_id(db, ref)
        in_force = rows(
            db,
            f"SELECT c.id, {_CONSENT_NAME} AS name FROM consents AS c"
            " LEFT JOIN landlords cl ON cl.id = c.landlord_id AND c.recipient = 'landlord'"
            f" WHERE c.household_id = :hid AND c.recipient = :who AND {VALID_DATES}"
            " ORDER BY c.given_on, c.id",
            {"on": revoked_on.isoformat(), "hid": hid, "who": who.value},
        )
        names = consent_names(in_force)
        if wanted is not None:
            chosen = [c for c in in_force if c["name"] and recipient_key(c["name"]) == wanted]
        elif len(names) > 1:
            raise Conflict(_ambiguous_revocation(ref, who, names))
        else:
            chosen = in_force
        if not chosen:
            revoked = _revoked_before(db, hid, who, wanted, revoked_on)
            raise NotFound(_nothing_to_revoke(ref, who, name, revoked_on, names, in_force, revoked))
        db.execute(
            f"UPDATE consents SET revoked_on = ? WHERE id IN ({', '.join('?' * len(chosen))})",
            [revoked_on.isoformat(), *(c["id"] for c in chosen)],
        )
        return chosen


# The name a consent is for: the one recorded with it or, for a landlord, the landlord it
# was given for (``landlord_id``, joined as ``cl``).
_CONSENT_NAME = "coalesce(c.recipient_name, cl.name)"


def consent_names(consents: list[dict[str, Any]]) -> list[str]:
    """The different names of ``consents`` (rows with ``name``, ``recipient_key``), each
    as first spelled."""
    found: dict[str, str] = {}
    for c in consents:
        if c["name"]:
            found.setdefault(recipient_key(c["name"]), c["name"])
    return list(found.values())


def _revoked_before(
    db: Database, hid: int, who: Recipient, wanted: str | None, on: date
) -> date | None:
    """The latest day on or before ``on`` a consent of the household for ``who`` (with
    ``wanted``, for the recipient of that ``recipient_key``) was revoked, if any."""
    found = [
        c["revoked_on"]
        for c in rows(
            db,
            f"SELECT c.revoked_on, {_CONSENT_NAME} AS name FROM consents AS c"
            " LEFT JOIN landlords cl ON cl.id = c.landlord_id AND c.recipient = 'landlord'"
            " WHERE c.household_id = :hid AND c.recipient = :who AND c.given_on <= :on"
            " AND c.revoked_on <= :on",
            {"on": on.isoformat(), "hid": hid, "who": who.value},
        )
        if wanted is None or (c["name"] and recipient_key(c["name"]) == wanted)
    ]
    return date.fromisoformat(max(found)) if found else None


def _ambiguous_revocation(ref: str, who: Recipient, names: list[str]) -> str:
    return _(
        "{ref} has consents in force for {recipient} to {n} recipients: {names}; say whose"
        " consent is revoked with --name NAME (once for each)"
    ).format(
        ref=ref,
        recipient=who.label,
        n=len(names),
        names=", ".join(shown(n, 40) for n in names),
    )


def _nothing_to_revoke(
    ref: str,
    who: Recipient,
    name: str | None,
    on: date,
    names: list[str],
    in_force: list[dict[str, Any]],
    revoked: date | None = None,
) -> str:
    """Why nothing was revoked (it was already, on ``revoked``), and what there is to
    revoke."""
    values = {"ref": ref, "recipient": who.label, "date": format_date(on, "long")}
    if revoked is not None:
        values["date"] = format_date(revoked, "long")
    if name is None and revoked is not None:
        return _("{ref}: the consent for {recipient} was already revoked on {date}").format(
            **values
        )
    if name is None:
        return _("{ref} has no valid consent for {recipient} on {date}").format(**values)
    if revoked is not None:
        message = _(
            "{ref}: the consent for {recipient} '{name}' was already revoked on {date}"
        ).format(**values, name=shown(validate.normalise_name(name)))
    else:
        message = _("{ref} has no consent for {recipient} '{name}' in force on {date}").format(
            **values, name=shown(validate.normalise_name(name))
        )
    if names:
        message += "; " + _("the consents in force name: {names}").format(
            names=", ".join(shown(n, 40) for n in names)
        )
    elif in_force:
        message += "; " + _(
            "its consent for {recipient} in force was recorded without a name: revoke it"
            " without --name"
        ).format(recipient=who.label)
    return message


# A consent to a debt collector or another recipient is for the recipient it names
# (``recipient_name``), compared by ``recipient_key``: bind ``:who_name`` to one.
NAMED_SQL = f"{recipient_key_sql('c.recipient_name')} = :who_name"
# A consent to the landlord that counts for the household's own: it names no landlord,
# or names that one (``recipient_key``, as ``landlords.landlord_key``).
OWN_LANDLORD_SQL = (
    f"(c.recipient_name IS NULL OR {recipient_key_sql('c.recipient_name')} ="
    f" (SELECT {recipient_key_sql('ol.name')} FROM households oh"
    " JOIN landlords ol ON ol.id = oh.landlord_id WHERE oh.id = c.household_id))"
)


def valid_consent(
    db: Database, hid: int, recipient: Recipient, on: date, name: str | None = None
) -> dict[str, Any] | None:
    """The household's consent for ``recipient`` valid on ``on``; with ``name``, only one
    recorded for the recipient of that name."""
    named = "" if name is None else f" AND {NAMED_SQL}"
    if name is None and recipient is Recipient.landlord:
        # For the household's own landlord: a consent that names another one is not it.
        named = f" AND {OWN_LANDLORD_SQL}"
    return one(
        db,
        f"SELECT * FROM consents AS c WHERE c.household_id = :hid AND c.recipient = :who"
        f" AND {VALID_ON}{named} ORDER BY c.given_on DESC LIMIT 1",
        {
            "hid": hid,
            "who": recipient.value,
            "on": on.isoformat(),
            "who_name": None if name is None else recipient_key(name),
        },
    )


def require_consent(
    db: Database,
    ref: str,
    recipient: Recipient,
    *,
    today: date | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    """The consent valid on the real date (``consent_day``), or ConsentRequired.

    With ``name`` (a debt collector, another recipient) the consent must be recorded for
    the recipient of that name: one recorded without a name matches no named recipient.
    """
    on = consent_day(today)
    hid = household_id(db, ref)
    found = valid_consent(db, hid, recipient, on, name)
    if found is None and name is not None:
        raise ConsentRequired(_refusal_for_named(db, hid, ref, recipient, name, on))
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
    # ``invalid_reason`` says why a consent is not valid (``invalid_reason()``);
    # ``landlord`` names the landlord a consent for the landlord was given for.
    return [
        {k: v for k, v in row.items() if k not in ("landlord_id", "household_landlord")}
        | {
            "valid": bool(row["valid"]),
            "backdated": bool(row["backdated"]),
            "invalid_reason": invalid_reason(
                row, as_of, household_landlord=row["household_landlord"]
            ),
        }
        for row in rows(
            db,
            f"""
            SELECT c.id, h.ref, c.recipient, c.recipient_name, c.given_on, c.expires_on,
                c.revoked_on, ({VALID_ON}) AS valid, c.note, c.recorded_on,
                c.given_on < c.recorded_on AS backdated, c.backdate_reason,
                c.landlord_id, h.landlord_id AS household_landlord, cl.name AS landlord
            FROM consents c JOIN live_households h ON h.id = c.household_id
                LEFT JOIN landlords cl ON cl.id = c.landlord_id
            WHERE {" AND ".join(where)}
            ORDER BY h.ref, c.given_on, c.id
            """,
            params,
        )
    ]


def cases_without_consent_sql(ref_expr: str, *, named: bool = False) -> str:
    """A condition true when the case whose reference is ``ref_expr`` has no consent for
    ``:who`` valid on ``:on`` (bind ``:on`` to ``consent_day(...)``). With ``named``, no
    such consent for the recipient named ``:who_name`` (a ``recipient_key``). A
    consent to the landlord counts for the household's own landlord only
    (``OWN_LANDLORD_SQL``): one naming another landlord never reaches it."""
    name = f" AND {NAMED_SQL}" if named else ""
    return (
        "NOT EXISTS (SELECT 1 FROM consents c JOIN households ch ON ch.id = c.household_id"
        f" WHERE ch.ref = {ref_expr} AND c.recipient = :who AND {VALID_ON}{name}"
        f" AND (c.recipient <> 'landlord' OR {OWN_LANDLORD_SQL}))"
    )


def _refusal_for_named(
    db: Database, hid: int, ref: str, recipient: Recipient, name: str, on: date
) -> str:
    """Why ``ref`` may not go to the recipient named ``name``, and how to put it right."""
    shown_name = shown(validate.normalise_name(name))
    unnamed = one(
        db,
        f"SELECT c.id FROM consents AS c WHERE c.household_id = :hid AND c.recipient = :who"
        f" AND c.recipient_name IS NULL AND {VALID_DATES}",
        {"hid": hid, "who": recipient.value, "on": on.isoformat()},
    )
    values = {
        "ref": ref,
        "recipient": recipient.label,
        "name": shown_name,
        "date": format_date(on, "long"),
        "code": recipient.value,
    }
    if unnamed is not None:
        return _(
            "{ref} has no valid consent for {recipient} '{name}' on {date}: its consent for"
            " {recipient} was recorded without a name and matches no named recipient;"
            " record it with 'bostad consent add {ref} --recipient {code} --name \"{name}\"'"
        ).format(**values)
    return _(
        "{ref} has no valid consent for {recipient} '{name}' on {date}: record it with"
        " 'bostad consent add {ref} --recipient {code} --name \"{name}\" --given DATE'"
    ).format(**values)
