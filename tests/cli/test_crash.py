"""Crash safety: a command killed at any moment leaves a sound database, and running it
again finishes the work exactly once.

Each command runs in a real process that dies by SIGKILL (no cleanup, no flush) at a
point drawn from a seeded random generator. The points are counted, not timed: every
SQL statement the process starts (triggers' too) and every file it renames, removes or
writes is one point, so the draws land in every phase of the work (opening, reading,
the transaction, the files after it, the VACUUM) however fast the machine is. After
each kill the database must pass its integrity check and hold no half-made case; the
command is then run again, unkilled, and the result compared with a clean run.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from stdnum import luhn

from bostadcli.db import open_database, rows
from conftest import ON_ANY_DAY

pytestmark = pytest.mark.slow

SEED = 20261121

# Runs `bostad ARGS…` (the installed entry point's code) and kills itself with SIGKILL
# on reaching point number KILL_AT (0: never); the kill happens as the statement or file
# operation of that point is about to start. A clean run reports on stderr how many
# points it passed, and the first point that changes anything (a write transaction or
# a file operation): before that a kill can leave nothing behind.
KILLABLE = textwrap.dedent(
    """
    import os, signal, sqlite3, sys

    kill_at = int(sys.argv[1])
    passed = 0
    first_write = 0

    def point(writes=False):
        global passed, first_write
        passed += 1
        if writes and not first_write:
            first_write = passed
        if passed == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    real_connect = sqlite3.connect
    last_sql = None

    def statement(sql):
        # A trigger fired for each of many rows repeats its statement: one point.
        global last_sql
        if sql != last_sql:
            point(sql.startswith("BEGIN IMMEDIATE"))
        last_sql = sql

    def connect(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        conn.set_trace_callback(statement)
        return conn

    sqlite3.connect = connect

    def counted(real):
        def call(*args, **kwargs):
            point(True)
            return real(*args, **kwargs)
        return call

    for name in ("replace", "remove", "unlink", "write", "fsync"):
        setattr(os, name, counted(getattr(os, name)))

    if os.environ.get("KILLABLE_PDF_WORKERS"):
        # Lay PDF out in worker processes however many cores this machine has.
        import bostadcli.pdf

        bostadcli.pdf.worker_count = lambda: int(os.environ["KILLABLE_PDF_WORKERS"])

    from bostadcli.cli import main

    sys.argv = ["bostad", *sys.argv[2:]]
    try:
        main()
    finally:
        sys.stderr.write(f"points={passed} first_write={first_write}\\n")
    """
)

CONFIG_TOML = """\
[letterhead]
organisation = "Ängby kommun"
unit = "Socialförvaltningen, Boendeenheten"
phone = "08-465 004 00"
email = "boende@angby.example"
socialjouren_phone = "08-465 004 01"
"""


@dataclass
class Setup:
    """A prepared database (and letter folder), copied afresh for every trial."""

    folder: Path

    @property
    def db(self) -> Path:
        return self.folder / "bostad.sqlite"

    @property
    def config(self) -> Path:
        return self.folder / "config.toml"

    def copy(self, to: Path) -> Setup:
        shutil.copytree(self.folder, to)
        # Letters are recorded with absolute paths: point the copy at its own files.
        conn = sqlite3.connect(to / self.db.name)
        try:
            with conn:
                conn.execute(
                    "UPDATE letters SET file = replace(file, ?, ?)",
                    [str(self.folder.resolve()), str(to.resolve())],
                )
        finally:
            conn.close()
        return Setup(to)

    def env(self) -> dict[str, str]:
        return os.environ | {
            "BOSTAD_DB": str(self.db),
            "BOSTAD_CONFIG": str(self.config),
            "BOSTAD_LANG": "en",
        }

    def run(
        self, args: list[str], *, kill_at: int = 0, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        # Output to files, not pipes: a child the killed process left behind would keep a
        # pipe open, and reading it would wait for that child instead of the command.
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            proc = subprocess.Popen(
                [sys.executable, "-c", ON_ANY_DAY + KILLABLE, str(kill_at), *args],
                env=self.env() | (env or {}),
                cwd=self.folder,
                stdout=out,
                stderr=err,
                text=True,
            )
            code = proc.wait(timeout=300)
            out.seek(0)
            err.seek(0)
            return subprocess.CompletedProcess(proc.args, code, out.read(), err.read())

    def kill_points(
        self, args: list[str], trials: int = 6, env: dict[str, str] | None = None
    ) -> list[int]:
        """Where to kill: seeded points over a clean run of ``args`` on a copy.

        One point before the first write (a kill there must leave no trace) and the
        rest spread over the writing part, one from each equal slice of it.
        """
        probe = self.copy(self.folder.with_name(self.folder.name + "-probe"))
        try:
            done = probe.run(args, env=env)
            assert done.returncode == 0, done.stderr
        finally:
            shutil.rmtree(probe.folder)
        last = done.stderr.strip().splitlines()[-1]
        counts = dict(item.split("=") for item in last.split())
        total, first = int(counts["points"]), int(counts["first_write"])
        assert 1 < first <= total, last
        rng = random.Random(SEED + total)
        edges = [first + (total + 1 - first) * i // (trials - 1) for i in range(trials)]
        return [rng.randrange(1, first)] + [
            rng.randrange(lo, max(hi, lo + 1)) for lo, hi in itertools.pairwise(edges)
        ]

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[dict[str, object]]:
        db = open_database(self.db, migrate=False)
        try:
            return rows(db, sql, params)
        finally:
            db.close()

    def counts(self) -> dict[str, int]:
        conn = sqlite3.connect(self.db)
        try:
            names = [
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                    " AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
        finally:
            conn.close()


def assert_killed(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == -signal.SIGKILL, (done.returncode, done.stderr)


def assert_sound(setup: Setup) -> None:
    """Integrity check, and no case without its tenant."""
    conn = sqlite3.connect(setup.db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        orphans = conn.execute(
            "SELECT h.ref FROM households h WHERE NOT EXISTS (SELECT 1 FROM members m"
            " WHERE m.household_id = h.id AND m.role = 'tenant')"
        ).fetchall()
        assert orphans == []
    finally:
        conn.close()


def _fresh(tmp_path: Path, name: str) -> Setup:
    folder = tmp_path / name
    folder.mkdir()
    setup = Setup(folder)
    setup.config.write_text(CONFIG_TOML, encoding="utf-8")
    return setup


# Import of a landlord's list ------------------------------------------------------------

ROWS = 1500


def _pnr(i: int) -> str:
    body = f"{60 + i % 40:02d}{1 + i // 28 % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
    return f"{body[:6]}-{body[6:]}{luhn.calc_check_digit(body)}"


def _landlord_list(path: Path, n: int) -> None:
    with path.open("w", encoding="cp1252", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(["Namn", "Personnummer", "Adress", "Postnr", "Ort", "Skuld", "Delgiven"])
        for i in range(n):
            writer.writerow(
                [
                    f"Hyresgäst Nummer {i}",
                    _pnr(i),
                    f"Storgatan {i}",
                    "441 30",
                    "Alingsås",
                    f"{1000 + i % 9000},50",
                    "20/10/2026",
                ]
            )


def test_import_killed_anywhere_is_all_or_nothing(tmp_path: Path) -> None:
    base = _fresh(tmp_path, "base")
    db = open_database(base.db, create=True)
    db.close()
    _landlord_list(base.folder / "lista.csv", ROWS)
    args = [
        "import",
        "notices",
        "lista.csv",
        "--landlord",
        "Ängbyhem",
        "--create-landlord",
        "--as-of",
        "2026-11-02",
    ]
    clean = base.copy(tmp_path / "clean")
    assert clean.run(args).returncode == 0
    expected = clean.counts()
    assert expected["households"] == ROWS
    refs = clean.query("SELECT ref FROM households ORDER BY ref")
    # What a rerun after a kill just past the commit meets: the same list twice.
    assert clean.run(args).returncode == 0
    assert clean.counts() == expected

    for trial, point in enumerate(base.kill_points(args)):
        setup = base.copy(tmp_path / f"trial{trial}")
        assert_killed(setup.run(args, kill_at=point))
        assert_sound(setup)
        after_kill = setup.counts()
        # One transaction: everything (a kill after the commit) or nothing.
        assert after_kill == expected or after_kill == base.counts(), (point, after_kill)
        rerun = setup.run(args)
        assert rerun.returncode == 0, rerun.stderr
        assert_sound(setup)
        assert setup.counts() == expected, point
        assert setup.query("SELECT ref FROM households ORDER BY ref") == refs


# The monthly letters ----------------------------------------------------------------------

REPORTED = 30


def _letter_setup(tmp_path: Path) -> Setup:
    from bostadcli.households import NewHousehold, add_household

    base = _fresh(tmp_path, "base")
    db = open_database(base.db, create=True)
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
            as_of=date(2026, 11, 16),
        )
    db.close()
    return base


MONTHLY = ["letter", "monthly", "-f", "html", "--out-dir", "brev", "--as-of", "2026-11-16"]


def _assert_letters_recorded_with_files(setup: Setup) -> int:
    letters = setup.query("SELECT household_id, kind, period, file FROM letters")
    keys = [(r["household_id"], r["kind"], r["period"]) for r in letters]
    assert len(keys) == len(set(keys))
    for r in letters:
        assert Path(str(r["file"])).is_file(), r  # recorded only once its file exists
    logged = setup.query("SELECT count(*) AS n FROM contacts WHERE kind = 'letter'")
    assert logged[0]["n"] == len(letters)  # the record and its contact: one transaction
    return len(letters)


def test_monthly_killed_anywhere_then_rerun_sends_each_letter_once(tmp_path: Path) -> None:
    base = _letter_setup(tmp_path)
    points = base.kill_points(MONTHLY)
    for trial, point in enumerate(points):
        setup = base.copy(tmp_path / f"trial{trial}")
        # Killed twice: at this trial's point and, in the rerun, at the next trial's.
        for kill_at in (point, points[(trial + 1) % len(points)]):
            done = setup.run(MONTHLY, kill_at=kill_at)
            if done.returncode == 0:
                break  # the rerun had less to do and finished before its point
            assert_killed(done)
            assert_sound(setup)
            assert _assert_letters_recorded_with_files(setup) <= REPORTED
        rerun = setup.run(MONTHLY)
        assert rerun.returncode == 0, rerun.stderr
        assert_sound(setup)
        assert _assert_letters_recorded_with_files(setup) == REPORTED
        out = setup.folder / "brev"
        files = sorted(p.name for p in out.iterdir())
        # The letters and the manifest; no temporary file of a killed run is left.
        assert files == sorted(
            [f"2026-{n:04d}-outreach.html" for n in range(1, REPORTED + 1)]
            + ["manifest-2026-11.csv"]
        ), files
        manifest = (out / "manifest-2026-11.csv").read_text(encoding="utf-8").splitlines()
        assert len(manifest) == REPORTED + 1
        # A third run finds everything made.
        again = setup.run(MONTHLY)
        assert f"0 new, 0 re-created, {REPORTED} already made" in again.stderr


# Retention deletion ------------------------------------------------------------------------

DUE = 25
PURGE = ["purge", "--yes"]


def _purge_setup(tmp_path: Path) -> tuple[Setup, list[str], list[str]]:
    """DUE closed cases from 2019, each with a letter file, and three cases that stay."""
    from bostadcli import letters
    from bostadcli.config import Config, Letterhead
    from bostadcli.households import ChildSpec, NewHousehold, add_household, close_household

    base = _fresh(tmp_path, "base")
    db = open_database(base.db, create=True)
    opened = date(2019, 2, 1)

    def case(name: str, *, child: date | None = None) -> str:
        return add_household(
            db,
            NewHousehold(
                tenant_name=name,
                street="Storgatan 1",
                postal_code="441 30",
                city="Ängby",
                source="landlord",
                children=[ChildSpec(child)] if child else [],
                opened_on=opened,
            ),
            as_of=opened,
        )

    due = [case(f"Gammal Hyresgäst {i}") for i in range(DUE)]
    kept = [
        case("Forskning Född Femtonde", child=date(2012, 4, 15)),
        case("Fortfarande Öppen"),
        case("Nyligen Stängd"),
    ]
    config = Config(
        letterhead=Letterhead(
            organisation="Ängby kommun",
            phone="08-465 004 00",
            email="boende@angby.example",
            socialjouren_phone="08-465 004 01",
        )
    )
    letters.run_monthly(
        db, config=config, month=opened, as_of=opened, out_dir=base.folder / "brev", fmt="html"
    )
    for ref in [*due, kept[0]]:
        close_household(
            db, ref, outcome="stays", closed_on=date(2019, 5, 2), as_of=date(2019, 5, 2)
        )
    close_household(
        db, kept[2], outcome="stays", closed_on=date(2024, 1, 10), as_of=date(2024, 1, 10)
    )
    # The entries were made on their own days, not today: move every timestamp back.
    for table in ("households", "members", "contacts", "letters"):
        db.execute(f"UPDATE {table} SET created_at = '2019-05-02T10:00:00+00:00'")
    db.execute("UPDATE households SET updated_at = '2019-05-02T10:00:00+00:00'")
    db.execute(
        "UPDATE households SET updated_at = '2024-01-10T10:00:00+00:00' WHERE ref = ?", [kept[2]]
    )
    # The open case is still active: an entry within the retention period keeps it.
    db.execute(
        "UPDATE households SET updated_at = '2024-06-03T10:00:00+00:00' WHERE ref = ?", [kept[1]]
    )
    db.conn.commit()
    db.close()
    return base, due, kept


def test_purge_killed_anywhere_then_rerun_deletes_once(tmp_path: Path) -> None:
    base, due, kept = _purge_setup(tmp_path)
    files = {
        str(r["ref"]): Path(str(r["file"]))
        for r in base.query(
            "SELECT h.ref, l.file FROM letters l JOIN households h ON h.id = l.household_id"
        )
    }
    assert len(files) == DUE + len(kept)
    for trial, point in enumerate(base.kill_points(PURGE)):
        setup = base.copy(tmp_path / f"trial{trial}")

        def letter_file(ref: str, setup: Setup = setup) -> Path:
            return setup.folder / "brev" / files[ref].name

        kept_before = setup.query(
            "SELECT h.ref, (SELECT count(*) FROM members m WHERE m.household_id = h.id) AS m,"
            " (SELECT count(*) FROM contacts c WHERE c.household_id = h.id) AS c"
            " FROM households h WHERE h.ref IN (?, ?, ?) ORDER BY h.ref",
            tuple(kept),
        )
        assert_killed(setup.run(PURGE, kill_at=point))
        assert_sound(setup)
        remaining = {str(r["ref"]) for r in setup.query("SELECT ref FROM households")}
        log = setup.query("SELECT deleted, refs, files_pending FROM purge_log")
        if remaining & set(due):
            # Killed before the commit: every case still there, and no record.
            assert remaining == set(due) | set(kept) and log == [], point
        else:
            # Killed after: the record lists the files it has not yet removed.
            assert remaining == set(kept)
            [entry] = log
            assert entry["deleted"] == DUE and json.loads(str(entry["refs"])) == sorted(due)
            pending = {Path(p).name for p in json.loads(str(entry["files_pending"]))}
            present = {letter_file(ref).name for ref in due if letter_file(ref).exists()}
            assert present <= pending, point

        rerun = setup.run(PURGE)
        assert rerun.returncode == 0, rerun.stderr
        assert_sound(setup)
        assert {str(r["ref"]) for r in setup.query("SELECT ref FROM households")} == set(kept)
        [entry] = setup.query(
            "SELECT deleted, refs, kept_for_research, files_pending FROM purge_log"
        )
        assert entry == {
            "deleted": DUE,
            "refs": json.dumps(sorted(due)),
            "kept_for_research": 1,
            "files_pending": "[]",
        }
        assert [ref for ref in due if letter_file(ref).exists()] == []
        assert all(letter_file(ref).exists() for ref in kept)
        assert setup.query(
            "SELECT count(*) AS n FROM letters l JOIN households h ON h.id = l.household_id"
        ) == [{"n": len(kept)}]
        kept_after = setup.query(
            "SELECT h.ref, (SELECT count(*) FROM members m WHERE m.household_id = h.id) AS m,"
            " (SELECT count(*) FROM contacts c WHERE c.household_id = h.id) AS c"
            " FROM households h WHERE h.ref IN (?, ?, ?) ORDER BY h.ref",
            tuple(kept),
        )
        assert kept_after == kept_before
        # Nothing of the purged cases is left in the audit log either.
        purged_log = setup.query(
            "SELECT count(*) AS n FROM audit_log WHERE household_id IS NOT NULL"
            " AND household_id NOT IN (SELECT id FROM households)"
        )
        assert purged_log == [{"n": 0}]


def _processes_with(marker: str) -> list[int]:
    """Processes whose command line contains ``marker`` (forked workers keep it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue  # gone meanwhile
    return found


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc")
def test_monthly_pdf_killed_leaves_no_worker_behind(tmp_path: Path) -> None:
    from bostadcli.pdf import pdf_problem

    if pdf_problem() is not None:
        pytest.skip(str(pdf_problem()))
    import time

    base = _letter_setup(tmp_path)
    workers = {"KILLABLE_PDF_WORKERS": "2"}

    def monthly(setup: Setup) -> list[str]:
        # The absolute folder is in the command line, so the workers can be found by it.
        out = str(setup.folder / "brev")
        return ["letter", "monthly", "-f", "pdf", "--out-dir", out, "--as-of", "2026-11-16"]

    for trial, point in enumerate(base.kill_points(monthly(base), trials=3, env=workers)[1:]):
        setup = base.copy(tmp_path / f"trial{trial}")
        assert_killed(setup.run(monthly(setup), kill_at=point, env=workers))
        deadline = time.monotonic() + 10
        while _processes_with(str(setup.folder)) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = _processes_with(str(setup.folder))
        for pid in left:  # not to leave them to the rest of the run
            os.kill(pid, signal.SIGKILL)
        assert left == [], "a worker outlived its batch"
        assert_sound(setup)
        assert _assert_letters_recorded_with_files(setup) < REPORTED
        rerun = setup.run(monthly(setup), env=workers)
        assert rerun.returncode == 0, rerun.stderr
        assert _assert_letters_recorded_with_files(setup) == REPORTED
        assert (setup.folder / "brev" / "utskrift-2026-11.pdf").is_file()
