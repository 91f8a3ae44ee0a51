"""Options shared by several commands, as Annotated aliases."""

from typing import Annotated

import typer

from bostadcli.cli.output import Format
from bostadcli.i18n import _

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
ForceOpt = Annotated[
    bool,
    typer.Option("--force", help=_("Replace the file named by --out if it exists.")),
]
