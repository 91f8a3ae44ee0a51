"""A withdrawn support never began: 'support edit' changes only its note.

An end day, a cost or its decision, a claim, a cap, a place or a support person on a
support that never ran would make it look as if it had; each is refused in one line
that says when it was withdrawn, and nothing is written.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bostadcli import dates
from conftest import Cli, sql_dump

TODAY = date(2026, 12, 5)
_WINDOW, _FACT = dates.record_day_window, dates.latest_fact_day
REF = "2026-0004"
HOUSING = ["support", "add", REF, "--kind", "housing_support", "--start", "2027-01-04"]


@pytest.fixture(autouse=True)
def real_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules in force, on a fixed real date."""
    monkeypatch.setattr(dates, "real_today", lambda: TODAY)
    monkeypatch.setattr(dates, "record_day_window", _WINDOW)
    monkeypatch.setattr(dates, "latest_fact_day", _FACT)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bostadcli.demo import build_demo

    folder = tmp_path_factory.mktemp("withdrawn-edit") / "demo"
    build_demo(folder, as_of=TODAY)
    return folder


@pytest.fixture
def demo(pristine: Path, tmp_path: Path) -> Iterator[Cli]:
    for name in ("bostad.sqlite", "config.toml"):
        shutil.copy(pristine / name, tmp_path / name)
    yield Cli(db_path=tmp_path / "bostad.sqlite", config_path=tmp_path / "config.toml")


def _withdrawn(demo: Cli) -> str:
    support = demo.ok(*HOUSING).stdout.strip()
    demo.ok("support", "end", support, "--reason", "familjen tackade nej")
    return support


@pytest.mark.parametrize(
    "change",
    [
        ["--end", "2027-06-30"],
        ["--cost", "12000"],
        ["--cost-granted"],
        ["--support-person", "Lena Ek", "--note", "ny"],
    ],
    ids=["end", "cost", "cost-granted", "person with note"],
)
def test_an_end_or_cost_on_a_withdrawn_support_is_refused(demo: Cli, change: list[str]) -> None:
    support = _withdrawn(demo)
    before = sql_dump(demo.db_path)
    result = demo("support", "edit", support, *change)
    assert result.exit_code != 0
    message = result.stderr.strip()
    assert f"support {support} was withdrawn on 5 December 2026" in message, message
    assert "only its note can be changed" in message and "\n" not in message
    assert sql_dump(demo.db_path) == before


def test_the_note_of_a_withdrawn_support_can_change(demo: Cli) -> None:
    support = _withdrawn(demo)
    demo.ok("support", "edit", support, "--note", "Familjen flyttar till Umeå")
    with sqlite3.connect(demo.db_path) as con:
        note, ended, withdrawn = con.execute(
            "SELECT note, ended_on, withdrawn_on FROM supports WHERE id = ?", [int(support)]
        ).fetchone()
    assert (note, ended, withdrawn) == ("Familjen flyttar till Umeå", None, "2026-12-05")
