"""A shared caseload gives the group the unit's files only, never the caseworker's own.

The holiday cache, the list of folders with temporaries and the folders above them
(``~/.cache/bostadcli``, ``~/.local/state/bostadcli``, ``~/.local``) stay owner-only
when the database is shared; ``init --shared`` refuses a folder that holds more than the
database (a home folder); and a holiday cache someone else could have written is not
used. The tests with two real accounts need root (as in CI) and are skipped elsewhere;
the others run anywhere.
"""

from __future__ import annotations

import contextlib
import grp
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from bostadcli import workdays
from bostadcli.files import share_with_group
from conftest import Cli

NEEDED = ("useradd", "userdel", "groupadd", "groupdel", "runuser")
needs_root = pytest.mark.skipif(
    not sys.platform.startswith("linux")
    or os.geteuid() != 0
    or any(shutil.which(tool) is None for tool in NEEDED),
    reason="creates operating-system accounts: needs root on Linux with useradd and runuser",
)

NOTICE = (
    "--kind",
    "termination",
    "--terminated",
    "2026-11-15",
    "--served",
    "2026-11-20",
    "--notified",
    "2026-11-25",
)
# The recovery deadline of that notice, counted with the real holidays.
TRUE_DEADLINE = "Recovery deadline 2026-12-16"
# A holiday table a colleague would plant: every day of December a holiday.
FAKE = {
    "year": 2026,
    "holidays": {f"2026-12-{day:02d}": "Falsk helgdag" for day in range(1, 32)},
}


@pytest.fixture(autouse=True)
def fresh_process_state() -> Iterator[None]:
    """In-process commands share this process with the group and keep a year's
    holidays in memory: undo both."""
    workdays._holidays.cache_clear()
    yield
    share_with_group(None)
    workdays._holidays.cache_clear()


