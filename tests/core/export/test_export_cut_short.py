"""An export cut short by its reader (a closed pipe) logs every row that left the
database, on the CSV straight from the query as on the rows computed in Python: the rows
of a chunk are counted, and their cases named, before the chunk is written."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest

from bostadcli.export.stream import export_table
from bostadcli.households import NewHousehold, add_household

AS_OF = date(2026, 11, 2)
CASES = 1200


class ClosedAfter(io.StringIO):
    """A stream whose reader goes away after ``limit`` characters."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def write(self, text: str) -> int:
        if self.tell() + len(text) > self.limit:
            raise BrokenPipeError(32, "Broken pipe")
        return super().write(text)


@pytest.fixture
def many(db: Any) -> Any:
    for i in range(3):
        add_household(db, NewHousehold(tenant_name=f"Person {i}", street=f"Gata {i}"), as_of=AS_OF)
    source = db.execute("SELECT * FROM households WHERE id = 1").fetchone()
    names = [d[0] for d in db.execute("SELECT * FROM households").description]
    values = dict(zip(names, source, strict=True))
    keep = [n for n in names if n not in ("id", "ref")]
    with db.conn:
        db.conn.executemany(
            f"INSERT INTO households (ref, {', '.join(keep)}) VALUES (?{', ?' * len(keep)})",
            [[f"2025-{i:05d}", *(values[n] for n in keep)] for i in range(CASES)],
        )
    return db


@pytest.mark.parametrize(("name", "fmt"), [("households", "csv"), ("households", "json")])
@pytest.mark.parametrize("limit", [10, 5_000, 150_000])
def test_every_row_that_left_is_logged(many: Any, name: str, fmt: str, limit: int) -> None:
    out = ClosedAfter(limit)
    with pytest.raises(BrokenPipeError):
        export_table(many, name, out, fmt=fmt, as_of=AS_OF, command="test")
    text = out.getvalue()
    # Rows begun in the output: lines after the header, objects in the array.
    written = text.count('{"ref"') if fmt == "json" else max(text.count("\n") - 1, 0)
    (count, disclosed) = many.execute(
        "SELECT e.row_count, (SELECT count(*) FROM disclosures d WHERE d.export_id = e.id)"
        " FROM export_log e"
    ).fetchone()
    assert count >= written
    assert disclosed == count <= CASES + 3
