"""Plain words for dates that passed: "overdue" only for what the unit can still miss or
has missed; a milestone or a recorded date simply passed ("9 days ago"). The deadline
screen's week band is true on every weekday."""

from __future__ import annotations

import pytest

from bostadcli import i18n
from bostadcli.vocab import DeadlineKind
from conftest import Cli

TODAY = "2026-12-05"  # a Saturday
LATER = "2026-12-19"


@pytest.fixture
def two_cases(initialised: Cli) -> Cli:
    """2026-0001: recovery deadline Mon 7 Dec, no undertaking; 2026-0002: recovery
    deadline Fri 11 Dec, met by an undertaking that stops the eviction."""
    cli = initialised
    cli.ok("household", "add", "Ett Fall", "--landlord", "Testhem AB", "--create-landlord",
           "--as-of", TODAY)  # fmt: skip
    cli.ok("notice", "add", "2026-0001", "--kind", "termination", "--served", "2026-11-14",
           "--notified", "2026-11-10", "--amount", "1000", "--as-of", TODAY)  # fmt: skip
    cli.ok("household", "add", "Två Fall", "--landlord", "Testhem AB", "--as-of", TODAY)
    cli.ok("notice", "add", "2026-0002", "--kind", "termination", "--served", "2026-11-20",
           "--notified", "2026-11-20", "--amount", "1000", "--as-of", TODAY)  # fmt: skip
    cli.ok("caseworker", "add", "Karin Ek", "--initials", "KE")
    cli.ok("undertaking", "add", "2026-0002", "--covers", "hyran", "--decided-by", "KE",
           "--as-of", TODAY)  # fmt: skip
    return cli


def _pairs(out: str) -> list[tuple[str, str]]:
    """Each row of the (stacked) deadline screen: the line with the date and what, and the
    line under it with the days."""
    lines = out.splitlines()
    return [(lines[i], lines[i + 1]) for i in range(len(lines) - 1)]


def _deadlines(cli: Cli, *args: str) -> str:
    """The deadline screen at 80 columns, where the days stand under the date."""
    done = cli("report", "deadlines", *args, env={"COLUMNS": "80"})
    assert done.exit_code == 0, done.stderr
    return done.stdout


def _when_of(out: str, what: str) -> str:
    return next(below for line, below in _pairs(out) if what in line)


def test_the_earliest_eviction_decision_simply_passed(two_cases: Cli) -> None:
    out = _deadlines(two_cases, "--as-of", LATER, "--days", "14")
    assert _when_of(out, "earliest eviction decision").startswith("9 days ago")


def test_a_deadline_met_by_an_undertaking_is_not_late(two_cases: Cli) -> None:
    out = _deadlines(two_cases, "--as-of", LATER, "--days", "14")
    assert _when_of(out, "undertaking given").startswith("8 days ago")
    assert _when_of(out, "recovery deadline,").startswith("12 days overdue")  # missed
    assert out.count("overdue") == 1  # the missed recovery deadline of 2026-0001 only


def test_a_past_eviction_day_is_not_late(initialised: Cli) -> None:
    cli = initialised
    cli.ok("household", "add", "Kfm", "--landlord", "Testhem AB", "--create-landlord",
           "--as-of", TODAY)  # fmt: skip
    cli.ok("notice", "add", "2026-0001", "--kind", "eviction", "--eviction-at",
           "2026-12-15 09:00", "--as-of", TODAY)  # fmt: skip
    out = _deadlines(cli, "--as-of", "2026-12-18")
    assert _when_of(out, "eviction at 09:00").startswith("3 days ago")
    for args in (["notice", "list"], ["household", "show", "2026-0001"], ["household", "list"]):
        shown = cli.ok(*args, "--as-of", "2026-12-18").stdout.replace("\xa0", " ")
        assert "3 days ago" in shown and "overdue" not in shown, args


