"""bostad member add|edit|remove|fix-century."""

from typing import Annotated

import typer

from bostadcli.cli.context import optional_date, state
from bostadcli.cli.options import (
    AsOfOpt,
    DuplicateReasonOpt,
    IdentityLevelOpt,
    ReasonOpt,
    RefArg,
    pnr_option,
    whole,
    write_as_of,
)
from bostadcli.cli.screen import changed_fields
from bostadcli.i18n import _
from bostadcli.validate import ROW_ID_MAX
from bostadcli.vocab import Role

app = typer.Typer(no_args_is_help=True)

AllowDuplicateOpt = Annotated[
    bool,
    typer.Option(
        "--allow-duplicate",
        help=_("Accept a personnummer that is already in another open case (needs --reason)."),
    ),
]
MemberArg = Annotated[
    int,
    typer.Argument(
        metavar=_("MEMBER"),
        help=_("The member's number (household show)."),
        parser=whole("MEMBER", low=1, high=ROW_ID_MAX),
    ),
]


PartnerOpt = Annotated[
    bool | None,
    typer.Option(
        "--partner/--no-partner",
        help=_(
            "Lives with the tenant as spouse, registered partner or sambo, whatever the role"
            " (a co-tenant can be one): the living-cost norm is a couple's."
        ),
        show_default=False,
    ),
]
NameOpt = Annotated[str | None, typer.Option("--name", help=_("The person's name."))]
PnrOpt = Annotated[
    str | None,
    typer.Option(
        "--pnr",
        help=_("Personnummer or samordningsnummer; - reads it from standard input (not shown)."),
    ),
]


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
    name: NameOpt = None,
    pnr: PnrOpt = None,
    born: Annotated[
        str | None,
        typer.Option("--born", metavar=_("YYYY-MM-DD"), help=_("Birth date (taken from --pnr).")),
    ] = None,
    role: Annotated[Role, typer.Option("--role", help=_("Role in the household."))] = Role.adult,
    part_time: Annotated[
        bool, typer.Option("--part-time", help=_("A child who lives here part of the time."))
    ] = False,
    partner: PartnerOpt = None,
    allow_duplicate: AllowDuplicateOpt = False,
    reason: DuplicateReasonOpt = None,
    identity_level: IdentityLevelOpt = None,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.households import add_member

    warnings: list[str] = []
    member_id = add_member(
        state(ctx).database(),
        ref,
        name=name,
        pnr=pnr_option(pnr, field="--pnr"),
        birth_date=optional_date(born, field="--born"),
        role=role.value,
        part_time=part_time,
        identity_level=identity_level.value if identity_level else None,
        as_of=write_as_of(as_of_),
        allow_duplicate=allow_duplicate,
        reason=reason,
        partner=partner,
        warnings=warnings,
    )
    typer.echo(member_id)
    typer.echo(_("Added member {id} to {ref}.").format(id=member_id, ref=ref), err=True)
    for warning in warnings:
        typer.echo(_("warning: {message}").format(message=warning), err=True)


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


@app.command(
    "edit",
    help=_(
        "Correct a member: name, personnummer, birth date, role, part-time, or whether"
        " the member is the tenant's spouse, registered partner or sambo. The old"
        " values are kept in the case's history with who, when and why; letters after"
        " it use the new values.\n\n"
        'Example: bostad member edit 2026-0042 1 --name "Anna Andersson"'
        ' --reason "Name misspelled"'
    ),
)
def edit(
    ctx: typer.Context,
    ref: RefArg,
    member: MemberArg,
    reason: ReasonOpt,
    name: NameOpt = None,
    pnr: PnrOpt = None,
    born: Annotated[
        str | None, typer.Option("--born", metavar=_("YYYY-MM-DD"), help=_("Birth date."))
    ] = None,
    role: Annotated[Role | None, typer.Option("--role", help=_("Role in the household."))] = None,
    part_time: Annotated[
        bool | None,
        typer.Option(
            "--part-time/--full-time",
            help=_("A child who lives here part of the time, or all of it."),
            show_default=False,
        ),
    ] = None,
    partner: PartnerOpt = None,
    allow_duplicate: AllowDuplicateOpt = False,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.member_corrections import edit_member

    given = {
        "name": name,
        "pnr": pnr_option(pnr, field="--pnr"),
        "birth_date": optional_date(born, field="--born"),
        "role": role.value if role else None,
        "part_time": part_time,
        "partner_of_tenant": partner,
    }
    diff = edit_member(
        state(ctx).database(),
        ref,
        member,
        changes={k: v for k, v in given.items() if v is not None},
        reason=reason,
        as_of=write_as_of(as_of_),
        allow_duplicate=allow_duplicate,
    )
    if diff:
        typer.echo(
            _("Corrected {fields} of member {id} in {ref}.").format(
                fields=changed_fields(diff), id=member, ref=ref
            ),
            err=True,
        )
    else:
        typer.echo(_("Nothing changed."), err=True)


@app.command(
    "fix-century",
    help=_(
        "Correct the century of a member's personnummer by the rule ('+' from the year the"
        " person turns 100), as 'bostad db check' proposes.\n\n"
        "Example: bostad member fix-century 2026-0042 3"
    ),
)
def fix_century(
    ctx: typer.Context,
    ref: RefArg,
    member: MemberArg,
) -> None:
    from bostadcli.households import fix_member_century

    fixed = fix_member_century(state(ctx).database(), ref, member)
    typer.echo(
        _("Corrected member {id} of {ref}: {old} is now {new}.").format(
            id=member, ref=ref, old=fixed["old"], new=fixed["new"]
        ),
        err=True,
    )
