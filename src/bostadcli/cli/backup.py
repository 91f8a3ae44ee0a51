"""bostad backup DEST."""

from typing import Annotated

import typer

from bostadcli.cli.context import state
from bostadcli.i18n import _, format_number

BACKUP_HELP = _(
    "Make a consistent, verified copy of the database, even while others use it.\n\n"
    "Example: bostad backup /mnt/backup/bostad-2026-11-21.sqlite"
)


def backup(
    ctx: typer.Context,
    dest: Annotated[
        str, typer.Argument(metavar=_("DEST"), help=_("File (or folder) to write the copy to."))
    ],
    force: Annotated[bool, typer.Option("--force", help=_("Replace DEST if it exists."))] = False,
    overwrite: Annotated[
        bool,
        typer.Option(
            "--overwrite",
            hidden=True,
            help=_("Deprecated: the old name of --force, kept for scripts."),
        ),
    ] = False,
) -> None:
    from bostadcli.backup import backup_database

    result = backup_database(state(ctx).database(), dest, force=force or overwrite)
    total = sum(result["counts"].values())
    typer.echo(result["path"])
    typer.echo(
        _("Backup verified: {rows} rows in {tables} tables, {size} bytes.").format(
            rows=format_number(total),
            tables=len(result["counts"]),
            size=format_number(result["bytes"]),
        ),
        err=True,
    )
