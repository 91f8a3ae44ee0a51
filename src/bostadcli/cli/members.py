"""bostad member add|remove."""

from typing import Annotated

import typer

from bostadcli.cli.context import as_of, optional_date, state
from bostadcli.cli.options import AsOfOpt, RefArg, pnr_option, whole
from bostadcli.i18n import _
from bostadcli.validate import ROW_ID_MAX
from bostadcli.vocab import Role

app = typer.Typer(no_args_is_help=True)


@app.command(
    "add",
    help=_(
        "Add an adult or a child to a household.\n\n"
        'Example: bostad member add 2026-0042 --name "Alva Andersson"'
        " --born 2015-03-02 --role child"
    ),
)
def add(
    ctx: typer.Context,
    ref: RefArg,
    name: Annotated[str | None, typer.Option("--name", help=_("The person's name."))] = None,
    pnr: Annotated[
        str | None,
        typer.Option(
            "--pnr",
            help=_(
                "Personnummer or samordningsnummer; - reads it from standard input (not shown)."
            ),
        ),
    ] = None,
    born: Annotated[
        str | None,
        typer.Option("--born", metavar=_("YYYY-MM-DD"), help=_("Birth date (taken from --pnr).")),
    ] = None,
    role: Annotated[Role, typer.Option("--role", help=_("Role in the household."))] = Role.adult,
    part_time: Annotated[
        bool, typer.Option("--part-time", help=_("A child who lives here part of the time."))
    ] = False,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.households import add_member

    member_id = add_member(
        state(ctx).database(),
        ref,
        name=name,
        pnr=pnr_option(pnr, field="--pnr"),
        birth_date=optional_date(born, field="--born"),
        role=role.value,
        part_time=part_time,
        as_of=as_of(as_of_),
    )
    typer.echo(member_id)
    typer.echo(_("Added member {id} to {ref}.").format(id=member_id, ref=ref), err=True)


@app.command(
    "remove",
    help=_(
        "Remove a member who no longer lives in the household.\n\n"
        "Example: bostad member remove 2026-0042 3"
    ),
)
def remove(
    ctx: typer.Context,
    ref: RefArg,
    member: Annotated[
        int,
        typer.Argument(
            metavar=_("MEMBER"),
            help=_("The member's number."),
            parser=whole("MEMBER", low=1, high=ROW_ID_MAX),
        ),
    ],
) -> None:
    from bostadcli.households import remove_member

    removed = remove_member(state(ctx).database(), ref, member)
    typer.echo(
        _("Removed {name} from {ref}.").format(
            name=removed["name"] or _("member {id}").format(id=member), ref=ref
        ),
        err=True,
    )
