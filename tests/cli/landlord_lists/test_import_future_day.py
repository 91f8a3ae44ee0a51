"""A landlord's list is dated by the day it reached the unit, and the recovery period
is counted from that day: an --as-of after the real date would make the deadline run
late, so it is refused (a dry run takes any day)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from bostadcli import dates

TODAY = date(2026, 12, 5)


@pytest.fixture
def listed(initialised: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(dates, "real_today", lambda: TODAY)
    monkeypatch.setattr(dates, "latest_fact_day", lambda: TODAY)  # the suite lifts it
    initialised.ok("landlord", "add", "Alingsåshem")
    source = tmp_path / "lista.csv"
    source.write_text(
        "Namn;Skuld;Delgiven;Uppsägning\nFia Lund;9000;2026-12-01;2026-11-30\n", encoding="utf-8"
    )
    return initialised, source


def test_a_list_dated_after_today_is_refused(listed: Any) -> None:
    cli, source = listed
    before = cli.dump()
    ahead = (TODAY + timedelta(days=25)).isoformat()
    result = cli("import", "notices", str(source), "--landlord", "Alingsåshem", "--as-of", ahead)
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: --as-of: is after today (2026-12-05): a command that records what has"
        f" happened is dated today or earlier (a listing, a report or --dry-run accepts any"
        f" date): '{ahead}'\n"
    )
    assert cli.dump() == before
    preview = cli(
        "import", "notices", str(source), "--landlord", "Alingsåshem", "--as-of", ahead,
        "--dry-run",
    )  # fmt: skip
    assert preview.exit_code == 0 and cli.dump() == before


def test_a_list_of_today_counts_from_today(listed: Any) -> None:
    cli, source = listed
    cli.ok("import", "notices", str(source), "--landlord", "Alingsåshem", "--as-of", "2026-12-05")
    shown = cli.ok("notice", "list", "2026-0001", "--format", "csv").stdout
    # Served 1 December, reached the unit 5 December: 21 days from the 5th, a Saturday
    # 26th moved to Monday 28 December.
    assert "2026-12-28" in shown
