"""A consent to the landlord is for the landlord it names: one naming another landlord
never counts for the household's own (DOMAIN rule 10); a recipient's name given blank is
refused rather than stored as no name."""

from __future__ import annotations

from typing import Any


def _case(cli: Any) -> None:
    cli.ok("landlord", "add", "Exempelhem AB")
    cli.ok("landlord", "add", "Fel Värd AB")
    cli.ok("household", "add", "Test Testsson", "--landlord", "Exempelhem AB")


def test_a_consent_naming_another_landlord_does_not_reach_the_households(
    initialised: Any,
) -> None:
    _case(initialised)
    initialised.ok(
        "consent", "add", "2026-0001", "--recipient", "landlord", "--name", "Fel Värd AB"
    )
    export = initialised(
        "export", "households", "--recipient", "landlord", "--landlord", "Exempelhem AB"
    )
    assert "2026-0001" not in export.stdout
    document = initialised(
        "export", "household", "2026-0001", "--recipient", "landlord", "--landlord",
        "Exempelhem AB", "--out", str(initialised.db_path.parent / "h.json"),
    )  # fmt: skip
    assert document.exit_code == 1 and "no valid consent for landlord" in document.stderr
    # Its own landlord, however written, is the landlord.
    initialised.ok(
        "consent", "add", "2026-0001", "--recipient", "landlord", "--name", "EXEMPELHEM AB"
    )
    export = initialised.ok(
        "export", "households", "--recipient", "landlord", "--landlord", "Exempelhem AB"
    )
    assert "2026-0001" in export.stdout


def test_a_blank_recipient_name_is_refused(initialised: Any) -> None:
    _case(initialised)
    before = initialised.dump()
    result = initialised("consent", "add", "2026-0001", "--recipient", "other", "--name", "  ")
    assert result.exit_code == 1
    assert "--name: is empty" in result.stderr
    assert initialised.dump() == before
