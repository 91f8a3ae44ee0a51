"""The manifest (CSV) and the combined print file of a batch run."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bostadcli.db import rows
from bostadcli.errors import BostadError
from bostadcli.files import database_files, write_private_file
from bostadcli.letters.late import call_note, late_params_deadline_of

if TYPE_CHECKING:
    from sqlite_utils import Database

    from bostadcli.letters.batch import BatchResult
    from bostadcli.pdf_print import PrintFile


# status: made, or failed (with the reason as the note): the post room sees which
# households got no letter from the run and must be seen to.
MANIFEST_FIELDS = (
    "reference",
    "kind",
    "recipient",
    "address",
    "file",
    "format",
    "pages",
    "status",
    "note",
)


class MadeLetters(dict[str, int]):
    """The pages of the PDF letters a run made, by file, and the print file begun with
    them while they were made (``pdf.PrintFile``), if any."""

    def __init__(self) -> None:
        super().__init__()
        self.print_file: PrintFile | None = None


def print_bookmark(ref: str, kind: str) -> str:
    """A letter's bookmark in the print file."""
    from bostadcli.letters.registry import kind_label

    return f"{ref} {kind_label(kind)}"


def _manifest_letters(db: Database, where: str, params: list[Any]) -> list[dict[str, Any]]:
    return rows(
        db,
        f"""
        SELECT h.ref, l.kind, l.recipient, l.address, l.file, l.format,
            ll.deadline, ll.arrives_on, ll.params AS late_params
        FROM letters l JOIN live_households h ON h.id = l.household_id
        LEFT JOIN late_letters ll ON ll.letter_id = l.id
        WHERE {where} ORDER BY h.ref, l.kind
        """,
        params,
    )


def _not_sent_rows(db: Database, where: str, params: list[Any]) -> list[dict[str, Any]]:
    return rows(
        db,
        f"""
        SELECT h.ref, ll.kind, ll.deadline, ll.arrives_on, ll.params AS late_params
        FROM late_letters ll JOIN live_households h ON h.id = ll.household_id
        WHERE ll.sent = 0 AND {where} ORDER BY h.ref, ll.kind
        """,
        params,
    )


# Times a monthly run writes its manifest and print file again because another run
# recorded letters of the month while it wrote them.
FINISH_TRIES = 5


def _finish_batch(db: Database, result: BatchResult, pages_made: dict[str, int]) -> None:
    """The manifest and the combined PDF describe the whole month, so that a rerun
    after a crash gives the post room the complete set.

    Another run of the month may record its letters and write these files while this
    one writes them from what it read before: whichever writes last must not leave out
    the other's letters, so they are written again until the month reads the same after
    writing them as before."""

    def month() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        return (
            _manifest_letters(db, "l.period = ?", [result.period]),
            # A letter not sent under a key of its own (``Candidate.unsent_period``).
            _not_sent_rows(
                db, "(ll.period = ? OR ll.period LIKE ?)", [result.period, f"{result.period}/%"]
            ),
        )

    combined = result.out_dir / f"utskrift-{result.period}.pdf"
    for _try in range(FINISH_TRIES):
        letters, not_sent = month()
        failures = len(result.failed)
        _write_outputs(
            db,
            result,
            letters,
            not_sent,
            pages_made,
            manifest=result.out_dir / f"manifest-{result.period}.csv",
            combined=combined,
        )
        if len(result.failed) != failures:  # the print file could not be written
            _no_print_file(combined)
            return
        if month() == (letters, not_sent):
            return


def _no_print_file(path: Path) -> None:
    """An earlier run's print file of the month, when this run's could not be written:
    it may lack this run's letters and must not be printed as if it held them all."""
    import contextlib

    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _late_note(row: dict[str, Any], *, sent: bool) -> str:
    """The manifest's note on a letter that cannot arrive in time ("" for the others),
    naming the deadline it misses."""
    if not row["deadline"]:
        return ""
    return call_note(
        date.fromisoformat(row["deadline"]),
        date.fromisoformat(row["arrives_on"]),
        sent=sent,
        what=late_params_deadline_of(row["late_params"]),
    )


def _write_outputs(
    db: Database,
    result: BatchResult,
    letters: list[dict[str, Any]],
    not_sent: list[dict[str, Any]],
    pages_made: dict[str, int],
    *,
    manifest: Path,
    combined: Path,
) -> None:
    from bostadcli import pdf

    present = [r for r in letters if r["file"] and Path(r["file"]).exists()]
    failed = [(ref, kind, message) for ref, kind, message in result.failed if ref]
    if not present and not failed and not not_sent:
        return
    pdfs = [Path(r["file"]) for r in present if r["format"] == "pdf"]
    pages: dict[str, int] = {}
    if pdfs:
        try:
            for path in pdfs:
                known = pages_made.get(str(path))
                pages[str(path)] = known if known is not None else pdf.page_count(path)
            data = pdf.combine(
                pdfs,
                title=pdf.print_title(result.batch or result.period),
                bookmarks=[
                    print_bookmark(r["ref"], r["kind"]) for r in present if r["format"] == "pdf"
                ],
                started=pages_made.print_file if isinstance(pages_made, MadeLetters) else None,
            )
            write_private_file(
                combined, data, force=True, protect=database_files(db), field="--out-dir"
            )
            result.combined = combined
        except BostadError as exc:
            result.failed.append(("", "combined PDF", exc.message))
        except Exception as exc:  # pypdf's errors on a damaged letter file
            result.failed.append(("", "combined PDF", f"{type(exc).__name__}: {exc}"))
    from bostadcli.tabular import Column, table_bytes

    # The cells go through the exports' CSV writer, in the unit's CSV dialect; it makes
    # text a spreadsheet would run as a formula inert (OWASP "CSV injection"): a name,
    # an address or a message is the household's or the system's text.
    lines: list[list[Any]] = []
    for r in present:
        path = Path(r["file"])
        shown = path.name if path.parent == result.out_dir else str(path)
        lines.append(
            [
                r["ref"],
                r["kind"],
                r["recipient"],
                ", ".join(r["address"].splitlines()),
                shown,
                r["format"],
                pages.get(str(path), ""),
                "made",
                _late_note(r, sent=True),
            ]
        )
    for r in not_sent:
        note = _late_note(r, sent=False)
        lines.append([r["ref"], r["kind"], "", "", "", "", "", "not_sent", note])
    for ref, kind, message in failed:
        lines.append([ref, kind, "", "", "", "", "", "failed", message])
    data = table_bytes(
        (dict(zip(MANIFEST_FIELDS, line, strict=True)) for line in lines),
        [Column(key=name, heading=name) for name in MANIFEST_FIELDS],
        dialect=result.csv_dialect,
    )
    write_private_file(manifest, data, force=True, protect=database_files(db), field="--out-dir")
    result.manifest = manifest