def test_a_recorded_past_deadline_is_not_late(initialised: Cli) -> None:
    cli = initialised
    cli.ok("household", "add", "Ett Fall", "--landlord", "Testhem AB", "--create-landlord",
           "--as-of", TODAY)  # fmt: skip
    added = cli.ok("notice", "add", "2026-0001", "--kind", "termination", "--served",
                   "2026-03-14", "--notified", "2026-03-10", "--amount", "1000",
                   "--as-of", TODAY)  # fmt: skip
    assert "Recovery deadline 2026-04-07 (242 days ago)" in added.stdout
    listed = cli.ok("notice", "list", "--as-of", TODAY).stdout
    assert "(242 days ago)" in listed and "overdue" not in listed
    cli.ok("notice", "add", "2026-0001", "--kind", "warning", "--ground", "disturbance",
           "--notified", "2026-11-01", "--correct-by", "2026-11-25", "--as-of", TODAY)  # fmt: skip
    warned = cli.ok("notice", "list", "--as-of", TODAY).stdout
    assert "2026-11-25 (10 days ago)" in warned
    # An installment not paid is what the unit can still act on: overdue.
    cli.ok("plan", "create", "2026-0001", "--debt", "3000", "--installment", "1000",
           "--start", "2026-04", "--as-of", "2026-03-20")  # fmt: skip
    assert "days overdue" in cli.ok("plan", "show", "P-0001", "--as-of", TODAY).stdout
    out = _deadlines(cli, "--as-of", TODAY)
    assert _when_of(out, "P-0001").startswith("249 days overdue")


def test_the_week_band_is_true_on_a_saturday(two_cases: Cli) -> None:
    out = _deadlines(two_cases, "--as-of", TODAY, "--days", "14")
    assert "This week" not in out
    assert "Within 7 days 2" in out
    assert any(line.strip() == "Within 7 days" for line in out.splitlines())


def test_the_swedish_words(two_cases: Cli) -> None:
    i18n.setup("sv")  # the autouse fixture ``english`` sets English back
    out = _deadlines(two_cases, "--as-of", LATER, "--days", "14")
    assert _when_of(out, "tidigaste beslut om avhysning").startswith("för 9 dagar sedan")
    assert _when_of(out, "förbindelse lämnad").startswith("för 8 dagar sedan")
    assert _when_of(out, "återvinningsfrist,").startswith("12 dagar för sent")
    assert out.count("för sent") == 1
    week = _deadlines(two_cases, "--as-of", TODAY, "--days", "14")
    assert "Denna vecka" not in week and "Inom 7 dagar 2" in week


@pytest.mark.parametrize("width", [80, 60, 40, 20])
def test_the_counts_line_breaks_between_counts(two_cases: Cli, width: int) -> None:
    i18n.setup("sv")
    done = two_cases("report", "deadlines", "--as-of", TODAY, env={"COLUMNS": str(width)})
    assert done.exit_code == 0, done.stderr
    out = done.stdout
    head = out.splitlines()[:8]
    for label in ("Förfallet 0", "Inom 7 dagar 2", "Inte börjat 0", "Senare 0"):
        assert any(label in line for line in head), (label, head)


def test_count_lines_keep_each_count_whole() -> None:
    from bostadcli.cli.urgency import band_label, count_lines

    counts = {"overdue": 204, "this_week": 42, "not_started": 0, "later": 38, "no_contact": 9}
    for width in range(1, 120):
        lines = count_lines(counts, width)
        assert [b for line in lines for b in line] == list(counts)
        for line in lines[1:] if width < 20 else lines:
            text = "  ·  ".join(f"{band_label(b)} {counts[b]}" for b in line)
            assert len(text) <= width or len(line) == 1


def test_which_kinds_can_be_missed() -> None:
    from bostadcli.cli.urgency import MISSABLE_KINDS, missable

    assert set(MISSABLE_KINDS) <= {k.value for k in DeadlineKind}
    passed = {"eviction", "decision", "eviction_decision", "warning", "support_ending"}
    for kind in passed | {"consent_expiring"}:
        assert not missable({"kind": kind, "undertaking_on": None})
    assert missable({"kind": "recovery_deadline", "undertaking_on": None})
    assert not missable({"kind": "recovery_deadline", "undertaking_on": "2026-12-05"})
