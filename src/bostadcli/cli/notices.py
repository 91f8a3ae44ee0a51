"""bostad notice add|list|edit|void."""

from typing import Annotated, Any

import typer

from bostadcli import rules
from bostadcli.cli.context import as_of, money, optional_date, state
from bostadcli.cli.options import (
    AsOfOpt,
    CaseArg,
    CaseFilterArg,
    FormatOpt,
    NoteOpt,
    ReasonOpt,
    record_date,
    whole,
    write_as_of,
)
from bostadcli.cli.output import LOW_VALUE, Column, Format, emit
from bostadcli.cli.screen import changed_fields, since_text
from bostadcli.i18n import _
from bostadcli.validate import ROW_ID_MAX
from bostadcli.vocab import DecisionBy, NoticeKind, Reason, ServiceMethod, label


def recovery_text(notice: dict[str, Any]) -> str:
    """A recovery period that has not started, in words: which date it waits for."""
    missing = notice.get("recovery_missing") or []
    if not missing:
        return ""
    if len(missing) == 2:
        return _("not started: no service date, and no record that social services was notified")
    if missing[0] == "served_on":
        return _("not started: the tenant has not been served")
    return _("not started: no record that social services was notified")


def notice_warnings(notice: dict[str, Any]) -> list[str]:
    """What a caseworker must know about a notice as recorded: a termination that may be
    barred (jordabalken 12 kap. 42 § 3 st), a decision after which paying is too late."""
    out = []
    if notice.get("barred_risk") == "no_warning":
        out.append(
            _(
                "no warning to correct (rättelseanmaning) is recorded on this ground before the"
                " termination: the termination may be barred (12 kap. 42 § 3 st), unless it is"
                " especially serious (--especially-serious --copy-received DATE)"
            )
        )
    elif notice.get("barred_risk") == "warning_not_notified":
        out.append(
            _(
                "no record that social services was notified of the warning: the termination"
                " may be barred (12 kap. 25 a §, 42 § 3 st)"
            )
        )
    elif notice.get("barred_risk") == "before_correct_by":
        out.append(
            _(
                "the termination is dated before the tenant's time to correct (the warning's"
                " correct-by day) had run out: the termination may be barred (12 kap. 42 § 3 st)"
            )
        )
    if notice.get("kind") == "decision":
        out.append(decision_text())
    return out


def step_text(notice: dict[str, Any]) -> str:
    """One of Kronofogden's steps: its day, the day a decision became final, the case."""
    parts = [notice.get("step_on") or ""]
    if notice.get("decision_by"):
        parts.append(label(DecisionBy, notice["decision_by"]))
    if notice.get("final_on"):
        parts.append(_("final {date}").format(date=notice["final_on"]))
    if notice.get("enforcement_case"):
        parts.append(_("case {number}").format(number=notice["enforcement_case"]))
    return ", ".join(part for part in parts if part)


def deadline_text(notice: dict[str, Any]) -> str:
    """A notice's deadline as the listing and the case view show it: the date, with the
    time of an eviction, and the days left (a passed date is a record: "9 days ago",
    never "late"), then Kronofogden's case number; Kronofogden's other steps by
    ``step_text``; a recovery period that has not started by what it waits for."""
    if notice.get("recovery_missing"):
        return recovery_text(notice)
    deadline = notice.get("deadline")
    if not deadline:
        return step_text(notice)
    text = str(deadline)
    at = notice.get("eviction_at") or ""
    if len(at) > 10 and at[:10] == deadline:
        text += " " + _("at {time}").format(time=at[11:16])
    text += f" ({since_text(notice.get('days_left'))})"
    if notice.get("enforcement_case"):
        text += ", " + _("case {number}").format(number=notice["enforcement_case"])
    return text


def decision_text() -> str:
    return _(
        "after a decision to evict, paying the debt no longer restores the lease: only a new"
        " agreement with the landlord does"
    )


app = typer.Typer(no_args_is_help=True)

# Options that notice add and notice edit share.
ServedOpt = Annotated[
    str | None,
    typer.Option(
        "--served",
        metavar=_("YYYY-MM-DD"),
        help=_("Day the tenant was served; starts the three-week recovery period."),
    ),
]

