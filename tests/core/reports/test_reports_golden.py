"""``bostad report year`` in csv, json and html for a fixed database, byte for byte.

The files in tests/golden/reports/ are written by scripts/regen_report_golden.py from the
history in ``golden_reports.py``; a difference here is a change in what the committee or
a script reads, so regenerate them only when the report changes on purpose.
"""

from pathlib import Path

import pytest

from golden_reports import FORMATS, GOLDEN_DIR, SCENARIOS, render_all


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return render_all(tmp_path_factory.mktemp("golden"))


def test_every_golden_file_is_rendered(rendered: dict[str, str]) -> None:
    expected = {f"{name}.{fmt}" for name, _year, _as_of in SCENARIOS for fmt in FORMATS}
    assert set(rendered) == expected
    assert {p.name for p in GOLDEN_DIR.iterdir()} == expected


@pytest.mark.parametrize(
    "name", [f"{name}.{fmt}" for name, _year, _as_of in SCENARIOS for fmt in FORMATS]
)
def test_the_year_report_is_as_golden(rendered: dict[str, str], name: str) -> None:
    golden = Path(GOLDEN_DIR / name).read_text(encoding="utf-8")
    assert rendered[name] == golden, f"regenerate with scripts/regen_report_golden.py: {name}"
