"""A lost letter file made again goes to the household's address now, and the letter's
record and the month's manifest say the same address as the letter (audited)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bostadcli import letters
from bostadcli.db import open_database, rows
from bostadcli.households import NewHousehold, add_household, edit_household
from golden_letters import CONFIG

if TYPE_CHECKING:
    from sqlite_utils import Database

    from conftest import Cli

NOV16 = date(2026, 11, 16)


@pytest.fixture
def letter_db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "t.sqlite", create=True)
    yield database
    database.close()


def monthly(db: Database, out: Path, as_of: date) -> letters.BatchResult:
    return letters.run_monthly(
        db, config=CONFIG, month=date(2026, 11, 1), as_of=as_of, out_dir=out, fmt="html"
    )


def manifest_line(result: letters.BatchResult, ref: str) -> dict[str, str]:
    assert result.manifest is not None
    text = result.manifest.read_text(encoding="utf-8")
    [line] = [r for r in csv.DictReader(io.StringIO(text)) if r["reference"] == ref]
    return line


def test_a_remade_letter_records_the_address_it_goes_to(
    letter_db: Database, tmp_path: Path
) -> None:
    ref = add_household(
        letter_db,
        NewHousehold(
            tenant_name="Johan Lindqvist",
            street="Lärkvägen 7 B",
            postal_code="441 40",
            city="Ängby",
            opened_on=date(2026, 11, 11),
        ),
        as_of=NOV16,
    )
    out = tmp_path / "brev"
    first = monthly(letter_db, out, NOV16)
    assert "Lärkvägen 7 B" in manifest_line(first, ref)["address"]
    lost = out / f"{ref}-outreach.html"
    lost.unlink()
    edit_household(letter_db, ref, changes={"street": "Nya gatan 99"})
    again = monthly(letter_db, out, date(2026, 11, 18))
    assert [i.ref for i in again.recreated] == [ref]
    assert "Nya gatan 99" in lost.read_text(encoding="utf-8")
    assert "Lärkvägen" not in lost.read_text(encoding="utf-8")
    line = manifest_line(again, ref)
    assert line["address"] == "Johan Lindqvist, Nya gatan 99, 441 40 Ängby"
    assert line["status"] == "made"
    [record] = rows(letter_db, "SELECT * FROM letters")
    assert record["address"] == "Johan Lindqvist\nNya gatan 99\n441 40 Ängby"
    assert record["dated_on"] == NOV16.isoformat()  # the same letter, as it was dated
    [audited] = rows(
        letter_db,
        "SELECT changes FROM audit_log WHERE table_name = 'letters' AND action = 'update'",
    )
    assert json.loads(audited["changes"])["address"] == [
        "Johan Lindqvist\nLärkvägen 7 B\n441 40 Ängby",
        "Johan Lindqvist\nNya gatan 99\n441 40 Ängby",
    ]


def test_a_remade_letter_with_the_same_address_changes_nothing_in_it(
    letter_db: Database, tmp_path: Path
) -> None:
    ref = add_household(
        letter_db,
        NewHousehold(
            tenant_name="Anna Berg",
            street="Ekgatan 3",
            postal_code="441 31",
            city="Ängby",
            opened_on=date(2026, 11, 11),
        ),
        as_of=NOV16,
    )
    out = tmp_path / "brev"
    monthly(letter_db, out, NOV16)
    before = rows(letter_db, "SELECT recipient, address FROM letters")
    (out / f"{ref}-outreach.html").unlink()
    again = monthly(letter_db, out, date(2026, 11, 18))
    assert [i.ref for i in again.recreated] == [ref]
    assert rows(letter_db, "SELECT recipient, address FROM letters") == before


def test_the_demo_remade_pdf_manifest_and_record_agree(tmp_path: Path, cli: Cli) -> None:
    from bostadcli import pdf
    from bostadcli.demo import build_demo

    if pdf.pdf_problem() is not None:
        pytest.skip("WeasyPrint is not installed")
    folder = tmp_path / "demo"
    cli.db_path, cli.config_path = folder / "bostad.sqlite", folder / "config.toml"
    build_demo(folder, as_of=NOV16)
    letters_dir = folder / "brev-2026-11"
    (letters_dir / "2026-0002-outreach.pdf").unlink()
    cli.ok("household", "edit", "2026-0002", "--street", "Nya gatan 99")
    cli.ok(
        "letter", "monthly", "--month", "2026-11", "--as-of", "2026-11-18",
        "--out-dir", str(letters_dir),
    )  # fmt: skip
    manifest = (letters_dir / "manifest-2026-11.csv").read_text(encoding="utf-8")
    [line] = [r for r in csv.DictReader(io.StringIO(manifest)) if r["reference"] == "2026-0002"]
    assert "Nya gatan 99" in line["address"]
    listed = cli.ok("letter", "list", "--household", "2026-0002", "--format", "json").stdout
    assert "Lärkvägen" not in listed