NotifiedOpt = Annotated[
    str | None,
    typer.Option(
        "--notified",
        "--received",
        metavar=_("YYYY-MM-DD"),
        help=_(
            "The day the landlord's notice reached social services; with the service"
            " date it starts the recovery period. Without it the period has not started."
        ),
    ),
]

TerminatedOpt = Annotated[
    str | None,
    typer.Option(
        "--terminated",
        metavar=_("YYYY-MM-DD"),
        help=_("The day of the termination."),
    ),
]

ServiceMethodOpt = Annotated[
    ServiceMethod | None,
    typer.Option(
        "--service-method",
        help=_("How the tenant was served (default with --served: unknown)."),
    ),
]

AmountOpt = Annotated[
    str | None,
    typer.Option("--amount", metavar=_("AMOUNT"), help=_("Amount to pay to keep the home.")),
]

EvictionAtOpt = Annotated[
    str | None,
    typer.Option(
        "--eviction-at",
        metavar=_("'YYYY-MM-DD HH:MM'"),
        help=_("Day and time of the eviction (Kronofogden)."),
    ),
]

ConfirmNonWorkingDayOpt = Annotated[
    bool,
    typer.Option(
        "--confirm-non-working-day",
        help=_("Accept an eviction day that is a Saturday, Sunday or holiday."),
    ),
]

CaseNumberOpt = Annotated[
    str | None,
    typer.Option("--case-number", help=_("Kronofogden's case number (målnummer).")),
]


def _columns() -> list[Column]:
    return [
        Column("id", _("No.")),
        Column("ref", _("Case")),
        Column("kind", _("Notice"), show=lambda v, r: label(NoticeKind, v)),
        Column("ground", _("Ground"), show=lambda v, r: label(Reason, v)),
        Column("received_on", _("Received"), in_table=False),
        Column("notified_on", _("Notified")),
        Column("terminated_on", _("Terminated"), in_table=False),
        Column("served_on", _("Served")),
        Column("service_method", _("Service"), in_table=False),
        Column("amount_ore", _("Amount"), kind="money", justify="right"),
        Column("recovery_deadline", _("Recovery deadline"), in_table=False),
        Column("eviction_at", _("Eviction"), in_table=False),
        Column(
            "deadline",
            _("Deadline"),
            kind="deadline",
            show=lambda v, r: deadline_text(r),
        ),
        Column("recovery_missing", _("Period waits for"), in_table=False),
        Column("earliest_decision_on", _("Earliest eviction decision"), in_table=False),
        Column("days_left", _("Days left"), in_table=False),
        Column("enforcement_case", _("Kronofogden case"), in_table=False),
        Column("correct_by", _("Correct by"), in_table=False),
        Column("especially_serious", _("Especially serious"), kind="bool", in_table=False),
        Column("copy_received_on", _("Copy received"), in_table=False),
        Column("step_on", _("Step date"), in_table=False),
        Column("decision_by", _("Decided by"), in_table=False),
        Column("final_on", _("Final"), in_table=False),
        Column("barred_risk", _("May be barred"), in_table=False),
        Column("note", _("Note"), in_table=False),
    ]


# The options of 'add'.
KindOpt = Annotated[NoticeKind, typer.Option("--kind", help=_("What kind of notice."))]
GroundOpt = Annotated[
    Reason | None,
    typer.Option("--ground", help=_("Ground (for a termination, default: unpaid rent).")),
]
CorrectByOpt = Annotated[
    str | None,
    typer.Option(
        "--correct-by",
        metavar=_("YYYY-MM-DD"),
        help=_("A warning: the day the tenant must have corrected it by."),
    ),
]
EspeciallySeriousOpt = Annotated[
    bool,
    typer.Option(
        "--especially-serious",
        help=_(
            "A termination without a warning because the matter is especially serious"
            " (needs --copy-received)."
        ),
    ),
]
CopyReceivedOpt = Annotated[
    str | None,
    typer.Option(
        "--copy-received",
        metavar=_("YYYY-MM-DD"),
        help=_("The day social services received the copy of the termination."),
    ),
]
DateOpt = Annotated[
    str | None,
    typer.Option(
        "--date",
        metavar=_("YYYY-MM-DD"),
        help=_("Kronofogden's steps: the day of the application, decision or request."),
    ),
]
DecisionByOpt = Annotated[
    DecisionBy | None,
    typer.Option("--decision-by", help=_("A decision: who gave it (default: enforcement).")),
]
FinalOpt = Annotated[
    str | None,
    typer.Option(
        "--final", metavar=_("YYYY-MM-DD"), help=_("A decision: the day it became final.")
    ),
]


