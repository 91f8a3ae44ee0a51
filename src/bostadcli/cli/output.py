"""One renderer for every listing: table for a terminal, CSV/JSON/JSONL for pipes.

stdout carries only data. CSV and JSON carry stable snake_case fields, ISO dates, money
as integer öre plus a formatted field, and never colour codes.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from enum import StrEnum
from typing import IO, TYPE_CHECKING, Any, cast

from bostadcli.tabular import (
    TEXT_FORMATS,
    Column,
    data_fields,
    format_ore,
    neutralise,
    write_csv,
    write_json,
    write_json_document,
    write_jsonl,
)

if TYPE_CHECKING:
    from rich.console import JustifyMethod

    from bostadcli.tabular import CsvDialect

__all__ = [
    "Column",
    "Format",
    "cell_text",
    "data_fields",
    "deadline_style",
    "emit",
    "neutralise",
    "write_csv",
    "write_document",
    "write_json",
    "write_jsonl",
    "write_table",
]


class Format(StrEnum):
    """A listing's --format: a table for a terminal, or a text format the core writes."""

    table = "table"
    csv, json, jsonl = TEXT_FORMATS


def write_document(data: Any, out: IO[str] | None = None) -> None:
    """One JSON document (``show --format json``)."""
    if out is None or out is sys.stdout:
        from bostadcli.cli.encoding import data_stdout

        data_stdout()
    write_json_document(data, sys.stdout if out is None else out)


def deadline_style(days_left: int | None) -> str:
    """The colour of a date by its days left: the one scale of ``cli.urgency``."""
    from bostadcli.cli.urgency import urgency_style

    return urgency_style(days_left)


def cell_text(column: Column, row: dict[str, Any]) -> str:
    value = row.get(column.key)
    if column.show is not None:
        return column.show(value, row)
    if value is None:
        return ""
    if column.kind == "money":
        return format_ore(value)
    if column.kind == "bool":
        from bostadcli.i18n import _

        return _("yes") if value else ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


# Columns a narrow terminal drops first, in this order, when the table cannot fit
# otherwise: what is kept in CSV and JSON but rarely read on a screen. A listing may
# name its own with ``drop``.
LOW_VALUE = (
    "template_version",
    "format",
    "period",
    "created_at",
    "command",
    "table_name",
    "row_id",
    "postal_code",
    "city",
    "street",
    "landlord",
    "opened_on",
    "closed_on",
    "status",
    "caseworker",
)
# A column of free text is at least as wide as its longest word up to TEXT_CAP; when the
# terminal is too narrow even for that it may shrink to TEXT_FLOOR and fold longer words.
TEXT_FLOOR = 8
TEXT_CAP = 18
# Free text this wide reads with ease; low-value columns give way to give it that.
COMFORTABLE = 20
# The space between two columns of a listing (padding, rule, padding).
GAP = 3


def unbreakable(column: Column) -> bool:
    """Whether a column's cells must stay on one line: amounts, dates, references."""
    key = column.key
    return (
        column.no_wrap
        or column.kind == "money"
        or key in ("ref", "plan", "plan_ref", "household", "at", "phone")
        or key.endswith("_on")
    )


def _words(text: str) -> list[str]:
    # Only ordinary spaces and newlines break: an amount keeps its no-break spaces.
    return [w for line in text.split("\n") for w in line.split(" ") if w]


def _lines(cells: list[str]) -> list[str]:
    """Every line of every cell."""
    if not any("\n" in c for c in cells):
        return cells
    return [line for c in cells for line in c.split("\n")]


def column_floor(column: Column, cells: list[str]) -> int:
    """The narrowest a column should be: whole values where they must not break, else
    its longest word (of the heading too: key words stay whole), capped for free text."""
    from bostadcli.cli.table_lines import widest

    head = widest(_words(column.heading))
    if unbreakable(column):
        return max(head, widest(_lines(cells)))
    longest = widest([w for line in _lines(cells) for w in line.split(" ") if w])
    return max(head, min(longest, TEXT_CAP))


