"""The batch manifest is written through the exports' CSV writer: ordinary cells as
before, and text a spreadsheet would run as a formula made inert once (one apostrophe,
not two), in every cell."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bostadcli import letters
from bostadcli.db import open_database
from bostadcli.households import NewHousehold, add_household
from golden_letters import AS_OF, CONFIG

if TYPE_CHECKING:
    from sqlite_utils import Database


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "t.sqlite", create=True)
    yield database
    database.close()


def _reported(db: Database, name: str, street: str) -> str:
    return add_household(
        db,
        NewHousehold(
            tenant_name=name,
            street=street,
            postal_code="441 30",
            city="Ängby",
            opened_on=date(2026, 11, 2),
        ),
        as_of=AS_OF,
    )


def test_formula_text_in_the_manifest_is_made_inert_once(db: Database, tmp_path: Path) -> None:
    plain = _reported(db, "Åsa Öberg", "Storgatan 1")
    hostile = _reported(db, '=HYPERLINK("http://x")', "+46 Vägen 2")
    out = tmp_path / "brev"
    result = letters.run_monthly(
        db, config=CONFIG, month=date(2026, 11, 1), as_of=AS_OF, out_dir=out, fmt="html"
    )
    assert sorted(i.ref for i in result.made) == sorted([plain, hostile])
    text = (out / "manifest-2026-11.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == ",".join(letters.MANIFEST_FIELDS)
    assert lines[1] == (
        f'{plain},outreach,Åsa Öberg,"Åsa Öberg, Storgatan 1, 441 30 Ängby",'
        f"{plain}-outreach.html,html,,made,"
    )
    by_ref = {r["reference"]: r for r in csv.DictReader(io.StringIO(text))}
    assert by_ref[hostile]["recipient"] == '\'=HYPERLINK("http://x")'
    assert by_ref[hostile]["address"].startswith("'=HYPERLINK")
    assert "''" not in text


def test_the_manifest_is_in_the_units_csv_dialect(db: Database, tmp_path: Path) -> None:
    from dataclasses import replace

    ref = _reported(db, "Åsa Öberg", "Storgatan 1")
    out = tmp_path / "brev"
    letters.run_monthly(
        db,
        config=replace(CONFIG, csv_dialect="excel-sv"),
        month=date(2026, 11, 1),
        as_of=AS_OF,
        out_dir=out,
        fmt="html",
    )
    raw = (out / "manifest-2026-11.csv").read_bytes()
    # What Excel with Swedish settings opens by a double click: a BOM and semicolons.
    assert raw.startswith("\ufeff".encode())
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == ";".join(letters.MANIFEST_FIELDS)
    assert lines[1] == (
        f"{ref};outreach;Åsa Öberg;Åsa Öberg, Storgatan 1, 441 30 Ängby;"
        f"{ref}-outreach.html;html;;made;"
    )


def test_an_unknown_dialect_stops_the_run_before_any_letter(db: Database, tmp_path: Path) -> None:
    from dataclasses import replace

    from bostadcli.errors import InvalidInput

    _reported(db, "Åsa Öberg", "Storgatan 1")
    with pytest.raises(InvalidInput, match="csv_dialect"):
        letters.run_monthly(
            db,
            config=replace(CONFIG, csv_dialect="tsv"),
            month=date(2026, 11, 1),
            as_of=AS_OF,
            out_dir=tmp_path / "brev",
            fmt="html",
        )
    assert not (tmp_path / "brev").exists()
    assert db.execute("SELECT count(*) FROM letters").fetchone()[0] == 0
