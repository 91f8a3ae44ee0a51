"""The print file begun while the letters are made is the print file read from the
files, byte for byte, and is used only when it holds just those files; streams
compressed at zlib's default level hold the same data as at level 9."""

from __future__ import annotations

import zlib
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest

from bostadcli import pdf
from bostadcli.templating import packaged_templates

pytestmark = pytest.mark.skipif(pdf.pdf_problem() is not None, reason=str(pdf.pdf_problem()))

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "letters"
META = pdf.PdfMeta(titles={"sv": "Brev"}, author="Exempelby kommun", created=date(2026, 11, 16))
TITLE = "Brev att skriva ut, 2026-11"


def _pdfs() -> list[bytes]:
    base = str(packaged_templates()) + "/"
    names = ("outreach-plain.html", "outreach-eviction.html", "meeting-visit.html")
    htmls = [(GOLDEN / name).read_text(encoding="utf-8") for name in names]
    return [pdf.html_to_pdf(html, base_url=base, meta=META)[0] for html in htmls]


def _letters(tmp_path: Path, count: int) -> tuple[list[Path], list[bytes], list[str]]:
    made = _pdfs()
    paths, contents = [], []
    for n in range(count):
        paths.append(tmp_path / f"2026-{n:04}-outreach.pdf")
        contents.append(made[n % len(made)])
        paths[-1].write_bytes(contents[-1])
    return paths, contents, [f"2026-{n:04} Första brev" for n in range(count)]


def _started(paths: list[Path], contents: list[bytes], marks: list[str | None]) -> Any:
    started = pdf.PrintFile()
    for path, content, mark in zip(paths, contents, marks, strict=True):
        started.add(path, content, mark)
    return started


def test_the_print_file_begun_with_the_letters_is_the_one_read_from_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths, contents, marks = _letters(tmp_path, 5)
    monkeypatch.setattr(pdf, "worker_count", lambda: 1)
    read = pdf.combine(paths, title=TITLE, bookmarks=marks)
    started = _started(paths, contents, list(marks))

    def no_reading(*args: object) -> None:
        raise AssertionError("the files were read again")

    with monkeypatch.context() as patch:
        patch.setattr(pdf, "_append_files", no_reading)
        assert pdf.combine(paths, title=TITLE, bookmarks=marks, started=started) == read
    # Used once: a second print file reads the files.
    assert pdf.combine(paths, title=TITLE, bookmarks=marks, started=started) == read
    # Without bookmarks the letters keep their own outlines, as when read.
    plain = _started(paths, contents, [None] * len(paths))
    assert pdf.combine(paths, started=plain) == pdf.combine(paths)


@pytest.mark.parametrize("change", ["order", "missing", "extra", "bookmark"])
def test_a_print_file_of_other_letters_is_read_from_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    """A rerun's print file has letters of earlier runs too, or a letter recorded by
    another run: what was begun is not what is asked for, so the files are read."""
    paths, contents, marks = _letters(tmp_path, 4)
    monkeypatch.setattr(pdf, "worker_count", lambda: 1)
    added: list[str | None] = list(marks)
    order = list(range(4))
    if change == "order":
        order = [1, 0, 2, 3]
    elif change == "missing":
        order = [0, 1, 2]
    elif change == "extra":
        paths.append(tmp_path / "earlier.pdf")
        paths[-1].write_bytes(contents[0])
        marks.append("2025-0001 Första brev")
    else:
        added[2] = "2026-0002 Annat brev"
    started = _started(
        [paths[i] for i in order], [contents[i] for i in order], [added[i] for i in order]
    )
    combined = pdf.combine(paths, title=TITLE, bookmarks=marks, started=started)
    assert combined == pdf.combine(paths, title=TITLE, bookmarks=marks)
    reader = pdf.pypdf().PdfReader(BytesIO(combined))
    assert [item.title for item in reader.outline] == marks


