"""bostad export TABLE | household REF | schema.

One command per table in the core registry (``bostadcli.export.TABLES``), so a table
added there is exportable here without a change.
"""

from collections.abc import Callable
from datetime import date
from enum import Enum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bostadcli.cli.context import as_of, optional_date, state
from bostadcli.cli.options import AsOfOpt, ForceOpt, IncludePnrOpt, out_option, out_target
from bostadcli.export import TABLES
from bostadcli.i18n import _, format_number, ngettext
from bostadcli.vocab import Recipient

if TYPE_CHECKING:
    from sqlite_utils import Database

app = typer.Typer(no_args_is_help=True)


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"
    jsonl = "jsonl"
    xlsx = "xlsx"


class DocumentFormat(StrEnum):
    json = "json"


ExportFormatOpt = Annotated[
    ExportFormat,
    typer.Option(
        "--format",
        "-f",
        help=_("csv (with a header row), json, jsonl, or xlsx (a spreadsheet; needs --out)."),
    ),
]
SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since",
        metavar=_("YYYY-MM-DD"),
        help=_("Only rows from this date on (see 'bostad export schema')."),
        show_default=False,
    ),
]
StatusOpt = Annotated[
    str | None,
    typer.Option(
        "--status",
        metavar="open|closed|all",
        help=_("Only rows of open or closed cases (default: all)."),
        show_default=False,
    ),
]
BomOpt = Annotated[
    bool, typer.Option("--bom", help=_("Start the CSV with a byte-order mark (for Excel)."))
]
DelimiterOpt = Annotated[
    str | None,
    typer.Option(
        "--delimiter",
        metavar="','|';'",
        help=_("CSV field separator; ';' for Swedish Excel (default: from --dialect)."),
        show_default=False,
    ),
]


class Dialect(StrEnum):
    standard = "standard"
    excel_sv = "excel-sv"


DialectOpt = Annotated[
    Dialect | None,
    typer.Option(
        "--dialect",
        help=_(
            "CSV for scripts (standard) or for Swedish Excel (excel-sv: ';', a byte-order"
            " mark, amounts with a decimal comma). Default: csv_dialect in the config file."
        ),
        show_default=False,
    ),
]
RecipientOpt = Annotated[
    Recipient | None,
    typer.Option(
        "--recipient",
        help=_(
            "Who the data is for, outside social services. Consent is judged on today's"
            " date, not --as-of: for Kronofogden every case needs it; for a landlord (name"
            " it with --landlord) only that landlord's tenants who consented are exported;"
            " for a debt collector or other recipient (name it with --recipient-name) only"
            " the cases that consented to that recipient."
        ),
        show_default=False,
    ),
]
LandlordOpt = Annotated[
    str | None,
    typer.Option(
        "--landlord",
        metavar=_("NAME"),
        help=_("With --recipient landlord: the landlord the export is for."),
        show_default=False,
    ),
]
RecipientNameOpt = Annotated[
    str | None,
    typer.Option(
        "--recipient-name",
        metavar=_("NAME"),
        help=_(
            "With --recipient debt_collector or other: the recipient the export is for,"
            " as named in the consent (consent add --name)."
        ),
        show_default=False,
    ),
]


def _left_out(
    db: "Database",
    name: str,
    landlord: str | None,
    *,
    as_of: date,
    since: date | None,
    status: str | None,
) -> None:
    """Say which of the landlord's tenants an export for the landlord left out."""
    from bostadcli.export import cases_without_consent
    from bostadcli.landlords import get_landlord

    if landlord is None:
        return
    found = cases_without_consent(
        db,
        name,
        Recipient.landlord,
        as_of=as_of,
        since=since,
        status=status,
        landlord_id=int(get_landlord(db, landlord)["id"]),
    )
    if found:
        typer.echo(
            ngettext(
                "Left out {n} case without valid consent for the landlord: {refs}",
                "Left out {n} cases without valid consent for the landlord: {refs}",
                len(found),
            ).format(n=len(found), refs=", ".join(found)),
            err=True,
        )


def _left_out_unnamed(
    db: "Database",
    name: str,
    recipient: Recipient | None,
    recipient_name: str | None,
    *,
    as_of: date,
    since: date | None,
    status: str | None,
) -> None:
    """Say which cases an export for a named recipient left out because their consent
    for that kind of recipient was recorded without a name."""
    from bostadcli.export.consent import cases_with_unnamed_consent

    if recipient is None or recipient_name is None:
        return
    found = cases_with_unnamed_consent(
        db, name, recipient, recipient_name, as_of=as_of, since=since, status=status
    )
    if found:
        typer.echo(
            ngettext(
                "Left out {n} case whose consent for {recipient} names no recipient: {refs};"
                " record it with 'bostad consent add REF --recipient {code} --name NAME'",
                "Left out {n} cases whose consent for {recipient} names no recipient: {refs};"
                " record them with 'bostad consent add REF --recipient {code} --name NAME'",
                len(found),
            ).format(
                n=len(found), recipient=recipient.label, refs=", ".join(found), code=recipient.value
            ),
            err=True,
        )


