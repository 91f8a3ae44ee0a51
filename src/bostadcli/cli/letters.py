"""bostad letter render|monthly|list."""

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bostadcli.cli.context import state
from bostadcli.cli.options import FormatOpt, LetterAsOfOpt, RefArg, write_as_of
from bostadcli.cli.output import Column, Format, emit
from bostadcli.cli.templates import TemplatesOpt, user_dir
from bostadcli.i18n import _, ngettext
from bostadcli.letters.registry import kind_help

if TYPE_CHECKING:
    from datetime import date

    from bostadcli.letters import OneOff

app = typer.Typer(no_args_is_help=True)


class LetterFormat(StrEnum):
    pdf = "pdf"
    html = "html"
    txt = "txt"


LetterFormatOpt = Annotated[
    LetterFormat,
    typer.Option(
        "--format", "-f", help=_("PDF to print, HTML for a browser, text for e-mail or SMS.")
    ),
]


@app.command(
    "render",
    help=_(
        "Write one letter for a case; a letter written to a file is recorded and logged.\n\n"
        "Example: bostad letter render 2026-0042 meeting --param date=2026-12-03"
        ' --param time=10:00 --param "place=Storgatan 1" --format pdf'
    ),
)
def render(
    ctx: typer.Context,
    ref: RefArg,
    kind: Annotated[
        str,
        typer.Argument(
            metavar=_("KIND"),
            help=kind_help(),
        ),
    ],
    plan: Annotated[
        str | None, typer.Option("--plan", metavar=_("PLAN"), help=_("The plan, for plan letters."))
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            metavar=_("KEY=VALUE"),
            help=_(
                "A value for the letter, e.g. date=2026-12-03, or support=ID for"
                " support_ending (repeatable)."
            ),
        ),
    ] = None,
    fmt: LetterFormatOpt = LetterFormat.pdf,
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            "-o",
            metavar=_("FILE|-"),
            help=_(
                "The file to write (default: REF-KIND.pdf in this folder);"
                " - prints the letter without recording it."
            ),
            show_default=False,
        ),
    ] = None,
    record: Annotated[
        bool | None,
        typer.Option(
            "--record/--no-record",
            help=_("Record the letter and log it (default: when written to a file)."),
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help=_("Overwrite the file."))] = False,
    as_of_: LetterAsOfOpt = None,
    templates: TemplatesOpt = None,
) -> None:
    from bostadcli.letters import default_file_name, make_letter, parse_params

    app_state = state(ctx)
    target = None if out == "-" else Path(out or default_file_name(ref, kind, fmt.value))
    recorded = (target is not None) if record is None else record
    # A letter may be made ahead, to be sent on its day, never back-dated.
    today = write_as_of(as_of_, writes=recorded, happened=False, letters="one")
    made = make_letter(
        app_state.database(),
        ref,
        kind,
        config=app_state.config(),
        as_of=today,
        fmt=fmt.value,
        out=target,
        record=recorded,
        overwrite=force,
        params=parse_params(param or []),
        plan=plan,
        user_dir=user_dir(ctx, templates),
    )
    _show_letter(made)
    if target is not None and not recorded:
        _note_other_day(today)


def _note_other_day(day: "date") -> None:
    """A letter written to a file, not recorded, and dated by another day than today:
    it could be posted, but its date and whether it arrives in time are that day's."""
    from bostadcli.dates import letter_days

    first, last = letter_days()
    if not first <= day <= last:
        typer.echo(
            _(
                "warning: the letter is dated {day}, not today, and whether it arrives in"
                " time was judged for a letter posted that day: if you post it today, check"
                " that it arrives before its deadline"
            ).format(day=day.isoformat()),
            err=True,
        )


def _show_letter(made: "OneOff") -> None:
    """The letter on standard output when it went to no file, else the file's name; the
    notes and warnings on standard error."""
    for warning in made.letter.warnings:
        typer.echo(_("warning: {message}").format(message=warning), err=True)
    if made.letter.swedish_instead:
        typer.echo(
            _("Note: there is no English {kind} template, so this letter is in Swedish.").format(
                kind=made.letter.kind
            ),
            err=True,
        )
    if made.late is not None:
        _warn_late(
            made.letter.ref,
            made.letter.kind,
            made.late.arrives_on,
            made.late.deadline,
            sent=True,
            deadline_of=made.letter.deadline_of,
        )
    if made.file is None:
        sys.stdout.buffer.write(made.letter.content)
        sys.stdout.flush()
        return
    typer.echo(str(made.file))
    message = _("Recorded the letter.") if made.letter_id else _("Not recorded.")
    typer.echo(_("Wrote {file}. {recorded}").format(file=made.file, recorded=message), err=True)


