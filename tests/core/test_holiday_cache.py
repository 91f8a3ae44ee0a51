"""The year's holidays are kept in the cache folder; the cache can only save time, never
change a working day."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bostadcli import workdays
from bostadcli.rules import HOLIDAY_CATEGORIES


def library_table(year: int) -> dict[date, str]:
    import holidays

    return dict(
        holidays.country_holidays("SE", years=year, categories=HOLIDAY_CATEGORIES, language="sv")
    )


@pytest.fixture(autouse=True)
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    workdays._holidays.cache_clear()
    yield cache
    workdays._holidays.cache_clear()


@pytest.mark.parametrize("year", [1999, 2024, 2026, 2027, 2038])
def test_the_cached_year_is_the_library_year(year: int) -> None:
    first = dict(workdays._holidays(year))
    path = workdays._cache_file(year)
    assert path is not None and path.is_file()
    workdays._holidays.cache_clear()
    assert dict(workdays._holidays(year)) == first == library_table(year)


def test_a_cached_year_is_read_without_the_library(fresh: Path) -> None:
    workdays._holidays(2026)
    probe = (
        "import sys\nfrom datetime import date\nfrom bostadcli import workdays\n"
        "print(workdays.non_working_reason(date(2026, 6, 19)), 'holidays' in sys.modules)"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(fresh)}
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env
    ).stdout.split()
    assert out == ["Midsommarafton", "False"]


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "[]",
        '{"year": 2025, "holidays": {}}',
        '{"year": 2026}',
        '{"year": 2026, "holidays": {"2026-13-01": "x"}}',
        '{"year": 2026, "holidays": {"2027-01-01": "Nyårsdagen"}}',
        '{"year": 2026, "holidays": {"2026-03-03": ""}}',
        '{"year": 2026, "holidays": {"2026-03-03": 5}}',
        '{"year": 2026, "holidays": ["2026-03-03"]}',
    ],
)
def test_a_damaged_cache_is_asked_again_and_rewritten(content: str) -> None:
    path = workdays._cache_file(2026)
    assert path is not None
    path.parent.mkdir(parents=True)
    path.write_text(content, encoding="utf-8")
    assert dict(workdays._holidays(2026)) == library_table(2026)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["year"] == 2026 and "2026-12-24" in data["holidays"]


def test_a_cache_folder_that_cannot_be_made_costs_only_time(fresh: Path) -> None:
    fresh.write_text("a file where the cache folder should be")
    assert workdays.non_working_reason(date(2026, 12, 24)) == "Julafton"
    assert workdays.is_working_day(date(2026, 12, 28))
    assert fresh.read_text() == "a file where the cache folder should be"


def test_a_new_release_of_the_library_is_a_new_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.machinery
    import importlib.util

    package = tmp_path / "site" / "holidays"
    (package / "countries").mkdir(parents=True)
    for part in ("__init__.py", "version.py", "countries/sweden.py"):
        (package / part).write_text("# release 1\n")
    spec = importlib.machinery.ModuleSpec("holidays", None, origin=str(package / "__init__.py"))
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: spec)
    before = workdays._cache_file(2026)
    (package / "countries" / "sweden.py").write_text("# release 2, a corrected holiday\n")
    after = workdays._cache_file(2026)
    assert before is not None and after is not None and before != after
    (package / "version.py").unlink()
    assert workdays._cache_file(2026) is None
