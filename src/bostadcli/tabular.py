"""Rows as CSV, JSON and JSON Lines: the writers shared by listings and exports.

Everything here streams: rows come from an iterable (often a database cursor) and go
to a text stream one at a time, so an export of any size runs in constant memory.
CSV and JSON carry stable snake_case fields, ISO dates, money as integer öre plus a
formatted field, and never colour codes.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import IO, Any

# The text formats the writers below stream (a listing's --format, beside "table").
TEXT_FORMATS = ("csv", "json", "jsonl")


@dataclass(frozen=True)
class Column:
    """A field of a listing or an export. ``kind`` decides how it is shown and exported.

    money: the row holds ``<key>`` in öre; CSV/JSON get ``<key>`` (öre, named as in the
    row, e.g. ``rent_ore``) and ``<name>`` formatted. deadline: an ISO date coloured by
    how near it is (needs ``days_left`` in the row). ``description`` says what the field
    means, for the schema of an export.
    """

    key: str
    heading: str
    kind: str = "text"
    name: str | None = None
    show: Callable[[Any, dict[str, Any]], str] | None = None
    in_table: bool = True
    justify: str = "left"
    description: str = ""
    no_wrap: bool = False

    @property
    def formatted_name(self) -> str:
        return self.name or self.key.removesuffix("_ore")


# A spreadsheet treats these leading characters as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Text a spreadsheet would run as a formula, made inert by a leading apostrophe."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def format_ore(ore: int | None) -> str:
    """The text ``money.format_money`` gives (``14 900,50 kr``, no-break spaces).

    Built here with integer arithmetic because babel parses the locale and the pattern
    on every call, which made formatting most of the cost of a large export. A test
    checks that both give the same text for any amount.
    """
    if ore is None:
        return ""
    value = int(ore)
    kronor, rest = divmod(abs(value), 100)
    sign = "-" if value < 0 else ""
    grouped = f"{kronor:,}".replace(",", "\u00a0")
    if rest:
        return f"{sign}{grouped},{rest:02d}\u00a0kr"
    return f"{sign}{grouped}\u00a0kr"


def _flattener(columns: list[Column]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A function from a row to its output fields: money in öre and formatted, enums as
    their codes. Prepared once per export, applied to every row."""
    plan = [(c.key, c.formatted_name if c.kind == "money" else None) for c in columns]

    def flat(row: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, formatted in plan:
            value = row.get(key)
            if isinstance(value, Enum):
                value = value.value
            out[key] = value
            if formatted is not None:
                out[formatted] = None if value is None else format_ore(value)
        return out

    return flat


def data_fields(columns: list[Column]) -> list[str]:
    """The field names of CSV/JSON output, in order (a money column gives two)."""
    names: list[str] = []
    for c in columns:
        names.append(c.key)
        if c.kind == "money":
            names.append(c.formatted_name)
    return names


def json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(type(value).__name__)


def _csv_cell(value: Any) -> str:
    if type(value) is str:
        # The common case first: an export is mostly text. csv quotes a cell with "\n"
        # but not one with a bare "\r", which a reader would take for the end of the row.
        text: str = value
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        return "'" + text if text.startswith(_FORMULA_START) else text
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return neutralise(",".join(str(v) for v in value))
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


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
    cells = _csv_cells(columns)
    count = 0
    for row in rows:
        writer.writerow(cells(row))
        count += 1
    return count


def _csv_cells(columns: list[Column]) -> Callable[[dict[str, Any]], list[Any]]:
    """A function from a row to its CSV cells, prepared once per table.

    The cells are those of ``_csv_cell`` applied to the flattened row, but without a
    flattened copy of every row, and with the values that need no care (text that
    cannot be read as a formula, whole numbers, None) handed to the csv module as they
    are: an export of 100 000 rows spent most of its time here.
    """
    plan = [(c.key, c.kind == "money") for c in columns]

    def cells(row: dict[str, Any]) -> list[Any]:
        out: list[Any] = []
        for key, money in plan:
            value: Any = row.get(key)
            kind = type(value)
            if kind is str:
                if value.startswith(_FORMULA_START) or "\r" in value:
                    value = _csv_cell(value)
            elif kind is not int and value is not None:
                value = _csv_cell(value.value if isinstance(value, Enum) else value)
            out.append(value)
            if money:
                # A negative amount reads like a formula too; the others start with a digit.
                out.append("" if value is None else ("'" if value < 0 else "") + format_ore(value))
        return out

    return cells


def _json_rows(rows: Iterable[dict[str, Any]], columns: list[Column]) -> Iterator[dict[str, Any]]:
    flat = _flattener(columns)
    for row in rows:
        yield flat(row)


def write_json(rows: Iterable[dict[str, Any]], columns: list[Column], out: IO[str]) -> int:
    """A JSON array, streamed one element at a time; returns how many were written."""
    out.write("[")
    count = 0
    for flat in _json_rows(rows, columns):
        out.write("\n  " if count == 0 else ",\n  ")
        out.write(json.dumps(flat, ensure_ascii=False, default=json_default))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_jsonl(rows: Iterable[dict[str, Any]], columns: list[Column], out: IO[str]) -> int:
    """One JSON object per line; returns how many were written."""
    count = 0
    for flat in _json_rows(rows, columns):
        out.write(json.dumps(flat, ensure_ascii=False, default=json_default) + "\n")
        count += 1
    return count


def write_json_document(data: Any, out: IO[str]) -> None:
    """One indented JSON document."""
    json.dump(data, out, ensure_ascii=False, indent=2, default=json_default)
    out.write("\n")
