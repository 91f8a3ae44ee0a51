"""A letter in several copies (a plan agreement: the tenant's and the landlord's)
numbers each copy by itself, and only a copy longer than a page: never "Sida 1 av 1"."""

from __future__ import annotations

import io
import re

import pytest

pytest.importorskip("weasyprint")

from bostadcli import pdf


def _html(paragraphs: int, *, numbered: bool) -> str:
    margin = (
        '@top-right { content: "Sida " counter(page) " av " counter(pages); }' if numbered else ""
    )
    body = "".join(f"<p>Stycke {i}: text om planen.</p>" for i in range(paragraphs))
    return (
        '<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Plan</title>'
        f"<style>@page {{ size: A4; margin: 20mm; {margin} }}"
        " p { font-size: 12pt; margin: 0 0 6mm 0; }</style></head>"
        f"<body>{body}</body></html>"
    )


def _page_numbers(data: bytes) -> list[list[str]]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return [re.findall(r"Sida \d+ av \d+", page.extract_text()) for page in reader.pages]


def test_one_page_copies_have_no_page_numbers() -> None:
    data, pages = pdf.copies_to_pdf(
        [_html(3, numbered=False), _html(3, numbered=False)],
        numbered=[_html(3, numbered=True), _html(3, numbered=True)],
    )
    assert pages == 2
    assert _page_numbers(data) == [[], []]


def test_a_longer_copy_is_numbered_by_itself() -> None:
    data, pages = pdf.copies_to_pdf(
        [_html(60, numbered=False), _html(3, numbered=False)],
        numbered=[_html(60, numbered=True), _html(3, numbered=True)],
    )
    numbers = _page_numbers(data)
    assert pages == len(numbers) >= 3
    long_pages = pages - 1
    assert numbers[:long_pages] == [[f"Sida {i} av {long_pages}"] for i in range(1, long_pages + 1)]
    assert numbers[-1] == []
