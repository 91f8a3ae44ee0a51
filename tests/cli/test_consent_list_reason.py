"""``consent list`` says no, and why, for a consent that is not valid: expired, revoked,
given for a former landlord, or not yet given on the day shown."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from bostadcli import i18n
from conftest import Cli

TODAY = date(2026, 12, 5)
ON = ("--as-of", TODAY.isoformat())


@pytest.fixture
def consents(initialised: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setattr("bostadcli.consents.real_today", lambda: TODAY)
    cli = initialised
    day = ("--as-of", TODAY.isoformat())
    cli.ok("household", "add", "Tre", "--landlord", "Testhem AB", "--create-landlord", *day)
    cli.ok("consent", "add", "2026-0001", "--recipient", "landlord")
    cli.ok("landlord", "add", "Annanhem AB")
    cli.ok("household", "edit", "2026-0001", "--landlord", "Annanhem AB")
    cli.ok(
        "consent",
        "add",
        "2026-0001",
        "--recipient",
        "enforcement",
        "--given",
        "2026-11-01",
        "--expires",
        "2026-12-01",
        "--reason",
        "muntligt",
    )
    cli.ok("consent", "add", "2026-0001", "--recipient", "debt_collector", "--name", "Intrum AB")
    cli.ok("consent", "revoke", "2026-0001", "--recipient", "debt_collector")
    cli.ok("consent", "add", "2026-0001", "--recipient", "other", "--name", "Hyresgästföreningen")
    return cli


def test_the_table_says_no_and_why(consents: Cli) -> None:
    shown = consents.ok("consent", "list", "2026-0001", *ON).stdout
    lines = {line.split()[1]: line for line in shown.splitlines()[2:]}
    assert "no" in lines["Kronofogden"].split() and "expired after 2026-12-01" in shown
    assert "for former landlord Testhem AB" in lines["landlord"]
    assert "revoked 2026-12-05" in lines["debt"]
    assert "yes" in lines["other"].split()
    i18n.setup("sv")  # the autouse fixture puts English back
    swedish = consents.ok("consent", "list", "2026-0001", *ON).stdout
    assert "Varför inte giltigt" in swedish
    assert "gäller tidigare hyresvärd Testhem AB" in swedish
    assert "gällde till och med 2026-12-01" in swedish and "återkallat 2026-12-05" in swedish
    assert " nej " in swedish and " ja " in swedish


def test_csv_and_json_keep_valid_and_add_a_reason_code(consents: Cli) -> None:
    found = json.loads(consents.ok("consent", "list", "2026-0001", "--format", "json", *ON).stdout)
    by_recipient = {c["recipient"]: c for c in found}
    assert {k: (c["valid"], c["invalid_reason"]) for k, c in by_recipient.items()} == {
        "enforcement": (False, "expired"),
        "landlord": (False, "other_landlord"),
        "debt_collector": (False, "revoked"),
        "other": (True, None),
    }
    assert by_recipient["landlord"]["landlord"] == "Testhem AB"
    text = consents.ok("consent", "list", "2026-0001", "--format", "csv", *ON).stdout
    table = list(csv.DictReader(io.StringIO(text)))
    assert {r["recipient"]: (r["valid"], r["invalid_reason"]) for r in table}["landlord"] == (
        "false",
        "other_landlord",
    )
    # Replayed on a day before they were given, none of them was given yet.
    earlier = consents.ok(
        "consent", "list", "2026-0001", "--format", "json", "--as-of", "2026-10-01"
    ).stdout
    assert {c["invalid_reason"] for c in json.loads(earlier)} == {"not_yet_given"}
