"""Plain tables drawn a column at a time (``table_plain``): many rows of odd cells, as
rich draws them without colour, whether the cells come as rows of runs or as a list of
texts per column (``Grid.write(columns=...)``, the deadline screen's way)."""

from __future__ import annotations

import io
import random

import pytest

from bostadcli.cli.table_lines import Grid, GridColumn

# Cells that fit, that are too long, of many lines, with trailing spaces, no-break and
# soft hyphens, Latin letters, wide characters, combining marks and zero widths.
WORDS = [
    "",
    "a",
    "Åsa",
    "Öberg-Lindqvist",
    "2026-0042",
    "12\xa0500\xa0kr",
    "trailing  ",
    "  leading",
    "soft\xadhyphen",
    "漢字",
    "e\u0301",
    "ZWJ\u200dx",
    "ǅǈ ɐʃ ˿",
    "x" * 30,
]


def _text(rng: random.Random) -> str:
    lines = rng.choice([1, 1, 1, 2, 3])
    return "\n".join(
        " ".join(rng.choice(WORDS) for _w in range(rng.choice([1, 1, 2]))) for _l in range(lines)
    )


def _grid(seed: int, rows: int) -> tuple[Grid, list[list[str]]]:
    rng = random.Random(seed)
    columns = [
        GridColumn(rng.choice(["Ref", "Namn\nlångt", "Belopp", "漢字"]), rng.choice([1, 4, 9, 16]))
        for _c in range(rng.choice([1, 2, 4]))
    ]
    for column in columns:
        column.justify = rng.choice(["left", "right"])
        column.ellipsis = rng.random() < 0.5
    grid = Grid(columns, collapse_padding=rng.random() < 0.5)
    texts: list[list[str]] = [[] for _c in columns]
    for _r in range(rows):
        row = [_text(rng) if rng.random() < 0.9 else "" for _c in columns]
        if rng.random() < 0.05:
            row = [t.replace(" ", "\n") for t in row]
        for column, text in zip(texts, row, strict=True):
            column.append(text)
        grid.add_row(*row, end_section=rng.random() < 0.1)
    return grid, texts


@pytest.mark.parametrize("seed", range(40))
def test_columns_are_drawn_as_rich_draws_them(seed: int) -> None:
    from rich import box
    from rich.console import Console

    grid, texts = _grid(seed, rows=seed * 3)
    if grid.tabs:
        pytest.skip("a tab is left to rich")
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, color_system=None, force_terminal=False)
    console.print(grid.as_rich_table())
    by_rows = io.StringIO()
    grid.write(by_rows, box.SIMPLE_HEAD)
    by_columns = io.StringIO()
    grid.write(by_columns, box.SIMPLE_HEAD, columns=texts)
    assert by_rows.getvalue() == buffer.getvalue()
    assert by_columns.getvalue() == buffer.getvalue()
