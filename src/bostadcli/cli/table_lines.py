"""A long table drawn line by line, as rich draws a table whose columns have fixed widths.

Rich lays out every cell of a table through its general machinery (padding, measuring,
wrapping, cropping, one renderable at a time), which for a listing of a few thousand
cases takes most of a second. The listings and the deadline screen already decide every
column's width themselves (``output.fit_columns``, ``report_views._deadline_layout``)
and wrap their text before it reaches the table, so what is left to do is simple: pad
each line of each cell to its column, cut a line that is still too long the way the
column says (``…`` or plain), put the header over a rule, and join the columns with the
box's dividers. This module does that in one pass and writes the lines through the same
console, with the same colours, so the screen looks as it did.

The output is rich's own for these tables (a borderless ``SIMPLE_HEAD`` box, no outer
padding, optional collapsed padding and section breaks), character for character; the
tests compare the two. A table rich would have to squeeze (wider than the console) or
text with tabs, which rich expands, is left to rich: ``fits`` says which.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from bostadcli.cli.plain_text import plain_pipe as plain_pipe
from bostadcli.cli.terminal_text import HIDDEN_CHARS, HIDDEN_REMOVED

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions
    from rich.segment import Segment
    from rich.style import Style

# A piece of a cell: its text (may hold newlines) and its rich style ('' for none).
Run = tuple[str, str]

# Control codes rich's text removes as it is made (rich.control.strip_control_codes: its
# own five, and with ``rich_console`` every character a screen leaves out,
# ``terminal_text``), and the tab, which rich expands: a table holding one is drawn by
# rich itself.
_CONTROL = re.compile(f"[\t{HIDDEN_CHARS}]")
_STRIPPED = HIDDEN_REMOVED
# A cell of more than one line, or one with a control code.
_MANY_LINES = re.compile(f"[\n\t{HIDDEN_CHARS}]")


class GridColumn:
    """A column of a fixed ``width`` (cells of text, without padding). ``ellipsis``: a
    line too long for the column ends in "…" (else it is cut short)."""

    __slots__ = ("ellipsis", "heading", "justify", "style", "width")

    def __init__(
        self,
        heading: str,
        width: int,
        justify: str = "left",
        ellipsis: bool = False,
        style: str = "",
    ) -> None:
        self.heading = heading
        self.width = width
        self.justify = justify
        self.ellipsis = ellipsis
        self.style = style


class Grid:
    """A borderless table: its columns, its rows (a list of runs per cell), which rows
    end a section (a blank line follows them) and the cells' own styles.

    (Plain classes, not dataclasses: a listing's start-up pays for every class made.)
    """

    def __init__(
        self,
        columns: list[GridColumn],
        collapse_padding: bool = False,
        header_style: str = "bold",
    ) -> None:
        self.columns = columns
        self.collapse_padding = collapse_padding
        self.header_style = header_style
        self.rows: list[list[list[Run]]] = []
        self.section_ends: set[int] = set()
        # A row's cells' own styles (as of ``rich.text.Text(..., style=)``), where given.
        self.bases: dict[int, list[str]] = {}
        # Whether a cell holds a tab (rich expands tabs: such a table is left to rich).
        # Kept by ``add_row``; who appends to ``rows`` directly sets it.
        self.tabs = False

    def add_row(
        self, *cells: str | Sequence[Run], end_section: bool = False, bases: Sequence[str] = ()
    ) -> None:
        """Cells as plain text or runs; missing cells are empty. ``bases`` styles a whole
        cell, its padding to the column's width too; a run's style, its text alone."""
        row = [[(c, "")] if isinstance(c, str) else list(c) for c in cells]
        row += [[] for _i in range(len(self.columns) - len(row))]
        if not self.tabs:
            self.tabs = "\t" in "".join(t for cell in row for t, _s in cell)
        if end_section:
            self.section_ends.add(len(self.rows))
        if any(bases):
            self.bases[len(self.rows)] = list(bases)
        self.rows.append(row)

    def _pads(self) -> list[tuple[int, int]]:
        last = len(self.columns) - 1
        if self.collapse_padding:
            return [(0, 0 if i == last else 1) for i in range(last + 1)]
        return [(0 if i == 0 else 1, 0 if i == last else 1) for i in range(last + 1)]

    def width(self) -> int:
        """The table's width on screen: the columns, their padding, the dividers."""
        pads = self._pads()
        return sum(
            c.width + left + right for c, (left, right) in zip(self.columns, pads, strict=True)
        ) + (len(self.columns) - 1)

    def fits(self, width: int) -> bool:
        """Whether this module draws the table as rich would: it fits in ``width`` (the
        console's), every column has room, and no text holds a tab."""
        if not self.columns or self.width() > width:
            return False
        if any(c.width < 1 for c in self.columns):
            return False
        return not self.tabs and not any("\t" in c.heading for c in self.columns)

    def print(self, console: Console) -> None:
        """The table on ``console``: fast when it ``fits``, else through rich."""
        if not self.fits(console.width):
            console.print(self.as_rich_table())
        elif (
            console.color_system is None
            and not console.record
            and not console.legacy_windows
            and console.encoding.startswith("utf")
        ):
            # No colour: the lines as they are, with the box the console would use. (Not
            # in another encoding: rich words a character it cannot write its own way.)
            from rich import box

            self.write(
                console.file, box.SIMPLE_HEAD.substitute(console.options, safe=console.safe_box)
            )
        else:
            # Every line fits already: rich need not measure each again to crop it.
            console.print(_Drawn(self), soft_wrap=True)

    def write(
        self, file: Any, drawn_box: Any = None, columns: list[list[str]] | None = None
    ) -> None:
        """The table without colour straight to ``file``, as ``print`` would write it to
        a console that has no colour (``plain_pipe``): one string, then a flush.
        ``drawn_box`` is rich's ``SIMPLE_HEAD`` as the console has it (itself when None).
        ``columns``: the rows' cells as plain text, a list per column, in place of
        ``rows`` (for a long table whose every cell is one run without a style)."""
        if drawn_box is None:
            from rich import box

            drawn_box = box.SIMPLE_HEAD
        text = "".join(f"{line}\n" for line in _Drawn(self).plain_lines(drawn_box, columns))
        file.write(text)
        file.flush()

    def as_rich_table(self) -> Any:
        """The same table built for rich (the slow path, for what ``fits`` refuses)."""
        from rich import box
        from rich.table import Table
        from rich.text import Text

        table = Table(
            box=box.SIMPLE_HEAD,
            header_style=self.header_style,
            show_edge=False,
            pad_edge=False,
            collapse_padding=self.collapse_padding,
        )
        for c in self.columns:
            table.add_column(
                Text(c.heading),
                justify="right" if c.justify == "right" else "left",
                no_wrap=True,
                width=c.width,
                overflow="ellipsis" if c.ellipsis else "fold",
                style=c.style or None,
            )
        for r, row in enumerate(self.rows):
            bases = self.bases.get(r, [])
            cells = [
                Text.assemble(
                    *((t, s) for t, s in cell if t), style=bases[i] if i < len(bases) else ""
                )
                for i, cell in enumerate(row)
            ]
            table.add_row(*cells, end_section=r in self.section_ends)
        return table


class _Drawn:
    """The grid's lines as segments: one segment a line without colour, one a piece with."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        from rich import box

        grid = self.grid
        colour = console.color_system is not None
        styles: dict[str, Style] = {}

        def style_of(name: str) -> Style:
            found = styles.get(name)
            if found is None:
                found = styles[name] = console.get_style(name)
            return found

        drawn_box = box.SIMPLE_HEAD.substitute(options, safe=console.safe_box)
        pads = grid._pads()
        widths = [
            c.width + left + right for c, (left, right) in zip(grid.columns, pads, strict=True)
        ]
        header = [[(c.heading, "")] for c in grid.columns]
        rows: Iterable[tuple[int, list[list[Run]]]] = enumerate([header, *grid.rows])
        if not colour:
            yield from self._plain(rows, drawn_box=drawn_box, pads=pads)
            return
        for index, row in rows:
            is_header = index == 0
            divider = drawn_box.head_vertical if is_header else drawn_box.mid_vertical
            cells = []
            for column, cell in zip(grid.columns, row, strict=True):
                cells.append(_cell_lines(cell, column.width, column.justify, column.ellipsis))
            height = max(len(lines) for lines in cells)
            yield from self._coloured(
                cells,
                height,
                divider,
                pads,
                style_of,
                header=is_header,
                bases=grid.bases.get(index - 1, []),
            )
            yield from self._rule(index, widths, drawn_box)

    def _rule(self, index: int, widths: list[int], drawn_box: Any) -> Iterator[Segment]:
        """The rule under the header, or the blank line that ends a section."""
        from rich.segment import Segment

        if index == 0:
            yield Segment(drawn_box.get_row(widths, "head", edge=False))
            yield Segment.line()
        elif index - 1 in self.grid.section_ends and index != len(self.grid.rows):
            yield Segment(drawn_box.get_row(widths, "row", edge=False))
            yield Segment.line()

    def _plain(
        self,
        rows: Iterable[tuple[int, list[list[Run]]]],
        *,
        drawn_box: Any,
        pads: list[tuple[int, int]],
    ) -> Iterator[Segment]:
        """The lines without colour: one segment a line, the styles left out."""
        from rich.segment import Segment

        newline = Segment.line()
        for line in self.plain_lines(drawn_box):
            yield Segment(line)
            yield newline

    def plain_lines(self, drawn_box: Any, columns: list[list[str]] | None = None) -> Iterator[str]:
        """The table's lines without colour, in ``drawn_box`` (rich's ``SIMPLE_HEAD``
        as the console gives it): ``table_plain.plain_lines``."""
        from bostadcli.cli.table_plain import plain_lines

        return plain_lines(self.grid, drawn_box, columns)

    def _coloured(
        self,
        cells: list[list[list[Run]]],
        height: int,
        divider: str,
        pads: list[tuple[int, int]],
        style_of: Any,
        *,
        header: bool,
        bases: list[str],
    ) -> Iterator[Segment]:
        """The lines with colour, in the pieces rich gives them: the padding in the
        column's style, the text padded to the column's width in the cell's own style,
        each styled run of it apart."""
        from rich.cells import cell_len
        from rich.segment import Segment

        grid = self.grid
        newline = Segment.line()
        for n in range(height):
            for i, (column, lines) in enumerate(zip(grid.columns, cells, strict=True)):
                left, right = pads[i]
                outer = grid.header_style if header else column.style
                own = f"{outer} {bases[i]}".strip() if i < len(bases) and bases[i] else outer
                if i:
                    yield Segment(divider)
                # A heading of fewer lines sits at the bottom, over the rule; other cells
                # at the top. A line a cell does not fill is blank.
                at = n - (height - len(lines)) if header else n
                if not 0 <= at < len(lines):
                    yield Segment(" " * (left + column.width + right), style_of(outer))
                    continue
                if left:
                    yield Segment(" " * left, style_of(outer))
                line = lines[at]
                room = " " * (column.width - sum(cell_len(t) for t, _s in line))
                pieces = [(room, ""), *line] if column.justify == "right" else [*line, (room, "")]
                merged: list[Run] = []
                for text, style in pieces:
                    if merged and not style and not merged[-1][1]:
                        merged[-1] = (merged[-1][0] + text, "")
                    elif text:
                        merged.append((text, style))
                for text, style in merged:
                    yield Segment(text, style_of(f"{own} {style}".strip()))
                if right:
                    yield Segment(" " * right, style_of(outer))
            yield newline


def _cell_lines(cell: list[Run], width: int, justify: str, ellipsis: bool) -> list[list[Run]]:
    """A cell's lines, each cut to ``width`` as rich cuts a line it may not wrap:
    right-justified text loses its trailing spaces first; "…" ends a line cut short in
    a column that asks for it."""
    from rich.cells import cell_len

    lines: list[list[Run]] = [[]]
    for text, style in cell:
        if _CONTROL.search(text):
            text = text.translate(_STRIPPED)
        if "\n" not in text:
            if text:
                lines[-1].append((text, style))
            continue
        for k, part in enumerate(text.split("\n")):
            if k:
                lines.append([])
            if part:
                lines[-1].append((part, style))
    for n, line in enumerate(lines):
        if justify == "right":
            line = _rstrip(line)
            lines[n] = line
        if len(line) == 1:
            if cell_len(line[0][0]) > width:
                lines[n] = _cut(line, width, ellipsis)
        elif sum(cell_len(t) for t, _s in line) > width:
            lines[n] = _cut(line, width, ellipsis)
    return lines


def _rstrip(line: list[Run]) -> list[Run]:
    line = list(line)
    while line:
        text, style = line[-1]
        stripped = text.rstrip()
        if stripped:
            line[-1] = (stripped, style)
            break
        line.pop()
    return line


def _cut(line: list[Run], width: int, ellipsis: bool) -> list[Run]:
    """The line cut to ``width`` cells (the last one "…" if ``ellipsis``). The "…" is
    part of the run that was cut, in its style, as rich's spans reach it."""
    from rich.cells import cell_len, set_cell_size

    room = width - 1 if ellipsis else width
    out: list[Run] = []
    used = 0
    for text, style in line:
        size = cell_len(text)
        if used + size <= room:
            out.append((text, style))
            used += size
            continue
        # A wide character cut in two leaves a space, as in rich.
        piece = set_cell_size(text, room - used) if room > used else ""
        if ellipsis:
            piece += "…"
        if piece:
            out.append((piece, style))
        break
    return out


