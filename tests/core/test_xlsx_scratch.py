"""A workbook's temporary parts (every cell of an export) are written beside it, in a
private folder named as the program's temporaries are, and removed: when the workbook
is done or fails, and after a killed export by the next command that writes there."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import Any

import pytest

from bostadcli.files import private_output, remove_stale_temporaries
from bostadcli.tabular import Column
from bostadcli.xlsx import write_xlsx

COLUMNS = [Column("name", "Namn"), Column("pnr", "Personnummer")]
ROWS = [{"name": f"Person {i}", "pnr": f"19800101-{i:04}"} for i in range(300)]


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    seen: list[str | None] = []
    real = tempfile.mkstemp

    def mkstemp(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs.get("dir"))
        found = real(*args, **kwargs)
        assert stat.S_IMODE(os.stat(found[1]).st_mode) == 0o600
        return found

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    return seen


def test_the_parts_stay_beside_the_workbook_and_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _spy(monkeypatch)
    target = tmp_path / "ut" / "hushall.xlsx"
    with private_output(target, field="--out", binary=True, make_folder=True) as out:
        assert write_xlsx(ROWS, COLUMNS, out) == len(ROWS)
    assert seen, "XlsxWriter wrote no temporary file"
    for folder in seen:
        assert folder is not None
        assert Path(folder).parent == target.parent
        assert Path(folder).name.startswith(".bostad-tmp-xlsx-")
    assert sorted(p.name for p in target.parent.iterdir()) == ["hushall.xlsx"]


def test_a_failed_workbook_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _spy(monkeypatch)
    target = tmp_path / "hushall.xlsx"

    def rows() -> Any:
        yield from ROWS[:10]
        raise RuntimeError("stopped")

    with (
        pytest.raises(RuntimeError),
        private_output(target, field="--out", binary=True) as out,
    ):
        write_xlsx(rows(), COLUMNS, out)
    assert list(tmp_path.iterdir()) == []


def test_the_parts_of_a_killed_export_are_removed_by_the_next_writer(tmp_path: Path) -> None:
    # What a killed export leaves: its folder of parts, named with a process that is gone.
    gone = 2**22 + 12345
    left = tmp_path / f".bostad-tmp-xlsx-{gone}-0123abcd"
    left.mkdir(mode=0o700)
    (left / "tmpabc123").write_text("Person 1,19800101-0001", encoding="utf-8")
    mine = tmp_path / f".bostad-tmp-xlsx-{os.getpid()}-4567abcd"
    mine.mkdir(mode=0o700)
    other = tmp_path / "mapp"
    other.mkdir()
    assert remove_stale_temporaries(tmp_path) == [left]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, "mapp"])
