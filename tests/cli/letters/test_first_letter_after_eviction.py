"""The first letter of a household whose eviction day (Kronofogden's) has passed is not
made by the batch: it would offer help to keep a home the family has lost, at the
address they had to leave. It is listed as not sent, once, and the deadline screen
shows the household for a call or a visit."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Cli

CONFIG = '[letterhead]\nphone = "08-1"\nsocialjouren_phone = "08-2"\n'


@pytest.fixture
def evicted(cli: Cli) -> str:
    """Hanna's case arrived on 10 December; Kronofogden evicts her on 16 December."""
    cli.ok("init")
    cli.config_path.write_text(CONFIG, encoding="utf-8")
    ref = cli.ok(
        *("household", "add", "Hanna Holm", "--street", "Holmvägen 8"),
        *("--postal-code", "441 30", "--city", "Exempelby", "--reason", "unpaid_rent"),
        *("--source", "enforcement", "--opened", "2026-12-10", "--as-of", "2026-12-10"),
    ).stdout.strip()
    cli.ok(
        *("notice", "add", ref, "--kind", "eviction", "--eviction-at", "2026-12-16 09:00"),
        *("--case-number", "12-999-26", "--as-of", "2026-12-10"),
    )
    return ref


def _daily(cli: Cli, out: Path, day: str, *extra: str) -> list[str]:
    run = cli("letter", "daily", "--as-of", day, "--out-dir", str(out), "-f", "txt", *extra)
    assert run.exit_code == 0, run.stderr
    return run.stderr.strip().splitlines()


def test_no_first_letter_after_the_eviction(cli: Cli, evicted: str, tmp_path: Path) -> None:
    out = tmp_path / "brev"
    plan = cli("letter", "daily", "--as-of", "2026-12-17", "--dry-run", "-f", "txt")
    assert plan.exit_code == 0, plan.stderr
    assert f"{evicted},outreach,not_sent" in plan.stdout.replace("\r", "")
    said = _daily(cli, out, "2026-12-17")
    assert not (out / f"{evicted}-outreach.txt").exists()
    assert any(
        line.startswith(f"{evicted} outreach: phone or visit: not sent")
        and "the eviction on 16 December 2026" in line
        for line in said
    ), said
    assert said[-1].startswith("2026-12-17: 0 new, 0 to phone or visit, 1 not sent, 0 failed")
    manifest = (out / "manifest-2026-12-17.csv").read_text(encoding="utf-8")
    (row,) = [r for r in csv.DictReader(io.StringIO(manifest)) if r["reference"] == evicted]
    assert row["status"] == "not_sent" and "avhysningen 16 december 2026" in row["note"]
    # The deadline screen: call or visit.
    screen = cli.ok("report", "deadlines", "--as-of", "2026-12-17", "--format", "json")
    kinds = {r["kind"] for r in json.loads(screen.stdout) if r["ref"] == evicted}
    assert "letter_late" in kinds
    # Once: the next runs, and the next month's, do not take it up again.
    assert _daily(cli, out, "2026-12-18")[-1].startswith(
        "2026-12-18: 0 new, 0 to phone or visit, 0"
    )
    assert _daily(cli, out, "2027-01-05")[-1].startswith(
        "2027-01-05: 0 new, 0 to phone or visit, 0"
    )
    assert not list(out.glob("*outreach*"))


def test_first_letter_before_the_eviction_is_made(cli: Cli, evicted: str, tmp_path: Path) -> None:
    out = tmp_path / "brev"
    said = _daily(cli, out, "2026-12-11")
    assert (out / f"{evicted}-outreach.txt").exists()
    assert said[-1].startswith("2026-12-11: 1 new")


def test_a_new_eviction_day_ahead_gets_the_letter(cli: Cli, evicted: str, tmp_path: Path) -> None:
    # Kronofogden set a new day: the first letter speaks of it.
    cli.ok(
        *("notice", "add", evicted, "--kind", "eviction", "--eviction-at", "2027-01-20 09:00"),
        *("--case-number", "12-999-26", "--as-of", "2026-12-17"),
    )
    out = tmp_path / "brev"
    said = _daily(cli, out, "2026-12-18")
    assert (out / f"{evicted}-outreach.txt").exists(), said