@pytest.fixture
def mine() -> str:
    """A group this process may give files to: its own."""
    return grp.getgrgid(os.getgid()).gr_name


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder of the test's, with the XDG folders at their defaults under it."""
    folder = tmp_path / "home"
    folder.mkdir(mode=0o755)
    (folder / ".bashrc").write_text("# the user's own\n")
    monkeypatch.setenv("HOME", str(folder))
    for name in ("XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    return folder


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def _cache_files(home: Path) -> list[Path]:
    return sorted((home / ".cache" / "bostadcli").glob("holidays-SE-2026-*.json"))


# Without other accounts --------------------------------------------------------------


def test_the_users_own_folders_stay_private_when_shared(
    tmp_path: Path, home: Path, mine: str
) -> None:
    srv = tmp_path / "srv" / "bostad"
    cli = Cli(db_path=srv / "bostad.sqlite", config_path=srv / "config.toml")
    cli.ok("init", "--shared", mine)
    cli.ok("household", "add", "Anna")
    assert TRUE_DEADLINE in cli.ok("notice", "add", "2026-0001", *NOTICE).stdout
    cli.ok("export", "households", "--out", str(srv / "h.csv"))
    # The unit's files are the group's ...
    assert _mode(srv) == 0o2770
    assert _mode(srv / "h.csv") == _mode(cli.db_path) == 0o660
    # ... the user's own are not, nor the folders made above them.
    for folder in (
        home / ".cache",
        home / ".cache" / "bostadcli",
        home / ".local",
        home / ".local" / "state",
        home / ".local" / "state" / "bostadcli",
    ):
        assert _mode(folder) == 0o700, (folder, oct(_mode(folder)))
    for file in [
        *_cache_files(home),
        home / ".local" / "state" / "bostadcli" / "temporary-folders",
    ]:
        assert _mode(file) == 0o600, (file, oct(_mode(file)))
    assert _cache_files(home)
    assert _mode(home) == 0o755


@pytest.mark.parametrize(
    "where",
    [
        "home",  # --db ~/bostad.sqlite
        "home/.local/share/bostadcli",  # the default database folder
        "home/.config/bostadcli",
        "home/.cache/bostadcli",
        "home/.local",
        ".",  # a folder above the home folder
        "dotted",  # a folder with someone's hidden files in it
        "open",  # a folder everyone may write to
        "sticky",  # one like /tmp
    ],
)
def test_init_shared_refuses_a_folder_that_is_not_the_databases_own(
    tmp_path: Path, home: Path, mine: str, where: str
) -> None:
    (tmp_path / "dotted").mkdir(mode=0o755)
    (tmp_path / "dotted" / ".profile").write_text("PATH=$HOME/.local/bin:$PATH\n")
    for name, mode in (("open", 0o777), ("sticky", 0o1777)):
        (tmp_path / name).mkdir()
        os.chmod(tmp_path / name, mode)
    folder = tmp_path / where
    seen = [tmp_path, home, *(tmp_path / name for name in ("dotted", "open", "sticky"))]
    before = {p: (_mode(p), p.stat().st_gid) for p in seen}
    cli = Cli(db_path=folder / "bostad.sqlite", config_path=tmp_path / "c" / "config.toml")
    result = cli("init", "--shared", mine)
    assert result.exit_code == 1, result.stdout
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: cannot share {folder.resolve()} with the group")
    assert "put the database in a folder of its own" in result.stderr
    assert not cli.db_path.exists()
    assert not (tmp_path / "c").exists()
    assert {p: (_mode(p), p.stat().st_gid) for p in before} == before


def test_a_folder_of_the_databases_own_in_the_home_folder_is_shared(home: Path, mine: str) -> None:
    cli = Cli(db_path=home / "unit" / "bostad.sqlite", config_path=home / "unit" / "c.toml")
    cli.ok("init", "--shared", mine)
    assert _mode(home / "unit") == 0o2770
    assert _mode(home) == 0o755
    # Run again (temporaries of a killed command in it are no one's files): still fine.
    (home / "unit" / ".bostad-tmp-bostad.sqlite-99999999-0badcafe").write_bytes(b"")
    cli.ok("init", "--shared", mine)


def test_folders_an_earlier_version_gave_to_the_group_are_taken_back(
    tmp_path: Path, home: Path, mine: str
) -> None:
    srv = tmp_path / "srv" / "bostad"
    cli = Cli(db_path=srv / "bostad.sqlite", config_path=srv / "config.toml")
    cli.ok("init", "--shared", mine)
    cli.ok("household", "add", "Anna")
    given = [home / ".local", home / ".local" / "state", home / ".cache" / "bostadcli"]
    other = home / ".cache"
    for folder in given:
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o2770)
    os.chmod(other, 0o2775)  # not as that version left it: the user's own doing
    share_with_group(None)
    cli.ok("household", "list")
    assert {f: _mode(f) for f in given} == dict.fromkeys(given, 0o700)
    assert _mode(other) == 0o2775
    # Not shared: nothing is touched.
    os.chmod(home / ".local", 0o2770)
    private = Cli(db_path=tmp_path / "own" / "b.sqlite", config_path=tmp_path / "own" / "c.toml")
    private.ok("init")
    share_with_group(None)
    private.ok("household", "list")
    assert _mode(home / ".local") == 0o2770


@pytest.mark.parametrize("how", ["group-writable", "others-writable"])
def test_a_holiday_cache_others_could_write_is_not_used(
    initialised: Cli, home: Path, how: str
) -> None:
    initialised.ok("household", "add", "Anna")
    assert TRUE_DEADLINE in initialised.ok("notice", "add", "2026-0001", *NOTICE).stdout
    (cache,) = _cache_files(home)
    cache.write_text(json.dumps(FAKE), encoding="utf-8")
    os.chmod(cache, 0o660 if how == "group-writable" else 0o606)
    workdays._holidays.cache_clear()
    initialised.ok("household", "add", "Bertil")
    assert TRUE_DEADLINE in initialised.ok("notice", "add", "2026-0002", *NOTICE).stdout
    # Written afresh, the user's alone.
    (cache,) = _cache_files(home)
    assert _mode(cache) == 0o600
    assert "Falsk" not in cache.read_text(encoding="utf-8")


def test_a_holiday_cache_behind_a_symbolic_link_is_not_used(home: Path, tmp_path: Path) -> None:
    workdays._holidays(2026)
    (cache,) = _cache_files(home)
    planted = tmp_path / "planted.json"
    planted.write_text(json.dumps(FAKE), encoding="utf-8")
    os.chmod(planted, 0o600)
    cache.unlink()
    cache.symlink_to(planted)
    workdays._holidays.cache_clear()
    assert workdays.non_working_reason(date(2026, 12, 1)) is None


