"""PDFs for the archive and for screen readers: PDF/A-2b, tagged, PDF/UA-1 identified,
metadata without personal data; the print file's title and bookmarks; the year report."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bostadcli import letters
from bostadcli.db import open_database
from bostadcli.pdf import pdf_problem
from golden_letters import AS_OF, CONFIG, TRICKY_NAME, build_households

if TYPE_CHECKING:
    from sqlite_utils import Database

pytestmark = pytest.mark.skipif(pdf_problem() is not None, reason=str(pdf_problem()))

RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
PDFUAID = "{http://www.aiim.org/pdfua/ns/id/}"
PDFA_SCHEMA = "{http://www.aiim.org/pdfa/ns/schema#}"
DC = "{http://purl.org/dc/elements/1.1/}"

# What the tricky household's letters must never carry in their metadata.
PERSONAL = ("Åsa", "Öberg", "Örjan", "19811218", "9876", "Åkervägen", "44130", "441 30", "Alva")


@pytest.fixture
def letter_db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "t.sqlite", create=True)
    yield database
    database.close()


def reader(data: bytes | Path) -> Any:
    from pypdf import PdfReader

    return PdfReader(BytesIO(data) if isinstance(data, bytes) else str(data))


def xmp(data: bytes | Path) -> tuple[str, ET.Element]:
    """The XMP packet's text and its rdf:RDF element, parsed (it must be well-formed)."""
    root = reader(data).trailer["/Root"]
    text = root["/Metadata"].get_object().get_data().decode("utf-8")
    rdf = re.search(r"<rdf:RDF.*</rdf:RDF>", text, re.S)
    assert rdf is not None
    return text, ET.fromstring(rdf.group(0))


def description(rdf: ET.Element, name: str) -> str | None:
    """A property of the XMP, written as an attribute or as an element."""
    for desc in rdf.iter(f"{RDF}Description"):
        if name in desc.attrib:
            return desc.attrib[name]
        found = desc.find(name)
        if found is not None:
            return "".join(found.itertext()).strip()
    return None


def assert_archival(data: bytes, *, title: str, language: str) -> None:
    """PDF/A-2b with its output intent, tagged, PDF/UA-1 identified, titled."""
    pdf = reader(data)
    root = pdf.trailer["/Root"]
    assert pdf.pdf_header == "%PDF-1.7"
    assert root["/Lang"] == language
    assert bool(root["/MarkInfo"]["/Marked"])
    tree = root["/StructTreeRoot"].get_object()
    assert tree["/Type"] == "/StructTreeRoot" and len(tree["/K"]) >= 1
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    (intent,) = root["/OutputIntents"]
    intent = intent.get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    assert intent["/DestOutputProfile"].get_object().get_data()[36:40] == b"acsp"  # ICC
    assert pdf.metadata["/Title"] == title
    assert "/ID" in pdf.trailer
    _text, rdf = xmp(data)
    assert description(rdf, f"{PDFAID}part") == "2"
    assert description(rdf, f"{PDFAID}conformance") == "B"
    assert description(rdf, f"{PDFUAID}part") == "1"
    assert description(rdf, f"{DC}title") == title
    # PDF/A allows only the schemas it knows, or those the file describes.
    prefixes = [e.text for e in rdf.iter(f"{PDFA_SCHEMA}prefix")]
    assert prefixes == ["pdfuaid"]


def assert_no_personal_data(data: bytes) -> None:
    pdf = reader(data)
    info = " ".join(str(v) for v in pdf.metadata.values())
    text, _rdf = xmp(data)
    for secret in PERSONAL:
        assert secret not in info and secret not in text, secret


def struct_types(data: bytes) -> list[tuple[str, Any]]:
    """Every structure element's type and alternative text, depth first."""
    found: list[tuple[str, Any]] = []

    def walk(node: Any) -> None:
        node = node.get_object()
        if not hasattr(node, "get"):
            return
        if "/S" in node:
            found.append((node["/S"], node.get("/Alt")))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if hasattr(kid, "get_object"):
                walk(kid)

    walk(reader(data).trailer["/Root"]["/StructTreeRoot"])
    return found


def test_letter_is_pdf_a_and_pdf_ua_with_its_metadata(letter_db: Database) -> None:
    refs = build_households(letter_db)
    letter = letters.render_letter(
        letter_db, refs["tricky"], "outreach", config=CONFIG, as_of=AS_OF, fmt="pdf"
    )
    assert_archival(letter.content, title="Första brev: så kan vi hjälpa till", language="sv")
    info = reader(letter.content).metadata
    assert info["/Author"] == "Ängby kommun, Socialförvaltningen, Boendeenheten"
    assert info["/Subject"] == refs["tricky"]
    assert info["/CreationDate"] == info["/ModDate"] == "D:20261116"
    _text, rdf = xmp(letter.content)
    assert description(rdf, "{http://ns.adobe.com/xap/1.0/}CreateDate") == "2026-11-16"
    assert description(rdf, f"{DC}description") == refs["tricky"]
    assert_no_personal_data(letter.content)
    # The structure a screen reader follows: a heading and paragraphs, in order.
    kinds = [s for s, _alt in struct_types(letter.content)]
    assert "/H1" in kinds and kinds.count("/P") >= 3
    # Dated by the letter, not the clock: the same letter is the same bytes, a second
    # later too (the font subsets would otherwise carry the time they were made).
    time.sleep(1.1)
    again = letters.render_letter(
        letter_db, refs["tricky"], "outreach", config=CONFIG, as_of=AS_OF, fmt="pdf"
    )
    assert again.content == letter.content