def _swedish_instead_note(kinds: dict[str, int]) -> str:
    """Said once per run: households asked for English, a kind has no English template."""
    count = sum(kinds.values())
    return ngettext(
        "Note: there is no English template for {kinds}, so {n} letter to a household"
        " that asked for English is in Swedish.",
        "Note: there is no English template for {kinds}, so {n} letters to households"
        " that asked for English are in Swedish.",
        count,
    ).format(kinds=", ".join(sorted(kinds)), n=count)


def _progress(enabled: bool) -> Any:
    """A rich progress bar on a terminal; nothing otherwise (cron mails stay short)."""
    if not enabled:
        return None, None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from bostadcli.cli.rich_console import make_console

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=make_console(stderr=True),
        transient=True,
    )
    task = bar.add_task(_("Letters"), total=None)

    def update(done: int, total: int, item: Any) -> None:
        bar.update(task, completed=done, total=total)

    return bar, update


@app.command(
    "monthly",
    help=_(
        "Make the month's letters, each once: files, a manifest and one PDF to print.\n\n"
        "Exit code 3 when some letters failed (the rest are made; rerun to retry)."
        "\n\nExample: bostad letter monthly --out-dir /srv/brev/2026-11"
    ),
)
def monthly(
    ctx: typer.Context,
    month: Annotated[
        str | None,
        typer.Option("--month", metavar=_("YYYY-MM"), help=_("The month (default: this month).")),
    ] = None,
    as_of_: LetterAsOfOpt = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out-dir", metavar=_("DIR"), help=_("Where the letters go (default: ./brev-YYYY-MM).")
        ),
    ] = None,
    fmt: LetterFormatOpt = LetterFormat.pdf,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("List what would be made; write nothing."))
    ] = False,
    only: Annotated[
        str | None, typer.Option("--only", metavar=_("KIND"), help=_("Only this kind of letter."))
    ] = None,
    templates: TemplatesOpt = None,
) -> None:
    from bostadcli.dates import parse_month
    from bostadcli.errors import BatchFailed
    from bostadcli.letters import default_out_dir, preview_monthly, run_monthly

    app_state = state(ctx)
    today = write_as_of(as_of_, writes=not dry_run, happened=False, letters="run")
    first = parse_month(month, field="--month") if month is not None else today.replace(day=1)
    folder = out_dir or default_out_dir(first.strftime("%Y-%m"))
    options: dict[str, Any] = {
        "config": app_state.config(),
        "month": first,
        "as_of": today,
        "out_dir": folder,
        "fmt": fmt.value,
        "only": only,
        "user_dir": user_dir(ctx, templates),
    }
    _past_month_note(first, today)
    if dry_run:
        items = preview_monthly(app_state.database(), **options)
        _emit_plan(items)
        return
    bar, update = _progress(sys.stderr.isatty())
    if bar is not None:
        with bar:
            result = run_monthly(app_state.database(), progress=update, **options)
    else:
        result = run_monthly(app_state.database(), **options)
    _report(result)
    counts = [
        ngettext("{n} new", "{n} new", len(result.made)).format(n=len(result.made)),
        ngettext("{n} re-created", "{n} re-created", len(result.recreated)).format(
            n=len(result.recreated)
        ),
        ngettext("{n} already made", "{n} already made", len(result.already)).format(
            n=len(result.already)
        ),
        ngettext("{n} failed", "{n} failed", len(result.failed)).format(n=len(result.failed)),
    ]
    _summary(result.period, counts, result.out_dir)
    if result.failed:
        raise BatchFailed(
            ngettext("{n} letter failed", "{n} letters failed", len(result.failed)).format(
                n=len(result.failed)
            )
        )


