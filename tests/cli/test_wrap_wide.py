"""Listings wrap text by its width on screen: wide characters (CJK, full-width
letters, emoji) take two cells, so a name made of them is wrapped, never cut short."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from bostadcli.cli.output import wrap_text


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("王小明 李华 张伟", 13),
        ("Ｆｕｌｌｗｉｄｔｈ Ｎａｍｅ", 13),
        ("Emoji 👨‍👩‍👧‍👦 🇸🇪 Family", 13),
        ("José Álvarez Ñúñez é́́", 13),
        ("王王王王王王王王王王", 5),
        ("brev/2026-11/王小明.pdf", 8),
        ("Åsa Öberg-Lindqvist", 6),
    ],
)
def test_wide_text_wraps_within_the_column_and_keeps_every_character(text: str, width: int) -> None:
    wrapped = wrap_text(text, width)
    lines = wrapped.split("\n")
    assert all(cell_len(line) <= width for line in lines), lines
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_a_wide_character_wider_than_the_column_stands_alone() -> None:
    assert wrap_text("王a王", 1).split("\n") == ["王", "a", "王"]


def test_plain_ascii_wraps_as_before() -> None:
    assert wrap_text("Anna  Andersson", 5) == "Anna\nAnder\nsson"
    assert wrap_text("brev/2026-11/x.pdf", 8) == "brev/\n2026-11/\nx.pdf"


def test_a_narrow_listing_keeps_a_cjk_name_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from rich.console import Console

    from bostadcli.cli import output
    from bostadcli.tabular import Column

    out = io.StringIO()
    console = Console(file=out, width=30, color_system=None, force_terminal=True)
    from bostadcli.cli import table_lines

    monkeypatch.setattr(table_lines, "plain_pipe", lambda file: False)
    monkeypatch.setattr(output, "_console", lambda: console)
    rows = [
        {"ref": "2026-0001", "tenant": "王小明 李华 张伟"},
        {"ref": "2026-0002", "tenant": "Ｆｕｌｌｗｉｄｔｈ Ｓｔｒｅｅｔ"},
    ]
    columns = [Column("ref", "Ärende"), Column("tenant", "Hyresgäst")]
    output.write_table(rows, columns)
    lines = out.getvalue().splitlines()
    assert all(cell_len(line) <= 30 for line in lines), lines
    shown = "".join(lines).replace(" ", "")
    for text in ("王小明李华张伟", "ＦｕｌｌｗｉｄｔｈＳｔｒｅｅｔ"):
        assert all(char in shown for char in text), (text, lines)
