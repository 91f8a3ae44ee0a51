"""``bostad import notices`` refuses what is no landlord's list, or a list cut off, in one
line that names the file (and the line and the column as headed), in English and in
Swedish, with nothing written; landlords spelled without å/ä/ö are the known ones."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from bostadcli import i18n
from conftest import Cli

AS_OF = ["--as-of", "2026-11-28"]


@pytest.fixture
def ready(initialised: Cli) -> Cli:
    initialised.ok("landlord", "add", "Alingsåshem")
    return initialised


def refusal(cli: Cli, path: Path, *extra: str, swedish: bool = False) -> str:
    before = cli.dump()
    if swedish:
        i18n.setup("sv")
    try:
        result = cli("import", "notices", str(path), "--landlord", "Alingsåshem", *AS_OF, *extra)
    finally:
        i18n.setup("en")
    assert result.exit_code == 1, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert cli.dump() == before
    return result.stderr.strip()


def _file(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


TRUNCATED = (
    "Namn;Personnummer;Skuld;Delgiven;Uppsägning;Kontraktsnr\n"
    "Anna Berg;19900202-7770;14900;2026-11-20;2026-11-15;K-1\n"
    "Carl Dahl;19910303-7785;149"
)


def test_a_cut_off_list(ready: Cli, tmp_path: Path) -> None:
    path = _file(tmp_path, "trunc.csv", TRUNCATED)
    assert refusal(ready, path) == "error: trunc.csv, line 3: 3 fields, the heading has 6"
    assert refusal(ready, path, "--dry-run").endswith("line 3: 3 fields, the heading has 6")
    assert refusal(ready, path, swedish=True) == "fel: trunc.csv, rad 3: 3 fält, rubrikraden har 6"
    # Read from standard input, the same.
    before = ready.dump()
    from typer.testing import CliRunner

    from bostadcli.cli.app import app

    result = CliRunner().invoke(
        app,
        ["import", "notices", "-", "--landlord", "Alingsåshem", *AS_OF],
        input=TRUNCATED.encode(),
        env={"BOSTAD_DB": str(ready.db_path), "BOSTAD_CONFIG": str(ready.config_path)},
    )
    assert result.exit_code == 1
    assert "line 3: 3 fields, the heading has 6" in result.stderr
    assert ready.dump() == before


def test_a_list_of_staff_is_no_landlords_list(ready: Cli, tmp_path: Path) -> None:
    staff = "Namn;Telefon;E-post\nKarin Ek;08-465 004 05;k@example.se\nOmar Berg;08-1;o@x.se\n"
    path = _file(tmp_path, "staff.csv", staff)
    message = refusal(ready, path)
    assert message.startswith("error: staff.csv, line 1: heading: not a landlord's list")
    assert message.endswith(": 'Namn, Telefon, E-post'")
    swedish = refusal(ready, path, swedish=True)
    assert swedish.startswith("fel: staff.csv, rad 1: rubrik: inte en hyresvärds lista")
    # Any text with a name column: what /proc/self/status looks like.
    status = _file(tmp_path, "status", "Name:\tbostad\nUmask:\t0022\nState:\tR (running)\n")
    assert "not a landlord's list" in refusal(ready, status)
    assert ready("household", "list").stdout.count("20") == 0


def test_a_co_tenant_who_is_the_tenant(ready: Cli, tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "co.csv",
        "Namn;Personnummer;Medhyresgäst;Personnummer2;Skuld\n"
        "Eva Ek;19820808-3330;Olle Ek;19820808-3330;5000\n",
    )
    assert refusal(ready, path) == (
        "error: co.csv, line 2: Personnummer2: is the tenant's own personnummer: '19820808-****'"
    )
    assert refusal(ready, path, swedish=True) == (
        "fel: co.csv, rad 2: Personnummer2: är hyresgästens eget personnummer: '19820808-****'"
    )


def test_a_child_born_in_the_future_names_the_column(ready: Cli, tmp_path: Path) -> None:
    path = _file(tmp_path, "kid.csv", "Namn;Skuld;Barn\nA B;100;2015-01-01 2027-01-01\n")
    assert refusal(ready, path) == "error: kid.csv, line 2: Barn: is in the future: '2027-01-01'"
    assert "birth_date" not in refusal(ready, path, swedish=True)


def test_a_workbook_and_utf16_text_say_what_they_are(ready: Cli, tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    book = _file(tmp_path, "lista.xlsx", out.getvalue())
    assert refusal(ready, book) == (
        "error: lista.xlsx: this is an Excel workbook: save it as CSV UTF-8 (in Excel: Save As)"
    )
    assert refusal(ready, book, "--encoding", "cp1252").startswith(
        "error: lista.xlsx: this is an Excel workbook"
    )
    assert "Excel-arbetsbok" in refusal(ready, book, swedish=True)
    text = _file(tmp_path, "lista.csv", "Namn;Skuld\nÅsa Ek;100\n".encode("utf-16"))
    message = refusal(ready, text)
    assert (
        message == "error: lista.csv: this is UTF-16 text: save it as CSV UTF-8 (in Excel: Save As)"
    )
    assert "--encoding" not in message and "cp1252" not in message


def test_landlords_without_a_ring_or_dots_are_the_known_ones(ready: Cli, tmp_path: Path) -> None:
    ready.ok("landlord", "add", "Fastighets AB Lärkan")
    path = _file(tmp_path, "h.csv", "Namn;Skuld;Hyresvärd\nGun Ek;1000;FASTIGHETS AB LARKAN\n")
    done = ready.ok("import", "notices", str(path), "--create-landlord", "--as-of", "2026-12-01")
    assert "New landlords" not in done.stderr
    listed = ready.ok("landlord", "list").stdout
    assert "LARKAN" not in listed and listed.count("Lärkan") == 1
    twice = ready("landlord", "add", "Fastighets AB Larkan")
    assert twice.exit_code == 1
    assert "a landlord named 'Fastighets AB Lärkan' exists already" in twice.stderr
    # The import named the landlord by the known row.
    shown = ready.ok("household", "list").stdout
    assert "Fastighets AB Lärkan" in shown
