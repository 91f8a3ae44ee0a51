"""plan check --as-of another day than today only shows: it stores no state and writes no
contact-log entry (a back-dated check once flipped a broken plan back to on track and
logged "on track again"); a check on the real date records, as before."""

from __future__ import annotations

import json
from datetime import date

import pytest

from conftest import Cli

TODAY = date(2026, 12, 5)


@pytest.fixture
def plan(initialised: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setattr("bostadcli.dates.real_today", lambda: TODAY)
    cli = initialised
    cli.ok(
        "household", "add", "Bo Plan", "--landlord", "Testhem AB", "--create-landlord",
        "--as-of", "2026-09-01",
    )  # fmt: skip
    cli.ok(
        "plan", "create", "2026-0001", "--debt", "3000", "--installment", "1000",
        "--start", "2026-10", "--as-of", "2026-09-15",
    )  # fmt: skip
    return cli


def _plan_contacts(cli: Cli) -> list[str]:
    found = json.loads(cli.ok("contact", "list", "2026-0001", "--format", "json").stdout)
    return [c["text"] for c in found if c["kind"] == "plan"]


def _checked_state(cli: Cli) -> str:
    [row] = json.loads(cli.ok("export", "plans", "--format", "json").stdout)
    return str(row["checked_state"])


def test_a_check_on_the_real_date_records(plan: Cli) -> None:
    before = _plan_contacts(plan)
    changed = plan.ok("plan", "check", "--format", "json")
    assert [r["state"] for r in json.loads(changed.stdout)] == ["broken"]
    assert "Only shown" not in changed.stderr
    assert _checked_state(plan) == "broken"
    after = _plan_contacts(plan)
    assert len(after) == len(before) + 1 and "is broken" in after[0]
    # --as-of the real date is the real date: it finds nothing new and writes nothing.
    before_dump = plan.dump()
    again = plan.ok("plan", "check", "--as-of", TODAY.isoformat())
    assert again.stdout == "" and "No plan changed state." in again.stderr
    assert "Only shown" not in again.stderr
    assert plan.dump() == before_dump


@pytest.mark.parametrize("day", ["2026-10-01", "2026-12-20", "2026-12-04", "2200-12-31"])
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_another_day_only_shows(plan: Cli, day: str, fmt: str) -> None:
    plan.ok("plan", "check")  # on the real date: broken, recorded
    before = plan.dump()
    shown = plan.ok("plan", "check", "--as-of", day, "--format", fmt)
    assert plan.dump() == before
    assert _checked_state(plan) == "broken"
    note = [line for line in shown.stderr.splitlines() if "Only shown" in line]
    assert len(note) == 1 and day in note[0], shown.stderr
    if day == "2026-10-01" and fmt == "json":
        # What the plan looked like then against the last check, shown and not stored.
        [row] = json.loads(shown.stdout)
        assert (row["previous_state"], row["state"]) == ("broken", "on_track")


def test_alternating_checks_add_no_contradicting_entries(plan: Cli) -> None:
    plan.ok("plan", "check")
    texts = _plan_contacts(plan)
    for _ in range(2):
        plan.ok("plan", "check", "--as-of", "2026-10-01")
        plan.ok("plan", "check")
    assert _plan_contacts(plan) == texts
    assert not any("on track again" in t for t in texts)
