"""One renderer for every listing: table for a terminal, CSV/JSON/JSONL for pipes.

stdout carries only data. CSV and JSON carry stable snake_case fields, ISO dates, money
as integer öre plus a formatted field, and never colour codes.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import Enum, StrEnum
from typing import IO, Any


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"


@dataclass(frozen=True)
class Column:
    """A field of a listing. ``kind`` decides how it is shown and exported.

    money: the row holds ``<key>`` in öre; CSV/JSON get ``<key>`` (öre, named as in the
    row, e.g. ``rent_ore``) and ``<name>`` formatted. deadline: an ISO date coloured by
    how near it is (needs ``days_left`` in the row).
    """

    key: str
    heading: str
    kind: str = "text"
    name: str | None = None
    show: Callable[[Any, dict[str, Any]], str] | None = None
    in_table: bool = True
    justify: str = "left"
    no_wrap: bool = False

    @property
    def formatted_name(self) -> str:
        return self.name or self.key.removesuffix("_ore")


# A spreadsheet treats these leading characters as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _money(ore: int | None) -> str:
    if ore is None:
        return ""
    from bostadcli.money import Money, format_money

    return format_money(Money(int(ore)))


def _flat(column: Column, row: dict[str, Any]) -> dict[str, Any]:
    value = row.get(column.key)
    if column.kind == "money":
        return {column.key: value, column.formatted_name: None if value is None else _money(value)}
    if isinstance(value, Enum):
        value = value.value
    return {column.key: value}


def data_fields(columns: list[Column]) -> list[str]:
    names: list[str] = []
    for c in columns:
        names.append(c.key)
        if c.kind == "money":
            names.append(c.formatted_name)
    return names


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(type(value).__name__)


def write_csv(
    rows: Iterable[dict[str, Any]],
    columns: list[Column],
    out: IO[str],
    *,
    delimiter: str = ",",
    bom: bool = False,
) -> int:
    """Stream rows as CSV; returns how many were written."""
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(data_fields(columns))
    count = 0
    for row in rows:
        flat: dict[str, Any] = {}
        for c in columns:
            flat.update(_flat(c, row))
        cells = []
        for value in flat.values():
            if value is None:
                cells.append("")
            elif isinstance(value, bool):
                cells.append("true" if value else "false")
            elif isinstance(value, list):
                cells.append(neutralise(",".join(str(v) for v in value)))
            elif isinstance(value, str):
                # csv quotes a cell with "\n" but not one with a bare "\r", which a
                # reader would take for the end of the row.
                cells.append(neutralise(value.replace("\r\n", "\n").replace("\r", "\n")))
            else:
                cells.append(str(value))
        writer.writerow(cells)
        count += 1
    return count


def _json_rows(rows: Iterable[dict[str, Any]], columns: list[Column]) -> Iterator[dict[str, Any]]:
    for row in rows:
        flat: dict[str, Any] = {}
        for c in columns:
            flat.update(_flat(c, row))
        yield flat


def write_json(rows: Iterable[dict[str, Any]], columns: list[Column], out: IO[str]) -> None:
    """A JSON array, streamed one element at a time."""
    out.write("[")
    first = True
    for flat in _json_rows(rows, columns):
        out.write("\n  " if first else ",\n  ")
        out.write(json.dumps(flat, ensure_ascii=False, default=_json_default))
        first = False
    out.write("\n]\n" if not first else "]\n")


def write_jsonl(rows: Iterable[dict[str, Any]], columns: list[Column], out: IO[str]) -> None:
    for flat in _json_rows(rows, columns):
        out.write(json.dumps(flat, ensure_ascii=False, default=_json_default) + "\n")


def write_document(data: Any, out: IO[str] | None = None) -> None:
    """One JSON document (``show --format json``)."""
    stream = out or sys.stdout
    json.dump(data, stream, ensure_ascii=False, indent=2, default=_json_default)
    stream.write("\n")


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
        return _money(value)
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
        table.add_column(c.heading, justify=c.justify, no_wrap=no_wrap)  # type: ignore[arg-type]
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
