"""One broken record never stops the batch.

Impossible data is written straight into the database with SQL (as another program, a
hand edit or a damaged import could), for one household of several: dates that do not
exist, a million-character name, codes this version does not know, terminal escape
sequences, wrong JSON. The monthly run must report that household as failed (exit 3, in
the summary and in the manifest) or make its letter unharmed, and make everyone else's
letters; listings and `household show` of the other cases keep working, and the broken
case itself is a one-line error, never a traceback.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from bostadcli import letters
from bostadcli.db import open_database, rows
from bostadcli.households import NewHousehold, add_household
from bostadcli.landlords import add_landlord
from bostadcli.money import Money
from bostadcli.plans import NewPlan, create_plan
from bostadcli.supports import NewSupport, add_support
from golden_letters import CONFIG

AS_OF = date(2026, 11, 16)
BROKEN = "2026-0002"
OTHERS = ["2026-0001", "2026-0003", "2026-0004"]

# One household (id 2) is broken in each case. Each statement is an example of a class:
# a date that is not one, a value too big for a letter, a code nobody knows, characters
# that act on a terminal, a damaged document in a column.
CORRUPTIONS = {
    "impossible opened date": "UPDATE households SET opened_on = '2026-13-45' WHERE id = 2",
    "birth date not a date": "UPDATE members SET birth_date = 'nope' WHERE household_id = 2",
    "child born on 30 February": (
        "INSERT INTO members (household_id, name, birth_date, role, created_at)"
        " VALUES (2, 'Barn', '2019-02-30', 'child', 'x')"
    ),
    "personnummer not one": "UPDATE members SET pnr = '19XX' WHERE household_id = 2",
    "million-character name": (
        "UPDATE members SET name = printf('%.*c', 1000000, 'x') WHERE household_id = 2"
    ),
    "escape sequence in the name": (
        "UPDATE members SET name = 'Anna ' || char(27) || '[2J' || char(27) || ']0;pwned'"
        " || char(7) || ' Svensson' WHERE household_id = 2"
    ),
    "escape sequence in the street": (
        "UPDATE households SET street = 'Storgatan ' || char(27) || '[31m1' WHERE id = 2"
    ),
    "huge street": "UPDATE households SET street = printf('%.*c', 5000, 'g') WHERE id = 2",
    "unknown notice kind and a 30 February deadline": (
        "INSERT INTO notices (household_id, kind, recovery_deadline, eviction_at, created_at)"
        " VALUES (2, 'martian', '2026-02-30', 'garbage', 'x')"
    ),
    "eviction time not a time": (
        "INSERT INTO notices (household_id, kind, eviction_at, created_at)"
        " VALUES (2, 'eviction', '2026-12-xxT99:99', 'x')"
    ),
    "unknown reason": "INSERT INTO household_reasons VALUES (2, 'martians')",
    "unknown source and situation": (
        "UPDATE households SET source = 'x', housing_situation = 'y' WHERE id = 2"
    ),
    "unknown letter language": (
        "PRAGMA ignore_check_constraints = 1;"
        " UPDATE households SET letter_language = 'tlh' WHERE id = 2"
    ),
    "installment due on no day": "UPDATE installments SET due_on = '2026-11-31' WHERE plan_id = 2",
    "installment month not a month": (
        "PRAGMA ignore_check_constraints = 1;"
        " UPDATE installments SET month = 'x' WHERE plan_id = 2 AND seq = 1"
    ),
    "support ending on no day": "UPDATE supports SET end_on = '2026-11-3x' WHERE household_id = 2",
    "unknown support kind": "UPDATE supports SET kind = 'martian' WHERE household_id = 2",
    "a letter of an unknown kind": (
        "INSERT INTO letters (household_id, kind, period, dated_on, recipient, format,"
        " template_version, created_at) VALUES (2, 'love_letter', '2026-11', '2026-11-01',"
        " 'x', 'html', 'v', 'x')"
    ),
    "a recorded letter with a bad date and params": (
        "INSERT INTO letters (household_id, kind, period, dated_on, recipient, format, file,"
        " template_version, params, created_at) VALUES (2, 'plan_reminder', '2026-11',"
        " '2026-11-99', 'x', 'html', '/nonexistent/x.html', 'v', '[1, 2', 'x')"
    ),
    "contact on no day": (
        "INSERT INTO contacts (household_id, kind, contact_on, created_at)"
        " VALUES (2, 'phone', '2026-02-31', 'x')"
    ),
    "consent given on no day": (
        "INSERT INTO consents (household_id, recipient, given_on, created_at)"
        " VALUES (2, 'landlord', '2026-99-01', 'x')"
    ),
}


def _build(path: Path) -> None:
    db = open_database(path, create=True)
    add_landlord(
        db,
        name="Ängbyhem",
        kind="municipal",
        street="Box 1",
        postal_code="441 01",
        city="Ängby",
    )
    for i in range(4):
        ref = add_household(
            db,
            NewHousehold(
                tenant_name=f"Hyresgäst {i}",
                street=f"Storgatan {i}",
                postal_code="441 30",
                city="Ängby",
                source="landlord",
                landlord="Ängbyhem",
                rent=Money(700_000),
                arrears=Money(300_000),
                opened_on=date(2026, 10, 2),
            ),
            as_of=date(2026, 10, 2),
        )
        # Every household has a plan behind (a reminder is due) and a support that
        # ends soon (a support_ending letter is due), beside its first letter.
        create_plan(
            db,
            ref,
            NewPlan(debt=Money(300_000), installment=Money(100_000), start=date(2026, 10, 1)),
            as_of=date(2026, 10, 2),
        )
        add_support(
            db,
            ref,
            NewSupport(
                kind="rent_guarantee",
                start_on=date(2026, 6, 1),
                end_on=date(2026, 12, 1),
                landlord="Ängbyhem",
                cap_months=6,
            ),
            as_of=date(2026, 10, 2),
        )
    db.close()


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("broken") / "clean.sqlite"
    _build(path)
    return path


def _broken_copy(template_db: Path, tmp_path: Path, sql: str) -> Path:
    import shutil

    path = tmp_path / "t.sqlite"
    shutil.copy(template_db, path)
    conn = sqlite3.connect(path)
    try:
        conn.executescript(sql)
        conn.commit()
    finally:
        conn.close()
    return path


@pytest.mark.parametrize("plans", [True, False], ids=["with plans", "first letters"])
@pytest.mark.parametrize("name", list(CORRUPTIONS))
def test_one_broken_household_does_not_stop_the_batch(
    template_db: Path, tmp_path: Path, name: str, plans: bool
) -> None:
    path = _broken_copy(template_db, tmp_path, CORRUPTIONS[name])
    if not plans:
        # Without a plan a household is not in contact yet: it gets its first letter.
        conn = sqlite3.connect(path)
        with conn:
            conn.execute("UPDATE plans SET status = 'cancelled', cancelled_on = '2026-10-03'")
        conn.close()
    db = open_database(path)
    try:
        out = tmp_path / "brev"
        result = letters.run_monthly(
            db, config=CONFIG, month=AS_OF.replace(day=1), as_of=AS_OF, out_dir=out, fmt="html"
        )
        made = {(i.ref, i.kind) for i in result.made}
        for ref in OTHERS:
            # A household with a plan is in contact already: no first letter.
            for kind in ("plan_reminder" if plans else "outreach", "support_ending"):
                assert (ref, kind) in made, (ref, kind, result.failed)
        # Only the broken household may fail, each failure on one readable line.
        for ref, _kind, message in result.failed:
            assert ref == BROKEN, result.failed
            assert "\n" not in message and "\x1b" not in message and len(message) < 600
        manifest = list(
            csv.DictReader(io.StringIO((out / "manifest-2026-11.csv").read_text("utf-8")))
        )
        failed_rows = [m for m in manifest if m["status"] == "failed"]
        assert sorted((m["reference"], m["kind"]) for m in failed_rows) == sorted(
            (ref, kind) for ref, kind, _m in result.failed
        )
        assert all(m["note"] for m in failed_rows)
        # No letter file carries a control character or runs to a megabyte.
        for letter in out.glob("*.html"):
            text = letter.read_text("utf-8")
            assert "\x1b" not in text and len(text) < 200_000, letter
        # Nothing claimed is left behind.
        assert rows(db, "SELECT count(*) AS n FROM letter_claims")[0]["n"] == 0
    finally:
        db.close()


@pytest.mark.parametrize("name", list(CORRUPTIONS))
def test_listings_and_other_cases_keep_working(
    template_db: Path, tmp_path: Path, name: str
) -> None:
    from typer.testing import CliRunner

    from bostadcli.cli.app import app

    path = _broken_copy(template_db, tmp_path, CORRUPTIONS[name])
    config = tmp_path / "config.toml"
    config.write_text(
        '[letterhead]\nphone = "08-1"\nsocialjouren_phone = "08-2"\n', encoding="utf-8"
    )
    env = {"BOSTAD_DB": str(path), "BOSTAD_CONFIG": str(config), "COLUMNS": "200"}

    def bostad(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(app, list(args), env=env, prog_name="bostad")
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.stdout, result.stderr

    code, out, err = bostad("household", "list", "--format", "csv", "--as-of", "2026-11-16")
    assert code == 0, err
    for ref in OTHERS:
        assert ref in out
    for ref in OTHERS:
        code, out, err = bostad("household", "show", ref, "--as-of", "2026-11-16")
        assert code == 0, err
    code, out, err = bostad("household", "show", BROKEN, "--as-of", "2026-11-16")
    assert code in (0, 1)
    assert "Traceback" not in err and len(err.strip().splitlines()) <= 1, err
    code, out, err = bostad(
        "letter",
        "monthly",
        "-f",
        "html",
        "--out-dir",
        str(tmp_path / "b"),
        "--as-of",
        "2026-11-16",
    )
    assert code in (0, 3), err
    assert "Traceback" not in err and "\x1b" not in err
    summary = err.strip().splitlines()[-2 if code == 3 else -1]
    # Each of the others' two letters at least.
    assert int(summary.split(": ", 1)[1].split(" new")[0]) >= 2 * len(OTHERS), err
