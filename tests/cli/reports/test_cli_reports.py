"""bostad support … and bostad report …, through the command line."""

import csv
import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bostadcli.cli.app import app
from bostadcli.db import open_database, rows

AS_OF = "2026-03-02"


class Bostad:
    """Runs commands against one database and config, checking the exit code."""

    def __init__(self, tmp_path: Path) -> None:
        self.db = tmp_path / "b.sqlite"
        self.config = tmp_path / "config.toml"
        self.config.write_text(
            '[letterhead]\norganisation = "Exempel kommun"\n'
            '[priority_quota]\n"Exempelhem AB" = 1\n',
            encoding="utf-8",
        )
        open_database(self.db, create=True).close()
        self.runner = CliRunner()

    def __call__(self, *args: str, code: int = 0) -> Any:
        result = self.runner.invoke(
            app,
            ["--db", str(self.db), "--config", str(self.config), *args],
            env={"COLUMNS": "160"},
        )
        assert result.exit_code == code, (result.stdout, result.stderr)
        return result

    def count(self, table: str) -> int:
        db = open_database(self.db)
        try:
            return int(rows(db, f"SELECT count(*) AS n FROM {table}")[0]["n"])
        finally:
            db.close()


@pytest.fixture
def bostad(tmp_path: Path) -> Bostad:
    b = Bostad(tmp_path)
    b("landlord", "add", "Exempelhem AB", "--kind", "municipal")
    for name, extra in [
        ("Anna Andersson", ["--child", "2015-03-02", "--part-time-child", "2019-06-10"]),
        ("Bo Berg", []),
    ]:
        b(
            "household",
            "add",
            name,
            "--landlord",
            "Exempelhem AB",
            "--rent",
            "7000",
            "--opened",
            "2026-01-10",
            "--as-of",
            AS_OF,
            *extra,
        )
    return b


def test_support_add_prints_the_number_and_talks_on_stderr(bostad: Bostad) -> None:
    # A first-hand contract: the guarantee meets the state grant's conditions, no warning.
    bostad("household", "edit", "2026-0001", "--tenancy", "first_hand")
    result = bostad(
        "support", "add", "2026-0001", "--kind", "rent_guarantee", "--end", "2028-01-31",
        "--cap-months", "6", "--start", "2026-02-01", "--as-of", AS_OF,
    )  # fmt: skip
    assert result.stdout == "1\n"
    assert "2026-0001" in result.stderr and "warning" not in result.stderr


def test_a_long_emergency_stay_warns_and_exits_0(bostad: Bostad) -> None:
    result = bostad(
        "support", "add", "2026-0001", "--kind", "emergency_housing", "--place", "Gästis",
        "--start", "2026-02-20", "--nights-to", "2026-03-01", "--cost", "4 500",
        "--as-of", AS_OF,
    )  # fmt: skip
    assert result.stdout == "1\n"
    assert "warning" in result.stderr and "9" in result.stderr
    assert bostad.count("supports") == 1


def test_quota_exceeded_is_a_warning_and_exit_0(bostad: Bostad) -> None:
    for ref in ("2026-0001", "2026-0002"):
        result = bostad(
            "support", "add", ref, "--kind", "priority_allocation",
            "--landlord", "Exempelhem AB", "--flat", "Storgatan 3", "--as-of", AS_OF,
        )  # fmt: skip
    assert "quota" in result.stderr and "Exempelhem AB" in result.stderr
    assert bostad.count("supports") == 2
    listed = bostad("support", "list", "--kind", "priority_allocation", "--as-of", AS_OF)
    assert "Priority quota 2026" in listed.stdout
    assert listed.stdout.count("Storgatan 3") == 2
    assert "-1" in listed.stdout.split("Priority quota 2026")[1]
    quota = json.loads(bostad("support", "quota", "--format", "json", "--as-of", AS_OF).stdout)
    assert quota == [{"year": 2026, "company": "Exempelhem AB", "quota": 1, "used": 2, "left": -1}]


