"""A planned support the family declines, or the unit calls off, is withdrawn.

It is recorded as withdrawn on the real date (or a day before it), never with a day to
come; it never began, so no report counts it, no support_ending letter is written
about it, and lists show it as withdrawn. Closing a case withdraws its planned supports
the same way. A priority allocation is granted by now: without --granted, today (or the
start, when that has passed), never a start ahead.
"""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bostadcli import dates, i18n
from conftest import Cli, sql_dump

# The real date of these tests; the supports below are planned to start after it.
TODAY = date(2026, 12, 5)
_WINDOW, _FACT = dates.record_day_window, dates.latest_fact_day
REF = "2026-0004"
HOUSING = ["support", "add", REF, "--kind", "housing_support", "--start", "2027-01-04"]
GUARANTEE = [
    *("support", "add", REF, "--kind", "rent_guarantee", "--landlord", "Exempelhem AB"),
    *("--start", "2027-01-01", "--end", "2028-12-31", "--cap-months", "6"),
]


@pytest.fixture(autouse=True)
def real_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules in force, on a fixed real date."""
    monkeypatch.setattr(dates, "real_today", lambda: TODAY)
    monkeypatch.setattr(dates, "record_day_window", _WINDOW)
    monkeypatch.setattr(dates, "latest_fact_day", _FACT)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bostadcli.demo import build_demo

    folder = tmp_path_factory.mktemp("withdrawn") / "demo"
    build_demo(folder, as_of=TODAY)
    return folder


@pytest.fixture
def demo(pristine: Path, tmp_path: Path) -> Iterator[Cli]:
    for name in ("bostad.sqlite", "config.toml"):
        shutil.copy(pristine / name, tmp_path / name)
    yield Cli(db_path=tmp_path / "bostad.sqlite", config_path=tmp_path / "config.toml")


def _add(demo: Cli, *args: str) -> str:
    return demo.ok(*args).stdout.strip()


def _stored(demo: Cli, support: str) -> dict[str, str | None]:
    with sqlite3.connect(demo.db_path) as con:
        con.row_factory = sqlite3.Row
        row = con.execute("SELECT * FROM supports WHERE id = ?", [int(support)]).fetchone()
    return dict(row)


def _listed(demo: Cli, *args: str) -> dict[str, dict[str, str]]:
    out = demo.ok("support", "list", REF, "--format", "csv", *args).stdout
    return {row["id"]: row for row in csv.DictReader(io.StringIO(out))}


def test_ending_a_planned_support_withdraws_it_today(demo: Cli) -> None:
    support = _add(demo, *HOUSING)
    result = demo.ok("support", "end", support, "--reason", "familjen tackade nej")
    assert "withdrawn on 5 December 2026; it never began" in result.stderr
    stored = _stored(demo, support)
    # Nothing dated after the real date is written: no end day, the day it was called off.
    assert stored["ended_on"] is None
    assert stored["withdrawn_on"] == TODAY.isoformat()
    assert stored["end_reason"] == "familjen tackade nej"
    # Gone from the list of current and planned supports; shown as withdrawn with --all.
    assert support not in _listed(demo)
    row = _listed(demo, "--all")[support]
    assert row["status"] == "withdrawn" and row["withdrawn_on"] == TODAY.isoformat()
    table = demo.ok("support", "list", REF, "--all").stdout
    assert "withdrawn on 2026-12-05: familjen tackade nej" in table
    assert "withdrawn" in demo.ok("household", "show", REF).stdout
    # In Swedish, in plain words.
    i18n.setup("sv")  # the autouse fixture puts English back
    swedish = demo.ok("support", "list", REF, "--all").stdout
    assert "inställd 2026-12-05: familjen tackade nej" in swedish
    i18n.setup("en")
    # Once only.
    again = demo("support", "end", support)
    assert again.exit_code == 1
    assert "support 2 was withdrawn already on 5 December 2026" in again.stderr


def test_a_withdrawal_is_dated_today_or_before(demo: Cli) -> None:
    support = _add(demo, *HOUSING)
    before = sql_dump(demo.db_path)
    # Not on a day to come (the day it was to start, say), nor as of one.
    for args in (["--date", "2027-01-04"], ["--as-of", "2026-12-06"]):
        result = demo("support", "end", support, *args)
        assert result.exit_code == 1 and "is after today (2026-12-05)" in result.stderr
        assert sql_dump(demo.db_path) == before
    # A day before today: the family said no on Monday, recorded on Saturday.
    demo.ok("support", "end", support, "--date", "2026-11-30")
    assert _stored(demo, support)["withdrawn_on"] == "2026-11-30"


def test_a_support_that_has_begun_still_ends_from_its_start(demo: Cli) -> None:
    support = _add(
        demo, "support", "add", REF, "--kind", "housing_support", "--start", "2026-11-10"
    )
    before = sql_dump(demo.db_path)
    result = demo("support", "end", support, "--date", "2026-11-01")
    assert result.exit_code == 1 and "is before the start" in result.stderr
    assert sql_dump(demo.db_path) == before
    demo.ok("support", "end", support)
    stored = _stored(demo, support)
    assert stored["ended_on"] == TODAY.isoformat() and stored["withdrawn_on"] is None


def test_an_end_before_the_start_points_to_withdrawing(demo: Cli) -> None:
    support = _add(demo, *HOUSING)
    before = sql_dump(demo.db_path)
    result = demo("support", "edit", support, "--end", "2026-12-05")
    assert result.exit_code == 1
    assert "to call off a support that has not begun: bostad support end 2" in result.stderr
    assert sql_dump(demo.db_path) == before


def test_closing_withdraws_planned_supports_and_ends_running_ones(demo: Cli) -> None:
    running = _add(
        demo, "support", "add", REF, "--kind", "housing_support", "--start", "2026-11-10"
    )
    planned = _add(demo, *HOUSING)
    guarantee = _add(demo, *GUARANTEE)
    result = demo.ok("household", "close", REF, "--outcome", "moved", "--end-running")
    assert f"Ended on 2026-12-05: support {running} (housing support)." in result.stderr
    assert (
        f"Withdrawn on 2026-12-05, never begun: support {planned} (housing support),"
        f" support {guarantee} (rent guarantee)." in result.stderr
    )
    with sqlite3.connect(demo.db_path) as con:
        latest = con.execute(
            "SELECT max(max(coalesce(ended_on, ''), coalesce(withdrawn_on, ''))) FROM supports"
        ).fetchone()[0]
    assert latest <= TODAY.isoformat()
    for support in (planned, guarantee):
        stored = _stored(demo, support)
        assert stored["ended_on"] is None and stored["withdrawn_on"] == TODAY.isoformat()
    assert _stored(demo, running)["ended_on"] == TODAY.isoformat()
    # Reopened, nothing is running: the withdrawn supports stay withdrawn.
    reopened = demo.ok("household", "reopen", REF)
    assert "No plan or support is running." in reopened.stderr


def _year(demo: Cli, year: int, as_of: str) -> dict[str, str]:
    out = demo.ok("report", "year", "--year", str(year), "--as-of", as_of, "--format", "csv")
    return {row["figure"]: row["value"] for row in csv.DictReader(io.StringIO(out.stdout))}


def test_no_report_counts_a_withdrawn_support(demo: Cli) -> None:
    figures = _year(demo, 2027, "2027-12-31")
    withdrawn = _add(demo, *GUARANTEE)
    declined = _add(demo, *HOUSING)
    stay = _add(
        demo,
        *("support", "add", REF, "--kind", "emergency_housing", "--place", "Gästis"),
        *("--start", "2026-12-20", "--nights-to", "2026-12-23", "--cost", "1200"),
    )
    demo.ok("support", "end", declined)
    demo.ok("support", "end", stay)
    demo.ok("household", "close", REF, "--outcome", "moved", "--end-running")
    assert _stored(demo, withdrawn)["withdrawn_on"] == TODAY.isoformat()
    # The year they were to start in counts none of them, nor the household as helped.
    assert _year(demo, 2027, "2027-12-31") == figures
    after = _year(demo, 2026, "2026-12-31")
    assert after["supports.by_kind.emergency_housing.started"] == "0"
    assert after["emergency_housing.stays"] == "0"
    # Nor as active in a list by year, nor in the export's nights.
    assert _listed(demo, "--year", "2027") == {}
    exported = demo.ok("export", "supports", "--format", "csv").stdout
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(exported))}
    assert rows[stay]["status"] == "withdrawn" and rows[stay]["nights"] == "0"
    assert rows[withdrawn]["withdrawn_on"] == TODAY.isoformat()


def test_a_withdrawn_support_gets_no_ending_letter(demo: Cli, tmp_path: Path) -> None:
    from bostadcli.db import open_database
    from bostadcli.supports import support_ending_candidates

    support = _add(
        demo,
        *("support", "add", REF, "--kind", "housing_support"),
        *("--start", "2026-12-10", "--end", "2026-12-20"),
    )
    db = open_database(demo.db_path)
    assert int(support) in {s["id"] for s in support_ending_candidates(db, TODAY, 45)}
    assert _ending_entries(demo) == [support]
    demo.ok("support", "end", support, "--reason", "tackade nej")
    assert int(support) not in {s["id"] for s in support_ending_candidates(db, TODAY, 45)}
    assert _ending_entries(demo) == []
    result = demo(
        *("letter", "render", REF, "support_ending", "--param", f"support={support}"),
        *("-f", "html", "--out", str(tmp_path / "l.html")),
    )
    assert result.exit_code == 1
    assert "was withdrawn on 5 December 2026; it never began" in result.stderr


def _ending_entries(demo: Cli) -> list[str]:
    out = demo.ok("report", "deadlines", "--format", "csv", "--as-of", TODAY.isoformat()).stdout
    return [
        r["support_id"]
        for r in csv.DictReader(io.StringIO(out))
        if r["kind"] == "support_ending" and r["ref"] == REF
    ]


def test_a_priority_allocation_is_granted_today_not_on_a_start_ahead(demo: Cli) -> None:
    allocation = [
        *("support", "add", REF, "--kind", "priority_allocation"),
        *("--landlord", "Exempelhem AB"),
    ]
    ahead = _add(demo, *allocation, "--start", "2027-01-11")
    assert _stored(demo, ahead)["granted_on"] == TODAY.isoformat()
    # Counted in this year's quota, the year it was decided.
    quota = demo.ok("support", "quota", "--year", "2026", "--format", "csv").stdout
    assert "Exempelhem AB" in quota
    # Back-dated, the start that has passed is the day granted, as before.
    passed = _add(demo, *allocation, "--start", "2026-10-01")
    assert _stored(demo, passed)["granted_on"] == "2026-10-01"
    # With --as-of a day back, that day.
    back = _add(demo, *allocation, "--start", "2027-02-01", "--as-of", "2026-12-01")
    assert _stored(demo, back)["granted_on"] == "2026-12-01"
    # An allocation the family declines before it begins takes no place in the quota.
    used = _quota_used(demo)
    demo.ok("support", "end", ahead, "--reason", "tackade nej")
    assert _quota_used(demo) == used - 1


def _quota_used(demo: Cli) -> int:
    out = demo.ok("support", "quota", "--year", "2026", "--format", "csv").stdout
    rows = [r for r in csv.DictReader(io.StringIO(out)) if r["company"] == "Exempelhem AB"]
    return int(rows[0]["used"])


def test_supports_closing_ended_on_a_day_to_come_are_withdrawn_on_upgrade(demo: Cli) -> None:
    """Closing a case used to end a planned support on its start, a day still to come:
    the migration that brings withdrawn_on makes those withdrawn on the day they were
    written, and leaves a support ended on its first day, that day having come, alone."""
    from bostadcli.db import open_database

    planned = _add(demo, *HOUSING)
    begun = _add(demo, "support", "add", REF, "--kind", "housing_support", "--start", "2026-11-04")
    with sqlite3.connect(demo.db_path) as con:
        # The database as the version before wrote it.
        con.execute(
            "UPDATE supports SET ended_on = start_on, updated_at = '2026-12-05T10:00:00Z'"
            " WHERE id IN (?, ?)",
            [int(planned), int(begun)],
        )
        for (trigger,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'supports'"
        ).fetchall():
            con.execute(f'DROP TRIGGER "{trigger}"')
        con.execute("ALTER TABLE supports DROP COLUMN withdrawn_on")
        con.execute("DELETE FROM _sqlite_migrations WHERE name = '0025_support_withdrawn'")
    open_database(demo.db_path)
    old = _stored(demo, planned)
    assert old["ended_on"] is None and old["withdrawn_on"] == TODAY.isoformat()
    kept = _stored(demo, begun)
    assert kept["ended_on"] == "2026-11-04" and kept["withdrawn_on"] is None
    assert _listed(demo, "--all")[planned]["status"] == "withdrawn"
