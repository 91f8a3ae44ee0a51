"""The next deadline of every case (households.HOUSEHOLD_FIGURES) is read off the index
notices_household_due (migration 0022_export_indexes), never sorted per case, with the
same figures in the export as in the listing: ties (the first notice by id gives the
kind), voided notices, passed deadlines and cases without members or notices, on any
--as-of."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bostadcli.export.stream import iter_rows
from bostadcli.households import ChildSpec, NewHousehold, add_household, list_households

AS_OF = date(2026, 11, 2)
FIGURES = ("tenant", "reasons", "members", "children", "children_part_time")
FIGURES += ("next_deadline", "next_deadline_kind", "days_left")

# (kind, recovery_deadline, eviction_at, voided): the notices of each case.
NOTICES: list[list[tuple[str, str | None, str | None, bool]]] = [
    [],
    [("termination", "2026-11-10", None, False)],
    # A tie: the first notice (by id) gives the kind, whichever kind it is.
    [("eviction", None, "2026-11-10T09:00", False), ("termination", "2026-11-10", None, False)],
    [("termination", "2026-11-10", None, False), ("eviction", None, "2026-11-10", False)],
    # Passed: shown for 14 days, then the next one.
    [("termination", "2026-10-25", None, False), ("eviction", None, "2027-02-01T10:00", False)],
    [("termination", "2026-01-05", None, False)],
    # A voided notice is no deadline.
    [("termination", "2026-11-05", None, True), ("eviction", None, "2026-12-24", False)],
    # An eviction notice without a day, a warning without a deadline.
    [("eviction", None, None, False), ("warning", None, None, False)],
]


@pytest.fixture
def cases(db: Any) -> Any:
    for i, notices in enumerate(NOTICES):
        ref = add_household(
            db,
            NewHousehold(
                tenant_name=f"Person {i}",
                street=f"Gata {i}",
                reasons=["unpaid_rent", "disturbance"][: i % 3],
                children=[ChildSpec(date(2010 + i, 1, 1), part_time=i % 2 == 1)],
            ),
            as_of=AS_OF,
        )
        for kind, recovery, eviction, voided in notices:
            db.execute(
                "INSERT INTO notices (household_id, kind, recovery_deadline, eviction_at,"
                " created_at, voided_at) SELECT id, ?, ?, ?, '2026-01-01T00:00:00Z', ?"
                " FROM households WHERE ref = ?",
                [kind, recovery, eviction, "2026-02-01T00:00:00Z" if voided else None, ref],
            )
    # A case without members: no tenant, counts of 0.
    db.execute("DELETE FROM members WHERE household_id = 1")
    db.conn.commit()
    return db


DAYS = [date(2001, 1, 1), date(2026, 1, 10), AS_OF, date(2026, 11, 16), date(2026, 11, 25)]


@pytest.mark.parametrize("as_of", [*DAYS, date(2045, 1, 1)])
def test_the_export_figures_are_the_listing_figures(cases: Any, as_of: date) -> None:
    exported = {
        row["ref"]: tuple(row[k] for k in FIGURES)
        for row in iter_rows(cases, "households", as_of=as_of)
    }
    listed = {
        row["ref"]: tuple(row[k] for k in FIGURES)
        for row in list_households(cases, as_of=as_of, status=None)
    }
    assert exported == listed
    assert len(exported) == len(NOTICES)


def test_a_tie_takes_the_kind_of_the_first_notice(cases: Any) -> None:
    rows = {row["ref"]: row for row in iter_rows(cases, "households", as_of=AS_OF)}
    refs = sorted(rows)
    assert (rows[refs[2]]["next_deadline"], rows[refs[2]]["next_deadline_kind"]) == (
        "2026-11-10",
        "eviction",
    )
    assert rows[refs[3]]["next_deadline_kind"] == "recovery_deadline"
    assert rows[refs[0]]["tenant"] is None and rows[refs[0]]["members"] == 0


def test_the_deadlines_are_read_off_their_index(cases: Any) -> None:
    from bostadcli.export.registry import get_table, query

    sql, params = query(get_table("households"), as_of=AS_OF, since=None, status=None)
    plan = [row[3] for row in cases.execute("EXPLAIN QUERY PLAN " + sql, params)]
    assert sum("notices_household_due" in step for step in plan) == 2, plan
    assert not any("TEMP B-TREE" in step for step in plan), plan