def test_english_letter_says_english(letter_db: Database) -> None:
    from bostadcli.households import edit_household

    refs = build_households(letter_db)
    edit_household(letter_db, refs["tricky"], changes={"letter_language": "en"})
    letter = letters.render_letter(
        letter_db, refs["tricky"], "outreach", config=CONFIG, as_of=AS_OF, fmt="pdf"
    )
    assert_archival(letter.content, title="First letter: how we can help", language="en")
    # An English household without an English template gets Swedish, and a Swedish title.
    meeting = letters.render_letter(
        letter_db,
        refs["tricky"],
        "meeting",
        config=CONFIG,
        as_of=AS_OF,
        fmt="pdf",
        params={"date": "2026-11-25", "time": "13.30", "place": "Stadshuset"},
    )
    assert meeting.swedish_instead
    assert_archival(meeting.content, title="Inbjudan till möte", language="sv")


def test_plan_agreement_copies_make_one_archival_document(letter_db: Database) -> None:
    refs = build_households(letter_db)
    letter = letters.render_letter(
        letter_db, refs["tricky"], "plan_agreement", config=CONFIG, as_of=AS_OF, fmt="pdf"
    )
    assert_archival(letter.content, title="Överenskommelse om avbetalningsplan", language="sv")
    assert_no_personal_data(letter.content)
    pages = [
        " ".join(p.extract_text().replace("\u00a0", " ").split())
        for p in reader(letter.content).pages
    ]
    assert letter.pages == len(pages) >= 2
    # Each copy numbers its own pages.
    per_copy = len(pages) // 2
    for copy in (pages[:per_copy], pages[per_copy:]):
        for number, text in enumerate(copy, start=1):
            assert f"Sida {number} av {per_copy}" in text


def test_a_template_cannot_put_personal_data_in_the_metadata(
    letter_db: Database, tmp_path: Path
) -> None:
    refs = build_households(letter_db)
    mine = tmp_path / "mallar"
    mine.mkdir()
    (mine / "outreach.html.j2").write_text(
        '<!doctype html><html lang="{{ tenant.name }}">'
        "<head><title>{{ tenant.name }} {{ tenant.pnr }}</title>"
        '<meta name="author" content="{{ tenant.name }}">'
        '<meta name="description" content="{{ household.street }} {{ household.postal_code }}">'
        '<meta name="keywords" content="{{ tenant.pnr }}">'
        '<meta name="generator" content="{{ tenant.name }}">'
        '<meta name="dcterms.created" content="1981-12-18">'
        "</head><body><p>Hej {{ tenant.name }}</p></body></html>",
        encoding="utf-8",
    )
    letter = letters.render_letter(
        letter_db, refs["tricky"], "outreach", config=CONFIG, as_of=AS_OF, fmt="pdf", user_dir=mine
    )
    assert TRICKY_NAME.split()[0] in reader(letter.content).pages[0].extract_text()
    assert_no_personal_data(letter.content)
    assert reader(letter.content).trailer["/Root"]["/Lang"] == "sv"
    info = reader(letter.content).metadata
    assert "/Keywords" not in info and info["/Creator"] == "bostadcli"
    assert info["/CreationDate"] == "D:20261116"


def test_html_to_pdf_without_metadata_keeps_only_title_and_language() -> None:
    from bostadcli.pdf import html_to_pdf

    data, pages = html_to_pdf(
        '<html lang="en"><head><title>Plain</title><meta name="author" content="Someone">'
        "</head><body><p>Text</p></body></html>"
    )
    assert pages == 1
    assert_archival(data, title="Plain", language="en")
    assert "/Author" not in reader(data).metadata


def test_print_file_has_a_title_and_a_bookmark_per_letter(
    letter_db: Database, tmp_path: Path
) -> None:
    from bostadcli.households import NewHousehold, add_household

    refs = [
        add_household(
            letter_db,
            NewHousehold(
                tenant_name=f"Person {i}", street=f"Gatan {i}", postal_code="44130", city="Ängby"
            ),
            as_of=AS_OF,
        )
        for i in range(3)
    ]
    out = tmp_path / "brev"
    result = letters.run_monthly(
        letter_db, config=CONFIG, month=date(2026, 11, 1), as_of=AS_OF, out_dir=out, fmt="pdf"
    )
    assert not result.failed and result.combined is not None
    combined = reader(result.combined)
    assert combined.metadata["/Title"] == "Letters to print, 2026-11"
    assert combined.trailer["/Root"]["/PageMode"] == "/UseOutlines"
    outline = combined.outline
    assert [item.title for item in outline] == [
        f"{ref} first letter: how we can help" for ref in sorted(refs)
    ]
    # Each bookmark opens its letter: the page that names the person.
    for item in outline:
        page = combined.get_destination_page_number(item)
        ref = item.title.split()[0]
        person = f"Person {refs.index(ref)}"
        assert person in combined.pages[page].extract_text()
    # No name in the print file's own metadata either.
    assert "Person" not in " ".join(str(v) for v in combined.metadata.values())


