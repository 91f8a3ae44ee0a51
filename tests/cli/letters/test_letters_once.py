"""A letter made once whatever the month stays once: the first letter (once per
household), a reminder (once for each missed installment). Two daily runs for days of
two months at once, a letter made by hand during a run, a run killed on the last day of
a month followed by one on the first, and a monthly run for an earlier month never make
it twice."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bostadcli.config import load_config
from bostadcli.db import insert, open_database, rows
from conftest import ON_ANY_DAY, Cli

AS_OF = date(2026, 11, 16)
ALI = "2026-0006"  # the demo's plan behind: its installment due 30 October is missed


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bostadcli.demo import build_demo

    folder = tmp_path_factory.mktemp("once") / "demo"
    build_demo(folder, as_of=AS_OF)
    return folder


@pytest.fixture
def demo(demo_folder: Path, tmp_path: Path) -> Cli:
    """The demo (its November letters made) with three cases reported on 27 November."""
    shutil.copytree(demo_folder, tmp_path / "demo")
    cli = Cli(
        db_path=tmp_path / "demo" / "bostad.sqlite", config_path=tmp_path / "demo/config.toml"
    )
    for i in (1, 2, 3):
        cli.ok(
            *("household", "add", f"Test Person{i}", "--street", f"Testgatan {i}"),
            *("--postal-code", "441 30", "--city", "Exempelby", "--landlord", "Exempelhem AB"),
            *("--reason", "unpaid_rent", "--source", "landlord"),
            *("--opened", "2026-11-27", "--as-of", "2026-11-27"),
        )
    return cli


def _letters(cli: Cli, kind: str) -> list[dict[str, Any]]:
    found = json.loads(cli.ok("letter", "list", "--format", "json").stdout)
    return [r for r in found if r["kind"] == kind]


def _new_outreach(cli: Cli) -> list[str]:
    return sorted(r["ref"] for r in _letters(cli, "outreach") if r["dated_on"] > "2026-11-16")


# Two real runs at once: each stops after its first claim, holding it, until the other
# holds one too, so that they go through the same letters together whatever the load.
RUN = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    import typer
    from bostadcli.cli.app import app
    import bostadcli.letters.making as making

    barrier, args = Path(sys.argv[1]), sys.argv[2:]
    real_claim, held = making.claim_letter, []

    def claim(db, item, owner, **options):
        got = real_claim(db, item, owner, **options)
        if got and not held:
            held.append(item)
            (barrier / f"{os.getpid()}.claimed").write_text("")
            give_up = time.monotonic() + 60
            while len(list(barrier.glob("*.claimed"))) < 2 and time.monotonic() < give_up:
                time.sleep(0.01)
        return got

    making.claim_letter = claim
    typer.main.get_command(app).main(args, prog_name="bostad")
    """
)


def _env(cli: Cli) -> dict[str, str]:
    return os.environ | {
        "BOSTAD_DB": str(cli.db_path),
        "BOSTAD_CONFIG": str(cli.config_path),
        "BOSTAD_LANG": "en",
        "PYTHONPATH": os.pathsep.join([str(Path.cwd()), str(Path.cwd() / "src")]),
    }


def test_two_daily_runs_for_days_of_two_months_at_once_make_each_first_letter_once(
    demo: Cli, tmp_path: Path
) -> None:
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                ON_ANY_DAY + RUN,
                str(barrier),
                *("letter", "daily", "--as-of", day),
                *("--out-dir", str(tmp_path / folder), "--format", "txt"),
            ],
            env=_env(demo),
            stderr=subprocess.PIPE,
            text=True,
        )
        for day, folder in (("2026-11-30", "b1"), ("2026-12-01", "b2"))
    ]
    for run in runs:
        _out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    assert _new_outreach(demo) == ["2026-0007", "2026-0008", "2026-0009"]
    written = [p.name for f in ("b1", "b2") for p in (tmp_path / f).glob("*-outreach.txt")]
    assert sorted(written) == [f"2026-000{i}-outreach.txt" for i in (7, 8, 9)]
    db = open_database(demo.db_path)
    assert rows(db, "SELECT * FROM letter_claims") == []
    db.close()


