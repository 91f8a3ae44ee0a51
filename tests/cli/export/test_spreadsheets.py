"""Spreadsheets: exports as xlsx, the CSV dialects, and the CSV formula guard.

Where LibreOffice (soffice) is installed, the files are also opened by a real
spreadsheet program and read back; the tests that need it are skipped without it.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import tracemalloc
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_exporting import AS_OF, rich_case

from bostadcli import export as exporting
from bostadcli import i18n
from bostadcli.errors import BostadError, InvalidInput, UsageError
from bostadcli.export import export_table
from bostadcli.households import NewHousehold, add_household
from bostadcli.tabular import (
    Column,
    data_fields,
    format_ore_plain,
    is_formula,
    neutralise,
    table_bytes,
    write_csv,
)
from bostadcli.xlsx import MONEY_FORMAT, column_label, write_xlsx

openpyxl = pytest.importorskip("openpyxl")

# Text a spreadsheet would compute, and ordinary text that must come out as it went in.
FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "=1+1",
    "@SUM(A1)",
    "+1",
    "-2",
    "-2+3",
    "- 2026-01-05",
    "+A1",
    "-SUM(1)",
    "+cmd|' /C calc'!A0",
    "\tx",
    "\r=1",
    " =1+1",
    "\uff1d1+1",
    "-x!A1",
]
ORDINARY = [
    "+46 8 123 45",
    "+46-8-123 45",
    "- ringde, inget svar",
    "-köpt ny diskmaskin",
    "-Ring kl 10:30 (ingen svarade)",
    "-B12 lägenhet",
    "Anna-Karin",
    "1-2",
    "",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_formulas_are_guarded(text: str) -> None:
    assert is_formula(text)
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_keeps_its_first_character(text: str) -> None:
    assert not is_formula(text)
    assert neutralise(text) == text


def test_the_guard_is_fast_on_hostile_text() -> None:
    import time

    started = time.perf_counter()
    for text in ["-" + " " * 50_000, "-" + "1+" * 20_000 + "x", "-" + " (" * 20_000]:
        is_formula(text)
    assert time.perf_counter() - started < 2


def _households_csv(db: Any, **options: Any) -> str:
    out = io.StringIO()
    export_table(db, "households", out, as_of=AS_OF, command="t", **options)
    return out.getvalue()


def _case_with(db: Any, *, note: str, phone_name: str = "Anna") -> None:
    add_household(db, NewHousehold(tenant_name=phone_name, note=note), as_of=AS_OF)


def test_csv_export_leaves_ordinary_text_and_negative_amounts_alone(db: Any) -> None:
    _case_with(db, note="+46 8 123 45", phone_name="- ringde")
    [row] = list(csv.DictReader(io.StringIO(_households_csv(db))))
    assert row["note"] == "+46 8 123 45"
    assert row["tenant"] == "- ringde"
    out = io.StringIO()
    write_csv([{"amount_ore": -149050}], [Column("amount_ore", "x", kind="money")], out)
    assert list(csv.reader(io.StringIO(out.getvalue())))[1] == ["-149050", "-1\u00a0490,50\u00a0kr"]


def test_excel_sv_dialect(db: Any) -> None:
    _case_with(db, note="a;b")
    db.execute("UPDATE households SET rent_ore = 1490050, arrears_ore = 5")
    text = _households_csv(db, dialect="excel-sv")
    assert text.startswith("\ufeffref;status;")
    [row] = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert (row["rent_ore"], row["rent"]) == ("1490050", "14900,50")
    assert row["arrears"] == "0,05"
    assert row["note"] == "a;b"
    # Our own number, never guarded: no apostrophe before a negative amount.
    out = io.StringIO()
    money = [Column("amount_ore", "x", kind="money")]
    write_csv([{"amount_ore": -5}], money, out, delimiter=";", plain_money=True)
    assert out.getvalue() == "amount_ore;amount\n-5;-0,05\n"
    # The options still win over the dialect.
    assert _households_csv(db, dialect="excel-sv", delimiter=",", bom=False).startswith(
        "ref,status,"
    )
    with pytest.raises(InvalidInput, match="--dialect"):
        _households_csv(db, dialect="excel")


def test_format_ore_plain() -> None:
    assert [format_ore_plain(v) for v in (0, 5, -5, 100, 149050, -1490050)] == [
        "0,00",
        "0,05",
        "-0,05",
        "1,00",
        "1490,50",
        "-14900,50",
    ]


def _read(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data)).active


def _export_xlsx(db: Any, name: str, **options: Any) -> bytes:
    out = io.BytesIO()
    export_table(db, name, out, fmt="xlsx", as_of=AS_OF, command="t", **options)
    return out.getvalue()


def test_every_table_exports_as_xlsx_with_typed_cells(db: Any) -> None:
    rich_case(db)
    for name, table in exporting.TABLES.items():
        sheet = _read(_export_xlsx(db, name))
        columns = list(table.columns)
        csv_out = io.StringIO()
        export_table(db, name, csv_out, as_of=AS_OF, command="t")
        csv_rows = list(csv.DictReader(io.StringIO(csv_out.getvalue())))
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        cells = list(sheet.iter_rows())
        assert sheet.title == name
        assert values[1] == data_fields(columns), name
        assert sheet.freeze_panes == "A3"
        assert sheet.auto_filter.ref.startswith("A2:")
        assert len(values) - 2 == len(csv_rows) > 0, name
        fields = values[1]
        for row_cells, expected in zip(cells[2:], csv_rows, strict=True):
            got = dict(zip(fields, row_cells, strict=True))
            for c in columns:
                cell, text = got[c.key], expected[c.key]
                if text == "":
                    assert cell.value is None, (name, c.key)
                elif c.kind == "money":
                    assert cell.value == int(text)
                    kronor = got[c.formatted_name]
                    assert kronor.number_format == MONEY_FORMAT
                    assert round(kronor.value * 100) == int(text)
                elif c.kind in ("date", "deadline"):
                    assert isinstance(cell.value, datetime), (name, c.key)
                    assert cell.value.date().isoformat() == text
                elif c.kind == "int":
                    assert cell.value == int(text) and cell.data_type == "n"
                elif c.kind == "bool":
                    assert cell.value is (text == "true")
                else:
                    # Text stays text: references, personnummer, postal codes, notes.
                    assert cell.data_type == "s", (name, c.key)
                    assert cell.value == text.removeprefix("'"), (name, c.key)


def test_references_pnr_and_postal_codes_are_text(db: Any) -> None:
    rich_case(db)
    db.execute("UPDATE households SET postal_code = '012 34', contract_number = '0042'")
    sheet = _read(_export_xlsx(db, "households", include_pnr=True))
    fields = [c.value for c in sheet[2]]
    row = dict(zip(fields, sheet[3], strict=True))
    for key in ("ref", "tenant_pnr", "postal_code", "contract_number"):
        assert row[key].data_type == "s", key
    assert row["postal_code"].value == "012 34"
    assert row["contract_number"].value == "0042"
    assert len(row["tenant_pnr"].value) == 13


def test_headings_in_the_readers_language() -> None:
    columns = [
        Column("ref", "ref"),
        Column("rent_ore", "rent_ore", kind="money"),
        Column("x_unknown", "x_unknown"),
        Column("own", "Own heading"),
    ]
    out = io.BytesIO()
    i18n.setup("sv")
    try:
        write_xlsx([], columns, out)
        assert column_label(columns[0]) == "Ärende"
    finally:
        i18n.setup("en")
    sheet = _read(out.getvalue())
    assert [c.value for c in sheet[1]] == [
        "Ärende",
        "Hyra, öre",
        "Hyra",
        "x_unknown",
        "Own heading",
    ]
    assert [c.value for c in sheet[2]] == ["ref", "rent_ore", "rent", "x_unknown", "own"]
    assert sheet.max_row == 2


def test_formulas_and_control_characters_stay_text_in_xlsx(db: Any) -> None:
    # (Control characters and Excel's escape for them, _x0001_, are checked with
    # LibreOffice below: openpyxl does not decode the escape.)
    texts = [*FORMULAS, "x" * 1000]
    for _text in texts:
        _case_with(db, note="")
    # Straight into the database: what no command takes (control characters) too.
    for (hid,), text in zip(db.execute("SELECT id FROM households").fetchall(), texts, strict=True):
        db.execute("UPDATE households SET note = ? WHERE id = ?", [text, hid])
    sheet = _read(_export_xlsx(db, "households"))
    fields = [c.value for c in sheet[2]]
    notes = [dict(zip(fields, row, strict=True))["note"] for row in sheet.iter_rows(min_row=3)]
    assert all(c.data_type == "s" for c in notes)
    # Strings stay strings: no apostrophe in xlsx, the text exactly as recorded.
    got = sorted(c.value for c in notes)
    stored = sorted(
        r[0].replace("\r", "\n") for r in db.execute("SELECT note FROM households").fetchall()
    )
    assert got == stored


def test_xlsx_needs_a_file(db: Any) -> None:
    with pytest.raises(UsageError, match="--out"):
        export_table(db, "households", io.StringIO(), fmt="xlsx", as_of=AS_OF, command="t")
    with pytest.raises(InvalidInput, match="CSV only"):
        _export_xlsx(db, "households", delimiter=";")
    # The settings' dialect does not get in the way of other formats.
    _export_xlsx(db, "households", dialect="excel-sv")


def test_too_many_rows_or_too_long_a_cell_is_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import tempfile

    from bostadcli import xlsx

    # The rows wait in a temporary file until the workbook is put together: it must go
    # when the export fails, or when it is interrupted.
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)
    columns = [Column("name", "name")]
    with pytest.raises(BostadError, match="more than 3 rows"):
        write_xlsx(({"name": "x"} for _ in range(4)), columns, io.BytesIO())
    assert list(scratch.iterdir()) == []
    write_xlsx(({"name": "x"} for _ in range(3)), columns, io.BytesIO())
    monkeypatch.setattr(xlsx, "MAX_CELL_CHARS", 5)
    with pytest.raises(BostadError, match="name: more than 5 characters"):
        write_xlsx([{"name": "x" * 6}], columns, io.BytesIO())

    def interrupted() -> Iterator[dict[str, Any]]:
        yield {"name": "x"}
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_xlsx(interrupted(), columns, io.BytesIO())
    assert list(scratch.iterdir()) == []


def test_memory_stays_flat_for_100_000_rows(tmp_path: Path) -> None:
    columns = [
        Column("ref", "ref"),
        Column("opened_on", "opened_on", kind="date"),
        Column("rent_ore", "rent_ore", kind="money"),
        Column("note", "note"),
    ]

    def rows(n: int) -> Iterator[dict[str, Any]]:
        for i in range(n):
            yield {
                "ref": f"2026-{i:05d}",
                "opened_on": "2026-11-02",
                "rent_ore": i * 100,
                "note": f"note {i}",
            }

    def peak(n: int) -> int:
        tracemalloc.start()
        try:
            with (tmp_path / f"{n}.xlsx").open("wb") as fh:
                assert write_xlsx(rows(n), columns, fh) == n
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(1_000), peak(100_000)
    assert large < small + 2_000_000, (small, large)


def test_table_bytes_for_a_manifest() -> None:
    columns = [Column(f, f) for f in ("reference", "recipient", "pages")]
    rows = [{"reference": "2026-0001", "recipient": "=evil()", "pages": 2}]
    text = table_bytes(rows, columns, dialect="excel-sv").decode("utf-8")
    assert text == "\ufeffreference;recipient;pages\n2026-0001;'=evil();2\n"
    sheet = _read(table_bytes(rows, columns, fmt="xlsx", sheet="manifest-2026-11"))
    assert [c.value for c in sheet[3]] == ["2026-0001", "=evil()", 2]
    assert sheet.title == "manifest-2026-11"


def test_cli_xlsx_needs_out(initialised: Any, tmp_path: Path) -> None:
    for args in ([], ["--out", "-"]):
        result = initialised("export", "households", "--format", "xlsx", *args)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1 and "--out" in result.stderr
    target = tmp_path / "h.xlsx"
    initialised.ok("export", "households", "--format", "xlsx", "--out", str(target))
    assert target.stat().st_mode & 0o077 == 0
    assert _read(target.read_bytes()).max_row == 2


def test_cli_dialect_from_the_config(initialised: Any, tmp_path: Path) -> None:
    initialised.ok("household", "add", "Anna", "--as-of", "2026-11-02")
    text = initialised.config_path.read_text(encoding="utf-8")
    initialised.config_path.write_text(
        text.replace('# csv_dialect = "standard"', 'csv_dialect = "excel-sv"'), encoding="utf-8"
    )
    assert initialised.ok("export", "households").stdout.startswith("\ufeffref;status;")
    standard = initialised.ok("export", "households", "--dialect", "standard").stdout
    assert standard.startswith("ref,status,")
    bad = initialised("export", "households", "--dialect", "excel")
    assert bad.exit_code == 2
    initialised.config_path.write_text(
        text.replace('# csv_dialect = "standard"', 'csv_dialect = "excel"'), encoding="utf-8"
    )
    wrong = initialised("export", "households")
    assert wrong.exit_code == 1
    assert "csv_dialect" in wrong.stderr and "excel-sv" in wrong.stderr


def _soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


def _convert(source: Path, to: str, tmp_path: Path, *, infilter: str | None = None) -> Path:
    done = subprocess.run(
        [
            _soffice(),
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            *([f"--infilter={infilter}"] if infilter else []),
            "--convert-to",
            to,
            "--outdir",
            str(tmp_path / "converted"),
            str(source),
        ],
        capture_output=True,
        timeout=180,
        check=False,
        env=os.environ | {"HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    return tmp_path / "converted" / (source.stem + "." + to.split(":")[0])


def test_libreoffice_evaluates_nothing_and_shows_no_apostrophe(tmp_path: Path) -> None:
    _soffice()
    columns = [Column("text", "text")]
    texts = FORMULAS + [t for t in ORDINARY if t]
    source = tmp_path / "guard.csv"
    with source.open("w", encoding="utf-8", newline="") as fh:
        write_csv([{"text": t} for t in texts], columns, fh)
    # 44: comma, 34: double quote, 76: UTF-8, line 1, Swedish (1053), quoted as text
    # off, special numbers on, and token 13 "evaluate formulas" on: the worst case.
    converted = _convert(
        source,
        "xlsx",
        tmp_path,
        infilter="CSV:44,34,76,1,,1053,false,true,false,false,false,-1,true",
    )
    for only_values in (False, True):
        sheet = openpyxl.load_workbook(converted, data_only=only_values).active
        cells = [row[0] for row in sheet.iter_rows(min_row=2)]
        assert len(cells) == len(texts)
        for cell, text in zip(cells, texts, strict=True):
            assert cell.data_type == "s", (text, cell.value)
            if text in ORDINARY:
                assert cell.value == text


def test_libreoffice_reads_the_xlsx(db: Any, tmp_path: Path) -> None:
    _soffice()
    rich_case(db)
    db.execute(
        "UPDATE households SET postal_code = '012 34', note = '=1+1', street = '_x0041_',"
        " city = 'a' || char(1) || 'b'"
    )
    source = tmp_path / "households.xlsx"
    source.write_bytes(_export_xlsx(db, "households", include_pnr=True))
    converted = _convert(source, "csv:Text - txt - csv (StarCalc):44,34,76,1", tmp_path)
    table = list(csv.reader(converted.read_text(encoding="utf-8").splitlines()))
    fields, first = table[1], dict(zip(table[1], table[2], strict=True))
    assert fields[:3] == ["ref", "status", "opened_on"]
    expected = next(csv.DictReader(io.StringIO(_households_csv(db, include_pnr=True))))
    for key in ("ref", "tenant_pnr", "postal_code", "opened_on", "rent_ore", "children"):
        assert first[key] == expected[key], key
    assert first["note"] == "=1+1"
    assert first["street"] == "_x0041_"
    assert first["city"] in ("a\x01b", "ab")
    assert first["postal_code"] == "012 34"
    assert date.fromisoformat(first["opened_on"])


def test_every_export_field_has_a_heading() -> None:
    from bostadcli.xlsx import LABELS

    for table in exporting.TABLES.values():
        for c in table.columns:
            name = c.formatted_name if c.kind == "money" else c.key
            assert name in LABELS, f"{table.name}.{name}: add a heading to xlsx.LABELS"


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(
        st.text(
            st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="_"),
            max_size=30,
        ),
        min_size=1,
        max_size=5,
    )
)
def test_any_text_comes_back_as_the_same_text(texts: list[str]) -> None:
    # Control characters and "_" (Excel's _xHHHH_ escape) are left to LibreOffice above:
    # openpyxl does not decode the escape.
    out = io.BytesIO()
    write_xlsx([{"name": t} for t in texts], [Column("name", "name")], out)
    cells = [row[0] for row in _read(out.getvalue()).iter_rows(min_row=3)]
    assert [c.value for c in cells] == [t or None for t in texts][: len(cells)]
    assert len(cells) == len(texts) or not texts[-1]
    assert all(c.data_type == "s" for c in cells if c.value is not None)


def test_the_cli_choices_come_from_the_core() -> None:
    from bostadcli.cli.exporting import Dialect, ExportFormat
    from bostadcli.tabular import CSV_DIALECTS

    assert tuple(f.value for f in ExportFormat) == exporting.FORMATS + exporting.FILE_FORMATS
    assert [d.value for d in Dialect] == list(CSV_DIALECTS)


def test_out_target_opens_a_private_file_for_bytes(tmp_path: Path) -> None:
    import stat

    from bostadcli.cli.options import out_target
    from bostadcli.errors import Conflict

    target = tmp_path / "t.xlsx"
    with out_target(target, force=False, binary=True) as out:
        out.write(b"PK\x03\x04")
    assert target.read_bytes() == b"PK\x03\x04"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with pytest.raises(Conflict), out_target(target, force=False, binary=True) as out:
        out.write(b"never")
    with pytest.raises(RuntimeError), out_target(target, force=True, binary=True) as out:
        out.write(b"half")
        raise RuntimeError("stopped")
    assert target.read_bytes() == b"PK\x03\x04"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.xlsx"]
