from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from bostadcli.cli.app import app
from bostadcli.db import open_database
from bostadcli.households import ChildSpec, NewHousehold, add_household
from bostadcli.landlords import add_landlord
from bostadcli.money import Money

Run = Callable[..., Result]
CREATED = "2026-11-20"
EXAMPLE = ["--debt", "14 900", "--installment", "1500", "--start", "2027-01"]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "bostad.sqlite"
    db = open_database(path, create=True)
    add_landlord(db, name="Alingsåshem", kind="municipal")
    for name in ("Anna Andersson", "Bo Berg"):
        add_household(
            db,
            NewHousehold(
                tenant_name=name,
                landlord="Alingsåshem",
                rent=Money.kronor(7_450),
                arrears=Money.kronor(14_900),
                children=[ChildSpec(date(2015, 3, 2))],
            ),
            as_of=date(2026, 11, 20),
        )
    db.close()
    return path


@pytest.fixture
def run(db_path: Path, tmp_path: Path) -> Run:
    def invoke(*args: str) -> Result:
        # A config path that does not exist: the defaults, whatever the user has.
        base = ["--db", str(db_path), "--config", str(tmp_path / "no-config.toml")]
        return CliRunner().invoke(app, [*base, *args])

    return invoke


def dump(db_path: Path) -> list[str]:
    db = open_database(db_path)
    try:
        return list(db.conn.iterdump())
    finally:
        db.close()


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.stderr
    return result


def as_json(result: Result) -> Any:
    return json.loads(ok(result).stdout)


def test_worked_example(run: Run, db_path: Path) -> None:
    before = dump(db_path)
    preview = as_json(
        run("plan", "create", "2026-0001", *EXAMPLE, "--dry-run", "-f", "json", "--as-of", CREATED)
    )
    assert dump(db_path) == before
    assert preview["ref"] is None
    amounts = [i["amount_ore"] for i in preview["installments"]]
    assert amounts == [150_000] * 9 + [140_000]
    assert preview["installments"][0]["due_on"] == "2026-12-30"

    created = ok(run("plan", "create", "2026-0001", *EXAMPLE, "--as-of", CREATED))
    assert created.stdout == "P-0001\n"
    assert "10 installments of 1\u00a0500\u00a0kr (the last 1\u00a0400\u00a0kr)" in created.stderr
    assert "first due 30 December 2026" in created.stderr

    shown = as_json(run("plan", "show", "P-0001", "-f", "json", "--as-of", CREATED))
    assert len(shown["installments"]) == 10
    assert shown["installments"][-1]["amount_ore"] == 140_000
    assert shown["installments"][-1]["month"] == "2027-10"
    assert shown["installments"][0]["due_on"] == "2026-12-30"
    assert shown["debt_ore"] == sum(i["amount_ore"] for i in shown["installments"]) == 1_490_000
    assert shown["remaining_ore"] == 1_490_000


def test_dry_run_table_shows_the_schedule(run: Run) -> None:
    result = ok(
        run(
            "plan",
            "create",
            "2026-0001",
            *EXAMPLE,
            "--income",
            "24000",
            "--dry-run",
            "--as-of",
            CREATED,
        )
    )
    assert "not saved" in result.stdout
    assert "2026-12-30" in result.stdout and "2027-09-30" in result.stdout
    assert "1\u00a0400\u00a0kr" in result.stdout
    assert "normalbelopp 2024" in result.stdout
    assert "Dry run: nothing was saved." in result.stderr


def test_affordability_warning_is_a_hint(run: Run) -> None:
    result = ok(
        run("plan", "create", "2026-0001", *EXAMPLE, "--income", "12000", "--as-of", CREATED)
    )
    assert result.stdout == "P-0001\n"
    assert "less than the living-cost norm" in result.stderr
    assert "not a refusal" in result.stderr


