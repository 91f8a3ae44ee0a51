"""The month's manifest is written as its letters are read, one at a time: a letter
another run records meanwhile is still in the manifest at the end."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bostadcli import letters
from bostadcli.db import open_database
from bostadcli.households import NewHousehold, add_household
from bostadcli.letters import manifest
from golden_letters import AS_OF, CONFIG

if TYPE_CHECKING:
    from sqlite_utils import Database


def _household(db: Database, n: int) -> None:
    add_household(
        db,
        NewHousehold(
            tenant_name=f"Person {n}", street=f"Gatan {n}", postal_code="44130", city="Ängby"
        ),
        as_of=AS_OF,
    )


@pytest.fixture
def month_db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "t.sqlite", create=True)
    for i in range(5):
        _household(database, i)
    yield database
    database.close()


def _monthly(db: Database, out: Path) -> Any:
    return letters.run_monthly(
        db, config=CONFIG, month=date(2026, 11, 1), as_of=AS_OF, out_dir=out, fmt="html"
    )


def _listed(out: Path) -> list[str]:
    with (out / "manifest-2026-11.csv").open(encoding="utf-8") as fh:
        return [r["reference"] for r in csv.DictReader(fh)]


def test_a_letter_recorded_while_the_manifest_is_written_is_listed(
    month_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another run (its own connection) records a letter and writes the month's manifest
    after this run has begun writing it: this run writes it again, with that letter."""
    out = tmp_path / "brev"
    real_rows = manifest._each_manifest_letter
    calls: list[int] = []

    def other_run_meanwhile(*args: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
        calls.append(1)
        for n, row in enumerate(real_rows(*args, **kwargs)):
            yield row
            if n == 0 and len(calls) == 1:
                other = open_database(tmp_path / "t.sqlite")
                try:
                    _household(other, 99)
                    assert len(_monthly(other, out).made) == 1
                finally:
                    other.close()

    monkeypatch.setattr(manifest, "_each_manifest_letter", other_run_meanwhile)
    result = _monthly(month_db, out)
    assert len(result.made) == 5
    refs = [r["ref"] for r in month_db.query("SELECT ref FROM households ORDER BY ref")]
    assert len(refs) == 6
    assert _listed(out) == refs


def test_the_digest_tells_rows_apart_without_keeping_them() -> None:
    def digest(found: list[dict[str, Any]]) -> bytes:
        return manifest._Digested(row for row in found).digest()

    rows = [{"ref": "2026-0001", "pages": 1}, {"ref": "2026-0002", "pages": None}]
    assert digest(rows) == digest([dict(r) for r in rows])
    assert digest(rows) != digest(rows[:1])
    assert digest(rows) != digest([rows[0], {"ref": "2026-0002", "pages": "None"}])
    assert digest([{"a": 1}]) != digest([{"a": "1"}])
    partly = manifest._Digested(row for row in rows)
    assert next(partly) == rows[0]
    assert partly.digest() == digest(rows)  # the rows not read yet are read for it