def column_natural(column: Column, cells: list[str]) -> int:
    """The width a column takes when nothing presses on it."""
    from bostadcli.cli.table_lines import text_width, widest

    return max(text_width(column.heading), widest(_lines(cells)))


def fit_columns(
    columns: list[Column],
    texts: list[list[str]],
    width: int,
    drop: tuple[str, ...] = LOW_VALUE,
) -> tuple[list[int], list[int]]:
    """Which columns to show in ``width`` cells, and how wide each is.

    ``texts`` holds each column's cell texts. While the floors of the kept columns and
    the space between them do not fit, a column goes: first one empty in every row, then
    the low-value ones of ``drop`` in order; then free-text columns shrink toward
    ``TEXT_FLOOR`` (never below their heading's longest word). The room left is shared
    out by ``share_widths``. Returns the kept indexes and their widths.
    """
    from rich.cells import cell_len

    # Each column's distinct texts: a long listing repeats many (reasons, landlords).
    texts = [list(dict.fromkeys(t)) for t in texts]
    floors = [column_floor(c, t) for c, t in zip(columns, texts, strict=True)]
    # What a column needs to be read with ease: free text some twenty cells wide.
    easy = [
        f if unbreakable(c) else max(f, min(column_natural(c, t), COMFORTABLE))
        for c, t, f in zip(columns, texts, floors, strict=True)
    ]
    keep = list(range(len(columns)))

    def needed(widths: list[int] = floors) -> int:
        return sum(widths[i] for i in keep) + GAP * (len(keep) - 1)

    for i in [i for i, t in enumerate(texts) if not any(t)]:
        if needed(easy) <= width or len(keep) == 1:
            break
        keep.remove(i)
    for key in drop:
        if needed(easy) <= width:
            break
        keep = [i for i in keep if columns[i].key != key or len(keep) == 1]
    # Last, the rightmost columns go (never the first, which names the record): a
    # value cut to "2026-12-…" misleads, a column missing is plain to see.
    while len(keep) > 1 and needed() - _shrinkable(columns, keep, floors) > width:
        keep.pop()
    while needed() > width:
        heads = {i: max((cell_len(w) for w in _words(columns[i].heading)), default=0) for i in keep}
        shrinkable = [
            i for i in keep if not unbreakable(columns[i]) and floors[i] > max(TEXT_FLOOR, heads[i])
        ]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: floors[i])
        floors[widest] -= 1
    naturals = [column_natural(columns[i], texts[i]) for i in keep]
    widths = share_widths([floors[i] for i in keep], naturals, width - GAP * (len(keep) - 1))
    return keep, widths


def _shrinkable(columns: list[Column], keep: list[int], floors: list[int]) -> int:
    """How many cells the free-text columns could still give up."""
    from rich.cells import cell_len

    room = 0
    for i in keep:
        if unbreakable(columns[i]):
            continue
        head = max((cell_len(w) for w in _words(columns[i].heading)), default=0)
        room += max(0, floors[i] - max(TEXT_FLOOR, head))
    return room


