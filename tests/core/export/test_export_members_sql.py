"""The members export computes age and is_child in SQL (export.derived_sql): the
same bytes as the row-by-row writer, which computes them with dates.age_on, on any
--as-of: leap-day births, birthdays on the day, people born after --as-of, no birth date,
the last day before the child age limit."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest

from bostadcli.export.registry import TABLES
from bostadcli.export.stream import csv_sql, export_table, iter_rows
from bostadcli.households import ChildSpec, NewHousehold, add_household
from bostadcli.tabular import CSV_DIALECTS, write_csv

BIRTHS = [
    date(2008, 2, 29),
    date(2008, 3, 1),
    date(2008, 11, 2),
    date(2008, 11, 3),
    date(2012, 2, 29),
    date(2026, 11, 2),
    date(2026, 11, 3),
    date(2030, 1, 1),
]
DAYS = [
    date(2000, 1, 1),
    date(2026, 2, 28),
    date(2026, 3, 1),
    date(2026, 11, 2),
    date(2028, 2, 28),
    date(2028, 2, 29),
    date(2044, 3, 1),
]


@pytest.fixture
def families(db: Any) -> Any:
    ref = add_household(
        db,
        NewHousehold(
            tenant_name="Vuxen Utan Födelsedag",
            street="Gata 1",
            children=[
                ChildSpec(date(2010, 1, 1), name=f"Barn {i}", part_time=i % 2 == 1)
                for i in range(len(BIRTHS))
            ],
        ),
        as_of=date(2026, 11, 2),
    )
    # Births the program itself refuses (after the day of recording) written past it.
    ids = [
        r[0]
        for r in db.execute(
            "SELECT m.id FROM members m JOIN households h ON h.id = m.household_id"
            " WHERE h.ref = ? AND m.role = 'child' ORDER BY m.id",
            [ref],
        )
    ]
    for member, birth in zip(ids, BIRTHS, strict=True):
        db.execute("UPDATE members SET birth_date = ? WHERE id = ?", [birth.isoformat(), member])
    db.conn.commit()
    return db


def _by_rows(db: Any, as_of: date, dialect: str) -> str:
    style = CSV_DIALECTS[dialect]
    out = io.StringIO()
    if style.bom:
        out.write("\ufeff")
    rows = iter_rows(db, "members", as_of=as_of)
    write_csv(
        rows,
        list(TABLES["members"].columns),
        out,
        delimiter=style.delimiter,
        plain_money=style.plain_money,
    )
    return out.getvalue()


def test_members_are_written_from_sql() -> None:
    assert csv_sql(TABLES["members"], "SELECT 1", include_pnr=False) is not None


@pytest.mark.parametrize("as_of", DAYS)
@pytest.mark.parametrize("dialect", sorted(CSV_DIALECTS))
def test_ages_in_sql_are_ages_in_python(families: Any, as_of: date, dialect: str) -> None:
    out = io.StringIO()
    count = export_table(families, "members", out, as_of=as_of, dialect=dialect, command="test")
    assert count == len(BIRTHS) + 1
    assert out.getvalue() == _by_rows(families, as_of, dialect)


def test_the_ages_themselves(families: Any) -> None:
    out = io.StringIO()
    export_table(families, "members", out, as_of=date(2026, 2, 28), command="test")
    lines = out.getvalue().splitlines()
    header = lines[0].split(",")
    ages = {}
    for line in lines[1:]:
        cells = dict(zip(header, line.split(","), strict=True))
        ages[cells["birth_date"]] = (cells["age"], cells["is_child"])
    assert ages[""] == ("", "false")
    assert ages["2008-02-29"] == ("17", "true")  # 18 on 1 March
    assert ages["2008-03-01"] == ("17", "true")
    assert ages["2026-11-02"] == ("", "false")  # not born yet


@pytest.mark.parametrize(
    "damaged", ["2010-02-30", "2010-13-01", "abcd-ef-gh", "2010-1-1", "20100101"]
)
def test_a_damaged_birth_date_reads_as_no_date(families: Any, damaged: str) -> None:
    """A birth date that is not a real day (written past the program) gives no age, as a
    missing one does, never a made-up age or a wrong child flag."""
    member = families.execute("SELECT id FROM members WHERE birth_date = '2008-11-02'").fetchone()[
        0
    ]
    families.execute("UPDATE members SET birth_date = ? WHERE id = ?", [damaged, member])
    families.conn.commit()
    out = io.StringIO()
    export_table(families, "members", out, as_of=date(2026, 2, 28), command="test")
    lines = out.getvalue().splitlines()
    header = lines[0].split(",")
    rows = [dict(zip(header, line.split(","), strict=True)) for line in lines[1:]]
    (row,) = [r for r in rows if r["birth_date"] == damaged]
    assert (row["age"], row["is_child"]) == ("", "false")
