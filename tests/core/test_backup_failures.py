"""A backup that cannot be recorded leaves no copy; two backups into one folder in the
same second both stay; a full disk is named as the copy's, not the database's."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from bostadcli import backup
from bostadcli.backup import backup_database
from bostadcli.db import open_database
from bostadcli.errors import BostadError
from bostadcli.households import NewHousehold, add_household

AS_OF = date(2026, 11, 21)


@pytest.fixture
def db(tmp_path: Path) -> Any:
    database = open_database(tmp_path / "live.sqlite", create=True)
    for i in range(5):
        add_household(database, NewHousehold(tenant_name=f"Person {i}"), as_of=AS_OF)
    yield database
    database.close()


def _disclosures(db: Any) -> int:
    return int(db.execute("SELECT count(*) FROM export_log").fetchone()[0])


def test_a_copy_that_cannot_be_recorded_is_removed(
    db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A login that may read the database but not write it (a backup account): the copy
    would be a copy of every case that the log does not know of."""
    from bostadcli import audit

    def read_only(*_args: Any, **_kwargs: Any) -> None:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(audit, "record_disclosure", read_only)
    folder = tmp_path / "kopior"
    folder.mkdir()
    with pytest.raises(sqlite3.OperationalError):
        backup_database(db, folder)
    assert list(folder.iterdir()) == []
    with pytest.raises(sqlite3.OperationalError):
        backup_database(db, tmp_path / "named.sqlite")
    assert not (tmp_path / "named.sqlite").exists()
    assert _disclosures(db) == 0


def test_backups_in_the_same_second_all_stay(
    db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Frozen(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return datetime(2026, 12, 5, 2, 30, 0)

    monkeypatch.setattr(backup, "datetime", Frozen)
    folder = tmp_path / "kopior"
    folder.mkdir()
    made = [Path(backup_database(db, folder)["path"]).name for _ in range(3)]
    assert made == [
        "bostad-20261205-023000.sqlite",
        "bostad-20261205-023000-2.sqlite",
        "bostad-20261205-023000-3.sqlite",
    ]
    assert sorted(p.name for p in folder.iterdir()) == sorted(made)
    assert _disclosures(db) == 3
    # A name the user gave is never numbered: it exists, and that is said.
    with pytest.raises(BostadError, match="exists already"):
        backup_database(db, folder / made[0])


def test_a_full_disk_is_the_copys(db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(_source: Any, _tmp: Path) -> Any:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(backup, "_copy", full)
    dest = tmp_path / "kopia.sqlite"
    with pytest.raises(BostadError) as caught:
        backup_database(db, dest)
    assert caught.value.message == f"cannot write {dest}: the disk is full; no backup was made"
    assert not dest.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".bostad-tmp-")]
    assert _disclosures(db) == 0


@pytest.mark.parametrize(
    ("code", "text", "expected"),
    [
        (8, "attempt to write a readonly database", "is read-only for your login"),
        (13, "database or disk is full", "the disk that holds the database --db is full"),
        (1, "no such table: x", "database error: no such table: x"),
    ],
)
def test_what_sqlite_refused_is_said_with_the_file(code: int, text: str, expected: str) -> None:
    from types import SimpleNamespace

    from bostadcli.cli.failures import database_problem

    exc = sqlite3.OperationalError(text)
    exc.sqlite_errorcode = code
    line = database_problem(SimpleNamespace(obj=None), exc)  # type: ignore[arg-type]
    assert expected in line and "\n" not in line


def test_a_folder_name_that_is_a_file_says_so(db: Any, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    with pytest.raises(BostadError) as caught:
        backup_database(db, f"{tmp_path / 'afile'}/")
    assert caught.value.message == f"DEST: not a folder: {tmp_path / 'afile'}/"
    with pytest.raises(BostadError) as caught:
        backup_database(db, f"{tmp_path / 'none'}/")
    assert caught.value.message == f"DEST: no such folder: {tmp_path / 'none'}/"
