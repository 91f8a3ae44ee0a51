"""Two caseworkers and a cron batch at once: every write lands, nobody sees a lock.

Real processes share one database file: three caseworkers each record hundreds of
contacts, open cases and make and pay repayment plans through the command line, while
two monthly letter runs (a cron job that overlapped the previous one) go through the
month's letters. Afterwards every row is counted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from bostadcli.db import open_database, rows
from bostadcli.households import NewHousehold, add_household
from bostadcli.landlords import add_landlord
from conftest import BOSTAD_ON_ANY_DAY

AS_OF = "2026-11-16"
WRITERS = 3
CONTACTS_EACH = 300
CASES_EACH = 4  # each with a plan and a payment
REPORTED = 40  # households the monthly batch writes to

CONFIG_TOML = """\
[letterhead]
organisation = "Ängby kommun"
unit = "Socialförvaltningen, Boendeenheten"
phone = "08-465 004 00"
email = "boende@angby.example"
socialjouren_phone = "08-465 004 01"
"""

# One caseworker: the real command line, run in one process many times over (starting
# a new interpreter for each of hundreds of commands would test nothing more).
CASEWORKER = textwrap.dedent(
    """
    import contextlib, io, json, sys
    import typer
    from bostadcli.cli.app import app

    command = typer.main.get_command(app)
    writer, contacts, cases, as_of = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    failures = 0

    def bostad(*args):
        global failures
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                command.main(list(args), prog_name="bostad")
            code = 0
        except SystemExit as exc:
            code = exc.code or 0
        if code != 0:
            failures += 1
            print(f"FAILED {code}: {' '.join(args)}", file=sys.stderr)
        return out.getvalue()

    refs = []
    for i in range(contacts):
        if i % (contacts // cases) == 0 and len(refs) < cases:
            ref = bostad(
                "household", "add", f"Skrivare {writer} Hushåll {len(refs)}",
                "--landlord", "Ängbyhem", "--rent", "7 450", "--arrears", "3 000",
                "--source", "self_referral", "--opened", as_of, "--as-of", as_of,
            ).strip()
            refs.append(ref)
            plan = json.loads(bostad(
                "plan", "create", ref, "--debt", "3000", "--installment", "1000",
                "--start", "2026-12", "--format", "json", "--as-of", as_of,
            ))
            bostad("plan", "pay", plan["ref"], "--amount", "1000", "--date", as_of,
                   "--as-of", as_of)
        bostad("contact", "add", refs[-1], "--kind", "phone", "--text",
               f"Samtal {writer}-{i}", "--date", as_of, "--as-of", as_of)
    sys.exit(1 if failures else 0)
    """
)


def _prepare(tmp_path: Path) -> tuple[Path, Path]:
    db_path = tmp_path / "shared.sqlite"
    db = open_database(db_path, create=True)
    add_landlord(db, name="Ängbyhem", kind="municipal")
    for i in range(REPORTED):
        add_household(
            db,
            NewHousehold(
                tenant_name=f"Anmäld Hyresgäst {i}",
                street=f"Storgatan {i}",
                postal_code="441 30",
                city="Ängby",
                source="landlord",
                opened_on=date(2026, 11, 2),
            ),
            as_of=date.fromisoformat(AS_OF),
        )
    db.close()
    config = tmp_path / "config.toml"
    config.write_text(CONFIG_TOML, encoding="utf-8")
    return db_path, config


def _wait_for_contacts(db_path: Path, n: int) -> None:
    import sqlite3
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        conn = sqlite3.connect(db_path, timeout=30)
        try:
            found = conn.execute("SELECT count(*) FROM contacts").fetchone()[0]
        finally:
            conn.close()
        if found >= n:
            return
        time.sleep(0.05)
    raise AssertionError("the caseworkers did not start")


@pytest.mark.slow
def test_caseworkers_and_the_monthly_batch_at_once(tmp_path: Path) -> None:
    db_path, config = _prepare(tmp_path)
    env = os.environ | {
        "BOSTAD_DB": str(db_path),
        "BOSTAD_CONFIG": str(config),
        "BOSTAD_LANG": "en",
    }
    out = tmp_path / "brev"
    monthly = [
        sys.executable,
        *BOSTAD_ON_ANY_DAY,
        "letter",
        "monthly",
        "-f",
        "html",
        "--out-dir",
        str(out),
        "--as-of",
        AS_OF,
    ]
    procs: list[tuple[str, subprocess.Popen[str]]] = []
    for w in range(WRITERS):
        args = [str(w), str(CONTACTS_EACH), str(CASES_EACH), AS_OF]
        procs.append(
            (
                f"caseworker {w}",
                subprocess.Popen(
                    [sys.executable, "-c", CASEWORKER, *args],
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                ),
            )
        )
    _wait_for_contacts(db_path, 30)  # the batch starts while the caseworkers are busy
    for n in range(2):
        procs.append(
            (
                f"monthly {n}",
                subprocess.Popen(
                    monthly, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
                ),
            )
        )
    outcomes = {}
    for name, proc in procs:
        stdout, stderr = proc.communicate(timeout=240)
        outcomes[name] = (proc.returncode, stdout, stderr)

    for name, (code, _stdout, stderr) in outcomes.items():
        assert code == 0, (name, stderr)
        assert "locked" not in stderr and "busy" not in stderr, (name, stderr)
        assert "Traceback" not in stderr and "error" not in stderr.lower(), (name, stderr)
    summaries = [outcomes[f"monthly {n}"][2].strip().splitlines()[-1] for n in range(2)]
    made = [int(s.split(": ", 1)[1].split(" new")[0]) for s in summaries]
    # Between them the two runs made every letter once; whichever came second found
    # the rest already made.
    assert sum(made) == REPORTED, summaries

    db = open_database(db_path)
    try:
        assert [r["integrity_check"] for r in rows(db, "PRAGMA integrity_check")] == ["ok"]
        count = {
            table: rows(db, f"SELECT count(*) AS n FROM {table}")[0]["n"]
            for table in ("households", "plans", "installments", "payments", "letters")
        }
        cases = WRITERS * CASES_EACH
        assert count == {
            "households": REPORTED + cases,
            "plans": cases,
            "installments": cases * 3,
            "payments": cases,
            "letters": REPORTED,
        }
        phone = rows(db, "SELECT text FROM contacts WHERE kind = 'phone'")
        assert sorted(r["text"] for r in phone) == sorted(
            f"Samtal {w}-{i}" for w in range(WRITERS) for i in range(CONTACTS_EACH)
        )
        logged = rows(db, "SELECT count(*) AS n FROM contacts WHERE kind = 'letter'")
        assert logged[0]["n"] == REPORTED
        paid = rows(db, "SELECT sum(paid_ore) AS s FROM installments")
        assert paid[0]["s"] == cases * 100_000
        # Each case's references are unique and without gaps, whoever took them.
        refs = [r["ref"] for r in rows(db, "SELECT ref FROM households ORDER BY ref")]
        assert refs == [f"2026-{n:04d}" for n in range(1, REPORTED + cases + 1)]
        plans = [r["ref"] for r in rows(db, "SELECT ref FROM plans ORDER BY ref")]
        assert plans == [f"P-{n:04d}" for n in range(1, cases + 1)]
        files = sorted(p.name for p in out.glob("*-outreach.html"))
        assert len(files) == REPORTED
    finally:
        db.close()


# The first commands after installing or upgrading -------------------------------------

# Waits for a common start time after the slow imports, so the openings really collide.
OPEN_TOGETHER = textwrap.dedent(
    """
    import sys, time
    from datetime import date
    from bostadcli.db import open_database
    from bostadcli.households import NewHousehold, add_household

    path, start, name = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    while time.time() < start:
        time.sleep(0.001)
    db = open_database(path, create=True)
    add_household(db, NewHousehold(tenant_name=name), as_of=date(2026, 11, 16))
    db.close()
    """
)


def _open_together(path: Path, n: int) -> list[tuple[int, str]]:
    import time

    start = time.time() + 1.5
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN_TOGETHER, str(path), str(start), f"Person {i}"],
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(n)
    ]
    results = []
    for proc in procs:
        _out, err = proc.communicate(timeout=60)
        results.append((proc.returncode, err))
    return results


@pytest.mark.slow
@pytest.mark.parametrize("round_", range(3))
def test_commands_that_create_the_database_together(tmp_path: Path, round_: int) -> None:
    path = tmp_path / "new.sqlite"
    for code, err in _open_together(path, 4):
        assert code == 0, err
    db = open_database(path)
    try:
        assert rows(db, "SELECT count(*) AS n FROM households")[0]["n"] == 4
    finally:
        db.close()


@pytest.mark.slow
@pytest.mark.parametrize("round_", range(3))
def test_commands_that_upgrade_the_database_together(tmp_path: Path, round_: int) -> None:
    import sqlite3

    from sqlite_utils import Database

    from bostadcli.migrations import migrations

    path = tmp_path / "old.sqlite"
    old = Database(sqlite3.connect(path))
    old.execute("PRAGMA journal_mode = WAL")
    # A file made by a version that stopped at the letters: five migrations to go.
    migrations.apply(old, stop_before="0004_letters")
    old.close()
    for code, err in _open_together(path, 4):
        assert code == 0, err
    db = open_database(path)
    try:
        assert migrations.pending(db) == []
        names = [r["name"] for r in rows(db, "SELECT name FROM _sqlite_migrations")]
        assert names == [m.name for m in migrations._migrations]
        assert rows(db, "SELECT count(*) AS n FROM households")[0]["n"] == 4
        # The tables made by the upgrade have their audit triggers.
        triggers = {
            r["name"] for r in rows(db, "SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
        assert {"audit_letters_insert", "audit_export_log_insert"} <= triggers
    finally:
        db.close()
