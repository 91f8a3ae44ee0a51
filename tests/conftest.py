"""Shared fixtures: a migrated database, a CLI runner on a private database, a dump."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bostadcli import i18n

if TYPE_CHECKING:
    from sqlite_utils import Database
    from typer.testing import Result


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages in English, so assertions on their text are stable."""
    previous = i18n.current_language()
    i18n.setup("en")
    yield
    i18n.setup(previous)


@pytest.fixture(autouse=True)
def private_state_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The list of folders where temporaries were made lives in the user's state folder,
    and the holiday cache in the cache folder: a test's, not the real ones."""
    import os

    saved = {name: os.environ.get(name) for name in ("XDG_STATE_HOME", "XDG_CACHE_HOME")}
    os.environ["XDG_STATE_HOME"] = str(tmp_path_factory.mktemp("state"))
    # The holiday cache too (workdays.py): a test's, not the real one.
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    for name, previous in saved.items():
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


@pytest.fixture(autouse=True)
def any_record_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite replays cases on fixed days (2026-11-16, 2027-03-15) whatever the
    machine's date: here a command that writes takes any --as-of the date parser takes,
    a day after the real one as the day something happened too.
    The rule that refuses a write dated far from the real date (``dates.
    record_day_window``) has its own tests, with the real date fixed
    (tests/cli/test_write_as_of.py)."""
    from datetime import date

    from bostadcli import dates

    monkeypatch.setattr(
        dates,
        "record_day_window",
        lambda today=None: (date(dates.MIN_YEAR, 1, 1), date(dates.MAX_YEAR, 12, 31)),
    )
    # Nor is a fact refused for a day after the real date (``dates.latest_fact_day``): its
    # own tests fix the real date (tests/cli/test_future_facts.py).
    monkeypatch.setattr(dates, "latest_fact_day", lambda: date(dates.MAX_YEAR, 12, 31))


@pytest.fixture(autouse=True)
def any_letter_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """As ``any_record_day``: the suite makes letters on fixed days whatever the
    machine's date, so here a recorded letter may be dated by any day. The rule that a
    recorded letter is dated the real date (``dates.letter_days``) has
    its own tests, with the real date fixed (tests/cli/test_letter_day.py)."""
    from datetime import date

    from bostadcli import dates

    monkeypatch.setattr(
        dates,
        "letter_days",
        lambda: (date(dates.MIN_YEAR, 1, 1), date(dates.MAX_YEAR, 12, 31)),
    )


# The first line of a program a test runs in a process of its own (``python -c``) that
# records facts and makes letters on the suite's fixed days, as ``any_record_day`` and
# ``any_letter_day`` let the tests run in-process do.
ON_ANY_DAY = (
    "import datetime as _dt; from bostadcli import dates as _dates;"
    " _dates.letter_days = lambda: (_dt.date(_dates.MIN_YEAR, 1, 1),"
    " _dt.date(_dates.MAX_YEAR, 12, 31));"
    " _dates.latest_fact_day = lambda: _dt.date(_dates.MAX_YEAR, 12, 31)\n"
)
# ``python -m bostadcli`` so.
BOSTAD_ON_ANY_DAY = ("-c", ON_ANY_DAY + "from bostadcli.cli import run; run()")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    from bostadcli.db import open_database

    database = open_database(tmp_path / "t.sqlite", create=True)
    yield database
    database.close()


def sql_dump(path: str | Path) -> list[str]:
    """The database as SQL statements, for "nothing was written" checks."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@dataclass
class Cli:
    """Runs ``bostad`` in-process against a database and config under tmp_path."""

    db_path: Path
    config_path: Path

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> Result:
        from typer.testing import CliRunner

        # Imported here: help texts are translated when the command modules load.
        from bostadcli.cli.app import app

        runner = CliRunner()
        result = runner.invoke(
            app,
            list(args),
            env={
                "BOSTAD_DB": str(self.db_path),
                "BOSTAD_CONFIG": str(self.config_path),
                "COLUMNS": "200",
            }
            | (env or {}),
            prog_name="bostad",
        )
        # Anything but a clean exit would have been a traceback for a real user.
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    def ok(self, *args: str) -> Result:
        """Run a command that must succeed."""
        result = self(*args)
        assert result.exit_code == 0, result.stderr
        return result

    def dump(self) -> list[str]:
        return sql_dump(self.db_path)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(db_path=tmp_path / "bostad.sqlite", config_path=tmp_path / "config.toml")


@pytest.fixture
def initialised(cli: Cli) -> Cli:
    cli.ok("init")
    return cli


@pytest.fixture
def dump() -> Callable[[str | Path], list[str]]:
    """``dump(path)``: the full SQL dump of the database at ``path``."""
    return sql_dump
