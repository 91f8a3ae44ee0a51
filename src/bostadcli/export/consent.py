"""Exports for someone outside social services: consent judged on the real date.

For Kronofogden every case in an export needs valid consent, or nothing is written; for
a landlord, the export holds only that landlord's tenants who consent to their landlord;
for a debt collector or another recipient, named like a landlord, only the cases that
consent to the recipient of that name (the name recorded with the consent).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.consents import NAMED_RECIPIENTS, recipient_key, recipient_key_sql
from bostadcli.errors import ConsentRequired, InvalidInput
from bostadcli.export.registry import ExportTable, get_table, query
from bostadcli.i18n import _, ngettext
from bostadcli.vocab import Recipient

if TYPE_CHECKING:
    from sqlite_utils import Database


def recipient_choice(value: str | None) -> Recipient | None:
    """The ``--recipient`` option: None when the data stays with social services."""
    return None if value is None else validate.choice(Recipient, value, field="--recipient")


# A refusal names this many cases and counts the rest, so it stays one line.
_REFUSAL_REFS_SHOWN = 10


def refuse_without_consent(missing: list[str], recipient: Recipient, on: date) -> None:
    if not missing:
        return
    from bostadcli.dates import format_date

    shown = ", ".join(missing[:_REFUSAL_REFS_SHOWN])
    if len(missing) > _REFUSAL_REFS_SHOWN:
        shown += " " + _("and {n} more").format(n=len(missing) - _REFUSAL_REFS_SHOWN)
    raise ConsentRequired(
        ngettext(
            "{n} case has no valid consent for {recipient} on {date}: {refs};"
            " record it with 'bostad consent add REF --recipient {code} --given DATE'",
            "{n} cases have no valid consent for {recipient} on {date}: {refs};"
            " record them with 'bostad consent add REF --recipient {code} --given DATE'",
            len(missing),
        ).format(
            n=len(missing),
            recipient=recipient.label,
            date=format_date(on, "long"),
            refs=shown,
            code=recipient.value,
        )
    )


def cases_without_consent(
    db: Database,
    name: str,
    recipient: Recipient,
    *,
    as_of: date,
    since: date | None = None,
    status: str | None = None,
    today: date | None = None,
    landlord_id: int | None = None,
    recipient_name: str | None = None,
) -> list[str]:
    """The cases an export would include that have no consent for ``recipient`` valid
    on the real date (``consents.consent_day(today)``; ``as_of`` only picks the rows).

    For a landlord, only the cases of ``landlord_id`` are considered: an export for a
    landlord carries that landlord's tenants and nobody else. With ``recipient_name``,
    consent counts only when recorded for the recipient of that name.
    A table without cases (landlords) carries nobody's circumstances: nothing to consent to.
    """
    from bostadcli.consents import cases_without_consent_sql, consent_day

    table = get_table(name)
    if not table.has_cases:
        return []
    sql, params = query(table, as_of=as_of, since=since, status=status)
    params |= {"who": recipient.value, "on": consent_day(today).isoformat()}
    named = recipient_name is not None
    if named:
        params["who_name"] = recipient_key(recipient_name or "")
    only = ""
    if landlord_id is not None:
        only = "AND x.ref IN (SELECT ref FROM households WHERE landlord_id = :export_landlord)"
        params["export_landlord"] = landlord_id
    cursor = db.execute(
        f"""
        SELECT DISTINCT x.ref FROM ({sql}) AS x
        WHERE {cases_without_consent_sql("x.ref", named=named)} {only}
        ORDER BY x.ref
        """,
        params,
    )
    return [str(r[0]) for r in cursor.fetchall()]


def recipient_landlord(db: Database, who: Recipient | None, landlord: str | None) -> int | None:
    """The landlord an export for a landlord is for (``--landlord NAME``), by id.

    Consent to share with "the landlord" is consent for the household's own landlord,
    never landlords in general: such an export must name the landlord.
    """
    from bostadcli.landlords import get_landlord

    if who is not Recipient.landlord:
        if landlord is not None:
            raise InvalidInput("--landlord", landlord, _("only with --recipient landlord"))
        return None
    if landlord is None:
        raise InvalidInput(
            "--landlord",
            "",
            _("an export for a landlord must name the landlord: add --landlord NAME"),
        )
    return int(get_landlord(db, landlord)["id"])


def recipient_named(who: Recipient | None, name: str | None) -> str | None:
    """The name of the debt collector or other recipient an export is for
    (``--recipient-name NAME``), as names are stored.

    Consent is given to a named recipient, never to debt collectors in general: such an
    export must name the recipient, as the consent does.
    """
    if who not in NAMED_RECIPIENTS:
        if name is not None:
            raise InvalidInput(
                "--recipient-name", name, _("only with --recipient debt_collector or other")
            )
        return None
    cleaned = validate.clean_text(name, field="--recipient-name")
    if cleaned is None:
        raise InvalidInput(
            "--recipient-name",
            name or "",
            _(
                "an export for {recipient} must name the recipient, as its consent does:"
                " add --recipient-name NAME"
            ).format(recipient=who.label if who else ""),
        )
    return cleaned


def recorded_name(db: Database, who: Recipient, name: str, *, today: date | None = None) -> str:
    """The name of the recipient ``name`` stands for (``recipient_key``) as the latest
    consent for ``who`` records it. A name no consent records (most likely a typo) is
    refused: the export would carry nobody. Consents recorded without a name match no
    name; the refusal counts those in force on the real date (``consent_day(today)``)."""
    from bostadcli.consents import VALID_DATES, consent_day
    from bostadcli.errors import shown

    key = recipient_key(name)
    known, unnamed = db.execute(
        "SELECT (SELECT recipient_name FROM consents WHERE recipient = :who"
        f" AND {recipient_key_sql('recipient_name')} = :key ORDER BY id DESC LIMIT 1),"
        " (SELECT count(DISTINCT c.household_id) FROM consents c WHERE c.recipient = :who"
        f" AND c.recipient_name IS NULL AND {VALID_DATES})",
        {"key": key, "who": who.value, "on": consent_day(today).isoformat()},
    ).fetchone()
    if known is not None:
        return str(known)
    message = _("no consent for {recipient} '{name}' is recorded").format(
        recipient=who.label, name=shown(name)
    )
    names = [
        str(r[0])
        for r in db.execute(
            "SELECT min(recipient_name) FROM consents WHERE recipient = ?"
            f" AND recipient_name IS NOT NULL GROUP BY {recipient_key_sql('recipient_name')}"
            f" ORDER BY {recipient_key_sql('recipient_name')} LIMIT ?",
            [who.value, _REFUSAL_REFS_SHOWN],
        )
    ]
    if names:
        message += "; " + _("names recorded: {names}").format(
            names=", ".join(shown(n, 40) for n in names)
        )
    if unnamed:
        message += "; " + ngettext(
            "{n} case has a consent for {recipient} recorded without a name, which matches"
            " no named recipient: record it with 'bostad consent add REF --recipient {code}"
            " --name NAME'",
            "{n} cases have a consent for {recipient} recorded without a name, which matches"
            " no named recipient: record them with 'bostad consent add REF --recipient {code}"
            " --name NAME'",
            unnamed,
        ).format(n=unnamed, recipient=who.label, code=who.value)
    raise ConsentRequired(message)


def cases_with_unnamed_consent(
    db: Database,
    name: str,
    recipient: Recipient,
    recipient_name: str,
    *,
    as_of: date,
    since: date | None = None,
    status: str | None = None,
    today: date | None = None,
) -> list[str]:
    """The cases an export for the recipient named ``recipient_name`` leaves out although
    they have a consent for ``recipient`` valid on the real date: one recorded without a
    name, which matches no named recipient."""
    from bostadcli.consents import VALID_DATES, consent_day

    table = get_table(name)
    if not table.has_cases:
        return []
    sql, params = query(table, as_of=as_of, since=since, status=status)
    params |= {"who": recipient.value, "on": consent_day(today).isoformat()}
    unnamed = (
        "SELECT ch.ref FROM consents c JOIN households ch ON ch.id = c.household_id"
        f" WHERE c.recipient = :who AND c.recipient_name IS NULL AND {VALID_DATES}"
    )
    without = cases_without_consent(
        db,
        name,
        recipient,
        as_of=as_of,
        since=since,
        status=status,
        today=today,
        recipient_name=recipient_name,
    )
    cursor = db.execute(
        f"SELECT DISTINCT x.ref FROM ({sql}) AS x WHERE x.ref IN ({unnamed}) ORDER BY x.ref",
        params,
    )
    left_out = set(without)
    return [str(r[0]) for r in cursor.fetchall() if str(r[0]) in left_out]


def for_named(
    table: ExportTable,
    sql: str,
    params: dict[str, Any],
    who: Recipient | None,
    name: str | None,
    on: date,
) -> tuple[str, dict[str, Any]]:
    """Keep the rows of the cases that consent on ``on`` to ``who`` named ``name``."""
    from bostadcli.consents import cases_without_consent_sql

    if who is None or name is None or not table.has_cases:
        return sql, params
    params = params | {
        "who": who.value,
        "who_name": recipient_key(name),
        "on": on.isoformat(),
    }
    return (
        f"SELECT x.* FROM ({sql}) AS x WHERE NOT {cases_without_consent_sql('x.ref', named=True)}",
        params,
    )


def name_of_landlord(db: Database, landlord_id: int | None) -> str | None:
    if landlord_id is None:
        return None
    found = db.execute("SELECT name FROM landlords WHERE id = ?", [landlord_id]).fetchone()
    return None if found is None else str(found[0])


def for_landlord(
    table: ExportTable, sql: str, params: dict[str, Any], landlord_id: int | None, on: date
) -> tuple[str, dict[str, Any]]:
    """Keep the rows of ``landlord_id``'s tenants who consent to their landlord on ``on``."""
    from bostadcli.consents import cases_without_consent_sql

    if landlord_id is None or not table.has_cases:
        return sql, params
    params = params | {
        "export_landlord": landlord_id,
        "who": Recipient.landlord.value,
        "on": on.isoformat(),
    }
    return (
        f"SELECT x.* FROM ({sql}) AS x"
        " WHERE x.ref IN (SELECT ref FROM households WHERE landlord_id = :export_landlord)"
        f" AND NOT {cases_without_consent_sql('x.ref')}",
        params,
    )
