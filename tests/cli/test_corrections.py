"""Corrections, identity checks and the case lifecycle: the month that exposed them.

A month of a caseworker's ordinary mistakes, replayed through the command line: a
mistyped payment voided and entered again, a duplicate eviction notice voided, a
misspelled name corrected (the letters after it use the new name), a case opened by
mistake voided (the year report no longer counts it), a personnummer already in an open
case refused, and a case closed with a plan still running.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from stdnum import luhn

from conftest import Cli

START = "2026-11-02"


def pnr(birth: date, serial: str = "123") -> str:
    check = luhn.calc_check_digit(f"{birth:%y%m%d}{serial}")
    return f"{birth:%Y%m%d}{serial}{check}"


ANNA = pnr(date(1981, 12, 18))
BO = pnr(date(1975, 4, 4), "456")


def j(cli: Cli, *args: str) -> Any:
    return json.loads(cli.ok(*args, "--format", "json").stdout)


def refused(cli: Cli, *args: str, code: int = 1) -> str:
    """Run a command that must fail with one line on stderr and write nothing."""
    before = cli.dump()
    result = cli(*args)
    assert result.exit_code == code, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert cli.dump() == before
    return lines[0]


@pytest.fixture
def month(initialised: Cli) -> Cli:
    cli = initialised
    cli.ok("landlord", "add", "Alingsåshem", "--kind", "municipal")
    cli.ok(
        "household", "add", "Ana Östlund", "--pnr", ANNA, "--landlord", "Alingsåshem",
        "--rent", "7450", "--arrears", "14900", "--child", "2015-03-02",
        "--opened", START, "--as-of", START,
    )  # fmt: skip
    return cli


def test_the_month(month: Cli) -> None:
    cli = month
    ref = "2026-0001"

    # A duplicate personnummer is refused, naming the open case; nothing is written.
    line = refused(cli, "household", "add", "Anna Östlund", "--pnr", ANNA, "--as-of", START)
    assert ref in line and "--allow-duplicate" in line and "--duplicate-reason" in line
    assert ANNA[-4:] not in line  # masked

    # A case opened by mistake, for another family, voided later.
    mistake = cli.ok("household", "add", "Bo Berg", "--pnr", BO, "--as-of", START).stdout.strip()
    assert mistake == "2026-0002"

    # The plan, and a payment of 1 500 typed as 15 000.
    cli.ok(
        "plan", "create", ref, "--debt", "14900", "--installment", "1500",
        "--start", "2026-12", "--as-of", "2026-11-05",
    )  # fmt: skip
    cli.ok(
        "plan", "pay", "P-0001", "--amount", "15000", "--date", "2026-11-27",
        "--allow-overpay", "--as-of", "2026-11-27",
    )  # fmt: skip
    plan = j(cli, "plan", "show", "P-0001", "--as-of", "2026-11-27")
    assert plan["state"] == "completed" and plan["remaining_ore"] == 0
    payment = plan["payments"][0]["id"]
    line = refused(cli, "plan", "void-payment", "P-0001", str(payment), "--reason", "  ")
    assert "--reason" in line
    cli.ok(
        "plan", "void-payment", "P-0001", str(payment),
        "--reason", "1 500 typed as 15 000", "--as-of", "2026-11-27",
    )  # fmt: skip
    line = refused(cli, "plan", "void-payment", "P-0001", str(payment), "--reason", "again")
    assert "PAYMENT" in line and "voided already" in line
    cli.ok(
        "plan", "pay", "P-0001", "--amount", "1500", "--date", "2026-11-27", "--as-of", "2026-11-27"
    )
    plan = j(cli, "plan", "show", "P-0001", "--as-of", "2026-12-01")
    assert plan["status"] == "active" and plan["state"] == "on_track"
    assert (plan["paid_ore"], plan["remaining_ore"]) == (150_000, 1_340_000)
    assert [p["amount_ore"] for p in plan["payments"]] == [150_000]
    assert [i["paid_ore"] for i in plan["installments"][:2]] == [150_000, 0]

    # The eviction notice entered twice: the duplicate is voided.
    for _ in range(2):
        cli.ok(
            "notice", "add", ref, "--kind", "eviction", "--eviction-at", "2027-01-20 09:00",
            "--as-of", "2026-12-01",
        )  # fmt: skip
    notices = j(cli, "notice", "list", ref, "--as-of", "2026-12-01")
    assert len(notices) == 2
    cli.ok("notice", "void", str(notices[1]["id"]), "--reason", "Entered twice")
    assert [n["id"] for n in j(cli, "notice", "list", ref, "--as-of", "2026-12-01")] == [
        notices[0]["id"]
    ]
    deadlines = j(cli, "report", "deadlines", "--as-of", "2026-12-01", "--days", "60")
    assert [d["kind"] for d in deadlines if d["ref"] == ref].count("eviction") == 1
    refused(cli, "notice", "void", str(notices[1]["id"]), "--reason", "twice")
    refused(cli, "notice", "edit", str(notices[1]["id"]), "--amount", "5", "--reason", "x")
    # The other one had the wrong time.
    cli.ok(
        "notice", "edit", str(notices[0]["id"]), "--eviction-at", "2027-01-21 10:00",
        "--reason", "Kronofogden's letter says the 21st", "--as-of", "2026-12-01",
    )  # fmt: skip
    assert j(cli, "notice", "list", ref, "--as-of", "2026-12-01")[0]["deadline"] == "2027-01-21"

    # The tenant's name was misspelled; letters after the correction use the new name.
    cli.ok(
        "member", "edit", ref, "1", "--name", "Anna Östlund", "--reason", "Misspelled",
        "--as-of", "2026-12-02",
    )  # fmt: skip
    from bostadcli.config import Config
    from bostadcli.db import open_database
    from bostadcli.letters import letter_context

    db = open_database(cli.db_path)
    try:
        context = letter_context(db, ref, config=Config(), as_of=date(2026, 12, 2))
    finally:
        db.close()
    assert context["tenant"]["name"] == "Anna Östlund"

    # A phone call logged with the wrong person named: corrected as in a journal.
    cli.ok(
        "contact", "add", ref, "--kind", "phone", "--text", "Talked to Bo",
        "--date", "2026-12-01", "--as-of", "2026-12-01",
    )  # fmt: skip
    call = next(c for c in j(cli, "contact", "list", ref) if c["kind"] == "phone")
    new_id = cli.ok(
        "contact", "correct", str(call["id"]), "--text", "Talked to Anna",
        "--reason", "Wrong person named", "--as-of", "2026-12-02",
    ).stdout.strip()  # fmt: skip
    calls = {c["id"]: c for c in j(cli, "contact", "list", ref) if c["kind"] == "phone"}
    assert calls[call["id"]]["corrected_by"] == int(new_id)
    assert calls[int(new_id)]["corrects_id"] == call["id"]
    assert calls[int(new_id)]["text"] == "Talked to Anna"
    refused(cli, "contact", "correct", str(call["id"]), "--text", "x", "--reason", "again")

    # The case opened by mistake is voided: gone from lists and the year's figures.
    assert (
        j(cli, "report", "year", "--year", "2026", "--as-of", "2026-12-02")["reported"][
            "households"
        ]
        == 2
    )
    cli.ok("household", "void", mistake, "--reason", "Opened for the wrong family")
    refused(cli, "household", "void", mistake, "--reason", "twice")
    assert (
        j(cli, "report", "year", "--year", "2026", "--as-of", "2026-12-02")["reported"][
            "households"
        ]
        == 1
    )
    listed = [h["ref"] for h in j(cli, "household", "list", "--status", "all")]
    assert listed == [ref]
    exported = cli.ok("export", "households", "--format", "csv").stdout
    assert mistake not in exported
    line = refused(cli, "household", "show", mistake)
    assert "history" in line
    refused(cli, "contact", "add", mistake, "--kind", "phone")
    # It stays in the audit log.
    assert j(cli, "audit", "--household", mistake)
    # The voided case no longer blocks its personnummer.
    cli.ok("household", "add", "Bo Berg", "--pnr", BO, "--as-of", "2026-12-02")

    # The history shows every correction, with who and why.
    history = j(cli, "household", "history", ref)
    corrections = [h for h in history if h["event"] == "correction"]
    assert [c["status"] for c in corrections] == ["void", "void", "edit", "edit", "correct"]
    assert all(c["by"] for c in corrections)
    assert any("1 500 typed as 15 000" in c["text"] for c in corrections)
    voided = [h for h in history if h["status"] == "voided"]
    assert {h["event"] for h in voided} == {"payment", "notice"}
    assert any(h["event"] == "correction" for h in j(cli, "household", "history", mistake))
    csv_history = cli.ok("household", "history", ref, "--format", "csv").stdout
    assert csv_history.startswith("on,event,table,record,text,status,by,at")

    # Closing with the plan still running: refused without a choice (no terminal).
    line = refused(cli, "household", "close", ref, "--outcome", "stays", "--as-of", "2026-12-20")
    assert "--end-running" in line and "--keep-running" in line and "P-0001" in line
    assert f"bostad household close {ref} --outcome stays --end-running" in line
    refused(
        cli, "household", "close", ref, "--outcome", "stays", "--end-running",
        "--keep-running", code=2,
    )  # fmt: skip
    cli.ok(
        "household", "close", ref, "--outcome", "stays", "--keep-running", "--as-of", "2026-12-20"
    )
    # Kept running: on the deadline screen once an installment is overdue.
    deadlines = j(cli, "report", "deadlines", "--as-of", "2027-01-10")
    assert any(d["ref"] == ref and d["kind"] == "installment_overdue" for d in deadlines)
    # ... and still gets its reminder: the monthly batch reads these plans.
    from bostadcli.config import Policy
    from bostadcli.letters import _reminder_candidates

    db = open_database(cli.db_path)
    try:
        found = _reminder_candidates(db, date(2027, 1, 10), "2027-01", Policy())
    finally:
        db.close()
    assert [(c.ref, c.plan) for c in found] == [(ref, "P-0001")]
    result = cli.ok("household", "reopen", ref, "--as-of", "2027-01-10")
    assert "P-0001" in result.stderr
    cli.ok(
        "household", "close", ref, "--outcome", "stays", "--end-running",
        "--as-of", "2027-01-10", "--date", "2027-01-10",
    )  # fmt: skip
    assert j(cli, "plan", "show", "P-0001", "--as-of", "2027-01-10")["status"] == "cancelled"
    actions = [h["status"] for h in j(cli, "household", "history", ref)]
    assert "keep_running" in actions and "end_running" in actions


def test_show_is_the_whole_case(month: Cli) -> None:
    cli = month
    ref = "2026-0001"
    cli.ok("plan", "create", ref, "--debt", "14900", "--installment", "1500",
           "--start", "2026-12", "--as-of", "2026-11-05")  # fmt: skip
    cli.ok("support", "add", ref, "--kind", "rent_guarantee", "--start", "2026-11-05",
           "--end", "2027-11-04", "--cap-months", "6", "--as-of", "2026-11-05")  # fmt: skip
    case = j(cli, "household", "show", ref, "--as-of", "2026-11-06")
    assert [p["ref"] for p in case["plans"]] == ["P-0001"]
    assert [s["kind"] for s in case["supports"]] == ["rent_guarantee"]
    assert case["letters"] == []
    table = cli.ok("household", "show", ref, "--as-of", "2026-11-06").stdout
    assert "P-0001" in table and "Supports" in table


def test_member_edit_refuses_what_would_break_the_case(month: Cli) -> None:
    cli = month
    ref = "2026-0001"
    cli.ok("household", "add", "Bo Berg", "--pnr", BO, "--as-of", START)
    line = refused(cli, "member", "edit", ref, "1", "--role", "adult", "--reason", "x")
    assert "--role" in line
    line = refused(cli, "member", "edit", ref, "2", "--role", "adult", "--reason", "x")
    assert "--name" in line
    line = refused(cli, "member", "edit", ref, "1", "--pnr", BO, "--reason", "typo")
    assert "2026-0002" in line
    line = refused(cli, "member", "edit", ref, "1", "--name", "X", "--reason", "")
    assert "--reason" in line
    refused(cli, "member", "edit", ref, "99", "--name", "X", "--reason", "x")
    refused(cli, "member", "edit", ref, "1", "--pnr", "19811218-0000", "--reason", "x")
    cli.ok(
        "member", "edit", ref, "1", "--pnr", BO, "--reason", "typo", "--allow-duplicate",
        "--as-of", START,
    )  # fmt: skip
    corrections = [h for h in j(cli, "household", "history", ref) if h["event"] == "correction"]
    assert [c["status"] for c in corrections] == ["allow_duplicate", "edit"]
    assert BO not in json.dumps(corrections)  # the number is masked in the record


def test_member_add_duplicate_adult_refused_child_allowed(month: Cli) -> None:
    cli = month
    cli.ok("household", "add", "Bo Berg", "--as-of", START)
    line = refused(cli, "member", "add", "2026-0002", "--name", "Anna", "--pnr", ANNA)
    assert "2026-0001" in line
    line = refused(
        cli, "member", "add", "2026-0002", "--name", "Anna", "--pnr", ANNA, "--allow-duplicate"
    )
    assert "--reason" in line
    cli.ok(
        "member", "add", "2026-0002", "--name", "Anna", "--pnr", ANNA, "--allow-duplicate",
        "--reason", "Lives in both homes for now", "--as-of", START,
    )  # fmt: skip
    # A child living with each parent in turn belongs to both cases.
    child = pnr(date(2015, 3, 2), "789")
    cli.ok("member", "add", "2026-0001", "--name", "Alva", "--pnr", child, "--role", "child")
    cli.ok("member", "add", "2026-0002", "--name", "Alva", "--pnr", child, "--role", "child")


def test_the_migration_carries_data_across(tmp_path: Any) -> None:
    """A database made before corrections keeps every row, none voided."""
    import sqlite3

    from sqlite_utils import Database

    from bostadcli.db import open_database, rows
    from bostadcli.migrations import migrations

    path = tmp_path / "old.sqlite"
    old = Database(sqlite3.connect(path))
    migrations.apply(old, stop_before="0019_corrections")
    now = "2026-01-01T00:00:00Z"
    old.execute(
        "INSERT INTO households (id, ref, opened_on, source, housing_situation, created_at,"
        " updated_at) VALUES (1, '2026-0001', '2026-01-01', 'landlord', 'tenancy_at_risk', ?, ?)",
        [now, now],
    )
    old.execute(
        "INSERT INTO notices (household_id, kind, received_on, recovery_deadline, created_at)"
        " VALUES (1, 'termination', '2026-01-01', '2026-01-22', ?)",
        [now],
    )
    old.execute(
        "INSERT INTO contacts (household_id, kind, contact_on, created_at)"
        " VALUES (1, 'phone', '2026-01-02', ?)",
        [now],
    )
    old.conn.commit()
    old.close()
    db = open_database(path)
    try:
        for view in ("live_households", "live_notices", "live_contacts", "household_deadlines"):
            assert rows(db, f"SELECT count(*) AS n FROM {view}")[0]["n"] == 1, view
        assert rows(db, "SELECT voided_at FROM households")[0]["voided_at"] is None
    finally:
        db.close()


def test_import_names_rows_and_recently_closed_cases(month: Cli, tmp_path: Any) -> None:
    cli = month
    cli.ok("household", "add", "Bo Berg", "--pnr", BO, "--as-of", START)
    cli.ok("household", "close", "2026-0002", "--outcome", "stays", "--as-of", "2026-11-10")
    listing = tmp_path / "list.csv"
    listing.write_text(
        "Namn;Personnummer;Skuld;Delgiven\n"
        f"Ana Östlund;{ANNA};9 000;2026-11-20\n"
        "\n"
        f"Bo Berg;{BO};4 000;2026-11-20\n"
        "Cai Dahl;;3 000;2026-11-20\n",
        encoding="utf-8",
    )
    result = cli.ok(
        "import", "notices", str(listing), "--landlord", "Alingsåshem", "--as-of", "2026-12-01"
    )
    talk = result.stderr
    assert "line 2: 2026-0001" in talk  # a notice on the open case
    assert "line 4: 2026-0003" in talk and "line 5: 2026-0004" in talk
    assert "Blank lines skipped: 3" in talk
    assert "line 4 is for the person of case 2026-0002, closed 2026-11-10" in talk
    notes = [n["note"] for n in j(cli, "notice", "list", "2026-0003", "--as-of", "2026-12-01")]
    assert notes == ["Earlier case 2026-0002, closed 2026-11-10."]
    # Beyond the configured window the closed case is not named.
    cli.config_path.write_text("[policy]\nrecently_closed_months = 0\n", encoding="utf-8")
    listing.write_text(
        f"Namn;Personnummer;Skuld;Delgiven\nBo Berg;{BO};5 000;2026-11-21\n", encoding="utf-8"
    )
    cli.ok("household", "void", "2026-0003", "--reason", "Reopened the old case instead")
    result = cli.ok(
        "import", "notices", str(listing), "--landlord", "Alingsåshem", "--as-of", "2026-12-01"
    )
    assert "2026-0002" not in result.stderr


def test_reopening_refuses_a_second_open_case_for_the_same_adult(month: Cli) -> None:
    cli = month
    cli.ok("household", "close", "2026-0001", "--outcome", "moved", "--as-of", "2026-11-10")
    cli.ok("household", "add", "Anna Östlund", "--pnr", ANNA, "--as-of", "2026-11-20")
    line = refused(cli, "household", "reopen", "2026-0001")
    assert "2026-0002" in line and "--allow-duplicate" in line
    cli.ok("household", "reopen", "2026-0001", "--allow-duplicate", "--reason", "Two homes")
