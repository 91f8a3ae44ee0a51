"""bostad caseworker add|list|edit|retire."""

from typing import Annotated, Any

import typer

from bostadcli.cli.context import state
from bostadcli.cli.options import AsOfOpt, EmailAddressOpt, FormatOpt, record_date, write_as_of
from bostadcli.cli.output import Column, Format, emit
from bostadcli.cli.screen import changed_fields
from bostadcli.i18n import _, ngettext

app = typer.Typer(no_args_is_help=True)

WhoArg = Annotated[
    str,
    typer.Argument(
        metavar=_("INITIALS|LOGIN"),
        help=_("The caseworker's initials or login."),
        show_default=False,
    ),
]
InitialsOpt = Annotated[
    str | None, typer.Option("--initials", help=_("Initials, unique in the unit, e.g. KE."))
]
LoginOpt = Annotated[
    str | None,
    typer.Option("--login", help=_("The login name the caseworker uses on this machine.")),
]
PhoneOpt = Annotated[str | None, typer.Option("--phone", help=_("Direct phone number."))]


def _columns() -> list[Column]:
    return [
        Column("initials", _("Initials")),
        Column("name", _("Name")),
        Column("login", _("Login")),
        Column("phone", _("Phone")),
        Column("email", _("E-mail")),
        Column("open_cases", _("Open cases"), justify="right"),
        Column("all_cases", _("All cases"), in_table=False),
        Column("retired_on", _("Retired")),
    ]


@app.command(
    "add",
    help=_(
        "Record a caseworker: name, initials, and optionally login, phone and e-mail.\n\n"
        'Example: bostad caseworker add "Karin Ek" --initials KE --login karin'
        " --phone '08-465 004 05' --email karin.ek@exempelby.se"
    ),
)
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar=_("NAME"), help=_("The caseworker's name."))],
    initials: Annotated[
        str, typer.Option("--initials", help=_("Initials, unique in the unit, e.g. KE."))
    ],
    login: LoginOpt = None,
    phone: PhoneOpt = None,
    email: EmailAddressOpt = None,
) -> None:
    from bostadcli.caseworkers import add_caseworker

    added = add_caseworker(
        state(ctx).database(), name=name, initials=initials, login=login, phone=phone, email=email
    )
    typer.echo(added["initials"])
    typer.echo(
        _("Recorded {name} ({initials}).").format(name=added["name"], initials=added["initials"]),
        err=True,
    )


@app.command(
    "list",
    help=_(
        "List the caseworkers and how many open cases each has.\n\n"
        "Example: bostad caseworker list --all"
    ),
)
def list_(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help=_("Include retired caseworkers."))] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    from bostadcli.caseworkers import list_caseworkers

    rows = list_caseworkers(state(ctx).database(), include_retired=all_)
    emit(rows, _columns(), fmt, empty=_("No caseworkers: add one with bostad caseworker add."))


@app.command(
    "edit",
    help=_(
        "Change a caseworker's details; only the options given change.\n\n"
        "Example: bostad caseworker edit KE --login karin.ek --phone '08-465 004 15'"
    ),
)
def edit(
    ctx: typer.Context,
    who: WhoArg,
    name: Annotated[str | None, typer.Option("--name", help=_("The caseworker's name."))] = None,
    initials: InitialsOpt = None,
    login: LoginOpt = None,
    phone: PhoneOpt = None,
    email: EmailAddressOpt = None,
) -> None:
    from bostadcli.caseworkers import edit_caseworker

    given: dict[str, Any] = {
        "name": name,
        "initials": initials,
        "login": login,
        "phone": phone,
        "email": email,
    }
    diff = edit_caseworker(
        state(ctx).database(), who, changes={k: v for k, v in given.items() if v is not None}
    )
    if diff:
        typer.echo(
            _("Changed {fields} of {who}.").format(fields=changed_fields(diff), who=who), err=True
        )
    else:
        typer.echo(_("Nothing changed."), err=True)


@app.command(
    "retire",
    help=_(
        "Retire a caseworker who leaves; their open cases move to a colleague. Closed"
        " cases keep the name they were handled under.\n\n"
        "Example: bostad caseworker retire OB --move-to KE"
    ),
)
def retire(
    ctx: typer.Context,
    who: WhoArg,
    move_to: Annotated[
        str | None,
        typer.Option(
            "--move-to",
            metavar=_("INITIALS|LOGIN"),
            help=_("The caseworker who takes the open cases (needed when there are any)."),
        ),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--date", metavar=_("YYYY-MM-DD"), help=_("The last day (default: today).")),
    ] = None,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.caseworkers import retire_caseworker

    today = write_as_of(as_of_)
    moved = retire_caseworker(
        state(ctx).database(),
        who,
        move_to=move_to,
        on=record_date(on, field="--date") or today,
        as_of=today,
    )
    for ref in moved:
        typer.echo(ref)
    typer.echo(
        ngettext(
            "Retired {who}; {n} open case moved.",
            "Retired {who}; {n} open cases moved.",
            len(moved),
        ).format(who=who, n=len(moved)),
        err=True,
    )
