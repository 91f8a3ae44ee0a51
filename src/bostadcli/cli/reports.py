"""bostad report deadlines|caseload|year|homeless."""

import contextlib
import os
import sys
from collections.abc import Iterator
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from bostadcli import rules
from bostadcli.cli.context import as_of, optional_date, state
from bostadcli.cli.options import (
    AsOfOpt,
    ForceOpt,
    FormatOpt,
    MineOpt,
    my_caseworker_id,
    out_target,
    standard_output_dash,
    whole,
)
from bostadcli.cli.output import Format, emit, write_document
from bostadcli.dates import MAX_YEAR, MIN_YEAR
from bostadcli.errors import UsageError
from bostadcli.i18n import _

if TYPE_CHECKING:
    from bostadcli.reports.year_tree import YearReport

app = typer.Typer(no_args_is_help=True)


class YearFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    html = "html"
    pdf = "pdf"
    xlsx = "xlsx"


OutOpt = Annotated[
    Path | None,
    typer.Option(
        "--out",
        "-o",
        metavar=_("FILE|-"),
        help=_("Write to this file instead of standard output (-)."),
        callback=standard_output_dash,
    ),
]


@contextlib.contextmanager
def _output(
    path: Path | None, *, force: bool, protect: list[Path], binary: bool = False
) -> Iterator[IO[Any]]:
    """stdout, or the --out file (stdout is redirected so every renderer of text
    follows); ``binary`` opens the file for bytes (xlsx, pdf)."""
    if path is None:
        yield sys.stdout
        return
    # Owner-only like every file the tool writes, and whole or not at all.
    with contextlib.ExitStack() as stack:
        fh = stack.enter_context(out_target(path, force=force, protect=protect, binary=binary))
        if not binary:
            stack.enter_context(contextlib.redirect_stdout(fh))
        yield fh
    typer.echo(_("Wrote {path}.").format(path=path), err=True)


