"""A CSV export whose cells SQLite computes (export.stream.csv_sql) writes the same bytes
as the row-by-row writer (tabular.write_csv over iter_rows), hostile cells included."""

from __future__ import annotations

import io
import sqlite3
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bostadcli.db import open_database
from bostadcli.demo import fictional_pnr
from bostadcli.export.registry import TABLES
from bostadcli.export.stream import csv_sql, export_sql, export_table, iter_rows
from bostadcli.households import NewHousehold, add_household
from bostadcli.money import Money
from bostadcli.tabular import CSV_DIALECTS, write_csv

AS_OF = date(2026, 11, 2)
HOSTILE = [
    "=cmd|' /C calc'!A0",
    "+1",
    "-2+3",
    "- ringde",
    "+46 8 123 45",
    "@SUM(A1)",
    "\tx",
    " =1",
    "\uff1d1",
    "a\rb",
    "a\r\nb",
    "\r=1",
    "plain",
    "'q",
]


@pytest.fixture
def db(tmp_path: Path) -> Any:
    database = open_database(tmp_path / "t.sqlite", create=True)
    for i in range(len(HOSTILE)):
        add_household(
            database,
            NewHousehold(
                tenant_name=f"Person {i}",
                tenant_pnr=None,
                street=f"Gata {i}",
                rent=Money(745_050 * i),
                arrears=Money(i * 100_000_07 % 9_999_999),
            ),
            as_of=AS_OF,
        )
    add_household(
        database,
        NewHousehold(
            tenant_name="Bo Ek", tenant_pnr=fictional_pnr(date(1980, 1, 1), "002"), street="Ekv 1"
        ),
        as_of=AS_OF,
    )
    # Cells another program may have written, past the checks of bostadcli's own commands.
    for i, text in enumerate(HOSTILE):
        database.execute(
            "UPDATE households SET note = ?, contract_number = ?, city = ? WHERE id = ?",
            [text, text, text.upper(), i + 1],
        )
    database.conn.commit()
    yield database
    database.close()


def by_rows(db: Any, name: str, *, include_pnr: bool, dialect: str = "standard") -> str:
    style = CSV_DIALECTS[dialect]
    out = io.StringIO()
    if style.bom:
        out.write("\ufeff")
    table = TABLES[name]
    rows = iter_rows(db, name, as_of=AS_OF, include_pnr=include_pnr)
    write_csv(
        rows, list(table.columns), out, delimiter=style.delimiter, plain_money=style.plain_money
    )
    return out.getvalue()


@pytest.mark.parametrize("include_pnr", [False, True])
@pytest.mark.parametrize("dialect", sorted(CSV_DIALECTS))
def test_the_sql_cells_are_the_python_cells(db: Any, include_pnr: bool, dialect: str) -> None:
    for name, table in TABLES.items():
        sql = "SELECT 1"
        if csv_sql(table, sql, include_pnr=include_pnr) is None:
            continue
        out = io.StringIO()
        export_table(
            db,
            name,
            out,
            as_of=AS_OF,
            include_pnr=include_pnr,
            dialect=dialect,
            command="test",
        )
        expected = by_rows(db, name, include_pnr=include_pnr, dialect=dialect)
        assert out.getvalue() == expected, name


def test_the_households_export_is_one_sql_statement(db: Any, tmp_path: Path) -> None:
    sql = export_sql("households", as_of=AS_OF)
    assert ":" + "as_of" not in sql
    conn = sqlite3.connect(tmp_path / "t.sqlite")
    cursor = conn.execute(sql)
    names = [d[0] for d in cursor.description]
    found = cursor.fetchall()
    conn.close()
    expected = by_rows(db, "households", include_pnr=False).splitlines()[0].split(",")
    assert names == expected
    assert len(found) == len(HOSTILE) + 1


def test_the_sqlite3_shell_runs_it(db: Any, tmp_path: Path) -> None:
    import shutil

    if shutil.which("sqlite3") is None:
        pytest.skip("no sqlite3 shell")
    done = subprocess.run(
        ["sqlite3", "-csv", str(tmp_path / "t.sqlite"), export_sql("households", as_of=AS_OF)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert len(done.stdout.splitlines()) >= len(HOSTILE) + 1


@pytest.mark.parametrize(
    "ore", [None, 0, 7, 99, 100, 745_000, 100_050, 12_345_678_901, -5, -123_456]
)
@pytest.mark.parametrize("plain", [False, True])
def test_money_in_sql_is_money_in_python(ore: int | None, plain: bool) -> None:
    from bostadcli.export.stream import _money_cell
    from bostadcli.tabular import format_ore, format_ore_plain

    conn = sqlite3.connect(":memory:")
    sql = f"SELECT {_money_cell('x', plain=plain)} FROM (SELECT ? AS x)"
    (found,) = conn.execute(sql, [ore]).fetchone()
    expected = None if ore is None else (format_ore_plain if plain else format_ore)(ore)
    assert found == expected


@pytest.mark.parametrize("chunk", [1, 2, 3, 7])
def test_chunks_of_any_size_write_the_same_bytes(db: Any, chunk: int, monkeypatch: Any) -> None:
    """The guard's check runs a chunk at a time: a hostile cell at any place of a chunk
    (first, last, alone) is guarded, and the cases disclosed are every row's."""
    import bostadcli.export.stream as stream

    monkeypatch.setattr(stream, "_CHUNK", chunk)
    out = io.StringIO()
    count = export_table(db, "households", out, as_of=AS_OF, command="test")
    assert out.getvalue() == by_rows(db, "households", include_pnr=False)
    (disclosed,) = db.conn.execute(
        "SELECT count(*) FROM disclosures WHERE export_id = (SELECT max(id) FROM export_log)"
    ).fetchone()
    assert disclosed == count == len(HOSTILE) + 1


def test_the_chunk_check_finds_every_risky_cell() -> None:
    from operator import itemgetter

    from bostadcli.export.stream import _chunk_may_need_guard
    from bostadcli.tabular import _FORMULA_START

    cells = itemgetter(0, 1)
    assert not _chunk_may_need_guard([("a", None), ("", "b c"), (None, "x-1")], cells)
    for start in _FORMULA_START:
        assert _chunk_may_need_guard([("a", "b"), ("c", start + "x")], cells)
    assert _chunk_may_need_guard([("a", "b\rc")], cells)
    # Not only text (a number, bytes): every row is looked at.
    assert _chunk_may_need_guard([("a", 5)], cells)
    assert _chunk_may_need_guard([("a", b"\r")], cells)
