"""bostad household add|list|show|edit|close|reopen|void|history."""

from typing import Annotated, Any

import typer

from bostadcli import rules
from bostadcli.cli.context import as_of, money, state
from bostadcli.cli.household_options import (
    AllowanceOpt,
    AllowDuplicateOpt,
    ArrearsOpt,
    CareOfCityOpt,
    CareOfOpt,
    CareOfPostalOpt,
    CareOfStreetOpt,
    CaseworkerOpt,
    ChildOpt,
    ContractOpt,
    CoTenantIdentityLevelOpt,
    CoTenantOpt,
    CoTenantPartnerOpt,
    CoTenantPnrOpt,
    CreateLandlordOpt,
    DuplicateReasonTextOpt,
    EmailOpt,
    LandlordOpt,
    LetterLanguageOpt,
    OpenedOpt,
    PartTimeChildOpt,
    PhoneOpt,
    PostalOpt,
    ReasonsOpt,
    RentOpt,
    SituationOpt,
    SourceOpt,
    TenancyOpt,
    TenantPnrOpt,
)
from bostadcli.cli.options import (
    AsOfOpt,
    CityOpt,
    DuplicateReasonOpt,
    FormatOpt,
    IdentityLevelOpt,
    IncludePnrOpt,
    MineOpt,
    NoteOpt,
    ReasonOpt,
    RefArg,
    ShowFormatOpt,
    StatusFilter,
    StatusOpt,
    StreetOpt,
    pnr_option,
    record_date,
    whole,
    write_as_of,
)
from bostadcli.cli.output import Format, emit, write_document
from bostadcli.cli.screen import changed_fields
from bostadcli.errors import UsageError
from bostadcli.i18n import _
from bostadcli.vocab import (
    HousingSituation,
    LetterLanguage,
    Outcome,
    Reason,
    Source,
)

app = typer.Typer(no_args_is_help=True)


@app.command(
    "add",
    help=_(
        "Open a case for a household; prints the new reference.\n\n"
        'Example: bostad household add "Anna Andersson" --pnr 811218-9876'
        " --landlord Alingsåshem --rent 7450 --arrears 14900"
        ' --child "2015-03-02 Alva Andersson" --part-time-child 2019-06-10'
    ),
)
def add(
    ctx: typer.Context,
    tenant: Annotated[str, typer.Argument(metavar=_("NAME"), help=_("The tenant's name."))],
    pnr: TenantPnrOpt = None,
    street: StreetOpt = None,
    postal_code: PostalOpt = None,
    city: CityOpt = None,
    landlord: LandlordOpt = None,
    create_landlord: CreateLandlordOpt = False,
    contract: ContractOpt = None,
    rent: RentOpt = None,
    arrears: ArrearsOpt = None,
    reason: ReasonsOpt = None,
    source: SourceOpt = None,
    situation: SituationOpt = None,
    co_tenant: CoTenantOpt = None,
    co_tenant_pnr: CoTenantPnrOpt = None,
    identity_level: IdentityLevelOpt = None,
    co_tenant_identity_level: CoTenantIdentityLevelOpt = None,
    co_tenant_partner: CoTenantPartnerOpt = False,
    tenancy: TenancyOpt = None,
    housing_allowance: AllowanceOpt = None,
    child: ChildOpt = None,
    part_time_child: PartTimeChildOpt = None,
    caseworker: CaseworkerOpt = None,
    note: NoteOpt = None,
    letter_language: LetterLanguageOpt = None,
    phone: PhoneOpt = None,
    email: EmailOpt = None,
    care_of: CareOfOpt = None,
    care_of_street: CareOfStreetOpt = None,
    care_of_postal_code: CareOfPostalOpt = None,
    care_of_city: CareOfCityOpt = None,
    opened: OpenedOpt = None,
    allow_duplicate: AllowDuplicateOpt = False,
    reason_text: DuplicateReasonTextOpt = None,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.audit import os_user
    from bostadcli.households import NewHousehold, add_household, parse_child

    app_state = state(ctx)
    today = write_as_of(as_of_)
    new = NewHousehold(
        tenant_name=tenant,
        tenant_pnr=pnr_option(pnr, field="--pnr"),
        street=street,
        postal_code=postal_code,
        city=city,
        landlord=landlord,
        contract_number=contract,
        rent=money(rent, field="--rent"),
        arrears=money(arrears, field="--arrears") or money("0", field="--arrears"),
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
        opened_on=record_date(opened, field="--opened"),
        letter_language=(letter_language or LetterLanguage.sv).value,
        allow_duplicate=allow_duplicate,
        duplicate_reason=reason_text,
        phone=phone,
        email=email,
        care_of=care_of,
        care_of_street=care_of_street,
        care_of_postal_code=care_of_postal_code,
        care_of_city=care_of_city,
        tenant_identity_level=identity_level.value if identity_level else None,
        co_tenant_identity_level=co_tenant_identity_level.value
        if co_tenant_identity_level
        else None,
        co_tenant_partner=co_tenant_partner,
        tenancy_type=tenancy.value if tenancy else None,
        housing_allowance=money(housing_allowance, field="--housing-allowance"),
    )
    warnings: list[str] = []
    ref = add_household(
        app_state.database(),
        new,
        as_of=today,
        create_landlord=create_landlord,
        default_caseworker=app_state.config().letterhead.default_caseworker or None,
        login=os_user(),
        warnings=warnings,
    )
    typer.echo(ref)
    typer.echo(_("Opened case {ref}.").format(ref=ref), err=True)
    for warning in warnings:
        typer.echo(_("warning: {message}").format(message=warning), err=True)


@app.command(
    "list",
    help=_(
        "List households, most urgent first: nearest deadline, then families with children.\n\n"
        "Example: bostad household list --with-children --format csv"
    ),
)
def list_(
    ctx: typer.Context,
    status: StatusOpt = StatusFilter.open,
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
        str | None,
        typer.Option(
            "--caseworker",
            metavar=_("INITIALS|LOGIN"),
            help=_("Only this caseworker's cases."),
        ),
    ] = None,
    mine: MineOpt = False,
    fmt: FormatOpt = Format.table,
    as_of_: AsOfOpt = None,
    include_pnr: IncludePnrOpt = False,
) -> None:
    from bostadcli.cli.views.households import household_columns
    from bostadcli.households import iter_households, list_households

    db = state(ctx).database()
    if mine:
        from bostadcli.audit import os_user
        from bostadcli.caseworkers import me

        if caseworker is not None:
            raise UsageError(_("give --mine or --caseworker, not both"))
        caseworker = me(db, os_user())["initials"]
    # A table is laid out from all its rows; the other formats stream them.
    listing = list_households if fmt is Format.table else iter_households
    rows = listing(
        db,
        as_of=as_of(as_of_),
        status=None if status is StatusFilter.all else status.value,
        landlord=landlord,
        with_children=with_children,
        reason=reason.value if reason else None,
        within_days=within,
        caseworker=caseworker,
        include_pnr=include_pnr,
    )
    try:
        emit(rows, household_columns(), fmt, empty=_("No households match."))
    finally:
        # The cursor ends here, also when the reader went away half-way, not whenever
        # the generator is collected (the database is closed by then).
        close = getattr(rows, "close", None)
        if close is not None:
            close()


