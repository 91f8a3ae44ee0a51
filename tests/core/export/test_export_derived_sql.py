"""Every export whose derived fields SQLite computes (export.derived_sql) writes
the same bytes as the row-by-row writer, which derives them in Python, on the demo
caseload (plans paid, behind, cancelled and replaced; members of every age) replayed on
days before, during and long after it, in every CSV dialect, and logs the same
disclosure."""

from __future__ import annotations

import io
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bostadcli.db import open_database
from bostadcli.export.derived_sql import DERIVED_SQL
from bostadcli.export.registry import TABLES
from bostadcli.export.stream import csv_sql, export_table, iter_rows
from bostadcli.tabular import CSV_DIALECTS, write_csv

DEMO_DAY = date(2026, 11, 16)
DAYS = [date(2019, 12, 31), date(2026, 3, 1), DEMO_DAY, date(2027, 6, 30), date(2040, 2, 29)]
DERIVED = [
    name
    for name, t in TABLES.items()
    if t.derive is not None and csv_sql(t, "SELECT 1", include_pnr=False) is not None
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bostadcli.demo import build_demo

    folder = tmp_path_factory.mktemp("derived") / "demo"
    build_demo(folder, as_of=DEMO_DAY)
    return folder / "bostad.sqlite"


@pytest.fixture
def db(demo: Path, tmp_path: Path) -> Any:
    shutil.copy(demo, tmp_path / "bostad.sqlite")
    database = open_database(tmp_path / "bostad.sqlite")
    yield database
    database.close()


def test_the_derived_tables() -> None:
    assert {"households", "members", "plans", "installments"} <= set(DERIVED)
    assert len(DERIVED_SQL) == len(DERIVED)


def _by_rows(db: Any, name: str, as_of: date, dialect: str, include_pnr: bool) -> str:
    style = CSV_DIALECTS[dialect]
    out = io.StringIO()
    if style.bom:
        out.write("\ufeff")
    rows = iter_rows(db, name, as_of=as_of, include_pnr=include_pnr)
    write_csv(
        rows,
        list(TABLES[name].columns),
        out,
        delimiter=style.delimiter,
        plain_money=style.plain_money,
    )
    return out.getvalue()


@pytest.mark.parametrize("name", DERIVED)
@pytest.mark.parametrize("as_of", DAYS)
def test_sql_derives_what_python_derives(db: Any, name: str, as_of: date) -> None:
    for dialect in sorted(CSV_DIALECTS):
        for include_pnr in (False, True):
            out = io.StringIO()
            count = export_table(
                db,
                name,
                out,
                as_of=as_of,
                dialect=dialect,
                include_pnr=include_pnr,
                command="test",
            )
            expected = _by_rows(db, name, as_of, dialect, include_pnr)
            assert out.getvalue() == expected, (name, as_of, dialect)
            assert count == len(expected.splitlines()) - 1 > 0


def test_the_states_are_all_there(db: Any) -> None:
    out = io.StringIO()
    export_table(db, "installments", out, as_of=DEMO_DAY, command="test")
    text = out.getvalue()
    assert all(f",{state}," in text for state in ("paid", "unpaid", "overdue"))


def test_a_closed_plan_has_nothing_overdue(db: Any) -> None:
    # A plan with installments unpaid and due, cancelled on a day between them.
    plan_id, first_due = db.execute(
        "SELECT i.plan_id, min(i.due_on) FROM installments i JOIN plans p ON p.id = i.plan_id"
        " WHERE p.status = 'active' AND i.paid_ore = 0 GROUP BY i.plan_id"
        " HAVING count(*) >= 3 ORDER BY i.plan_id LIMIT 1"
    ).fetchone()
    with db.conn:
        db.execute(
            "UPDATE plans SET status = 'cancelled', cancelled_on = ? WHERE id = ?",
            ["2027-01-15", plan_id],
        )
    for as_of in (date.fromisoformat(first_due), date(2027, 1, 14), date(2027, 1, 15)):
        out = io.StringIO()
        export_table(db, "installments", out, as_of=as_of, command="test")
        assert out.getvalue() == _by_rows(db, "installments", as_of, "standard", False)
    assert ",overdue," in _by_rows(db, "installments", date(2027, 1, 14), "standard", False)
