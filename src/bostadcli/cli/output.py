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
    write_json_document(data, out or sys.stdout)


def deadline_style(days_left: int | None) -> str:
    if days_left is None:
        return ""
    if days_left < 0:
        return "bold red"
    if days_left <= 7:
        return "yellow"
    return ""


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


def write_table(
    rows: Iterable[dict[str, Any]],
    columns: list[Column],
    *,
    title: str | None = None,
    empty: str | None = None,
) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    # Piped to a file or a pager, a wide table reads better than one wrapped at 80.
    console = Console(soft_wrap=False, width=None if sys.stdout.isatty() else 200)
    table = Table(title=title, header_style="bold", title_justify="left", pad_edge=False)
    shown = [c for c in columns if c.in_table]
    for c in shown:
        # References and dates are never wrapped or cut: they are what people copy.
        no_wrap = c.no_wrap or c.key in ("ref", "plan", "plan_ref") or c.key.endswith("_on")
        table.add_column(c.heading, justify=cast("JustifyMethod", c.justify), no_wrap=no_wrap)
    count = 0
    for row in rows:
        cells = []
        for c in shown:
            text = escape(cell_text(c, row))
            style = deadline_style(row.get("days_left")) if c.kind == "deadline" else ""
            cells.append(f"[{style}]{text}[/]" if style and text else text)
        table.add_row(*cells)
        count += 1
    if count == 0 and empty:
        Console(stderr=True).print(empty)
        return
    console.print(table)


def emit(
    rows: Iterable[dict[str, Any]],
    columns: list[Column],
    fmt: Format,
    *,
    title: str | None = None,
    empty: str | None = None,
) -> None:
    """Render a listing in the requested format on stdout."""
    if fmt is Format.table:
        write_table(rows, columns, title=title, empty=empty)
    elif fmt is Format.csv:
        write_csv(rows, columns, sys.stdout)
    elif fmt is Format.json:
        write_json(rows, columns, sys.stdout)
    else:
        write_jsonl(rows, columns, sys.stdout)
