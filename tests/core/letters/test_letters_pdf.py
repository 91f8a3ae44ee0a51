"""PDF letters: the text in the PDF, page numbers, the combined file, and a missing WeasyPrint."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from importlib.machinery import ModuleSpec
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bostadcli import letters
from bostadcli.db import open_database
from bostadcli.households import NewHousehold, add_household
from bostadcli.pdf import PdfUnavailable, pdf_problem
from golden_letters import AS_OF, CONFIG, build_households

if TYPE_CHECKING:
    from sqlite_utils import Database

needs_pdf = pytest.mark.skipif(pdf_problem() is not None, reason=str(pdf_problem()))


@pytest.fixture
def letter_db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "t.sqlite", create=True)
    yield database
    database.close()


def pdf_text(data: bytes | Path) -> list[str]:
    """The text of each page, whitespace normalised (babel writes no-break spaces)."""
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(data) if isinstance(data, bytes) else str(data))
    return [" ".join(page.extract_text().replace("\u00a0", " ").split()) for page in reader.pages]


@needs_pdf
def test_outreach_pdf_has_name_amount_and_deadline(letter_db: Database) -> None:
    refs = build_households(letter_db)
    letter = letters.render_letter(
        letter_db, refs["tricky"], "outreach", config=CONFIG, as_of=AS_OF, fmt="pdf"
    )
    assert letter.content.startswith(b"%PDF-")
    assert letter.pages == 1
    (text,) = pdf_text(letter.content)
    assert 'Åsa "Ösa" <Öberg> & {{ 7*7 }}' in text
    assert "14 900 kr" in text
    assert "senast den 1 december 2026" in text
    assert "Socialjouren på 08-465 004 01" in text
    assert "Sida" not in text  # one page: no page numbers


@needs_pdf
def test_english_and_support_letters_fit_on_one_page(letter_db: Database) -> None:
    from bostadcli.households import edit_household

    refs = build_households(letter_db)
    edit_household(letter_db, refs["tricky"], changes={"letter_language": "en"})
    english = letters.render_letter(
        letter_db, refs["tricky"], "outreach", config=CONFIG, as_of=AS_OF, fmt="pdf"
    )
    assert english.pages == 1
    (text,) = pdf_text(english.content)
    assert "by 1 December 2026" in text and "Page" not in text
    two = letters.render_letter(
        letter_db,
        refs["tricky"],
        "support_ending",
        config=CONFIG,
        as_of=date(2027, 1, 20),
        fmt="pdf",
        params={"support": "1,2"},
    )
    assert two.pages == 1
    (text,) = pdf_text(two.content)
    assert "Två insatser upphör snart" in text and "31 januari 2027" in text


@needs_pdf
def test_a_long_letter_gets_page_numbers(letter_db: Database, tmp_path: Path) -> None:
    refs = build_households(letter_db)
    mine = tmp_path / "mallar"
    mine.mkdir()
    (mine / "outreach.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block body %}'
        "{% for i in range(60) %}<p>Stycke {{ i }} om hur vi kan hjälpa till.</p>{% endfor %}"
        "{% endblock %}",
        encoding="utf-8",
    )
    letter = letters.render_letter(
        letter_db, refs["plain"], "outreach", config=CONFIG, as_of=AS_OF, fmt="pdf", user_dir=mine
    )
    assert letter.pages is not None and letter.pages >= 2
    pages = pdf_text(letter.content)
    for number, text in enumerate(pages, start=1):
        assert f"Sida {number} av {letter.pages}" in text


@needs_pdf
def test_monthly_pdf_makes_one_file_to_print(letter_db: Database, tmp_path: Path) -> None:
    for i in range(3):
        add_household(
            letter_db,
            NewHousehold(
                tenant_name=f"Person {i}", street=f"Gatan {i}", postal_code="44130", city="Ängby"
            ),
            as_of=AS_OF,
        )
    out = tmp_path / "brev"
    result = letters.run_monthly(
        letter_db, config=CONFIG, month=date(2026, 11, 1), as_of=AS_OF, out_dir=out, fmt="pdf"
    )
    assert not result.failed and len(result.made) == 3
    assert result.combined == out / "utskrift-2026-11.pdf"
    assert result.combined.stat().st_mode & 0o777 == 0o600
    pages = pdf_text(result.combined)
    assert len(pages) == 3
    assert [p.count("Person") for p in pages] == [1, 1, 1]
    manifest = (out / "manifest-2026-11.csv").read_text(encoding="utf-8").splitlines()
    assert all(line.endswith(",pdf,1,made,") for line in manifest[1:])


def test_without_weasyprint_pdf_says_what_to_install(
    letter_db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    refs = build_households(letter_db)
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import now raises ImportError
    with pytest.raises(PdfUnavailable, match=r"pip install 'bostadcli\[pdf\]'"):
        letters.render_letter(
            letter_db, refs["plain"], "outreach", config=CONFIG, as_of=AS_OF, fmt="pdf"
        )
    with pytest.raises(PdfUnavailable):
        letters.run_monthly(
            letter_db,
            config=CONFIG,
            month=date(2026, 11, 1),
            as_of=AS_OF,
            out_dir=tmp_path / "brev",
            fmt="pdf",
        )
    assert not (tmp_path / "brev").exists()
    html = letters.render_letter(
        letter_db, refs["plain"], "outreach", config=CONFIG, as_of=AS_OF, fmt="html"
    )
    assert b"Johan Lindqvist" in html.content


class _NoPango:
    """An import hook that fails the way WeasyPrint does when Pango is missing."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> ModuleSpec:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0': error 0x7e")
        return None  # type: ignore[return-value]


