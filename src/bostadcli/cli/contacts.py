"""bostad contact add|list|held|cancel|correct."""

from typing import Annotated, Any

import typer

from bostadcli.cli.context import optional_date, state
from bostadcli.cli.options import (
    AsOfOpt,
    CaseArg,
    CaseFilterArg,
    DateOpt,
    FormatOpt,
    ReasonOpt,
    SinceOpt,
    record_date,
    whole,
    write_as_of,
)
from bostadcli.cli.output import Column, Format, emit
from bostadcli.i18n import _
from bostadcli.validate import ROW_ID_MAX
from bostadcli.vocab import ContactKind, ContactStatus, ReferralTarget, label

TextOpt = Annotated[str | None, typer.Option("--text", help=_("What was said or done."))]
ReferralToOpt = Annotated[
    ReferralTarget | None, typer.Option("--to", help=_("The service a referral went to."))
]


def contact_kind_text(kind: str, row: dict[str, Any]) -> str:
    """'phone call', or 'referral → debt counselling'; a code from a newer version as is."""
    text = label(ContactKind, kind) if kind in ContactKind.__members__ else kind
    if row.get("referral_to"):
        text += " → " + label(ReferralTarget, str(row["referral_to"]))
    return text


app = typer.Typer(no_args_is_help=True)


def _status_text(value: Any, row: dict[str, Any]) -> str:
    from bostadcli.vocab import label

    if value == ContactStatus.held.value:
        return ""  # the usual case: said only when a contact is booked or called off
    return label(ContactStatus, value)


def _columns() -> list[Column]:
    return [
        Column("id", _("No."), justify="right"),
        Column("ref", _("Case")),
        Column("contact_on", _("Date")),
        Column("at_time", _("Time")),
        Column("status", _("Status"), show=_status_text),
        Column("kind", _("Contact"), show=contact_kind_text),
        Column("referral_to", _("Referred to"), in_table=False),
        Column("text", _("Text")),
        Column("caseworker", _("Caseworker")),
        Column("automatic", _("Automatic"), kind="bool", in_table=False),
        Column("corrects_id", _("Corrects"), in_table=False),
        Column(
            "corrected_by",
            _("Corrected"),
            show=lambda v, r: _("corrected by {id}").format(id=v) if v else "",
        ),
        Column("settled_note", _("Held or cancelled: note"), in_table=False),
    ]


def _me(app_state: Any) -> str:
    """Who makes a contact unless told: the login's caseworker, else the config's default."""
    from bostadcli.audit import os_user
    from bostadcli.caseworkers import caseworker_of_login

    found = caseworker_of_login(app_state.database(), os_user())
    return str(found["name"]) if found else app_state.config().letterhead.default_caseworker


@app.command(
    "add",
    help=_(
        "Log a letter, call, text, meeting, home visit, referral or note; or book a"
        " meeting, home visit or call ahead with --planned --at, and later mark it held or"
        " cancelled.\n\n"
        'Example: bostad contact add 2026-0042 --kind home_visit --text "Met the family"\n\n'
        'Example: bostad contact add 2026-0042 --kind hembesök --planned --at "2026-12-15 10:00"'
    ),
)
def add(
    ctx: typer.Context,
    ref: CaseArg,
    kind: Annotated[ContactKind, typer.Option("--kind", help=_("What kind of contact."))],
    text: TextOpt = None,
    to: ReferralToOpt = None,
    on: DateOpt = None,
    caseworker: Annotated[
        str | None,
        typer.Option(
            "--caseworker",
            help=_("Who made the contact: initials, login or a name (default: you)."),
        ),
    ] = None,
    planned: Annotated[
        bool, typer.Option("--planned", help=_("Book it ahead (give --at) instead of logging it."))
    ] = False,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            metavar=_("'YYYY-MM-DD[ HH:MM]'"),
            help=_("When a booked contact takes place (with --planned)."),
        ),
    ] = None,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.contacts import add_contact, parse_at
    from bostadcli.errors import UsageError

    app_state = state(ctx)
    # A contact logged has happened; one booked may be booked as on a day ahead.
    today = write_as_of(as_of_, happened=not planned)
    if planned != (at is not None):
        raise UsageError(_("--planned and --at go together"))
    if planned and on is not None:
        raise UsageError(_("a booked contact takes --at, not --date"))
    day, time = parse_at(at, field="--at") if at is not None else (None, None)
    warnings: list[str] = []
    contact_id = add_contact(
        app_state.database(),
        ref,
        kind=kind.value,
        on=day or record_date(on, field="--date") or today,
        text=text,
        referral_to=to.value if to else None,
        caseworker=caseworker or _me(app_state) or None,
        as_of=today,
        planned=planned,
        at_time=time,
        warnings=warnings,
    )
    if planned:
        typer.echo(str(contact_id))
        typer.echo(
            _("Booked {kind} for {ref} on {at} (contact {id}).").format(
                kind=kind.label, ref=ref, at=at, id=contact_id
            ),
            err=True,
        )
    else:
        typer.echo(_("Logged {kind} for {ref}.").format(kind=kind.label, ref=ref), err=True)
    for warning in warnings:
        typer.echo(_("warning: {message}").format(message=warning), err=True)


