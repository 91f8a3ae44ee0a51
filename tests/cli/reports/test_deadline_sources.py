"""The deadline screen is the list of its sources: a new kind of deadline is one function
added to ``deadline_sources.DEADLINE_SOURCES``, nothing else (docs/architecture-reports.md).

The source here exists only in this test: a child in an open case turns 18 (and leaves
the family's count of children) within the screen's window.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bostadcli.db import rows
from bostadcli.reports import deadline_sources
from bostadcli.reports.deadlines import HOUSEHOLD, OPEN, Scope, entry
from conftest import Cli

AS_OF = "2027-03-15"


def _child_turns_18(scope: Scope) -> list[dict[str, Any]]:
    """Children in open cases who turn 18 within the window, on their birthday."""
    return [
        entry("child_turns_18", row["due_on"], row, scope.as_of)
        for row in rows(
            scope.db,
            f"""
            SELECT {HOUSEHOLD}, date(m.birth_date, '+18 years') AS due_on
            FROM members m JOIN live_households h ON h.id = m.household_id
            WHERE {OPEN} AND date(m.birth_date, '+18 years') BETWEEN :from AND :legal_to
            """,
            scope.params,
        )
    ]


@pytest.fixture
def screen(initialised: Cli) -> Cli:
    initialised.ok("landlord", "add", "Exempelhem AB", "--kind", "municipal")
    for name, born in (("Anna Andersson", "2009-03-20"), ("Bo Berg", "2015-06-01")):
        initialised.ok(
            "household", "add", name, "--landlord", "Exempelhem AB", "--child", born,
            "--opened", "2027-03-01", "--as-of", "2027-03-01",
        )  # fmt: skip
    # The same day as the birthday: a planned call, to see where the new kind ranks.
    initialised.ok(
        "contact", "add", "2027-0001", "--kind", "phone", "--planned", "--at", "2027-03-20 10:00",
        "--as-of", AS_OF,
    )  # fmt: skip
    return initialised


def _found(cli: Cli) -> list[dict[str, Any]]:
    found = json.loads(cli.ok("report", "deadlines", "--format", "json", "--as-of", AS_OF).stdout)
    return [e for e in found if e["kind"] != "no_contact"]


def test_a_source_added_to_the_list_shows_on_the_screen(
    screen: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _found(screen)
    assert [e["kind"] for e in before] == ["planned_contact"]

    # Put in the list at its severity, before the booked contacts; nothing else changes.
    sources = list(deadline_sources.DEADLINE_SOURCES)
    sources.insert(sources.index(deadline_sources._planned_contacts), _child_turns_18)
    monkeypatch.setattr(deadline_sources, "DEADLINE_SOURCES", tuple(sources))

    after = _found(screen)
    assert [(e["kind"], e["ref"], e["due_on"], e["band"]) for e in after] == [
        ("child_turns_18", "2027-0001", "2027-03-20", "this_week"),
        ("planned_contact", "2027-0001", "2027-03-20", "this_week"),
    ]
    # The entry has the household's columns and every field, like any other.
    assert after[0]["tenant"] == "Anna Andersson" and after[0]["children"] == 1
    assert set(after[0]) == set(before[0])
    table = screen.ok("report", "deadlines", "--as-of", AS_OF).stdout
    assert "child_turns_18" in table and "Anna Andersson" in table
    assert table.index("child_turns_18") < table.index("#1")
    rows_csv = screen.ok("report", "deadlines", "--format", "csv", "--as-of", AS_OF).stdout
    assert "child_turns_18,2027-0001" in rows_csv


def test_the_last_source_in_the_list_ranks_last(
    screen: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        deadline_sources,
        "DEADLINE_SOURCES",
        (*deadline_sources.DEADLINE_SOURCES, _child_turns_18),
    )
    assert [e["kind"] for e in _found(screen)] == ["planned_contact", "child_turns_18"]
