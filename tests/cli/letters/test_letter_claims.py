"""Two batch runs at once never make the same letter twice, and a crash loses nothing.

Each batch letter is claimed in the database (a row per household, kind and period, in
a transaction of its own) before its file is written. These tests run real processes:
two runs that go through the letters together into two folders and into one folder
(each waits, holding its first claim, until the other holds one too: no timing
decides whether they meet), and a run killed after writing a letter it never recorded.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bostadcli import letters
from bostadcli.db import open_database, rows
from bostadcli.households import NewHousehold, add_household
from conftest import BOSTAD_ON_ANY_DAY, ON_ANY_DAY

AS_OF = "2026-11-16"
REPORTED = 40

CONFIG_TOML = """\
[letterhead]
organisation = "Ängby kommun"
unit = "Socialförvaltningen, Boendeenheten"
phone = "08-465 004 00"
email = "boende@angby.example"
socialjouren_phone = "08-465 004 01"
"""

# `bostad ARGS…` started at a given instant (after the slow imports). With KILL_AFTER > 0
# the process kills itself (SIGKILL: no clean-up) right after writing that many letter
# files, before the last one is recorded. With a BARRIER folder, the run stops after its
# first claim of a letter, still holding it, and says so with a file there; it goes on
# when every run (PARTIES) has said so. So two runs really go through the same letters
# together whatever the load: the second to reach the first letter finds it claimed.
RUN_AT = textwrap.dedent(
    """
    import os, signal, sys, time
    from pathlib import Path
    import typer
    from bostadcli import letters
    from bostadcli.cli.app import app
    import bostadcli.letters.making as making

    start, kill_after = float(sys.argv[1]), int(sys.argv[2])
    barrier, parties, args = sys.argv[3], int(sys.argv[4]), sys.argv[5:]
    if barrier:
        real_claim, held = making.claim_letter, []

        def claim(db, item, owner, **options):
            got = real_claim(db, item, owner, **options)
            if got and not held:
                held.append(item)
                folder = Path(barrier)
                (folder / f"{os.getpid()}.claimed").write_text("")
                give_up = time.monotonic() + 120
                while len(list(folder.glob("*.claimed"))) < parties:
                    if time.monotonic() > give_up:
                        sys.exit("barrier: the other run never claimed a letter")
                    time.sleep(0.01)
            return got

        making.claim_letter = claim
    if kill_after:
        real = letters.write_private_file
        written = []

        def write(path, data, **options):
            real(path, data, **options)
            if path.name.startswith("20"):
                written.append(path)
                if len(written) == kill_after:
                    os.kill(os.getpid(), signal.SIGKILL)

        letters.write_private_file = write
    command = typer.main.get_command(app)
    while time.time() < start:
        time.sleep(0.001)
    command.main(args, prog_name="bostad")
    """
)


def _prepare(tmp_path: Path, n: int = REPORTED) -> dict[str, str]:
    db_path = tmp_path / "bostad.sqlite"
    db = open_database(db_path, create=True)
    for i in range(n):
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
    return os.environ | {
        "BOSTAD_DB": str(db_path),
        "BOSTAD_CONFIG": str(config),
        "BOSTAD_LANG": "en",
    }


def _monthly(out: Path, fmt: str = "html") -> list[str]:
    return ["letter", "monthly", "-f", fmt, "--out-dir", str(out), "--as-of", AS_OF]


def _start(
    env: dict[str, str],
    args: list[str],
    *,
    at: float,
    kill_after: int = 0,
    barrier: Path | None = None,
    parties: int = 2,
) -> Any:
    wait = [str(barrier) if barrier else "", str(parties)]
    return subprocess.Popen(
        [sys.executable, "-c", ON_ANY_DAY + RUN_AT, str(at), str(kill_after), *wait, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _query(env: dict[str, str], sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(env["BOSTAD_DB"])
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _letter_files(*folders: Path) -> list[str]:
    unique = dict.fromkeys(folders)
    return sorted(p.name for f in unique if f.exists() for p in f.glob("20*-outreach.*"))


def _assert_each_letter_once(env: dict[str, str], *folders: Path, n: int = REPORTED) -> None:
    recorded = _query(env, "SELECT file FROM letters ORDER BY file")
    assert len(recorded) == n
    files = [Path(str(r[0])) for r in recorded]
    assert all(f.is_file() for f in files)
    # Every letter file on disk, in any folder, is a recorded one: none twice.
    on_disk = _letter_files(*folders)
    assert on_disk == sorted(f.name for f in files), on_disk
    assert len(set(on_disk)) == n
    assert _query(env, "SELECT count(*) FROM letter_claims") == [(0,)]
    logged = _query(env, "SELECT count(*) FROM contacts WHERE kind = 'letter'")
    assert logged == [(n,)]


@pytest.mark.slow
@pytest.mark.parametrize("same_folder", [False, True], ids=["two folders", "one folder"])
def test_two_runs_at_once_make_each_letter_once(tmp_path: Path, same_folder: bool) -> None:
    env = _prepare(tmp_path)
    a, b = tmp_path / "brev-a", tmp_path / ("brev-a" if same_folder else "brev-b")
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    now = time.time()
    procs = [_start(env, _monthly(out), at=now, barrier=barrier) for out in (a, b)]
    outcomes = [p.communicate(timeout=240) for p in procs]
    for proc, (_out, err) in zip(procs, outcomes, strict=True):
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    _assert_each_letter_once(env, a, b)
    made = [
        int(err.strip().splitlines()[-1].split(": ", 1)[1].split(" new")[0]) for _o, err in outcomes
    ]
    assert sum(made) == REPORTED, outcomes
    assert min(made) >= 1, outcomes  # each held a letter at the barrier, and made it
    # Both runs really went through the letters together: the one that got to a
    # letter second left it to the other and said so.
    assert any("another run at the same time" in err for _o, err in outcomes), outcomes


@pytest.mark.slow
def test_a_run_killed_after_writing_a_letter_loses_and_doubles_nothing(tmp_path: Path) -> None:
    env = _prepare(tmp_path, n=12)
    a, b = tmp_path / "brev-a", tmp_path / "brev-b"
    killed = _start(env, _monthly(a), at=time.time(), kill_after=5)
    killed.communicate(timeout=240)
    assert killed.returncode == -signal.SIGKILL
    # Four letters recorded; the fifth written, claimed and never recorded.
    assert _query(env, "SELECT count(*) FROM letters") == [(4,)]
    left = _query(env, "SELECT file FROM letter_claims")
    assert len(left) == 1 and Path(str(left[0][0])).is_file()
    # The next run goes into another folder: it takes the dead run's claim over and
    # removes the file that run never recorded, so the post room cannot print it twice.
    rerun = subprocess.run(
        [sys.executable, *BOSTAD_ON_ANY_DAY, *_monthly(b)],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert not Path(str(left[0][0])).exists()
    _assert_each_letter_once(env, a, b, n=12)


# Claims held by live and dead processes ---------------------------------------------------


@pytest.fixture
def reported(tmp_path: Path) -> Any:
    db = open_database(tmp_path / "t.sqlite", create=True)
    for i in range(3):
        add_household(
            db,
            NewHousehold(
                tenant_name=f"Hyresgäst {i}",
                street=f"Storgatan {i}",
                postal_code="441 30",
                city="Ängby",
                source="landlord",
                opened_on=date(2026, 11, 2),
            ),
            as_of=date(2026, 11, 16),
        )
    yield db
    db.close()


def _run(db: Any, out: Path) -> letters.BatchResult:
    from golden_letters import CONFIG

    return letters.run_monthly(
        db,  # type: ignore[arg-type]
        config=CONFIG,
        month=date(2026, 11, 1),
        as_of=date(2026, 11, 16),
        out_dir=out,
        fmt="html",
    )


def _hold(db: Any, ref: str, *, pid: int, started: str | None, host: str | None = None) -> None:
    import socket

    hid = rows(db, "SELECT id FROM households WHERE ref = ?", [ref])[0]["id"]
    with db.conn:
        db.execute(
            "INSERT INTO letter_claims VALUES (?, 'outreach', '2026-11', 'other-run', ?, ?, ?, ?,"
            " '2026-11-16T08:00:00+00:00')",
            [hid, host or socket.gethostname(), pid, started, "/nowhere/2026-0001-outreach.html"],
        )


def test_a_live_run_keeps_its_claim_and_a_dead_one_loses_it(reported: Any, tmp_path: Path) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        _hold(
            reported,
            "2026-0001",
            pid=sleeper.pid,
            started=letters._process_started(sleeper.pid),
        )
        first = _run(reported, tmp_path / "a")
        assert [i.ref for i in first.elsewhere] == ["2026-0001"]
        assert sorted(i.ref for i in first.made) == ["2026-0002", "2026-0003"]
        assert not first.failed
    finally:
        sleeper.kill()
        sleeper.wait()
    second = _run(reported, tmp_path / "b")
    assert [i.ref for i in second.made] == ["2026-0001"]
    assert rows(reported, "SELECT count(*) AS n FROM letter_claims")[0]["n"] == 0


def test_a_reused_pid_does_not_keep_a_claim(reported: Any, tmp_path: Path) -> None:
    # The pid is alive (this test's parent), but it started at another moment than the
    # process that claimed the letter: that process is gone.
    _hold(reported, "2026-0002", pid=os.getppid(), started="1")
    result = _run(reported, tmp_path / "a")
    assert len(result.made) == 3 and not result.elsewhere


def test_a_claim_from_another_machine_waits_then_expires(reported: Any, tmp_path: Path) -> None:
    _hold(reported, "2026-0003", pid=1, started=None, host="elsewhere.invalid")
    # Claimed long ago (see _hold): a run that died on the other machine.
    result = _run(reported, tmp_path / "a")
    assert len(result.made) == 3 and not result.elsewhere


def test_a_failed_letter_gives_its_claim_back(reported: Any, tmp_path: Path) -> None:
    with reported.conn:
        reported.execute("UPDATE households SET postal_code = NULL WHERE ref = '2026-0002'")
    result = _run(reported, tmp_path / "a")
    assert [f[0] for f in result.failed] == ["2026-0002"]
    assert rows(reported, "SELECT count(*) AS n FROM letter_claims")[0]["n"] == 0
