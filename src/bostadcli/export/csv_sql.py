"""A CSV export as SQL: the query whose cells SQLite computes (``csv_sql``), and the
whole export as one statement for the sqlite3 shell (``export_sql``, the benchmark's
floor)."""

from __future__ import annotations

from datetime import date
from typing import Any

from bostadcli.errors import InvalidInput
from bostadcli.export.derived_sql import DERIVED_SQL
from bostadcli.export.registry import ExportTable, get_table, query
from bostadcli.i18n import _


def _sql_literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _money_cell(x: str, *, plain: bool = False) -> str:
    """SQL for ``tabular.format_ore`` (``format_ore_plain`` when ``plain``)."""
    sign = f"(CASE WHEN {x} < 0 THEN '-' ELSE '' END)"
    cents = f"printf('%02d', abs({x}) % 100)"
    if plain:
        whole = f"(abs({x}) / 100)"
        return f"CASE WHEN typeof({x}) = 'integer' THEN {sign} || {whole} || ',' || {cents} END"
    return (
        f"CASE WHEN typeof({x}) = 'integer' THEN {sign}"
        f" || replace(printf('%,d', abs({x}) / 100), ',', char(160))"
        f" || (CASE WHEN abs({x}) % 100 THEN ',' || {cents} ELSE '' END) || char(160) || 'kr' END"
    )


def csv_sql(
    table: ExportTable, sql: str, *, include_pnr: bool, plain_money: bool = False
) -> str | None:
    """The query of a CSV export whose cells SQLite computes: the table's query
    (``sql``) with the fields the export computes per row in Python (personnummer masked
    or formatted, money formatted, booleans, the table's derived fields) computed in SQL.
    The formula guard (``tabular.is_formula``) stays in Python, for the few cells that
    may need it (``_write_csv_query``). None for a table whose derived fields are
    computed in Python only."""
    derived: dict[str, str] = {}
    if table.derive is not None:
        found = DERIVED_SQL.get(f"{table.derive.__module__}.{table.derive.__qualname__}")
        if found is None:
            return None
        derived = found
    cells: list[str] = []
    for c in table.columns:
        x = f'"{c.key}"'
        if c.key in derived:
            cells.append(f"{derived[c.key]} AS {x}")
        elif c.kind == "pnr":
            full = f"substr({x}, 1, 8) || '-' || substr({x}, 9)"
            shown = full if include_pnr else f"substr({x}, 1, 8) || '-****'"
            cells.append(f"CASE WHEN {x} THEN {shown} ELSE {x} END AS {x}")
        elif c.kind == "bool":
            cells.append(
                f"CASE WHEN {x} IS NULL THEN NULL WHEN {x} THEN 'true' ELSE 'false' END AS {x}"
            )
        else:
            cells.append(x)
        if c.kind == "money":
            amount = f"({derived[c.key]})" if c.key in derived else x
            cells.append(f'{_money_cell(amount, plain=plain_money)} AS "{c.formatted_name}"')
    return f"SELECT {', '.join(cells)} FROM ({sql.strip()})"


def export_sql(
    name: str,
    *,
    as_of: date,
    since: date | None = None,
    status: str | None = None,
    include_pnr: bool = False,
) -> str:
    """The CSV export of a table as ONE SQL statement with its parameters written in:
    the query ``export_table`` runs (``csv_sql``); the formula guard is Python's. The
    benchmarks run it in the sqlite3 shell, the floor of an export."""
    import re

    table = get_table(name)
    sql, params = query(table, as_of=as_of, since=since, status=status)
    whole = csv_sql(table, sql, include_pnr=include_pnr)
    if whole is None:
        raise InvalidInput("table", name, _("this table has no export query"))
    return re.sub(
        r"(?<![:\w]):(\w+)",
        lambda m: _sql_literal(params[m.group(1)]) if m.group(1) in params else m.group(0),
        whole,
    )
