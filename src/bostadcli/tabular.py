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

    @property
    def formatted_name(self) -> str:
        return self.name or self.key.removesuffix("_ore")


# A spreadsheet treats these leading characters as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Text a spreadsheet would run as a formula, made inert by a leading apostrophe."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def format_ore(ore: int | None) -> str:
    if ore is None:
        return ""
    from bostadcli.money import Money, format_money

    return format_money(Money(int(ore)))


def _flat(column: Column, row: dict[str, Any]) -> dict[str, Any]:
    value = row.get(column.key)
    if column.kind == "money":
        return {
            column.key: value,
            column.formatted_name: None if value is None else format_ore(value),
        }
    if isinstance(value, Enum):
        value = value.value
    return {column.key: value}


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
    count = 0
    for row in rows:
        flat: dict[str, Any] = {}
        for c in columns:
            flat.update(_flat(c, row))
        writer.writerow([_csv_cell(v) for v in flat.values()])
        count += 1
    return count


def _json_rows(rows: Iterable[dict[str, Any]], columns: list[Column]) -> Iterator[dict[str, Any]]:
    for row in rows:
        flat: dict[str, Any] = {}
        for c in columns:
            flat.update(_flat(c, row))
        yield flat


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
