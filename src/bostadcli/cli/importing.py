"""bostad import notices FILE|- and bostad import household FILE."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer

from bostadcli.cli.context import state
from bostadcli.cli.options import AsOfOpt, write_as_of
from bostadcli.i18n import _, format_number, ngettext

if TYPE_CHECKING:
    from bostadcli.landlord_lists import ImportSummary

app = typer.Typer(no_args_is_help=True)

FileArg = Annotated[
    str,
    typer.Argument(metavar=_("FILE|-"), help=_("The file to read; - for standard input.")),
]


@contextmanager
def _input(name: str) -> Iterator[tuple[IO[bytes], str]]:
    if name == "-":
        yield sys.stdin.buffer, _("standard input")
        return
    from bostadcli.files import open_for_reading
    from bostadcli.landlord_lists import IMPORT_MAX_BYTES

    path = Path(name)
    fh = open_for_reading(path, field=_("FILE"), limit=IMPORT_MAX_BYTES, stdin_hint=True)
    with fh:
        yield fh, path.name


def _report(summary: "ImportSummary") -> None:
    say = typer.echo
    head = _("Dry run, nothing written: ") if summary.dry_run else ""
    if summary.rows == 0:
        say(head + _("{file}: no rows.").format(file=summary.source), err=True)
    else:
        refs = ""
        if summary.first_ref:
            refs = f" ({summary.first_ref}–{summary.last_ref})"
            if summary.first_ref == summary.last_ref:
                refs = f" ({summary.first_ref})"
        say(
            head
            + ngettext("{file}: {n} row", "{file}: {n} rows", summary.rows).format(
                file=summary.source, n=format_number(summary.rows)
            )
            + "; "
            # Counts as "label: n" read right whatever the number; no "1 new households".
            + _(
                "new households: {households}{refs}; new notices: {notices}"
                " ({known} on households already known); unchanged: {unchanged}."
            ).format(
                households=format_number(summary.new_households),
                refs=refs,
                notices=format_number(summary.new_notices),
                known=format_number(summary.notices_on_known),
                unchanged=format_number(summary.unchanged),
            ),
            err=True,
        )
    _report_rows(summary)
    if summary.new_landlords:
        say(_("New landlords: {names}.").format(names=", ".join(summary.new_landlords)), err=True)
    if summary.ignored_columns:
        say(
            _("warning: ignored columns: {names} (use --map COLUMN=FIELD to read one)").format(
                names=", ".join(summary.ignored_columns)
            ),
            err=True,
        )
    if summary.children_without_birth_dates:
        n = summary.children_without_birth_dates
        say(
            ngettext(
                "warning: {n} row reports children without birth dates (line {lines}); add"
                " them with 'bostad member add'",
                "warning: {n} rows report children without birth dates (lines {lines}); add"
                " them with 'bostad member add'",
                n,
            ).format(n=n, lines=", ".join(str(x) for x in summary.children_lines)),
            err=True,
        )


def _report_rows(summary: "ImportSummary") -> None:
    """The rows behind each count, by line, with the case each went to."""
    say = typer.echo
    for heading, pairs in (
        (_("New households"), summary.new_household_rows),
        (_("New notices on households already known"), summary.known_rows),
        (_("Unchanged"), summary.unchanged_rows),
    ):
        if pairs:
            # Every row named; rows one after the other that made cases numbered one
            # after the other as one stretch (a fresh list of 10 000 rows is one).
            # Written a thousand at a time: a mixed list of 100 000 rows is long.
            from bostadcli.landlord_lists.summary import RUN_MIN, runs

            entry = _("line {line}: {ref}")
            stretch = _("lines {first}–{last}: {first_ref}–{last_ref}")
            say(f"  {heading}: ", err=True, nl=False)
            separator = ""
            batch: list[str] = []
            for first, last, first_ref, last_ref in runs(pairs):
                if last - first + 1 >= RUN_MIN:
                    batch.append(
                        stretch.format(
                            first=first, last=last, first_ref=first_ref, last_ref=last_ref
                        )
                    )
                else:
                    batch.extend(
                        entry.format(line=line, ref=ref)
                        for line, ref in _pairs_of(first, last, first_ref)
                    )
                if len(batch) >= 1000:
                    say(separator + ", ".join(batch), err=True, nl=False)
                    separator, batch = ", ", []
            say((separator + ", ".join(batch) if batch else "") + ".", err=True)
    if summary.blank_lines:
        say(
            "  "
            + _("Blank lines skipped: {lines}.").format(
                lines=", ".join(str(n) for n in summary.blank_lines)
            ),
            err=True,
        )
    for item in summary.recently_closed:
        say(
            _(
                "note: line {line} is for the person of case {closed}, closed {day}: a new"
                " case {ref} was opened, with {closed} named in its notice; reopen {closed}"
                " instead if it is the same matter"
            ).format(
                line=item["line"], closed=item["closed_ref"], day=item["closed_on"], ref=item["ref"]
            ),
            err=True,
        )


def _pairs_of(first: int, last: int, first_ref: str) -> list[tuple[int, str]]:
    """The (line, reference) pairs of a short stretch (``summary.runs``)."""
    head, _sep, number = first_ref.rpartition("-")
    if first == last:
        return [(first, first_ref)]
    return [
        (first + i, f"{head}-{int(number) + i:0{len(number)}d}") for i in range(last - first + 1)
    ]


@app.command(
    "notices",
    help=_(
        "Import a landlord's list of tenants at risk: a new case with its termination notice"
        " per row, or a new notice on the open case already known for that person. All rows"
        " or none; importing the same list again adds nothing.\n\n"
        "Example: bostad import notices uppsagda-mars.csv --landlord Alingsåshem --dry-run"
    ),
)
def notices(
    ctx: typer.Context,
    file: FileArg,
    landlord: Annotated[
        str | None,
        typer.Option("--landlord", help=_("The landlord of every row without its own column.")),
    ] = None,
    create_landlord: Annotated[
        bool, typer.Option("--create-landlord", help=_("Add landlords that are new."))
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Show what would happen; write nothing."))
    ] = False,
    encoding: Annotated[
        str,
        typer.Option(
            "--encoding", metavar="auto|utf-8|cp1252", help=_("The file's character encoding.")
        ),
    ] = "auto",
    delimiter: Annotated[
        str,
        typer.Option("--delimiter", metavar="auto|';'|','", help=_("The field separator.")),
    ] = "auto",
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar=_("COLUMN=FIELD"),
            help=_("Read a column as a field, e.g. --map 'Kund nr=contract_number' (repeatable)."),
        ),
    ] = None,
    as_of_: AsOfOpt = None,
) -> None:
    from bostadcli.landlord_lists import import_notices

    # The list reached the unit on that day: its deadlines are counted from it.
    day = write_as_of(as_of_, writes=not dry_run, happened=True)
    db = state(ctx).database()
    with _input(file) as (raw, source):
        summary = import_notices(
            db,
            raw,
            source=source,
            as_of=day,
            landlord=landlord,
            create_landlord=create_landlord,
            dry_run=dry_run,
            encoding=encoding,
            delimiter="\t" if delimiter in ("\\t", "tab") else delimiter,
            mapping=mapping or [],
            recently_closed_months=state(ctx).config().policy.recently_closed_months,
        )
    _report(summary)


@app.command(
    "household",
    help=_(
        "Import one case from the JSON document of 'bostad export household', under a new"
        " reference; the old one is kept as origin_ref.\n\n"
        "Example: bostad import household 2026-0042.json"
    ),
)
def household(ctx: typer.Context, file: FileArg, as_of_: AsOfOpt = None) -> None:
    from bostadcli.casemove.document_in import import_household, read_document

    day = write_as_of(as_of_)
    db = state(ctx).database()
    with _input(file) as (raw, source):
        document = read_document(raw, source=source)
    result = import_household(db, document, source=source, as_of=day)
    typer.echo(result["ref"])
    typer.echo(
        _("Imported case {origin} as {ref}.").format(
            origin=result["origin_ref"], ref=result["ref"]
        ),
        err=True,
    )
    if result["renumbered"]:
        pairs = ", ".join(f"{old} → {new}" for old, new in result["renumbered"].items())
        typer.echo(_("Plans renumbered: {pairs}.").format(pairs=pairs), err=True)
    if not result["pnr_included"]:
        typer.echo(
            _("warning: the document had no personnummer (exported without --include-pnr)."),
            err=True,
        )
