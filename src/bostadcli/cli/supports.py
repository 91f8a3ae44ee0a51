"""bostad support add|end|edit|list|quota."""

from datetime import date
from typing import Annotated, Any

import typer

from bostadcli import rules
from bostadcli.cli.context import as_of, money, optional_date, state
from bostadcli.cli.options import (
    AsOfOpt,
    CaseFilterArg,
    FormatOpt,
    NoteOpt,
    RefArg,
    YearOpt,
    record_date,
    whole,
    write_as_of,
)
from bostadcli.cli.output import Column, Format, emit
from bostadcli.cli.screen import changed_fields
from bostadcli.dates import MAX_YEAR, MIN_YEAR
from bostadcli.i18n import _, ngettext
from bostadcli.validate import ROW_ID_MAX
from bostadcli.vocab import SupportKind, label

app = typer.Typer(no_args_is_help=True)

IdArg = Annotated[
    int,
    typer.Argument(
        metavar=_("ID"), help=_("The support's number."), parser=whole("ID", low=1, high=ROW_ID_MAX)
    ),
]
EndOpt = Annotated[
    str | None,
    typer.Option("--end", metavar=_("YYYY-MM-DD"), help=_("Planned last day (time-limited).")),
]
CapOpt = Annotated[
    str | None,
    typer.Option(
        "--cap", metavar=_("AMOUNT"), help=_("Rent guarantee: the most it covers, in kronor.")
    ),
]
CapMonthsOpt = Annotated[
    int | None,
    typer.Option(
        "--cap-months",
        metavar=_("MONTHS"),
        parser=whole("--cap-months", low=1, high=rules.RENT_GUARANTEE_MAX_MONTHS),
        help=_("Rent guarantee: the most it covers, in months of rent."),
    ),
]
ClaimedOpt = Annotated[
    str | None,
    typer.Option(
        "--claimed",
        metavar=_("AMOUNT"),
        help=_("Rent guarantee: amount the landlord has claimed so far."),
    ),
]
ReclaimedOpt = Annotated[
    str | None,
    typer.Option(
        "--reclaimed",
        metavar=_("AMOUNT"),
        help=_("Rent guarantee: amount claimed back from the tenant."),
    ),
]
FlatOpt = Annotated[
    str | None, typer.Option("--flat", help=_("Priority allocation: the flat offered."))
]
PlaceOpt = Annotated[
    str | None, typer.Option("--place", help=_("Emergency housing: where the person stays."))
]
CostOpt = Annotated[
    str | None,
    typer.Option("--cost", metavar=_("AMOUNT"), help=_("Emergency housing: the cost applied for.")),
]
CostGrantedOpt = Annotated[
    bool | None,
    typer.Option(
        "--cost-granted/--cost-refused",
        help=_("Emergency housing: whether the cost application was granted."),
        show_default=False,
    ),
]
PersonOpt = Annotated[
    str | None, typer.Option("--support-person", help=_("Housing First: the support person."))
]


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        typer.echo(_("warning: {message}").format(message=warning), err=True)


