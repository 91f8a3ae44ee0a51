"""bostad init --shared GROUP without other accounts: the modes, the recorded group, the
warning, and the errors. (tests/cli/test_shared_server.py has two real users at work.)"""

from __future__ import annotations

import grp
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bostadcli.database_file import sharing_problem
from bostadcli.files import share_with_group
from conftest import Cli


@pytest.fixture(autouse=True)
def back_to_private() -> Iterator[None]:
    """The in-process commands below share this process with the group: undo it."""
    yield
    share_with_group(None)


@pytest.fixture
def mine() -> str:
    """A group this process may give files to: its own."""
    return grp.getgrgid(os.getgid()).gr_name


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_shared_sets_up_the_folder(tmp_path: Path, mine: str) -> None:
    cli = Cli(
        db_path=tmp_path / "srv" / "bostad" / "bostad.sqlite",
        config_path=tmp_path / "srv" / "bostad" / "config.toml",
    )
    old = os.umask(0o077)
    try:
        result = cli.ok("init", "--shared", mine)
    finally:
        os.umask(old)
    assert f"shared with the group {mine}" in result.stderr
    folder = cli.db_path.parent
    assert _mode(folder) == 0o2770
    assert _mode(cli.db_path) == 0o660
    assert _mode(cli.config_path) == 0o660
    assert folder.stat().st_gid == cli.db_path.stat().st_gid == os.getgid()
    # Recorded in the database: a later command writes for the group by itself.
    out = tmp_path / "srv" / "bostad" / "exports" / "households.csv"
    out.parent.mkdir()
    cli.ok("household", "add", "Anna")
    cli.ok("export", "households", "--out", str(out))
    assert _mode(out) == 0o660
    assert cli.ok("init", "--shared", mine).stderr.count("exists already") == 2
    assert _mode(folder) == 0o2770


def test_an_existing_private_database_becomes_the_groups(initialised: Cli, mine: str) -> None:
    assert _mode(initialised.db_path) == 0o600
    initialised.ok("household", "add", "Anna")
    initialised.ok("init", "--shared", mine)
    assert _mode(initialised.db_path) == 0o660
    assert _mode(initialised.db_path.parent) == 0o2770
    listed = json.loads(initialised.ok("household", "list", "-f", "json").stdout)
    assert [r["tenant"] for r in listed] == ["Anna"]


def test_an_unknown_group_is_refused_and_nothing_is_made(tmp_path: Path) -> None:
    cli = Cli(db_path=tmp_path / "b" / "bostad.sqlite", config_path=tmp_path / "b" / "c.toml")
    result = cli("init", "--shared", "no-such-group-here")
    assert result.exit_code == 1
    assert result.stderr == "error: --shared: no such group on this machine: 'no-such-group-here'\n"
    assert not (tmp_path / "b").exists()


def test_the_warning_knows_the_group(tmp_path: Path) -> None:
    path = tmp_path / "db"
    path.write_text("x")
    os.chmod(path, 0o600)
    assert sharing_problem(path, None) is None
    os.chmod(path, 0o640)
    assert "can be read by other users" in (sharing_problem(path, None) or "")
    gid = path.stat().st_gid
    os.chmod(path, 0o660)
    assert sharing_problem(path, ("unit", gid)) is None
    os.chmod(path, 0o664)
    assert "not the group unit's alone" in (sharing_problem(path, ("unit", gid)) or "")
    os.chmod(path, 0o660)
    assert "not the group unit's alone" in (sharing_problem(path, ("unit", gid + 1)) or "")
    os.chmod(path, 0o600)
    assert "cannot write" in (sharing_problem(path, ("unit", gid)) or "")
