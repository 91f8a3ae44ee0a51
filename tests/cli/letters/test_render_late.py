"""A letter made by hand (`letter render`) that cannot reach the family by post before
its deadline is flagged as the daily run flags its own: a warning on stderr, a row in
late_letters, and "phone or visit" on the deadline screen until someone phones or
visits. The letter is still made (the caseworker may hand it over), with exit 0."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bostadcli.db import open_database, rows
from conftest import Cli

CONFIG_TOML = """\
[letterhead]
organisation = "Ängby kommun"
unit = "Socialförvaltningen, Boendeenheten"
phone = "08-465 004 00"
socialjouren_phone = "08-465 004 01"
default_caseworker = "Karin Ek"
"""
REF = "2026-0001"
# Served on Tuesday 17 November: the recovery deadline is Tuesday 8 December.
DEADLINE = "2026-12-08"
LATE_LINE = (
    f"{REF} outreach: phone or visit: the letter arrives 9 December 2026, too late for"
    " the recovery deadline on 8 December 2026"
)


@pytest.fixture
def bostad(cli: Cli) -> Cli:
    cli.config_path.write_text(CONFIG_TOML, encoding="utf-8")
    cli.ok("init")
    cli.ok(
        "household",
        "add",
        "Sen Post",
        "--landlord",
        "Testhem AB",
        "--create-landlord",
        "--street",
        "Dgatan 1",
        "--postal-code",
        "441 30",
        "--city",
        "Alingsås",
        "--as-of",
        "2026-11-20",
    )
    return cli


def _notice(cli: Cli) -> None:
    cli.ok(
        "notice",
        "add",
        REF,
        "--kind",
        "termination",
        "--served",
        "2026-11-17",
        "--notified",
        "2026-11-17",
        "--amount",
        "2000",
        "--as-of",
        "2026-11-20",
    )


def _late_rows(cli: Cli) -> list[dict[str, Any]]:
    db = open_database(cli.db_path)
    try:
        return rows(db, "SELECT * FROM late_letters ORDER BY id")
    finally:
        db.close()


def _screen(cli: Cli, as_of: str) -> list[str]:
    result = cli.ok("report", "deadlines", "--days", "7", "--format", "json", "--as-of", as_of)
    return [e["kind"] for e in json.loads(result.stdout) if e["ref"] == REF]


def _render(cli: Cli, out: Path | str, as_of: str, *more: str) -> Any:
    return cli.ok(
        "letter",
        "render",
        REF,
        "outreach",
        "--format",
        "txt",
        "--out",
        str(out),
        "--as-of",
        as_of,
        *more,
    )


def test_a_late_letter_is_made_flagged_and_recorded(bostad: Cli, tmp_path: Path) -> None:
    _notice(bostad)
    # Made on Saturday 5 December: posted on Monday at the earliest, it arrives on
    # Wednesday 9 December, after the deadline.
    result = _render(bostad, tmp_path / "o1.txt", "2026-12-05")
    assert result.exit_code == 0
    assert (tmp_path / "o1.txt").exists()
    assert LATE_LINE in result.stderr
    [late] = _late_rows(bostad)
    assert late["kind"] == "outreach" and late["sent"] == 1 and late["letter_id"] is not None
    assert (late["deadline"], late["arrives_on"]) == (DEADLINE, "2026-12-09")
    assert late["posted_on"] == "2026-12-05" and late["batch"] is None
    assert "letter_late" in _screen(bostad, "2026-12-05")

    # A first letter is recorded once: made again it is refused, and flagged once.
    again = bostad(
        "letter", "render", REF, "outreach", "--format", "txt",
        "--out", str(tmp_path / "o2.txt"), "--as-of", "2026-12-07",
    )  # fmt: skip
    assert again.exit_code == 1 and "recorded once" in again.stderr
    assert len(_late_rows(bostad)) == 1

    # A phone call from the letter's day on clears the flag, as for a batch letter.
    bostad.ok(
        "contact", "add", REF, "--kind", "phone", "--text", "Ringde", "--date", "2026-12-07",
        "--as-of", "2026-12-07",
    )  # fmt: skip
    assert "letter_late" not in _screen(bostad, "2026-12-07")
    assert "recovery_deadline" in _screen(bostad, "2026-12-07")


def test_the_same_lateness_as_the_daily_run(bostad: Cli, tmp_path: Path) -> None:
    """The daily run on Monday 7 December flags the letter arriving on the 9th; a letter
    made by hand that day is flagged alike, with the same words."""
    _notice(bostad)
    daily = bostad.ok(
        "letter", "daily", "--as-of", "2026-12-07", "--format", "txt",
        "--out-dir", str(tmp_path / "brev"),
    )  # fmt: skip
    assert LATE_LINE in daily.stderr
    [by_daily] = _late_rows(bostad)
    bostad.ok("household", "add", "Andra Post", "--landlord", "Testhem AB", "--street",
              "Egatan 2", "--postal-code", "441 30", "--city", "Alingsås",
              "--as-of", "2026-11-20")  # fmt: skip
    bostad.ok("notice", "add", "2026-0002", "--kind", "termination", "--served", "2026-11-17",
              "--notified", "2026-11-17", "--amount", "2000", "--as-of", "2026-11-20")  # fmt: skip
    by_hand = bostad.ok(
        "letter", "render", "2026-0002", "outreach", "--format", "txt",
        "--out", str(tmp_path / "o.txt"), "--as-of", "2026-12-07",
    )  # fmt: skip
    assert LATE_LINE.replace(REF, "2026-0002") in by_hand.stderr
    rendered = _late_rows(bostad)[1]
    for column in ("deadline", "posted_on", "arrives_on", "sent"):
        assert rendered[column] == by_daily[column], column


def test_a_preview_or_an_unrecorded_letter_warns_without_recording(
    bostad: Cli, tmp_path: Path
) -> None:
    _notice(bostad)
    preview = _render(bostad, "-", "2026-12-05")
    assert LATE_LINE in preview.stderr
    assert LATE_LINE not in preview.stdout and "8 december 2026" in preview.stdout
    unrecorded = _render(bostad, tmp_path / "o.txt", "2026-12-05", "--no-record")
    assert LATE_LINE in unrecorded.stderr
    assert _late_rows(bostad) == []
    assert "letter_late" not in _screen(bostad, "2026-12-05")


def test_a_letter_in_time_is_not_flagged(bostad: Cli, tmp_path: Path) -> None:
    _notice(bostad)
    # Made on Thursday 3 December: it arrives on Monday 7 December, before the deadline
    # (not recorded: a first letter is recorded once, and the next one is).
    result = _render(bostad, tmp_path / "o.txt", "2026-12-03", "--no-record")
    assert "phone or visit" not in result.stderr
    assert _late_rows(bostad) == []
    assert "letter_late" not in _screen(bostad, "2026-12-03")
    # Made on Friday 4 December it arrives on the deadline day itself: too late, as for
    # the daily run (the family needs a day to act).
    result = _render(bostad, tmp_path / "o2.txt", "2026-12-04")
    assert "arrives 8 December 2026, too late for the recovery deadline on 8 December 2026" in (
        result.stderr
    )
    assert [r["arrives_on"] for r in _late_rows(bostad)] == [DEADLINE]


def test_a_letter_with_no_deadline_is_not_flagged(bostad: Cli, tmp_path: Path) -> None:
    # No notice: the first letter has no deadline to be late for, and a meeting far
    # enough ahead is reached in time (the first letter not recorded: it is recorded
    # once, below).
    first = _render(bostad, tmp_path / "o.txt", "2026-12-05", "--no-record")
    meeting = bostad.ok(
        "letter", "render", REF, "meeting", "--format", "txt", "--out", str(tmp_path / "m.txt"),
        "--param", "date=2026-12-14", "--param", "time=10:00", "--param", "place=Storgatan 1",
        "--as-of", "2026-12-05",
    )  # fmt: skip
    for result in (first, meeting):
        assert "phone or visit" not in result.stderr
    assert _late_rows(bostad) == []
    # With the notice, the same letter on the same day has a deadline it misses.
    _notice(bostad)
    assert LATE_LINE in _render(bostad, tmp_path / "o2.txt", "2026-12-05").stderr
    assert len(_late_rows(bostad)) == 1


def test_a_support_ending_letter_after_the_end_is_made_and_flagged(
    bostad: Cli, tmp_path: Path
) -> None:
    """The daily run would not send it; by hand it is made (the caseworker may hand it
    over), with the warning and the flag."""
    bostad.ok(
        "support", "add", REF, "--kind", "emergency_housing", "--place", "Vandrarhemmet",
        "--start", "2026-11-20", "--end", "2026-12-08", "--as-of", "2026-11-20",
    )  # fmt: skip
    result = bostad.ok(
        "letter", "render", REF, "support_ending", "--format", "txt",
        "--out", str(tmp_path / "s.txt"), "--as-of", "2026-12-07",
    )  # fmt: skip
    assert (tmp_path / "s.txt").exists()
    assert (
        f"{REF} support_ending: phone or visit: the letter arrives 9 December 2026, too late"
        " for the support's end on 8 December 2026"
    ) in result.stderr
    [late] = _late_rows(bostad)
    assert late["kind"] == "support_ending" and json.loads(late["params"])["supports"]
    assert "letter_late" in _screen(bostad, "2026-12-07")


def test_a_meeting_invitation_that_arrives_after_the_meeting_is_flagged(
    bostad: Cli, tmp_path: Path
) -> None:
    """Made on Saturday 5 December for a meeting on Tuesday the 8th: posted on Monday,
    it arrives on Wednesday, after the meeting."""
    late = bostad.ok(
        "letter", "render", REF, "meeting", "--format", "txt", "--out", str(tmp_path / "m.txt"),
        "--param", "date=2026-12-08", "--param", "time=10:00", "--param", "place=Kontoret",
        "--as-of", "2026-12-05",
    )  # fmt: skip
    assert (
        f"{REF} meeting: phone or visit: the letter arrives 9 December 2026, too late for"
        " the meeting on 8 December 2026"
    ) in late.stderr
    [row] = _late_rows(bostad)
    assert row["kind"] == "meeting" and row["deadline"] == "2026-12-08"
    in_time = bostad.ok(
        "letter", "render", REF, "meeting", "--format", "txt", "--out", str(tmp_path / "n.txt"),
        "--param", "date=2026-12-14", "--param", "time=10:00", "--param", "place=Kontoret",
        "--as-of", "2026-12-05",
    )  # fmt: skip
    assert "phone or visit" not in in_time.stderr
    assert len(_late_rows(bostad)) == 1


def test_an_undertaking_letter_that_reaches_the_landlord_too_late_is_flagged(
    bostad: Cli, tmp_path: Path
) -> None:
    """The landlord must be told in writing within the recovery period: a letter made
    on Saturday 5 December for a deadline of Tuesday the 8th arrives on the 9th."""
    _notice(bostad)
    bostad.ok("landlord", "edit", "Testhem AB", "--street", "Hyrvägen 1", "--postal-code",
              "441 30", "--city", "Alingsås")  # fmt: skip
    bostad.ok("consent", "add", REF, "--recipient", "landlord", "--given", "2026-11-20",
              "--reason", "muntligt", "--as-of", "2026-11-20")  # fmt: skip
    bostad.ok("undertaking", "add", REF, "--covers", "hyran", "--decided-by", "KE",
              "--given", "2026-11-20", "--reason", "skrevs in sent",
              "--as-of", "2026-11-20")  # fmt: skip
    result = bostad.ok(
        "letter", "render", REF, "undertaking", "--format", "txt",
        "--out", str(tmp_path / "u.txt"), "--as-of", "2026-12-05",
    )  # fmt: skip
    assert (
        f"{REF} undertaking: phone or visit: the letter arrives 9 December 2026, too late for"
        " the recovery deadline on 8 December 2026"
    ) in result.stderr
    assert [r["kind"] for r in _late_rows(bostad)] == ["undertaking"]