def _warn_late(
    ref: str, kind: str, arrives: Any, deadline: Any, *, sent: bool, deadline_of: str | None = None
) -> None:
    """A letter that cannot reach the family by post before its deadline, on stderr:
    the same line for a batch's letter and one made by hand."""
    from bostadcli.dates import format_date
    from bostadcli.errors import one_line
    from bostadcli.letters.late import deadline_words, not_sent_for_month

    typer.echo(
        one_line(
            (
                _(
                    "{ref} {kind}: phone or visit: the letter arrives {arrives}, too late"
                    " for {deadline}"
                )
                if sent
                else _(
                    "{ref} {kind}: phone or visit: not sent, the household has had this"
                    " month's letter of this kind and next month's would come too late for"
                    " {deadline}"
                )
                if not_sent_for_month(deadline, arrives)
                else _(
                    "{ref} {kind}: phone or visit: not sent, it would arrive {arrives},"
                    " after {deadline}"
                )
            ).format(
                ref=ref,
                kind=kind,
                arrives=format_date(arrives),
                deadline=deadline_words(deadline, deadline_of),
            )
        ),
        err=True,
    )


def _past_month_note(month: "date", as_of: "date") -> None:
    """A monthly run for an earlier month makes no new letters: say so."""
    if month < as_of.replace(day=1):
        typer.echo(
            _(
                "Note: {month} is before the month of --as-of, so no new letters are made for"
                " it: only lost files, and the month's print file and manifest, are made again."
            ).format(month=month.strftime("%Y-%m")),
            err=True,
        )


def _report(result: Any) -> None:
    """What a run says before its summary line: failures, letters to follow up by
    phone or visit, letters another run is making, letters in Swedish."""
    from bostadcli.errors import one_line

    for ref, kind, message in result.failed:
        typer.echo(one_line(f"{ref} {kind}: {message}".strip()), err=True)
    for item in [*result.late, *result.not_sent]:
        _warn_late(
            item.ref,
            item.kind,
            item.arrives_on,
            item.deadline,
            sent=item in result.late,
            deadline_of=item.deadline_of,
        )
    if result.elsewhere:
        typer.echo(
            ngettext(
                "{n} letter is being made by another run at the same time; this run left it.",
                "{n} letters are being made by another run at the same time; this run left them.",
                len(result.elsewhere),
            ).format(n=len(result.elsewhere)),
            err=True,
        )
    if result.swedish_instead:
        typer.echo(_swedish_instead_note(result.swedish_instead), err=True)


@app.command(
    "daily",
    help=_(
        "Make the letters due today, each once, with today's own print file and manifest;"
        " run it every working day from cron.\n\n"
        "Exit code 3 when some letters failed (the rest are made; rerun to retry)."
        "\n\nExample: bostad letter daily --out-dir /srv/brev/2026-11"
    ),
)
def daily(
    ctx: typer.Context,
    as_of_: LetterAsOfOpt = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out-dir",
            metavar=_("DIR"),
            help=_("Where the letters go (default: ./brev-YYYY-MM, this month's folder)."),
        ),
    ] = None,
    fmt: LetterFormatOpt = LetterFormat.pdf,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("List what would be made; write nothing."))
    ] = False,
    only: Annotated[
        str | None, typer.Option("--only", metavar=_("KIND"), help=_("Only this kind of letter."))
    ] = None,
    templates: TemplatesOpt = None,
) -> None:
    from bostadcli.errors import BatchFailed
    from bostadcli.letters import default_out_dir, preview_daily, run_daily

    app_state = state(ctx)
    today = write_as_of(as_of_, writes=not dry_run, happened=False, letters="run")
    folder = out_dir or default_out_dir(today.strftime("%Y-%m"))
    options: dict[str, Any] = {
        "config": app_state.config(),
        "as_of": today,
        "out_dir": folder,
        "fmt": fmt.value,
        "only": only,
        "user_dir": user_dir(ctx, templates),
    }
    if dry_run:
        planned = preview_daily(app_state.database(), **options)
        if planned.day_off is not None:
            _day_off(today, planned.day_off)
        _emit_plan(planned.items)
        return
    bar, update = _progress(sys.stderr.isatty())
    if bar is not None:
        with bar:
            result = run_daily(app_state.database(), progress=update, **options)
    else:
        result = run_daily(app_state.database(), **options)
    if result.day_off is not None:
        _day_off(today, result.day_off)
        return
    _report(result)
    _finished_for(result.finished_for, today)
    counts = [
        ngettext("{n} new", "{n} new", len(result.made)).format(n=len(result.made)),
        _("{n} to phone or visit").format(n=len(result.late)),
        ngettext("{n} not sent", "{n} not sent", len(result.not_sent)).format(
            n=len(result.not_sent)
        ),
        ngettext("{n} failed", "{n} failed", len(result.failed)).format(n=len(result.failed)),
    ]
    _summary(result.batch or today.isoformat(), counts, result.out_dir)
    if result.failed:
        raise BatchFailed(
            ngettext("{n} letter failed", "{n} letters failed", len(result.failed)).format(
                n=len(result.failed)
            )
        )


