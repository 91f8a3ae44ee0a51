"""bostad undertaking add|list."""

from typing import Annotated

import typer

from bostadcli.cli.context import as_of, money, state
from bostadcli.cli.options import (
    AsOfOpt,
    CaseArg,
    CaseFilterArg,
    FormatOpt,
    NoteOpt,
    record_date,
    whole,
    write_as_of,
)
from bostadcli.cli.output import Column, Format, emit
from bostadcli.i18n import _
from bostadcli.validate import ROW_ID_MAX

app = typer.Typer(no_args_is_help=True)


def _stops(value: object, row: dict[str, object]) -> str:
    if row["notice_id"] is None:
        return _("no termination for unpaid rent recorded")
    if value:
        return _("stops the eviction")
    deadline = row["recovery_deadline"]
    if deadline is not None and str(row["given_on"]) > str(deadline):
        return _("given too late")
    return _("does not stop the eviction: not given to the landlord who terminated")


def _columns() -> list[Column]:
    return [
        Column("id", _("No.")),
        Column("ref", _("Case")),
        Column("given_on", _("Given")),
        Column("landlord", _("Landlord")),
        Column("covers", _("Covers")),
        Column("amount_ore", _("Amount"), kind="money", justify="right"),
        Column("decided_by", _("Decided by")),
        Column("notice_id", _("Notice"), in_table=False),
        Column("recovery_deadline", _("Recovery deadline")),
        Column("stops_eviction", _("Effect"), show=_stops),
        Column("days_left", _("Days left"), in_table=False),
        Column("note", _("Note"), in_table=False),
        Column("backdated", _("Back-dated"), kind="bool", in_table=False),
        Column("backdate_reason", _("Why back-dated")),
        Column("created_at", _("Recorded"), in_table=False),
    ]


@app.command(
    "add",
    help=_(
        "Record social services' written undertaking to pay the rent.\n\n"
        "Given to the landlord within the recovery period, it stops an eviction for the"
        " unpaid rent (jordabalken 12 kap. 44 §). It answers the case's latest termination"
        " for unpaid rent unless --notice names another; after that termination's recovery"
        " deadline it is refused.\n\n"
        "Example: bostad undertaking add 2026-0042 --covers 'hyran oktober–december'"
        " --decided-by 'Karin Ek'"
    ),
)
def add(
    ctx: typer.Context,
    ref: CaseArg,
    covers: Annotated[
        str, typer.Option("--covers", metavar=_("TEXT"), help=_("What the undertaking covers."))
    ],
    decided_by: Annotated[
        str,
        typer.Option("--decided-by", metavar=_("NAME"), help=_("Who decided the undertaking.")),
    ],
    given: Annotated[
        str | None,
        typer.Option(
            "--given",
            metavar=_("YYYY-MM-DD"),
            help=_(
                "The day it was given to the landlord in writing (default: today). Not after"
                " today; before today needs --reason."
            ),
        ),
    ] = None,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason",
            help=_("Why an undertaking given before today is recorded only now (stored, shown)."),
        ),
    ] = None,
    landlord: Annotated[
        str | None,
        typer.Option(
            "--landlord",
            metavar=_("NAME"),
            help=_("The landlord it is given to (default: the household's)."),
        ),
    ] = None,
    amount: Annotated[
        str | None,
        typer.Option("--amount", metavar=_("AMOUNT"), help=_("The amount it covers, if any.")),
    ] = None,
    notice: Annotated[
        int | None,
        typer.Option(
            "--notice",
            metavar=_("ID"),
            help=_("The termination it answers (default: the latest for unpaid rent)."),
            parser=whole("--notice", low=1, high=ROW_ID_MAX),
        ),
    ] = None,
    note: NoteOpt = None,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.undertakings import NewUndertaking, add_undertaking, record_day

    today = write_as_of(as_of_)
    found = add_undertaking(
        state(ctx).database(),
        ref,
        NewUndertaking(
            given_on=record_date(given, field="--given") or today,
            covers=covers,
            decided_by=decided_by,
            landlord=landlord,
            amount=money(amount, field="--amount"),
            notice_id=notice,
            note=note,
            reason=reason,
        ),
        as_of=today,
        today=record_day(),
    )
    typer.echo(
        _("Recorded undertaking {id} to {landlord}: {effect}.").format(
            id=found["id"],
            landlord=found["landlord"],
            effect=_stops(found["stops_eviction"], found),
        ),
        err=True,
    )


@app.command(
    "list",
    help=_(
        "List undertakings to pay the rent and whether they stop the eviction.\n\n"
        "Example: bostad undertaking list 2026-0042"
    ),
)
def list_(
    ctx: typer.Context,
    ref: CaseFilterArg = None,
    fmt: FormatOpt = Format.table,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.undertakings import list_undertakings

    rows = list_undertakings(state(ctx).database(), ref=ref, as_of=as_of(as_of_))
    emit(rows, _columns(), fmt, empty=_("No undertakings."))
