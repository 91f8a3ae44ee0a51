"""The daily run's first letter ("your landlord has told us, we can help") and a case
whose repayment plan has just ended: the unit agreed that plan with the family, so it is
in contact with them as surely as after a call. A plan paid off, cancelled, or ended
when the case closed and was reopened counts as contact for the policy's
recent_contact_days after it ended, as a call does; after that the letter goes out, as
after an old call."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from bostadcli.config import Policy
from conftest import Cli

OPENED = date(2026, 11, 2)  # a Monday
DAYS = Policy().recent_contact_days


@pytest.fixture
def unit(initialised: Cli) -> Cli:
    config = initialised.config_path.read_text(encoding="utf-8")
    config = config.replace('phone = ""', 'phone = "08-465 004 00"', 1).replace(
        'socialjouren_phone = ""', 'socialjouren_phone = "08-465 004 01"'
    )
    initialised.config_path.write_text(config, encoding="utf-8")
    initialised.ok("landlord", "add", "Hem AB")
    return initialised


def _reported_with_plan(cli: Cli, name: str) -> tuple[str, str]:
    """A case a landlord reported, and the plan agreed with the family that day."""
    ref = cli.ok(
        "household", "add", name, "--street", "Storgatan 1", "--postal-code", "441 30",
        "--city", "Ängby", "--landlord", "Hem AB", "--source", "landlord",
        "--as-of", OPENED.isoformat(),
    ).stdout.strip().splitlines()[0]  # fmt: skip
    cli.ok(
        "plan", "create", ref, "--debt", "2000", "--installment", "1000", "--start", "2026-12",
        "--as-of", OPENED.isoformat(),
    )  # fmt: skip
    plan = cli.ok("plan", "list", "--household", ref, "--all", "-f", "json").stdout
    return ref, json.loads(plan)[0]["ref"]


def _first_letters(cli: Cli, tmp_path: Path, day: date) -> dict[str, tuple[str, str]]:
    """The daily dry run's outreach rows: state and note, by case."""
    result = cli.ok(
        "letter", "daily", "--dry-run", "--as-of", day.isoformat(), "--out-dir",
        str(tmp_path / "brev"),
    )  # fmt: skip
    return {
        row["reference"]: (row["state"], row["note"])
        for row in csv.DictReader(io.StringIO(result.stdout))
        if row["kind"] == "outreach"
    }


def test_a_plan_just_ended_is_contact_no_first_letter(unit: Cli, tmp_path: Path) -> None:
    paid, paid_plan = _reported_with_plan(unit, "Anna Betald")
    cancelled, cancelled_plan = _reported_with_plan(unit, "Bo Avbruten")
    reopened, reopened_plan = _reported_with_plan(unit, "Cilla Åter")
    active, active_plan = _reported_with_plan(unit, "Dan Aktiv")
    ended = OPENED + timedelta(days=8)
    unit.ok("plan", "pay", paid_plan, "--amount", "2000", "--date", ended.isoformat(),
            "--as-of", ended.isoformat())  # fmt: skip
    unit.ok("plan", "cancel", cancelled_plan, "--date", ended.isoformat(),
            "--as-of", ended.isoformat())  # fmt: skip
    unit.ok("household", "close", reopened, "--outcome", "stays", "--end-running",
            "--date", ended.isoformat(), "--as-of", ended.isoformat())  # fmt: skip
    unit.ok("household", "reopen", reopened, "--as-of", ended.isoformat())

    day_after = ended + timedelta(days=1)
    found = _first_letters(unit, tmp_path, day_after)
    for ref, plan in (
        (paid, paid_plan),
        (cancelled, cancelled_plan),
        (reopened, reopened_plan),
        (active, active_plan),
    ):
        assert found[ref] == ("in_contact", f"already in contact: repayment plan {plan}"), ref

    # As after a call: once the policy's days have passed since the plan ended, the
    # letter goes out; the plan in force still counts.
    later = ended + timedelta(days=DAYS + 3)
    while later.weekday() >= 5:
        later += timedelta(days=1)
    found = _first_letters(unit, tmp_path, later)
    for ref in (paid, cancelled, reopened):
        assert found[ref][0] == "new", ref
    assert found[active][0] == "in_contact"


def test_a_reminder_sent_by_hand_this_month_is_the_months_reminder(
    unit: Cli, tmp_path: Path
) -> None:
    """One reminder a month: one a caseworker made herself (``letter render``, recorded
    without a period) counts, as a one-off first letter does for outreach; one of last
    month does not."""
    ref = unit.ok(
        "household", "add", "Eva Hand", "--street", "Storgatan 2", "--postal-code", "441 30",
        "--city", "Ängby", "--landlord", "Hem AB", "--source", "self_referral",
        "--as-of", "2026-10-01",
    ).stdout.strip().splitlines()[0]  # fmt: skip
    unit.ok(
        "plan", "create", ref, "--debt", "3000", "--installment", "1000", "--start", "2026-11",
        "--as-of", "2026-10-01",
    )  # fmt: skip

    def reminders(day: str) -> list[str]:
        result = unit.ok(
            "letter", "daily", "--dry-run", "--as-of", day, "--out-dir", str(tmp_path / "b")
        )
        return [
            row["reference"]
            for row in csv.DictReader(io.StringIO(result.stdout))
            if row["kind"] == "plan_reminder" and row["state"] == "new"
        ]

    assert reminders("2026-11-10") == [ref]  # due 30 October, unpaid: behind
    unit.ok(
        "letter", "render", ref, "plan_reminder", "--plan", "P-0001", "--format", "txt",
        "--out", str(tmp_path / "by-hand.txt"), "--as-of", "2026-11-09",
    )  # fmt: skip
    assert reminders("2026-11-10") == []
    assert reminders("2026-11-30") == []
    # A new month, but the same missed installment: reminded of once; the next is
    # reminded of when it is missed (due 30 November, more than seven days late).
    assert reminders("2026-12-01") == []
    assert reminders("2026-12-08") == [ref]
