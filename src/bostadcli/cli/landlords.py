"""bostad landlord add|list|show|edit."""

from datetime import date
from typing import Annotated, Any

import typer

from bostadcli.cli.context import optional_date, state
from bostadcli.cli.options import CityOpt, EmailAddressOpt, FormatOpt, StreetOpt
from bostadcli.cli.output import Column, Format, emit, write_document
from bostadcli.cli.screen import changed_fields
from bostadcli.i18n import _
from bostadcli.vocab import LandlordKind, label

app = typer.Typer(no_args_is_help=True)

NameArg = Annotated[str, typer.Argument(metavar=_("NAME"), help=_("The landlord's name."))]
OrgOpt = Annotated[str | None, typer.Option("--org-number", help=_("Organisation number."))]
KindOpt = Annotated[LandlordKind | None, typer.Option("--kind", help=_("Kind of landlord."))]
ContactOpt = Annotated[str | None, typer.Option("--contact", help=_("Contact person."))]
PhoneOpt = Annotated[str | None, typer.Option("--phone", help=_("Phone number."))]
PostalOpt = Annotated[str | None, typer.Option("--postal-code", help=_("Postal code."))]
AgreementOpt = Annotated[
    str | None,
    typer.Option(
        "--cooperation-agreement",
        metavar=_("YYYY-MM-DD"),
        help=_("Day the landlord signed the Housing First cooperation agreement."),
    ),
]


def _columns() -> list[Column]:
    return [
        Column("name", _("Landlord")),
        Column("kind", _("Kind"), show=lambda v, r: label(LandlordKind, v)),
        Column("org_number", _("Org. number")),
        Column("contact_person", _("Contact")),
        Column("phone", _("Phone")),
        Column("email", _("E-mail")),
        Column("street", _("Street"), in_table=False),
        Column("postal_code", _("Postal code"), in_table=False),
        Column("city", _("City"), in_table=False),
        Column("cooperation_agreement_on", _("Housing First agreement")),
        Column("open_cases", _("Open cases"), justify="right"),
        Column("all_cases", _("All cases"), in_table=False),
    ]


def _values(**given: Any) -> dict[str, Any]:
    return {
        k: (v.value if isinstance(v, LandlordKind) else v)
        for k, v in given.items()
        if v is not None
    }


@app.command(
    "add",
    help=_(
        "Add a landlord.\n\n"
        "Example: bostad landlord add Alingsåshem --kind municipal --org-number 556035-6932"
    ),
)
def add(
    ctx: typer.Context,
    name: NameArg,
    org_number: OrgOpt = None,
    kind: KindOpt = None,
    contact: ContactOpt = None,
    phone: PhoneOpt = None,
    email: EmailAddressOpt = None,
    street: StreetOpt = None,
    postal_code: PostalOpt = None,
    city: CityOpt = None,
    cooperation_agreement: AgreementOpt = None,
) -> None:
    from bostadcli.landlords import add_landlord

    added = add_landlord(
        state(ctx).database(),
        **_values(
            name=name,
            org_number=org_number,
            kind=kind,
            contact_person=contact,
            phone=phone,
            email=email,
            street=street,
            postal_code=postal_code,
            city=city,
            cooperation_agreement_on=_agreement_day(cooperation_agreement),
        ),
    )
    typer.echo(_("Added landlord {name}.").format(name=added["name"]), err=True)


def _agreement_day(value: str | None) -> "date | None":
    """--cooperation-agreement: the day the landlord signed, which has happened."""
    day = optional_date(value, field="--cooperation-agreement")
    if day is None:
        return None
    from bostadcli.dates import check_happened

    return check_happened(day, field="--cooperation-agreement")


@app.command(
    "list",
    help=_(
        "List landlords with their number of open cases.\n\n"
        "Example: bostad landlord list --format csv"
    ),
)
def list_(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    from bostadcli.landlords import list_landlords

    emit(
        list_landlords(state(ctx).database()),
        _columns(),
        fmt,
        empty=_("No landlords yet: add one with 'bostad landlord add NAME'."),
    )


@app.command(
    "show",
    help=_("Show one landlord.\n\nExample: bostad landlord show Alingsåshem"),
)
def show(
    ctx: typer.Context,
    name: NameArg,
    fmt: Annotated[Format, typer.Option("--format", "-f", help=_("table or json."))] = Format.table,
) -> None:
    from bostadcli.cli.output import cell_text
    from bostadcli.cli.terminal_text import shown
    from bostadcli.landlords import list_landlords

    row = list_landlords(state(ctx).database(), name=name)[0]
    if fmt is Format.table:
        for column in _columns():
            typer.echo(f"{column.heading}: {shown(cell_text(column, row))}")
    else:
        write_document(row)


@app.command(
    "edit",
    help=_(
        "Change a landlord's details; only the options given change.\n\n"
        'Example: bostad landlord edit Alingsåshem --phone "0322-61 71 00"'
    ),
)
def edit(
    ctx: typer.Context,
    name: NameArg,
    new_name: Annotated[str | None, typer.Option("--name", help=_("A new name."))] = None,
    org_number: OrgOpt = None,
    kind: KindOpt = None,
    contact: ContactOpt = None,
    phone: PhoneOpt = None,
    email: EmailAddressOpt = None,
    street: StreetOpt = None,
    postal_code: PostalOpt = None,
    city: CityOpt = None,
    cooperation_agreement: AgreementOpt = None,
) -> None:
    from bostadcli.landlords import edit_landlord

    _record, diff = edit_landlord(
        state(ctx).database(),
        name,
        **_values(
            name=new_name,
            org_number=org_number,
            kind=kind,
            contact_person=contact,
            phone=phone,
            email=email,
            street=street,
            postal_code=postal_code,
            city=city,
            cooperation_agreement_on=_agreement_day(cooperation_agreement),
        ),
    )
    typer.echo(
        _("Changed {fields}.").format(fields=changed_fields(diff))
        if diff
        else _("Nothing changed."),
        err=True,
    )