def test_without_pango_pdf_says_what_to_install(
    letter_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    refs = build_households(letter_db)
    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_NoPango(), *sys.meta_path])
    with pytest.raises(PdfUnavailable, match="Pango") as info:
        letters.render_letter(
            letter_db, refs["plain"], "outreach", config=CONFIG, as_of=AS_OF, fmt="pdf"
        )
    assert "libpango" in info.value.message


@needs_pdf
def test_monthly_pdf_in_workers_numbers_only_the_long_letters(
    letter_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two workers even on a one-core machine: the batch's parallel path, where a letter
    # longer than a page goes back to a worker for its page numbers.
    from bostadcli import pdf

    monkeypatch.setattr(pdf, "worker_count", lambda: 2)
    mine = tmp_path / "mallar"
    mine.mkdir()
    (mine / "outreach.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block body %}'
        "{% if household.street.endswith('1') %}"
        "{% for i in range(60) %}<p>Stycke {{ i }} om hur vi kan hjälpa till.</p>{% endfor %}"
        "{% endif %}<p>Hej.</p>{% endblock %}",
        encoding="utf-8",
    )
    for i in range(4):
        add_household(
            letter_db,
            NewHousehold(
                tenant_name=f"Person {i}", street=f"Gatan {i}", postal_code="44130", city="Ängby"
            ),
            as_of=AS_OF,
        )
    out = tmp_path / "brev"
    result = letters.run_monthly(
        letter_db,
        config=CONFIG,
        month=date(2026, 11, 1),
        as_of=AS_OF,
        out_dir=out,
        fmt="pdf",
        user_dir=mine,
    )
    assert not result.failed and len(result.made) == 4
    by_ref = {i.ref: pdf_text(i.file) for i in result.made}
    long_letters = [pages for pages in by_ref.values() if len(pages) > 1]
    assert len(long_letters) == 1
    pages = long_letters[0]
    for number, text in enumerate(pages, start=1):
        assert f"Sida {number} av {len(pages)}" in text
    assert all("Sida" not in pages[0] for pages in by_ref.values() if len(pages) == 1)
    manifest = (out / "manifest-2026-11.csv").read_text(encoding="utf-8").splitlines()
    assert sorted(line.rsplit(",", 3)[1] for line in manifest[1:]) == [
        "1",
        "1",
        "1",
        str(len(pages)),
    ]
    assert len(pdf_text(out / "utskrift-2026-11.pdf")) == 3 + len(pages)
