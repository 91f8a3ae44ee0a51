"""bostad audit."""

import json
from typing import Any

import typer

from bostadcli.cli.context import optional_date, state
from bostadcli.cli.options import FormatOpt, HouseholdFilterOpt, SinceOpt
from bostadcli.cli.output import Column, Format, emit
from bostadcli.i18n import _, pgettext

AUDIT_HELP = _(
    "Show who changed or exported what, and when. Nobody can edit the log.\n\n"
    "Example: bostad audit --household 2026-0042 --since 2026-11-01"
)


def _action_text(value: object, _row: dict[str, Any]) -> str:
    """The trigger's SQL verb as a word; CSV and JSON keep the code."""
    # TRANSLATORS: what someone did to a record, as the audit log's screen says it.
    words = {
        "insert": pgettext("audit", "added"),
        "update": pgettext("audit", "changed"),
        "delete": pgettext("audit", "deleted"),
        "disclose": pgettext("audit", "disclosed"),
    }
    return words.get(str(value), str(value))


def table_word(table: str) -> str:
    """What a table's rows are, in words ("notices" is "underrättelse")."""
    words = {
        "landlords": _("landlord"),
        "households": _("case"),
        "household_reasons": _("reason of a case"),
        "members": _("member"),
        "notices": _("notice"),
        "contacts": _("contact"),
        "consents": _("consent"),
        "plans": _("repayment plan"),
        "installments": _("installment"),
        "payments": _("payment"),
        "export_log": _("export"),
        "letters": _("letter"),
        "supports": _("support"),
        "purge_log": _("deletion record"),
        "late_letters": _("late letter"),
        "undertakings": _("undertaking"),
        "corrections": _("correction"),
        "caseworkers": _("caseworker"),
        "settings": _("setting"),
    }
    return words.get(table, table)


def local_time(value: object, _row: dict[str, Any] | None = None) -> str:
    """A UTC time of the log ("2026-12-04T21:44:19Z") in the computer's local time."""
    from datetime import datetime

    text = str(value or "")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def what_text(row: dict[str, Any]) -> str:
    """Who did what, in words: "changed case 3: caseworker", "added notice 4"."""
    from bostadcli.cli.screen import changed_fields

    action = str(row.get("action") or "")
    what = f"{_action_text(action, row)} {table_word(str(row.get('table_name') or ''))}"
    if row.get("row_id") is not None:
        what += f" {row['row_id']}"
    if action == "update":
        try:
            changes = json.loads(row.get("changes") or "{}")
        except ValueError:
            changes = {}
        if isinstance(changes, dict) and changes:
            what += ": " + changed_fields(changes.keys())
    return what


def audit(
    ctx: typer.Context,
    since: SinceOpt = None,
    household: HouseholdFilterOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    from bostadcli.audit import list_audit
    from bostadcli.households import household_id

    db = state(ctx).database()
    hid = household_id(db, household, voided_ok=True) if household else None
    rows = list_audit(db, since=optional_date(since, field="--since"), household_id=hid)
    # The screen says who did what in words and local time; CSV and JSON keep the log's
    # own fields (UTC time, table, row, the changes as JSON) for a script to read.
    columns = [
        Column("at", _("Time"), show=local_time, no_wrap=True),
        Column("os_user", _("User")),
        Column("ref", _("Case")),
        Column("what", _("What"), show=lambda _v, row: what_text(row)),
        Column("command", _("Command")),
        Column("action", _("Action"), in_table=False),
        Column("table_name", _("Table"), in_table=False),
        Column("row_id", _("Row"), in_table=False),
        Column("changes", _("Changes"), in_table=False),
    ]
    if fmt is not Format.table:
        columns = [c for c in columns if c.key != "what"]
    emit(rows, columns, fmt, empty=_("Nothing in the audit log."))
