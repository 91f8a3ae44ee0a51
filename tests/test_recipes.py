"""The recipes of docs/architecture.md, followed once each, to prove they are complete.

"Adding a support kind" edits vocab.py and the templates, so it is followed on a copy of
the source tree and run there as a user would. "Adding an export column" registers a
changed table for the length of a test.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _edit(path: Path, after: str, insert: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(after) == 1, f"{path.name}: the recipe's anchor {after!r} moved"
    path.write_text(text.replace(after, after + insert), encoding="utf-8")


@pytest.fixture(scope="module")
def tree_with_a_new_support_kind(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The source tree after steps 1 and 4 of "Adding a support kind"."""
    tree = tmp_path_factory.mktemp("recipe")
    shutil.copytree(ROOT / "src", tree / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", tree / "templates")
    vocab = tree / "src" / "bostadcli" / "vocab.py"
    # Step 1: the member with its label, and the Swedish word a caseworker may type.
    _edit(
        vocab,
        '    family_unit = "family_unit", N_("the family unit")\n'
        '    other = "other", N_("other support")\n',
        '    supported_housing = "supported_housing", N_("supported housing")\n',
    )
    _edit(
        vocab,
        '    "SupportKind": {\n',
        '        "supported_housing": ("boendeplacering",),\n',
    )
    # Step 4: its name in the letter that says a support ends.
    for template in ("support_ending.html.j2", "support_ending.txt.j2"):
        _edit(
            tree / "templates" / template,
            '  "financial_aid": "Det ekonomiska biståndet",\n',
            '  "supported_housing": "Boendeplaceringen",\n',
        )
    return tree


def _bostad(tree: Path, tmp_path: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOSTAD_")}
    env |= {
        "PYTHONPATH": str(tree / "src"),
        "BOSTAD_DB": str(tmp_path / "bostad.sqlite"),
        "BOSTAD_CONFIG": str(tmp_path / "config.toml"),
        "BOSTAD_LANG": "en",
        "HOME": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "bostadcli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"bostad {' '.join(args)}: {result.stderr}"
    return result.stdout


def test_adding_a_support_kind_by_the_recipe(
    tree_with_a_new_support_kind: Path, tmp_path: Path
) -> None:
    tree = tree_with_a_new_support_kind

    def bostad(*args: str) -> str:
        return _bostad(tree, tmp_path, *args)

    bostad("init")
    config = tmp_path / "config.toml"
    text = config.read_text(encoding="utf-8")
    for key, value in (
        ("organisation", "Exempelby kommun"),
        ("phone", "08-123 456 00"),
        ("socialjouren_phone", "08-123 456 01"),
    ):
        text = text.replace(f'# {key} = ""', f'{key} = "{value}"').replace(
            f'{key} = ""', f'{key} = "{value}"'
        )
    config.write_text(text, encoding="utf-8")
    ref = bostad(
        "household",
        "add",
        "Anna Andersson",
        "--street",
        "Storgatan 1",
        "--postal-code",
        "441 30",
        "--city",
        "Exempelby",
        "--as-of",
        "2026-03-01",
    ).strip()
    # The Swedish word a caseworker types is the new code (step 1).
    bostad(
        "support",
        "add",
        ref,
        "--kind",
        "boendeplacering",
        "--start",
        "2026-03-02",
        "--end",
        "2026-03-20",
        "--as-of",
        "2026-03-02",
    )
    listed = list(
        csv.DictReader(
            io.StringIO(bostad("support", "list", ref, "--format", "csv", "--as-of", "2026-03-05"))
        )
    )
    assert [row["kind"] for row in listed] == ["supported_housing"]
    assert "supported housing" in bostad("support", "list", ref, "--as-of", "2026-03-05")
    # The export's kind column and the year report pick the member up from the enum.
    exported = list(csv.DictReader(io.StringIO(bostad("export", "supports"))))
    assert [row["kind"] for row in exported] == ["supported_housing"]
    year = json.loads(
        bostad("report", "year", "--year", "2026", "--as-of", "2026-03-31", "--format", "json")
    )
    assert year["supports"]["by_kind"]["supported_housing"]["started"] == 1
    # The letter names it in Swedish (step 4).
    letter = bostad(
        "letter",
        "render",
        ref,
        "support_ending",
        "--format",
        "txt",
        "--out",
        "-",
        "--as-of",
        "2026-03-06",
    )
    assert "Boendeplaceringen" in letter


def test_adding_an_export_column_by_the_recipe(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from bostadcli import export
    from bostadcli.db import open_database
    from bostadcli.export.registry import TABLES, col
    from bostadcli.households import NewHousehold, add_household
    from bostadcli.i18n import N_

    households = TABLES["households"]
    # Steps 1 and 2: the column appended at the end, its value from a derive.
    original = households.derive

    def derive(row: dict[str, object], as_of: date) -> None:
        if original is not None:
            original(row, as_of)
        row["opened_weekday"] = date.fromisoformat(str(row["opened_on"])).isoweekday()

    changed = dataclasses.replace(
        households,
        columns=(
            *households.columns,
            col("opened_weekday", N_("the weekday the case was opened, 1 = Monday"), "int"),
        ),
        derive=derive,
    )
    monkeypatch.setitem(TABLES, "households", changed)

    db = open_database(tmp_path / "bostad.sqlite", create=True)
    try:
        add_household(db, NewHousehold(tenant_name="Anna Andersson"), as_of=date(2026, 3, 2))
        out = io.StringIO()
        export.export_table(
            db, "households", out, fmt="csv", as_of=date(2026, 3, 4), command="test"
        )
        rows = list(csv.DictReader(io.StringIO(out.getvalue())))
        assert list(rows[0])[-1] == "opened_weekday"
        assert rows[0]["opened_weekday"] == "1"
        out = io.StringIO()
        export.export_table(
            db, "households", out, fmt="json", as_of=date(2026, 3, 4), command="test"
        )
        assert json.loads(out.getvalue())[0]["opened_weekday"] == 1
        # Step 5: `export schema` (and so docs/exports.md) lists it with its meaning.
        assert "opened_weekday" in export.schema_markdown()
    finally:
        db.close()
