"""The page-number proof reads the letter as an HTML parser does: text that only looks
like a style sheet (in an attribute, a comment, a script, a title or a text area) is not
one, so a hostile template cannot have a letter laid out with the numbered text's body
and no page numbers."""

from __future__ import annotations

import pytest

from bostadcli import pdf

BOX = '@top-right{content:"Sida " counter(page)}'


def _letter(trap: str, *, numbered: bool) -> str:
    # The numbered text adds the box right after the trap's "@page {".
    added = BOX if numbered else ""
    return (
        "<!DOCTYPE html><html><head><title>t</title>"
        "<style>@page{size:A4;margin:20mm}</style></head><body>"
        f"<p>Hej</p>{trap.format(box=added)}</body></html>"
    )


@pytest.mark.parametrize(
    "trap",
    [
        "<div data-x='<style>@page {{ {box}'></div>",  # in an attribute
        '<div title="x"><!-- <style>@page {{ {box} --></div>',  # in a comment
        "<script>var s = '<style>@page {{ {box}';</script>",  # in a script
        "<textarea><style>@page {{ {box}</textarea>",  # in a text area
        "<noscript><style>@page {{ {box}</style></noscript>",  # in a text element
    ],
)
def test_a_style_sheet_lookalike_is_not_a_style_sheet(trap: str) -> None:
    single, numbered = _letter(trap, numbered=False), _letter(trap, numbered=True)
    assert pdf.margin_boxes_added(single, numbered) is None


def test_a_real_page_rule_still_counts() -> None:
    single = "<html><head><style>@page { size: A4; }</style></head><body>x</body></html>"
    numbered = single.replace("size: A4; ", "size: A4; " + BOX)
    assert pdf.margin_boxes_added(single, numbered) == {"top-right"}
