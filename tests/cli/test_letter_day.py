"""A recorded letter is dated and posted on the day it is made: whether it reaches the
family before its deadline is counted from that day, so a letter run, or a letter
written to a file and recorded, refuses an --as-of other than the real date (a day gone
by, or one to come, on which a run would decide what cannot be undone). A dry run, a
preview and a letter not recorded take any day; a letter not recorded but written to a
file on another day says so."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bostadcli import dates, i18n
from bostadcli.dates import letter_days as real_letter_days

if TYPE_CHECKING:
    from conftest import Cli

TODAY = date(2026, 12, 7)  # a Monday
CONFIG = '[letterhead]\nphone = "08-1"\nsocialjouren_phone = "08-2"\n'
RUN_REASON = (
    "a run that records letters dates them by the day it runs, today (2026-12-07): leave"
    " out --as-of (--dry-run shows what any day would make)"
)


@pytest.fixture
def case(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> str:
    """Hanna's case arrived on 1 December; the real date is 7 December."""
    monkeypatch.setattr(dates, "real_today", lambda: TODAY)
    monkeypatch.setattr(dates, "letter_days", real_letter_days)
    cli.ok("init")
    cli.config_path.write_text(CONFIG, encoding="utf-8")
    return str(
        cli.ok(
            *("household", "add", "Hanna Holm", "--street", "Holmvägen 8"),
            *("--postal-code", "441 30", "--city", "Exempelby", "--reason", "unpaid_rent"),
            *("--source", "landlord", "--opened", "2026-12-01", "--as-of", "2026-12-01"),
        ).stdout.strip()
    )


@pytest.mark.parametrize("run", ["daily", "monthly"])
@pytest.mark.parametrize("day", ["2026-12-04", "2026-12-08", "2027-01-05"])
def test_a_run_dated_another_day_is_refused(
    cli: Cli, case: str, tmp_path: Path, run: str, day: str
) -> None:
    before = cli.dump()
    out = tmp_path / "brev"
    result = cli("letter", run, "--as-of", day, "--out-dir", str(out), "-f", "txt")
    assert result.exit_code == 1
    assert result.stderr == f"error: --as-of: {RUN_REASON}: '{day}'\n"
    assert cli.dump() == before
    assert not out.exists()
    # What that day would make can still be looked at.
    plan = cli("letter", run, "--as-of", day, "--dry-run", "-f", "txt")
    assert plan.exit_code == 0, plan.stderr
    assert f"{case},outreach" in plan.stdout
    assert cli.dump() == before


def test_a_run_of_today_is_made(cli: Cli, case: str, tmp_path: Path) -> None:
    out = tmp_path / "brev"
    cli.ok("letter", "daily", "--as-of", "2026-12-07", "--out-dir", str(out), "-f", "txt")
    letter = (out / f"{case}-outreach.txt").read_text(encoding="utf-8")
    assert "7 december 2026" in letter


def test_a_recorded_letter_dated_before_today_is_refused(
    cli: Cli, case: str, tmp_path: Path
) -> None:
    before = cli.dump()
    target = tmp_path / "brev.txt"
    result = cli(
        "letter", "render", case, "outreach", "-f", "txt", "--out", str(target),
        "--as-of", "2026-12-04",
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == (
        "error: --as-of: a recorded letter is dated the day it is made, today (2026-12-07):"
        " leave out --as-of (a preview, --out -, or a letter not recorded, --no-record,"
        " takes any date): '2026-12-04'\n"
    )
    assert cli.dump() == before and not target.exists()
    # A preview and a letter not recorded take any day, and record nothing.
    preview = cli("letter", "render", case, "outreach", "-f", "txt", "--out", "-",
                  "--as-of", "2026-12-04")  # fmt: skip
    assert preview.exit_code == 0, preview.stderr
    assert "4 december 2026" in preview.stdout
    kept = cli(
        "letter", "render", case, "outreach", "-f", "txt", "--out", str(target),
        "--no-record", "--as-of", "2026-12-04",
    )  # fmt: skip
    assert kept.exit_code == 0, kept.stderr
    assert (
        "warning: the letter is dated 2026-12-04, not today, and whether it arrives in"
        " time was judged for a letter posted that day: if you post it today, check"
        " that it arrives before its deadline"
    ) in kept.stderr
    # Written to a file, it is logged as personal data that left the database; no
    # letter is recorded.
    assert _letters(cli) == []
    # Today it is made and recorded.
    cli.ok("letter", "render", case, "outreach", "-f", "txt", "--out", str(tmp_path / "b.txt"),
           "--as-of", "2026-12-07")  # fmt: skip
    assert _letters(cli) == [("outreach", "2026-12-07")]


def _letters(cli: Cli) -> list[tuple[str, str]]:
    conn = sqlite3.connect(cli.db_path)
    try:
        return [
            (str(kind), str(made)[:10])
            for kind, made in conn.execute("SELECT kind, dated_on FROM letters ORDER BY id")
        ]
    finally:
        conn.close()


def test_the_rule_in_swedish(cli: Cli, case: str, tmp_path: Path) -> None:
    i18n.setup("sv")
    result = cli("letter", "daily", "--as-of", "2026-12-04", "--out-dir", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.startswith("fel: --as-of: ")
    assert "2026-12-07" in result.stderr and len(result.stderr.splitlines()) == 1
