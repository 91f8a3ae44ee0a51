"""A moved case's supports keep the rule of withdrawal, and its stamps lie in the past.

A support withdrawn (called off before it began) has its withdrawn_on before its start,
not after the real date, and no ended_on; a payment is not voided after today, a plan
not checked after today, and a letter's month is not after this one. Each is refused in
one line naming the part, row and field, and nothing is written.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from test_exporting import AS_OF, rich_case

from bostadcli.casemove.document_in import import_household
from bostadcli.casemove.document_out import export_household
from bostadcli.db import open_database, rows
from bostadcli.errors import InvalidInput
from conftest import sql_dump

TODAY = date(2026, 12, 5)
Doc = dict[str, Any]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Doc, Path]:
    folder = tmp_path_factory.mktemp("withdrawn-import")
    db = open_database(folder / "source.sqlite", create=True)
    try:
        ref = rich_case(db)
        document = json.loads(
            json.dumps(export_household(db, ref, include_pnr=True, as_of=AS_OF, command="t"))
        )
    finally:
        db.close()
    target = folder / "target.sqlite"
    open_database(target, create=True).close()
    return document, target


def _support(**values: str) -> Callable[[Doc], None]:
    # supports[0] is a rent guarantee starting 2026-10-10, not ended.
    def change(doc: Doc) -> None:
        doc["supports"][0].update(values)

    return change


def _row(part: str, key: str, value: str) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        doc[part][0][key] = value

    return change


CASES: list[tuple[str, Callable[[Doc], None], str, str]] = [
    (
        "withdrawn ahead",
        _support(start_on="2027-01-10", withdrawn_on="2026-12-06"),
        "supports[0].withdrawn_on",
        "is after today (2026-12-05)",
    ),
    (
        "withdrawn after start",
        _support(withdrawn_on="2026-10-15"),
        "supports[0].withdrawn_on",
        "is not before the start (2026-10-10)",
    ),
    (
        "withdrawn on the start",
        _support(withdrawn_on="2026-10-10"),
        "supports[0].withdrawn_on",
        "is not before the start (2026-10-10)",
    ),
    (
        "withdrawn and ended",
        _support(withdrawn_on="2026-10-01", ended_on="2026-10-20"),
        "supports[0].ended_on",
        "never began, so it cannot have ended",
    ),
    (
        "voided ahead",
        _row("payments", "voided_at", "2026-12-06T10:00:00+00:00"),
        "payments[0].voided_at",
        "is after today (2026-12-05)",
    ),
    (
        "checked ahead",
        _row("plans", "checked_on", "2026-12-06"),
        "plans[0].checked_on",
        "is after today (2026-12-05)",
    ),
    (
        "letter month ahead",
        _row("letters", "period", "2027-01"),
        "letters[0].period",
        "is after this month (2026-12)",
    ),
]


def _copy(target: Path, tmp_path: Path) -> tuple[Path, list[str]]:
    path = tmp_path / "t.sqlite"
    shutil.copy(target, path)
    return path, sql_dump(path)


@pytest.mark.parametrize(("name", "change", "field", "reason"), CASES, ids=[c[0] for c in CASES])
def test_refused_in_one_line_and_nothing_written(
    source: tuple[Doc, Path],
    tmp_path: Path,
    name: str,
    change: Callable[[Doc], None],
    field: str,
    reason: str,
) -> None:
    document, target = source
    mutated = copy.deepcopy(document)
    change(mutated)
    path, before = _copy(target, tmp_path)
    db = open_database(path)
    try:
        with pytest.raises(InvalidInput) as caught:
            import_household(db, mutated, source="case.json", as_of=AS_OF, today=TODAY)
    finally:
        db.close()
    message = caught.value.message
    assert message.startswith(f"case.json: {field}"), message
    assert reason in message and "\n" not in message and "database" not in message
    assert sql_dump(path) == before


def test_a_support_withdrawn_before_its_start_still_moves(
    source: tuple[Doc, Path], tmp_path: Path
) -> None:
    document, target = source
    mutated = copy.deepcopy(document)
    mutated["supports"][0].update(start_on="2027-01-10", withdrawn_on="2026-12-05")
    mutated["payments"][0]["voided_at"] = "2026-12-05T10:00:00+00:00"
    mutated["letters"][0]["period"] = "2026-12"
    path, _before = _copy(target, tmp_path)
    db = open_database(path)
    try:
        import_household(db, mutated, source="case.json", as_of=AS_OF, today=TODAY)
        found = rows(
            db, "SELECT withdrawn_on, ended_on FROM supports WHERE start_on = ?", ["2027-01-10"]
        )
    finally:
        db.close()
    assert found == [{"withdrawn_on": "2026-12-05", "ended_on": None}]
