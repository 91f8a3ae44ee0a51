"""A moved case keeps the rules the commands keep between fields: one named tenant, no
personnummer twice, nothing born or opened after the real date, a notice's dates in
order, and a plan with its installments numbered 1..n. A document that breaks one is
refused in one line naming the part, row and field, and nothing is written."""

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

TODAY = date(2026, 12, 4)
Doc = dict[str, Any]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Doc, Path]:
    folder = tmp_path_factory.mktemp("rules")
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


def _tenant(doc: Doc) -> dict[str, Any]:
    return next(m for m in doc["members"] if m["role"] == "tenant")


def _no_members(doc: Doc) -> None:
    doc["members"] = []


def _only_children(doc: Doc) -> None:
    doc["members"] = [m for m in doc["members"] if m["role"] == "child"]


def _nameless_tenant(doc: Doc) -> None:
    _tenant(doc)["name"] = None


def _blank_tenant(doc: Doc) -> None:
    _tenant(doc)["name"] = "   "


def _two_tenants(doc: Doc) -> None:
    for m in doc["members"]:
        if m["role"] == "co_tenant":
            m["role"] = "tenant"


def _same_pnr(doc: Doc) -> None:
    other = next(m for m in doc["members"] if m["role"] == "co_tenant")
    other["pnr"] = _tenant(doc)["pnr"]
    other["birth_date"] = _tenant(doc)["birth_date"]


def _born_other_day(doc: Doc) -> None:
    _tenant(doc)["birth_date"] = "1970-01-01"


def _born_later(doc: Doc) -> None:
    child = next(m for m in doc["members"] if m["role"] == "child")
    child["birth_date"] = "2099-01-01"


def _opened_later(doc: Doc) -> None:
    doc["household"]["opened_on"] = "2099-01-01"


def _closed_before_opened(doc: Doc) -> None:
    doc["household"] |= {
        "status": "closed",
        "closed_on": "2026-09-01",
        "outcome": "stays",
    }


def _served_before_termination(doc: Doc) -> None:
    notice = doc["notices"][0]
    notice |= {"terminated_on": "2026-10-21", "notified_on": "2026-10-21", "received_on": None}


def _notified_before_termination(doc: Doc) -> None:
    notice = doc["notices"][0]
    notice |= {"terminated_on": "2026-10-16", "served_on": "2026-10-18"}


def _plan_without_installments(doc: Doc) -> None:
    doc["installments"] = []


def _installment_gap(doc: Doc) -> None:
    doc["installments"][-1]["seq"] += 1


CASES: list[tuple[str, Callable[[Doc], None], str]] = [
    ("no members", _no_members, "case.json: members: a case needs one member with role tenant"),
    ("only children", _only_children, "case.json: members: a case needs one member"),
    ("nameless tenant", _nameless_tenant, "case.json: members[0].name: must not be empty"),
    ("blank tenant", _blank_tenant, "case.json: members[0].name: must not be empty"),
    ("two tenants", _two_tenants, "case.json: members[1].role: a case has one tenant"),
    ("same pnr", _same_pnr, "case.json: members[1].pnr: the same personnummer as members[0]"),
    ("born later", _born_later, "case.json: members[2].birth_date: is in the future"),
    (
        "born another day",
        _born_other_day,
        "case.json: members[0].birth_date: does not match the personnummer",
    ),
    ("opened later", _opened_later, "case.json: household.opened_on: is in the future"),
    (
        "closed first",
        _closed_before_opened,
        "case.json: household.closed_on: is before the case was opened",
    ),
    (
        "served early",
        _served_before_termination,
        "case.json: notices[0].served_on: is before the termination (2026-10-21)",
    ),
    (
        "notified early",
        _notified_before_termination,
        "case.json: notices[0].notified_on: is before the termination (2026-10-16)",
    ),
    (
        "no installments",
        _plan_without_installments,
        "case.json: plans[0]: a plan needs at least one installment",
    ),
    ("gap", _installment_gap, "case.json: installments["),
]


@pytest.mark.parametrize(("name", "change", "message"), CASES, ids=[c[0] for c in CASES])
def test_a_document_breaking_a_rule_between_fields_is_refused_and_nothing_written(
    source: tuple[Doc, Path],
    tmp_path: Path,
    name: str,
    change: Callable[[Doc], None],
    message: str,
) -> None:
    document, target = source
    mutated = copy.deepcopy(document)
    change(mutated)
    path = tmp_path / "t.sqlite"
    shutil.copy(target, path)
    before = sql_dump(path)
    db = open_database(path)
    try:
        with pytest.raises(InvalidInput) as caught:
            import_household(db, mutated, source="case.json", as_of=AS_OF, today=TODAY)
    finally:
        db.close()
    assert caught.value.message.startswith(message), caught.value.message
    assert "\n" not in caught.value.message
    assert sql_dump(path) == before


def test_the_real_date_judges_the_future_not_as_of(
    source: tuple[Doc, Path], tmp_path: Path
) -> None:
    # A case opened after the day replayed (--as-of) but not after the real date moves.
    document, target = source
    mutated = copy.deepcopy(document)
    mutated["household"]["opened_on"] = "2026-11-20"
    path = tmp_path / "t.sqlite"
    shutil.copy(target, path)
    db = open_database(path)
    try:
        result = import_household(db, mutated, source="case.json", as_of=AS_OF, today=TODAY)
    finally:
        db.close()
    assert result["ref"].startswith("2026-")


def test_the_unchanged_document_still_imports(source: tuple[Doc, Path], tmp_path: Path) -> None:
    document, target = source
    assert document["plans"] and document["installments"]
    path = tmp_path / "t.sqlite"
    shutil.copy(target, path)
    db = open_database(path)
    try:
        result = import_household(db, document, source="case.json", as_of=AS_OF, today=TODAY)
    finally:
        db.close()
    assert result["counts"]["members"] == len(document["members"])
