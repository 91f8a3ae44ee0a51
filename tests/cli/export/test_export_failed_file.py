"""An export to a file that fails before the file is put in place disclosed nothing:
it is not logged, and the database is as before. One to standard output that stops
half-way is logged with the rows that left."""

from __future__ import annotations

import errno
from typing import Any

import pytest

from bostadcli.export import stream


def _full(*_args: Any, **_kwargs: Any) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def cases(initialised: Any) -> Any:
    for name in ("Anna Ek", "Bo Berg"):
        initialised.ok("household", "add", name, "--as-of", "2026-11-20")
    return initialised


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_a_file_that_could_not_be_written_is_no_disclosure(
    cases: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    before = cases.dump()
    monkeypatch.setattr(stream, "_write_csv_query", _full)
    monkeypatch.setattr(stream, "_write_rows", _full)
    target = tmp_path / f"ut.{fmt}"
    result = cases("export", "households", "--format", fmt, "--out", str(target))
    assert result.exit_code == 1
    assert not target.exists()
    assert cases.dump() == before


def test_a_file_written_whole_is_logged(cases: Any, tmp_path: Any) -> None:
    cases.ok("export", "households", "--out", str(tmp_path / "ut.csv"))
    logged = cases.ok("audit", "--format", "csv").stdout
    assert "export households" in logged
