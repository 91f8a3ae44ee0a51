"""bostad household add|list|show|edit|close|reopen."""

from enum import StrEnum
from typing import Annotated

import typer

from bostadcli import rules
from bostadcli.cli.context import as_of, money, optional_date, state
from bostadcli.cli.options import AsOfOpt, FormatOpt, IncludePnrOpt, RefArg, pnr_option, whole
from bostadcli.cli.output import Format, emit, write_document
from bostadcli.cli.views import changed_fields
from bostadcli.i18n import _
from bostadcli.vocab import HousingSituation, LetterLanguage, Outcome, Reason, Source

app = typer.Typer(no_args_is_help=True)


class StatusFilter(StrEnum):
    open = "open"
    closed = "closed"
    all = "all"


StreetOpt = Annotated[str | None, typer.Option("--street", help=_("Street address."))]
PostalOpt = Annotated[
    str | None, typer.Option("--postal-code", help=_("Postal code, e.g. 441 30."))
]
CityOpt = Annotated[str | None, typer.Option("--city", help=_("City."))]
LandlordOpt = Annotated[str | None, typer.Option("--landlord", help=_("The landlord's name."))]
RentOpt = Annotated[
    str | None, typer.Option("--rent", metavar=_("AMOUNT"), help=_("Monthly rent, e.g. 7 450."))
]
ArrearsOpt = Annotated[
    str | None,
    typer.Option("--arrears", metavar=_("AMOUNT"), help=_("Current rent arrears, e.g. 14 900,50.")),
]
CaseworkerOpt = Annotated[
    str | None, typer.Option("--caseworker", help=_("The caseworker responsible."))
]
NoteOpt = Annotated[str | None, typer.Option("--note", help=_("A free-text note."))]
ContractOpt = Annotated[
    str | None, typer.Option("--contract", help=_("The landlord's contract or object number."))
]
SourceOpt = Annotated[Source | None, typer.Option("--source", help=_("Who reported the case."))]
SituationOpt = Annotated[
    HousingSituation | None,
    typer.Option("--situation", help=_("Own tenancy at risk, or a homelessness situation.")),
]
LetterLanguageOpt = Annotated[
    LetterLanguage | None,
    typer.Option(
        "--letter-language",
        help=_(
            "The language of the household's letters: sv, or en where a template has"
            " an English version (Swedish otherwise)."
        ),
        show_default=False,
    ),
]


