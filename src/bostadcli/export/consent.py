"""Exports for someone outside social services: consent judged on the real date.

For Kronofogden or a debt collector every case in an export needs valid consent, or
nothing is written; for a landlord, the export holds only that landlord's tenants who
consent to their landlord.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli import validate
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
) -> list[str]:
    """The cases an export would include that have no consent for ``recipient`` valid
    on the real date (``consents.consent_day(today)``; ``as_of`` only picks the rows).

    For a landlord, only the cases of ``landlord_id`` are considered: an export for a
    landlord carries that landlord's tenants and nobody else.
    A table without cases (landlords) carries nobody's circumstances: nothing to consent to.
    """
    from bostadcli.consents import cases_without_consent_sql, consent_day

    table = get_table(name)
    if not table.has_cases:
        return []
    sql, params = query(table, as_of=as_of, since=since, status=status)
    params |= {"who": recipient.value, "on": consent_day(today).isoformat()}
    only = ""
    if landlord_id is not None:
        only = "AND x.ref IN (SELECT ref FROM households WHERE landlord_id = :export_landlord)"
        params["export_landlord"] = landlord_id
    cursor = db.execute(
        f"""
        SELECT DISTINCT x.ref FROM ({sql}) AS x
        WHERE {cases_without_consent_sql("x.ref")} {only}
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