def test_a_letter_the_print_file_cannot_take_leaves_it_to_the_files(tmp_path: Path) -> None:
    paths, contents, marks = _letters(tmp_path, 2)
    started = pdf.PrintFile()
    started.add(paths[0], b"%PDF-1.7\nnot a pdf", marks[0])
    started.add(paths[1], contents[1], marks[1])
    paths[0].write_bytes(contents[0])
    assert started.writer_for(paths, marks) is None
    combined = pdf.combine(paths, title=TITLE, bookmarks=marks, started=started)
    assert len(pdf.pypdf().PdfReader(BytesIO(combined)).pages) == sum(
        len(pdf.pypdf().PdfReader(BytesIO(c)).pages) for c in contents
    )


def _streams(data: bytes) -> list[bytes]:
    """The decoded data of every stream of a letter (written without object streams)."""
    reader = pdf.pypdf().PdfReader(BytesIO(data))
    found = []
    for number in sorted(reader.xref[0]):
        obj = reader.get_object(number)
        if hasattr(obj, "get_data"):
            found.append(obj.get_data())
    return found


def test_streams_compressed_quicker_hold_the_same_data(monkeypatch: pytest.MonkeyPatch) -> None:
    import pydyf  # type: ignore[import-untyped]

    quicker = _pdfs()
    assert pydyf.zlib is not zlib  # the level is set once per process
    with monkeypatch.context() as patch:
        patch.setattr(pydyf, "zlib", zlib)
        at_nine = _pdfs()
    for fast, slow in zip(quicker, at_nine, strict=True):
        assert fast != slow
        streams = _streams(fast)
        assert len(streams) > 5 and streams == _streams(slow)
        assert len(fast) - len(slow) < len(slow) // 50  # about 130 bytes of 36 KB


def test_a_parallel_month_begins_its_print_file_and_a_rerun_reads_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Letters laid out in workers go into the print file as they are stored; a rerun
    after a lost file (the letter made again, the others made earlier) reads them all,
    and both give the print file that reading the files gives."""
    from bostadcli import letters
    from bostadcli.db import open_database
    from bostadcli.households import NewHousehold, add_household
    from bostadcli.letters.manifest import print_bookmark
    from golden_letters import AS_OF, CONFIG

    db = open_database(tmp_path / "t.sqlite", create=True)
    for i in range(4):
        add_household(
            db,
            NewHousehold(
                tenant_name=f"Person {i}", street=f"Gatan {i}", postal_code="44130", city="Ängby"
            ),
            as_of=AS_OF,
        )
    read_files: list[int] = []
    append_files = pdf._append_files

    def counted(writer: object, paths: list[Path], marks: list[str | None]) -> None:
        read_files.append(len(paths))
        append_files(writer, paths, marks)

    monkeypatch.setattr(pdf, "_append_files", counted)
    monkeypatch.setattr(pdf, "worker_count", lambda: 2)
    out = tmp_path / "brev"

    def month() -> Any:
        return letters.run_monthly(
            db, config=CONFIG, month=date(2026, 11, 1), as_of=AS_OF, out_dir=out, fmt="pdf"
        )

    def read_again() -> bytes:
        made = sorted(
            i
            for i in db.execute(
                "SELECT l.file, h.ref, l.kind FROM letters l"
                " JOIN households h ON h.id = l.household_id"
            ).fetchall()
        )
        monkeypatch.setattr(pdf, "worker_count", lambda: 1)
        try:
            return pdf.combine(
                [Path(f) for f, _r, _k in made],
                title=pdf.print_title("2026-11"),
                bookmarks=[print_bookmark(r, k) for _f, r, k in made],
            )
        finally:
            monkeypatch.setattr(pdf, "worker_count", lambda: 2)

    first = month()
    assert not first.failed and len(first.made) == 4 and first.combined is not None
    assert read_files == []  # not one letter read back
    assert first.combined.read_bytes() == read_again()
    first.made[1].file.unlink()
    again = month()
    assert len(again.recreated) == 1 and len(again.already) == 3
    assert read_files and again.combined is not None
    assert again.combined.read_bytes() == read_again()
    db.close()


def _dies_on_person_1(html: str, numbered: str | None = None, **kwargs: Any) -> Any:
    """``letter_pdf`` whose process ends abruptly on one letter, as a crash would."""
    import os

    if "Person 1" in html:
        os._exit(3)
    return _LETTER_PDF(html, numbered, **kwargs)


_LETTER_PDF = pdf.letter_pdf


def test_a_worker_that_dies_on_a_letter_fails_only_that_letter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The letters in the dead worker's pool are laid out again, each alone: the one that
    stops its worker again fails, named, and the others are made and printed."""
    from bostadcli import letters
    from bostadcli.db import open_database
    from bostadcli.households import NewHousehold, add_household
    from golden_letters import AS_OF, CONFIG

    db = open_database(tmp_path / "t.sqlite", create=True)
    refs = [
        add_household(
            db,
            NewHousehold(
                tenant_name=f"Person {i}", street=f"Gatan {i}", postal_code="44130", city="Ängby"
            ),
            as_of=AS_OF,
        )
        for i in range(5)
    ]
    monkeypatch.setattr(pdf, "worker_count", lambda: 2)
    monkeypatch.setattr(pdf, "letter_pdf", _dies_on_person_1)
    result = letters.run_monthly(
        db,
        config=CONFIG,
        month=date(2026, 11, 1),
        as_of=AS_OF,
        out_dir=tmp_path / "brev",
        fmt="pdf",
    )
    assert [(ref, kind) for ref, kind, _message in result.failed] == [(refs[1], "outreach")]
    assert "stopped abruptly" in result.failed[0][2]
    assert sorted(item.ref for item in result.made) == sorted(refs[:1] + refs[2:])
    assert db.execute("SELECT count(*) FROM letters").fetchone()[0] == 4
    assert result.combined is not None
    outline = pdf.pypdf().PdfReader(str(result.combined)).outline
    assert [item.title.split()[0] for item in outline] == sorted(refs[:1] + refs[2:])
    db.close()