@app.command(
    "add",
    help=_(
        "Open a case for a household; prints the new reference.\n\n"
        'Example: bostad household add "Anna Andersson" --pnr 811218-9876'
        " --landlord Alingsåshem --rent 7450 --arrears 14900"
        " --child 2015-03-02 --part-time-child 2019-06-10"
    ),
)
def add(
    ctx: typer.Context,
    tenant: Annotated[str, typer.Argument(metavar=_("NAME"), help=_("The tenant's name."))],
    pnr: Annotated[
        str | None,
        typer.Option(
            "--pnr",
            help=_("The tenant's personnummer; - reads it from standard input (not shown)."),
        ),
    ] = None,
    street: StreetOpt = None,
    postal_code: PostalOpt = None,
    city: CityOpt = None,
    landlord: LandlordOpt = None,
    create_landlord: Annotated[
        bool, typer.Option("--create-landlord", help=_("Add the landlord if it is new."))
    ] = False,
    contract: ContractOpt = None,
    rent: RentOpt = None,
    arrears: ArrearsOpt = None,
    reason: Annotated[
        list[Reason] | None,
        typer.Option("--reason", help=_("Why the home is at risk (repeatable).")),
    ] = None,
    source: SourceOpt = None,
    situation: SituationOpt = None,
    co_tenant: Annotated[
        str | None, typer.Option("--co-tenant", help=_("A co-tenant's name."))
    ] = None,
    co_tenant_pnr: Annotated[
        str | None,
        typer.Option(
            "--co-tenant-pnr",
            help=_("The co-tenant's personnummer; - reads it from standard input (not shown)."),
        ),
    ] = None,
    child: Annotated[
        list[str] | None,
        typer.Option(
            "--child",
            metavar=_("YYYY-MM-DD [NAME]"),
            help=_("A child living here: birth date, optionally a name (repeatable)."),
        ),
    ] = None,
    part_time_child: Annotated[
        list[str] | None,
        typer.Option(
            "--part-time-child",
            metavar=_("YYYY-MM-DD [NAME]"),
            help=_("A child living here part of the time (repeatable)."),
        ),
    ] = None,
    caseworker: CaseworkerOpt = None,
    note: NoteOpt = None,
    letter_language: LetterLanguageOpt = None,
    opened: Annotated[
        str | None,
        typer.Option("--opened", metavar=_("YYYY-MM-DD"), help=_("Date the case opened.")),
    ] = None,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.households import NewHousehold, add_household, parse_child

    app_state = state(ctx)
    today = as_of(as_of_)
    new = NewHousehold(
        tenant_name=tenant,
        tenant_pnr=pnr_option(pnr, field="--pnr"),
        street=street,
        postal_code=postal_code,
        city=city,
        landlord=landlord,
        contract_number=contract,
        rent=money(rent, field="--rent"),  # type: ignore[arg-type]
        arrears=money(arrears, field="--arrears") or money("0", field="--arrears"),  # type: ignore[arg-type]
        reasons=[r.value for r in reason or []],
        source=(source or Source.landlord).value,
        housing_situation=(situation or HousingSituation.tenancy_at_risk).value,
        co_tenant_name=co_tenant,
        co_tenant_pnr=pnr_option(co_tenant_pnr, field="--co-tenant-pnr"),
        children=[parse_child(c, field="--child") for c in child or []]
        + [
            parse_child(c, part_time=True, field="--part-time-child") for c in part_time_child or []
        ],
        caseworker=caseworker,
        note=note,
        opened_on=optional_date(opened, field="--opened"),
        letter_language=(letter_language or LetterLanguage.sv).value,
    )
    ref = add_household(
        app_state.database(),
        new,
        as_of=today,
        create_landlord=create_landlord,
        default_caseworker=app_state.config().letterhead.default_caseworker or None,
    )
    typer.echo(ref)
    typer.echo(_("Opened case {ref}.").format(ref=ref), err=True)


@app.command(
    "list",
    help=_(
        "List households, most urgent first: nearest deadline, then families with children.\n\n"
        "Example: bostad household list --with-children --format csv"
    ),
)
def list_(
    ctx: typer.Context,
    status: Annotated[
        StatusFilter, typer.Option("--status", metavar="open|closed|all", help=_("Which cases."))
    ] = StatusFilter.open,
    landlord: Annotated[
        str | None, typer.Option("--landlord", help=_("Only this landlord's cases."))
    ] = None,
    with_children: Annotated[
        bool | None,
        typer.Option(
            "--with-children/--without-children",
            help=_("Only households with (or without) children."),
            show_default=False,
        ),
    ] = None,
    reason: Annotated[Reason | None, typer.Option("--reason", help=_("Only this reason."))] = None,
    within: Annotated[
        int | None,
        typer.Option(
            "--within",
            metavar=_("DAYS"),
            parser=whole("--within", low=0, high=rules.DEADLINE_VIEW_MAX_DAYS),
            help=_("Only households with a deadline within this many days."),
        ),
    ] = None,
    caseworker: Annotated[
        str | None, typer.Option("--caseworker", help=_("Only this caseworker's cases."))
    ] = None,
    fmt: FormatOpt = Format.table,
    as_of_: AsOfOpt = None,
    include_pnr: IncludePnrOpt = False,
) -> None:
    from bostadcli.cli.views import household_columns
    from bostadcli.households import list_households

    rows = list_households(
        state(ctx).database(),
        as_of=as_of(as_of_),
        status=None if status is StatusFilter.all else status.value,
        landlord=landlord,
        with_children=with_children,
        reason=reason.value if reason else None,
        within_days=within,
        caseworker=caseworker,
        include_pnr=include_pnr,
    )
    emit(rows, household_columns(), fmt, empty=_("No households match."))


@app.command(
    "show",
    help=_(
        "Show one case: members, landlord, notices and deadlines, consent, recent contacts.\n\n"
        "Example: bostad household show 2026-0042"
    ),
)
def show(
    ctx: typer.Context,
    ref: RefArg,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help=_("table, or json for everything."))
    ] = Format.table,
    as_of_: AsOfOpt = None,
    include_pnr: IncludePnrOpt = False,
) -> None:
    from bostadcli.cli.views import print_household
    from bostadcli.households import show_household

    app_state = state(ctx)
    case = show_household(
        app_state.database(),
        ref,
        as_of=as_of(as_of_),
        include_pnr=include_pnr,
        policy=app_state.config().policy,
    )
    if fmt is Format.table:
        print_household(case)
    else:
        write_document(case)


