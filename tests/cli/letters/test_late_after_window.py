"""A letter about a deadline that passed long ago is as late as one about a deadline
passed yesterday: the window in which the deadline screen still shows a passed
deadline (DEADLINE_OVERDUE_VISIBLE_DAYS) does not decide whether a letter is late.
Whatever day the letter is made on (daily, monthly, by hand; dry run or run), it is
flagged "ring eller gör hembesök", recorded in late_letters and shown on the deadline
screen; and the first letter does not offer to let the family pay by a day gone by."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from bostadcli.db import open_database, rows
from conftest import Cli

CONFIG = '[letterhead]\nphone = "08-1"\nsocialjouren_phone = "08-2"\n'
REF = "2026-0001"
# Served and notified on Monday 2 November: the recovery deadline is Monday 23 November.
DEADLINE = date(2026, 11, 23)
NOTE = "för sent för återvinningsfristen 23 november 2026"
# 15, 30 and 100 days after the deadline: all working days.
DAYS_AFTER = (15, 30, 100)


@pytest.fixture
def nils(cli: Cli) -> Cli:
    cli.ok("init")
    cli.config_path.write_text(CONFIG, encoding="utf-8")
    cli.ok(
        *("household", "add", "Nils Nord", "--pnr", "690808-0010", "--street", "Storgatan 2"),
        *("--postal-code", "441 30", "--city", "Exempelby", "--landlord", "Alingsåshem"),
        *("--create-landlord", "--rent", "7450", "--arrears", "9000", "--reason"),
        *("unpaid_rent", "--source", "landlord", "--opened", "2026-11-02"),
        *("--as-of", "2026-11-02"),
    )
    cli.ok(
        *("notice", "add", REF, "--kind", "termination", "--served", "2026-11-02"),
        *("--notified", "2026-11-02", "--amount", "9000", "--as-of", "2026-11-02"),
    )
    return cli


def _day(after: int) -> str:
    return (DEADLINE + timedelta(days=after)).isoformat()


def _late_rows(cli: Cli) -> list[dict[str, Any]]:
    db = open_database(cli.db_path)
    try:
        return rows(db, "SELECT * FROM late_letters ORDER BY id")
    finally:
        db.close()


def _rows(text: str) -> list[dict[str, str]]:
    return [r for r in csv.DictReader(io.StringIO(text.replace("\r", ""))) if r["reference"] == REF]


def _on_screen(cli: Cli, day: str) -> set[str]:
    screen = cli.ok("report", "deadlines", "--as-of", day, "--format", "json")
    return {r["kind"] for r in json.loads(screen.stdout) if r["ref"] == REF}


@pytest.mark.parametrize("after", DAYS_AFTER)
@pytest.mark.parametrize("run", ["daily", "monthly"])
def test_the_runs_flag_a_deadline_passed_long_ago(
    nils: Cli, tmp_path: Path, run: str, after: int
) -> None:
    day = _day(after)
    plan = nils.ok("letter", run, "--as-of", day, "--dry-run", "-f", "txt")
    (planned,) = _rows(plan.stdout)
    assert planned["state"] == "new" and NOTE in planned["note"], planned
    assert _late_rows(nils) == []

    out = tmp_path / "brev"
    made = nils.ok("letter", run, "--as-of", day, "-f", "txt", "--out-dir", str(out))
    assert any(
        line.startswith(f"{REF} outreach: phone or visit: the letter arrives")
        and "too late for the recovery deadline on 23 November 2026" in line
        for line in made.stderr.splitlines()
    ), made.stderr
    (manifest,) = out.glob("manifest-*.csv")
    (row,) = _rows(manifest.read_text(encoding="utf-8"))
    assert NOTE in row["note"] and row["note"] == planned["note"]
    (late,) = _late_rows(nils)
    assert late["deadline"] == DEADLINE.isoformat() and late["sent"] == 1
    assert late["posted_on"] == day
    # The deadline screen: call or visit, although the deadline itself is too old to show.
    assert "letter_late" in _on_screen(nils, day)
    assert "recovery_deadline" not in _on_screen(nils, day)


@pytest.mark.parametrize("after", DAYS_AFTER)
def test_render_flags_a_deadline_passed_long_ago(nils: Cli, tmp_path: Path, after: int) -> None:
    day = _day(after)
    made = nils.ok(
        *("letter", "render", REF, "outreach", "--as-of", day, "-f", "txt"),
        *("--out", str(tmp_path / "brev.txt")),
    )
    assert "too late for the recovery deadline on 23 November 2026" in made.stderr
    (late,) = _late_rows(nils)
    assert late["deadline"] == DEADLINE.isoformat() and late["posted_on"] == day
    assert "letter_late" in _on_screen(nils, day)


def test_the_screen_keeps_its_window_from_the_letters_day(nils: Cli, tmp_path: Path) -> None:
    day = _day(30)
    nils.ok("letter", "daily", "--as-of", day, "-f", "txt", "--out-dir", str(tmp_path))
    shown_until = (DEADLINE + timedelta(days=44)).isoformat()
    assert "letter_late" in _on_screen(nils, shown_until)
    gone = (DEADLINE + timedelta(days=45)).isoformat()
    assert "letter_late" not in _on_screen(nils, gone)


def test_an_eviction_long_passed_is_on_the_screen(cli: Cli, tmp_path: Path) -> None:
    cli.ok("init")
    cli.config_path.write_text(CONFIG, encoding="utf-8")
    ref = cli.ok(
        *("household", "add", "Hanna Holm", "--street", "Holmvägen 8"),
        *("--postal-code", "441 30", "--city", "Exempelby", "--reason", "unpaid_rent"),
        *("--source", "enforcement", "--opened", "2026-12-10", "--as-of", "2026-12-10"),
    ).stdout.strip()
    cli.ok(
        *("notice", "add", ref, "--kind", "eviction", "--eviction-at", "2026-12-16 09:00"),
        *("--case-number", "12-999-26", "--as-of", "2026-12-10"),
    )
    day = "2027-01-15"
    plan = cli.ok("letter", "daily", "--as-of", day, "--dry-run", "-f", "txt")
    assert f"{ref},outreach,not_sent" in plan.stdout.replace("\r", "")
    cli.ok("letter", "daily", "--as-of", day, "-f", "txt", "--out-dir", str(tmp_path))
    screen = cli.ok("report", "deadlines", "--as-of", day, "--format", "json")
    assert "letter_late" in {r["kind"] for r in json.loads(screen.stdout) if r["ref"] == ref}


@pytest.mark.parametrize("after", DAYS_AFTER)
def test_the_letter_says_the_time_to_pay_has_run_out(nils: Cli, after: int) -> None:
    day = _day(after)
    sv = nils.ok("letter", "render", REF, "outreach", "--as-of", day, "-f", "txt", "--out", "-")
    text = " ".join(sv.stdout.split())
    assert "TIDEN FÖR ATT BETALA HAR GÅTT UT" in text
    assert "gick ut den 23 november 2026" in text
    assert "Nu räcker det inte längre att betala för att få bo kvar" in text
    assert "senast den" not in text and "stöd i tid" not in text
    html = nils.ok("letter", "render", REF, "outreach", "--as-of", day, "-f", "html", "--out", "-")
    assert "Tiden för att betala har gått ut" in html.stdout
    assert "senast den" not in html.stdout and "stöd i tid" not in html.stdout

    nils.ok("household", "edit", REF, "--letter-language", "en")
    en = nils.ok("letter", "render", REF, "outreach", "--as-of", day, "-f", "txt", "--out", "-")
    text = " ".join(en.stdout.split())
    assert "THE TIME TO PAY HAS RUN OUT" in text
    assert "ran out on 23 November 2026" in text
    assert "Paying is no longer enough to keep your home" in text
    assert " by 23 November" not in text and "in good time" not in text
    html = nils.ok("letter", "render", REF, "outreach", "--as-of", day, "-f", "html", "--out", "-")
    assert "The time to pay has run out" in html.stdout and "in good time" not in html.stdout


def test_the_letter_before_the_deadline_is_unchanged(nils: Cli) -> None:
    sv = nils.ok(
        "letter", "render", REF, "outreach", "--as-of", "2026-11-10", "-f", "txt", "--out", "-"
    )
    text = " ".join(sv.stdout.split())
    assert "stöd i tid" in text and "senast den 23 november 2026" in text
    assert "HAR GÅTT UT" not in text