def test_an_unknown_kind_is_a_usage_error(bostad: Bostad) -> None:
    result = bostad("support", "add", "2026-0001", "--kind", "holiday_home", code=2)
    assert result.stdout == ""
    assert "holiday_home" in result.stderr
    assert bostad.count("supports") == 0


def test_an_end_before_the_start_is_one_line_and_changes_nothing(bostad: Bostad) -> None:
    result = bostad(
        "support", "add", "2026-0001", "--kind", "housing_support", "--start", "2026-03-01",
        "--end", "2026-02-01", "--as-of", AS_OF, code=1,
    )  # fmt: skip
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "2026-02-01" in result.stderr
    assert bostad.count("supports") == 0


def test_support_end_and_list(bostad: Bostad) -> None:
    bostad(
        "support", "add", "2026-0001", "--kind", "housing_support", "--start", "2026-01-15",
        "--as-of", AS_OF,
    )  # fmt: skip
    bostad("support", "end", "1", "--date", "2026-01-10", "--as-of", AS_OF, code=1)
    bostad("support", "end", "1", "--date", "2026-02-28", "--reason", "Klar", "--as-of", AS_OF)
    assert json.loads(bostad("support", "list", "--format", "json", "--as-of", AS_OF).stdout) == []
    ended = json.loads(
        bostad("support", "list", "--all", "--format", "json", "--as-of", AS_OF).stdout
    )
    assert [(s["id"], s["status"], s["ended_on"], s["end_reason"]) for s in ended] == [
        (1, "ended", "2026-02-28", "Klar")
    ]
    bostad("support", "end", "1", "--as-of", AS_OF, code=1)  # ended already


def test_support_edit_records_the_cost_decision(bostad: Bostad) -> None:
    bostad(
        "support", "add", "2026-0002", "--kind", "emergency_housing", "--start", "2026-03-01",
        "--nights-to", "2026-03-04", "--cost", "1350", "--as-of", AS_OF,
    )  # fmt: skip
    result = bostad("support", "edit", "1", "--cost-granted", "--as-of", AS_OF)
    assert "Changed cost decision." in result.stderr
    listed = json.loads(bostad("support", "list", "--format", "json", "--as-of", AS_OF).stdout)
    assert listed[0]["cost_granted"] is True and listed[0]["cost"] == "1\u00a0350\u00a0kr"
    bostad("support", "edit", "1", "--flat", "Storgatan 1", "--as-of", AS_OF, code=1)


def test_landlord_cooperation_agreement(bostad: Bostad) -> None:
    bostad("landlord", "edit", "Exempelhem AB", "--cooperation-agreement", "2025-06-01")
    shown = json.loads(bostad("landlord", "show", "Exempelhem AB", "--format", "json").stdout)
    assert shown["cooperation_agreement_on"] == "2025-06-01"
    bostad("landlord", "edit", "Exempelhem AB", "--cooperation-agreement", "1 juni", code=1)


# --- reports -----------------------------------------------------------------------------


def _deadline_setup(bostad: Bostad) -> None:
    # Served 2026-02-12: recovery deadline Thursday 2026-03-05.
    for ref in ("2026-0001", "2026-0002"):
        bostad(
            "notice", "add", ref, "--kind", "termination", "--served", "2026-02-12",
            "--notified", "2026-02-12", "--amount", "14900", "--as-of", AS_OF,
        )  # fmt: skip
        bostad("contact", "add", ref, "--kind", "phone", "--date", "2026-03-01", "--as-of", AS_OF)
    bostad(
        "notice", "add", "2026-0002", "--kind", "eviction", "--eviction-at", "2026-02-27 09:00",
        "--as-of", AS_OF,
    )  # fmt: skip


