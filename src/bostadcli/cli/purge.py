"""bostad purge."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bostadcli.cli.context import as_of, state
from bostadcli.cli.options import AsOfOpt, FormatOpt
from bostadcli.cli.output import Column, Format, emit
from bostadcli.i18n import _, ngettext

if TYPE_CHECKING:
    from sqlite_utils import Database

    from bostadcli.purge import PurgePlan

PURGE_HELP = _(
    "Delete case files whose retention period has run out (gallring): closed cases and"
    " open ones, five years after their last entry.\n\n"
    "Lists what it will delete first; asks on a terminal, needs --yes elsewhere."
    " Retention is judged on today's date: --as-of only shows what a purge on another"
    " day would delete.\n\n"
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


# The options of 'purge'.
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help=_("Only list what would be deleted."))]
YesOpt = Annotated[bool, typer.Option("--yes", help=_("Delete without asking."))]
ArchiveOpt = Annotated[
    Path | None,
    typer.Option(
        "--archive",
        metavar=_("DIR"),
        help=_(
            "Instead: write the due cases kept for research (born on the 5th, 15th or"
            " 25th) to a new folder DIR as documents with a manifest, then remove"
            " them from the database."
        ),
        show_default=False,
    ),
]


def purge(
    ctx: typer.Context,
    dry_run: DryRunOpt = False,
    yes: YesOpt = False,
    archive: ArchiveOpt = None,
    fmt: FormatOpt = Format.table,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.dates import real_today
    from bostadcli.purge import plan_purge, refuse_other_day

    app_state = state(ctx)
    day, today = as_of(as_of_), real_today()
    if yes and not dry_run:
        refuse_other_day(day, today)
    db = app_state.database()
    plan = plan_purge(
        db, as_of=day, retention_years=app_state.config().policy.retention_years, today=today
    )
    if archive is not None:
        _archive(db, plan, archive, yes=yes, dry_run=dry_run, fmt=fmt)
        return
    due = len(plan.due)
    _show_plan(plan, fmt)
    if day != today and not dry_run:
        typer.echo(
            _(
                "Only shown: a purge on {date} would delete these; cases are deleted on"
                " today's date only."
            ).format(date=day.isoformat()),
            err=True,
        )
        return
    if dry_run or not (due or plan.files_pending):
        return
    _carry_out(db, plan, yes=yes)


def _show_plan(plan: "PurgePlan", fmt: Format) -> None:
    """What a purge deletes: the listing on stdout, the counts and warnings on stderr."""
    due = len(plan.due)
    columns = [
        Column("ref", _("Case")),
        Column("closed_on", _("Closed")),
        Column("last_entry", _("Last entry")),
        Column("due_by", _("Delete by")),
    ]
    if fmt is Format.table:
        if plan.delete or not due:
            emit(plan.delete, columns, fmt, empty=_("No case is due for deletion."))
        if plan.open_cases:
            emit(
                plan.open_cases,
                columns,
                fmt,
                title=_("Open cases without an entry in {n} years").format(n=plan.retention_years),
            )
    else:
        # One listing for a pipe: the open cases are those without a closing date.
        emit(plan.delete + plan.open_cases, columns, fmt)
    if due:
        # One count of everything the purge removes, the open cases included.
        typer.echo(
            ngettext(
                "{n} case is due for deletion ({open} of them open).",
                "{n} cases are due for deletion ({open} of them open).",
                due,
            ).format(n=due, open=len(plan.open_cases)),
            err=True,
        )
    if plan.open_cases:
        typer.echo(
            ngettext(
                "{n} open case has had no entry in {years} years: this purge deletes it"
                " too; close it or add an entry first if it is still active.",
                "{n} open cases have had no entry in {years} years: this purge deletes them"
                " too; close them or add an entry first if they are still active.",
                len(plan.open_cases),
            ).format(n=len(plan.open_cases), years=plan.retention_years),
            err=True,
        )
    if plan.kept_for_research:
        typer.echo(
            _("Kept for research (born on the 5th, 15th or 25th): {refs}").format(
                refs=", ".join(plan.kept_for_research)
            ),
            err=True,
        )


def _carry_out(db: "Database", plan: "PurgePlan", *, yes: bool) -> None:
    """Ask (unless --yes), delete, and say what was deleted."""
    from bostadcli.errors import UsageError
    from bostadcli.purge import run_purge

    due = len(plan.due)
    if due and not yes:
        if not sys.stdin.isatty():
            raise UsageError(_("purge deletes cases: confirm with --yes"))
        question = ngettext(
            "Delete {n} case and everything in it?",
            "Delete {n} cases and everything in them?",
            due,
        ).format(n=due)
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
    if plan.files_pending and not due:
        typer.echo(
            ngettext(
                "Finished an interrupted purge: removed {n} letter file.",
                "Finished an interrupted purge: removed {n} letter files.",
                record["files_removed"],
            ).format(n=record["files_removed"]),
            err=True,
        )


def _archive(
    db: "Database", plan: "PurgePlan", folder: Path, *, yes: bool, dry_run: bool, fmt: Format
) -> None:
    """purge --archive DIR: the research-day cases that are due, to DIR, then removed."""
    from bostadcli.errors import UsageError
    from bostadcli.purge import archive_research

    columns = [
        Column("ref", _("Case")),
        Column("closed_on", _("Closed")),
        Column("last_entry", _("Last entry")),
        Column("due_by", _("Delete by")),
    ]
    emit(plan.research, columns, fmt, empty=_("No case kept for research is due."))
    if dry_run or not plan.research or plan.as_of != plan.today:
        return
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(_("purge --archive removes cases: confirm with --yes"))
        question = ngettext(
            "Archive {n} case to {path} and remove it from the database?",
            "Archive {n} cases to {path} and remove them from the database?",
            len(plan.research),
        ).format(n=len(plan.research), path=folder)
        if not confirm(question):
            typer.echo(_("Nothing was archived."), err=True)
            return
    record = archive_research(db, plan, folder)
    typer.echo(
        ngettext(
            "Archived {n} case to {path} (with manifest.json) and removed it.",
            "Archived {n} cases to {path} (with manifest.json) and removed them.",
            record["deleted"],
        ).format(n=record["deleted"], path=record["folder"]),
        err=True,
    )
