"""A support that ends soon after the household had the month's support_ending letter
(the key is household, kind and month): when next month's letter would come too late,
the run lists it as not sent, and the deadline screen says to phone or visit."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bostadcli import letters
from bostadcli.db import open_database, rows
from bostadcli.households import NewHousehold, add_household
from bostadcli.reports.deadlines import deadlines
from bostadcli.supports import NewSupport, add_support
from golden_letters import CONFIG

if TYPE_CHECKING:
    from sqlite_utils import Database

    from conftest import Cli

NOV16 = date(2026, 11, 16)
NOV18 = date(2026, 11, 18)


@pytest.fixture
def letter_db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "t.sqlite", create=True)
    yield database
    database.close()


def household(db: Database) -> str:
    return add_household(
        db,
        NewHousehold(
            tenant_name="Sofia Nilsson",
            street="Granvägen 8",
            postal_code="441 40",
            city="Ängby",
            landlord="Exempelhem AB",
            source="self_referral",
            opened_on=date(2026, 1, 10),
        ),
        as_of=NOV16,
        create_landlord=True,
    )


def support(db: Database, ref: str, kind: str, start: date, end: date) -> int:
    extra: dict[str, Any] = {"cap": None, "cap_months": 6} if kind == "rent_guarantee" else {}
    return add_support(
        db, ref, NewSupport(kind=kind, start_on=start, end_on=end, **extra), as_of=start
    ).id


def daily(db: Database, out: Path, as_of: date, **kwargs: Any) -> letters.BatchResult:
    return letters.run_daily(
        db, config=CONFIG, as_of=as_of, out_dir=out, fmt="txt", only="support_ending", **kwargs
    )


def late_rows(db: Database) -> list[tuple[str, str, int, str]]:
    return [
        (r["period"], r["deadline"], r["sent"], r["params"])
        for r in rows(db, "SELECT * FROM late_letters ORDER BY id")
    ]


@pytest.fixture
def told(letter_db: Database, tmp_path: Path) -> str:
    """A household that had November's letter about its rent guarantee (ends 7 Dec)."""
    ref = household(letter_db)
    support(letter_db, ref, "rent_guarantee", date(2026, 1, 10), date(2026, 12, 7))
    first = daily(letter_db, tmp_path / "b", NOV16)
    assert [i.ref for i in first.made] == [ref]
    return ref


def test_a_support_ending_before_next_months_letter_is_not_sent(
    letter_db: Database, told: str, tmp_path: Path
) -> None:
    emergency = support(
        letter_db, told, "emergency_housing", date(2026, 11, 17), date(2026, 11, 24)
    )
    planned = letters.preview_daily(
        letter_db, config=CONFIG, as_of=NOV18, out_dir=tmp_path / "b", fmt="txt"
    )
    [item] = [i for i in planned.items if i.kind == "support_ending"]
    assert (item.ref, item.state, item.supports) == (told, "not_sent", (emergency,))
    assert letters.call_note(item.deadline, item.arrives_on, sent=False).startswith(  # type: ignore[arg-type]
        "ring eller gör hembesök: brevet skickades inte, hushållet har redan fått månadens brev"
    )
    result = daily(letter_db, tmp_path / "b", NOV18)
    assert result.made == [] and [i.supports for i in result.not_sent] == [(emergency,)]
    assert late_rows(letter_db) == [
        (
            f"2026-11/{emergency}:2026-11-24",
            "2026-11-24",
            0,
            f'{{"supports": [{emergency}], "ends": ["2026-11-24"], "deadline_of": "support_end"}}',
        )
    ]
    assert result.manifest is not None
    [line] = list(csv.DictReader(io.StringIO(result.manifest.read_text(encoding="utf-8"))))
    assert (line["reference"], line["status"]) == (told, "not_sent")
    assert (
        "nästa månads brev skulle komma för sent för insatsens slut 24 november 2026"
        in line["note"]
    )
    # Once: the next run has nothing to say about it.
    again = daily(letter_db, tmp_path / "b", date(2026, 11, 19))
    assert again.not_sent == [] and again.made == []
    # The deadline screen says to phone or visit.
    kinds = [e["kind"] for e in deadlines(letter_db, as_of=NOV18) if e["ref"] == told]
    assert "letter_late" in kinds
    # And the month's own manifest lists it too.
    month = letters.run_monthly(
        letter_db,
        config=CONFIG,
        month=date(2026, 11, 1),
        as_of=date(2026, 11, 19),
        out_dir=tmp_path / "month",
        fmt="txt",
    )
    assert month.manifest is not None
    statuses = [
        (r["reference"], r["status"])
        for r in csv.DictReader(io.StringIO(month.manifest.read_text(encoding="utf-8")))
    ]
    assert (told, "not_sent") in statuses and (told, "made") in statuses


def test_a_support_next_months_letter_reaches_in_time_waits_for_it(
    letter_db: Database, told: str, tmp_path: Path
) -> None:
    later = support(letter_db, told, "housing_support", date(2026, 11, 17), date(2026, 12, 20))
    assert daily(letter_db, tmp_path / "b", NOV18).not_sent == []
    assert late_rows(letter_db) == []
    dec = daily(letter_db, tmp_path / "dec", date(2026, 12, 1))
    assert [i.supports for i in dec.made] == [(later,)]


