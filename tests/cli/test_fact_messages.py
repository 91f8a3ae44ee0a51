"""The messages about the day of a fact, and what a booked contact keeps.

With the real date fixed: a day after a back-dated --as-of (but not after today) is
named as such, not as "in the future"; a booking not yet come says so; a corrected
booking stays booked; a landlord's Housing First agreement is a fact; a contact logged
before its case was opened is warned about, and a booking is not held before its case
was opened.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bostadcli import dates, i18n
from conftest import Cli, sql_dump

TODAY = date(2026, 12, 5)
BACK = "2026-11-01"
_WINDOW, _FACT = dates.record_day_window, dates.latest_fact_day


@pytest.fixture(autouse=True)
def real_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules in force, on a fixed real date."""
    monkeypatch.setattr(dates, "real_today", lambda: TODAY)
    monkeypatch.setattr(dates, "record_day_window", _WINDOW)
    monkeypatch.setattr(dates, "latest_fact_day", _FACT)
    monkeypatch.setattr("bostadcli.consents.real_today", lambda: TODAY)
    monkeypatch.setattr("bostadcli.undertakings.record_day", lambda: TODAY)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bostadcli.demo import build_demo

    folder = tmp_path_factory.mktemp("fact-messages") / "demo"
    build_demo(folder, as_of=TODAY)
    return folder


@pytest.fixture
def demo(pristine: Path, tmp_path: Path) -> Iterator[Cli]:
    for name in ("bostad.sqlite", "config.toml"):
        shutil.copy(pristine / name, tmp_path / name)
    yield Cli(db_path=tmp_path / "bostad.sqlite", config_path=tmp_path / "config.toml")