def _details(_value: Any, row: dict[str, Any]) -> str:
    """The kind's own fields in a few words, then the note."""
    from bostadcli.money import Money, format_money

    def sek(ore: int | None) -> str:
        return "" if ore is None else format_money(Money(ore))

    parts: list[str] = []
    if row["cap_ore"] is not None or row["cap_months"] is not None:
        cap = sek(row["cap_ore"]) if row["cap_ore"] is not None else ""
        if row["cap_months"] is not None:
            months = _("{n} months' rent").format(n=row["cap_months"])
            cap = f"{cap} / {months}" if cap else months
        parts.append(_("cap {cap}").format(cap=cap))
    if row["claimed_ore"]:
        parts.append(_("claimed {amount}").format(amount=sek(row["claimed_ore"])))
    if row["reclaimed_ore"]:
        parts.append(_("reclaimed {amount}").format(amount=sek(row["reclaimed_ore"])))
    if row["flat_offered"]:
        parts.append(_("flat: {flat}").format(flat=row["flat_offered"]))
    if row["place"]:
        parts.append(row["place"])
    if row["nights"] is not None:
        parts.append(ngettext("{n} night", "{n} nights", row["nights"]).format(n=row["nights"]))
    if row["cost_ore"] is not None:
        decision = {True: _("granted"), False: _("refused"), None: _("not decided")}
        parts.append(f"{sek(row['cost_ore'])} ({decision[row['cost_granted']]})")
    if row["support_person"]:
        parts.append(_("support person {name}").format(name=row["support_person"]))
    if row.get("withdrawn_on"):
        withdrawn = _("withdrawn on {date}").format(date=row["withdrawn_on"])
        parts.append(f"{withdrawn}: {row['end_reason']}" if row["end_reason"] else withdrawn)
    elif row["end_reason"]:
        parts.append(_("ended: {reason}").format(reason=row["end_reason"]))
    if row.get("state_grant_note"):
        parts.append(row["state_grant_note"])
    if row["note"]:
        parts.append(row["note"])
    return "; ".join(parts)


def support_status_text(code: str) -> str:
    """Where a support stands (planned, active, ended, withdrawn: called off before it
    began), in words; an unknown code as is."""
    words = {
        "planned": _("planned"),
        "active": _("active"),
        "ended": _("ended"),
        "withdrawn": _("withdrawn"),
    }
    return words.get(code, code)


def _columns() -> list[Column]:
    return [
        Column("id", _("No."), justify="right"),
        Column("ref", _("Case")),
        Column("tenant", _("Tenant")),
        Column("kind", _("Support"), show=lambda v, r: label(SupportKind, v)),
        Column("status", _("Status"), show=lambda v, r: support_status_text(v)),
        Column("start_on", _("Start")),
        Column("end_on", _("Planned end"), in_table=False),
        Column("ended_on", _("Ended"), in_table=False),
        Column("withdrawn_on", _("Withdrawn"), in_table=False),
        Column("effective_end", _("End"), kind="deadline"),
        Column("days_left", _("Days left"), in_table=False),
        Column("landlord", _("Landlord")),
        Column("cap_ore", _("Cap"), kind="money", in_table=False),
        Column("cap_months", _("Cap in months"), in_table=False),
        Column("cap_effective_ore", _("Cap in kronor"), kind="money", in_table=False),
        Column("claimed_ore", _("Claimed"), kind="money", in_table=False),
        Column("reclaimed_ore", _("Reclaimed"), kind="money", in_table=False),
        Column("granted_on", _("Granted"), in_table=False),
        Column("flat_offered", _("Flat offered"), in_table=False),
        Column("place", _("Place"), in_table=False),
        Column("nights_from", _("Nights from"), in_table=False),
        Column("nights_to", _("Nights to"), in_table=False),
        Column("nights", _("Nights"), in_table=False),
        Column("cost_ore", _("Cost"), kind="money", in_table=False),
        Column("cost_granted", _("Cost granted"), in_table=False),
        Column("support_person", _("Support person"), in_table=False),
        Column("end_reason", _("End reason"), in_table=False),
        Column("state_grant_missed", _("State grant: missed conditions"), in_table=False),
        Column("state_grant_note", _("State grant"), in_table=False),
        Column("note", _("Details"), show=_details),
    ]


def _quota_columns() -> list[Column]:
    return [
        Column("year", _("Year")),
        Column("company", _("Housing company")),
        Column("quota", _("Quota"), justify="right"),
        Column("used", _("Used"), justify="right"),
        Column(
            "left",
            _("Left"),
            justify="right",
            show=lambda v, r: "" if v is None else str(v),
        ),
    ]


