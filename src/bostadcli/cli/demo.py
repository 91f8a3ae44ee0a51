"""bostad demo."""

from pathlib import Path
from typing import Annotated

import typer

from bostadcli.cli.options import AsOfOpt, write_as_of
from bostadcli.i18n import _

DEMO_HELP = _(
    "Make a demo: a fictional caseload and this month's letters in a folder of its own."
    "\n\nYour own database and config are not touched.\n\nExample: bostad demo --out ./bostad-demo"
)


def demo(
    out: Annotated[
        Path,
        typer.Option("--out", metavar=_("DIR"), help=_("The folder to make.")),
    ] = Path("bostad-demo"),
    as_of_: AsOfOpt = None,
) -> None:
    import shlex

    from bostadcli.dates import format_date, parse_month
    from bostadcli.demo import build_demo

    if out.parts == ("-",):
        from bostadcli.errors import InvalidInput

        raise InvalidInput("--out", out, _("a demo needs a folder, not standard output"))
    # Made-up cases: the demo may be dated ahead, as a letter may.
    result = build_demo(out, as_of=write_as_of(as_of_, happened=False))
    batch = result.batch
    assert batch is not None
    typer.echo(_("Demo in {folder}").format(folder=result.folder))
    typer.echo(_("  database: {path}").format(path=result.db_path))
    typer.echo(_("  config:   {path}").format(path=result.config_path))
    typer.echo(_("Households:"))
    for h in result.households:
        typer.echo(f"  {h['ref']}  {h['name']}: {h['about']}")
    typer.echo(
        _("Letters for {period} in {folder}:").format(
            period=format_date(parse_month(batch.period), "month"), folder=batch.out_dir
        )
    )
    from bostadcli.letters import kind_label

    for item in batch.made:
        typer.echo(f"  {item.file.name}  ({item.ref}, {kind_label(item.kind)})")
    if batch.combined:
        typer.echo(_("  to print: {path}").format(path=batch.combined.name))
    if batch.manifest:
        typer.echo(_("  for the post room: {path}").format(path=batch.manifest.name))
    for ref, kind, message in batch.failed:
        typer.echo(f"  {ref} {kind_label(kind)}: {message}", err=True)
    if result.pdf_note:
        # The reason is an error fragment ("combining PDF letters needs …"): a sentence here.
        reason = result.pdf_note[:1].upper() + result.pdf_note[1:]
        typer.echo(_("Note: HTML letters instead of PDF. {reason}").format(reason=reason), err=True)
    db, config = shlex.quote(str(result.db_path)), shlex.quote(str(result.config_path))
    typer.echo(
        _("Look around: bostad --db {db} --config {config} household list").format(
            db=db, config=config
        )
    )
    if batch.failed:
        from bostadcli.errors import BatchFailed

        raise BatchFailed(_("{n} letters failed").format(n=len(batch.failed)))