@pytest.mark.parametrize(
    ("args", "codes"),
    [
        (["--debt", "0", "--installment", "100"], {1}),
        (["--debt", "-5", "--installment", "100"], {1}),
        (["--debt", "500", "--installment", "0"], {1}),
        (["--debt", "500", "--installment", "-10"], {1}),
        (["--debt", "500", "--months", "0"], {2}),
        (["--debt", "500", "--months", "-3"], {2}),
        (["--debt", "500", "--installment", "100", "--months", "5"], {2}),
        (["--debt", "500"], {2}),
        (["--debt", "500", "--installment", "600"], {1}),
        (["--debt", "500", "--installment", "100", "--due", "32"], {1}),
        (["--debt", "500", "--installment", "100", "--start", "2027-13"], {1}),
        (["--debt", "500", "--installment", "100", "--first-due", "2027-02-30"], {1}),
        (["--debt", "500", "--installment", "100", "--replaces", "P-9999"], {1}),
        (["--debt", "5 00", "--installment", "100"], {1}),
    ],
)
def test_bad_create_changes_nothing(
    run: Run, db_path: Path, args: list[str], codes: set[int]
) -> None:
    before = dump(db_path)
    result = run("plan", "create", "2026-0001", *args, "--as-of", CREATED)
    assert result.exit_code in codes, (result.exit_code, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 or (result.exit_code == 2 and "--help" in lines[-1])
    assert "\ufffd" not in result.stderr
    assert "Traceback" not in result.stderr
    assert dump(db_path) == before


def test_installment_larger_than_debt_says_so(run: Run) -> None:
    result = run("plan", "create", "2026-0001", "--debt", "500", "--installment", "600")
    assert result.exit_code == 1
    assert result.stderr == "error: --installment: larger than the debt (500\u00a0kr): '600 kr'\n"


def test_unknown_plan(run: Run, db_path: Path) -> None:
    before = dump(db_path)
    for args in (
        ["plan", "show", "P-9999"],
        ["plan", "pay", "P-9999", "--amount", "100"],
        ["plan", "cancel", "P-9999"],
    ):
        result = run(*args)
        assert result.exit_code == 1
        assert result.stderr == "error: no plan P-9999\n"
    assert dump(db_path) == before


def test_payment_to_a_cancelled_plan(run: Run, db_path: Path) -> None:
    ok(run("plan", "create", "2026-0001", *EXAMPLE, "--as-of", CREATED))
    cancelled = ok(run("plan", "cancel", "P-0001", "--note", "Moved", "--as-of", "2026-12-01"))
    assert "Cancelled P-0001" in cancelled.stderr
    before = dump(db_path)
    result = run("plan", "pay", "P-0001", "--amount", "1500", "--as-of", "2026-12-02")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: P-0001 is cancelled")
    assert len(result.stderr.splitlines()) == 1
    assert dump(db_path) == before


def test_pay_carry_forward_and_overpay(run: Run, db_path: Path) -> None:
    ok(run("plan", "create", "2026-0001", *EXAMPLE, "--as-of", CREATED))
    paid = ok(
        run(
            "plan",
            "pay",
            "P-0001",
            "--amount",
            "2000",
            "--date",
            "2026-12-29",
            "--as-of",
            "2027-01-05",
        )
    )
    assert "12\u00a0900\u00a0kr remains" in paid.stderr
    shown = as_json(run("plan", "show", "P-0001", "-f", "json", "--as-of", "2027-01-05"))
    assert [i["paid_ore"] for i in shown["installments"][:3]] == [150_000, 50_000, 0]

    before = dump(db_path)
    refused = run("plan", "pay", "P-0001", "--amount", "13000", "--as-of", "2027-01-05")
    assert refused.exit_code == 1
    assert "--allow-overpay" in refused.stderr and "12\u00a0900\u00a0kr" in refused.stderr
    assert dump(db_path) == before

    done = ok(
        run(
            "plan", "pay", "P-0001", "--amount", "13000", "--allow-overpay", "--as-of", "2027-01-05"
        )
    )
    assert "paid in full" in done.stderr
    shown = as_json(run("plan", "show", "P-0001", "-f", "json", "--as-of", "2027-01-05"))
    assert shown["state"] == "completed"
    assert all(i["paid_ore"] == i["amount_ore"] for i in shown["installments"])
    assert shown["payments"][-1]["excess_ore"] == 10_000


def checked_on(monkeypatch: pytest.MonkeyPatch, day: str) -> None:
    """plan check records on the real date only: make ``day`` the real date."""
    monkeypatch.setattr("bostadcli.dates.real_today", lambda: date.fromisoformat(day))


def test_check_for_cron(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    ok(run("plan", "create", "2026-0001", *EXAMPLE, "--as-of", CREATED))
    checked_on(monkeypatch, "2027-01-06")
    assert as_json(run("plan", "check", "-f", "json", "--as-of", "2027-01-06")) == []
    checked_on(monkeypatch, "2027-01-07")
    [changed] = as_json(run("plan", "check", "-f", "json", "--as-of", "2027-01-07"))
    assert changed["ref"] == "P-0001"
    assert (changed["previous_state"], changed["state"]) == ("on_track", "behind")
    assert changed["overdue_ore"] == 150_000
    checked_on(monkeypatch, "2027-01-08")
    assert as_json(run("plan", "check", "-f", "json", "--as-of", "2027-01-08")) == []
    checked_on(monkeypatch, "2027-02-06")
    table = ok(run("plan", "check", "--as-of", "2027-02-06"))
    assert "broken" in table.stdout
    quiet = ok(run("plan", "check", "--as-of", "2027-02-06"))
    assert quiet.stdout == ""
    assert "No plan changed state." in quiet.stderr


def test_list_filters_and_formats(run: Run) -> None:
    ok(run("plan", "create", "2026-0001", *EXAMPLE, "--as-of", CREATED))
    ok(run("plan", "create", "2026-0002", "--debt", "6000", "--months", "6", "--as-of", CREATED))
    rows = as_json(run("plan", "list", "-f", "json", "--as-of", "2026-12-10"))
    assert [(r["ref"], r["state"]) for r in rows] == [("P-0002", "behind"), ("P-0001", "on_track")]
    assert rows[0]["remaining"] == "6\u00a0000\u00a0kr"
    csv_text = ok(
        run("plan", "list", "--state", "behind", "-f", "csv", "--as-of", "2026-12-10")
    ).stdout
    header, *lines = csv_text.splitlines()
    assert header.startswith("ref,household,tenant,landlord,status,state,debt_ore,debt,")
    assert [line.split(",")[0] for line in lines] == ["P-0002"]
    mine = as_json(
        run("plan", "list", "--household", "2026-0001", "-f", "json", "--as-of", CREATED)
    )
    assert [r["ref"] for r in mine] == ["P-0001"]
    jsonl = ok(run("plan", "list", "--landlord", "alingsåshem", "-f", "jsonl", "--as-of", CREATED))
    # Both on track: the nearest due date first.
    assert [json.loads(line)["ref"] for line in jsonl.stdout.splitlines()] == ["P-0002", "P-0001"]
    bad = run("plan", "list", "--state", "late")
    assert bad.exit_code == 2


def test_replaces_from_the_command_line(run: Run) -> None:
    ok(run("plan", "create", "2026-0001", *EXAMPLE, "--as-of", CREATED))
    ok(run("plan", "pay", "P-0001", "--amount", "3000", "--as-of", "2027-02-01"))
    new = ok(
        run(
            "plan",
            "create",
            "2026-0001",
            "--months",
            "8",
            "--replaces",
            "P-0001",
            "--as-of",
            "2027-02-01",
        )
    )
    assert new.stdout == "P-0002\n"
    shown = as_json(run("plan", "show", "P-0002", "-f", "json", "--as-of", "2027-02-01"))
    assert shown["debt_ore"] == 1_190_000 and shown["replaces"] == "P-0001"
    assert shown["start_month"] == "2027-03"
    old = as_json(run("plan", "show", "P-0001", "-f", "json", "--as-of", "2027-02-01"))
    assert old["state"] == "replaced" and old["replaced_by"] == "P-0002"


def test_household_show_tells_the_story(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    ok(run("plan", "create", "2026-0001", *EXAMPLE, "--as-of", CREATED))
    checked_on(monkeypatch, "2027-01-07")
    ok(run("plan", "check", "--as-of", "2027-01-07"))
    case = as_json(run("household", "show", "2026-0001", "-f", "json", "--as-of", "2027-01-07"))
    [plan] = case["plans"]
    assert (plan["ref"], plan["state"], plan["remaining_ore"]) == ("P-0001", "behind", 1_490_000)
    kinds = [(c["kind"], c["automatic"]) for c in case["contacts"]]
    assert kinds == [("plan", True), ("plan", True)]
    table = ok(run("household", "show", "2026-0001", "--as-of", "2027-01-07")).stdout
    assert "Repayment plans" in table and "P-0001" in table
    assert "repayment plan" in table  # the contact kind's label


def test_show_table_marks_overdue_rows(run: Run) -> None:
    ok(run("plan", "create", "2026-0001", *EXAMPLE, "--as-of", CREATED))
    ok(
        run(
            "plan",
            "pay",
            "P-0001",
            "--amount",
            "1500",
            "--date",
            "2026-12-30",
            "--as-of",
            "2027-01-10",
        )
    )
    out = ok(run("plan", "show", "P-0001", "--as-of", "2027-02-03")).stdout
    assert "paid" in out
    assert "5 days overdue" in out
    assert "unpaid" in out
    assert "13\u00a0400\u00a0kr" in out


def test_help(run: Run) -> None:
    result = ok(run("plan", "--help"))
    for command in ("create", "show", "list", "pay", "check", "cancel"):
        assert command in result.stdout
    assert "--first-due" in ok(run("plan", "create", "--help")).stdout


def test_importing_the_cli_stays_light() -> None:
    code = (
        "import sys, bostadcli.cli.app\n"
        "heavy = {'sqlite_utils', 'jinja2', 'babel', 'holidays', 'rich.table', 'bostadcli.plans'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    src = str(Path(__file__).resolve().parents[2] / "src")
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": src},
    )
    assert out.stdout.strip() == "[]"
