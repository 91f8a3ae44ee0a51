"""The print file and the letters when PDF workers die: letters that kill their worker
fail one by one, named, and never keep the rest of the month's letters from being made."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bostadcli import letters, pdf
from bostadcli.db import open_database
from bostadcli.households import NewHousehold, add_household
from bostadcli.pdf import WorkersStopping, pdf_problem
from golden_letters import AS_OF, CONFIG

if TYPE_CHECKING:
    from sqlite_utils import Database

needs_pdf = pytest.mark.skipif(pdf_problem() is not None, reason=str(pdf_problem()))

# The references whose letters kill the worker laying them out ("*": every document).
# Set before the workers start: they are forked with it.
_DEADLY: set[str] = set()
_real_letter_pdf = pdf.letter_pdf


def _dying_letter_pdf(html: str, numbered: str | None = None, **kwargs: Any) -> Any:
    """``pdf.letter_pdf``, but the worker dies outright (as in a segfault) on a deadly
    letter."""
    meta = kwargs.get("meta")
    if "*" in _DEADLY or (meta is not None and meta.subject in _DEADLY):
        os._exit(9)
    return _real_letter_pdf(html, numbered, **kwargs)


@pytest.fixture
def month_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    database = open_database(tmp_path / "t.sqlite", create=True)
    for i in range(7):
        add_household(
            database,
            NewHousehold(
                tenant_name=f"Person {i}", street=f"Gatan {i}", postal_code="44130", city="Ängby"
            ),
            as_of=AS_OF,
        )
    monkeypatch.setattr(pdf, "worker_count", lambda: 2)
    monkeypatch.setattr(pdf, "letter_pdf", _dying_letter_pdf)
    yield database
    _DEADLY.clear()
    database.close()


def _refs(db: Database) -> list[str]:
    return [r["ref"] for r in db.query("SELECT ref FROM households ORDER BY ref")]


def _monthly(db: Database, out: Path) -> Any:
    return letters.run_monthly(
        db, config=CONFIG, month=date(2026, 11, 1), as_of=AS_OF, out_dir=out, fmt="pdf"
    )


def _print_file_refs(path: Path) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    marks = [
        (str(o.title).split()[0], reader.get_destination_page_number(o)) for o in reader.outline
    ]
    texts = [page.extract_text() for page in reader.pages]
    for _ref, page in marks:
        assert page < len(texts)
    return [ref for ref, _page in marks]


@needs_pdf
def test_three_letters_in_a_row_that_kill_their_worker_do_not_block_the_month(
    month_db: Database, tmp_path: Path
) -> None:
    """Three households next to each other whose letters crash WeasyPrint: the run must
    not stop there for good (each rerun would stop at the same letters, and no later
    household would ever get its letter); they fail, named, and the rest are made."""
    refs = _refs(month_db)
    deadly = refs[1:4]
    _DEADLY.update(deadly)
    out = tmp_path / "brev"
    result = _monthly(month_db, out)
    assert sorted(ref for ref, _kind, _message in result.failed) == deadly
    made = sorted(i.ref for i in result.made)
    assert made == [r for r in refs if r not in deadly]
    assert _print_file_refs(out / "utskrift-2026-11.pdf") == made
    with (out / "manifest-2026-11.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["reference"] for r in rows if r["status"] == "made"] == made
    assert sorted(r["reference"] for r in rows if r["status"] == "failed") == deadly


@needs_pdf
def test_workers_that_die_on_any_document_stop_the_run(month_db: Database, tmp_path: Path) -> None:
    """When the workers die whatever they lay out, the run still stops with one message."""
    _DEADLY.add("*")
    with pytest.raises(WorkersStopping):
        _monthly(month_db, tmp_path / "brev")
    assert not list((tmp_path / "brev").glob("utskrift-*.pdf"))


@needs_pdf
def test_a_run_that_finishes_meanwhile_does_not_leave_its_letter_out(
    month_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two runs at once: the second records its letter and writes the month's print
    file while the first is between reading the month's letters and writing them. The
    first must not leave behind a print file and manifest without the second's letter."""
    from bostadcli.letters import manifest

    out = tmp_path / "brev"
    real_write = manifest._write_outputs
    calls: list[int] = []

    def other_run_meanwhile(*args: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) == 1:
            add_household(
                month_db,
                NewHousehold(
                    tenant_name="Sen Person", street="Gatan 99", postal_code="44130", city="Ängby"
                ),
                as_of=AS_OF,
            )
            other = _monthly(month_db, out)  # finishes first, with every letter
            assert len(other.made) == 1
        real_write(*args, **kwargs)

    monkeypatch.setattr(manifest, "_write_outputs", other_run_meanwhile)
    _monthly(month_db, out)
    refs = _refs(month_db)
    assert len(refs) == 8
    assert _print_file_refs(out / "utskrift-2026-11.pdf") == refs
    with (out / "manifest-2026-11.csv").open(encoding="utf-8") as fh:
        assert [r["reference"] for r in csv.DictReader(fh)] == refs


@needs_pdf
def test_a_print_file_that_cannot_be_written_leaves_no_stale_one_behind(
    month_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills up as the month's print file is written again after new letters:
    the print file of the earlier run must not stay, looking finished, without them."""
    import errno

    from bostadcli.letters import manifest

    out = tmp_path / "brev"
    _monthly(month_db, out)
    printed = out / "utskrift-2026-11.pdf"
    assert len(_print_file_refs(printed)) == 7
    add_household(
        month_db,
        NewHousehold(
            tenant_name="Sen Person", street="Gatan 99", postal_code="44130", city="Ängby"
        ),
        as_of=AS_OF,
    )
    real_write = manifest.write_private_file

    def disk_full(path: Path, data: bytes | str, **kwargs: Any) -> Path:
        if path.name.startswith("utskrift-"):
            from bostadcli.files import _cannot_write

            raise _cannot_write(path, OSError(errno.ENOSPC, "No space left on device"))
        return real_write(path, data, **kwargs)

    monkeypatch.setattr(manifest, "write_private_file", disk_full)
    result = _monthly(month_db, out)
    assert len(result.made) == 1
    assert any(kind == "combined PDF" for _ref, kind, _message in result.failed)
    assert not printed.exists() or len(_print_file_refs(printed)) == 8
