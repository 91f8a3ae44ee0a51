"""A table of ``table_lines`` drawn without colour: its lines as plain text, in one
pass, as rich would draw them to a console that has no colour (``Grid.write``).

Columns whose every line is text of one cell a character that fits are padded a
column at a time (``str.ljust``); any other cell is measured and cut as rich does.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from itertools import accumulate
from typing import Any

from bostadcli.cli.table_lines import (
    _CONTROL,
    _MANY_LINES,
    _STRIPPED,
    Grid,
    _cut,
    _one_cell_each,
    text_width,
)


def plain_lines(
    grid: Grid, drawn_box: Any, columns: list[list[str]] | None = None
) -> Iterator[str]:
    """The table's lines without colour, in ``drawn_box`` (rich's ``SIMPLE_HEAD``
    as the console gives it); the cells' texts a list per column, ``columns``, when
    given, else those of ``grid.rows`` (their runs' texts joined)."""
    pads = grid._pads()
    widths = [c.width + left + right for c, (left, right) in zip(grid.columns, pads, strict=True)]
    specs = [
        (c.width, c.justify == "right", c.ellipsis, " " * left, " " * right)
        for c, (left, right) in zip(grid.columns, pads, strict=True)
    ]
    blanks = [" " * w for w in widths]
    sizes: dict[str, int] = {}
    head_rule = drawn_box.get_row(widths, "head", edge=False)
    section_rule = drawn_box.get_row(widths, "row", edge=False)
    if columns is None:
        body = [
            [c[0][0] if len(c) == 1 else "".join(t for t, _s in c) for c in row]
            for row in grid.rows
        ]
        # (A row given more cells than the grid has columns draws only the first ones.)
        columns = [list(texts) for texts in zip(*body, strict=False)][: len(grid.columns)]
    if not columns:
        columns = [[] for _c in grid.columns]
    last = len(columns[0]) if columns else 0
    # The columns whose every cell is one line that fits, drawn a column at a time.
    padded = [_padded_column(texts, *spec) for texts, spec in zip(columns, specs, strict=True)]
    if all(cells is not None for cells in padded) and not any(
        _MANY_LINES.search(c.heading) for c in grid.columns
    ):
        # Every cell one line that fits: the rows are their columns side by side.
        yield from _simple_lines(grid, drawn_box, padded, specs, sizes, last)
        return
    yield from _header_lines(grid, drawn_box, specs, blanks, sizes)
    yield head_rule
    # Every cell as its lines, a column at a time: each distinct text drawn once (a long
    # screen repeats many: a day and its days left, a child count, a band's heading),
    # padded in one go where the column allows it.
    drawn: list[list[list[str]]] = []
    for texts, spec, whole in zip(columns, specs, padded, strict=True):
        if whole is not None:
            drawn.append([[line] for line in whole])
            continue
        distinct = list(dict.fromkeys(texts))
        found = _padded_lines(distinct, sizes, *spec)
        if found is None:
            found = [_plain_lines(t, sizes, *spec) for t in distinct]
        drawn.append(list(map(dict(zip(distinct, found, strict=True)).__getitem__, texts)))
    # Each row as tall as its tallest cell, the others given blank lines below; then the
    # lines of every column side by side, a section's rule after its last row.
    heights = list(map(max, zip(*(list(map(len, cells)) for cells in drawn), strict=True)))
    flat: list[list[str]] = []
    for cells, blank in zip(drawn, blanks, strict=True):
        lines: list[str] = []
        for cell, height in zip(cells, heights, strict=True):
            lines += cell
            if len(cell) != height:
                lines += [blank] * (height - len(cell))
        flat.append(lines)
    drawn_lines = list(map(drawn_box.mid_vertical.join, zip(*flat, strict=True)))
    ends = list(accumulate(heights))
    start = 0
    for index in sorted(i for i in grid.section_ends if 0 <= i < last - 1):
        yield from drawn_lines[start : ends[index]]
        yield section_rule
        start = ends[index]
    yield from drawn_lines[start:]


def _header_lines(
    grid: Grid,
    drawn_box: Any,
    specs: list[tuple[int, bool, bool, str, str]],
    blanks: list[str],
    sizes: dict[str, int],
) -> Iterator[str]:
    """The header's lines: a heading of fewer lines sits at the bottom, over the rule."""
    cells = [
        _plain_lines(c.heading, sizes, *spec) for c, spec in zip(grid.columns, specs, strict=True)
    ]
    height = max(len(lines) for lines in cells)
    for n in range(height):
        parts = []
        for lines, blank in zip(cells, blanks, strict=True):
            at = n - (height - len(lines))
            parts.append(lines[at] if 0 <= at < len(lines) else blank)
        yield drawn_box.head_vertical.join(parts)


def _simple_lines(
    grid: Grid,
    drawn_box: Any,
    padded: list[list[str] | None],
    specs: list[tuple[int, bool, bool, str, str]],
    sizes: dict[str, int],
    rows: int,
) -> Iterator[str]:
    """``plain_lines`` when every column is ``_padded_column``'s and every heading one
    line: the header, its rule, then each row's cells joined, a rule after each
    section."""
    widths = [width + len(before) + len(after) for width, _r, _e, before, after in specs]
    yield drawn_box.head_vertical.join(
        _one_line(c.heading, sizes, *spec) for c, spec in zip(grid.columns, specs, strict=True)
    )
    yield drawn_box.get_row(widths, "head", edge=False)
    lines = map(drawn_box.mid_vertical.join, zip(*padded, strict=True))
    if not grid.section_ends:
        yield from lines
        return
    section_rule = drawn_box.get_row(widths, "row", edge=False)
    last = rows - 1
    for index, line in enumerate(lines):
        yield line
        if index in grid.section_ends and index != last:
            yield section_rule


def _padded_column(
    texts: list[str], width: int, right: bool, _ellipsis: bool, before: str, after: str
) -> list[str] | None:
    """``_one_line`` of every cell of a column, when each is printable text of one cell
    a character that fits the column (else None): padded by ``str.ljust``/``rjust``."""
    if not _one_cell_each("".join(texts)):
        return None
    if right:
        texts = [t.rstrip() for t in texts]
    if max(map(len, texts), default=0) > width:
        return None
    if right:
        return [before + t.rjust(width) + after for t in texts]
    return [before + t.ljust(width) + after for t in texts]


def _padded_lines(
    texts: list[str],
    sizes: dict[str, int],
    width: int,
    right: bool,
    ellipsis: bool,
    before: str,
    after: str,
) -> list[list[str]] | None:
    """``_plain_lines`` of every cell of a column, when every line of each is printable
    text of one cell a character (else None): padded by ``str.ljust``/``rjust``, a cell
    with a line too long for the column cut by ``_plain_lines``."""
    joined = "\n".join(texts)
    if not _one_cell_each(joined.replace("\n", " ")):
        return None
    # Every line of the column padded in one go, then shared out to the cells; a cell
    # with a line too long is drawn by ``_plain_lines`` instead.
    lines = joined.split("\n")
    if right:
        lines = [line.rstrip() for line in lines]
        padded = [before + line.rjust(width) + after for line in lines]
    else:
        padded = [before + line.ljust(width) + after for line in lines]
    ends = list(accumulate(text.count("\n") + 1 for text in texts))
    cut = {bisect_right(ends, at) for at, line in enumerate(lines) if len(line) > width}
    spec = (width, right, ellipsis, before, after)
    out = []
    start = 0
    for k, (text, end) in enumerate(zip(texts, ends, strict=True)):
        out.append(_plain_lines(text, sizes, *spec) if k in cut else padded[start:end])
        start = end
    return out


def _one_line(
    text: str,
    sizes: dict[str, int],
    width: int,
    right: bool,
    ellipsis: bool,
    before: str,
    after: str,
) -> str:
    """``_plain_lines`` of a cell of one line without control codes; ``sizes`` keeps
    the widths of the texts met so far."""
    if right:
        text = text.rstrip()
    size = sizes.get(text)
    if size is None:
        size = sizes[text] = text_width(text)
    if size > width:
        text = "".join(t for t, _s in _cut([(text, "")], width, ellipsis))
        size = width
    if right:
        return before + " " * (width - size) + text + after
    return before + text + " " * (width - size) + after


def _plain_lines(
    text: str,
    sizes: dict[str, int],
    width: int,
    right: bool,
    ellipsis: bool,
    before: str,
    after: str,
) -> list[str]:
    """A cell's lines without colour, padded to the column: ``_cell_lines`` for one
    run of text, with the column's padding ``before`` and ``after``; ``sizes`` keeps
    the widths of the texts met so far."""
    if _CONTROL.search(text):
        text = text.translate(_STRIPPED)
    lines = text.split("\n") if "\n" in text else (text,)
    return [_one_line(line, sizes, width, right, ellipsis, before, after) for line in lines]