def test_a_support_already_too_late_keeps_its_reason(
    letter_db: Database, told: str, tmp_path: Path
) -> None:
    """Ending the day after tomorrow: not sent because no letter could arrive in time."""
    support(letter_db, told, "emergency_housing", date(2026, 11, 17), date(2026, 11, 19))
    result = daily(letter_db, tmp_path / "b", NOV18)
    [item] = result.not_sent
    assert item.arrives_on is not None and item.deadline is not None
    assert item.arrives_on > item.deadline
    assert "det skulle komma fram" in letters.call_note(item.deadline, item.arrives_on, sent=False)


def test_two_supports_added_one_after_the_other_each_flagged(
    letter_db: Database, told: str, tmp_path: Path
) -> None:
    one = support(letter_db, told, "emergency_housing", date(2026, 11, 17), date(2026, 11, 24))
    assert len(daily(letter_db, tmp_path / "b", NOV18).not_sent) == 1
    two = support(letter_db, told, "housing_support", date(2026, 11, 18), date(2026, 11, 27))
    result = daily(letter_db, tmp_path / "b", date(2026, 11, 19))
    assert [i.supports for i in result.not_sent] == [(two,)]
    assert [p for p, *_rest in late_rows(letter_db)] == [
        f"2026-11/{one}:2026-11-24",
        f"2026-11/{two}:2026-11-27",
    ]


def test_the_same_support_ending_sooner_than_its_letter_said(
    letter_db: Database, told: str, tmp_path: Path
) -> None:
    """The month's letter said 7 December; the end moved to 24 November since."""
    from bostadcli.supports import edit_support

    [guarantee] = [r["id"] for r in rows(letter_db, "SELECT id FROM supports")]
    assert [json.loads(r["params"]) for r in rows(letter_db, "SELECT params FROM letters")] == [
        {"supports": [guarantee], "ends": ["2026-12-07"]}
    ]
    edit_support(
        letter_db, guarantee, changes={"end_on": date(2026, 11, 24)}, as_of=date(2026, 11, 17)
    )
    result = daily(letter_db, tmp_path / "b", NOV18)
    assert [i.supports for i in result.not_sent] == [(guarantee,)]
    assert daily(letter_db, tmp_path / "b", date(2026, 11, 19)).not_sent == []
    kinds = [e["kind"] for e in deadlines(letter_db, as_of=NOV18) if e["ref"] == told]
    assert "letter_late" in kinds


def test_an_end_moved_later_is_not_told_again(
    letter_db: Database, told: str, tmp_path: Path
) -> None:
    from bostadcli.supports import edit_support

    [guarantee] = [r["id"] for r in rows(letter_db, "SELECT id FROM supports")]
    edit_support(
        letter_db, guarantee, changes={"end_on": date(2026, 12, 20)}, as_of=date(2026, 11, 17)
    )
    assert daily(letter_db, tmp_path / "b", NOV18).not_sent == []
    assert daily(letter_db, tmp_path / "dec", date(2026, 12, 1)).made == []


def test_a_letter_recorded_without_ends_still_counts(
    letter_db: Database, told: str, tmp_path: Path
) -> None:
    """Letters recorded before the ends were kept name the supports alone."""
    from bostadcli.db import transaction
    from bostadcli.supports import edit_support

    [guarantee] = [r["id"] for r in rows(letter_db, "SELECT id FROM supports")]
    with transaction(letter_db):
        letter_db.execute("UPDATE letters SET params = ?", [json.dumps({"supports": [guarantee]})])
    edit_support(
        letter_db, guarantee, changes={"end_on": date(2026, 11, 24)}, as_of=date(2026, 11, 17)
    )
    assert daily(letter_db, tmp_path / "b", NOV18).not_sent == []


def test_the_demo_family_loses_emergency_housing(tmp_path: Path, cli: Cli) -> None:
    from bostadcli.demo import build_demo

    folder = tmp_path / "demo"
    cli.db_path, cli.config_path = folder / "bostad.sqlite", folder / "config.toml"
    build_demo(folder, as_of=NOV16)
    cli.ok(
        "support", "add", "2024-0001", "--kind", "emergency_housing", "--start", "2026-11-17",
        "--end", "2026-11-24", "--place", "Härbärget", "--as-of", "2026-11-17",
    )  # fmt: skip
    planned = cli.ok("letter", "daily", "--as-of", "2026-11-18", "--dry-run").stdout
    assert "2024-0001,support_ending,not_sent" in planned
    made = cli.ok("letter", "daily", "--as-of", "2026-11-18", "--out-dir", str(tmp_path / "b"))
    assert "2024-0001 support_ending: phone or visit: not sent" in made.stderr
    assert "1 not sent" in made.stderr
    screen = cli.ok("report", "deadlines", "--as-of", "2026-11-18").stdout
    assert "letter too late: phone or visit" in " ".join(screen.split())
