"""bostad plan create|show|list|pay|check|cancel."""

from typing import Annotated

import typer

from bostadcli import rules
from bostadcli.cli.context import as_of, money, optional_date, state
from bostadcli.cli.options import (
    AsOfOpt,
    DateOpt,
    FormatOpt,
    HouseholdFilterOpt,
    NoteOpt,
    ReasonOpt,
    RefArg,
    ShowFormatOpt,
    record_date,
    whole,
    write_as_of,
)
from bostadcli.cli.output import Format, emit, write_document
from bostadcli.i18n import _
from bostadcli.validate import ROW_ID_MAX
from bostadcli.vocab import PlanState

app = typer.Typer(no_args_is_help=True)

PlanArg = Annotated[
    str,
    typer.Argument(metavar=_("PLAN"), help=_("Plan reference, e.g. P-0001."), show_default=False),
]


# The options of 'create'.
DebtOpt = Annotated[
    str | None,
    typer.Option(
        "--debt",
        metavar=_("AMOUNT"),
        help=_("The debt to repay (with --replaces: the unpaid rest)."),
    ),
]
InstallmentOpt = Annotated[
    str | None,
    typer.Option("--installment", metavar=_("AMOUNT"), help=_("The monthly installment.")),
]
MonthsOpt = Annotated[
    int | None,
    typer.Option(
        "--months",
        metavar=_("N"),
        help=_("Or: the number of months."),
        parser=whole("--months", low=1, high=rules.PLAN_MAX_INSTALLMENTS),
    ),
]
StartOpt = Annotated[
    str | None,
    typer.Option(
        "--start",
        metavar=_("YYYY-MM"),
        help=_("The first month paid for (default: next month)."),
    ),
]
DueOpt = Annotated[
    str,
    typer.Option(
        "--due",
        metavar=_("last-working-day|DAY"),
        help=_("Due date: with the rent, or a day of the month."),
    ),
]
FirstDueOpt = Annotated[
    str | None,
    typer.Option(
        "--first-due",
        metavar=_("YYYY-MM-DD"),
        help=_("A different due date for the first installment."),
    ),
]
OreOpt = Annotated[bool, typer.Option("--ore", help=_("Allow öre in installments."))]
IncomeOpt = Annotated[
    str | None,
    typer.Option(
        "--income",
        metavar=_("AMOUNT"),
        help=_("Monthly income: shows what is left after the norm."),
    ),
]
ReplacesOpt = Annotated[
    str | None,
    typer.Option("--replaces", metavar=_("PLAN"), help=_("Renegotiate: close this plan.")),
]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help=_("Show the plan; save nothing."))]