# The options of 'add'.
KindOpt = Annotated[SupportKind, typer.Option("--kind", help=_("What kind of support."))]
StartOpt = Annotated[
    str | None,
    typer.Option("--start", metavar=_("YYYY-MM-DD"), help=_("First day (default: today).")),
]
LandlordOpt = Annotated[
    str | None,
    typer.Option("--landlord", help=_("Landlord, or the housing company of an allocation.")),
]
GrantedOpt = Annotated[
    str | None,
    typer.Option(
        "--granted",
        metavar=_("YYYY-MM-DD"),
        help=_("Priority allocation: day granted (default: today, or the start if earlier)."),
    ),
]
NightsFromOpt = Annotated[
    str | None,
    typer.Option(
        "--nights-from",
        metavar=_("YYYY-MM-DD"),
        help=_("Emergency housing: first night (start)."),
    ),
]
NightsToOpt = Annotated[
    str | None,
    typer.Option(
        "--nights-to",
        metavar=_("YYYY-MM-DD"),
        help=_("Emergency housing: the day the stay ends."),
    ),
]


@app.command(
    "add",
    help=_(
        "Record a support measure for a household; prints its number.\n\n"
        "Example: bostad support add 2026-0042 --kind emergency_housing"
        ' --place "Vandrarhemmet" --start 2026-03-01 --nights-to 2026-03-05 --cost 2400'
    ),
)
def add(
    ctx: typer.Context,
    ref: RefArg,
    kind: KindOpt,
    start: StartOpt = None,
    end: EndOpt = None,
    landlord: LandlordOpt = None,
    cap: CapOpt = None,
    cap_months: CapMonthsOpt = None,
    claimed: ClaimedOpt = None,
    reclaimed: ReclaimedOpt = None,
    granted: GrantedOpt = None,
    flat: FlatOpt = None,
    place: PlaceOpt = None,
    nights_from: NightsFromOpt = None,
    nights_to: NightsToOpt = None,
    cost: CostOpt = None,
    cost_granted: CostGrantedOpt = None,
    support_person: PersonOpt = None,
    note: NoteOpt = None,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.supports import NewSupport, add_support

    app_state = state(ctx)
    policy = app_state.config().policy
    new = NewSupport(
        kind=kind.value,
        start_on=optional_date(start, field="--start"),
        end_on=optional_date(end, field="--end"),
        note=note,
        landlord=landlord,
        cap=money(cap, field="--cap"),
        cap_months=cap_months,
        claimed=money(claimed, field="--claimed"),
        reclaimed=money(reclaimed, field="--reclaimed"),
        granted_on=record_date(granted, field="--granted"),
        flat_offered=flat,
        place=place,
        nights_from=optional_date(nights_from, field="--nights-from"),
        nights_to=optional_date(nights_to, field="--nights-to"),
        cost=money(cost, field="--cost"),
        cost_granted=cost_granted,
        support_person=support_person,
    )
    added = add_support(
        app_state.database(),
        ref,
        new,
        as_of=write_as_of(as_of_),
        max_nights=policy.emergency_housing_max_nights,
        quota=app_state.config().priority_quota,
    )
    typer.echo(added.id)
    _warn(added.warnings)
    typer.echo(
        _("Recorded {kind} for {ref} as support {id}.").format(
            kind=kind.label, ref=ref, id=added.id
        ),
        err=True,
    )


@app.command(
    "end",
    help=_(
        "Record that a support ended. A support that has not begun yet is withdrawn"
        " (called off: it never begins, and no report counts it).\n\n"
        'Example: bostad support end 7 --date 2026-04-30 --reason "Moved to own flat"'
    ),
)
def end(
    ctx: typer.Context,
    support_id: IdArg,
    on: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar=_("YYYY-MM-DD"),
            help=_("The day it ended, or was called off (default: today)."),
        ),
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help=_("Why it ended."))] = None,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.dates import format_date
    from bostadcli.supports import end_support

    today = write_as_of(as_of_)
    ended = end_support(
        state(ctx).database(),
        support_id,
        ended_on=record_date(on, field="--date") or today,
        reason=reason,
        as_of=today,
    )
    message = (
        _("Support {id} ({kind}, {ref}) withdrawn on {date}; it never began.")
        if ended["withdrawn"]
        else _("Support {id} ({kind}, {ref}) ended on {date}.")
    )
    typer.echo(
        message.format(
            id=support_id,
            kind=label(SupportKind, ended["kind"]),
            ref=ended["ref"],
            date=format_date(
                date.fromisoformat(ended["withdrawn_on"] or ended["ended_on"]), "long"
            ),
        ),
        err=True,
    )


