"""Caseworkers named unambiguously, personnummer never echoed whole in an error, search
with full personnummer logged, ``--out -`` as standard output, and a purge summary that
counts the open cases it deletes."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bostadcli.caseworkers import add_caseworker, assign, find_caseworker
from bostadcli.errors import Conflict, InvalidInput
from bostadcli.households import NewHousehold, add_household
from bostadcli.pnr import parse_pnr
from conftest import Cli

if TYPE_CHECKING:
    from sqlite_utils import Database

AS_OF = date(2026, 3, 2)
PNR = "811218-9876"


@pytest.fixture
def staff(db: Database) -> Database:
    add_caseworker(db, name="Karin Ek", initials="KE", login="karin")
    return db


@pytest.mark.parametrize(
    ("values", "message"),
    [
        # A login that is another caseworker's initials, and the other way round.
        ({"name": "Kim", "initials": "XY", "login": "KE"}, "--login KE is taken by Karin Ek"),
        ({"name": "Kim", "initials": "karin"}, "--initials KARIN is taken by Karin Ek"),
        # Lookalikes: fullwidth letters fold to KE; Cyrillic letters are not initials.
        ({"name": "Kim", "initials": "ＫＥ"}, "--initials KE is taken by Karin Ek"),
        ({"name": "Kim", "initials": "КЕ"}, "initials"),
        ({"name": "Kim", "initials": "XY", "login": "1kim"}, "login"),
        ({"name": "Kim", "initials": "XY", "login": "ｋｉｍ"}, "login"),
    ],
)
def test_initials_and_logins_share_one_namespace(
    staff: Database, values: dict[str, str], message: str
) -> None:
    with pytest.raises((Conflict, InvalidInput)) as err:
        add_caseworker(staff, **values)
    assert message in str(err.value) and "\n" not in str(err.value)
    assert staff.execute("SELECT count(*) FROM caseworkers").fetchone()[0] == 1


def test_lookups_fold_case_and_width(staff: Database) -> None:
    add_caseworker(staff, name="Åsa Öberg", initials="åö", login="Asa.O")
    ref = add_household(staff, NewHousehold("Anna"), as_of=AS_OF)
    assert assign(staff, ref, "ＫＥ")["name"] == "Karin Ek"
    assert assign(staff, ref, "KARIN")["name"] == "Karin Ek"
    assert find_caseworker(staff, "ÅÖ")["name"] == "Åsa Öberg"
    assert find_caseworker(staff, "asa.o")["name"] == "Åsa Öberg"


def test_cli_one_caseworker_per_name(initialised: Cli) -> None:
    initialised.ok("caseworker", "add", "Kim G", "--initials", "XY", "--login", "kim")
    before = initialised.dump()
    result = initialised("caseworker", "add", "Kim H", "--initials", "kim")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "--initials KIM" in result.stderr
    assert initialised.dump() == before
    ref = initialised.ok("household", "add", "Anna").stdout.strip()
    for who in ("kim", "KIM", "XY"):
        result = initialised.ok("household", "assign", ref, "--to", who)
        assert "Kim G" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "typed", ["19881025-0000", "881025-0000", "8810250000", "198810250000", "19881025-00001"]
)
def test_an_invalid_personnummer_is_not_echoed_whole(typed: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_pnr(typed, as_of=AS_OF, field="--pnr")
    message = str(err.value)
    assert typed not in message and "0000" not in message
    assert "881025" in message and "****" in message


def test_masked_input_of_other_text() -> None:
    from bostadcli.pnr import masked_input

    assert masked_input("12345") == "(5 characters)"
    assert masked_input("881025+0000") == "881025+****"


def test_cli_pnr_from_standard_input_stays_hidden(initialised: Cli) -> None:
    from typer.testing import CliRunner

    from bostadcli.cli.app import app

    ref = initialised.ok("household", "add", "Anna").stdout.strip()
    env = {"BOSTAD_DB": str(initialised.db_path), "BOSTAD_CONFIG": str(initialised.config_path)}
    result = CliRunner().invoke(
        app,
        ["member", "edit", ref, "1", "--reason", "x", "--pnr", "-"],
        input="19881025-0000\n",
        env=env,
    )
    assert result.exit_code == 1
    assert "19881025-****" in result.stderr and "19881025-0000" not in result.stderr
    shown = initialised("household", "show", "19881025-00001")
    assert shown.exit_code == 1 and "19881025-00001" not in shown.stderr


def _export_log(cli: Cli) -> list[tuple[str, int, int]]:
    conn = sqlite3.connect(cli.db_path)
    try:
        return conn.execute(
            "SELECT table_name, row_count, include_pnr FROM export_log ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def test_search_with_full_personnummer_is_logged(initialised: Cli) -> None:
    initialised.ok("household", "add", "Anna Östlund", "--pnr", PNR, "--as-of", "2026-03-01")
    initialised.ok("search", "ostlund")
    assert _export_log(initialised) == []
    found = initialised.ok("search", "ostlund", "--include-pnr").stdout
    assert "19811218-9876" in found
    assert _export_log(initialised) == [("search", 1, 1)]


def test_out_dash_is_standard_output(
    initialised: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    initialised.ok("household", "add", "Anna Östlund", "--pnr", PNR)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    members = initialised.ok("export", "members", "--format", "json", "--out", "-").stdout
    assert json.loads(members)[0]["name"] == "Anna Östlund"
    ref = json.loads(members)[0]["ref"]
    case = initialised.ok("export", "household", ref, "--out", "-").stdout
    assert "Anna Östlund" in case
    year = initialised.ok("report", "year", "--format", "json", "--out", "-").stdout
    assert json.loads(year)
    assert os.listdir(work) == []
    demo = initialised("demo", "--out", "-")
    assert demo.exit_code == 1 and "--out" in demo.stderr
    assert os.listdir(work) == []


def test_purge_summary_counts_open_cases(initialised: Cli) -> None:
    initialised.ok("household", "add", "Anna", "--as-of", "2026-03-01")
    result = initialised.ok("purge", "--dry-run", "--as-of", "2040-01-01")
    assert "No case is due" not in result.stdout + result.stderr
    assert "1 case is due for deletion (1 of them open)" in result.stderr
    nothing = initialised.ok("purge", "--dry-run", "--as-of", "2026-06-01")
    assert "No case is due" in nothing.stdout + nothing.stderr