IdArg = Annotated[
    int,
    typer.Argument(
        metavar="ID",
        help=_("The booked contact's number (contact list)."),
        parser=whole("ID", low=1, high=ROW_ID_MAX),
    ),
]


@app.command(
    "held",
    help=_(
        "Mark a booked contact held, on its day or on --date.\n\n"
        'Example: bostad contact held 17 --text "The whole family was there"'
    ),
)
def held(
    ctx: typer.Context,
    contact_id: IdArg,
    on: Annotated[
        str | None,
        typer.Option("--date", metavar=_("YYYY-MM-DD"), help=_("The day it was held.")),
    ] = None,
    text: Annotated[str | None, typer.Option("--text", help=_("What came of it."))] = None,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.contacts import settle_contact

    contact = settle_contact(
        state(ctx).database(),
        contact_id,
        status=ContactStatus.held.value,
        on=record_date(on, field="--date"),
        note=text,
        as_of=write_as_of(as_of_),
    )
    typer.echo(
        _("Contact {id} of {ref} was held.").format(id=contact_id, ref=contact["ref"]), err=True
    )


@app.command(
    "cancel",
    help=_(
        "Mark a booked contact cancelled.\n\n"
        'Example: bostad contact cancel 17 --text "Moved to next week by phone"'
    ),
)
def cancel(
    ctx: typer.Context,
    contact_id: IdArg,
    text: Annotated[str | None, typer.Option("--text", help=_("Why it was cancelled."))] = None,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.contacts import settle_contact

    contact = settle_contact(
        state(ctx).database(),
        contact_id,
        status=ContactStatus.cancelled.value,
        note=text,
        as_of=write_as_of(as_of_),
    )
    typer.echo(
        _("Contact {id} of {ref} was cancelled.").format(id=contact_id, ref=contact["ref"]),
        err=True,
    )


@app.command(
    "list",
    help=_("List contacts, newest first.\n\nExample: bostad contact list 2026-0042"),
)
def list_(
    ctx: typer.Context,
    ref: CaseFilterArg = None,
    since: SinceOpt = None,
    kind: Annotated[ContactKind | None, typer.Option("--kind", help=_("Only this kind."))] = None,
    status: Annotated[
        ContactStatus | None,
        typer.Option("--status", help=_("Only held, booked (planned) or cancelled contacts.")),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    from bostadcli.contacts import list_contacts

    rows = list_contacts(
        state(ctx).database(),
        ref=ref,
        since=optional_date(since, field="--since"),
        kind=kind.value if kind else None,
        status=status.value if status else None,
    )
    emit(rows, _columns(), fmt, empty=_("No contacts."))


@app.command(
    "correct",
    help=_(
        "Correct an entry of the contact log, as in a journal: a new entry that points at"
        " the old one, which stays, marked as corrected. What is not given is kept.\n\n"
        'Example: bostad contact correct 31 --text "Met the tenant and her son"'
        ' --reason "Wrong person named"'
    ),
)
def correct(
    ctx: typer.Context,
    contact_id: Annotated[
        int,
        typer.Argument(
            metavar=_("CONTACT"),
            help=_("The entry's number (bostad contact list)."),
            parser=whole("CONTACT", low=1, high=ROW_ID_MAX),
        ),
    ],
    reason: ReasonOpt,
    text: TextOpt = None,
    kind: Annotated[
        ContactKind | None, typer.Option("--kind", help=_("What kind of contact."))
    ] = None,
    to: ReferralToOpt = None,
    on: Annotated[
        str | None, typer.Option("--date", metavar=_("YYYY-MM-DD"), help=_("Date."))
    ] = None,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.corrections import ContactCorrection, correct_contact

    app_state = state(ctx)
    new_id = correct_contact(
        app_state.database(),
        contact_id,
        correction=ContactCorrection(
            text=text,
            # A held contact's day is checked as a fact, a booking's as a day ahead.
            on=optional_date(on, field="--date"),
            kind=kind.value if kind else None,
            referral_to=to.value if to else None,
        ),
        reason=reason,
        caseworker=app_state.config().letterhead.default_caseworker or None,
        as_of=write_as_of(as_of_),
    )
    typer.echo(new_id)
    typer.echo(_("Entry {new} corrects entry {old}.").format(new=new_id, old=contact_id), err=True)