def markup_plain(markup: str) -> str:
    """The text rich shows for ``markup`` (the program's own string, a heading, given to
    a table as a string): without emoji codes, as every console of the CLI
    (``rich_console.make_console``). Data is never markup: it is drawn as it is."""
    if "[" not in markup and not _CONTROL.search(markup):
        return markup
    from rich.text import Text

    return Text.from_markup(markup, emoji=False).plain


# Every printable character below this one takes one cell in rich (the combining marks
# begin here); a test checks it character by character.
_FIRST_NOT_ONE_CELL = "\u0300"


# A character that is not such: below U+0300 only the control codes and the soft hyphen
# are not printable (the no-break space is not either, but takes one cell).
_NOT_ONE_CELL = re.compile(f"[^\x20-\x7e\xa0-\xac\xae-{chr(ord(_FIRST_NOT_ONE_CELL) - 1)}]")


def _one_cell_each(text: str) -> bool:
    """Whether every character of ``text`` takes one cell in rich: printable text below
    U+0300 (ASCII and the Latin letters), the no-break space too."""
    if text.isascii():
        return text.isprintable()
    return _NOT_ONE_CELL.search(text) is None


def widest(texts: list[str]) -> int:
    """The width of the widest of ``texts`` (``text_width``), 0 for none: in one pass
    when every character of them takes one cell."""
    if _one_cell_each("".join(texts)):
        return max(map(len, texts), default=0)
    return max(map(text_width, texts), default=0)


def text_width(text: str) -> int:
    """The cells ``text`` takes on screen, as rich counts them (``rich.cells.cell_len``);
    text of one cell a character (``_one_cell_each``) without asking rich, which for
    text it has not seen is slower."""
    if text.isprintable():
        if text.isascii() or max(text) < _FIRST_NOT_ONE_CELL:
            return len(text)
    elif "\xa0" in text and _one_cell_each(text):
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)
