"""A daily run's dry run lists exactly what the run makes that day, and no run that
writes nothing leaves a folder behind.

Replayed day by day over a month with weekends and a holiday: each day the dry run goes
first, then the run; the letters the dry run lists (to make, not sent, cannot be made)
are the letters the run made, did not send or failed, and on a day the post does not go
both say so and list nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from bostadcli import letters
from bostadcli.db import open_database
from bostadcli.households import NewHousehold, add_household
from bostadcli.landlords import add_landlord
from bostadcli.money import Money
from bostadcli.notices import NewNotice, add_notice
from conftest import Cli
from golden_letters import CONFIG

FIRST, LAST = date(2026, 10, 26), date(2026, 11, 10)  # 31 October: Alla helgons dag (Sat)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Any]:
    database = open_database(tmp_path / "t.sqlite", create=True)
    add_landlord(database, name="Ängbyhem", kind="municipal")
    day, n = FIRST, 0
    while day <= LAST:
        # Cases arrive every day, weekends too (a landlord's list is read on a Sunday).
        ref = add_household(
            database,
            NewHousehold(
                tenant_name=f"Hyresgäst {n}",
                street=f"Storgatan {n}",
                postal_code="441 30",
                city="Ängby",
                landlord="Ängbyhem",
                source="landlord",
                opened_on=day,
            ),
            as_of=day,
        )
        if n % 2:
            served = day - timedelta(days=19)
            notice = NewNotice(
                kind="termination", served_on=served, received_on=served, amount=Money(900_000)
            )
            add_notice(database, ref, notice, as_of=day)
        if n % 5 == 4:  # no address: the letter cannot be made
            database.execute("UPDATE households SET street = NULL WHERE ref = ?", [ref])
            database.conn.commit()
        day += timedelta(days=1)
        n += 1
    yield database
    database.close()


def test_the_dry_run_lists_what_the_run_makes_day_by_day(db: Any, tmp_path: Path) -> None:
    day, days_off, made_any = FIRST + timedelta(days=1), 0, 0
    while day <= LAST + timedelta(days=3):
        out = tmp_path / f"brev-{day.isoformat()}"
        options = {"config": CONFIG, "as_of": day, "out_dir": out, "fmt": "html"}
        planned = letters.preview_daily(db, **options)
        listed = sorted(
            (i.ref, i.kind) for i in planned.items if i.state in ("new", "broken", "not_sent")
        )
        result = letters.run_daily(db, **options)
        done = sorted(
            [(i.ref, i.kind) for i in [*result.made, *result.not_sent]]
            + [(ref, kind) for ref, kind, _message in result.failed]
        )
        assert planned.day_off == result.day_off, day
        assert listed == done, day
        if result.day_off is not None:
            days_off += 1
            assert listed == []
        made_any += bool(result.made)
        # A folder only when the run wrote in it.
        assert out.exists() == bool(result.made or result.failed or result.not_sent), day
        day += timedelta(days=1)
    assert days_off >= 4 and made_any >= 5  # the replay met both kinds of day


@pytest.fixture
def unit(initialised: Cli) -> Cli:
    """A unit whose letterhead says how to reach it (letters are refused otherwise)."""
    config = initialised.config_path.read_text(encoding="utf-8")
    config = config.replace('phone = ""', 'phone = "08-465 004 00"', 1).replace(
        'socialjouren_phone = ""', 'socialjouren_phone = "08-465 004 01"'
    )
    initialised.config_path.write_text(config, encoding="utf-8")
    return initialised


def test_a_run_that_makes_nothing_makes_no_folder(unit: Cli, tmp_path: Path) -> None:
    for args in (
        ["letter", "daily", "--as-of", "1900-01-01"],  # the rule is lifted in the suite
        ["letter", "daily", "--as-of", "2026-11-16"],  # a Monday with nothing to make
        ["letter", "daily", "--as-of", "2026-11-21"],  # a Saturday
        ["letter", "daily", "--as-of", "2026-11-16", "--dry-run"],
        ["letter", "monthly", "--as-of", "2026-11-16", "-f", "html"],
        ["letter", "monthly", "--as-of", "2026-11-16", "--dry-run"],
    ):
        out = tmp_path / "brev" / "nov"
        result = unit(*args, "--out-dir", str(out))
        assert result.exit_code == 0, (args, result.stderr)
        assert not (tmp_path / "brev").exists(), args
    said = unit("letter", "daily", "--as-of", "2026-11-16", "--out-dir", str(out))
    assert said.stderr == (
        "2026-11-16: 0 new, 0 to phone or visit, 0 not sent, 0 failed;"
        " nothing to write, no folder made\n"
    )
    # Refused before anything, on a Saturday too: no folder either.
    for day in ("2026-11-16", "2026-11-21"):
        refused = unit(
            "letter", "daily", "--only", "nosuchkind", "--out-dir", str(out), "--as-of", day
        )
        assert refused.exit_code != 0 and not (tmp_path / "brev").exists()
        (tmp_path / "a-file").write_text("", encoding="utf-8")
        for dry in ([], ["--dry-run"]):
            named = unit(
                "letter", "daily", "--out-dir", str(tmp_path / "a-file"), "--as-of", day, *dry
            )
            assert named.exit_code == 1 and "--out-dir is not a folder" in named.stderr


def test_the_dry_run_on_a_day_off_says_so(unit: Cli) -> None:
    unit.ok(
        "household", "add", "Nora Ny", "--street", "Lillgatan 2", "--postal-code", "44130",
        "--city", "Exempelby", "--as-of", "2026-11-20",
    )  # fmt: skip
    saturday = unit.ok("letter", "daily", "--dry-run", "--as-of", "2026-11-21")
    assert "2026-11-21 is not a working day (Saturday)" in saturday.stderr
    assert "2026-0001" not in saturday.stdout
    monday = unit.ok("letter", "daily", "--dry-run", "--as-of", "2026-11-23")
    assert "2026-0001,outreach,new" in monday.stdout