def _finished_for(names: list[str], today: "date") -> None:
    """The earlier runs whose print file and manifest this run wrote; a warning for one
    of an earlier day, whose letters were dated, and judged for the post, on its day."""
    for name in names:
        typer.echo(
            _(
                "Wrote the print file and manifest of run {name}, which stopped before it could."
            ).format(name=name),
            err=True,
        )
        if name[:10] < today.isoformat():
            typer.echo(
                _(
                    "warning: the letters of run {name} are dated {day}: if they are posted"
                    " today, check that each still arrives before its deadline"
                ).format(name=name, day=name[:10]),
                err=True,
            )


def _summary(run: str, counts: list[str], folder: Path) -> None:
    """A run's last line: what it made, by count, and where."""
    text = (
        _("{run}: {counts}; in {folder}")
        if folder.is_dir()
        else _("{run}: {counts}; nothing to write, no folder made")
    )
    typer.echo(text.format(run=run, counts=", ".join(counts), folder=folder), err=True)


def _day_off(day: Any, reason: str) -> None:
    typer.echo(
        _("{day} is not a working day ({reason}): the post does not go, no letters made.").format(
            day=day.isoformat(), reason=reason
        ),
        err=True,
    )


def _plan_note(item: Any) -> str:
    from bostadcli.letters import call_note

    if item.late and item.deadline and item.arrives_on:
        return call_note(
            item.deadline, item.arrives_on, sent=item.state != "not_sent", what=item.deadline_of
        )
    return ""


def kind_text(value: Any, _row: dict[str, Any]) -> str:
    """A letter kind in words on screen; CSV and JSON keep the code."""
    from bostadcli.letters import kind_label

    return kind_label(str(value)) if value else ""


def state_text(value: Any, _row: dict[str, Any]) -> str:
    """Where a planned letter stands, in words on screen; CSV and JSON keep the code."""
    words = {
        "new": _("to make"),
        "broken": _("cannot be made"),
        "in_contact": _("in contact: no letter"),
        "not_sent": _("not sent"),
        "missing_file": _("file missing"),
        "done": _("made"),
    }
    return words.get(str(value), str(value))


def _emit_plan(items: list[Any]) -> None:
    rows = [
        {
            "reference": i.ref,
            "kind": i.kind,
            "state": i.state,
            "recipient": i.recipient,
            "address": ", ".join(i.address.splitlines()),
            "file": str(i.file),
            "note": i.problem or _plan_note(i),
        }
        for i in items
    ]
    columns = [
        Column("reference", _("Case")),
        Column("kind", _("Letter"), show=kind_text),
        Column("state", _("State"), show=state_text),
        Column("recipient", _("Recipient")),
        Column("address", _("Address")),
        Column("file", _("File")),
        Column("note", _("Note")),
    ]
    fmt = Format.table if sys.stdout.isatty() else Format.csv
    emit(rows, columns, fmt, empty=_("No letters to make."))


@app.command(
    "list",
    help=_(
        "List the letters made, newest first, with template version and file.\n\n"
        "Example: bostad letter list --month 2026-11 --format csv"
    ),
)
def list_(
    ctx: typer.Context,
    household: Annotated[
        str | None, typer.Option("--household", metavar=_("REF"), help=_("Only this case."))
    ] = None,
    month: Annotated[
        str | None, typer.Option("--month", metavar=_("YYYY-MM"), help=_("Only this month."))
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    from bostadcli.dates import parse_month
    from bostadcli.letters import list_letters

    rows = list_letters(
        state(ctx).database(),
        ref=household,
        month=parse_month(month, field="--month") if month is not None else None,
    )
    columns = [
        Column("ref", _("Case")),
        Column("kind", _("Letter"), show=kind_text),
        Column("period", _("Period")),
        Column("dated_on", _("Dated")),
        Column("recipient", _("Recipient")),
        Column("format", _("Format")),
        Column("template_version", _("Template")),
        Column("file", _("File"), show=lambda v, r: Path(v).name if v else ""),
        Column("file_exists", _("File exists"), kind="bool", in_table=False),
        Column("created_at", _("Created"), in_table=False),
    ]
    emit(rows, columns, fmt, empty=_("No letters."))
