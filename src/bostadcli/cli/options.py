"""Options shared by several commands, as Annotated aliases."""

from typing import TYPE_CHECKING, Annotated

import typer

from bostadcli.cli.output import Format
from bostadcli.i18n import _

if TYPE_CHECKING:
    from sqlite_utils import Database

FormatOpt = Annotated[
    Format,
    typer.Option(
        "--format", "-f", help=_("Output: table for a terminal, csv/json/jsonl for pipes.")
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar=_("YYYY-MM-DD"),
        help=_("Treat this date as today."),
        show_default=False,
    ),
]
RefArg = Annotated[
    str,
    typer.Argument(metavar=_("REF"), help=_("Case reference, e.g. 2026-0042."), show_default=False),
]
IncludePnrOpt = Annotated[
    bool,
    typer.Option(
        "--include-pnr", help=_("Show full personal identity numbers (masked otherwise).")
    ),
]
ReasonOpt = Annotated[
    str,
    typer.Option(
        "--reason",
        help=_("Why the record is corrected (required; kept with who and when)."),
        show_default=False,
    ),
]
MineOpt = Annotated[
    bool,
    typer.Option(
        "--mine",
        help=_("Only the cases of the caseworker whose login runs the command."),
    ),
]


def my_caseworker_id(db: "Database") -> int:
    """The caseworker record of the login running the command (for ``--mine``)."""
    from bostadcli.audit import os_user
    from bostadcli.caseworkers import me

    return int(me(db, os_user())["id"])
