"""The deadline screen through rich's table: for what the line drawer of
``table_lines`` leaves to rich (a screen wider than the terminal, text with tabs)."""

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
