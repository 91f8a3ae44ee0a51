"""The manifest (CSV) and the combined print file of a batch run."""

from __future__ import annotations

import itertools
from collections.abc import Generator, Iterable, Iterator
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


_MANIFEST_SQL = """
    SELECT h.ref, l.kind, l.recipient, l.address, l.file, l.format,
        ll.deadline, ll.arrives_on, ll.params AS late_params
    FROM letters l JOIN live_households h ON h.id = l.household_id
    LEFT JOIN late_letters ll ON ll.letter_id = l.id
    WHERE {where} ORDER BY h.ref, l.kind
"""


def _manifest_letters(db: Database, where: str, params: list[Any]) -> list[dict[str, Any]]:
    return rows(db, _MANIFEST_SQL.format(where=where), params)


def _each_manifest_letter(
    db: Database, where: str, params: list[Any]
) -> Generator[dict[str, Any], None, None]:
    """``_manifest_letters`` one at a time, as they are read: a month's letters are
    never all in memory at once."""
    cursor = db.execute(_MANIFEST_SQL.format(where=where), params)
    names = [d[0] for d in cursor.description]
    try:
        for values in cursor:
            yield dict(zip(names, values, strict=True))
    finally:
        cursor.close()


class _Digested:
    """Rows as they are read, and a digest of them all: whether a query reads the same
    later is told without keeping its rows."""

    def __init__(self, found: Generator[dict[str, Any], None, None]) -> None:
        import hashlib

        self._found = found
        self._hash = hashlib.sha256()

    def __enter__(self) -> _Digested:
        return self

    def __exit__(self, *exc: object) -> None:
        self._found.close()  # its query ends now, read to the end or not

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return self

    def __next__(self) -> dict[str, Any]:
        row = next(self._found)
        # Each value's repr (type and value): rows that differ read differently.
        self._hash.update(repr(tuple(row.values())).encode("utf-8", "backslashreplace"))
        return row

    def digest(self) -> bytes:
        """The digest of every row (those not read yet are read now)."""
        for _row in self:
            pass
        return self._hash.digest()


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

    def month() -> tuple[_Digested, list[dict[str, Any]]]:
        return (
            # The letters are read as they are written out: a digest tells whether they
            # read the same afterwards.
            _Digested(_each_manifest_letter(db, "l.period = ?", [result.period])),
            # A letter not sent under a key of its own (``Candidate.unsent_period``).
            _not_sent_rows(
                db, "(ll.period = ? OR ll.period LIKE ?)", [result.period, f"{result.period}/%"]
            ),
        )

    combined = result.out_dir / f"utskrift-{result.period}.pdf"
    for _try in range(FINISH_TRIES):
        letters, not_sent = month()
        failures = len(result.failed)
        with letters:  # the query ends here, also when the files cannot be written
            _write_outputs(
                db,
                result,
                letters,
                not_sent,
                pages_made,
                manifest=result.out_dir / f"manifest-{result.period}.csv",
                combined=combined,
            )
            written = letters.digest()
        if len(result.failed) != failures:  # the print file could not be written
            _no_print_file(combined)
            return
        again, not_sent_again = month()
        with again:
            if (again.digest(), not_sent_again) == (written, not_sent):
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
    letters: Iterable[dict[str, Any]],
    not_sent: list[dict[str, Any]],
    pages_made: dict[str, int],
    *,
    manifest: Path,
    combined: Path,
) -> None:
    """The manifest and the print file of ``letters``, read once, one at a time (those
    whose file is there are listed), and of the letters ``not_sent`` and the run's
    failures; nothing when there is none. The manifest is written as the letters are
    read, the print file once they all are (before the manifest is in place)."""
    from bostadcli.files import _cannot_write, private_output
    from bostadcli.tabular import Column, csv_dialect, write_csv

    present = (r for r in letters if r["file"] and Path(r["file"]).exists())
    first = next(present, None)
    failed = [(ref, kind, message) for ref, kind, message in result.failed if ref]
    if first is None and not failed and not not_sent:
        return
    made = present if first is None else itertools.chain([first], present)
    printed = _PrintFile(pages_made)
    # The cells go through the exports' CSV writer, in the unit's CSV dialect; it makes
    # text a spreadsheet would run as a formula inert (OWASP "CSV injection"): a name,
    # an address or a message is the household's or the system's text.
    style = csv_dialect(result.csv_dialect, field="csv_dialect")
    try:
        with private_output(
            manifest, field="--out-dir", force=True, protect=database_files(db)
        ) as fh:
            write_csv(
                _manifest_rows(result, made, not_sent, failed, printed),
                [Column(key=name, heading=name) for name in MANIFEST_FIELDS],
                fh,
                delimiter=style.delimiter,
                bom=style.bom,
                plain_money=style.plain_money,
            )
            printed.write(db, result, combined)
    except OSError as exc:
        raise _cannot_write(manifest, exc) from None
    result.manifest = manifest


