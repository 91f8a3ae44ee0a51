"""Rows as CSV, JSON and JSON Lines: the writers shared by listings and exports.

Everything here streams: rows come from an iterable (often a database cursor) and go
to a text stream one at a time, so an export of any size runs in constant memory.
CSV and JSON carry stable snake_case fields, ISO dates, money as integer öre plus a
formatted field, and never colour codes.
"""

from __future__ import annotations

import csv
import io
import json
import re
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


# Text a spreadsheet may read as a formula starts with one of these (OWASP "CSV
# injection"; the full-width = and @ count in East Asian Excel, a leading space is
# trimmed by some import dialogs). Only the first character is checked here, cheaply;
# ``is_formula`` then decides.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", " ", "\uff1d", "\uff20")
# Always a formula (or a control character a spreadsheet strips before one).
_ALWAYS = ("=", "@", "\t", "\r", "\uff1d", "\uff20")
# After a leading + or -, what makes the rest something a spreadsheet computes: an
# arithmetic expression of numbers and cell references (-2+3, +A1, - 2026-01-05), a
# function call (-SUM(…), +cmd|…), a reference to another sheet or program (!, |).
# Ordinary text is left alone: a phone number "+46 8 123 45", a note "- ringde",
# an amount "-1 490,50 kr".
_OPERAND = (
    r"[(\s]*(?:\d+(?:[.,]\d+)*(?:[eE][-+]?\d+)?%?"
    r"|\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?)[)\s]*"
)
# Patterns as text: compiled (and cached by re) the first time a cell needs them, not
# when a command that writes no CSV starts.
_EXPRESSION = rf"{_OPERAND}(?:(?:<=|>=|<>|[-+*/^&<>=]){_OPERAND})*"
_CALL_OR_LINK = r"[A-Za-z_][\w.]*\(|[|]|!\$?[A-Za-z]"


def is_formula(value: str) -> bool:
    """Whether a spreadsheet opening this text in a CSV file would compute it."""
    if not value.startswith(_FORMULA_START):
        return False
    if value.startswith(_ALWAYS):
        return True
    first = value.lstrip(" ")
    if first.startswith(_ALWAYS):
        return True
    if not first.startswith(("+", "-")):
        return False
    rest = first[1:]
    return re.fullmatch(_EXPRESSION, rest) is not None or re.search(_CALL_OR_LINK, rest) is not None


def neutralise(value: str) -> str:
    """Text a spreadsheet would run as a formula, made inert by a leading apostrophe."""
    return "'" + value if is_formula(value) else value


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


def format_ore_plain(ore: int) -> str:
    """An amount as a number a spreadsheet in Swedish reads as one: ``-14900,50``
    (decimal comma, no grouping, no unit)."""
    value = int(ore)
    kronor, rest = divmod(abs(value), 100)
    return f"{'-' if value < 0 else ''}{kronor},{rest:02d}"


@dataclass(frozen=True)
class CsvDialect:
    """How a unit's CSV files are written: field separator, byte-order mark, and whether
    the formatted money field is the display text (``14 900,50 kr``) or a number in
    Swedish notation (``14900,50``) that Swedish Excel reads as a number."""

    name: str
    delimiter: str = ","
    bom: bool = False
    plain_money: bool = False


# "standard": RFC 4180 with commas, no BOM, money shown as text; what scripts expect.
# "excel-sv": what Excel with Swedish settings opens by a double click: semicolons, a
# UTF-8 byte-order mark (else å, ä, ö come out garbled), amounts with a decimal comma.
CSV_DIALECTS: dict[str, CsvDialect] = {
    "standard": CsvDialect("standard"),
    "excel-sv": CsvDialect("excel-sv", delimiter=";", bom=True, plain_money=True),
}


def csv_dialect(name: str, *, field: str = "--dialect") -> CsvDialect:
    """The dialect called ``name``; an unknown name is an error naming ``field``."""
    found = CSV_DIALECTS.get(name)
    if found is None:
        from bostadcli.errors import InvalidInput
        from bostadcli.i18n import _

        raise InvalidInput(
            field, name, _("must be one of: {allowed}").format(allowed=", ".join(CSV_DIALECTS))
        )
    return found


def resolve_dialect(
    name: str, *, delimiter: str | None = None, bom: bool | None = None, field: str = "--dialect"
) -> CsvDialect:
    """The dialect ``name`` with ``delimiter`` and ``bom`` where they are given."""
    from dataclasses import replace

    found = csv_dialect(name, field=field)
    if delimiter is not None:
        found = replace(found, delimiter=delimiter)
    if bom is not None:
        found = replace(found, bom=bom)
    return found


def table_bytes(
    rows: Iterable[dict[str, Any]],
    columns: list[Column],
    *,
    fmt: str = "csv",
    dialect: str = "standard",
    sheet: str = "",
) -> bytes:
    """A whole small table as the bytes of a CSV file in ``dialect`` or of an .xlsx
    workbook (``fmt``): for files written in one piece, such as a letter manifest."""
    if fmt == "xlsx":
        from bostadcli.xlsx import write_xlsx

        raw = io.BytesIO()
        write_xlsx(rows, columns, raw, sheet=sheet)
        return raw.getvalue()
    style = csv_dialect(dialect, field="csv_dialect")
    text = io.StringIO()
    write_csv(
        rows,
        columns,
        text,
        delimiter=style.delimiter,
        bom=style.bom,
        plain_money=style.plain_money,
    )
    return text.getvalue().encode("utf-8")


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
        return "'" + text if is_formula(text) else text
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
    plain_money: bool = False,
) -> int:
    """Stream rows as CSV; returns how many were written.

    ``plain_money``: formatted money fields as numbers in Swedish notation (``14900,50``)
    instead of display text (the ``excel-sv`` dialect).
    """
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(data_fields(columns))
    cells = _csv_cells(columns, plain_money=plain_money)
    count = 0
    for row in rows:
        writer.writerow(cells(row))
        count += 1
    return count


def _csv_cells(
    columns: list[Column], *, plain_money: bool = False
) -> Callable[[dict[str, Any]], list[Any]]:
    """A function from a row to its CSV cells, prepared once per table.

    The cells are those of ``_csv_cell`` applied to the flattened row, but without a
    flattened copy of every row, and with the values that need no care (text that
    cannot be read as a formula, whole numbers, None) handed to the csv module as they
    are: an export of 100 000 rows spent most of its time here.
    """
    plan = [(c.key, c.kind == "money") for c in columns]
    money_text = format_ore_plain if plain_money else format_ore

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
                # Text the program made from a number, never a formula: no guard, which
                # would show an apostrophe before every negative amount.
                out.append(money_text(value) if isinstance(value, int) else "")
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
