"""bostad contact add|list|correct."""

from typing import Annotated

import typer

from bostadcli.cli.context import as_of, optional_date, state
from bostadcli.cli.options import AsOfOpt, FormatOpt, ReasonOpt
from bostadcli.cli.output import Column, Format, emit
from bostadcli.cli.views import contact_kind_text
from bostadcli.i18n import _
from bostadcli.vocab import ContactKind, ReferralTarget

app = typer.Typer(no_args_is_help=True)


def _columns() -> list[Column]:
    return [
        Column("id", _("No.")),
        Column("ref", _("Case")),
        Column("contact_on", _("Date")),
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
    ]


@app.command(
    "add",
    help=_(
        "Log a letter, call, text, meeting, home visit, referral or note.\n\n"
        'Example: bostad contact add 2026-0042 --kind home_visit --text "Met the family"'
    ),
)
def add(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(metavar=_("REF"), help=_("Case reference."))],
    kind: Annotated[ContactKind, typer.Option("--kind", help=_("What kind of contact."))],
    text: Annotated[str | None, typer.Option("--text", help=_("What was said or done."))] = None,
    to: Annotated[
        ReferralTarget | None, typer.Option("--to", help=_("The service a referral went to."))
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--date", metavar=_("YYYY-MM-DD"), help=_("Date (default: today).")),
    ] = None,
    caseworker: Annotated[
        str | None, typer.Option("--caseworker", help=_("Who made the contact."))
    ] = None,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.contacts import add_contact

    app_state = state(ctx)
    today = as_of(as_of_)
    add_contact(
        app_state.database(),
        ref,
        kind=kind.value,
        on=optional_date(on, field="--date") or today,
        text=text,
        referral_to=to.value if to else None,
        caseworker=caseworker or app_state.config().letterhead.default_caseworker or None,
        as_of=today,
    )
    typer.echo(_("Logged {kind} for {ref}.").format(kind=kind.label, ref=ref), err=True)


@app.command(
    "list",
    help=_("List contacts, newest first.\n\nExample: bostad contact list 2026-0042"),
)
def list_(
    ctx: typer.Context,
    ref: Annotated[str | None, typer.Argument(metavar=_("REF"), help=_("Only this case."))] = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar=_("YYYY-MM-DD"), help=_("From this date."))
    ] = None,
    kind: Annotated[ContactKind | None, typer.Option("--kind", help=_("Only this kind."))] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    from bostadcli.contacts import list_contacts

    rows = list_contacts(
        state(ctx).database(),
        ref=ref,
        since=optional_date(since, field="--since"),
        kind=kind.value if kind else None,
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
        typer.Argument(metavar=_("CONTACT"), help=_("The entry's number (bostad contact list).")),
    ],
    reason: ReasonOpt,
    text: Annotated[str | None, typer.Option("--text", help=_("What was said or done."))] = None,
    kind: Annotated[
        ContactKind | None, typer.Option("--kind", help=_("What kind of contact."))
    ] = None,
    to: Annotated[
        ReferralTarget | None, typer.Option("--to", help=_("The service a referral went to."))
    ] = None,
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
            on=optional_date(on, field="--date"),
            kind=kind.value if kind else None,
            referral_to=to.value if to else None,
        ),
        reason=reason,
        caseworker=app_state.config().letterhead.default_caseworker or None,
        as_of=as_of(as_of_),
    )
    typer.echo(new_id)
    typer.echo(_("Entry {new} corrects entry {old}.").format(new=new_id, old=contact_id), err=True)