def test_a_private_holiday_cache_is_still_used(home: Path) -> None:
    workdays._holidays(2026)
    (cache,) = _cache_files(home)
    cache.write_text(json.dumps(FAKE), encoding="utf-8")
    os.chmod(cache, 0o600)
    workdays._holidays.cache_clear()
    # The user's own file, writable by no one else: it is the cache (what it says is the
    # user's own doing), so the check above is what keeps colleagues out.
    assert workdays.non_working_reason(date(2026, 12, 1)) == "Falsk helgdag"


# With real accounts ------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    srv: Path
    group: str
    gid: int
    karin: str
    omar: str


def _run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True, text=True)


@contextlib.contextmanager
def _reachable(paths: list[Path]) -> Iterator[None]:
    """Let other accounts reach the interpreter and the code (o+x on each folder above
    them that lacks it), and put every folder back as it was."""
    changed: dict[Path, int] = {}
    for path in paths:
        for folder in [path, *path.parents] if path.is_dir() else list(path.parents):
            mode = folder.stat().st_mode
            if not mode & stat.S_IXOTH and folder not in changed:
                changed[folder] = stat.S_IMODE(mode)
                os.chmod(folder, stat.S_IMODE(mode) | stat.S_IXOTH)
    try:
        yield
    finally:
        for folder, mode in changed.items():
            os.chmod(folder, mode)


def _code_paths() -> list[Path]:
    import bostadcli

    return [
        Path(sys.executable).resolve(),
        Path(sys.prefix),
        Path(sys.base_prefix),
        Path(bostadcli.__file__).resolve().parent.parent,
    ]