@app.command(
    "edit",
    help=_(
        "Change details of a case; only the options given change.\n\n"
        "Example: bostad household edit 2026-0042 --arrears 9900 --add-reason disturbance"
    ),
)
def edit(
    ctx: typer.Context,
    ref: RefArg,
    street: StreetOpt = None,
    postal_code: PostalOpt = None,
    city: CityOpt = None,
    landlord: LandlordOpt = None,
    contract: ContractOpt = None,
    rent: RentOpt = None,
    arrears: ArrearsOpt = None,
    add_reason: Annotated[
        list[Reason] | None, typer.Option("--add-reason", help=_("Add a reason (repeatable)."))
    ] = None,
    remove_reason: Annotated[
        list[Reason] | None,
        typer.Option("--remove-reason", help=_("Remove a reason (repeatable).")),
    ] = None,
    source: SourceOpt = None,
    situation: SituationOpt = None,
    caseworker: CaseworkerOpt = None,
    note: NoteOpt = None,
    letter_language: LetterLanguageOpt = None,
) -> None:
    from bostadcli.households import edit_household

    given = {
        "street": street,
        "postal_code": postal_code,
        "city": city,
        "landlord": landlord,
        "contract_number": contract,
        "source": source,
        "housing_situation": situation,
        "caseworker": caseworker,
        "note": note,
        "letter_language": letter_language,
        "rent": money(rent, field="--rent"),
        "arrears": money(arrears, field="--arrears"),
    }
    diff = edit_household(
        state(ctx).database(),
        ref,
        changes={k: v for k, v in given.items() if v is not None},
        add_reasons=[r.value for r in add_reason or []],
        remove_reasons=[r.value for r in remove_reason or []],
    )
    if diff:
        typer.echo(
            _("Changed {fields} of {ref}.").format(fields=changed_fields(diff), ref=ref), err=True
        )
    else:
        typer.echo(_("Nothing changed."), err=True)


@app.command(
    "close",
    help=_(
        "Close a case and record its outcome.\n\n"
        "Example: bostad household close 2026-0042 --outcome stays"
    ),
)
def close(
    ctx: typer.Context,
    ref: RefArg,
    outcome: Annotated[Outcome, typer.Option("--outcome", help=_("How the case ended."))],
    on: Annotated[
        str | None,
        typer.Option(
            "--date", metavar=_("YYYY-MM-DD"), help=_("The day the case closed (default: today).")
        ),
    ] = None,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.households import close_household

    today = as_of(as_of_)
    closed_on = optional_date(on, field="--date") or today
    close_household(
        state(ctx).database(), ref, outcome=outcome.value, closed_on=closed_on, as_of=today
    )
    typer.echo(_("Closed {ref}: {outcome}.").format(ref=ref, outcome=outcome.label), err=True)


@app.command(
    "reopen",
    help=_("Reopen a closed case.\n\nExample: bostad household reopen 2026-0042"),
)
def reopen(ctx: typer.Context, ref: RefArg) -> None:
    from bostadcli.households import reopen_household

    reopen_household(state(ctx).database(), ref)
    typer.echo(_("Reopened {ref}.").format(ref=ref), err=True)