def _always_dies(html: str, numbered: str | None = None, **kwargs: Any) -> Any:
    import os

    os._exit(3)


def test_workers_that_die_on_every_letter_stop_the_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a letter's doing but the machine's: after a few letters in a row the batch
    stops with one message, nothing half made and every claim given back."""
    from bostadcli import letters
    from bostadcli.db import open_database
    from bostadcli.households import NewHousehold, add_household
    from golden_letters import AS_OF, CONFIG

    db = open_database(tmp_path / "t.sqlite", create=True)
    for i in range(6):
        add_household(
            db,
            NewHousehold(
                tenant_name=f"Person {i}", street=f"Gatan {i}", postal_code="44130", city="Ängby"
            ),
            as_of=AS_OF,
        )
    monkeypatch.setattr(pdf, "worker_count", lambda: 2)
    monkeypatch.setattr(pdf, "letter_pdf", _always_dies)
    out = tmp_path / "brev"
    with pytest.raises(pdf.WorkersStopping) as stopped:
        letters.run_monthly(
            db, config=CONFIG, month=date(2026, 11, 1), as_of=AS_OF, out_dir=out, fmt="pdf"
        )
    assert f"on {pdf.WORKER_STOPS_MAX} letters in a row" in stopped.value.message
    assert db.execute("SELECT count(*) FROM letters").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM letter_claims").fetchone()[0] == 0
    assert not [p for p in out.iterdir() if p.name.endswith(".pdf") or "tmp" in p.name]
    monkeypatch.setattr(pdf, "letter_pdf", _LETTER_PDF)
    again = letters.run_monthly(
        db, config=CONFIG, month=date(2026, 11, 1), as_of=AS_OF, out_dir=out, fmt="pdf"
    )
    assert len(again.made) == 6 and not again.failed
    db.close()


def test_with_many_workers_the_print_file_is_read_from_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beyond PRINT_FILE_WORKERS_MAX workers the main process would hold them up: the
    print file is joined from the files at the end, as before."""
    from bostadcli import letters
    from bostadcli.db import open_database
    from bostadcli.households import NewHousehold, add_household
    from bostadcli.letters import making
    from golden_letters import AS_OF, CONFIG

    db = open_database(tmp_path / "t.sqlite", create=True)
    for i in range(3):
        add_household(
            db,
            NewHousehold(
                tenant_name=f"Person {i}", street=f"Gatan {i}", postal_code="44130", city="Ängby"
            ),
            as_of=AS_OF,
        )
    read_files: list[int] = []
    append_files = pdf._append_files

    def counted(writer: object, paths: list[Path], marks: list[str | None]) -> None:
        read_files.append(len(paths))
        append_files(writer, paths, marks)

    monkeypatch.setattr(pdf, "_append_files", counted)
    monkeypatch.setattr(pdf, "worker_count", lambda: 2)
    monkeypatch.setattr(making, "PRINT_FILE_WORKERS_MAX", 1)
    result = letters.run_monthly(
        db,
        config=CONFIG,
        month=date(2026, 11, 1),
        as_of=AS_OF,
        out_dir=tmp_path / "brev",
        fmt="pdf",
    )
    assert len(result.made) == 3 and result.combined is not None
    assert read_files == [3]
    assert len(pdf.pypdf().PdfReader(str(result.combined)).outline) == 3
    db.close()


