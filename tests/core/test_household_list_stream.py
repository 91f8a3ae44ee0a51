"""The listing of households streams its rows (households.iter_households): the same rows,
in the same order, as the whole list (list_households), its filters checked and a
listing with personnummer logged before the first row, and memory that does not grow
with the number of cases."""

from __future__ import annotations

import io
import tracemalloc
from datetime import date
from typing import Any

import pytest

from bostadcli.demo import fictional_pnr
from bostadcli.errors import BostadError
from bostadcli.households import ChildSpec, NewHousehold, add_household
from bostadcli.households.listing import iter_households, list_households
from bostadcli.tabular import Column, write_csv

AS_OF = date(2026, 11, 2)
NAMES = [
    'Anna "Ankan" Ek',
    "Bo\nEk",
    "Cecilia; Ek",
    "=cmd|' /C calc'!A0",
    "+46 8 123 45",
    "-2+3",
    "@SUM(A1)",
    "a\rb",
    "Örjan, Åsa",
]


def _add(db: Any, i: int, name: str, **extra: Any) -> str:
    return add_household(
        db,
        NewHousehold(
            tenant_name=name,
            tenant_pnr=fictional_pnr(date(1970 + i % 30, 1 + i % 12, 1 + i % 28), f"{i:03d}"),
            street=f"Gata {i}",
            allow_duplicate=True,
            duplicate_reason="test",
            **extra,
        ),
        as_of=AS_OF,
    )


@pytest.fixture
def listed(db: Any) -> Any:
    for i, name in enumerate(NAMES):
        ref = _add(
            db, i, f"Person {i}", children=[ChildSpec(date(2015, 1, 1), part_time=i % 2 == 1)]
        )
        # Names another program may have written, past the checks of bostadcli's commands.
        db.execute(
            "UPDATE members SET name = ? WHERE role = 'tenant'"
            " AND household_id = (SELECT id FROM households WHERE ref = ?)",
            [name, ref],
        )
    # A case with no members at all: no tenant, no counts, no deadline.
    empty = _add(db, 99, "Ingen Alls")
    db.execute(
        "DELETE FROM members WHERE household_id = (SELECT id FROM households WHERE ref = ?)",
        [empty],
    )
    # Deadlines: one passed within the window, one ahead, one passed long ago.
    for ref, due in (
        ("2026-0001", "2026-10-25"),
        ("2026-0002", "2026-11-20"),
        ("2026-0003", "2026-01-05"),
    ):
        db.execute(
            "INSERT INTO notices (household_id, kind, recovery_deadline, created_at)"
            " SELECT id, 'termination', ?, '2026-01-01T00:00:00Z' FROM households WHERE ref = ?",
            [due, ref],
        )
    db.conn.commit()
    return db


FILTERS: list[dict[str, Any]] = [
    {},
    {"status": None},
    {"status": "closed"},
    {"with_children": True},
    {"with_children": False},
    {"within_days": 30},
    {"within_days": 0},
    {"reason": "unpaid_rent"},
]


@pytest.mark.parametrize("filters", FILTERS)
@pytest.mark.parametrize("as_of", [AS_OF, date(2001, 1, 1), date(2040, 6, 30)])
@pytest.mark.parametrize("include_pnr", [False, True])
def test_the_stream_is_the_list(
    listed: Any, filters: dict[str, Any], as_of: date, include_pnr: bool
) -> None:
    whole = list_households(listed, as_of=as_of, include_pnr=include_pnr, **filters)
    streamed = list(iter_households(listed, as_of=as_of, include_pnr=include_pnr, **filters))
    assert streamed == whole
    if not filters:
        assert len(whole) == len(NAMES) + 1
        tenants = {row["tenant"] for row in whole}
        assert None in tenants and set(NAMES) <= tenants


def test_filters_are_checked_before_a_row_is_read(listed: Any) -> None:
    with pytest.raises(BostadError):
        iter_households(listed, as_of=AS_OF, within_days=-1)
    with pytest.raises(BostadError):
        iter_households(listed, as_of=AS_OF, landlord="Finns Inte AB")
    with pytest.raises(BostadError):
        iter_households(listed, as_of=AS_OF, status="halvöppen")


def test_a_listing_with_pnr_is_logged_before_the_first_row(listed: Any) -> None:
    def logged() -> list[tuple[Any, ...]]:
        return listed.execute(
            "SELECT e.table_name, e.row_count, e.include_pnr, count(d.household_id)"
            " FROM export_log e LEFT JOIN disclosures d ON d.export_id = e.id GROUP BY e.id"
        ).fetchall()

    rows = iter_households(listed, as_of=AS_OF, include_pnr=True, status=None)
    assert logged() == [("household list", len(NAMES) + 1, 1, len(NAMES) + 1)]
    first = next(rows)
    assert first["tenant_pnr"] and "*" not in first["tenant_pnr"]
    rows.close()
    list(iter_households(listed, as_of=AS_OF, include_pnr=False, status=None))
    assert len(logged()) == 1


def test_an_empty_database_lists_nothing(db: Any) -> None:
    assert list(iter_households(db, as_of=AS_OF, status=None)) == []


def _peak(db: Any) -> int:
    out = io.StringIO()
    columns = [Column(key="ref", heading="ref"), Column(key="tenant", heading="tenant")]
    tracemalloc.start()
    try:
        write_csv(iter_households(db, as_of=AS_OF, status=None), columns, out)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_cases(db: Any) -> None:
    _add(db, 0, "Första Fallet")
    db.conn.commit()
    one = _peak(db)
    source = db.execute("SELECT * FROM households").fetchone()
    names = [d[0] for d in db.execute("SELECT * FROM households").description]
    values = dict(zip(names, source, strict=True))
    keep = [n for n in names if n not in ("id", "ref")]
    with db.conn:
        db.conn.executemany(
            f"INSERT INTO households (ref, {', '.join(keep)}) VALUES (?{', ?' * len(keep)})",
            [[f"2025-{i:05d}", *(values[n] for n in keep)] for i in range(3000)],
        )
    many = _peak(db)
    # The whole list of 3000 rows would take well over a megabyte.
    assert many < one + 300_000, (one, many)
