"""Kronofogden's steps as the screens that read a case show them (DOMAIN.md rule 5): the
day and the målnummer of each step, the day and time of the eviction."""

from __future__ import annotations

import csv
import io
import json

import pytest

from bostadcli import i18n
from conftest import Cli

AS_OF = "2026-12-05"
REF = "2026-0001"

# The fields of notice list's CSV and JSON: a contract, only ever added to.
FIELDS = [
    "id", "ref", "kind", "ground", "received_on", "notified_on", "terminated_on",
    "served_on", "service_method", "amount_ore", "amount", "recovery_deadline",
    "eviction_at", "deadline", "recovery_missing", "earliest_decision_on", "days_left",
    "enforcement_case", "correct_by", "especially_serious", "copy_received_on", "step_on",
    "decision_by", "final_on", "barred_risk", "note",
]  # fmt: skip


@pytest.fixture
def case(initialised: Cli) -> Cli:
    cli = initialised
    cli.ok(
        "household", "add", "Kfm", "--landlord", "Testhem AB", "--create-landlord",
        "--as-of", AS_OF,
    )  # fmt: skip
    cli.ok(
        "notice", "add", REF, "--kind", "enforcement_application", "--date", "2026-11-20",
        "--case-number", "12-345678-26", "--as-of", AS_OF,
    )  # fmt: skip
    cli.ok(
        "notice", "add", REF, "--kind", "decision", "--date", "2026-11-27",
        "--final", "2026-12-01", "--case-number", "12-345678-26", "--as-of", AS_OF,
    )  # fmt: skip
    cli.ok(
        "notice", "add", REF, "--kind", "eviction", "--eviction-at", "2026-12-15 09:00",
        "--case-number", "12-345678-26", "--as-of", AS_OF,
    )  # fmt: skip
    return cli


def _row(out: str, label: str) -> str:
    return next(line for line in out.splitlines() if label in line)


def test_notice_list_shows_each_steps_day_and_case_number(case: Cli) -> None:
    out = case.ok("notice", "list", REF, "--as-of", AS_OF).stdout
    application = _row(out, "application to Kronofogden")
    assert "2026-11-20" in application and "case 12-345678-26" in application
    decision = _row(out, "decision")
    assert "2026-11-27" in decision and "final 2026-12-01" in decision
    assert "case 12-345678-26" in decision


def test_notice_list_shows_the_eviction_time(case: Cli) -> None:
    out = case.ok("notice", "list", REF, "--as-of", AS_OF).stdout
    eviction = _row(out, "eviction")
    assert "2026-12-15 at 09:00 (10 days left)" in eviction
    assert "case 12-345678-26" in eviction
    # CSV and JSON keep their fields: a contract.
    rows = json.loads(case.ok("notice", "list", REF, "--format", "json", "--as-of", AS_OF).stdout)
    assert all(list(r) == FIELDS for r in rows)
    assert rows[-1]["eviction_at"] == "2026-12-15T09:00"
    text = case.ok("notice", "list", REF, "--format", "csv", "--as-of", AS_OF).stdout
    assert csv.DictReader(io.StringIO(text)).fieldnames == FIELDS


def test_household_show_shows_the_eviction_time_and_steps(case: Cli) -> None:
    out = case.ok("household", "show", REF, "--as-of", AS_OF).stdout
    assert "2026-12-15 at 09:00 (10 days left)" in out
    assert "2026-11-20, case 12-345678-26" in out


def test_a_step_without_a_day_still_shows_its_case_number(initialised: Cli) -> None:
    cli = initialised
    cli.ok("household", "add", "Kfm", "--landlord", "Testhem AB", "--create-landlord",
           "--as-of", AS_OF)  # fmt: skip
    cli.ok("notice", "add", REF, "--kind", "enforcement_request", "--case-number", "99-1",
           "--as-of", AS_OF)  # fmt: skip
    row = _row(cli.ok("notice", "list", REF, "--as-of", AS_OF).stdout, "request")
    assert "case 99-1" in row and ", case" not in row
    # An eviction day given without a time shows no time.
    cli.ok("notice", "add", REF, "--kind", "eviction", "--eviction-at", "2026-12-15",
           "--as-of", AS_OF)  # fmt: skip
    row = _row(cli.ok("notice", "list", REF, "--as-of", AS_OF).stdout, "eviction date")
    assert "2026-12-15 (10 days left)" in row and " at " not in row


def test_the_swedish_screens_say_kl_and_mal(case: Cli) -> None:
    i18n.setup("sv")  # the autouse fixture ``english`` sets English back
    out = case.ok("notice", "list", REF, "--as-of", AS_OF).stdout
    assert "2026-12-15 kl. 09:00 (10 dagar kvar)" in out
    assert "2026-11-20, mål 12-345678-26" in out
    shown = case.ok("household", "show", REF, "--as-of", AS_OF).stdout
    assert "kl. 09:00" in shown
