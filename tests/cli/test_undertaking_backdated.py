"""An undertaking given before the real date it is recorded on (by --given or --as-of)
needs --reason, as a back-dated consent does: it decides whether the tenant can be
evicted (jordabalken 12 kap. 44 § 4 st 1). The reason is stored and shown in the list,
in household show and in the case's history."""

from __future__ import annotations

import json
from datetime import date

import pytest

from conftest import Cli

TODAY = date(2026, 11, 20)
ADD = ["undertaking", "add", "2026-0001", "--covers", "Hyran november", "--decided-by", "Karin Ek"]


@pytest.fixture
def case(initialised: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setattr("bostadcli.undertakings.record_day", lambda: TODAY, raising=False)
    cli = initialised
    cli.ok(
        "household", "add", "Bo Berg", "--landlord", "Testhem AB", "--create-landlord",
        "--as-of", "2026-10-01",
    )  # fmt: skip
    cli.ok(
        "notice", "add", "2026-0001", "--kind", "termination", "--ground", "unpaid_rent",
        "--terminated", "2026-11-02", "--served", "2026-11-04", "--notified", "2026-11-05",
        "--as-of", "2026-11-05",
    )  # fmt: skip
    return cli


def _listed(cli: Cli) -> list[dict[str, object]]:
    return list(json.loads(cli.ok("undertaking", "list", "--format", "json").stdout))


@pytest.mark.parametrize(
    "dating",
    [["--given", "2026-11-10"], ["--as-of", "2026-11-10"], ["--given", "2026-11-19"]],
)
def test_back_dated_without_a_reason_is_refused(case: Cli, dating: list[str]) -> None:
    before = case.dump()
    for extra in ([], ["--reason", "   "]):
        refused = case(*ADD, *dating, *extra)
        assert refused.exit_code == 1, refused.stderr
        assert refused.stderr.count("\n") == 1, refused.stderr
        assert "--reason" in refused.stderr and dating[1] in refused.stderr
        assert case.dump() == before


@pytest.mark.parametrize("dating", [["--given", "2026-11-10"], ["--as-of", "2026-11-10"]])
def test_the_reason_is_stored_and_shown(case: Cli, dating: list[str]) -> None:
    reason = "Skickat till hyresvärden 10/11, registrerat i efterhand"
    added = case.ok(*ADD, *dating, "--reason", reason)
    assert "stops the eviction" in added.stderr
    [row] = _listed(case)
    assert row["given_on"] == "2026-11-10"
    assert row["backdated"] is True and row["backdate_reason"] == reason
    assert reason in case.ok("undertaking", "list").stdout
    shown = case.ok("household", "show", "2026-0001").stdout
    assert "back-dated" in shown and "registrerat i" in shown
    history = json.loads(case.ok("household", "history", "2026-0001", "--format", "json").stdout)
    [event] = [e for e in history if e["event"] == "undertaking"]
    assert event["on"] == "2026-11-10" and reason in event["text"]
    assert "2026-11-20" in event["text"]


def test_given_today_needs_no_reason_and_keeps_none(case: Cli) -> None:
    case.ok(*ADD, "--as-of", TODAY.isoformat())
    case.ok(*ADD, "--given", TODAY.isoformat(), "--as-of", TODAY.isoformat(), "--reason", "x")
    rows = _listed(case)
    assert [(r["backdated"], r["backdate_reason"]) for r in rows] == [(False, None)] * 2


def test_a_refusal_on_substance_comes_before_the_reason(case: Cli) -> None:
    # Given before the termination it answers: refused for that, not asked for a reason.
    early = case(*ADD, "--given", "2026-11-01")
    assert early.exit_code == 1
    assert "before the termination" in early.stderr and "--reason" not in early.stderr


@pytest.mark.parametrize(
    "dating", [["--as-of", "2026-11-23"], ["--given", "2026-11-23", "--as-of", "2026-11-24"]]
)
def test_an_undertaking_cannot_be_dated_ahead(case: Cli, dating: list[str]) -> None:
    before = case.dump()
    refused = case(*ADD, *dating, "--reason", "r")
    assert refused.exit_code == 1 and refused.stderr.count("\n") == 1, refused.stderr
    assert "is after today" in refused.stderr and "2026-11-23" in refused.stderr
    assert case.dump() == before
