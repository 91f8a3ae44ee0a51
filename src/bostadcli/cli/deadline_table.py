"""The deadline screen's rows drawn the two other ways: as plain text, for a screen
without colour (``add_plain_rows``), and through rich's table, for what the line drawer
of ``table_lines`` leaves to rich (a screen wider than the terminal, text with tabs)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bostadcli.cli.report_views import BAND_STYLE, KIND_STYLE, _DeadlineLayout, _DeadlineTexts
from bostadcli.cli.urgency import BAND_STYLES

if TYPE_CHECKING:
    from rich.table import Table


def print_deadline_table(
    entries: list[dict[str, Any]],
    texts: _DeadlineTexts,
    layout: _DeadlineLayout,
    titles: dict[str, str],
    console: Any,
) -> None:
    """The screen through rich's table, for what the line drawer leaves to rich."""
    from rich.text import Text

    if console is None:
        from bostadcli.cli.rich_console import make_console

        console = make_console()
    table = deadline_table(layout)
    for i, entry in enumerate(entries):
        band = entry["band"]
        if i == 0 or entries[i - 1]["band"] != band:
            table.add_row(Text(titles[band], style=BAND_STYLE[band]))
        last = i + 1 == len(entries) or entries[i + 1]["band"] != band
        table.add_row(*deadline_cells(entry, texts, i, layout), end_section=last)
    console.print(table)


def deadline_table(layout: _DeadlineLayout) -> Table:
    from rich import box
    from rich.table import Table

    from bostadcli.cli.output import wrap_text

    table = Table(
        box=box.SIMPLE_HEAD,
        header_style="bold",
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )
    for i, heading in enumerate(layout.headings):
        table.add_column(
            wrap_text(heading, layout.widths[i]),
            width=layout.widths[i],
            no_wrap=True,
            overflow="fold" if i == layout.what_at else "ellipsis",
        )
    child_at = len(layout.headings) - (1 if layout.stacked else 2)
    table.columns[child_at].style = "bold magenta"
    if not layout.stacked:
        table.columns[-1].style = "dim"
    return table


def deadline_cells(
    entry: dict[str, Any], t: _DeadlineTexts, i: int, layout: _DeadlineLayout
) -> list[Any]:
    """One entry's row: the date over the days left and the case over the tenant and
    the caseworker when stacked, each in a column of its own when not."""
    from rich.text import Text

    from bostadcli.cli.output import wrap_text

    when = Text(t.whens[i], style=BAND_STYLES[entry["band"]])
    what_width = layout.widths[layout.what_at]
    what = Text(wrap_text(t.whats[i], what_width), style=KIND_STYLE.get(entry["kind"], ""))
    if layout.stacked:
        head = Text(t.days[i] + "\n")
        head.append_text(when)
        ref = Text(t.refs[i])
        for extra, extra_style in ((t.tenants[i], ""), (t.workers[i], "dim")):
            if extra:
                ref.append("\n" + extra, style=extra_style)
        return [head, what, ref, t.children[i]]
    cells: list[Any] = [t.days[i], when, what, Text(t.refs[i]), Text(t.tenants[i])]
    cells.append(t.children[i])
    cells.append(Text(t.workers[i]))
    return cells


def add_plain_rows(
    grid: Any,
    entries: list[dict[str, Any]],
    t: _DeadlineTexts,
    layout: _DeadlineLayout,
    titles: dict[str, str],
) -> list[list[str]]:
    """The rows of ``print_deadlines`` for a screen without colour, a list of texts per
    column (for ``Grid.write``): the same texts, each cell one run (the lines drawn
    without colour read no styles); the band's heading over each band. Sets the grid's
    section ends and whether a cell holds a tab."""
    from bostadcli.cli.output import wrap_text
    from bostadcli.cli.table_lines import markup_plain

    what_width = layout.widths[layout.what_at]
    wrapped = {w: wrap_text(w, what_width) for w in dict.fromkeys(t.whats)}
    whats = list(map(wrapped.__getitem__, t.whats))
    plain = {c: markup_plain(c) for c in dict.fromkeys(t.children)}
    children = list(map(plain.__getitem__, t.children))
    if layout.stacked:
        refs = [
            "\n".join([ref, *(extra for extra in others if extra)])
            for ref, *others in zip(t.refs, t.tenants, t.workers, strict=True)
        ]
        whens = [f"{day}\n{when}" for day, when in zip(t.days, t.whens, strict=True)]
        body = [whens, whats, refs, children]
    else:
        days = {d: markup_plain(d) for d in dict.fromkeys(t.days)}
        body = [list(map(days.__getitem__, t.days)), t.whens, whats, t.refs, t.tenants]
        body += [children, t.workers]
    # Each band: its heading (in the first column, the others empty), then its rows.
    starts = [i for i, e in enumerate(entries) if i == 0 or entries[i - 1]["band"] != e["band"]]
    columns: list[list[str]] = [[] for _c in body]
    for k, begin in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(entries)
        title = titles[entries[begin]["band"]]
        for j, (column, texts) in enumerate(zip(columns, body, strict=True)):
            column.append(title if j == 0 else "")
            column += texts[begin:end]
        grid.section_ends.add(len(columns[0]) - 1)
    grid.tabs = any("\t" in "".join(column) for column in columns)
    return columns