def _dies_after_the_first_two(html: str, numbered: str | None = None, **kwargs: Any) -> Any:
    import os

    if "Person 0" in html or "Person 1" in html:
        return _LETTER_PDF(html, numbered, **kwargs)
    os._exit(3)


@pytest.mark.parametrize("daily", [False, True])
def test_a_batch_stopped_by_its_workers_lists_the_letters_it_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, daily: bool
) -> None:
    """The workers stop dying only after two letters were made: the batch stops, but
    those two get their print file and manifest now, to go out today; the message
    names the manifest. The next run makes the rest, in files of its own (daily) or
    in the month's files written again (monthly)."""
    import csv
    from datetime import timedelta

    from bostadcli import letters
    from bostadcli.db import open_database
    from bostadcli.households import NewHousehold, add_household
    from golden_letters import AS_OF, CONFIG

    db = open_database(tmp_path / "t.sqlite", create=True)
    for i in range(6):
        add_household(
            db,
            NewHousehold(
                tenant_name=f"Person {i}", street=f"Gatan {i}", postal_code="44130", city="Ängby"
            ),
            as_of=AS_OF,
        )
    monkeypatch.setattr(pdf, "worker_count", lambda: 2)
    monkeypatch.setattr(pdf, "letter_pdf", _dies_after_the_first_two)
    out = tmp_path / "brev"
    day = AS_OF + timedelta(days=1)

    def run() -> Any:
        if daily:
            return letters.run_daily(db, config=CONFIG, as_of=day, out_dir=out, fmt="pdf")
        return letters.run_monthly(
            db, config=CONFIG, month=date(2026, 11, 1), as_of=AS_OF, out_dir=out, fmt="pdf"
        )

    with pytest.raises(pdf.WorkersStopping) as stopped:
        run()
    result = stopped.value.result
    assert result is not None and result.manifest is not None and result.combined is not None
    assert f"(2 letters made: {result.manifest})" in stopped.value.message
    made = sorted(item.ref for item in result.made)
    assert len(made) == 2
    outline = pdf.pypdf().PdfReader(str(result.combined)).outline
    assert sorted(item.title.split()[0] for item in outline) == made
    with result.manifest.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(r["reference"] for r in rows if r["status"] == "made") == made
    assert db.execute("SELECT count(*) FROM letter_claims").fetchone()[0] == 0

    monkeypatch.setattr(pdf, "letter_pdf", _LETTER_PDF)
    again = run()
    assert len(again.made) == 4 and not again.failed
    assert not {item.ref for item in again.made} & set(made)
    if daily:
        # Its own files: the first run's are left as they were.
        assert again.manifest != result.manifest
        assert result.manifest.exists()
    db.close()