@app.command(
    "create",
    help=_(
        "Agree a repayment plan between a household and its landlord.\n\n"
        "Installments are whole kronor (--ore allows öre); the last takes the remainder. "
        "Each is due with the rent, on the last working day before the month it pays for, "
        "unless --due gives a day of the month. --dry-run shows the schedule without saving.\n\n"
        "Example: bostad plan create 2026-0042 --debt 14900 --installment 1500"
        " --start 2027-01 --dry-run"
    ),
)
def create(
    ctx: typer.Context,
    ref: RefArg,
    debt: DebtOpt = None,
    installment: InstallmentOpt = None,
    months: MonthsOpt = None,
    start: StartOpt = None,
    due: DueOpt = "last-working-day",
    first_due: FirstDueOpt = None,
    ore: OreOpt = False,
    income: IncomeOpt = None,
    replaces: ReplacesOpt = None,
    note: NoteOpt = None,
    dry_run: DryRunOpt = False,
    fmt: ShowFormatOpt = Format.table,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.cli.views.plans import report_new_plan
    from bostadcli.dates import parse_month
    from bostadcli.errors import UsageError
    from bostadcli.plans import NewPlan, create_plan

    if (installment is None) == (months is None):
        raise UsageError(_("give either --installment or --months (one of them)"))
    app_state = state(ctx)
    new = NewPlan(
        debt=money(debt, field="--debt", allow_zero=False),
        installment=money(installment, field="--installment", allow_zero=False),
        months=months,
        start=parse_month(start, field="--start") if start else None,
        due=due,
        first_due=optional_date(first_due, field="--first-due"),
        whole_kronor=not ore,
        income=money(income, field="--income"),
        replaces=replaces,
        note=note,
    )
    config = app_state.config()
    plan = create_plan(
        app_state.database(),
        ref,
        new,
        as_of=write_as_of(as_of_, writes=not dry_run),
        dry_run=dry_run,
        policy=config.policy,
        normalbelopp=config.normalbelopp,
    )
    report_new_plan(plan, dry_run=dry_run, as_document=fmt is not Format.table)


@app.command(
    "show",
    help=_(
        "Show a plan: its schedule with paid, unpaid and overdue installments, the payments "
        "and the remaining debt.\n\nExample: bostad plan show P-0001"
    ),
)
def show(
    ctx: typer.Context, plan: PlanArg, fmt: ShowFormatOpt = Format.table, as_of_: AsOfOpt = None
) -> None:
    from bostadcli.cli.views.plans import print_plan
    from bostadcli.plans import show_plan

    config = state(ctx).config()
    found = show_plan(
        state(ctx).database(),
        plan,
        as_of=as_of(as_of_),
        policy=config.policy,
        normalbelopp=config.normalbelopp,
    )
    if fmt is Format.table:
        print_plan(found)
    else:
        write_document(found)


@app.command(
    "list",
    help=_(
        "List plans as they stand, broken and behind first (active plans unless --all or "
        "--state).\n\nExample: bostad plan list --state behind --format csv"
    ),
)
def list_(
    ctx: typer.Context,
    plan_state: Annotated[
        PlanState | None, typer.Option("--state", help=_("Only plans in this state."))
    ] = None,
    include_finished: Annotated[
        bool, typer.Option("--all", help=_("Completed, cancelled and replaced plans too."))
    ] = False,
    landlord: Annotated[
        str | None, typer.Option("--landlord", help=_("Only this landlord's plans."))
    ] = None,
    household: HouseholdFilterOpt = None,
    fmt: FormatOpt = Format.table,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.cli.views.plans import plan_columns
    from bostadcli.plans import list_plans

    found = list_plans(
        state(ctx).database(),
        as_of=as_of(as_of_),
        state=plan_state.value if plan_state else None,
        include_finished=include_finished,
        landlord=landlord,
        household=household,
        policy=state(ctx).config().policy,
    )
    emit(found, plan_columns(), fmt, empty=_("No plans match."))


@app.command(
    "pay",
    help=_(
        "Record a payment; it pays the oldest installments first and the rest goes to the next.\n\n"
        "Example: bostad plan pay P-0001 --amount 1500 --date 2026-12-30"
    ),
)
def pay(
    ctx: typer.Context,
    plan: PlanArg,
    amount: Annotated[
        str, typer.Option("--amount", metavar=_("AMOUNT"), help=_("The amount paid."))
    ],
    on: DateOpt = None,
    allow_overpay: Annotated[
        bool,
        typer.Option("--allow-overpay", help=_("Accept more than what remains (kept as excess).")),
    ] = False,
    note: NoteOpt = None,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.money import Money, format_money
    from bostadcli.plans import record_payment

    today = write_as_of(as_of_)
    result = record_payment(
        state(ctx).database(),
        plan,
        amount=money(amount, field="--amount", allow_zero=False),
        paid_on=record_date(on, field="--date") or today,
        as_of=today,
        allow_overpay=allow_overpay,
        note=note,
    )
    typer.echo(
        _("Recorded payment {id}, {amount}, for {plan}; {remaining} remains.").format(
            id=result["payment"],
            amount=format_money(Money(result["amount_ore"])),
            plan=result["plan"],
            remaining=format_money(Money(result["remaining_ore"])),
        ),
        err=True,
    )
    if result["paid_on"] < result["agreed_on"]:
        # Money paid toward the debt before the plan was signed is still paid: kept.
        typer.echo(
            _("warning: {date} is before {plan} was agreed ({agreed}); the payment counts.").format(
                date=result["paid_on"], plan=result["plan"], agreed=result["agreed_on"]
            ),
            err=True,
        )
    if result["excess_ore"]:
        excess = format_money(Money(result["excess_ore"]))
        typer.echo(_("{excess} was more than the debt.").format(excess=excess), err=True)
    if result["completed"]:
        typer.echo(_("{plan} is paid in full.").format(plan=result["plan"]), err=True)


@app.command(
    "check",
    help=_(
        "Work out every plan's state (on track, behind, broken, completed) and list those "
        "that changed since the last check; they are logged in the case. For cron: "
        "--format json. States are recorded on today's date only: --as-of only shows how"
        " the plans would stand on another day.\n\nExample: bostad plan check --format json"
    ),
)
def check(ctx: typer.Context, fmt: FormatOpt = Format.table, as_of_: AsOfOpt = None) -> None:
    from bostadcli.cli.views.plans import plan_columns
    from bostadcli.dates import real_today
    from bostadcli.plans import check_plans

    app_state = state(ctx)
    today = real_today()
    day = today if as_of_ is None else as_of(as_of_)
    # Like purge: a check replays another day, and only today's is written down.
    record = day == today
    changed = check_plans(
        app_state.database(), as_of=day, policy=app_state.config().policy, record=record
    )
    emit(changed, plan_columns(changes=True), fmt, empty=_("No plan changed state."))
    if not record:
        typer.echo(
            _(
                "Only shown: the plans' states on {date} against the last check; states are"
                " recorded on today's date only."
            ).format(date=day.isoformat()),
            err=True,
        )


@app.command(
    "cancel",
    help=_(
        "Cancel a plan without replacing it; what is unpaid is still owed.\n\n"
        'Example: bostad plan cancel P-0001 --note "Moved out"'
    ),
)
def cancel(
    ctx: typer.Context,
    plan: PlanArg,
    on: DateOpt = None,
    note: NoteOpt = None,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.money import Money, format_money
    from bostadcli.plans import cancel_plan

    today = write_as_of(as_of_)
    result = cancel_plan(
        state(ctx).database(),
        plan,
        cancelled_on=record_date(on, field="--date") or today,
        as_of=today,
        note=note,
    )
    typer.echo(
        _("Cancelled {plan}; {unpaid} unpaid.").format(
            plan=result["plan"], unpaid=format_money(Money(result["unpaid_ore"]))
        ),
        err=True,
    )


@app.command(
    "void-payment",
    help=_(
        "Void a payment recorded by mistake (a wrong amount, the wrong plan); the plan's"
        " installments are worked out again from the payments that stand. Record the right"
        " payment with plan pay.\n\n"
        'Example: bostad plan void-payment P-0001 7 --reason "1 500 typed as 15 000"'
    ),
)
def void_payment(
    ctx: typer.Context,
    plan: PlanArg,
    payment: Annotated[
        int,
        typer.Argument(
            metavar=_("PAYMENT"),
            help=_("The payment's number (bostad plan show)."),
            parser=whole("PAYMENT", low=1, high=ROW_ID_MAX),
        ),
    ],
    reason: ReasonOpt,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.corrections import void_payment as void
    from bostadcli.money import Money, format_money

    result = void(state(ctx).database(), plan, payment, reason=reason, as_of=write_as_of(as_of_))
    typer.echo(
        _("Voided payment {id} of {plan}; {remaining} remains.").format(
            id=payment,
            plan=result["plan"],
            remaining=format_money(Money(result["remaining_ore"])),
        ),
        err=True,
    )
    if result["reopened"]:
        typer.echo(
            _("{plan} is no longer paid in full: it is active again.").format(plan=result["plan"]),
            err=True,
        )
