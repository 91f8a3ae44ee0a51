"""Every command that writes a file: never the database, never a special file, never a
replacement without --force, never a half-written file, never a temporary left for good.

One rule for all writers, so the tests run each attack against each of them.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bostadcli import files
from bostadcli.errors import Conflict, InvalidInput
from conftest import Cli

AS_OF = ["--as-of", "2026-11-16"]
SRC = Path(__file__).resolve().parents[2] / "src"

# Each writer as a command line ending in the file to write, '{target}'.
WRITERS: dict[str, list[str]] = {
    "export table": ["export", "households", "--out", "{target}"],
    "export household": ["export", "household", "2026-0001", "--out", "{target}"],
    "report year": ["report", "year", "--format", "csv", *AS_OF, "--out", "{target}"],
    "letter render": ["letter", "render", "2026-0001", "outreach", "-f", "txt", *AS_OF,
                      "--no-record", "--out", "{target}"],
    "backup": ["backup", "{target}"],
}  # fmt: skip
FORCE = {name: "--force" for name in WRITERS}


CONFIG_TOML = """\
[letterhead]
organisation = "Ängby kommun"
unit = "Socialförvaltningen, Boendeenheten"
street = "Stora torget 1"
postal_code = "441 81"
city = "Ängby"
phone = "08-465 004 00"
email = "boende@angby.example"
socialjouren_phone = "08-465 004 01"
"""


@pytest.fixture
def case(initialised: Cli) -> Cli:
    initialised.config_path.write_text(CONFIG_TOML, encoding="utf-8")
    initialised.ok("household", "add", "Anna Andersson", "--street", "Gatan 1", *AS_OF)
    return initialised


def argv(name: str, target: Path | str, *extra: str) -> list[str]:
    return [str(target) if a == "{target}" else a for a in WRITERS[name]] + list(extra)


def no_temporaries(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if files.is_temporary(p)]


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("which", ["database", "-wal", "-shm", "hard link", "via ..", "symlink"])
def test_the_database_is_never_a_target(case: Cli, tmp_path: Path, writer: str, which: str) -> None:
    db = case.db_path
    before = case.dump()
    size = db.stat().st_size
    target: Path
    if which == "database":
        target = db
    elif which in ("-wal", "-shm"):
        target = db.with_name(db.name + which)  # whether it exists or not
    elif which == "hard link":
        target = tmp_path / "innocent.csv"
        os.link(db, target)
    elif which == "via ..":
        (tmp_path / "sub").mkdir()
        target = tmp_path / "sub" / ".." / db.name
    else:
        target = tmp_path / "link.csv"
        target.symlink_to(db)
    result = case(*argv(writer, target, FORCE[writer]))
    assert result.exit_code == 1, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert case.dump() == before
    assert db.stat().st_size == size
    check = case("db", "check")
    assert check.exit_code == 0, check.stderr


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("kind", ["fifo", "device", "socket", "folder for a file"])
def test_special_files_are_refused(case: Cli, tmp_path: Path, writer: str, kind: str) -> None:
    if kind == "fifo":
        target = tmp_path / "pipe"
        os.mkfifo(target)
    elif kind == "device":
        target = Path("/dev/null")
    elif kind == "socket":
        target = tmp_path / "s.sock"
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(target))
        sock.close()
    else:
        if writer == "backup":
            pytest.skip("backup takes a folder and names the copy in it")
        target = tmp_path
    result = case(*argv(writer, target, FORCE[writer]))
    assert result.exit_code == 1, result.stderr
    assert result.stderr.count("\n") == 1
    assert not no_temporaries(tmp_path)


@pytest.mark.parametrize("writer", WRITERS)
def test_a_symlink_is_not_followed_out_of_the_folder(
    case: Cli, tmp_path: Path, writer: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "keep.txt"
    secret.write_text("keep me")
    here = tmp_path / "here"
    here.mkdir()
    (here / "out.csv").symlink_to(secret)
    result = case(*argv(writer, here / "out.csv", FORCE[writer]))
    assert result.exit_code == 1
    assert "symbolic link" in result.stderr
    assert secret.read_text() == "keep me"
    # A dangling link, where the file would be created at the link's target, too.
    (here / "new.csv").symlink_to(outside / "made.csv")
    assert case(*argv(writer, here / "new.csv")).exit_code == 1
    assert not (outside / "made.csv").exists()


@pytest.mark.parametrize("writer", WRITERS)
def test_an_existing_file_is_replaced_only_with_force(
    case: Cli, tmp_path: Path, writer: str
) -> None:
    target = tmp_path / "out.file"
    target.write_text("earlier work")
    refused = case(*argv(writer, target))
    assert refused.exit_code == 1
    assert "--force" in refused.stderr
    assert target.read_text() == "earlier work"
    forced = case(*argv(writer, target, FORCE[writer]))
    assert forced.exit_code == 0, forced.stderr
    assert target.read_bytes() != b"earlier work"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not no_temporaries(tmp_path)


def test_backup_overwrite_still_works_as_the_old_name_of_force(case: Cli, tmp_path: Path) -> None:
    target = tmp_path / "b.sqlite"
    case.ok("backup", str(target))
    assert case("backup", str(target)).exit_code == 1
    case.ok("backup", str(target), "--overwrite")
    assert "--overwrite" not in case.ok("backup", "--help").stdout


def test_backup_into_a_missing_folder_is_an_error(case: Cli, tmp_path: Path) -> None:
    result = case("backup", f"{tmp_path}/nosuch/")
    assert result.exit_code == 1
    assert "nosuch" in result.stderr
    assert not (tmp_path / "nosuch").exists()


def test_a_failed_export_leaves_nothing(case: Cli, tmp_path: Path) -> None:
    # Refused for lack of consent after the file was opened: no file, no temporary.
    target = tmp_path / "for-landlord.csv"
    result = case("export", "households", "--recipient", "landlord", "--out", str(target))
    assert result.exit_code == 1
    assert not target.exists()
    assert not no_temporaries(tmp_path)


# The target check and the writer, directly ----------------------------------------------


def test_check_target_by_inode_and_by_resolved_path(tmp_path: Path) -> None:
    db = tmp_path / "x.sqlite"
    db.write_bytes(b"data")
    protect = files.database_files_at(db)
    with pytest.raises(InvalidInput, match="database"):
        files.check_target(db, field="--out", force=True, protect=protect)
    with pytest.raises(InvalidInput, match="database"):
        files.check_target(tmp_path / "x.sqlite-wal", field="--out", protect=protect)
    other = tmp_path / "other.csv"
    other.write_text("x")
    with pytest.raises(Conflict):
        files.check_target(other, field="--out", protect=protect)
    assert files.check_target(other, field="--out", force=True, protect=protect) == other


def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    files.write_private_file(target, "first")
    with pytest.raises(RuntimeError), files.private_output(target, field="--out", force=True) as fh:
        fh.write("half of the second")
        raise RuntimeError("killed")
    assert target.read_text() == "first"
    assert no_temporaries(tmp_path) == []


def test_a_file_that_appears_meanwhile_is_not_replaced(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    with pytest.raises(Conflict), files.private_output(target, field="--out") as fh:
        fh.write("mine")
        target.write_text("theirs")  # another program, between the check and the rename
    assert target.read_text() == "theirs"
    assert no_temporaries(tmp_path) == []


def test_stale_temporaries_are_recognised_and_removed(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    dead_pid = int(dead.stdout)
    stale = tmp_path / f".bostad-tmp-export.csv-{dead_pid}-0123abcd"
    old_letter = tmp_path / f".2026-0001-outreach.pdf.{dead_pid}.bostad-tmp"
    not_ours = tmp_path / f".export.csv.{dead_pid}.tmp"  # another program's name, too
    mine = files.temporary_path(tmp_path / "live.csv")
    for path in (stale, old_letter, not_ours, mine):
        path.write_text("personnummer")
    old = tmp_path / f".bostad-tmp-old-{os.getpid()}-89abcdef"
    old.write_text("x")
    os.utime(old, (time.time() - 2 * 86400,) * 2)
    user_file = tmp_path / ".bostad-tmp-notes"  # no pid and token: not ours
    user_file.write_text("x")
    removed = files.remove_stale_temporaries(tmp_path)
    assert sorted(p.name for p in removed) == sorted([stale.name, old_letter.name, old.name])
    assert mine.exists() and user_file.exists() and not_ours.exists()


KILLED_WRITER = """
import sys, time
sys.path[:0] = [{src!r}]
{patch}
from bostadcli.cli.app import app
sys.argv = ["bostad", *{args!r}]
app()
"""
SLOW_EXPORT = """
from bostadcli import export as exporting
real = exporting.export_table
def slow(db, name, stream, **kw):
    stream.write("personnummer,19811218-9876\\n")
    stream.flush()
    print("writing", flush=True)
    time.sleep(60)