def _manifest_rows(
    result: BatchResult,
    made: Iterable[dict[str, Any]],
    not_sent: list[dict[str, Any]],
    failed: list[tuple[str, str, str]],
    printed: _PrintFile,
) -> Iterator[dict[str, Any]]:
    """The manifest's rows: the letters made (their PDF ones taken into the print file
    as they come), those not sent, and the failures."""
    for r in made:
        path = Path(r["file"])
        shown = path.name if path.parent == result.out_dir else str(path)
        line = [
            r["ref"],
            r["kind"],
            r["recipient"],
            ", ".join(r["address"].splitlines()),
            shown,
            r["format"],
            printed.take(r, path) if r["format"] == "pdf" else "",
            "made",
            _late_note(r, sent=True),
        ]
        yield dict(zip(MANIFEST_FIELDS, line, strict=True))
    for r in not_sent:
        note = _late_note(r, sent=False)
        line = [r["ref"], r["kind"], "", "", "", "", "", "not_sent", note]
        yield dict(zip(MANIFEST_FIELDS, line, strict=True))
    for ref, kind, message in failed:
        line = [ref, kind, "", "", "", "", "", "failed", message]
        yield dict(zip(MANIFEST_FIELDS, line, strict=True))


class _PrintFile:
    """The PDF letters of a manifest, for the print file: their pages counted as they
    are listed (known from the run, or read from the file), combined once all are."""

    def __init__(self, pages_made: dict[str, int]) -> None:
        self.pages_made = pages_made
        self.files: list[Path] = []
        self.bookmarks: list[str] = []
        # Why the print file cannot be made (a damaged letter file): pages are counted
        # no further.
        self.problem: str | None = None

    def take(self, row: dict[str, Any], path: Path) -> int | str:
        """A PDF letter listed: its pages ("" when they cannot be told)."""
        from bostadcli import pdf

        self.files.append(path)
        self.bookmarks.append(print_bookmark(row["ref"], row["kind"]))
        if self.problem is not None:
            return ""
        known = self.pages_made.get(str(path))
        try:
            return known if known is not None else pdf.page_count(path)
        except Exception as exc:  # pypdf's errors on a damaged letter file
            self.problem = _problem(exc)
            return ""

    def write(self, db: Database, result: BatchResult, combined: Path) -> None:
        """The print file of the letters taken, if any; a failure when it cannot be."""
        if not self.files:
            return  # (a month without PDF letters does not load the PDF code)
        from bostadcli import pdf

        if self.problem is None:
            try:
                data = pdf.combine(
                    self.files,
                    title=pdf.print_title(result.batch or result.period),
                    bookmarks=self.bookmarks,
                    started=(
                        self.pages_made.print_file
                        if isinstance(self.pages_made, MadeLetters)
                        else None
                    ),
                )
                write_private_file(
                    combined, data, force=True, protect=database_files(db), field="--out-dir"
                )
                result.combined = combined
                return
            except Exception as exc:
                self.problem = _problem(exc)
        result.failed.append(("", "combined PDF", self.problem))


def _problem(exc: Exception) -> str:
    """Why the print file cannot be made: a BostadError's message, or another error's
    kind and text (pypdf's errors on a damaged letter file)."""
    if isinstance(exc, BostadError):
        return exc.message
    return f"{type(exc).__name__}: {exc}"
