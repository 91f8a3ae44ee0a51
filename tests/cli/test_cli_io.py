"""bostad export / bostad import through the command line, a real pipe and a real
spreadsheet program."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from stdnum import luhn
from typer.testing import CliRunner

from bostadcli import i18n
from bostadcli.cli.app import app
from bostadcli.db import open_database, rows
from bostadcli.export import DOCUMENT_VERSION
from bostadcli.households import ChildSpec, NewHousehold, add_household
from bostadcli.landlords import add_landlord
from bostadcli.money import Money
from bostadcli.notices import NewNotice, add_notice
from bostadcli.plans import NewPlan, create_plan, record_payment

AS_OF = "2026-11-02"
ROOT = Path(__file__).resolve().parents[2]


def pnr(yymmdd: str, serial: str = "123") -> str:
    body = yymmdd + serial
    return f"{yymmdd}-{serial}{luhn.calc_check_digit(body)}"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n.setup("en")
    yield


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "t.sqlite"
    db = open_database(path, create=True)
    add_landlord(db, name="Alingsåshem", kind="municipal")
    ref = add_household(
        db,
        NewHousehold(
            tenant_name="Åsa Öberg",
            tenant_pnr=pnr("811218"),
            street="Storgatan 1",
            landlord="Alingsåshem",
            rent=Money(745000),
            arrears=Money(1490050),
            children=[ChildSpec(date(2015, 3, 2), "Alva")],
        ),
        as_of=date(2026, 11, 2),
    )
    add_notice(
        db,
        ref,
        NewNotice(
            kind="termination",
            served_on=date(2026, 10, 20),
            notified_on=date(2026, 10, 20),
            amount=Money(1490050),
        ),
        as_of=date(2026, 11, 2),
    )
    add_household(db, NewHousehold(tenant_name='=HYPERLINK("x")'), as_of=date(2026, 11, 2))
    db.close()
    return path


def bostad(db_path: Path, *args: str, input: bytes | None = None) -> Any:
    return CliRunner().invoke(
        app, ["--db", str(db_path), "--lang", "en", *args], input=input, catch_exceptions=False
    )


def test_export_csv_for_swedish_excel(db_path: Path) -> None:
    result = bostad(db_path, "export", "households", "--bom", "--delimiter", ";", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("\ufeffref;status;")
    # What Excel does with a UTF-8 file that has a BOM: the BOM selects the encoding.
    data = result.stdout_bytes.decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(data), delimiter=";"))
    assert table[0]["tenant"] == "Åsa Öberg"
    assert table[0]["arrears"] == "14\u00a0900,50\u00a0kr"
    assert table[0]["arrears_ore"] == "1490050"
    assert table[0]["tenant_pnr"] == "19811218-****"
    assert table[0]["children"] == "1"
    assert table[0]["days_left"] == "8"
    assert table[1]["tenant"] == '\'=HYPERLINK("x")'


def test_export_json_and_jsonl(db_path: Path) -> None:
    result = bostad(db_path, "export", "notices", "--format", "json", "--as-of", AS_OF)
    assert result.exit_code == 0
    [notice] = json.loads(result.stdout)
    assert notice["amount_ore"] == 1490050 and notice["recovery_deadline"] == "2026-11-10"
    result = bostad(db_path, "export", "members", "--format", "jsonl", "--include-pnr")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0]["pnr"] == "19811218-" + pnr("811218")[-4:]
    assert result.stderr == ""


def test_export_is_logged_with_the_command(db_path: Path) -> None:
    bostad(db_path, "export", "members", "--include-pnr", "--status", "open")
    db = open_database(db_path)
    [log] = rows(db, "SELECT command, table_name, row_count, include_pnr FROM export_log")
    db.close()
    assert log == {
        "command": "bostad export members --include-pnr --status open",
        "table_name": "members",
        "row_count": 3,
        "include_pnr": 1,
    }


def test_export_to_a_file_readable_by_the_owner_only(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "households.csv"
    result = bostad(db_path, "export", "households", "--out", str(out))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "Wrote 2 rows" in result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_text(encoding="utf-8").startswith("ref,status,")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_export_errors_are_one_line(db_path: Path, tmp_path: Path) -> None:
    result = bostad(db_path, "export", "households", "--out", str(tmp_path / "no" / "x.csv"))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot write")
    result = bostad(db_path, "export", "landlords", "--status", "open")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: --status: this table has no case status")
    result = bostad(db_path, "export", "households", "--format", "json", "--bom")
    assert result.exit_code == 1
    result = bostad(db_path, "export", "households", "--since", "1/1/2026")
    assert result.exit_code == 1 and "--since" in result.stderr
    result = bostad(db_path, "export", "nonsense")
    assert result.exit_code == 2


def test_export_schema_matches_the_documentation(db_path: Path) -> None:
    from bostadcli.export import schema_markdown

    result = bostad(db_path, "export", "schema")
    assert result.stdout.strip() == schema_markdown().strip()
    docs = (ROOT / "docs" / "exports.md").read_text(encoding="utf-8")
    assert schema_markdown().strip() in docs, "update docs/exports.md: cog -r docs/exports.md"


def test_household_moves_between_installations(db_path: Path, tmp_path: Path) -> None:
    doc = tmp_path / "case.json"
    result = bostad(db_path, "export", "household", "2026-0001", "--include-pnr", "--out", str(doc))
    assert result.exit_code == 0
    document = json.loads(doc.read_text(encoding="utf-8"))
    assert document["format_version"] == DOCUMENT_VERSION
    target = tmp_path / "target.sqlite"
    open_database(target, create=True).close()
    result = bostad(target, "import", "household", str(doc))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "2026-0001\n"
    assert "Imported case 2026-0001 as 2026-0001" in result.stderr
    assert "Plans renumbered" not in result.stderr
    before = bostad(db_path, "export", "members", "--include-pnr").stdout
    after = bostad(target, "export", "members", "--include-pnr").stdout
    assert after.splitlines()[1:] == before.splitlines()[1:3]
    again = bostad(target, "import", "household", str(doc))
    assert again.exit_code == 1 and "imported already" in again.stderr


def test_a_case_with_plans_moves_and_says_how_they_were_renumbered(
    db_path: Path, tmp_path: Path
) -> None:
    db = open_database(db_path)
    plan = NewPlan(debt=Money(600000), installment=Money(200000), start=date(2026, 12, 1))
    create_plan(db, "2026-0001", plan, as_of=date(2026, 11, 2))
    record_payment(
        db, "P-0001", amount=Money(200000), paid_on=date(2026, 11, 2), as_of=date(2026, 11, 2)
    )
    db.close()
    target = tmp_path / "target.sqlite"
    other = open_database(target, create=True)
    add_landlord(other, name="Egen Värd AB", kind="private")
    own = add_household(
        other, NewHousehold(tenant_name="Här", landlord="Egen Värd AB"), as_of=date(2026, 11, 2)
    )
    create_plan(other, own, plan, as_of=date(2026, 11, 2))
    other.close()
    doc = tmp_path / "case.json"
    assert bostad(db_path, "export", "household", "2026-0001", "--out", str(doc)).exit_code == 0
    result = bostad(target, "import", "household", str(doc))
    assert result.exit_code == 0, result.stderr
    assert "Plans renumbered: P-0001 → P-0002." in result.stderr
    exported = bostad(target, "export", "payments", "--format", "jsonl", "--since", "2026-11-01")
    [payment] = [json.loads(line) for line in exported.stdout.splitlines()]
    assert (payment["ref"], payment["plan"], payment["amount_ore"]) == (
        "2026-0002",
        "P-0002",
        200000,
    )
    plans = bostad(target, "export", "plans", "--status", "open", "--as-of", AS_OF)
    assert [r["origin_plan"] for r in csv.DictReader(io.StringIO(plans.stdout))] == ["", "P-0001"]


def test_export_household_without_pnr_warns(db_path: Path) -> None:
    result = bostad(db_path, "export", "household", "2026-0001")
    assert json.loads(result.stdout)["pnr_included"] is False
    assert "--include-pnr" in result.stderr


def landlord_csv(rows_: list[str], encoding: str = "cp1252") -> bytes:
    return ("Namn;Personnummer;Adress;Skuld;Delgiven\r\n" + "".join(rows_)).encode(encoding)


def test_import_notices_summary_dry_run_and_twice(db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "lista.csv"
    path.write_bytes(
        landlord_csv(
            [
                f"Bo Ek;{pnr('800101', '456')};Ekvägen 1;1 200,50;2026-10-21\r\n",
                f"Åsa Öberg;{pnr('811218')};Storgatan 1;16 000;2026-10-28\r\n",
            ]
        )
    )
    dry = bostad(db_path, "import", "notices", str(path), "--landlord", "Alingsåshem",
                 "--as-of", AS_OF, "--dry-run")  # fmt: skip
    assert dry.exit_code == 0
    assert dry.stdout == ""
    assert dry.stderr.startswith("Dry run, nothing written: lista.csv: 2 rows; new households: 1")
    assert "new notices: 2 (1 on households already known); unchanged: 0" in dry.stderr
    assert bostad(db_path, "export", "notices").stdout.count("\n") == 2

    done = bostad(db_path, "import", "notices", str(path), "--landlord", "Alingsåshem",
                  "--as-of", AS_OF)  # fmt: skip
    assert done.exit_code == 0
    assert "new households: 1 (2026-0003)" in done.stderr
    again = bostad(db_path, "import", "notices", "-", "--landlord", "Alingsåshem",
                   "--as-of", AS_OF, input=path.read_bytes())  # fmt: skip
    assert again.exit_code == 0
    assert "new households: 0; new notices: 0 (0 on households already known); unchanged: 2" in (
        again.stderr
    )


def test_import_notices_bad_row(db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "lista.csv"
    path.write_bytes(
        landlord_csv(["Bo Ek;;Ekvägen 1;1 200;2026-10-21\r\n", "Cy;800101-4561;;;\r\n"])
    )
    before = path.parent / "before.sql"
    db = open_database(db_path)
    before.write_text("\n".join(db.conn.iterdump()))
    db.close()
    result = bostad(db_path, "import", "notices", str(path), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: lista.csv, line 3: Personnummer: check digit is wrong: '800101-****'\n"
    )
    db = open_database(db_path)
    assert "\n".join(db.conn.iterdump()) == before.read_text()
    db.close()


def test_import_empty_and_header_only(db_path: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = bostad(db_path, "import", "notices", str(empty))
    assert result.exit_code == 1 and "empty.csv is empty" in result.stderr
    header = tmp_path / "header.csv"
    header.write_bytes(landlord_csv([]))
    result = bostad(db_path, "import", "notices", str(header))
    assert result.exit_code == 0
    assert result.stderr == "header.csv: no rows.\n"
    missing = bostad(db_path, "import", "notices", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1 and "cannot read" in missing.stderr


def test_import_warns_about_unknown_columns(db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_bytes(b"Namn,Skuld,Telefon\r\nBo Ek,100,070-1\r\n")
    result = bostad(db_path, "import", "notices", str(path))
    assert result.exit_code == 0
    assert "warning: ignored columns: Telefon" in result.stderr


def _spawn(db_path: Path, *args: str) -> subprocess.Popen[bytes]:
    env = os.environ | {"PYTHONPATH": str(ROOT / "src"), "BOSTAD_LANG": "en"}
    return subprocess.Popen(
        [sys.executable, "-m", "bostadcli", "--db", str(db_path), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_closed_pipe_ends_quietly(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "big.sqlite"
    db = open_database(path, create=True)
    with db.conn:
        for i in range(2000):
            add_household(db, NewHousehold(tenant_name=f"Person {i}"), as_of=date(2026, 11, 2))
    db.close()
    # Like `bostad export households | head -1`: read one line, then close the pipe.
    process = _spawn(path, "export", "households", "--format", fmt)
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 141
    assert first
    assert stderr == b""


def test_export_and_import_through_real_pipes(db_path: Path, tmp_path: Path) -> None:
    export = _spawn(db_path, "export", "household", "2026-0001", "--include-pnr")
    document, _err = export.communicate(timeout=60)
    assert export.returncode == 0
    target = tmp_path / "target.sqlite"
    open_database(target, create=True).close()
    env = os.environ | {"PYTHONPATH": str(ROOT / "src"), "BOSTAD_LANG": "en"}
    done = subprocess.run(
        [sys.executable, "-m", "bostadcli", "--db", str(target), "import", "household", "-"],
        input=document,
        capture_output=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == b"2026-0001\n"


def test_the_csv_opens_in_a_real_spreadsheet(db_path: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    openpyxl = pytest.importorskip("openpyxl", reason="openpyxl reads the converted file")
    csv_path = tmp_path / "households.csv"
    result = bostad(db_path, "export", "households", "--as-of", AS_OF, "--out", str(csv_path))
    assert result.exit_code == 0
    # 44: comma, 34: double quote, 76: UTF-8, 1: start at line 1.
    done = subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(csv_path),
        ],
        capture_output=True,
        timeout=180,
        check=False,
        env=os.environ | {"HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(tmp_path / "households.xlsx")
    sheet = book.active
    table = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = table[0]
    first = dict(zip(header, table[1], strict=True))
    second = dict(zip(header, table[2], strict=True))
    assert first["tenant"] == "Åsa Öberg"
    assert first["landlord"] == "Alingsåshem"
    assert first["arrears_ore"] == 1490050
    assert first["arrears"] == "14\u00a0900,50\u00a0kr"
    assert first["children"] == 1
    # The neutralised formula is text in the spreadsheet, not a formula.
    assert isinstance(second["tenant"], str)
    assert not second["tenant"].startswith("=")
