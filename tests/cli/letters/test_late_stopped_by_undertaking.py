"""A recovery deadline that an undertaking (socialnämndens förbindelse) met is no
deadline the family missed: the eviction for that rent is stopped (jordabalken 12 kap.
44 § 4 st 1). The first letter made after it says nothing about the time to pay having
run out, and is not flagged late for it; without the undertaking it is."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import Cli

TODAY = date(2026, 12, 7)
CONFIG = '[letterhead]\nphone = "08-1"\nsocialjouren_phone = "08-2"\n'


@pytest.fixture
def case(initialised: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setattr("bostadcli.undertakings.record_day", lambda: TODAY)
    cli = initialised
    cli.config_path.write_text(CONFIG, encoding="utf-8")
    cli.ok(
        "household", "add", "Pia Åberg", "--street", "Gatan 1", "--postal-code", "441 30",
        "--city", "Exempelby", "--landlord", "Exempelhem AB", "--create-landlord",
        "--rent", "8000", "--arrears", "16000", "--reason", "unpaid_rent",
        "--source", "landlord", "--opened", "2026-10-01", "--as-of", "2026-10-01",
    )  # fmt: skip
    cli.ok(
        "notice", "add", "2026-0001", "--kind", "termination", "--served", "2026-10-20",
        "--notified", "2026-10-20", "--terminated", "2026-10-18", "--amount", "16000",
        "--as-of", "2026-10-20",
    )  # fmt: skip
    return cli


def _letter(cli: Cli) -> tuple[str, str]:
    shown = cli(
        "letter", "render", "2026-0001", "outreach", "--format", "txt", "--out", "-",
        "--as-of", TODAY.isoformat(),
    )  # fmt: skip
    assert shown.exit_code == 0, shown.stderr
    return shown.stdout, shown.stderr


def test_without_an_undertaking_the_letter_is_late_and_says_so(case: Cli) -> None:
    text, said = _letter(case)
    assert "TIDEN FÖR ATT BETALA HAR GÅTT UT" in text
    assert "för sent" in said or "too late" in said


def test_an_undertaking_in_time_stops_it(case: Cli) -> None:
    case.ok(
        "undertaking", "add", "2026-0001", "--covers", "hyresskulden", "--decided-by",
        "Nämnden", "--given", "2026-11-09", "--reason", "antecknad i efterhand",
        "--as-of", TODAY.isoformat(),
    )  # fmt: skip
    text, said = _letter(case)
    assert "TIDEN FÖR ATT BETALA HAR GÅTT UT" not in text
    assert "Kronofogden om avhysning" not in text
    assert "too late" not in said and "för sent" not in said
