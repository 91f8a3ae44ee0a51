"""The details of consent to a named recipient (DOMAIN rule 10): a consent for a debt
collector or another recipient must name it, or it is refused; one stored without a name
tells the caseworker what to do; revoking twice says when it was revoked; names compare
as landlord names do (case, å/ä/ö, hyphens); a revocation names every consent it revoked;
and an export counts only the unnamed consents in force."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bostadcli.db import insert, now_utc, open_database, transaction
from bostadcli.households import household_id
from conftest import Cli

TODAY = date(2026, 12, 5)
REF = "2026-0001"
OTHER = "2026-0002"


@pytest.fixture
def cli(initialised: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setattr("bostadcli.consents.real_today", lambda: TODAY)
    initialised.ok("household", "add", "Anna Andersson")
    initialised.ok("household", "add", "Bo Berg")
    return initialised


def _stored_without_name(cli: Cli, ref: str, recipient: str = "debt_collector") -> None:
    """A consent stored without the recipient's name, as ``consent add`` allowed before."""
    db = open_database(cli.db_path)
    try:
        with transaction(db):
            record = {"household_id": household_id(db, ref), "recipient": recipient}
            insert(db, "consents", record | {"given_on": "2026-11-01", "created_at": now_utc()})
    finally:
        db.close()


def _exported(cli: Cli, name: str) -> list[str]:
    found = cli.ok(
        "export", "households", "--format", "json",
        "--recipient", "debt_collector", "--recipient-name", name,
    ).stdout  # fmt: skip
    return [row["ref"] for row in json.loads(found)]


@pytest.mark.parametrize("recipient", ["debt_collector", "other"])
def test_a_consent_to_a_named_recipient_without_a_name_is_refused(cli: Cli, recipient: str) -> None:
    before = cli.dump()
    result = cli("consent", "add", REF, "--recipient", recipient)
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert "\n" not in message
    assert "is given to a named recipient: add --name NAME" in message
    assert cli.dump() == before
    # With the name it is recorded; the landlord and Kronofogden need none.
    cli.ok("consent", "add", REF, "--recipient", recipient, "--name", "Intrum AB")
    cli.ok("consent", "add", REF, "--recipient", "enforcement")


def test_a_consent_stored_without_a_name_says_what_to_do(cli: Cli) -> None:
    _stored_without_name(cli, REF)
    show = " ".join(cli.ok("household", "show", REF).stdout.replace("│", " ").split())
    assert "not valid (no recipient name: no export can use it; record the consent again with" in (
        show
    )
    listed = json.loads(cli.ok("consent", "list", REF, "--format", "json").stdout)
    assert [(c["valid"], c["invalid_reason"]) for c in listed] == [(False, "unnamed")]
    assert "record the consent again with --name" in cli.ok("consent", "list", REF).stdout


def test_revoking_twice_says_when_it_was_revoked(cli: Cli) -> None:
    cli.ok("consent", "add", REF, "--recipient", "debt_collector", "--name", "Intrum AB")
    cli.ok("consent", "add", REF, "--recipient", "landlord", "--given", "2026-11-02",
           "--reason", "muntligt")  # fmt: skip
    cli.ok("consent", "revoke", REF, "--recipient", "landlord", "--date", "2026-11-20")
    before = cli.dump()
    again = cli("consent", "revoke", REF, "--recipient", "landlord")
    assert again.exit_code == 1
    assert f"{REF}: the consent for landlord was already revoked on 20 November 2026" in (
        again.stderr
    )
    cli.ok("consent", "revoke", REF, "--recipient", "debt_collector", "--name", "Intrum AB")
    named = cli("consent", "revoke", REF, "--recipient", "debt_collector", "--name", "intrum ab")
    assert named.exit_code == 1
    assert "the consent for debt collector 'intrum ab' was already revoked on 5 December 2026" in (
        named.stderr
    )
    assert cli.dump() != before  # the named one only
    # A consent never given is still "no valid consent".
    never = cli("consent", "revoke", OTHER, "--recipient", "debt_collector")
    assert never.exit_code == 1 and "has no valid consent" in never.stderr
    assert "already" not in never.stderr


def test_names_compare_as_landlord_names_do(cli: Cli) -> None:
    cli.ok("consent", "add", REF, "--recipient", "debt_collector", "--name", "Sämre Inkasso")
    cli.ok("consent", "add", OTHER, "--recipient", "debt_collector", "--name", "Intrum AB")
    assert _exported(cli, "samre inkasso") == [REF]
    assert _exported(cli, "SAMRE-INKASSO") == [REF]
    done = cli.ok(
        "consent", "revoke", REF, "--recipient", "debt_collector", "--name", "samre inkasso"
    )
    assert "Revoked consent for debt collector: Sämre Inkasso." in done.stderr
    assert _exported(cli, "samre inkasso") == []
    assert _exported(cli, "intrum-ab") == [OTHER]
    # One rule, in SQL and in Python.
    from bostadcli.consents import recipient_key

    assert recipient_key("Sämre-Inkasso  AB") == recipient_key("samre inkasso ab")


def test_a_revocation_names_every_consent_it_revoked(cli: Cli) -> None:
    for name in ("Intrum AB", "INTRUM AB"):
        cli.ok("consent", "add", REF, "--recipient", "debt_collector", "--name", name)
    done = cli.ok("consent", "revoke", REF, "--recipient", "debt_collector", "--name", "intrum ab")
    assert "Revoked 2 consents for debt collector: Intrum AB, INTRUM AB." in done.stderr
    listed = json.loads(cli.ok("consent", "list", REF, "--format", "json").stdout)
    assert [c["invalid_reason"] for c in listed] == ["revoked", "revoked"]


def test_an_export_counts_only_unnamed_consents_in_force(cli: Cli) -> None:
    cli.ok("consent", "add", REF, "--recipient", "debt_collector", "--name", "Intrum AB")
    _stored_without_name(cli, REF)
    _stored_without_name(cli, OTHER)
    first = cli("export", "households", "--recipient", "debt_collector",
                "--recipient-name", "Lowell")  # fmt: skip
    assert first.exit_code != 0
    assert "2 cases have a consent for debt collector recorded without a name" in first.stderr
    cli.ok("consent", "revoke", OTHER, "--recipient", "debt_collector")
    second = cli("export", "households", "--recipient", "debt_collector",
                 "--recipient-name", "Lowell")  # fmt: skip
    assert second.exit_code != 0
    assert "1 case has a consent for debt collector recorded without a name" in second.stderr


def test_a_letter_to_a_landlord_compares_names_by_the_same_rule() -> None:
    from bostadcli.consents import add_consent
    from bostadcli.errors import ConsentRequired
    from bostadcli.households import NewHousehold, add_household
    from bostadcli.landlords import add_landlord
    from bostadcli.letters.kinds.undertaking import _require_landlord_consent

    db = open_database(":memory:")
    add_landlord(db, name="Exempelhem AB", kind="municipal")
    ref = add_household(db, NewHousehold("Anna Andersson", landlord="Exempelhem AB"), as_of=TODAY)
    add_consent(
        db, ref, recipient="landlord", recipient_name="Lärkans Hem AB", given_on=TODAY, today=TODAY
    )
    _require_landlord_consent(db, ref, "LARKANS-HEM AB", "Exempelhem AB", TODAY)
    with pytest.raises(ConsentRequired):
        _require_landlord_consent(db, ref, "Ekhem AB", "Exempelhem AB", TODAY)