@app.command(
    "deadlines",
    help=_(
        "What needs action, most urgent first: the Monday-morning screen.\n\n"
        "Recovery deadlines (and those not yet started), the earliest eviction decisions,"
        " Kronofogden's decisions and eviction dates, warnings' time to correct, planned"
        " meetings, overdue plan installments, supports ending, consents expiring and cases"
        " without contact; households with children marked.\n\n"
        "Example: bostad report deadlines --days 14"
    ),
)
def deadlines(
    ctx: typer.Context,
    days: Annotated[
        int | None,
        typer.Option(
            "--days",
            metavar=_("DAYS"),
            parser=whole("--days", low=0, high=rules.DEADLINE_VIEW_MAX_DAYS),
            help=_("How many days to look ahead (default: from the config file)."),
        ),
    ] = None,
    mine: MineOpt = False,
    fmt: FormatOpt = Format.table,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.cli.report_views import deadline_columns, print_deadlines
    from bostadcli.reports import DeadlineWindows
    from bostadcli.reports import deadlines as find_deadlines

    app_state = state(ctx)
    today = as_of(as_of_)
    windows = DeadlineWindows.from_policy(app_state.config().policy, days)
    db = app_state.database()
    entries = find_deadlines(
        db,
        as_of=today,
        windows=windows,
        policy=app_state.config().policy,
        caseworker_id=my_caseworker_id(db) if mine else None,
    )
    if fmt is Format.table:
        print_deadlines(entries, as_of=today, days=windows.legal)
    else:
        emit(entries, deadline_columns(), fmt)


@app.command(
    "caseload",
    help=_(
        "Open cases per caseworker, landlord and reason.\n\n"
        "Example: bostad report caseload --format csv"
    ),
)
def caseload(ctx: typer.Context, fmt: FormatOpt = Format.table, as_of_: AsOfOpt = None) -> None:
    from bostadcli.cli.report_views import caseload_columns, caseload_rows, print_caseload
    from bostadcli.reports import caseload as count_caseload

    load = count_caseload(state(ctx).database(), as_of=as_of(as_of_))
    if fmt is Format.table:
        print_caseload(load)
    else:
        emit(caseload_rows(load), caseload_columns(), fmt)


@app.command(
    "year",
    help=_(
        "The year's figures: households reported and helped, outcomes, children reached,"
        " repayment plans, supports, emergency housing, evictions.\n\n"
        "--format html writes a one-page report for the social welfare committee;"
        " --format xlsx a spreadsheet (with --out).\n\n"
        "Example: bostad report year --year 2025 --format html --out arsrapport-2025.html"
    ),
)
def year(
    ctx: typer.Context,
    year_: Annotated[
        int | None,
        typer.Option(
            "--year",
            metavar=_("YEAR"),
            help=_("The year (default: this year)."),
            parser=whole("--year", low=MIN_YEAR, high=MAX_YEAR),
        ),
    ] = None,
    fmt: Annotated[
        YearFormat,
        typer.Option(
            "--format",
            "-f",
            help=_("table, csv, json, html, pdf or xlsx (a spreadsheet; needs --out)."),
        ),
    ] = YearFormat.table,
    out: OutOpt = None,
    force: ForceOpt = False,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.cli.year_views import print_year, write_year_xlsx, year_columns
    from bostadcli.files import database_files
    from bostadcli.reports import as_dict, comparison_rows, year_figures

    if fmt is YearFormat.xlsx and out is None:
        raise UsageError(_("--format xlsx writes a file: add --out FILE.xlsx"))
    app_state = state(ctx)
    today = as_of(as_of_)
    report = year_figures(
        app_state.database(),
        year=year_ if year_ is not None else today.year,
        as_of=today,
        policy=app_state.config().policy,
    )
    with _output(
        out,
        force=force,
        protect=database_files(app_state.database()),
        binary=fmt in (YearFormat.xlsx, YearFormat.pdf),
    ) as stream:
        if fmt is YearFormat.xlsx:
            write_year_xlsx(report, stream)
        elif fmt is YearFormat.html:
            _write_year_html(ctx, report, today, stream)
        elif fmt is YearFormat.pdf:
            _write_year_pdf(ctx, report, today, out, stream)
        elif fmt is YearFormat.json:
            write_document(as_dict(report), stream)
        elif fmt is YearFormat.csv:
            emit(comparison_rows(report), year_columns(), Format.csv)
        else:
            print_year(report)


def _templates_dir(ctx: typer.Context) -> Path | None:
    """The user's template folder: --templates, else BOSTAD_TEMPLATES."""
    from bostadcli.cli.templates import user_dir

    env_dir = os.environ.get("BOSTAD_TEMPLATES")
    return user_dir(ctx, Path(env_dir) if env_dir else None)


def _write_year_html(
    ctx: typer.Context, report: "YearReport", today: date, stream: IO[Any]
) -> None:
    """The committee's one-page report, under the letterhead's organisation and unit."""
    from bostadcli.report_html import render_year_html

    letterhead = state(ctx).config().letterhead
    if stream is sys.stdout:
        from bostadcli.cli.encoding import data_stdout

        data_stdout()  # the page says it is UTF-8: it is, whatever the locale
    stream.write(
        render_year_html(
            report,
            organisation=letterhead.organisation,
            unit=letterhead.unit,
            generated_on=today,
            user_dir=_templates_dir(ctx),
        )
    )


def _write_year_pdf(
    ctx: typer.Context, report: "YearReport", today: date, out: Path | None, stream: IO[Any]
) -> None:
    """The committee's report as a PDF: to --out, or to standard output when that is
    not a terminal."""
    from bostadcli.errors import InvalidInput
    from bostadcli.pdf import year_report_pdf

    if out is None and sys.stdout.isatty():
        raise InvalidInput(
            "--format", "pdf", _("a PDF is not written to a terminal: add --out FILE")
        )
    data = year_report_pdf(
        report,
        letterhead=state(ctx).config().letterhead,
        generated_on=today,
        user_dir=_templates_dir(ctx),
    )
    (stream if out is not None else sys.stdout.buffer).write(data)


@app.command(
    "homeless",
    help=_(
        "Homeless people on a given day as Socialstyrelsen counts them: persons aged 18 and"
        " over per situation, children in their own columns.\n\n"
        "Example: bostad report homeless --date 2026-04-20 --format csv"
    ),
)
def homeless(
    ctx: typer.Context,
    on: Annotated[
        str | None,
        typer.Option(
            "--date", metavar=_("YYYY-MM-DD"), help=_("The day of the count (default: today).")
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    from bostadcli.cli.report_views import homeless_columns
    from bostadcli.dates import format_date
    from bostadcli.reports import homeless_count

    day = optional_date(on, field="--date") or as_of(None)
    found = homeless_count(state(ctx).database(), on=day)
    title = _("Homeless persons aged 18 and over, and children apart, on {date}").format(
        date=format_date(day, "long")
    )
    emit(found, homeless_columns(), fmt, title=title)