def test_a_first_letter_made_by_hand_during_a_run_is_not_made_again(
    demo: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bostadcli.letters import make_letter, making, run_daily

    config = load_config(demo.config_path)
    by_hand = tmp_path / "by-hand.txt"
    real_draft = making._draft

    def draft(db: Any, env: Any, item: Any, **options: Any) -> Any:
        if item.ref == "2026-0008" and not by_hand.exists():
            # The caseworker records the first letter while the run is making it.
            other = open_database(demo.db_path)
            make_letter(
                other, item.ref, "outreach", config=config, as_of=date(2026, 12, 1),
                fmt="txt", out=by_hand, record=True,
            )  # fmt: skip
            other.close()
        return real_draft(db, env, item, **options)

    monkeypatch.setattr(making, "_draft", draft)
    db = open_database(demo.db_path)
    result = run_daily(
        db, config=config, as_of=date(2026, 12, 1), out_dir=tmp_path / "b", fmt="txt"
    )
    db.close()
    assert [i.ref for i in result.elsewhere] == ["2026-0008"]
    assert sorted(i.ref for i in result.made if i.kind == "outreach") == ["2026-0007", "2026-0009"]
    assert _new_outreach(demo) == ["2026-0007", "2026-0008", "2026-0009"]
    assert not (tmp_path / "b" / "2026-0008-outreach.txt").exists()
    assert by_hand.exists()


def test_letter_render_refuses_to_record_a_second_first_letter(demo: Cli, tmp_path: Path) -> None:
    demo.ok("letter", "daily", "--as-of", "2026-11-30", "--out-dir", str(tmp_path / "b"))
    before = demo.dump()
    out = tmp_path / "again.txt"
    result = demo(
        "letter", "render", "2026-0007", "outreach", "--out", str(out), "--as-of", "2026-12-02"
    )
    assert result.exit_code != 0
    assert "--no-record" in result.stderr
    assert not out.exists()
    assert demo.dump() == before
    demo.ok("letter", "render", "2026-0007", "outreach", "--out", str(out), "--no-record")
    assert out.exists()
    assert _new_outreach(demo) == ["2026-0007", "2026-0008", "2026-0009"]


def test_a_run_on_the_first_takes_over_the_claims_a_run_killed_on_the_30th_left(
    demo: Cli, tmp_path: Path
) -> None:
    from bostadcli.letters import run_daily

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True)  # fmt: skip
    pid = int(dead.stdout)
    left = tmp_path / "b1"
    left.mkdir()
    db = open_database(demo.db_path)
    hids = {r["ref"]: r["id"] for r in rows(db, "SELECT id, ref FROM households")}
    for ref, kind in (("2026-0007", "outreach"), (ALI, "plan_reminder")):
        (left / f"{ref}-{kind}.txt").write_text("written, never recorded")
        with db.conn:
            insert(db, "letter_claims", {
                "household_id": hids[ref], "kind": kind, "period": "2026-11",
                "run_id": "dead", "host": os.uname().nodename, "pid": pid,
                "pid_started": None, "file": str(left / f"{ref}-{kind}.txt"),
                "claimed_utc": "2026-11-30T05:30:00+00:00",
            })  # fmt: skip
    config = load_config(demo.config_path)
    result = run_daily(
        db, config=config, as_of=date(2026, 12, 1), out_dir=tmp_path / "b2", fmt="txt"
    )
    assert sorted(i.ref for i in result.made) == ["2026-0007", "2026-0008", "2026-0009"]
    assert rows(db, "SELECT * FROM letter_claims") == []
    db.close()
    assert list(left.iterdir()) == []


def test_a_claim_of_another_month_held_by_a_live_run_holds_the_first_letter(
    demo: Cli, tmp_path: Path
) -> None:
    from bostadcli.letters.batch import BatchItem
    from bostadcli.letters.claims import RunOwner, claim_letter

    db = open_database(demo.db_path)
    hid = rows(db, "SELECT id FROM households WHERE ref = '2026-0007'")[0]["id"]
    with db.conn:
        insert(db, "letter_claims", {
            "household_id": hid, "kind": "outreach", "period": "2026-11", "run_id": "other",
            "host": "another-machine", "pid": 1, "pid_started": None,
            "file": str(tmp_path / "x.txt"),
            "claimed_utc": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
        })  # fmt: skip
    item = BatchItem("2026-0007", hid, "outreach", "2026-12", tmp_path / "y.txt", "txt", "new")
    assert not claim_letter(db, item, RunOwner.current(), as_of=date(2026, 12, 1))
    db.close()


def test_a_monthly_run_for_an_earlier_month_makes_no_new_letter(demo: Cli, tmp_path: Path) -> None:
    before = len(_letters(demo, "plan_reminder"))
    for month in ("2026-10", "2019-01"):
        result = demo(
            "letter", "monthly", "--month", month, "--as-of", "2026-11-30",
            "--out-dir", str(tmp_path / month),
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        assert "no new letters" in result.stderr
        assert "0 new" in result.stderr
    assert len(_letters(demo, "plan_reminder")) == before
    plan = demo.ok(
        "letter", "monthly", "--month", "2026-10", "--as-of", "2026-11-30", "--dry-run",
        "--format", "txt", "--out-dir", str(tmp_path / "dry"),
    ).stdout  # fmt: skip
    assert "new" not in plan


def test_a_missed_installment_is_reminded_of_once_whatever_the_month(
    demo: Cli, tmp_path: Path
) -> None:
    def reminders() -> list[str]:
        return sorted(r["dated_on"] for r in _letters(demo, "plan_reminder") if r["ref"] == ALI)

    assert reminders() == ["2026-11-16"]  # the demo's, about the installment of 30 October
    # 1 December: the installment of 30 November is not yet missed (seven days' grace).
    demo.ok("letter", "monthly", "--as-of", "2026-12-01", "--out-dir", str(tmp_path / "a"))
    demo.ok("letter", "daily", "--as-of", "2026-12-07", "--out-dir", str(tmp_path / "b"))
    assert reminders() == ["2026-11-16"]
    # 8 December: it is; one reminder for it, and no other that month or the next.
    demo.ok("letter", "daily", "--as-of", "2026-12-08", "--out-dir", str(tmp_path / "c"))
    demo.ok("letter", "monthly", "--as-of", "2026-12-09", "--out-dir", str(tmp_path / "d"))
    assert reminders() == ["2026-11-16", "2026-12-08"]
    demo.ok("letter", "monthly", "--as-of", "2027-01-04", "--out-dir", str(tmp_path / "e"))
    assert reminders() == ["2026-11-16", "2026-12-08"]