def test_deadlines_as_json_most_urgent_first(bostad: Bostad) -> None:
    _deadline_setup(bostad)
    found = json.loads(bostad("report", "deadlines", "--format", "json", "--as-of", AS_OF).stdout)
    assert [(e["band"], e["ref"], e["kind"], e["days_left"]) for e in found] == [
        ("overdue", "2026-0002", "eviction", -3),
        # Same day: the household with children first.
        ("this_week", "2026-0001", "recovery_deadline", 3),
        ("this_week", "2026-0002", "recovery_deadline", 3),
    ]
    assert (found[1]["children"], found[1]["children_part_time"]) == (1, 1)
    assert found[1]["amount_ore"] == 1_490_000 and found[1]["amount"] == "14\u00a0900\u00a0kr"
    # --days 2 leaves out what is more than two days away.
    narrow = bostad("report", "deadlines", "--days", "2", "--format", "csv", "--as-of", AS_OF)
    assert [r["kind"] for r in csv.DictReader(io.StringIO(narrow.stdout))] == ["eviction"]


def test_deadlines_on_the_terminal(bostad: Bostad) -> None:
    _deadline_setup(bostad)
    out = bostad("report", "deadlines", "--as-of", AS_OF).stdout
    lines = out.splitlines()
    assert "What needs action" in lines[0]
    assert "Passed 1" in lines[1] and "Within 7 days 2" in lines[1]
    overdue = next(i for i, x in enumerate(lines) if x.strip() == "Passed")
    this_week = next(i for i, x in enumerate(lines) if x.strip() == "Within 7 days")
    assert overdue < this_week
    assert "eviction at 09:00" in lines[overdue + 1]
    assert "1 + 1" in lines[this_week + 1] and "2026-0001" in lines[this_week + 1]
    quiet = bostad("report", "deadlines", "--as-of", "2026-03-02", "--days", "0")
    assert "Nothing needs action" not in quiet.stdout  # the overdue eviction is still there


def test_overdue_plan_installments_in_the_deadlines_and_plans_in_the_year(
    bostad: Bostad, tmp_path: Path
) -> None:
    # 1 000 kr due 2026-01-30, 2026-02-27 and 2026-03-30, none paid.
    bostad(
        "plan", "create", "2026-0002", "--debt", "3000", "--installment", "1000",
        "--start", "2026-02", "--as-of", "2026-01-12",
    )  # fmt: skip
    bostad("contact", "add", "2026-0002", "--kind", "phone", "--date", AS_OF, "--as-of", AS_OF)
    found = json.loads(bostad("report", "deadlines", "--format", "json", "--as-of", AS_OF).stdout)
    overdue = [e for e in found if e["kind"] == "installment_overdue"]
    assert [(e["ref"], e["plan_ref"], e["due_on"], e["amount_ore"]) for e in overdue] == [
        ("2026-0002", "P-0001", "2026-01-30", 200_000)
    ]
    assert (
        "P-0001 behind, 2\u00a0000\u00a0kr overdue"
        in bostad("report", "deadlines", "--as-of", AS_OF).stdout
    )
    figures = {
        r["figure"]: r["value"]
        for r in csv.DictReader(
            io.StringIO(bostad("report", "year", "--format", "csv", "--as-of", AS_OF).stdout)
        )
    }
    assert (figures["plans.made"], figures["helped.with_plan"]) == ("1", "1")
    out = tmp_path / "y.html"
    bostad("report", "year", "--format", "html", "--out", str(out), "--as-of", AS_OF)
    assert "<b>1</b> ny plan" in out.read_text(encoding="utf-8")  # one plan: singular


def test_year_in_the_future_is_refused(bostad: Bostad) -> None:
    result = bostad("report", "year", "--year", "2027", "--as-of", AS_OF, code=1)
    assert result.stdout == "" and "2027" in result.stderr and "future" in result.stderr


def test_year_csv_json_and_table(bostad: Bostad) -> None:
    bostad(
        "support", "add", "2026-0001", "--kind", "debt_counselling", "--start", "2026-02-01",
        "--as-of", AS_OF,
    )  # fmt: skip
    figures = {
        r["figure"]: r["value"]
        for r in csv.DictReader(
            io.StringIO(bostad("report", "year", "--format", "csv", "--as-of", AS_OF).stdout)
        )
    }
    assert figures["reported.households"] == "2"
    assert figures["children.children"] == "1"
    assert figures["children.children_part_time"] == "1"
    assert figures["supports.by_kind.debt_counselling.started"] == "1"
    assert figures["reported.by_month.01"] == "2"
    report = json.loads(bostad("report", "year", "--format", "json", "--as-of", AS_OF).stdout)
    assert report["year"] == 2026 and report["complete"] is False
    table = bostad("report", "year", "--as-of", AS_OF).stdout
    assert "Annual report 2026" in table and "Children reached" in table