def share_widths(floors: list[int], naturals: list[int], width: int) -> list[int]:
    """Each column's width in ``width`` cells: every column gets its floor, and the room
    left is shared fairly among the columns that want more: a column that needs little
    (a name) gets all it needs before a long text takes the rest."""
    widths = [max(f, 1) for f in floors]
    room = width - sum(widths)
    wants = [max(0, n - w) for n, w in zip(naturals, widths, strict=True)]
    waiting = sorted((i for i in range(len(wants)) if wants[i]), key=lambda i: wants[i])
    while waiting and room > 0:
        i = waiting.pop(0)
        given = min(wants[i], room // (len(waiting) + 1))
        widths[i] += given
        room -= given
    return widths


def wrap_text(text: str, width: int) -> str:
    """Text wrapped at spaces to ``width``, lines joined by newlines.

    Only ordinary spaces break a line: an amount ("14 900 kr") is written with no-break
    spaces and stays whole, as does a date. A word longer than a line is folded (a path
    after a slash where it can).
    """
    if width <= 0:
        return text
    from bostadcli.cli.terminal_text import shown

    # Without the characters no screen shows (``terminal_text``): an escape is ASCII
    # but takes no cell, so a length would count it.
    text = shown(text)
    one_line = (
        "\n" not in text
        and "  " not in text
        and not text.startswith(" ")
        and not text.endswith(" ")
    )
    if not text.isascii():
        # Wide characters (CJK, emoji) take two cells, combining marks none: measured
        # as the screen shows them, or a line wider than its column loses its end.
        # Without the joiners that make characters one (ZWJ, VS16), a text's width is
        # the sum of its words' and spaces': one line that fits is itself.
        if one_line and "\u200d" not in text and "\ufe0f" not in text:
            from bostadcli.cli.table_lines import text_width

            if text_width(text) <= width:
                return text
        return _wrap_cells(text, width)
    if one_line and len(text) <= width:
        # One line that fits, its words one space apart: wrapped, it is itself.
        return text
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in (w for w in paragraph.split(" ") if w):
            while len(word) > width:
                if line:
                    lines.append(line)
                    line = ""
                # A path folds after a slash where it can ("brev/2026-11/" + file name).
                cut = word.rfind("/", 0, width) + 1 or width
                lines.append(word[:cut])
                word = word[cut:]
            if not word:
                continue
            if not line:
                line = word
            elif len(line) + 1 + len(word) <= width:
                line += " " + word
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return "\n".join(lines)


def _wrap_cells(text: str, width: int) -> str:
    """``wrap_text`` for text that is not plain ASCII: the same rules, with widths in
    screen cells (``table_lines.text_width``) instead of characters."""
    from rich.cells import set_cell_size

    from bostadcli.cli.table_lines import text_width

    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in (w for w in paragraph.split(" ") if w):
            while len(word) > 1 and text_width(word) > width:
                if line:
                    lines.append(line)
                    line = ""
                slash = word.rfind("/", 0, width) + 1
                if slash and text_width(word[:slash]) <= width:
                    cut = slash
                else:
                    # As many characters as fit in the line, at least one.
                    cut = max(1, len(set_cell_size(word, width).rstrip(" ")))
                    while cut > 1 and text_width(word[:cut]) > width:
                        cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            if not word:
                continue
            if not line:
                line = word
            elif text_width(line) + 1 + text_width(word) <= width:
                line += " " + word
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return "\n".join(lines)


def write_table(
    rows: Iterable[dict[str, Any]],
    columns: list[Column],
    *,
    title: str | None = None,
    empty: str | None = None,
    drop: tuple[str, ...] = LOW_VALUE,
) -> None:
    """A listing as a table that fits the terminal: amounts, dates and references are
    never broken, free text wraps at words, and low-value columns give way first."""
    from bostadcli.cli.table_lines import plain_pipe

    shown = [c for c in columns if c.in_table]
    data = list(rows)
    if not data and empty:
        from bostadcli.cli.rich_console import make_console

        make_console(stderr=True).print(empty)
        return
    # Piped to a file or a pager, a wide table reads better than one wrapped at 80.
    # Without colour (most pipes) the table is written without rich's console at all.
    console = None if plain_pipe(sys.stdout) else _console()
    width = PIPED_WIDTH if console is None else console.width
    texts = [[cell_text(c, row) for row in data] for c in shown]
    keep, widths = fit_columns(shown, texts, width, drop)
    if title is None:
        from bostadcli.cli.table_lines import Grid, GridColumn, markup_plain

        grid = Grid(
            [
                GridColumn(
                    markup_plain(wrap_text(shown[i].heading, w)),
                    w,
                    justify="right" if shown[i].kind == "money" else shown[i].justify,
                    ellipsis=unbreakable(shown[i]),
                )
                for i, w in zip(keep, widths, strict=True)
            ]
        )
        if grid.fits(width):
            _fill_grid(
                grid, data, [(shown[i], texts[i], w) for i, w in zip(keep, widths, strict=True)]
            )
            if console is None and grid.fits(width):
                grid.write(sys.stdout)
            else:
                grid.print(console or _console())
            return
    console = console or _console()
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    table = Table(
        title=escape(title) if title else None,
        header_style="bold",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    for i, w in zip(keep, widths, strict=True):
        c = shown[i]
        table.add_column(
            wrap_text(c.heading, w),
            justify=cast("JustifyMethod", "right" if c.kind == "money" else c.justify),
            no_wrap=True,
            width=w,
            overflow="ellipsis" if unbreakable(c) else "fold",
        )
    for r, row in enumerate(data):
        cells = []
        for i, w in zip(keep, widths, strict=True):
            c = shown[i]
            text = texts[i][r] if unbreakable(c) else wrap_text(texts[i][r], w)
            text = escape(text)
            style = deadline_style(row.get("days_left")) if c.kind == "deadline" else ""
            cells.append(f"[{style}]{text}[/]" if style and text else text)
        table.add_row(*cells)
    console.print(table)


def unit_csv_dialect() -> CsvDialect:
    """The unit's CSV dialect, for every CSV a command writes: ``[general] csv_dialect``
    of the config file the command runs with, read and checked in one place
    (``config.load_config``: a bad value stops the command in one line naming the file
    and the key). Outside a command, the standard dialect."""
    from typer._click.globals import get_current_context

    from bostadcli.tabular import csv_dialect

    ctx = get_current_context(silent=True)
    if ctx is None:
        return csv_dialect("standard")
    from bostadcli.cli.context import state

    return csv_dialect(state(cast(Any, ctx)).config().csv_dialect, field="csv_dialect")


# How wide a listing is when piped (it is not wrapped at a terminal's width).
PIPED_WIDTH = 200


def _console() -> Any:
    """The console of ``write_table``: the terminal's width, or ``PIPED_WIDTH`` piped."""
    from bostadcli.cli.rich_console import make_console

    return make_console(soft_wrap=False, width=None if sys.stdout.isatty() else PIPED_WIDTH)


def _fill_grid(
    grid: Any, data: list[dict[str, Any]], kept: list[tuple[Column, list[str], int]]
) -> None:
    """The rows of ``write_table`` as the grid's runs: the same texts, wrapped the same
    way, and the deadline in its urgency colour."""
    coloured = any(c.kind == "deadline" for c, _t, _w in kept)
    styles = [deadline_style(row.get("days_left")) for row in data] if coloured else []
    cells_by_column = []
    for column, texts, w in kept:
        shown = texts
        if not unbreakable(column):
            # Each text as shown: a listing repeats many (reasons, landlords).
            wrapped = {t: wrap_text(t, w) for t in dict.fromkeys(texts)}
            shown = [wrapped[t] for t in texts]
        if column.kind == "deadline":
            cells = [[(t, style if t else "")] for t, style in zip(shown, styles, strict=True)]
        else:
            cells = [[(t, "")] for t in shown]
        cells_by_column.append(cells)
    grid.rows.extend(map(list, zip(*cells_by_column, strict=True)))
    grid.tabs = any("\t" in "".join(texts) for _c, texts, _w in kept)


def emit(
    rows: Iterable[dict[str, Any]],
    columns: list[Column],
    fmt: Format,
    *,
    title: str | None = None,
    empty: str | None = None,
    drop: tuple[str, ...] = LOW_VALUE,
) -> None:
    """Render a listing in the requested format on stdout."""
    if fmt is Format.table:
        write_table(rows, columns, title=title, empty=empty, drop=drop)
        return
    from bostadcli.cli.encoding import data_stdout

    data_stdout()
    if fmt is Format.csv:
        style = unit_csv_dialect()
        write_csv(
            rows,
            columns,
            sys.stdout,
            delimiter=style.delimiter,
            bom=style.bom,
            plain_money=style.plain_money,
        )
    elif fmt is Format.json:
        write_json(rows, columns, sys.stdout)
    else:
        write_jsonl(rows, columns, sys.stdout)
