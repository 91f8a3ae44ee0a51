"""bostad contact add|list."""

from typing import Annotated, Any

import typer

from bostadcli.cli.context import as_of, optional_date, state
from bostadcli.cli.options import AsOfOpt, FormatOpt
from bostadcli.cli.output import Column, Format, emit
from bostadcli.cli.views import contact_kind_text
from bostadcli.i18n import _
from bostadcli.vocab import ContactKind, ReferralTarget

app = typer.Typer(no_args_is_help=True)


def _columns() -> list[Column]:
    return [
        Column("ref", _("Case")),
        Column("contact_on", _("Date")),
        Column("kind", _("Contact"), show=contact_kind_text),
        Column("referral_to", _("Referred to"), in_table=False),
        Column("text", _("Text")),
        Column("caseworker", _("Caseworker")),
        Column("automatic", _("Automatic"), kind="bool", in_table=False),
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
        str | None,
        typer.Option(
            "--caseworker",
            help=_("Who made the contact: initials, login or a name (default: you)."),
        ),
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
        caseworker=caseworker or _me(app_state) or None,
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
