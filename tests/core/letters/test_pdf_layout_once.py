"""A letter is laid out once: with page numbers, which a letter that fits on one page
loses again, when the numbered text differs from the plain one only by margin boxes;
the PDF is byte for byte the one laid out twice. Letters are written without object
streams, so that the print file reads them quickly."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bostadcli import pdf
from bostadcli.templating import packaged_templates

needs_pdf = pytest.mark.skipif(pdf.pdf_problem() is not None, reason=str(pdf.pdf_problem()))

META = pdf.PdfMeta(
    titles={"sv": "Brev"}, author="Exempelby kommun", created=date(2026, 11, 16), subject="2026-1"
)
MARGIN = '\n  @top-right {\n    content: "Sida " counter(page) " av " counter(pages);\n  }\n'


def _page(body: str, *, numbered: bool, extra_css: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="sv"><head><title>t</title><style>\n@page {\n'
        "  size: A4;\n  margin: 20mm;\n"
        + (MARGIN if numbered else "")
        + "}\n"
        + extra_css
        + "</style></head><body>"
        + body
        + "</body></html>"
    )


def _base_url() -> str:
    return str(packaged_templates()) + "/"


def test_only_added_margin_boxes_inside_a_page_rule_count() -> None:
    single = _page("<p>Hej</p>", numbered=False)
    assert pdf.margin_boxes_added(single, _page("<p>Hej</p>", numbered=True)) == {"top-right"}
    # Anything else differing, or nothing added: laid out as before.
    assert pdf.margin_boxes_added(single, single) is None
    assert pdf.margin_boxes_added(single, _page("<p>Hej då</p>", numbered=True)) is None
    assert pdf.margin_boxes_added(single, single.replace("20mm", "30mm")) is None
    # The same text in the body, not in the style sheet.
    in_body = single.replace("<p>Hej</p>", "<p>Hej" + MARGIN + "</p>")
    assert pdf.margin_boxes_added(single, in_body) is None
    # A rule left open, a comment left open, another kind of rule.
    for inserted in ("@top-right { content: 'x';", "/* @top-right {} ", "p { color: red }"):
        hostile = single.replace("margin: 20mm;\n", "margin: 20mm;\n" + inserted, 1)
        assert pdf.margin_boxes_added(single, hostile) is None, inserted
    # A box the plain text names itself (its own @top-right) would be taken off too.
    own = "@page :first { @top-right { content: 'Kopia' } }\n"
    assert (
        pdf.margin_boxes_added(
            _page("<p>Hej</p>", numbered=False, extra_css=own),
            _page("<p>Hej</p>", numbered=True, extra_css=own),
        )
        is None
    )


@needs_pdf
@pytest.mark.parametrize("paragraphs", [3, 80])
def test_laid_out_once_gives_the_bytes_of_laid_out_twice(
    paragraphs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "".join(f"<p>Stycke {i} om hur vi kan hjälpa till.</p>" for i in range(paragraphs))
    single, numbered = _page(body, numbered=False), _page(body, numbered=True)
    once, pages = pdf.letter_pdf(single, numbered, base_url=_base_url(), meta=META)
    layouts: list[str] = []
    layout = pdf._layout

    def counted(html: str, base_url: str | None) -> object:
        layouts.append(html)
        return layout(html, base_url)

    monkeypatch.setattr(pdf, "margin_boxes_added", lambda *_a: None)
    monkeypatch.setattr(pdf, "_layout", counted)
    twice, pages_twice = pdf.letter_pdf(single, numbered, base_url=_base_url(), meta=META)
    assert (once, pages) == (twice, pages_twice)
    assert (pages > 1) == (paragraphs > 10)
    assert len(layouts) == (2 if pages > 1 else 1)
    text = " ".join(p.extract_text() for p in pdf.pypdf().PdfReader(_bytes_io(once)).pages)
    assert ("Sida 1 av" in text) == (pages > 1)


@needs_pdf
def test_a_letter_is_written_without_object_streams_and_stays_pdf_a(tmp_path: Path) -> None:
    data, _pages = pdf.letter_pdf(
        _page("<p>Hej</p>", numbered=False),
        _page("<p>Hej</p>", numbered=True),
        base_url=_base_url(),
        meta=META,
    )
    assert b"/ObjStm" not in data and b"\nxref\n" in data
    reader = pdf.pypdf().PdfReader(_bytes_io(data))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in xmp and b"pdfuaid:part" in xmp
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    path = tmp_path / "brev.pdf"
    path.write_bytes(data)
    combined = pdf.combine([path, path], title="Utskrift", bookmarks=["a", "b"])
    assert len(pdf.pypdf().PdfReader(_bytes_io(combined)).pages) == 2


def _bytes_io(data: bytes) -> object:
    from io import BytesIO

    return BytesIO(data)
