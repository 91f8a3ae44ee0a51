"""What a short command loads: only what its path uses.

The interactive commands and the daily cron run start in about the time of a minimal
Typer app; these are the libraries that would undo that without anyone noticing:
pydantic (Typer's adapters, cli/typer_coercion.py), sqlite-utils (db.LazyDatabase),
Babel's locale data (dates.format_date), Jinja2 (letters), and rich where nothing is
drawn (completion).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ON_ANY_DAY, Cli

LETTERHEAD = """\
[letterhead]
organisation = "Exempelby kommun"
unit = "Socialförvaltningen, Boendeenheten"
street = "Stora torget 1"
postal_code = "441 81"
city = "Exempelby"
phone = "08-465 004 00"
email = "boendeenheten@exempelby.example"
socialjouren_phone = "08-465 004 01"
default_caseworker = "Karin Ek"
"""

WATCHED = ("pydantic", "sqlite_utils", "babel", "jinja2", "weasyprint", "rich")

PROBE = """
import json, sys
sys.argv = ["bostad", *json.loads(sys.argv[1])]
from bostadcli.cli import main
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code or 0
watched = {watched!r}
print(json.dumps([code, sorted({{m.split(".")[0] for m in sys.modules}} & set(watched))]),
      file=sys.stderr)
"""


def loaded(cli: Cli, args: list[str], env: dict[str, str] | None = None) -> set[str]:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            ON_ANY_DAY + PROBE.format(watched=WATCHED),
            json.dumps(args),
        ],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "BOSTAD_DB": str(cli.db_path),
            "BOSTAD_CONFIG": str(cli.config_path),
            "BOSTAD_LANG": "sv",
            **(env or {}),
        },
        check=True,
    )
    code, found = json.loads(result.stderr.strip().splitlines()[-1])
    assert code == 0, result.stderr
    return set(found)


@pytest.fixture
def case(initialised: Cli) -> tuple[Cli, str]:
    ref = initialised.ok(
        "household", "add", "Anna Östlund", "--pnr", "811218-9876", "--as-of", "2026-03-01"
    ).stdout.strip()
    initialised.ok("contact", "add", ref, "--kind", "phone", "--date", "2026-11-02", "--text", "x")
    return initialised, ref


def test_household_show(case: tuple[Cli, str]) -> None:
    cli, ref = case
    assert loaded(cli, ["household", "show", ref, "--as-of", "2026-11-16"]) == {"rich"}


def test_root_help(case: tuple[Cli, str]) -> None:
    cli, _ref = case
    assert loaded(cli, ["--help"]) == {"rich"}


def test_completion_of_a_reference(case: tuple[Cli, str]) -> None:
    cli, ref = case
    words = f"bostad household show {ref[:6]}"
    env = {
        "_BOSTAD_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
    }
    assert loaded(cli, [], env) == set()


def test_daily_letters_with_nothing_due(case: tuple[Cli, str], tmp_path: Path) -> None:
    cli, _ref = case
    cli.config_path.write_text(LETTERHEAD, encoding="utf-8")
    args = ["letter", "daily", "--out-dir", str(tmp_path / "out"), "--as-of", "2026-11-16"]
    # The first run makes the day's letters (Jinja2, a PDF or HTML); the second finds
    # nothing due, as cron does on most days, and loads none of it.
    cli.ok(*args[:2], "--format", "html", *args[2:])
    assert loaded(cli, args) <= {"rich"}
