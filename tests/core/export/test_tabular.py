"""The CSV writer's prepared row function gives the cells of the plain definition."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bostadcli.tabular import Column, _csv_cell, _csv_cells, _flattener
from bostadcli.vocab import Reason

COLUMNS = [
    Column("name", "Name"),
    Column("count", "Count", kind="int"),
    Column("rent_ore", "Rent", kind="money"),
    Column("valid", "Valid", kind="bool"),
    Column("reasons", "Reasons", kind="list"),
    Column("reason", "Reason"),
    Column("share", "Share"),
]

text = st.text(st.sampled_from(list("ab =+-@\t\r\n,'\"å")), max_size=8)
values: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    text,
    st.integers(-(10**9), 10**9),
    st.booleans(),
    st.lists(text, max_size=3),
    st.sampled_from(list(Reason)),
    st.floats(allow_nan=False, allow_infinity=False),
)


def reference(row: dict[str, Any]) -> list[Any]:
    """Flatten, then every cell through _csv_cell: what the writer did before."""
    return [_csv_cell(v) for v in _flattener(COLUMNS)(row).values()]


def as_written(cells: list[Any]) -> list[str]:
    # The csv module writes None as "" and a number as str(number).
    return ["" if c is None else str(c) for c in cells]


@given(
    row=st.fixed_dictionaries(
        {c.key: values for c in COLUMNS if c.kind != "money"},
        optional={"rent_ore": st.one_of(st.none(), st.integers(-(10**9), 10**9))},
    )
)
def test_prepared_cells_are_the_plain_cells(row: dict[str, Any]) -> None:
    assert as_written(_csv_cells(COLUMNS)(row)) == as_written(reference(row))