exporting.export_table = slow
"""
SLOW_BACKUP = """
import sqlite3
from bostadcli import backup
real = backup._counts
calls = []
def slow(conn):
    calls.append(1)
    if len(calls) == 2:
        print("writing", flush=True)
        time.sleep(60)
    return real(conn)
backup._counts = slow
"""


@pytest.mark.parametrize(
    ("patch", "args"),
    [
        (SLOW_EXPORT, ["export", "households", "--out", "{out}/export.csv"]),
        (SLOW_BACKUP, ["backup", "{out}/copy.sqlite"]),
    ],
    ids=["export", "backup"],
)
def test_a_killed_writer_leaves_no_temporary_for_good(
    case: Cli, tmp_path: Path, patch: str, args: list[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    script = KILLED_WRITER.format(
        src=str(SRC), patch=patch, args=[a.replace("{out}", str(out)) for a in args]
    )
    env = os.environ | {"BOSTAD_DB": str(case.db_path), "BOSTAD_CONFIG": str(case.config_path)}
    proc = subprocess.Popen(
        [sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip() == b"writing", proc.stderr.read() if proc.stderr else b""
        left = no_temporaries(out)
        assert len(left) == 1 and left[0].startswith(".bostad-tmp-")
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()
    assert len(no_temporaries(out)) == 1  # the killed process could not clean up
    # 'db check' knows the folder (listed when the temporary was made) and removes it.
    check = case("db", "check")
    assert check.exit_code == 0, check.stderr
    assert "Removed 1 temporary file" in check.stderr
    assert no_temporaries(out) == []
    assert not (out / "export.csv").exists() and not (out / "copy.sqlite").exists()


def test_the_next_run_removes_a_dead_temporary_in_its_folder(case: Cli, tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    folder = tmp_path / "exports"  # a folder this test process has not written to yet
    folder.mkdir()
    left = folder / f".bostad-tmp-export.csv-{int(dead.stdout)}-0123abcd"
    left.write_text("19811218-9876")
    case.ok("export", "households", "--out", str(folder / "new.csv"))
    assert not left.exists()


# The database itself -----------------------------------------------------------------


def corrupt(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'households'").fetchone()
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    start = (root[0] - 1) * page
    data[start : start + 400] = b"\x07" * 400
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "command",
    [
        ["household", "list"],
        ["household", "show", "2026-0001"],
        ["report", "caseload"],
        ["report", "deadlines", *AS_OF],
        ["export", "households"],
        ["db", "check"],
        ["db", "check", "--json"],
        ["household", "add", "Bo Berg"],
        ["letter", "monthly", "--dry-run", *AS_OF],
        ["audit", "--household", "2026-0001"],
    ],
)
def test_a_damaged_database_is_one_line_with_the_restore_advice(
    case: Cli, command: list[str]
) -> None:
    corrupt(case.db_path)
    result = case(*command)
    assert result.exit_code == 1, result.stdout
    assert result.stderr.count("\n") == 1, result.stderr
    assert "damaged" in result.stderr and "backup" in result.stderr


def test_a_database_removed_underneath_a_command_is_not_a_success(
    case: Cli, tmp_path: Path
) -> None:
    from bostadcli.db import open_database, transaction
    from bostadcli.errors import BostadError

    db = open_database(case.db_path)
    try:
        for suffix in ("", "-wal", "-shm"):
            case.db_path.with_name(case.db_path.name + suffix).unlink(missing_ok=True)
        with pytest.raises(BostadError, match="removed or replaced"), transaction(db):
            db.execute("INSERT INTO counters (name, value) VALUES ('x', 1)")
    finally:
        db.close()


NOT_OURS: dict[str, Callable[[Path], None]] = {
    "empty file": lambda p: p.write_bytes(b""),
    "text file": lambda p: p.write_text("name,amount\n" * 100),
    "another program's SQLite": lambda p: sqlite3.connect(p).executescript(
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes VALUES (1, 'x');"
    ),
    "an empty SQLite file": lambda p: sqlite3.connect(p).execute("PRAGMA user_version = 1"),
}


@pytest.mark.parametrize("kind", NOT_OURS)
@pytest.mark.parametrize(
    "command", [["init"], ["household", "list"], ["household", "add", "Bo"], ["db", "status"]]
)
def test_a_file_that_is_not_a_bostadcli_database_is_refused(
    cli: Cli, kind: str, command: list[str]
) -> None:
    NOT_OURS[kind](cli.db_path)
    before = cli.db_path.read_bytes()
    result = cli(*command)
    assert result.exit_code == 1, result.stderr
    assert result.stderr.count("\n") == 1
    assert "not" in result.stderr and str(cli.db_path) in result.stderr
    assert cli.db_path.read_bytes() == before


@pytest.mark.parametrize(
    "command", [["household", "list"], ["db", "status"], ["report", "caseload"], ["db", "check"]]
)
def test_commands_refuse_to_run_before_init(cli: Cli, command: list[str]) -> None:
    result = cli(*command)
    assert result.exit_code == 1
    assert "bostad init" in result.stderr and result.stderr.count("\n") == 1
    assert not cli.db_path.exists()


def test_new_and_old_databases_are_marked(case: Cli, tmp_path: Path) -> None:
    from bostadcli.db import APPLICATION_ID, open_database
    from bostadcli.migrations import migrations

    conn = sqlite3.connect(case.db_path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()
    # A database made before the mark (migrations up to 0013): recognised and marked.
    from sqlite_utils import Database

    path = tmp_path / "old.sqlite"
    old = Database(sqlite3.connect(path))
    migrations.apply(old, stop_before="0014_application_id")
    assert old.execute("PRAGMA application_id").fetchone()[0] == 0
    old.close()
    db = open_database(path)
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    db.close()


def test_a_database_of_a_newer_version_is_read_but_not_written(case: Cli) -> None:
    conn = sqlite3.connect(case.db_path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('bostadcli', '0099_from_the_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()
    before = case.dump()
    assert "Anna Andersson" in case.ok("household", "list", "-f", "csv").stdout
    refused = case("household", "add", "Bo Berg")
    assert refused.exit_code == 1
    assert "newer bostadcli" in refused.stderr and "0099_from_the_future" in refused.stderr
    assert case.dump() == before


def test_init_makes_the_database_whole(cli: Cli, tmp_path: Path) -> None:
    cli.ok("init")
    assert not no_temporaries(cli.db_path.parent)
    assert stat.S_IMODE(cli.db_path.stat().st_mode) == 0o600
    assert cli.ok("db", "status", "-f", "csv").stdout.count("\n") > 10
