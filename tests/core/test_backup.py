"""bostad backup: a consistent, verified, private copy, also while others write."""

import os
import stat
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from bostadcli.backup import backup_database
from bostadcli.db import open_database
from bostadcli.errors import Conflict
from bostadcli.households import NewHousehold, add_household

AS_OF = date(2026, 11, 21)


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    path = tmp_path / "live.sqlite"
    db = open_database(path, create=True)
    for i in range(20):
        add_household(db, NewHousehold(tenant_name=f"Person {i}"), as_of=AS_OF)
    db.close()
    return path


def test_backup_is_private_complete_and_opens(filled: Path, tmp_path: Path) -> None:
    db = open_database(filled)
    (tmp_path / "copies").mkdir()
    result = backup_database(db, tmp_path / "copies")
    dest = Path(result["path"])
    assert dest.parent == tmp_path / "copies"
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    assert result["counts"]["households"] == 20
    copy = open_database(dest)
    assert copy.execute("SELECT count(*) FROM households").fetchone()[0] == 20
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_backup_refuses_to_overwrite(filled: Path, tmp_path: Path) -> None:
    db = open_database(filled)
    dest = tmp_path / "b.sqlite"
    backup_database(db, dest)
    with pytest.raises(Conflict):
        backup_database(db, dest)
    backup_database(db, dest, overwrite=True)
    assert not dest.with_name(dest.name + ".part").exists()


def test_backup_while_another_process_writes(filled: Path, tmp_path: Path) -> None:
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                from datetime import date
                from bostadcli.db import open_database
                from bostadcli.contacts import add_contact
                db = open_database({str(filled)!r})
                for i in range(400):
                    add_contact(db, "2026-0001", kind="note", on=date(2026, 11, 21),
                                text=f"n{{i}}", as_of=date(2026, 11, 21))
                """
            ),
        ],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        db = open_database(filled)
        results = [backup_database(db, tmp_path / f"b{i}.sqlite") for i in range(5)]
    finally:
        assert writer.wait(timeout=120) == 0
    for result in results:
        copy = open_database(result["path"])
        contacts = copy.execute("SELECT count(*) FROM contacts").fetchone()[0]
        assert contacts == result["counts"]["contacts"]
        assert 0 <= contacts <= 400
