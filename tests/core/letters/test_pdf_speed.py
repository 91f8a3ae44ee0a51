"""What makes PDF letters faster changes no byte of them: a letter template's style
sheet parsed once per process, and the print file combined in parts."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path

import pytest

from bostadcli import pdf
from bostadcli.templating import packaged_templates

needs_pdf = pytest.mark.skipif(pdf.pdf_problem() is not None, reason=str(pdf.pdf_problem()))

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "letters"
META = pdf.PdfMeta(titles={"sv": "Brev"}, author="Exempelby kommun", created=date(2026, 11, 16))


def _base_url() -> str:
    return str(packaged_templates()) + "/"


def _letters() -> list[str]:
    names = ("outreach-plain.html", "outreach-eviction.html", "meeting-visit.html")
    return [(GOLDEN / name).read_text(encoding="utf-8") for name in names]


def _pdfs(htmls: list[str]) -> list[bytes]:
    return [pdf.html_to_pdf(html, base_url=_base_url(), meta=META)[0] for html in htmls]


@needs_pdf
def test_a_style_sheet_parsed_once_gives_the_same_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    import weasyprint
    import weasyprint.css

    htmls = _letters()
    pdf.html_to_pdf(htmls[0], base_url=_base_url(), meta=META)
    assert weasyprint.css.CSS is not weasyprint.CSS  # parsed sheets are kept
    kept = _pdfs(htmls + htmls)
    with monkeypatch.context() as patch:
        patch.setattr(weasyprint.css, "CSS", weasyprint.CSS)
        each_time = _pdfs(htmls)
    assert kept == each_time + each_time


@needs_pdf
def test_a_sheet_that_registers_something_is_parsed_for_each_letter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import weasyprint
    import weasyprint.css

    counters = """<!DOCTYPE html><html lang="sv"><head><style>
    @counter-style stjarna { system: cyclic; symbols: "*" "+"; suffix: " "; }
    ol { list-style-type: stjarna; }
    </style></head><body><ol><li>ett</li><li>två</li></ol></body></html>"""
    pdf.html_to_pdf(counters, base_url=_base_url(), meta=META)
    kept = _pdfs([counters, counters])
    with monkeypatch.context() as patch:
        patch.setattr(weasyprint.css, "CSS", weasyprint.CSS)
        each_time = _pdfs([counters])
    assert kept == each_time + each_time
    text = pdf.pypdf().PdfReader(BytesIO(kept[1])).pages[0].extract_text()
    assert "* " in text and "+ " in text  # the markers of the registered counter style


def _describe(data: bytes) -> tuple[object, ...]:
    reader = pdf.pypdf().PdfReader(BytesIO(data))
    outline = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]
    texts = [page.extract_text() for page in reader.pages]
    return len(reader.pages), outline, reader.metadata.title, reader.page_mode, texts


@needs_pdf
def test_the_print_file_combined_in_parts_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = []
    for n, data in enumerate(_pdfs(_letters()) * 3):
        paths.append(tmp_path / f"brev-{n}.pdf")
        paths[-1].write_bytes(data)
    marks = [f"2026-{n:04} Första brevet" for n in range(len(paths))]
    whole = pdf.combine(paths, title="Brev att skriva ut", bookmarks=marks)
    monkeypatch.setattr(pdf, "COMBINE_PART_MIN", 2)
    monkeypatch.setattr(pdf, "worker_count", lambda: 3)
    in_parts = pdf.combine(paths, title="Brev att skriva ut", bookmarks=marks)
    assert _describe(in_parts) == _describe(whole)
    pages, outline, title, mode, _texts = _describe(in_parts)
    assert pages == len(paths) and [m for m, _p in outline] == marks
    assert [p for _m, p in outline] == list(range(len(paths)))
    assert title == "Brev att skriva ut" and mode == "/UseOutlines"
    # Without bookmarks the letters keep their own outlines, in parts as in one.
    reader = pdf.pypdf().PdfReader(BytesIO(pdf.combine(paths)))
    assert len(reader.pages) == len(paths) and reader.outline


def test_a_damaged_letter_fails_the_print_file_combined_in_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [tmp_path / f"brev-{n}.pdf" for n in range(6)]
    for path in paths:
        path.write_bytes(b"%PDF-1.7\nnot a pdf")
    monkeypatch.setattr(pdf, "COMBINE_PART_MIN", 2)
    monkeypatch.setattr(pdf, "worker_count", lambda: 2)
    with pytest.raises(Exception) as raised:
        pdf.combine(paths, bookmarks=[str(n) for n in range(6)])
    assert not isinstance(raised.value, pdf.PdfUnavailable)


@needs_pdf
def test_a_letter_that_looks_long_is_numbered_at_once_and_only_when_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Letters of a kind that came out longer than a page teach the batch how long such
    a letter is: a later one as long is laid out with page numbers at once. One that is
    long only in its source (a comment) still ends without them, on one page."""
    from bostadcli import letters
    from bostadcli.db import open_database
    from bostadcli.households import NewHousehold, add_household
    from golden_letters import AS_OF, CONFIG

    monkeypatch.setattr(pdf, "worker_count", lambda: 2)
    laid_out: list[bool] = []
    submit = pdf.RenderPool.submit

    def counted(self: pdf.RenderPool, html: str, base_url: str | None, **kw: object) -> object:
        laid_out.append(bool(kw.get("one_page")))
        return submit(self, html, base_url, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(pdf.RenderPool, "submit", counted)
    mine = tmp_path / "mallar"
    mine.mkdir()
    (mine / "outreach.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block body %}'
        "{% set n = household.street.split()[-1] | int %}"
        "{% if n % 3 == 1 %}"
        "{% for i in range(60) %}<p>Stycke {{ i }} om hur vi kan hjälpa till.</p>{% endfor %}"
        "{% elif n % 3 == 2 and n > 12 %}<!-- {{ 'x' * 20000 }} -->"
        "{% endif %}<p>Hej.</p>{% endblock %}",
        encoding="utf-8",
    )
    db = open_database(tmp_path / "t.sqlite", create=True)
    for i in range(18):
        add_household(
            db,
            NewHousehold(
                tenant_name=f"Person {i}", street=f"Gatan {i}", postal_code="44130", city="Ängby"
            ),
            as_of=AS_OF,
        )
    result = letters.run_monthly(
        db,
        config=CONFIG,
        month=date(2026, 11, 1),
        as_of=AS_OF,
        out_dir=tmp_path / "brev",
        fmt="pdf",
        user_dir=mine,
    )
    db.close()
    assert not result.failed and len(result.made) == 18
    for item in result.made:
        n = int(item.address.split("Gatan ")[1].split()[0])
        reader = pdf.pypdf().PdfReader(str(item.file))
        text = " ".join(page.extract_text() for page in reader.pages)
        if n % 3 == 1:
            assert len(reader.pages) > 1 and "Sida 1 av" in text, n
        else:
            assert len(reader.pages) == 1 and "Sida" not in text, n
    # Without the guess: each of the 12 short letters once, each of the 6 long ones twice
    # (first without page numbers): 24. With it the long ones after the first one or two
    # are laid out once, with page numbers, and the two letters long only in their
    # source twice (with page numbers first, then without).
    assert len(laid_out) <= 12 + 2 + 6 + 2
    assert laid_out.count(False) >= 6
