"""bostad purge."""

import sys
from typing import Annotated

import typer

from bostadcli.cli.context import as_of, state
from bostadcli.cli.options import AsOfOpt, FormatOpt
from bostadcli.cli.output import Column, Format, emit
from bostadcli.i18n import _, ngettext

PURGE_HELP = _(
    "Delete closed cases whose retention period has run out (gallring).\n\n"
    "Lists what it will delete first; asks on a terminal, needs --yes elsewhere.\n\n"
    "Example: bostad purge --dry-run"
)


def is_yes(answer: str) -> bool:
    """A yes in the interface language or in English; anything else is a no."""
    return answer.strip().lower() in {"y", "yes", _("y"), _("yes")}


def confirm(question: str) -> bool:
    """Ask on the terminal, default no. (``typer.confirm`` asks "[y/N]" and takes only y
    or yes, whatever language the question is in.)"""
    choices = _("y/N")
    answer = typer.prompt(f"{question} [{choices}]", default="", show_default=False, err=True)
    return is_yes(answer)


def purge(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Only list what would be deleted."))
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help=_("Delete without asking."))] = False,
    fmt: FormatOpt = Format.table,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.errors import UsageError
    from bostadcli.purge import plan_purge, run_purge

    app_state = state(ctx)
    db = app_state.database()
    plan = plan_purge(
        db, as_of=as_of(as_of_), retention_years=app_state.config().policy.retention_years
    )
    columns = [
        Column("ref", _("Case")),
        Column("closed_on", _("Closed")),
        Column("last_entry", _("Last entry")),
        Column("due_by", _("Delete by")),
    ]
    emit(plan.delete, columns, fmt, empty=_("No case is due for deletion."))
    if plan.kept_for_research:
        typer.echo(
            _("Kept for research (born on the 5th, 15th or 25th): {refs}").format(
                refs=", ".join(plan.kept_for_research)
            ),
            err=True,
        )
    if dry_run or not (plan.delete or plan.files_pending):
        return
    if plan.delete and not yes:
        if not sys.stdin.isatty():
            raise UsageError(_("purge deletes cases: confirm with --yes"))
        question = ngettext(
            "Delete {n} case and everything in it?",
            "Delete {n} cases and everything in them?",
            len(plan.delete),
        ).format(n=len(plan.delete))
        if not confirm(question):
            typer.echo(_("Nothing was deleted."), err=True)
            return
    record = run_purge(db, plan)
    if record["deleted"]:
        typer.echo(
            ngettext("Deleted {n} case.", "Deleted {n} cases.", record["deleted"]).format(
                n=record["deleted"]
            ),
            err=True,
        )
    if plan.files_pending and not plan.delete:
        typer.echo(
            ngettext(
                "Finished an interrupted purge: removed {n} letter file.",
                "Finished an interrupted purge: removed {n} letter files.",
                record["files_removed"],
            ).format(n=record["files_removed"]),
            err=True,
        )
