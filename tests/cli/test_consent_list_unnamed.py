"""A consent to a debt collector or another recipient recorded without the recipient's
name can be used by no export (an export to them names the recipient and counts only a
consent naming it): ``consent list``, ``household show``, the ``consents`` export table
and the deadline screen say so, by one rule (``consents.consent_valid_sql``)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from typing import Any

import pytest

from bostadcli import i18n
from bostadcli.consents import VALID_ON, consent_valid, invalid_reason
from bostadcli.db import insert, now_utc, open_database, rows, transaction
from bostadcli.households import household_id
from conftest import Cli

TODAY = date(2026, 12, 5)
REF = "2026-0001"


def _stored_without_name(cli: Cli, ref: str, recipient: str) -> None:
    """A consent stored without the recipient's name, as ``consent add`` allowed before it
    required one for a debt collector or another recipient."""
    db = open_database(cli.db_path)
    try:
        with transaction(db):
            record = {"household_id": household_id(db, ref), "recipient": recipient}
            insert(
                db, "consents", record | {"given_on": TODAY.isoformat(), "created_at": now_utc()}
            )
    finally:
        db.close()


@pytest.fixture
def consents(initialised: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setattr("bostadcli.consents.real_today", lambda: TODAY)
    cli = initialised
    cli.ok("household", "add", "Anna Andersson")
    _stored_without_name(cli, REF, "debt_collector")
    _stored_without_name(cli, REF, "other")
    cli.ok("consent", "add", REF, "--recipient", "debt_collector", "--name", "Intrum AB")
    cli.ok("consent", "add", REF, "--recipient", "enforcement")
    return cli


def _state(found: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(c["recipient"], c["recipient_name"], c["valid"], c["invalid_reason"]) for c in found]


def test_the_list_says_an_unnamed_consent_is_not_usable(consents: Cli) -> None:
    shown = consents.ok("consent", "list", REF).stdout
    unnamed = [line for line in shown.splitlines() if "Intrum" not in line and "debt" in line]
    assert len(unnamed) == 1 and " no " in unnamed[0]
    assert "no recipient name: no export can use it" in unnamed[0]
    i18n.setup("sv")  # the autouse fixture puts English back
    swedish = consents.ok("consent", "list", REF).stdout
    assert "saknar mottagarens namn: ingen export kan använda det" in swedish


def test_json_and_csv_carry_the_state_and_reason(consents: Cli) -> None:
    found = json.loads(consents.ok("consent", "list", REF, "--format", "json").stdout)
    assert _state(found) == [
        ("debt_collector", None, False, "unnamed"),
        ("other", None, False, "unnamed"),
        ("debt_collector", "Intrum AB", True, None),
        ("enforcement", None, True, None),
    ]
    text = consents.ok("consent", "list", REF, "--format", "csv").stdout
    table = list(csv.DictReader(io.StringIO(text)))
    assert [(r["valid"], r["invalid_reason"]) for r in table][:2] == [("false", "unnamed")] * 2


def test_household_show_and_the_export_table_agree(consents: Cli) -> None:
    show = " ".join(consents.ok("household", "show", REF).stdout.replace("│", " ").split())
    assert (
        "debt collector: 2026-12-05– not valid (no recipient name: no export can use it;"
        " record the consent again with --name)"
    ) in show
    assert "debt collector (Intrum AB): 2026-12-05– valid" in show
    exported = json.loads(consents.ok("export", "consents", "--format", "json").stdout)
    listed = json.loads(consents.ok("consent", "list", REF, "--format", "json").stdout)
    assert [r["valid"] for r in exported] == [c["valid"] for c in listed]


def test_a_later_consent_to_another_collector_does_not_hide_an_expiry(
    initialised: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bostadcli.consents.real_today", lambda: TODAY)
    cli = initialised
    cli.ok("household", "add", "Anna Andersson")
    expires = (TODAY + timedelta(days=10)).isoformat()
    cli.ok(
        "consent", "add", REF, "--recipient", "debt_collector", "--name", "Intrum AB",
        "--expires", expires,
    )  # fmt: skip
    cli.ok("consent", "add", REF, "--recipient", "debt_collector", "--name", "Lindorff AB")
    _stored_without_name(cli, REF, "debt_collector")

    def expiring() -> list[dict[str, Any]]:
        found = cli.ok(
            "report", "deadlines", "--format", "json", "--as-of", TODAY.isoformat()
        ).stdout
        return [e for e in json.loads(found) if e["kind"] == "consent_expiring"]

    assert [e["due_on"] for e in expiring()] == [expires]
    # A later consent to the same collector, however written, does take over.
    cli.ok("consent", "add", REF, "--recipient", "debt_collector", "--name", "INTRUM  ab")
    assert expiring() == []


def test_sql_and_python_agree_for_named_recipients(consents: Cli) -> None:
    db = open_database(consents.db_path)
    found = rows(
        db,
        f"SELECT c.*, ({VALID_ON}) AS valid, h.landlord_id AS household_landlord"
        " FROM consents c JOIN households h ON h.id = c.household_id ORDER BY c.id",
        {"on": TODAY.isoformat()},
    )
    assert len(found) == 4
    for row in found:
        own = row["household_landlord"]
        assert bool(row["valid"]) == consent_valid(row, TODAY, household_landlord=own)
        assert (invalid_reason(row, TODAY, household_landlord=own) is None) == bool(row["valid"])
