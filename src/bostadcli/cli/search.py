"""bostad search TEXT."""

from typing import Annotated, Any

import typer

from bostadcli.cli.context import state
from bostadcli.cli.options import FormatOpt, IncludePnrOpt, StatusFilter, StatusOpt
from bostadcli.cli.output import Column, Format, emit
from bostadcli.i18n import _

SEARCH_HELP = _(
    "Find cases by name, personnummer (any form, or its last four digits), address,"
    " contract number or case reference; open and closed cases. Names match without"
    " regard to case or accents: ostlund finds Östlund.\n\n"
    "Example: bostad search ostlund"
)


def _matched_text(value: Any, row: dict[str, Any]) -> str:
    words = {
        "reference": _("reference"),
        "pnr": _("personnummer"),
        "name": _("name"),
        "address": _("address"),
        "contract": _("contract"),
    }
    return ", ".join(words.get(v, v) for v in value or [])


def _status_text(value: Any, row: dict[str, Any]) -> str:
    from bostadcli.vocab import CaseStatus, label

    return label(CaseStatus, value)


def columns() -> list[Column]:
    return [
        Column("ref", _("Case")),
        Column("status", _("Status"), show=_status_text),
        Column("tenant", _("Tenant")),
        Column("tenant_pnr", _("Personnummer")),
        Column("members", _("Found")),
        Column("matched", _("Matched on"), show=_matched_text),
        Column("street", _("Street")),
        Column("postal_code", _("Postal code"), in_table=False),
        Column("city", _("City")),
        Column("contract_number", _("Contract"), in_table=False),
        Column("opened_on", _("Opened")),
        Column("closed_on", _("Closed")),
        Column("caseworker", _("Caseworker"), in_table=False),
    ]


def search(
    ctx: typer.Context,
    text: Annotated[
        str, typer.Argument(metavar=_("TEXT"), help=_("What to look for (two characters or more)."))
    ],
    status: StatusOpt = StatusFilter.all,
    fmt: FormatOpt = Format.table,
    include_pnr: IncludePnrOpt = False,
) -> None:
    from bostadcli.search import search as find

    found = find(
        state(ctx).database(),
        text,
        status=None if status is StatusFilter.all else status.value,
        include_pnr=include_pnr,
    )
    emit(found, columns(), fmt, empty=_("No case matches."))