OutOpt = Annotated[
    Path | None,
    out_option(_("Write to FILE (readable by you only) instead of standard output (-).")),
]


def _command_line(ctx: typer.Context) -> str:
    """The command as typed, near enough for the export log (options that were set)."""
    parts = [ctx.command_path]
    for param in ctx.command.params:
        value = ctx.params.get(param.name or "")
        if value is None or value == param.default or value is False:
            continue
        value = value.value if isinstance(value, Enum) else value
        if param.param_type_name == "argument":
            parts.append(str(value))
        elif value is True:
            parts.append(param.opts[0])
        else:
            parts.append(f"{param.opts[0]} {value}")
    return " ".join(parts)


def _table_command(name: str) -> Callable[..., None]:
    def command(
        ctx: typer.Context,
        fmt: ExportFormatOpt = ExportFormat.csv,
        as_of_: AsOfOpt = None,
        include_pnr: IncludePnrOpt = False,
        since: SinceOpt = None,
        status: StatusOpt = None,
        bom: BomOpt = False,
        delimiter: DelimiterOpt = None,
        dialect: DialectOpt = None,
        recipient: RecipientOpt = None,
        landlord: LandlordOpt = None,
        recipient_name: RecipientNameOpt = None,
        out: OutOpt = None,
        force: ForceOpt = False,
    ) -> None:
        from bostadcli.export import FILE_FORMATS, export_table
        from bostadcli.files import database_files

        db = state(ctx).database()
        day, since_on = as_of(as_of_), optional_date(since, field="--since")
        with out_target(
            out,
            force=force,
            protect=database_files(db),
            utf8_stdout=True,
            binary=fmt.value in FILE_FORMATS,
        ) as stream:
            count = export_table(
                db,
                name,
                stream,
                fmt=fmt.value,
                as_of=day,
                include_pnr=include_pnr,
                since=since_on,
                status=status,
                bom=bom or None,
                delimiter="\t" if delimiter in ("\\t", "tab") else delimiter,
                dialect=dialect.value if dialect else state(ctx).config().csv_dialect,
                recipient=recipient.value if recipient else None,
                landlord=landlord,
                recipient_name=recipient_name,
                command=_command_line(ctx),
                # A file appears only when whole: one that fails disclosed nothing.
                partial_leaves=out is None,
            )
        _left_out(db, name, landlord, as_of=day, since=since_on, status=status)
        _left_out_unnamed(
            db, name, recipient, recipient_name, as_of=day, since=since_on, status=status
        )
        if out is not None:
            typer.echo(
                ngettext("Wrote {n} row to {path}.", "Wrote {n} rows to {path}.", count).format(
                    n=format_number(count), path=out
                ),
                err=True,
            )

    return command


for _name, _table in TABLES.items():
    app.command(
        _name,
        help=_(_table.description)
        + "\n\n"
        + _(
            "Example: bostad export {name} --format csv --bom --delimiter ';' --out {name}.csv"
        ).format(name=_name),
    )(_table_command(_name))


@app.command(
    "household",
    help=_(
        "Export one case with everything about it as one JSON document,"
        " for 'bostad import household' in another installation.\n\n"
        "Example: bostad export household 2026-0042 --include-pnr --out 2026-0042.json"
    ),
)
def household(
    ctx: typer.Context,
    ref: Annotated[
        str, typer.Argument(metavar=_("REF"), help=_("Case reference, e.g. 2026-0042."))
    ],
    fmt: Annotated[
        DocumentFormat, typer.Option("--format", "-f", help=_("Always json."))
    ] = DocumentFormat.json,
    include_pnr: IncludePnrOpt = False,
    recipient: RecipientOpt = None,
    landlord: LandlordOpt = None,
    recipient_name: RecipientNameOpt = None,
    as_of_: AsOfOpt = None,
    out: OutOpt = None,
    force: ForceOpt = False,
) -> None:
    from bostadcli.casemove.document_out import export_household
    from bostadcli.files import database_files
    from bostadcli.tabular import write_json_document

    db = state(ctx).database()
    with out_target(out, force=force, protect=database_files(db), utf8_stdout=True) as stream:
        document = export_household(
            db,
            ref,
            include_pnr=include_pnr,
            recipient=recipient.value if recipient else None,
            landlord=landlord,
            recipient_name=recipient_name,
            as_of=as_of(as_of_),
            command=_command_line(ctx),
        )
        write_json_document(document, stream)
    if not include_pnr:
        typer.echo(
            _(
                "Personnummer are masked in the document; to move the case without loss,"
                " export with --include-pnr."
            ),
            err=True,
        )


@app.command(
    "schema",
    help=_(
        "Print the columns of every export table and what they mean (Markdown).\n\n"
        "Example: bostad export schema"
    ),
)
def schema() -> None:
    from bostadcli.export import schema_markdown

    typer.echo(schema_markdown())
