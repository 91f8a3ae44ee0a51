"""A moved case brings no fact dated after the real date: a payment, a consent given or
revoked, a plan made, a held contact, a letter, an undertaking, a landlord's agreement.
Each is refused in one line naming the part, row and field, and nothing is written; a
booked contact ahead still moves."""

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
from bostadcli.db import open_database
from bostadcli.errors import InvalidInput
from conftest import sql_dump

TODAY = date(2026, 12, 5)
AHEAD = "2026-12-06"
Doc = dict[str, Any]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Doc, Path]:
    folder = tmp_path_factory.mktemp("future-facts")
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


def _set(part: str, key: str) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        doc[part][0][key] = AHEAD

    return change


def _held_contact(doc: Doc) -> None:
    contact = next(c for c in doc["contacts"] if c["status"] == "held")
    contact["contact_on"] = AHEAD


def _revoked(doc: Doc) -> None:
    doc["consents"][0]["revoked_on"] = AHEAD


def _agreement(doc: Doc) -> None:
    doc["landlord"]["cooperation_agreement_on"] = AHEAD


CASES: list[tuple[str, Callable[[Doc], None], str]] = [
    ("payment", _set("payments", "paid_on"), "payments[0].paid_on"),
    ("consent given", _set("consents", "given_on"), "consents[0].given_on"),
    ("consent revoked", _revoked, "consents[0].revoked_on"),
    ("plan created", _set("plans", "created_on"), "plans[0].created_on"),
    ("letter", _set("letters", "dated_on"), "letters[0].dated_on"),
    ("undertaking", _set("undertakings", "given_on"), "undertakings[0].given_on"),
    ("held contact", _held_contact, ".contact_on"),
    ("agreement", _agreement, "landlord.cooperation_agreement_on"),
]


def _import(document: Doc, target: Path, tmp_path: Path) -> tuple[Path, list[str]]:
    path = tmp_path / "t.sqlite"
    shutil.copy(target, path)
    return path, sql_dump(path)


@pytest.mark.parametrize(("name", "change", "field"), CASES, ids=[c[0] for c in CASES])
def test_a_fact_dated_after_today_is_refused_and_nothing_written(
    source: tuple[Doc, Path],
    tmp_path: Path,
    name: str,
    change: Callable[[Doc], None],
    field: str,
) -> None:
    document, target = source
    mutated = copy.deepcopy(document)
    change(mutated)
    path, before = _import(mutated, target, tmp_path)
    db = open_database(path)
    try:
        with pytest.raises(InvalidInput) as caught:
            import_household(db, mutated, source="case.json", as_of=AS_OF, today=TODAY)
    finally:
        db.close()
    message = caught.value.message
    assert message.startswith("case.json: ") and field in message, message
    assert "is after today (2026-12-05)" in message and message.endswith(f"'{AHEAD}'")
    assert "\n" not in message
    assert sql_dump(path) == before


def test_a_booked_contact_ahead_still_moves(source: tuple[Doc, Path], tmp_path: Path) -> None:
    document, target = source
    mutated = copy.deepcopy(document)
    contact = mutated["contacts"][0]
    contact |= {"status": "planned", "contact_on": "2026-12-20", "at_time": "10:00"}
    path, _before = _import(mutated, target, tmp_path)
    db = open_database(path)
    try:
        result = import_household(db, mutated, source="case.json", as_of=AS_OF, today=TODAY)
    finally:
        db.close()
    assert result["counts"]["contacts"] == len(document["contacts"])
