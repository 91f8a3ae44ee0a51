"""The foundation through the command line: the "Done when" scenario of issue 2, bad
input (one line on stderr, exit 1 or 2, nothing written), JSON, version, no database."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bostadcli import __version__

if TYPE_CHECKING:
    from conftest import Cli

AS_OF = "2026-12-10"
PNR = "811218-9876"
CO_PNR = "800101-0001"


def one_line_error(result_stderr: str, *needles: str) -> None:
    """A single line on stderr (a usage error may add the help hint), naming the problem."""
    lines = result_stderr.strip().splitlines()
    assert lines, "nothing on stderr"
    assert len(lines) == 1 or (len(lines) == 2 and "--help" in lines[1]), result_stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    assert "Traceback" not in result_stderr


def add_family(cli: Cli) -> str:
    result = cli.ok(
        "household",
        "add",
        "Anna Andersson",
        "--pnr",
        PNR,
        "--co-tenant",
        "Bo Andersson",
        "--co-tenant-pnr",
        CO_PNR,
        "--street",
        "Storgatan 1",
        "--postal-code",
        "441 30",
        "--city",
        "Alingsås",
        "--landlord",
        "Alingsåshem",
        "--rent",
        "7 450",
        "--arrears",
        "14 900,50",
        "--child",
        "2015-03-02 Alva Andersson",
        "--part-time-child",
        "2019-06-10",
        "--as-of",
        AS_OF,
    )
    return result.stdout.strip()


@pytest.fixture
def family(initialised: Cli) -> str:
    initialised.ok("landlord", "add", "Alingsåshem", "--kind", "municipal")
    return add_family(initialised)


# --- the scenario ------------------------------------------------------------------------


def test_done_when_scenario(cli: Cli) -> None:
    first = cli.ok("init")
    assert "Created the database" in first.stderr
    assert "Created the config file" in first.stderr
    assert first.stdout == ""
    assert stat.S_IMODE(cli.db_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(cli.config_path.stat().st_mode) == 0o600
    before = cli.dump()
    config = cli.config_path.read_text(encoding="utf-8")
    second = cli.ok("init")
    assert second.stderr.count("exists already, unchanged") == 2
    assert cli.dump() == before
    assert cli.config_path.read_text(encoding="utf-8") == config

    added = cli.ok(
        "landlord", "add", "Alingsåshem", "--kind", "municipal", "--org-number", "5560356932"
    )
    assert "Alingsåshem" in added.stderr

    ref = add_family(cli)
    assert ref == "2026-0001"

    notice = cli.ok(
        "notice",
        "add",
        ref,
        "--kind",
        "termination",
        "--served",
        "2026-12-04",
        "--notified",
        "2026-12-04",
        "--amount",
        "14 900,50",
        "--as-of",
        AS_OF,
    )
    assert "2026-12-28" in notice.stdout
    assert "18 days left" in notice.stdout

    cli.ok("contact", "add", ref, "--kind", "phone", "--text", "Called Anna", "--as-of", AS_OF)
    cli.ok(
        "contact", "add", ref, "--kind", "home_visit", "--text", "Met the family", "--as-of", AS_OF
    )
    contacts = cli.ok("contact", "list", ref, "--format", "json")
    assert [c["kind"] for c in json.loads(contacts.stdout)] == ["home_visit", "phone"]

    cli.ok("consent", "add", ref, "--recipient", "landlord", "--as-of", AS_OF)
    consents = json.loads(
        cli.ok("consent", "list", ref, "--format", "json", "--as-of", AS_OF).stdout
    )
    assert [(c["recipient"], c["valid"]) for c in consents] == [("landlord", True)]

    listing = cli.ok("household", "list", "--with-children", "--format", "csv", "--as-of", AS_OF)
    assert listing.stderr == ""
    records = list(csv.DictReader(io.StringIO(listing.stdout)))
    assert len(records) == 1
    row = records[0]
    assert row["ref"] == ref
    assert row["tenant"] == "Anna Andersson"
    assert row["tenant_pnr"] == "19811218-****"
    assert "9876" not in listing.stdout
    assert row["landlord"] == "Alingsåshem"
    assert (row["rent_ore"], row["rent"]) == ("745000", "7\u00a0450\u00a0kr")
    assert (row["arrears_ore"], row["arrears"]) == ("1490050", "14\u00a0900,50\u00a0kr")
    assert (row["members"], row["children"], row["children_part_time"]) == ("4", "1", "1")
    assert (row["next_deadline"], row["next_deadline_kind"]) == ("2026-12-28", "recovery_deadline")
    assert row["days_left"] == "18"
    assert row["reasons"] == "unpaid_rent"
    assert "\x1b" not in listing.stdout

    full = cli.ok(
        "household", "list", "--with-children", "--format", "csv", "--include-pnr", "--as-of", AS_OF
    )
    assert next(csv.DictReader(io.StringIO(full.stdout)))["tenant_pnr"] == "19811218-9876"

    closed = cli.ok("household", "close", ref, "--outcome", "stays", "--as-of", AS_OF)
    assert "stays in the home" in closed.stderr
    shown = json.loads(
        cli.ok("household", "show", ref, "--format", "json", "--as-of", AS_OF).stdout
    )
    assert (shown["status"], shown["outcome"], shown["closed_on"]) == ("closed", "stays", AS_OF)
    assert cli.ok("household", "list", "--format", "csv", "--as-of", AS_OF).stdout.count("\n") == 1


def test_csv_pipes_into_another_program(family: str, initialised: Cli) -> None:
    listing = initialised.ok("household", "list", "--format", "csv", "--as-of", AS_OF)
    counted = subprocess.run(
        [
            sys.executable,
            "-c",
            "import csv, sys; print(sum(1 for _ in csv.DictReader(sys.stdin)))",
        ],
        input=listing.stdout,
        capture_output=True,
        text=True,
        check=True,
    )
    assert counted.stdout.strip() == "1"


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_list_as_json(family: str, initialised: Cli, fmt: str) -> None:
    out = initialised.ok("household", "list", "--format", fmt, "--as-of", AS_OF).stdout
    rows = json.loads(out) if fmt == "json" else [json.loads(line) for line in out.splitlines()]
    assert rows[0]["ref"] == family
    assert rows[0]["arrears_ore"] == 1_490_050
    assert rows[0]["reasons"] == ["unpaid_rent"]
    assert rows[0]["tenant_pnr"] == "19811218-****"


def test_table_is_for_people(family: str, initialised: Cli) -> None:
    table = initialised.ok("household", "list", "--as-of", AS_OF).stdout
    assert family in table
    assert "Anna Andersson" in table
    assert "811218" not in table  # the table has no personnummer column at all
    assert "1 + 1 part-time" in table


def test_show_json(family: str, initialised: Cli) -> None:
    initialised.ok(
        "notice",
        "add",
        family,
        "--kind",
        "termination",
        "--served",
        "2026-12-04",
        "--notified",
        "2026-12-04",
        "--as-of",
        AS_OF,
    )
    shown = json.loads(
        initialised.ok("household", "show", family, "--format", "json", "--as-of", AS_OF).stdout
    )
    members = {m["role"] + str(m["part_time"]): m for m in shown["member_list"]}
    assert members["tenantFalse"]["age"] == 44
    assert members["tenantFalse"]["is_child"] is False
    assert members["tenantFalse"]["pnr"] == "19811218-****"
    assert members["co_tenantFalse"]["age"] == 46
    assert (members["childFalse"]["age"], members["childFalse"]["is_child"]) == (11, True)
    assert members["childFalse"]["name"] == "Alva Andersson"
    assert (members["childTrue"]["age"], members["childTrue"]["is_child"]) == (7, True)
    assert shown["notices"][0]["recovery_deadline"] == "2026-12-28"
    assert shown["notices"][0]["days_left"] == 18
    assert shown["landlord_detail"]["kind"] == "municipal"
    unmasked = json.loads(
        initialised.ok(
            "household", "show", family, "--format", "json", "--include-pnr", "--as-of", AS_OF
        ).stdout
    )
    pnrs = {m["role"]: m["pnr"] for m in unmasked["member_list"]}
    assert (pnrs["tenant"], pnrs["co_tenant"]) == ("19811218-9876", "19800101-0001")


def test_show_table(family: str, initialised: Cli) -> None:
    initialised.ok(
        "notice",
        "add",
        family,
        "--kind",
        "termination",
        "--served",
        "2026-12-04",
        "--notified",
        "2026-12-04",
        "--as-of",
        AS_OF,
    )
    shown = initialised.ok("household", "show", family, "--as-of", AS_OF).stdout
    for text in (
        "Anna Andersson",
        "Alva Andersson",
        "child, part-time",
        "2026-12-28",
        "Alingsåshem",
    ):
        assert text in shown
    assert "9876" not in shown


def test_show_as_of_a_day_before_the_children_were_born(family: str, initialised: Cli) -> None:
    shown = initialised.ok("household", "show", family, "--format", "json", "--as-of", "2010-01-01")
    case = json.loads(shown.stdout)
    assert (case["children"], case["children_part_time"]) == (0, 0)
    assert family in initialised.ok("household", "show", family, "--as-of", "2010-01-01").stdout


def test_edit_and_reopen(family: str, initialised: Cli) -> None:
    edited = initialised.ok(
        "household", "edit", family, "--arrears", "9 900", "--add-reason", "disturbance"
    )
    assert "Changed arrears, reasons of" in edited.stderr
    unchanged = initialised.ok("household", "edit", family, "--arrears", "9900")
    assert "Nothing changed." in unchanged.stderr
    initialised.ok("household", "close", family, "--outcome", "moved", "--as-of", AS_OF)
    initialised.ok("household", "reopen", family)
    again = initialised("household", "reopen", family)
    assert again.exit_code == 1
    one_line_error(again.stderr, "already open")


def test_members(family: str, initialised: Cli) -> None:
    added = initialised.ok(
        "member", "add", family, "--name", "Sixten", "--born", "2009-01-01", "--as-of", AS_OF
    )
    member = added.stdout.strip()
    listing = initialised.ok("household", "list", "--format", "json", "--as-of", AS_OF).stdout
    assert json.loads(listing)[0]["children"] == 2
    removed = initialised.ok("member", "remove", family, member)
    assert "Sixten" in removed.stderr


def test_landlord_commands(initialised: Cli) -> None:
    initialised.ok("landlord", "add", "Alingsåshem", "--phone", "0322-61 71 00")
    edited = initialised.ok("landlord", "edit", "ALINGSÅSHEM", "--name", "Alingsåshem AB")
    assert "name" in edited.stderr
    shown = json.loads(
        initialised.ok("landlord", "show", "alingsåshem ab", "--format", "json").stdout
    )
    assert (shown["name"], shown["phone"], shown["open_cases"]) == (
        "Alingsåshem AB",
        "0322-61 71 00",
        0,
    )
    listing = list(
        csv.DictReader(io.StringIO(initialised.ok("landlord", "list", "-f", "csv").stdout))
    )
    assert [r["name"] for r in listing] == ["Alingsåshem AB"]


def test_notice_list(family: str, initialised: Cli) -> None:
    initialised.ok(
        "notice",
        "add",
        family,
        "--kind",
        "eviction",
        "--eviction-at",
        "2027-01-20 09:00",
        "--as-of",
        AS_OF,
    )
    out = initialised.ok("notice", "list", "--format", "json", "--as-of", AS_OF).stdout
    notices = json.loads(out)
    assert (notices[0]["eviction_at"], notices[0]["days_left"]) == ("2027-01-20T09:00", 41)
    soon = initialised.ok("notice", "list", "--upcoming", "30", "--format", "csv", "--as-of", AS_OF)
    assert soon.stdout.count("\n") == 1  # the header only


def test_db_status_and_check(initialised: Cli) -> None:
    status = json.loads(initialised.ok("db", "status", "--format", "json").stdout)
    assert status[0]["name"] == "0001_foundation"
    assert all(m["applied_at"] for m in status)
    check = initialised.ok("db", "check")
    assert "intact" in check.stdout
    checked = json.loads(initialised.ok("db", "check", "--json").stdout)
    assert checked["ok"] is True


# --- bad input ---------------------------------------------------------------------------

BAD_INPUT = [
    pytest.param(
        ["household", "add", "Anna", "--pnr", "811218-9875"], 1, ("pnr", "811218-****"), id="pnr"
    ),
    pytest.param(
        ["household", "add", "Anna", "--arrears", "12,345.50"],
        1,
        ("--arrears", "12,345.50"),
        id="arrears",
    ),
    pytest.param(
        ["notice", "add", "2026-0001", "--kind", "termination", "--served", "2026-02-30"],
        1,
        ("--served", "2026-02-30"),
        id="served",
    ),
    pytest.param(
        ["household", "add", "Anna", "--landlord", "Nobody AB"],
        1,
        ("Nobody AB", "bostad landlord add"),
        id="landlord",
    ),
    pytest.param(["household", "show", "2026-0099"], 1, ("no household 2026-0099",), id="ref"),
    pytest.param(
        ["contact", "add", "2026-0099", "--kind", "phone"],
        1,
        ("no household 2026-0099",),
        id="ref-contact",
    ),
    pytest.param(["household", "list", "--within", "abc"], 2, ("--within", "abc"), id="within"),
    pytest.param(
        ["household", "list", "--as-of", "2026-13-01"], 1, ("--as-of", "2026-13-01"), id="as-of"
    ),
    pytest.param(["household", "add", "Anna\x07Andersson"], 1, ("NAME", "control"), id="control"),
    pytest.param(
        ["household", "add", "Anna", "--child", "2015-3-2 Alva"],
        1,
        ("--child", "2015-3-2 Alva"),
        id="child",
    ),
    pytest.param(["household", "list", "--within", "-1"], 2, ("within", "-1"), id="within-neg"),
    pytest.param(
        ["household", "list", "--status", "pending"], 2, ("--status", "pending", "all"), id="status"
    ),
    pytest.param(
        ["notice", "add", "2026-0001", "--kind", "summons"], 2, ("--kind", "summons"), id="kind"
    ),
    pytest.param(["notice", "add", "2026-0001"], 2, ("--kind",), id="missing-kind"),
    pytest.param(["household", "lst"], 2, ("lst",), id="command"),
    pytest.param(["household", "list", "--bogus"], 2, ("--bogus",), id="option"),
    pytest.param(["member", "remove", "2026-0001", "x"], 2, ("MEMBER", "x"), id="member"),
    pytest.param(
        ["household", "close", "2026-0001", "--outcome", "stays", "--date", "2027-01-01"],
        1,
        ("date", "2027-01-01"),
        id="close-future",
    ),
    pytest.param(
        ["consent", "add", "2026-0001", "--recipient", "landlord", "--expires", "2026-01-01"],
        1,
        ("expires", "2026-01-01"),
        id="consent-expires",
    ),
    pytest.param(
        ["landlord", "add", "Alingsåshem"], 1, ("Alingsåshem", "exists already"), id="dup-landlord"
    ),
    pytest.param(
        ["landlord", "add", "X", "--org-number", "556035-6930"],
        1,
        ("--org-number", "556035-6930"),
        id="org-number",
    ),
]


@pytest.mark.parametrize(("args", "code", "needles"), BAD_INPUT)
def test_bad_input(
    family: str, initialised: Cli, args: list[str], code: int, needles: tuple[str, ...]
) -> None:
    before = initialised.dump()
    result = initialised(*args, "--as-of", AS_OF) if _takes_as_of(args) else initialised(*args)
    assert result.exit_code == code, result.stderr
    one_line_error(result.stderr, *needles)
    assert result.stdout == ""
    assert initialised.dump() == before


def _takes_as_of(args: list[str]) -> bool:
    return args[:2] in (["household", "add"], ["notice", "add"], ["household", "close"]) or (
        args[:2] == ["consent", "add"]
    )


def test_control_characters_are_not_echoed(initialised: Cli) -> None:
    result = initialised("household", "add", "Anna\x1b[31mRed", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr


# --- before init, version, entry point ----------------------------------------------------


def test_before_init(cli: Cli) -> None:
    result = cli("household", "list")
    assert result.exit_code == 1
    one_line_error(result.stderr, "bostad init", str(cli.db_path))
    assert not cli.db_path.exists()


def test_version(cli: Cli) -> None:
    result = cli.ok("--version")
    assert result.stdout.strip() == f"bostadcli {__version__}"
    assert not cli.db_path.exists()


def test_python_m_version(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "BOSTAD_DB": str(tmp_path / "x.sqlite"),
        "BOSTAD_CONFIG": str(tmp_path / "c.toml"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "bostadcli", "--version"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"bostadcli {__version__}"


def test_real_process_errors_have_no_traceback(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "BOSTAD_DB": str(tmp_path / "x.sqlite"),
        "BOSTAD_CONFIG": str(tmp_path / "c.toml"),
        "BOSTAD_LANG": "en",
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bostadcli", *args],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )

    assert run("init").returncode == 0
    for args, code in [
        (("household", "show", "2026-0099"), 1),
        (("household", "list", "--within", "abc"), 2),
        (("landlord", "edit", "Nobody", "--name", "Somebody"), 1),
    ]:
        result = run(*args)
        assert result.returncode == code, result.stderr
        assert "Traceback" not in result.stderr
        assert result.stdout == ""


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # Click's wording (older Typer) and the wording after usage_message().
        (
            "Invalid value for '--within': 'abc' is not a valid integer.",
            "'--within': not a whole number: 'abc'",
        ),
        (
            "Invalid value for '--kind': 'x' is not one of 'warning', 'eviction'.",
            "'--kind': 'x' is not one of 'warning', 'eviction'",
        ),
        ("Missing option '--kind'.", "missing option '--kind'"),
        (
            "Missing option '--kind'. Choose from: warning, eviction",
            "missing option '--kind' (warning, eviction)",
        ),
        ("No such command 'lst'.", "no such command 'lst'"),
        (
            "No such command 'lst'. Did you mean 'list'?",
            "no such command 'lst' (did you mean 'list'?)",
        ),
        ("Got unexpected extra arguments (a b)", "unexpected extra argument: a b"),
        ("Got unexpected extra argument(s) (a b)", "unexpected extra argument: a b"),
        ("No such option: --bogus", "no such option: --bogus"),
    ],
)
def test_usage_messages_in_every_typer_wording(message: str, expected: str) -> None:
    from bostadcli.cli.app import translate_usage_message

    assert translate_usage_message(message) == expected