@app.command(
    "edit",
    help=_(
        "Change what is learnt later: claims, the flat offered, the cost decision, the end.\n\n"
        "Example: bostad support edit 7 --claimed 14900 --reclaimed 2000"
    ),
)
def edit(
    ctx: typer.Context,
    support_id: IdArg,
    end: EndOpt = None,
    cap: CapOpt = None,
    cap_months: CapMonthsOpt = None,
    claimed: ClaimedOpt = None,
    reclaimed: ReclaimedOpt = None,
    flat: FlatOpt = None,
    place: PlaceOpt = None,
    cost: CostOpt = None,
    cost_granted: CostGrantedOpt = None,
    support_person: PersonOpt = None,
    note: NoteOpt = None,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.supports import edit_support

    given = {
        "end_on": optional_date(end, field="--end"),
        "cap": money(cap, field="--cap"),
        "cap_months": cap_months,
        "claimed": money(claimed, field="--claimed"),
        "reclaimed": money(reclaimed, field="--reclaimed"),
        "flat_offered": flat,
        "place": place,
        "cost": money(cost, field="--cost"),
        "cost_granted": cost_granted,
        "support_person": support_person,
        "note": note,
    }
    diff, warnings = edit_support(
        state(ctx).database(),
        support_id,
        changes={k: v for k, v in given.items() if v is not None},
        as_of=write_as_of(as_of_),
    )
    _warn(warnings)
    typer.echo(
        _("Changed {fields}.").format(fields=changed_fields(diff))
        if diff
        else _("Nothing changed."),
        err=True,
    )


@app.command(
    "list",
    help=_(
        "List current and planned supports, soonest ending first.\n\n"
        "With --kind priority_allocation the table also shows each housing company's"
        " quota used and left for the year.\n\n"
        "Example: bostad support list --kind rent_guarantee --format csv"
    ),
)
def list_(
    ctx: typer.Context,
    ref: CaseFilterArg = None,
    kind: Annotated[SupportKind | None, typer.Option("--kind", help=_("Only this kind."))] = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            metavar=_("YEAR"),
            help=_("Only supports active at some time in this year."),
            parser=whole("--year", low=MIN_YEAR, high=MAX_YEAR),
        ),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help=_("Ended supports too."))] = False,
    fmt: FormatOpt = Format.table,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.supports import list_supports, quota_usage

    app_state = state(ctx)
    db, today = app_state.database(), as_of(as_of_)
    found = list_supports(
        db, as_of=today, ref=ref, kind=kind.value if kind else None, year=year, include_ended=all_
    )
    emit(found, _columns(), fmt, empty=_("No supports."))
    if kind is SupportKind.priority_allocation and fmt is Format.table:
        quota_year = year if year is not None else today.year
        usage = quota_usage(db, quota_year, quota=app_state.config().priority_quota)
        emit(usage, _quota_columns(), fmt, title=_("Priority quota {year}").format(year=quota_year))


@app.command(
    "quota",
    help=_(
        "Show each housing company's priority-allocation quota, used and left.\n\n"
        "Example: bostad support quota --year 2026"
    ),
)
def quota(
    ctx: typer.Context,
    year: YearOpt = None,
    fmt: FormatOpt = Format.table,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.supports import quota_usage

    app_state = state(ctx)
    chosen = year if year is not None else as_of(as_of_).year
    usage = quota_usage(app_state.database(), chosen, quota=app_state.config().priority_quota)
    emit(
        usage,
        _quota_columns(),
        fmt,
        title=_("Priority quota {year}").format(year=chosen),
        empty=_("No quota in the config and no priority allocations in {year}.").format(
            year=chosen
        ),
    )