def test_year_html_for_the_committee(bostad: Bostad, tmp_path: Path) -> None:
    bostad(
        "support", "add", "2026-0001", "--kind", "emergency_housing", "--start", "2026-01-20",
        "--nights-to", "2026-01-25", "--cost", "2250", "--cost-granted", "--as-of", AS_OF,
    )  # fmt: skip
    bostad(
        "household", "close", "2026-0002", "--outcome", "stays", "--date", "2026-02-20",
        "--as-of", AS_OF,
    )  # fmt: skip
    out = tmp_path / "rapport.html"
    result = bostad(
        "report", "year", "--year", "2026", "--format", "html", "--out", str(out),
        "--as-of", AS_OF,
    )  # fmt: skip
    assert result.stdout == "" and str(out) in result.stderr
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and 'lang="sv"' in html
    assert "Vräkningsförebyggande arbete 2026" in html and "Exempel kommun" in html
    assert "preliminära siffror" in html
    assert '<div class="siffra">2</div>\n      <div class="rubrik">inkomna hushåll' in html
    assert '<div class="siffra">1</div>\n      <div class="rubrik">barn som nåtts' in html
    assert '<div class="siffra">100\u00a0%</div>' in html  # one closed case, it stayed
    assert '<div class="siffra">5</div>\n      <div class="rubrik">nätter' in html
    assert "beviljat 2\u00a0250\u00a0kr" in html
    assert html.count("<svg") == 2 and "@page" in html
    assert "Andersson" not in html  # no personal data on the committee's page


def test_homeless_report(bostad: Bostad) -> None:
    bostad(
        "household", "add", "Cecilia Ek", "--situation", "homeless_acute", "--source",
        "self_referral", "--child", "2020-01-01", "--opened", "2026-02-01", "--as-of", AS_OF,
    )  # fmt: skip
    out = bostad("report", "homeless", "--date", AS_OF, "--format", "csv").stdout
    found = {r["situation"]: r for r in csv.DictReader(io.StringIO(out))}
    assert list(found) == [
        "homeless_acute",
        "homeless_institution",
        "homeless_long_term",
        "homeless_short_term",
        "total",
    ]
    assert (found["homeless_acute"]["adults"], found["homeless_acute"]["children"]) == ("1", "1")
    assert found["total"]["persons_18_plus"] == "1"
    assert "persons" not in found["total"]  # children are never added into the persons
    table = bostad("report", "homeless", "--date", AS_OF).stdout
    assert "Homeless persons aged 18 and over, and children apart, on 2 March 2026" in table
    assert "Total" in table and "Persons 18 and over" in table


def test_caseload_report(bostad: Bostad) -> None:
    load = json.loads(bostad("report", "caseload", "--format", "json", "--as-of", AS_OF).stdout)
    landlords = [r for r in load if r["dimension"] == "landlord"]
    assert landlords[0]["key"] == "Exempelhem AB" and landlords[0]["open_cases"] == 2
    assert "Exempelhem AB" in bostad("report", "caseload", "--as-of", AS_OF).stdout


def test_importing_the_new_commands_loads_nothing_heavy() -> None:
    code = (
        "import sys, bostadcli.cli.supports, bostadcli.cli.reports, bostadcli.cli.report_views;"
        "heavy = {'sqlite_utils', 'jinja2', 'babel', 'rich.table', 'bostadcli.reports',"
        " 'bostadcli.supports'} & set(sys.modules); print(sorted(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_today_is_the_default(bostad: Bostad) -> None:
    # Without --as-of the year is this year: never in the future.
    report = json.loads(bostad("report", "year", "--format", "json").stdout)
    assert report["year"] == date.today().year
