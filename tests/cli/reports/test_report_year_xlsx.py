"""``bostad report year --format xlsx --out FILE``: the year report as a spreadsheet.

The workbook holds the rows of the CSV (figure, value, previous) with counts and shares
as numbers; the golden CSV files of ``test_reports_golden`` are what it must agree with.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_spreadsheets import _convert, _soffice

from golden_reports import GOLDEN_DIR, SCENARIOS, build

openpyxl = pytest.importorskip("openpyxl")


@pytest.fixture(scope="module")
def golden_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return build(tmp_path_factory.mktemp("golden"))


def _run(golden_db: tuple[Path, Path], *args: str) -> Any:
    from typer.testing import CliRunner

    from bostadcli.cli.app import app

    db, config = golden_db
    return CliRunner().invoke(app, ["--db", str(db), "--config", str(config), *args])


def _year_xlsx(golden_db: tuple[Path, Path], target: Path, year: str, as_of: str) -> Any:
    result = _run(
        golden_db,
        "report", "year", "--year", year, "--as-of", as_of, "--format", "xlsx",
        "--out", str(target),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return openpyxl.load_workbook(target)


def _same(cell: Any, text: str) -> bool:
    """Whether a typed cell holds what the CSV field says."""
    if cell is None:
        return text == ""
    if isinstance(cell, bool):
        return False  # the report's true/false are text, as in CSV
    if isinstance(cell, int | float):
        return float(text) == cell and (isinstance(cell, float) or text.lstrip("-").isdigit())
    return bool(cell == text)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_the_workbook_holds_the_golden_csv_typed(
    golden_db: tuple[Path, Path], tmp_path: Path, scenario: tuple[str, str, str]
) -> None:
    name, year, as_of = scenario
    book = _year_xlsx(golden_db, tmp_path / f"{name}.xlsx", year, as_of)
    assert book.sheetnames == [f"Year report {year}"]
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    golden = list(csv.reader(io.StringIO((GOLDEN_DIR / f"{name}.csv").read_text("utf-8"))))
    assert rows[0] == ("Figure", "Value", "Last year")
    assert list(rows[1]) == golden[0] == ["figure", "value", "previous"]
    assert len(rows) - 2 == len(golden) - 1
    for typed, text in zip(rows[2:], golden[1:], strict=True):
        assert typed[0] == text[0]
        assert _same(typed[1], text[1]), (typed, text)
        assert _same(typed[2], text[2]), (typed, text)
    by_figure = {r[0]: r for r in rows[2:]}
    # Counts are whole numbers, shares fractions, the period ISO text.
    assert isinstance(by_figure["reported.households"][1], int)
    assert by_figure["reported.households"][1] > 0
    assert by_figure["year"][1:] == (int(year), int(year) - 1)
    assert by_figure["period_start"][1] == f"{year}-01-01"
    share = by_figure["outcomes.stayed_share"][1]
    assert share is None or 0 <= share <= 1
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == f"A2:C{len(rows)}"


def test_the_headings_in_swedish(golden_db: tuple[Path, Path], tmp_path: Path) -> None:
    from bostadcli import i18n

    _name, year, as_of = SCENARIOS[0]
    i18n.setup("sv")
    try:
        book = _year_xlsx(golden_db, tmp_path / "sv.xlsx", year, as_of)
    finally:
        i18n.setup("en")
    assert book.sheetnames == [f"Årsrapport {year}"]
    rows = book.active.iter_rows(values_only=True)
    assert next(rows) == ("Uppgift", "Värde", "Förra året")
    assert next(rows) == ("figure", "value", "previous")


@pytest.mark.parametrize("out", [None, "-"])
def test_xlsx_needs_a_file(golden_db: tuple[Path, Path], out: str | None) -> None:
    result = _run(golden_db, "report", "year", "--format", "xlsx", *(["--out", out] if out else []))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "--out" in result.stderr


def test_an_existing_file_needs_force_and_the_database_is_never_written(
    golden_db: tuple[Path, Path], tmp_path: Path
) -> None:
    target = tmp_path / "year.xlsx"
    target.write_bytes(b"keep")
    args = ["report", "year", "--year", "2025", "--format", "xlsx", "--out", str(target)]
    refused = _run(golden_db, *args)
    assert refused.exit_code == 1 and "--force" in refused.stderr
    assert target.read_bytes() == b"keep"
    assert _run(golden_db, *args, "--force").exit_code == 0
    assert target.read_bytes().startswith(b"PK")
    assert target.stat().st_mode & 0o077 == 0
    db = golden_db[0]
    before = db.read_bytes()
    onto_db = _run(golden_db, *args[:-1], str(db), "--force")
    assert onto_db.exit_code == 1
    assert db.read_bytes() == before


def test_a_failure_half_way_leaves_no_file(
    golden_db: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bostadcli import reports

    real = reports.comparison_rows

    def breaking(report: Any) -> Iterator[dict[str, Any]]:
        for number, row in enumerate(real(report)):
            if number == 20:
                raise KeyboardInterrupt
            yield row

    monkeypatch.setattr(reports, "comparison_rows", breaking)
    folder = tmp_path / "out"
    folder.mkdir()
    result = _run(
        golden_db, "report", "year", "--year", "2025", "--format", "xlsx",
        "--out", str(folder / "year.xlsx"),
    )  # fmt: skip
    assert result.exit_code != 0
    assert list(folder.iterdir()) == []


def test_libreoffice_reads_the_figures(golden_db: tuple[Path, Path], tmp_path: Path) -> None:
    _soffice()
    name, year, as_of = SCENARIOS[1]
    source = tmp_path / "year.xlsx"
    _year_xlsx(golden_db, source, year, as_of)
    converted = _convert(source, "csv:Text - txt - csv (StarCalc):44,34,76,1", tmp_path)
    read = list(csv.reader(converted.read_text(encoding="utf-8").splitlines()))
    golden = list(csv.reader(io.StringIO((GOLDEN_DIR / f"{name}.csv").read_text("utf-8"))))
    assert read[1] == golden[0]
    for shown, text in zip(read[2:], golden[1:], strict=True):
        assert shown[0] == text[0]
        for cell, field in zip(shown[1:], text[1:], strict=True):
            if field and field.replace(".", "", 1).isdigit():
                assert float(cell) == float(field), (shown, text)
            else:
                assert cell == field, (shown, text)
