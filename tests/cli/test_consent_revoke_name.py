"""``consent revoke --name`` revokes the consent to one named recipient and keeps the
others (DOMAIN rule 10: consent is given to a named recipient and withdrawn from it).
Without ``--name``, consents naming more than one recipient are refused, not all revoked:
the household withdrew its consent from someone, not from everyone."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bostadcli import i18n
from bostadcli.db import insert, now_utc, open_database, transaction
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
def two_collectors(initialised: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setattr("bostadcli.consents.real_today", lambda: TODAY)
    cli = initialised
    cli.ok("landlord", "add", "Lärkans Hem AB")
    cli.ok("household", "add", "Anna Andersson", "--landlord", "Lärkans Hem AB")
    for name in ("Intrum AB", "Lindorff AB"):
        cli.ok("consent", "add", REF, "--recipient", "debt_collector", "--name", name)
    return cli


def _exported(cli: Cli, name: str) -> list[str]:
    found = cli.ok(
        "export", "households", "--format", "json",
        "--recipient", "debt_collector", "--recipient-name", name,
    ).stdout  # fmt: skip
    return [row["ref"] for row in json.loads(found)]


def _valid(cli: Cli) -> dict[str, bool]:
    found = json.loads(cli.ok("consent", "list", REF, "--format", "json").stdout)
    return {c["recipient_name"]: c["valid"] for c in found}


def test_revoking_one_named_collector_keeps_the_other(two_collectors: Cli) -> None:
    cli = two_collectors
    # Compared as consent add and export compare names: case and spacing do not count.
    done = cli.ok(
        "consent", "revoke", REF, "--recipient", "debt_collector", "--name", " intrum  AB"
    )
    assert "Revoked consent for debt collector: Intrum AB." in done.stderr
    assert _valid(cli) == {"Intrum AB": False, "Lindorff AB": True}
    assert _exported(cli, "Lindorff AB") == [REF]
    assert _exported(cli, "Intrum AB") == []


def test_a_name_that_matches_none_is_refused_listing_the_names(two_collectors: Cli) -> None:
    cli = two_collectors
    before = cli.dump()
    result = cli("consent", "revoke", REF, "--recipient", "debt_collector", "--name", "Intrun AB")
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert "\n" not in message
    assert REF in message and "debt collector" in message and "'Intrun AB'" in message
    assert "Intrum AB, Lindorff AB" in message
    assert cli.dump() == before
    # Revoked already: the name is no longer in force, and the other is listed.
    cli.ok("consent", "revoke", REF, "--recipient", "debt_collector", "--name", "Intrum AB")
    again = cli("consent", "revoke", REF, "--recipient", "debt_collector", "--name", "Intrum AB")
    assert again.exit_code == 1 and "name: Lindorff AB" in again.stderr


def test_a_blank_name_is_refused(two_collectors: Cli) -> None:
    cli = two_collectors
    before = cli.dump()
    result = cli("consent", "revoke", REF, "--recipient", "debt_collector", "--name", "  ")
    assert result.exit_code == 1 and "--name: is empty" in result.stderr
    assert cli.dump() == before


def test_without_a_name_two_named_recipients_are_refused(two_collectors: Cli) -> None:
    cli = two_collectors
    _stored_without_name(cli, REF, "debt_collector")
    before = cli.dump()
    result = cli("consent", "revoke", REF, "--recipient", "debt_collector")
    assert result.exit_code == 1
    assert "2 recipients: Intrum AB, Lindorff AB" in result.stderr and "--name" in result.stderr
    assert cli.dump() == before
    # One name left: a revocation without --name is unambiguous and says what it revoked.
    cli.ok("consent", "revoke", REF, "--recipient", "debt_collector", "--name", "Lindorff AB")
    done = cli.ok("consent", "revoke", REF, "--recipient", "debt_collector")
    assert "Revoked 2 consents for debt collector: Intrum AB, 1 recorded without a name." in (
        done.stderr
    )
    assert not any(_valid(cli).values())


def test_a_landlord_consent_by_name(two_collectors: Cli) -> None:
    cli = two_collectors
    cli.ok("consent", "add", REF, "--recipient", "landlord")  # for the household's own
    before = cli.dump()
    wrong = cli("consent", "revoke", REF, "--recipient", "landlord", "--name", "Annan Värd AB")
    assert wrong.exit_code == 1 and "name: Lärkans Hem AB" in wrong.stderr
    assert cli.dump() == before
    # Folded as landlord names are: case, accents and hyphens do not count.
    done = cli.ok("consent", "revoke", REF, "--recipient", "landlord", "--name", "LARKANS HEM-AB")
    assert "Revoked consent for landlord: Lärkans Hem AB." in done.stderr
    assert _valid(cli)[None] is False


def test_dates_and_swedish(two_collectors: Cli) -> None:
    cli = two_collectors
    future = cli(
        "consent", "revoke", REF, "--recipient", "debt_collector", "--name", "Intrum AB",
        "--date", "2026-12-06",
    )  # fmt: skip
    assert future.exit_code == 1 and "in the future" in future.stderr
    before_given = cli(
        "consent", "revoke", REF, "--recipient", "debt_collector", "--name", "Intrum AB",
        "--date", "2026-12-04",
    )  # fmt: skip
    assert before_given.exit_code == 1 and "no consent for debt collector" in before_given.stderr
    i18n.setup("sv")  # the autouse fixture puts English back
    swedish = cli("consent", "revoke", REF, "--recipient", "debt_collector")
    assert swedish.exit_code == 1 and "--name" in swedish.stderr
    assert "Intrum AB, Lindorff AB" in swedish.stderr and "mottagare" in swedish.stderr
