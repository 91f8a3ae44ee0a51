"""bostad letter|template|demo through the command line: stdout, stderr and exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bostadcli.db import open_database, rows
from bostadcli.households import NewHousehold, add_household
from bostadcli.pdf import pdf_problem
from golden_letters import build_households

if TYPE_CHECKING:
    from typer.testing import Result

AS_OF = "2026-11-16"
CONFIG_TOML = """\
[letterhead]
organisation = "Ängby kommun"
unit = "Socialförvaltningen, Boendeenheten"
phone = "08-465 004 00"
email = "boende@angby.example"
socialjouren_phone = "08-465 004 01"
default_caseworker = "Karin Ek"
"""


class Bostad:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.db_path = tmp_path / "b.sqlite"
        self.config_path = tmp_path / "config.toml"
        self.config_path.write_text(CONFIG_TOML, encoding="utf-8")
        db = open_database(self.db_path, create=True)
        self.refs = build_households(db)
        db.close()

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> Result:
        from typer.testing import CliRunner

        from bostadcli.cli.app import app

        result = CliRunner().invoke(
            app,
            list(args),
            env={
                "BOSTAD_DB": str(self.db_path),
                "BOSTAD_CONFIG": str(self.config_path),
                "COLUMNS": "200",
            }
            | (env or {}),
            prog_name="bostad",
        )
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    def letters(self) -> list[dict[str, object]]:
        db = open_database(self.db_path)
        try:
            return rows(db, "SELECT kind, period, file FROM letters ORDER BY id")
        finally:
            db.close()


@pytest.fixture
def bostad(tmp_path: Path) -> Bostad:
    return Bostad(tmp_path)


def test_render_to_a_file_records_it(bostad: Bostad) -> None:
    out = bostad.tmp / "brev.html"
    ref = bostad.refs["tricky"]
    result = bostad(
        "letter", "render", ref, "outreach", "--format", "html", "--out", str(out), "--as-of", AS_OF
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(out)
    assert "Recorded the letter." in result.stderr
    assert "&lt;Öberg&gt;" in out.read_text(encoding="utf-8")
    assert bostad.letters() == [{"kind": "outreach", "period": None, "file": str(out.resolve())}]
    listed = bostad("letter", "list", "--household", ref, "--format", "json")
    (row,) = json.loads(listed.stdout)
    assert row["kind"] == "outreach" and row["file_exists"] is True
    assert len(row["template_version"]) == 12
    again = bostad("letter", "render", ref, "outreach", "--format", "html", "--out", str(out))
    assert again.exit_code == 1 and "--force" in again.stderr
    assert len(bostad.letters()) == 1


def test_render_to_stdout_is_a_preview(bostad: Bostad) -> None:
    result = bostad(
        "letter",
        "render",
        bostad.refs["plain"],
        "meeting",
        "--param",
        "date=2026-11-20",
        "--param",
        "time=10:00",
        "--param",
        "place=Stadshuset",
        "--format",
        "txt",
        "--out",
        "-",
        "--as-of",
        AS_OF,
    )
    assert result.exit_code == 0, result.stderr
    assert "Dag: 20 november 2026" in result.stdout
    assert "Plats: Stadshuset" in result.stdout
    assert bostad.letters() == []


def test_no_record(bostad: Bostad) -> None:
    out = bostad.tmp / "x.txt"
    result = bostad(
        "letter",
        "render",
        bostad.refs["plain"],
        "outreach",
        "-f",
        "txt",
        "-o",
        str(out),
        "--no-record",
    )
    assert result.exit_code == 0 and "Not recorded." in result.stderr and out.exists()
    assert bostad.letters() == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["letter", "render", "2026-0003", "nosuch", "-f", "txt"], "KIND"),
        (["letter", "render", "2026-0099", "outreach", "-f", "txt"], "no household 2026-0099"),
        (["letter", "render", "2026-0003", "meeting", "-f", "txt", "--param", "oops"], "--param"),
        (["letter", "monthly", "--month", "2026-13", "--as-of", AS_OF], "no such month"),
        (["letter", "monthly", "--month", "nov", "--as-of", AS_OF], "YYYY-MM"),
        (["letter", "monthly", "--only", "nosuch", "--as-of", AS_OF], "--only"),
        (["letter", "list", "--month", "2026-13"], "no such month"),
    ],
)
def test_bad_input_is_one_clear_line(bostad: Bostad, args: list[str], message: str) -> None:
    result = bostad(*args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""
    assert bostad.letters() == []


def test_bad_format_is_a_usage_error(bostad: Bostad) -> None:
    result = bostad("letter", "render", "2026-0001", "outreach", "--format", "docx")
    assert result.exit_code == 2
    assert bostad.letters() == []


# The monthly batch's default format is PDF: without WeasyPrint it stops before the folder.
@pytest.mark.skipif(pdf_problem() is not None, reason=str(pdf_problem()))
def test_monthly_unwritable_out_dir(bostad: Bostad) -> None:
    blocker = bostad.tmp / "file"
    blocker.write_text("x")
    result = bostad("letter", "monthly", "--out-dir", str(blocker / "brev"), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "cannot write letters to" in result.stderr
    assert bostad.letters() == []


@pytest.mark.parametrize("via", ["option", "env"])
def test_monthly_broken_user_template(bostad: Bostad, via: str) -> None:
    mine = bostad.tmp / "mallar"
    mine.mkdir()
    broken = mine / "outreach.txt.j2"
    broken.write_text("Hej\n{% for x in %}\n", encoding="utf-8")
    args = ["letter", "monthly", "-f", "txt", "--out-dir", str(bostad.tmp / "ut"), "--as-of", AS_OF]
    if via == "option":
        result = bostad(*args, "--templates", str(mine))
    else:
        result = bostad(*args, env={"BOSTAD_TEMPLATES": str(mine)})
    assert result.exit_code == 1
    assert f"{broken}:2: template syntax error" in result.stderr
    assert bostad.letters() == []
    assert not (bostad.tmp / "ut").exists()


def test_monthly_from_cron(bostad: Bostad) -> None:
    out = bostad.tmp / "ut"
    args = ["letter", "monthly", "-f", "html", "--out-dir", str(out), "--as-of", AS_OF]
    first = bostad(*args)
    assert first.exit_code == 0, first.stderr
    assert first.stdout == ""  # quiet: cron mails only the summary line
    assert first.stderr.splitlines() == [
        f"2026-11: 2 new, 0 re-created, 0 already made, 0 failed; in {out.resolve()}"
    ]
    second = bostad(*args)
    assert second.exit_code == 0
    assert "0 new, 0 re-created, 2 already made" in second.stderr
    assert len(bostad.letters()) == 2
    manifest = list(csv.DictReader(io.StringIO((out / "manifest-2026-11.csv").read_text())))
    # 2026-0001 has a repayment plan: in contact already, no first letter.
    assert [m["reference"] for m in manifest] == ["2026-0002", "2026-0003"]


def test_monthly_exit_3_when_some_letters_fail(bostad: Bostad) -> None:
    db = open_database(bostad.db_path)
    lost = add_household(
        db, NewHousehold(tenant_name="Ingen Adress"), as_of=date.fromisoformat(AS_OF)
    )
    db.close()
    out = bostad.tmp / "ut"
    result = bostad("letter", "monthly", "-f", "html", "--out-dir", str(out), "--as-of", AS_OF)
    assert result.exit_code == 3
    assert f"{lost} outreach: address" in result.stderr
    assert "2 new, 0 re-created, 0 already made, 1 failed" in result.stderr
    assert len(bostad.letters()) == 2


def test_monthly_dry_run_lists_and_writes_nothing(bostad: Bostad) -> None:
    out = bostad.tmp / "ut"
    result = bostad("letter", "monthly", "--dry-run", "--out-dir", str(out), "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    listed = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["reference"], r["kind"], r["state"]) for r in listed] == [
        ("2026-0001", "outreach", "in_contact"),
        ("2026-0002", "outreach", "new"),
        ("2026-0003", "outreach", "new"),
    ]
    assert listed[0]["note"].startswith("already in contact: repayment plan P-0001")
    assert listed[2]["recipient"] == "Johan Lindqvist"
    assert not out.exists()
    assert bostad.letters() == []


def test_template_commands(bostad: Bostad) -> None:
    listed = bostad("template", "list", "--format", "csv")
    assert listed.exit_code == 0
    names = [r["name"] for r in csv.DictReader(io.StringIO(listed.stdout))]
    assert "outreach.html.j2" in names and "meeting.txt.j2" in names
    shown = bostad("template", "show", "outreach", "--format", "txt")
    assert shown.exit_code == 0 and shown.stdout.startswith("{#-")
    assert shown.stderr.strip().endswith("outreach.txt.j2")
    dest = bostad.tmp / "mallar"
    copied = bostad("template", "copy", "meeting", str(dest))
    assert copied.exit_code == 0
    assert copied.stdout.splitlines() == [
        str(dest / "meeting.html.j2"),
        str(dest / "meeting.txt.j2"),
    ]
    (dest / "meeting.txt.j2").write_text("Eget möte {{ params.date|datum }}\n", encoding="utf-8")
    refused = bostad("template", "copy", "meeting", str(dest))
    assert refused.exit_code == 1 and "not overwritten" in refused.stderr
    assert (dest / "meeting.txt.j2").read_text(encoding="utf-8").startswith("Eget möte")
    mine = bostad(
        "letter",
        "render",
        "2026-0003",
        "meeting",
        "-f",
        "txt",
        "-o",
        "-",
        "--templates",
        str(dest),
        "--as-of",
        AS_OF,
        "--param",
        "date=2026-12-01",
        "--param",
        "time=10:00",
        "--param",
        "place=Här",
    )
    assert mine.stdout == "Eget möte 1 december 2026\n"
    unknown = bostad("template", "show", "nosuch")
    assert unknown.exit_code == 1 and "outreach" in unknown.stderr


def test_user_template_missing_variable_is_named(bostad: Bostad) -> None:
    mine = bostad.tmp / "mallar"
    mine.mkdir()
    (mine / "outreach.txt.j2").write_text("Hej {{ tenant.nickname }}\n", encoding="utf-8")
    out = bostad.tmp / "brev.txt"
    result = bostad(
        "letter",
        "render",
        "2026-0003",
        "outreach",
        "-f",
        "txt",
        "-o",
        str(out),
        "--templates",
        str(mine),
    )
    assert result.exit_code == 1
    assert "'nickname'" in result.stderr and "outreach.txt.j2:1" in result.stderr
    assert not out.exists() and bostad.letters() == []


def test_demo(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from bostadcli.cli.app import app

    out = tmp_path / "demo"
    env = {"BOSTAD_DB": str(tmp_path / "real.sqlite"), "BOSTAD_CONFIG": str(tmp_path / "real.toml")}
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "--as-of", AS_OF], env=env)
    assert result.exit_code == 0, result.stderr
    assert not (tmp_path / "real.sqlite").exists()  # the user's own database is not touched
    assert (out / "bostad.sqlite").exists() and (out / "config.toml").exists()
    letters_dir = out / "brev-2026-11"
    made = sorted(p.name for p in letters_dir.iterdir())
    ext = "pdf" if (letters_dir / "2026-0001-outreach.pdf").exists() else "html"
    assert made[1:4] == [f"2026-000{i}-outreach.{ext}" for i in (1, 2, 3)]
    assert "manifest-2026-11.csv" in made
    assert f"2026-0006-plan_reminder.{ext}" in made  # the plan that is behind
    # The rent guarantee that ends within the month (the case opened two years ago).
    assert made[0] == f"2024-0001-support_ending.{ext}"
    assert "rent guarantee ends on 7 December 2026" in result.stdout
    assert "P-0001 on track" in result.stdout
    assert "2026-0004" in result.stdout and "no letter" in result.stdout
    assert str(letters_dir) in result.stdout
    again = CliRunner().invoke(app, ["demo", "--out", str(out), "--as-of", AS_OF], env=env)
    assert again.exit_code == 1 and "exists already" in again.stderr


LIGHT = """
import json, sys
import bostadcli.cli.letters, bostadcli.cli.templates, bostadcli.cli.demo
heavy = ("sqlite_utils", "jinja2", "babel", "holidays", "weasyprint", "pypdf", "rich.table")
found = {h for h in heavy for m in sys.modules if m == h or m.startswith(h + ".")}
print(json.dumps(sorted(found)))
"""


def test_letter_cli_modules_import_nothing_heavy() -> None:
    src = str(Path(__file__).resolve().parent.parent / "src")
    result = subprocess.run(
        [sys.executable, "-c", LIGHT],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": src},
    )
    assert json.loads(result.stdout) == []


def test_plan_agreement_refused_without_consent(bostad: Bostad) -> None:
    from bostadcli.consents import revoke_consent

    db = open_database(bostad.db_path)
    revoke_consent(
        db,
        "2026-0001",
        recipient="landlord",
        revoked_on=date.fromisoformat(AS_OF),
        as_of=date.fromisoformat(AS_OF),
    )
    db.close()
    out = bostad.tmp / "avtal.pdf"
    result = bostad(
        "letter",
        "render",
        "2026-0001",
        "plan_agreement",
        "--plan",
        "P-0001",
        "-o",
        str(out),
        "--as-of",
        AS_OF,
    )
    assert result.exit_code == 1
    assert "no valid consent for landlord" in result.stderr
    assert not out.exists() and bostad.letters() == []


def test_plan_agreement_render(bostad: Bostad) -> None:
    out = bostad.tmp / "avtal.txt"
    result = bostad(
        "letter",
        "render",
        "2026-0001",
        "plan_agreement",
        "-f",
        "txt",
        "-o",
        str(out),
        "--as-of",
        AS_OF,
    )
    assert result.exit_code == 0, result.stderr
    assert "31 augusti 2027" in out.read_text(encoding="utf-8")
    listed = json.loads(bostad("letter", "list", "--format", "json").stdout)
    assert [(r["kind"], r["ref"]) for r in listed] == [("plan_agreement", "2026-0001")]