@pytest.fixture(scope="module")
def unit() -> Iterator[Unit]:
    tag = f"{os.getpid() % 100000}"
    group, karin, omar = f"bostadpg{tag}", f"bostadpk{tag}", f"bostadpo{tag}"
    base = Path(tempfile.mkdtemp(prefix="bostad-private-"))
    os.chmod(base, 0o755)
    made_users: list[str] = []
    made_group = False
    try:
        _run("groupadd", group)
        made_group = True
        for user in (karin, omar):
            # A home folder as Debian makes one: the skeleton's dotfiles in it.
            _run("useradd", "-m", "-N", "-s", "/bin/sh", "-G", group, user)
            made_users.append(user)
            os.chmod(_home(user), 0o755)  # others may pass: the tool's modes must hold
        with _reachable(_code_paths()):
            yield Unit(
                srv=base / "bostad",
                group=group,
                gid=grp.getgrnam(group).gr_gid,
                karin=karin,
                omar=omar,
            )
    finally:
        for user in made_users:
            subprocess.run(["userdel", "-r", user], capture_output=True)
        if made_group:
            subprocess.run(["groupdel", group], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def _home(user: str) -> Path:
    import pwd

    return Path(pwd.getpwnam(user).pw_dir)


def as_user(
    unit: Unit, user: str | None, *args: str, db: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command as ``user`` (None: root) with the login's own HOME, umask 022."""
    env = {
        "HOME": str(_home(user)) if user else "/root",
        "BOSTAD_DB": str(db or unit.srv / "bostad.sqlite"),
        "BOSTAD_CONFIG": str(unit.srv / "config.toml"),
        "BOSTAD_LANG": "en",
        "PATH": "/usr/bin:/bin",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    if "PYTHONPATH" in os.environ:  # the code under test, when it is not installed
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    command = ["sh", "-c", 'umask 022; exec "$@"', "sh", "env", "-i"]
    command += [*(f"{k}={v}" for k, v in env.items()), *args]
    if user is not None:
        command = ["runuser", "-u", user, "--", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def bostad(unit: Unit, user: str | None, *args: str, db: Path | None = None) -> str:
    result = as_user(unit, user, sys.executable, "-m", "bostadcli", *args, db=db)
    assert result.returncode == 0, (args, result.stderr)
    return result.stdout + result.stderr


@needs_root
def test_a_colleague_gets_nothing_of_a_caseworkers_home(unit: Unit) -> None:
    bostad(unit, None, "init", "--shared", unit.group)
    bostad(unit, unit.omar, "household", "add", "HusEtt")
    assert TRUE_DEADLINE in bostad(unit, unit.omar, "notice", "add", "2026-0001", *NOTICE)
    home = _home(unit.omar)
    # Nothing in Omar's home is the group's, and what the tool made there is his alone.
    for path in [home, *home.rglob("*")]:
        assert path.lstat().st_gid != unit.gid, path
    for folder in (".local", ".local/state", ".local/state/bostadcli", ".cache/bostadcli"):
        assert _mode(home / folder) == 0o700, folder
    (cache,) = _cache_files(home)
    assert _mode(cache) == 0o600
    # Karin can neither plant programs in ~omar/.local/bin nor touch his holidays.
    for attempt in (
        ["mkdir", str(home / ".local" / "bin")],
        ["sh", "-c", f"echo x > {cache}"],
        ["ls", str(home / ".cache" / "bostadcli")],
    ):
        assert as_user(unit, unit.karin, *attempt).returncode != 0, attempt

    # The folders and cache an earlier version gave to the group: Karin edits the cache,
    # or puts her own in its place. Omar's next notice is counted with the real holidays
    # all the same, and his command makes the folders his alone again.
    given = [home / f for f in (".cache", ".cache/bostadcli", ".local", ".local/state")]
    given.append(home / ".local" / "state" / "bostadcli")

    def as_the_old_version_left_them() -> None:
        for folder in given:
            os.chown(folder, -1, unit.gid)
            os.chmod(folder, 0o2770)

    as_the_old_version_left_them()
    os.chown(cache, -1, unit.gid)
    os.chmod(cache, 0o660)
    assert as_user(unit, unit.karin, "mkdir", str(home / ".local" / "bin")).returncode == 0
    os.rmdir(home / ".local" / "bin")
    edit = f"printf '%s' '{json.dumps(FAKE)}' > {cache}"
    assert as_user(unit, unit.karin, "sh", "-c", edit).returncode == 0
    bostad(unit, unit.omar, "household", "add", "HusTva")
    assert TRUE_DEADLINE in bostad(unit, unit.omar, "notice", "add", "2026-0002", *NOTICE)
    assert {f: _mode(f) for f in given} == dict.fromkeys(given, 0o700)
    assert as_user(unit, unit.karin, "mkdir", str(home / ".local" / "bin")).returncode != 0

    as_the_old_version_left_them()
    (cache,) = _cache_files(home)
    replace = f"printf '%s' '{json.dumps(FAKE)}' > {cache}.new && chmod 644 {cache}.new"
    replace += f" && mv -f {cache}.new {cache}"
    assert as_user(unit, unit.karin, "sh", "-c", replace).returncode == 0
    assert cache.stat().st_uid != os.stat(home).st_uid
    bostad(unit, unit.omar, "household", "add", "HusTre")
    assert TRUE_DEADLINE in bostad(unit, unit.omar, "notice", "add", "2026-0003", *NOTICE)
    (cache,) = _cache_files(home)
    assert cache.stat().st_uid == os.stat(home).st_uid


@needs_root
def test_init_shared_will_not_give_a_folder_of_homes_to_the_group(unit: Unit) -> None:
    people = unit.srv.parent / "people"
    people.mkdir(mode=0o755)
    someone = f"bostadph{os.getpid() % 100000}"
    _run("useradd", "-m", "-N", "-s", "/bin/sh", "-d", str(people / someone), someone)
    try:
        result = as_user(
            unit,
            None,
            *(sys.executable, "-m", "bostadcli", "init", "--shared", unit.group),
            db=people / "bostad.sqlite",
        )
        assert result.returncode == 1, result.stdout
        assert f"it holds {someone}, which is not the database's" in result.stderr
        assert _mode(people) == 0o755 and people.stat().st_gid == 0
    finally:
        subprocess.run(["userdel", "-r", someone], capture_output=True)


@needs_root
def test_init_shared_will_not_give_a_home_folder_to_the_group(unit: Unit) -> None:
    home = _home(unit.karin)
    before = (_mode(home), home.stat().st_gid)
    for user in (unit.karin, None):
        result = as_user(
            unit,
            user,
            sys.executable,
            "-m",
            "bostadcli",
            "init",
            "--shared",
            unit.group,
            db=home / "bostad.sqlite",
        )
        assert result.returncode == 1, result.stdout
        assert result.stderr.count("\n") == 1, result.stderr
        assert f"cannot share {home} with the group {unit.group}" in result.stderr
        assert (_mode(home), home.stat().st_gid) == before
        assert not (home / "bostad.sqlite").exists()
