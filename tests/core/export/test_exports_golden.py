"""Every export table (CSV and JSON) and the household document against golden files
made by scripts/regen_golden_exports.py, byte for byte."""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bostadcli.export import TABLES
from golden_exports import DOCUMENT, DOCUMENT_REF, GOLDEN_DIR, render_all

ROOT = Path(__file__).resolve().parents[3]
REGENERATE = "regenerate with: PYTHONPATH=src python scripts/regen_golden_exports.py"


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return render_all()


def _diff(name: str, expected: bytes, actual: bytes) -> str:
    lines = difflib.unified_diff(
        expected.decode("utf-8", "replace").splitlines(keepends=True),
        actual.decode("utf-8", "replace").splitlines(keepends=True),
        fromfile=f"tests/golden/exports/{name}",
        tofile=f"{name} as exported now",
    )
    return "".join(list(lines)[:80])


def test_every_table_and_the_document_have_a_golden_file(rendered: dict[str, str]) -> None:
    expected = {f"{t}.{fmt}" for t in TABLES for fmt in ("csv", "json")}
    expected.add(f"{DOCUMENT}-{DOCUMENT_REF}.json")
    assert set(rendered) == expected
    assert {p.name for p in GOLDEN_DIR.iterdir()} == expected, REGENERATE


def test_the_script_regenerates_the_golden_files_byte_for_byte(tmp_path: Path) -> None:
    """The script, run into a temporary folder in a fresh process, writes exactly the
    committed files."""
    made = tmp_path / "exports"
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "regen_golden_exports.py"), str(made)],
        capture_output=True,
        text=True,
        env=os.environ | {"PYTHONPATH": str(ROOT / "src")},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert {p.name for p in made.iterdir()} == {p.name for p in GOLDEN_DIR.iterdir()}, REGENERATE
    differ = [
        _diff(path.name, (GOLDEN_DIR / path.name).read_bytes(), path.read_bytes())
        for path in sorted(made.iterdir())
        if path.read_bytes() != (GOLDEN_DIR / path.name).read_bytes()
    ]
    assert not differ, f"{len(differ)} golden export(s) differ; {REGENERATE}\n" + "\n".join(differ)


def test_the_exports_in_this_process_match_too(rendered: dict[str, str]) -> None:
    for name, text in rendered.items():
        expected = (GOLDEN_DIR / name).read_bytes()
        assert text.encode("utf-8") == expected, _diff(name, expected, text.encode("utf-8"))


def test_every_column_has_a_value_somewhere(rendered: dict[str, str]) -> None:
    """The data exercises every column: no column is empty in every row."""
    import json

    for name, table in TABLES.items():
        rows = json.loads(rendered[f"{name}.json"])
        assert rows, name
        for column in table.columns:
            assert any(r.get(column.key) not in (None, "", []) for r in rows), (
                f"{name}.{column.key} is empty in every row of the golden data"
            )