@app.command(
    "add",
    help=_(
        "Record a notice; a termination for unpaid rent gets its recovery deadline.\n\n"
        "The three weeks run from the later of --served and --notified; without both, the"
        " period has not started. Kronofogden's steps: enforcement_application, decision,"
        " enforcement_request, eviction.\n\n"
        "Example: bostad notice add 2026-0042 --kind termination --notified 2026-12-03"
        " --served 2026-12-04 --amount 14900"
    ),
)
def add(
    ctx: typer.Context,
    ref: CaseArg,
    kind: KindOpt,
    ground: GroundOpt = None,
    served: ServedOpt = None,
    notified: NotifiedOpt = None,
    terminated: TerminatedOpt = None,
    service_method: ServiceMethodOpt = None,
    amount: AmountOpt = None,
    eviction_at: EvictionAtOpt = None,
    confirm_non_working_day: ConfirmNonWorkingDayOpt = False,
    case_number: CaseNumberOpt = None,
    correct_by: CorrectByOpt = None,
    especially_serious: EspeciallySeriousOpt = False,
    copy_received: CopyReceivedOpt = None,
    step_on: DateOpt = None,
    decision_by: DecisionByOpt = None,
    final: FinalOpt = None,
    note: NoteOpt = None,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.notices import NewNotice, add_notice

    notice = add_notice(
        state(ctx).database(),
        ref,
        NewNotice(
            kind=kind.value,
            ground=ground.value if ground else None,
            notified_on=record_date(notified, field="--notified"),
            terminated_on=record_date(terminated, field="--terminated"),
            served_on=record_date(served, field="--served"),
            service_method=service_method.value if service_method else None,
            amount=money(amount, field="--amount"),
            eviction_at=eviction_at,
            enforcement_case=case_number,
            note=note,
            correct_by=optional_date(correct_by, field="--correct-by"),
            especially_serious=especially_serious,
            copy_received_on=record_date(copy_received, field="--copy-received"),
            step_on=record_date(step_on, field="--date"),
            decision_by=decision_by.value if decision_by else None,
            final_on=record_date(final, field="--final"),
            confirm_non_working_day=confirm_non_working_day,
        ),
        as_of=write_as_of(as_of_),
    )
    for warning in notice_warnings(notice):
        typer.echo(_("warning: {message}").format(message=warning), err=True)
    if notice["recovery_deadline"]:
        typer.echo(
            _("Recovery deadline {date} ({left}); earliest eviction decision {decision}.").format(
                date=notice["recovery_deadline"],
                left=since_text(notice["days_left"]),
                decision=notice["earliest_decision_on"],
            )
        )
    elif notice["recovery_missing"]:
        typer.echo(_("Recovery period {state}.").format(state=recovery_text(notice)))
    elif notice["correct_by"]:
        typer.echo(
            _("To correct by {date} ({left}).").format(
                date=notice["correct_by"], left=since_text(notice["days_left"])
            )
        )
    else:
        typer.echo(_("Recorded the notice for {ref}.").format(ref=ref), err=True)


@app.command(
    "list",
    help=_(
        "List notices with their deadlines and the days left.\n\n"
        "Example: bostad notice list --upcoming 14"
    ),
)
def list_(
    ctx: typer.Context,
    ref: CaseFilterArg = None,
    upcoming: Annotated[
        int | None,
        typer.Option(
            "--upcoming",
            metavar=_("DAYS"),
            help=_("Only deadlines within this many days."),
            parser=whole("--upcoming", low=0, high=rules.DEADLINE_VIEW_MAX_DAYS),
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.notices import list_notices

    rows = list_notices(
        state(ctx).database(), ref=ref, as_of=as_of(as_of_), upcoming_within=upcoming
    )
    # At 80 columns the ground and the day social services was told give way (both
    # are in the case view and in CSV); the served date and the deadline stay.
    drop = (*LOW_VALUE, "ground", "notified_on")
    emit(rows, _columns(), fmt, empty=_("No notices."), drop=drop)


NoticeIdArg = Annotated[
    int,
    typer.Argument(
        metavar=_("NOTICE"),
        help=_("The notice's number (bostad notice list)."),
        parser=whole("NOTICE", low=1, high=ROW_ID_MAX),
    ),
]


@app.command(
    "edit",
    help=_(
        "Correct a notice: its kind, ground, dates, amount, case number or note. The"
        " recovery deadline is computed again; the old values are kept in the case's"
        " history with who, when and why.\n\n"
        'Example: bostad notice edit 12 --served 2026-11-30 --reason "Wrong date typed"'
    ),
)
def edit(
    ctx: typer.Context,
    notice_id: NoticeIdArg,
    reason: ReasonOpt,
    kind: Annotated[
        NoticeKind | None, typer.Option("--kind", help=_("What kind of notice."))
    ] = None,
    ground: Annotated[Reason | None, typer.Option("--ground", help=_("Ground."))] = None,
    served: ServedOpt = None,
    received: NotifiedOpt = None,
    terminated: TerminatedOpt = None,
    service_method: ServiceMethodOpt = None,
    amount: AmountOpt = None,
    eviction_at: EvictionAtOpt = None,
    case_number: CaseNumberOpt = None,
    note: NoteOpt = None,
    confirm_non_working_day: ConfirmNonWorkingDayOpt = False,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.corrections import edit_notice

    given = {
        "kind": kind.value if kind else None,
        "ground": ground.value if ground else None,
        "served_on": record_date(served, field="--served"),
        "notified_on": record_date(received, field="--notified"),
        "terminated_on": record_date(terminated, field="--terminated"),
        "service_method": service_method.value if service_method else None,
        "amount": money(amount, field="--amount"),
        "eviction_at": eviction_at,
        "enforcement_case": case_number,
        "note": note,
    }
    diff = edit_notice(
        state(ctx).database(),
        notice_id,
        changes={k: v for k, v in given.items() if v is not None},
        reason=reason,
        as_of=write_as_of(as_of_),
        confirm_non_working_day=confirm_non_working_day,
    )
    if diff:
        typer.echo(
            _("Corrected {fields} of notice {id}.").format(
                fields=changed_fields(diff), id=notice_id
            ),
            err=True,
        )
        _say_cleared(diff)
    else:
        typer.echo(_("Nothing changed."), err=True)


def _say_cleared(diff: dict[str, tuple[Any, Any]]) -> None:
    """A corrected kind clears what the new kind cannot have: say what, and what it was."""
    from bostadcli.corrections import KIND_ONLY_FIELDS

    if "kind" not in diff:
        return
    new_kind = label(NoticeKind, diff["kind"][1])
    # The day social services was notified is kept only for the kinds the landlord must
    # notify of (notices.NOTIFIED_KINDS): it goes with them too.
    for name in (*KIND_ONLY_FIELDS, "notified_on"):
        old, new = diff.get(name, (None, None))
        if old not in (None, 0) and new in (None, 0):
            typer.echo(
                _(
                    "Cleared {option} (was {value}): a notice of kind {kind} has none;"
                    " the old value stays in the case's history."
                ).format(
                    option=_KIND_ONLY_OPTIONS[name],
                    value=_("yes") if old == 1 else old,
                    kind=new_kind,
                ),
                err=True,
            )


# The option that sets each field of one kind of notice only (corrections.KIND_ONLY_FIELDS).
_KIND_ONLY_OPTIONS = {
    "terminated_on": "--terminated",
    "especially_serious": "--especially-serious",
    "copy_received_on": "--copy-received",
    "correct_by": "--correct-by",
    "step_on": "--date",
    "decision_by": "--decision-by",
    "final_on": "--final",
    "eviction_at": "--eviction-at",
    "notified_on": "--notified",
}


@app.command(
    "void",
    help=_(
        "Void a notice recorded by mistake (a duplicate): it leaves the lists, the"
        " deadlines and the letters, and stays in the case's history.\n\n"
        'Example: bostad notice void 12 --reason "Entered twice"'
    ),
)
def void(ctx: typer.Context, notice_id: NoticeIdArg, reason: ReasonOpt) -> None:
    from bostadcli.corrections import void_notice

    done = void_notice(state(ctx).database(), notice_id, reason=reason)
    typer.echo(_("Voided notice {id} of {ref}.").format(id=notice_id, ref=done["ref"]), err=True)