def test_letters_made_in_workers_carry_their_metadata(
    letter_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bostadcli import pdf
    from bostadcli.households import NewHousehold, add_household

    monkeypatch.setattr(pdf, "worker_count", lambda: 2)
    mine = tmp_path / "mallar"
    mine.mkdir()
    # One letter longer than a page: it goes back to a worker for its page numbers.
    (mine / "outreach.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block body %}'
        "{% if household.street.endswith('1') %}"
        "{% for i in range(60) %}<p>Stycke {{ i }}.</p>{% endfor %}"
        "{% endif %}<p>Hej.</p>{% endblock %}",
        encoding="utf-8",
    )
    for i in range(3):
        add_household(
            letter_db,
            NewHousehold(
                tenant_name=f"Person {i}", street=f"Gatan {i}", postal_code="44130", city="Ängby"
            ),
            as_of=AS_OF,
        )
    result = letters.run_monthly(
        letter_db,
        config=CONFIG,
        month=date(2026, 11, 1),
        as_of=AS_OF,
        out_dir=tmp_path / "brev",
        fmt="pdf",
        user_dir=mine,
    )
    assert not result.failed and len(result.made) == 3
    assert sorted(len(reader(i.file).pages) for i in result.made)[-1] > 1
    for item in result.made:
        data = item.file.read_bytes()
        assert_archival(data, title="Första brev: så kan vi hjälpa till", language="sv")
        assert reader(data).metadata["/Subject"] == item.ref


def test_combine_needs_one_bookmark_per_file(tmp_path: Path) -> None:
    from bostadcli.pdf import combine, html_to_pdf

    path = tmp_path / "a.pdf"
    path.write_bytes(html_to_pdf('<html lang="sv"><title>A</title><p>A</p></html>')[0])
    with pytest.raises(ValueError, match="one bookmark per file"):
        combine([path, path], bookmarks=["one"])
    assert reader(combine([path, path])).metadata.get("/Title") is None


def test_year_report_pdf(letter_db: Database, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from bostadcli.cli.app import app

    build_households(letter_db)
    db_path = Path(letter_db.conn.execute("PRAGMA database_list").fetchone()[2])
    config = tmp_path / "config.toml"
    config.write_text(
        '[letterhead]\norganisation = "Ängby kommun"\nunit = "Boendeenheten"\n', encoding="utf-8"
    )
    env = {"BOSTAD_DB": str(db_path), "BOSTAD_CONFIG": str(config)}
    out = tmp_path / "arsrapport.pdf"
    args = ["report", "year", "--year", "2026", "--format", "pdf", "--as-of", "2026-12-31"]
    result = CliRunner().invoke(app, [*args, "--out", str(out)], env=env)
    assert result.exit_code == 0, result.stderr
    assert out.stat().st_mode & 0o777 == 0o600
    data = out.read_bytes()
    assert_archival(data, title="Årsrapport 2026", language="sv")
    info = reader(data).metadata
    assert info["/Author"] == "Ängby kommun, Boendeenheten"
    assert "/Subject" not in info and info["/CreationDate"] == "D:20261231"
    assert_no_personal_data(data)
    # The charts have the alternative text a screen reader reads.
    figures = [alt for kind, alt in struct_types(data) if kind == "/Figure"]
    assert figures == ["Utfall för avslutade ärenden", "Nya ärenden per månad"]
    # To standard output when it is not a terminal, the same bytes.
    piped = CliRunner().invoke(app, args, env=env)
    assert piped.exit_code == 0 and piped.stdout_bytes == data
    # An existing file is not overwritten without --force, and stays as it was.
    out.write_bytes(b"old")
    again = CliRunner().invoke(app, [*args, "--out", str(out)], env=env)
    assert again.exit_code != 0 and out.read_bytes() == b"old"


def test_year_report_pdf_without_weasyprint(
    letter_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from typer.testing import CliRunner

    from bostadcli.cli.app import app

    monkeypatch.setitem(sys.modules, "weasyprint", None)
    db_path = Path(letter_db.conn.execute("PRAGMA database_list").fetchone()[2])
    out = tmp_path / "arsrapport.pdf"
    result = CliRunner().invoke(
        app,
        ["report", "year", "--year", "2026", "--format", "pdf", "--out", str(out)],
        env={"BOSTAD_DB": str(db_path), "BOSTAD_CONFIG": str(tmp_path / "none.toml")},
    )
    assert result.exit_code == 1
    assert "pip install 'bostadcli[pdf]'" in result.stderr
    assert not out.exists() and list(tmp_path.glob("arsrapport*")) == []
