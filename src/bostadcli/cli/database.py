"""bostad init, bostad db status|check."""

from typing import Annotated

import typer

from bostadcli.cli.context import state
from bostadcli.cli.options import FormatOpt
from bostadcli.cli.output import Column, Format, emit, write_document
from bostadcli.errors import one_line
from bostadcli.i18n import _, format_number, ngettext

INIT_HELP = _(
    "Create the database and a config file to edit. Running it again changes nothing."
    " With --shared GROUP the database folder is set up for the caseworkers of that group"
    " on one server: theirs and nobody else's."
    "\n\nExample: bostad init"
    "\n\nExample: BOSTAD_DB=/srv/bostad/bostad.sqlite bostad init --shared bostad"
)

db_app = typer.Typer(no_args_is_help=True)


def init(
    ctx: typer.Context,
    shared: Annotated[
        str | None,
        typer.Option(
            "--shared",
            metavar=_("GROUP"),
            help=_(
                "Share the database with this operating-system group: the folder, the"
                " database and every file the tool makes are the group's to read and"
                " write, and no one else's."
            ),
        ),
    ] = None,
) -> None:
    from bostadcli.config import config_path_from_env, write_default_config
    from bostadcli.database_file import init_database, init_shared
    from bostadcli.db import open_database
    from bostadcli.files import database_files_at

    app_state = state(ctx)
    db_path = app_state.resolved_db_path()
    config_path = config_path_from_env(app_state.config_path)
    if shared is not None:
        created_db = init_shared(db_path, shared, open_database)
        typer.echo(
            _("The folder {folder} and the database are shared with the group {group}.").format(
                folder=db_path.parent, group=shared
            ),
            err=True,
        )
    else:
        created_db = init_database(db_path, open_database)
    created_config = write_default_config(config_path, protect=database_files_at(db_path))
    for created, what, path in (
        (created_db, _("database"), db_path),
        (created_config, _("config file"), config_path),
    ):
        if created:
            typer.echo(_("Created the {what}: {path}").format(what=what, path=path), err=True)
        else:
            typer.echo(
                _("The {what} exists already, unchanged: {path}").format(what=what, path=path),
                err=True,
            )


@db_app.command("status", help=_("List the migrations and whether each is applied."))
def status(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    from bostadcli.database_file import migration_status

    app_state = state(ctx)
    rows = migration_status(app_state.database())
    columns = [
        Column("name", _("Migration")),
        Column("applied_at", _("Applied")),
    ]
    emit(rows, columns, fmt, title=str(app_state.resolved_db_path()))


@db_app.command("check", help=_("Run SQLite's integrity and foreign-key checks."))
def check(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print the result as JSON."))] = False,
) -> None:
    from bostadcli.database_file import integrity_check
    from bostadcli.db import damaged
    from bostadcli.files import sweep_temporaries

    app_state = state(ctx)
    result = integrity_check(app_state.database())
    db_path = app_state.resolved_db_path()
    # Temporaries left by killed commands beside the database and wherever files were
    # written (exports, backups, letters): copies of personal data, removed here.
    removed = sweep_temporaries([db_path.parent])
    if removed:
        typer.echo(
            ngettext(
                "Removed {n} temporary file left by an interrupted command.",
                "Removed {n} temporary files left by interrupted commands.",
                len(removed),
            ).format(n=format_number(len(removed))),
            err=True,
        )
    if as_json:
        write_document(result)
    elif result["ok"]:
        typer.echo(
            ngettext(
                "The database is intact: {n} household.",
                "The database is intact: {n} households.",
                result["counts"].get("households", 0),
            ).format(n=format_number(result["counts"].get("households", 0)))
        )
    else:
        problems = result["problems"]
        detail = problems[0] + (
            ngettext(
                " (and {n} more problem)", " (and {n} more problems)", len(problems) - 1
            ).format(n=format_number(len(problems) - 1))
            if len(problems) > 1
            else ""
        )
        typer.echo(
            _("error: {message}").format(message=one_line(damaged(db_path, detail).message)),
            err=True,
        )
    if not result["ok"]:
        raise typer.Exit(1)
