"""Importing the CLI does no work: the heavy libraries load only when a command runs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("sqlite_utils", "jinja2", "babel", "holidays", "weasyprint", "rich.table", "pydantic")

PROBE = """
import json, sys
{imports}
heavy = {heavy!r}
found = {{h for h in heavy for m in sys.modules if m == h or m.startswith(h + ".")}}
print(json.dumps(sorted(found)))
"""


def loaded_after(imports: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(imports=imports, heavy=HEAVY)],
        capture_output=True,
        text=True,
        check=True,
    )
    found: list[str] = json.loads(result.stdout)
    return found


@pytest.mark.parametrize("module", ["bostadcli.cli", "bostadcli.cli.app"])
def test_cli_import_is_light(module: str) -> None:
    assert loaded_after(f"import {module}") == []


def test_the_probe_notices_a_heavy_import() -> None:
    imports = (
        "import datetime, bostadcli.dates\n"
        "bostadcli.dates.format_date(datetime.date(2026, 11, 21), 'short', locale='nb_NO')"
    )
    assert loaded_after(imports) == ["babel"]