def _refused(demo: Cli, *args: str) -> str:
    before = sql_dump(demo.db_path)
    result = demo(*args)
    assert result.exit_code == 1, (args, result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1, result.stderr
    assert sql_dump(demo.db_path) == before
    return result.stderr


AFTER_AS_OF = {
    "plan pay": (["plan", "pay", "P-0002", "--amount", "100"], "--date"),
    "household close": (["household", "close", "2026-0004", "--outcome", "stays"], "--date"),
    "household add": (["household", "add", "Test Testsson"], "--opened"),
    "undertaking add": (
        [
            "undertaking",
            "add",
            "2026-0001",
            "--covers",
            "hyran",
            "--decided-by",
            "Karin Ek",
            "--amount",
            "7450",
        ],
        "--given",
    ),
    "caseworker retire": (["caseworker", "retire", "OB", "--move-to", "KE"], "--date"),
}


@pytest.mark.parametrize("name", sorted(AFTER_AS_OF))
def test_a_day_after_a_back_dated_as_of_is_named_so(demo: Cli, name: str) -> None:
    args, option = AFTER_AS_OF[name]
    stderr = _refused(demo, *args, "--as-of", BACK, option, "2026-11-20")
    assert stderr == f"error: {option}: is after --as-of ({BACK}): '2026-11-20'\n"


def test_a_day_after_today_says_what_to_do(demo: Cli) -> None:
    stderr = _refused(demo, "household", "add", "Test Testsson", "--opened", "2026-12-06")
    assert stderr == (
        "error: --opened: is after today (2026-12-05): give the day it happened, today or"
        " earlier: '2026-12-06'\n"
    )
    i18n.setup("sv")
    stderr = _refused(demo, "household", "add", "Test Testsson", "--opened", "2026-12-06")
    assert stderr == (
        "fel: --opened: är efter dagens datum (2026-12-05): ange dagen då det hände, i dag"
        " eller tidigare: '2026-12-06'\n"
    )


def test_the_swedish_window_and_as_of_messages_say_godtar(demo: Cli) -> None:
    i18n.setup("sv")
    ahead = _refused(
        demo, "contact", "add", "2026-0004", "--kind", "phone", "--as-of", "2026-12-07"
    )
    far = _refused(demo, "letter", "daily", "--as-of", "2200-12-31")
    for stderr in (ahead, far):
        assert "godtar vilket datum som helst" in stderr and " tar " not in stderr


def _book(demo: Cli, at: str = "2026-12-09 10:00") -> str:
    return demo.ok(
        "contact", "add", "2026-0004", "--kind", "meeting", "--planned", "--at", at
    ).stdout.strip()


def test_holding_a_booking_before_its_day_says_it_is_booked(demo: Cli) -> None:
    contact = _book(demo)
    stderr = _refused(demo, "contact", "held", contact)
    assert stderr.startswith(
        f"error: contact {contact} is booked for 2026-12-09, which has not come yet"
    )
    assert f"bostad contact cancel {contact}" in stderr and "--date:" not in stderr
    # Held earlier than booked, on a day that has come: allowed.
    demo.ok("contact", "held", contact, "--date", "2026-12-04")


def _contacts(demo: Cli) -> dict[str, dict[str, str]]:
    import csv
    import io

    listed = demo.ok("contact", "list", "2026-0004", "--format", "csv").stdout
    return {row["id"]: row for row in csv.DictReader(io.StringIO(listed))}


def test_a_corrected_booking_stays_booked(demo: Cli) -> None:
    contact = _book(demo)
    new = demo.ok("contact", "correct", contact, "--text", "Rum 3", "--reason", "r").stdout.strip()
    row = _contacts(demo)[new]
    assert (row["status"], row["at_time"], row["contact_on"], row["text"]) == (
        "planned", "10:00", "2026-12-09", "Rum 3"
    )  # fmt: skip
    moved = demo.ok("contact", "correct", new, "--date", "2026-12-11", "--reason", "r")
    row = _contacts(demo)[moved.stdout.strip()]
    assert (row["status"], row["contact_on"], row["at_time"]) == ("planned", "2026-12-11", "10:00")
    # Not moved into the past, nor beyond the days a booking may have.
    last = moved.stdout.strip()
    past = _refused(demo, "contact", "correct", last, "--date", "2026-12-01", "--reason", "r")
    assert "is in the past; a booked contact lies ahead" in past
    _refused(demo, "contact", "correct", last, "--date", "2027-12-01", "--reason", "r")
    # The old entry is settled at the newest one.
    old = _refused(demo, "contact", "held", contact, "--date", "2026-12-05")
    assert f"corrected by entry {last}" in old


def test_a_held_contact_corrected_ahead_is_still_refused(demo: Cli) -> None:
    demo.ok("contact", "add", "2026-0004", "--kind", "phone")
    held = next(i for i, row in _contacts(demo).items() if row["status"] == "held")
    stderr = _refused(demo, "contact", "correct", held, "--date", "2026-12-06", "--reason", "r")
    assert stderr.startswith("error: --date: is after today (2026-12-05)")


def test_a_cooperation_agreement_is_not_dated_ahead(demo: Cli) -> None:
    stderr = _refused(
        demo, "landlord", "edit", "Exempelhem AB", "--cooperation-agreement", "2030-01-01"
    )
    assert stderr.startswith("error: --cooperation-agreement: is after today (2026-12-05)")
    # Signed long ago is a fact too: no five-year window.
    demo.ok("landlord", "edit", "Exempelhem AB", "--cooperation-agreement", "2015-01-01")
    demo.ok("landlord", "edit", "Exempelhem AB", "--cooperation-agreement", "2026-12-05")


def test_a_contact_before_the_case_was_opened_is_warned_about(demo: Cli) -> None:
    # Case 2026-0004 of the demo was opened on 2026-11-15.
    result = demo.ok("contact", "add", "2026-0004", "--kind", "phone", "--date", "2026-11-01")
    assert "warning: the contact is dated 2026-11-01, before the case was opened" in result.stderr
    after = demo.ok("contact", "add", "2026-0004", "--kind", "phone", "--date", "2026-11-16")
    assert "warning" not in after.stderr


def test_a_booking_is_not_held_before_its_case_was_opened(demo: Cli) -> None:
    contact = _book(demo, "2026-12-05")
    stderr = _refused(demo, "contact", "held", contact, "--date", "2025-01-01")
    assert stderr.startswith("error: --date: is before the case was opened (2026-11-15)")
    demo.ok("contact", "held", contact, "--date", "2026-11-15")