@app.command(
    "show",
    help=_(
        "Show the whole case: members, landlord, notices and deadlines, consent, contacts,"
        " repayment plans, supports and letters. The case may be named by the personnummer"
        " of someone in it.\n\n"
        "Example: bostad household show 2026-0042"
    ),
)
def show(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            metavar=_("REF|PNR"),
            help=_("Case reference, or the personnummer of someone in one case only."),
            show_default=False,
        ),
    ],
    fmt: ShowFormatOpt = Format.table,
    as_of_: AsOfOpt = None,
    include_pnr: IncludePnrOpt = False,
) -> None:
    from bostadcli.cli.views.households import print_household
    from bostadcli.households import show_household
    from bostadcli.search import resolve_case

    app_state = state(ctx)
    today = as_of(as_of_)
    db = app_state.database()
    case = show_household(
        db,
        resolve_case(db, ref, as_of=today),
        as_of=today,
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
    phone: PhoneOpt = None,
    email: EmailOpt = None,
    care_of: CareOfOpt = None,
    care_of_street: CareOfStreetOpt = None,
    care_of_postal_code: CareOfPostalOpt = None,
    care_of_city: CareOfCityOpt = None,
    tenancy: TenancyOpt = None,
    housing_allowance: AllowanceOpt = None,
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
        "phone": phone,
        "email": email,
        "care_of": care_of,
        "care_of_street": care_of_street,
        "care_of_postal_code": care_of_postal_code,
        "care_of_city": care_of_city,
        "rent": money(rent, field="--rent"),
        "arrears": money(arrears, field="--arrears"),
        "tenancy_type": tenancy,
        "housing_allowance": money(housing_allowance, field="--housing-allowance"),
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


EndRunningOpt = Annotated[
    bool,
    typer.Option(
        "--end-running",
        help=_(
            "End active plans and supports on the close date; a support not begun yet is withdrawn."
        ),
    ),
]


@app.command(
    "close",
    help=_(
        "Close a case and record its outcome. Active repayment plans and supports end on"
        " the close date (--end-running) or go on (--keep-running); at a terminal you are"
        " asked.\n\n"
        "Example: bostad household close 2026-0042 --outcome stays --end-running"
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
    end_running: EndRunningOpt = False,
    keep_running: Annotated[
        bool,
        typer.Option(
            "--keep-running",
            help=_("Keep active plans and supports going; they stay on the deadline screen."),
        ),
    ] = False,
    reason: Annotated[
        str | None, typer.Option("--reason", help=_("Why (recorded with the choice)."))
    ] = None,
    as_of_: AsOfOpt = None,
) -> None:
    import sys

    from bostadcli.errors import UsageError
    from bostadcli.households import RunningOnClose, close_household

    if end_running and keep_running:
        raise UsageError(_("--end-running and --keep-running: give one of them, not both"))
    choice = "end" if end_running else "keep" if keep_running else None
    today = write_as_of(as_of_)
    closed_on = record_date(on, field="--date") or today
    db = state(ctx).database()
    try:
        running = close_household(
            db,
            ref,
            outcome=outcome.value,
            closed_on=closed_on,
            as_of=today,
            running=choice,
            reason=reason,
        )
    except RunningOnClose as refused:
        if not (sys.stdin.isatty() and sys.stderr.isatty()):
            command = f"bostad household close {ref} --outcome {outcome.value}"
            refused.message += "; " + _("e.g. {command} --end-running").format(command=command)
            raise
        typer.echo(
            _("Still running: {items}.").format(
                items=", ".join(r["label"] for r in refused.running)
            ),
            err=True,
        )
        end = typer.confirm(
            _("End them on {day}? (No: they go on after the case is closed)").format(
                day=closed_on.isoformat()
            ),
            err=True,
        )
        choice = "end" if end else "keep"
        running = close_household(
            db,
            ref,
            outcome=outcome.value,
            closed_on=closed_on,
            as_of=today,
            running=choice,
            reason=reason,
        )
    typer.echo(_("Closed {ref}: {outcome}.").format(ref=ref, outcome=outcome.label), err=True)
    _say_running(running, choice=choice, day=closed_on.isoformat())


def _say_running(running: list[dict[str, Any]], *, choice: str | None, day: str) -> None:
    """What closing did with the plans and supports still running: ended on the close
    day, withdrawn that day (a support that had not begun), or left running."""
    withdrawn = [r["label"] for r in running if r.get("withdrawn")]
    ended = [r["label"] for r in running if not r.get("withdrawn")]
    if ended:
        message = _("Ended on {day}: {items}.") if choice == "end" else _("Still running: {items}.")
        typer.echo(message.format(day=day, items=", ".join(ended)), err=True)
    if withdrawn:
        typer.echo(
            _("Withdrawn on {day}, never begun: {items}.").format(
                day=day, items=", ".join(withdrawn)
            ),
            err=True,
        )


@app.command(
    "reopen",
    help=_(
        "Reopen a closed case; says which plans and supports are still running.\n\n"
        "Example: bostad household reopen 2026-0042"
    ),
)
def reopen(
    ctx: typer.Context,
    ref: RefArg,
    allow_duplicate: Annotated[
        bool,
        typer.Option(
            "--allow-duplicate",
            help=_("Reopen it although an adult of the case has another open case by now."),
        ),
    ] = False,
    reason: DuplicateReasonOpt = None,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.households import reopen_household

    today = write_as_of(as_of_)
    running = reopen_household(
        state(ctx).database(),
        ref,
        as_of=today,
        allow_duplicate=allow_duplicate,
        reason=reason,
    )
    typer.echo(_("Reopened {ref}.").format(ref=ref), err=True)
    if running:
        typer.echo(
            _("Still running: {items}.").format(items=", ".join(r["label"] for r in running)),
            err=True,
        )
    else:
        typer.echo(_("No plan or support is running."), err=True)


@app.command(
    "void",
    help=_(
        "Void a case opened by mistake: it leaves every list, export, letter batch and"
        " statistic, and stays in the audit log and the case's history until retention"
        " deletes it. Not for a case that ended: close that one.\n\n"
        'Example: bostad household void 2026-0043 --reason "Opened twice for the same family"'
    ),
)
def void(ctx: typer.Context, ref: RefArg, reason: ReasonOpt) -> None:
    from bostadcli.corrections import void_household

    void_household(state(ctx).database(), ref, reason=reason)
    typer.echo(_("Voided {ref}.").format(ref=ref), err=True)


@app.command(
    "history",
    help=_(
        "The case's timeline, oldest first: what was recorded, by whom, and every"
        " correction (voided, edited, corrected) with its reason. Works for a voided case"
        " too.\n\n"
        "Example: bostad household history 2026-0042 --format csv"
    ),
)
def history(ctx: typer.Context, ref: RefArg, fmt: FormatOpt = Format.table) -> None:
    from bostadcli.cli.views.households import history_columns
    from bostadcli.timeline import case_history

    emit(case_history(state(ctx).database(), ref), history_columns(), fmt, empty=_("No events."))


@app.command(
    "assign",
    help=_(
        "Assign a case to a caseworker, by initials or login.\n\n"
        "Example: bostad household assign 2026-0042 --to KE"
    ),
)
def assign(
    ctx: typer.Context,
    ref: RefArg,
    to: Annotated[
        str,
        typer.Option(
            "--to",
            metavar=_("INITIALS|LOGIN"),
            help=_("The caseworker who takes the case (bostad caseworker list)."),
        ),
    ],
) -> None:
    from bostadcli.caseworkers import assign as assign_case

    caseworker = assign_case(state(ctx).database(), ref, to)
    typer.echo(
        _("{ref} is now {name}'s ({initials}).").format(
            ref=ref, name=caseworker["name"], initials=caseworker["initials"]
        ),
        err=True,
    )
