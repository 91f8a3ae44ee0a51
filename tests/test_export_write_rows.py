"""export.write_rows_csv: rows with given fields as CSV in a private file, through the
exports' CSV writer and its formula guard (what a letter batch's manifest needs)."""

from __future__ import annotations

import csv
import io
import stat
from pathlib import Path
from typing import Any

import pytest

from bostadcli.errors import BostadError
from bostadcli.export import write_rows_csv
from bostadcli.files import database_files

# The fields of a letter batch's manifest.
FIELDS = ("reference", "kind", "recipient", "address", "file", "format", "pages", "status", "note")


def test_rows_by_field_or_in_order_with_formulas_made_inert(tmp_path: Path) -> None:
    path = tmp_path / "manifest.csv"
    rows: list[Any] = [
        [
            "2026-0001",
            "outreach",
            '=HYPERLINK("x")',
            "Storgatan 1, 441 30 Ängby",
            "2026-0001-outreach.pdf",
            "pdf",
            2,
            "made",
            "",
        ],
        {"reference": "-2026-0002", "kind": "meeting", "status": "failed", "note": "+SUM(A1:A3)"},
        ["2026-0003", "plan_reminder", "@Åsa", "", "", "", None, "not_sent", "ring\rnu"],
    ]
    assert write_rows_csv(path, FIELDS, rows) == 3
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(FIELDS)
    assert "\r" not in text
    read = list(csv.DictReader(io.StringIO(text)))
    assert read[0]["recipient"] == '\'=HYPERLINK("x")'
    assert read[0]["pages"] == "2"
    assert read[0]["address"] == "Storgatan 1, 441 30 Ängby"
    # A mapping: fields it lacks are empty, its formula-like text inert.
    assert read[1]["reference"] == "'-2026-0002"
    assert read[1]["note"] == "'+SUM(A1:A3)"
    assert read[1]["recipient"] == "" and read[1]["pages"] == ""
    assert read[2]["recipient"] == "'@Åsa"
    assert read[2]["pages"] == ""
    assert read[2]["note"] == "ring\nnu"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_same_cells_as_an_export_writes(tmp_path: Path) -> None:
    """Byte for byte what the export CSV writer makes of the same rows."""
    from bostadcli.tabular import Column, write_csv

    rows = [{"a": "=1", "b": 5, "c": None, "d": True}, {"a": "x,y", "b": -3, "c": "é", "d": False}]
    path = tmp_path / "rows.csv"
    write_rows_csv(path, ["a", "b", "c", "d"], rows)
    expected = io.StringIO()
    write_csv(rows, [Column(key=k, heading=k) for k in "abcd"], expected)
    assert path.read_bytes() == expected.getvalue().encode("utf-8")
    assert path.read_text(encoding="utf-8") == 'a,b,c,d\n\'=1,5,,true\n"x,y",-3,é,false\n'


def test_a_row_with_too_few_or_many_cells_is_refused_and_nothing_written(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    with pytest.raises(ValueError):
        write_rows_csv(path, FIELDS, [["2026-0001", "outreach"]])
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_needs_force_and_the_database_is_protected(
    tmp_path: Path, db: Any
) -> None:
    path = tmp_path / "m.csv"
    path.write_text("old\n", encoding="utf-8")
    with pytest.raises(BostadError):
        write_rows_csv(path, FIELDS, [])
    assert path.read_text(encoding="utf-8") == "old\n"
    assert write_rows_csv(path, FIELDS, [], force=True) == 0
    assert path.read_text(encoding="utf-8") == ",".join(FIELDS) + "\n"
    [database] = database_files(db)[:1]
    with pytest.raises(BostadError):
        write_rows_csv(database, FIELDS, [], force=True, protect=database_files(db))
    assert database.read_bytes().startswith(b"SQLite format 3")


def test_a_folder_that_cannot_be_written_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(BostadError) as raised:
        write_rows_csv(tmp_path / "no" / "such" / "m.csv", FIELDS, [])
    assert "\n" not in str(raised.value)
