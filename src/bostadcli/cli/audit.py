"""bostad audit."""

from typing import Any

import typer

from bostadcli.cli.context import optional_date, state
from bostadcli.cli.options import FormatOpt, HouseholdFilterOpt, SinceOpt
from bostadcli.cli.output import Column, Format, emit
from bostadcli.i18n import _

AUDIT_HELP = _(
    "Show who changed or exported what, and when. Nobody can edit the log.\n\n"
    "Example: bostad audit --household 2026-0042 --since 2026-11-01"
)


def _action_text(value: object, _row: dict[str, Any]) -> str:
    """The trigger's SQL verb as a word; CSV and JSON keep the code."""
    words = {"insert": _("added"), "update": _("changed"), "delete": _("deleted")}
    return words.get(str(value), str(value))


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
    columns = [
        Column("at", _("Time (UTC)"), no_wrap=True),
        Column("os_user", _("User")),
        Column("command", _("Command")),
        Column("action", _("Action"), show=_action_text),
        Column("table_name", _("Table")),
        Column("row_id", _("Row")),
        Column("ref", _("Case")),
        Column("changes", _("Changes")),
    ]
    emit(rows, columns, fmt, empty=_("Nothing in the audit log."))
