"""Everything the tool writes with personal data is readable by its owner only.

The database (and SQLite's -wal and -shm beside it), the config file, exports written
with --out, letters and their folders, the monthly manifest and print file, backups and
the demo: files 0600, folders 0700, whatever the umask, including the folders made on
the way to a new --out-dir.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Cli

AS_OF = ["--as-of", "2026-11-16"]

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


@pytest.fixture(params=[0o022, 0o000], ids=["umask-022", "umask-000"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """The usual umask, and none at all: the modes must not come from it."""
    previous = os.umask(request.param)
    yield request.param
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): mode(p) for p in sorted(root.rglob("*"))}


def assert_private(root: Path) -> None:
    wrong = {
        name: oct(m)
        for name, m in modes(root).items()
        if m != (0o700 if (root / name).is_dir() else 0o600)
    }
    assert wrong == {}


def test_everything_written_is_owner_only(tmp_path: Path, umask: int) -> None:
    home = tmp_path / "home"  # stands for the user's folders: made by the test, not the tool
    home.mkdir(mode=0o755)
    data = home / "data"
    cli = Cli(db_path=data / "bostadcli" / "bostad.sqlite", config_path=data / "conf" / "c.toml")
    cli.ok("init")
    cli.config_path.write_text(CONFIG_TOML, encoding="utf-8")
    ref = cli.ok(
        "household",
        "add",
        "Åsa Öberg",
        "--pnr",
        "19811218-9876",
        "--street",
        "Storgatan 1",
        "--postal-code",
        "441 30",
        "--city",
        "Ängby",
        "--opened",
        "2026-11-02",
        *AS_OF,
    ).stdout.strip()
    out = home / "ut"
    out.mkdir(mode=0o755)
    cli.ok("export", "households", "--include-pnr", "--out", str(out / "hushall.csv"))
    cli.ok("export", "household", ref, "--include-pnr", "--out", str(out / f"{ref}.json"))
    cli.ok("letter", "render", ref, "outreach", "-f", "html", "--out", str(out / "brev.html"))
    cli.ok("report", "year", "--format", "json", "--out", str(out / "ar.json"), *AS_OF)
    # The one-off letter counts as the first household's outreach; the batch writes to
    # another. A new folder several levels down: every level made is private.
    other = cli.ok(
        "household",
        "add",
        "Bo Ek",
        "--street",
        "Lillgatan 2",
        "--postal-code",
        "441 30",
        "--opened",
        "2026-11-03",
        *AS_OF,
    ).stdout.strip()
    monthly = out / "post" / "2026" / "brev-11"
    cli.ok(
        "letter", "monthly", "-f", "html", "--out-dir", str(monthly), "--month", "2026-11", *AS_OF
    )
    cli.ok("backup", str(home / "backup" / "natt" / "kopia.sqlite"))
    cli.ok("backup", str(home / "backup" / "natt"))  # a folder: a timestamped file in it

    made = {p.name for p in out.iterdir()}
    assert made == {"ar.json", "brev.html", f"{ref}.json", "hushall.csv", "post"}
    assert {p.name for p in monthly.iterdir()} == {
        f"{other}-outreach.html",
        "manifest-2026-11.csv",
    }
    assert len(list((home / "backup" / "natt").iterdir())) == 2
    assert_private(data)
    assert_private(out)
    assert_private(home / "backup")

    # While the database is open, SQLite's companion files are as private as the file.
    conn = sqlite3.connect(cli.db_path)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("SELECT count(*) FROM households").fetchone()
        companions = [Path(f"{cli.db_path}-wal"), Path(f"{cli.db_path}-shm")]
        assert all(p.exists() for p in companions)
        assert [mode(p) for p in companions] == [0o600, 0o600]
    finally:
        conn.close()
    # The user's own folders were left as they were.
    assert mode(home) == 0o755 and mode(out) == 0o755


def test_demo_is_owner_only(tmp_path: Path, umask: int) -> None:
    cli = Cli(db_path=tmp_path / "unused.sqlite", config_path=tmp_path / "unused.toml")
    demo = tmp_path / "prov" / "demo"
    result = cli("demo", "--out", str(demo))
    assert result.exit_code in (0, 3), result.stderr  # 3: no PDF engine on this machine
    assert_private(tmp_path / "prov")


def test_an_existing_database_readable_by_others_is_warned_about(initialised: Cli) -> None:
    os.chmod(initialised.db_path, 0o644)
    result = initialised("household", "list")
    assert result.exit_code == 0
    assert f"chmod 600 {initialised.db_path}" in result.stderr
    os.chmod(initialised.db_path, 0o600)
    assert "chmod" not in initialised("household", "list").stderr
