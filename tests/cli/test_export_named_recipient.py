"""An export for a debt collector names it, as the consent does; only the cases that
consented to that recipient leave, and the export log names it."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from bostadcli.db import insert, now_utc, open_database, transaction
from bostadcli.households import household_id
from conftest import Cli

TODAY = date(2026, 12, 5)


@pytest.fixture
def two_cases(initialised: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setattr("bostadcli.consents.real_today", lambda: TODAY)
    cli = initialised
    cli.ok(
        "household",
        "add",
        "Sen Post",
        "--landlord",
        "Testhem AB",
        "--create-landlord",
        "--as-of",
        TODAY.isoformat(),
    )
    cli.ok("household", "add", "Utan Namn", "--landlord", "Testhem AB", "--as-of", "2026-12-05")
    cli.ok("consent", "add", "2026-0001", "--recipient", "debt_collector", "--name", "Intrum AB")
    # Stored without a name, as consent add allowed before it required one.
    db = open_database(cli.db_path)
    try:
        with transaction(db):
            record = {"household_id": household_id(db, "2026-0002"), "recipient": "debt_collector"}
            insert(
                db, "consents", record | {"given_on": TODAY.isoformat(), "created_at": now_utc()}
            )
    finally:
        db.close()
    return cli


def _last_log(cli: Cli) -> tuple[str, str | None, str]:
    conn = sqlite3.connect(cli.db_path)
    try:
        recipient, name, command = conn.execute(
            "SELECT recipient, recipient_name, command FROM export_log ORDER BY id DESC LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    return recipient, name, command


def test_the_case_does_not_go_to_another_debt_collector(two_cases: Cli, tmp_path: Path) -> None:
    cli = two_cases
    out = tmp_path / "to-lowell.json"
    before = cli.dump()
    result = cli(
        "export", "household", "2026-0001", "--recipient", "debt_collector", "--out", str(out)
    )
    assert result.exit_code != 0 and "--recipient-name" in result.stderr
    result = cli(
        "export",
        "household",
        "2026-0001",
        "--recipient",
        "debt_collector",
        "--recipient-name",
        "Lowell",
        "--out",
        str(out),
    )
    assert result.exit_code != 0
    assert "no valid consent for debt collector 'Lowell'" in result.stderr
    assert not out.exists() and cli.dump() == before
    cli.ok(
        "export",
        "household",
        "2026-0001",
        "--recipient",
        "debt_collector",
        "--recipient-name",
        "intrum ab",
        "--out",
        str(out),
    )
    assert json.loads(out.read_text())["household"]["ref"] == "2026-0001"
    recipient, name, command = _last_log(cli)
    assert (recipient, name) == ("debt_collector", "Intrum AB")
    assert "--recipient-name intrum ab" in command


def test_a_table_export_carries_only_that_recipients_cases(two_cases: Cli) -> None:
    cli = two_cases
    result = cli.ok(
        "export",
        "households",
        "--format",
        "json",
        "--recipient",
        "debt_collector",
        "--recipient-name",
        "INTRUM AB",
    )
    assert [r["ref"] for r in json.loads(result.stdout)] == ["2026-0001"]
    # The case whose consent names nobody is left out, and the caseworker told how to fix it.
    assert "2026-0002" in result.stderr and "--name NAME" in result.stderr
    assert _last_log(cli)[:2] == ("debt_collector", "Intrum AB")
    result = cli(
        "export", "households", "--recipient", "debt_collector", "--recipient-name", "Lowell"
    )
    assert result.exit_code != 0 and result.stdout == ""
    assert "no consent for debt collector 'Lowell' is recorded" in result.stderr
    assert "names recorded: Intrum AB" in result.stderr
    assert "recorded without a name" in result.stderr
    result = cli("export", "households", "--recipient", "debt_collector")
    assert result.exit_code != 0 and "--recipient-name" in result.stderr
