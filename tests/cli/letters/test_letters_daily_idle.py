"""`letter daily` from cron on a day with nothing due: it finds that out first and stops
there, without loading WeasyPrint, pypdf or the templates; with something due, a setup
that would spoil every letter (no WeasyPrint, a broken template) still stops the run
before any letter is made."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import ON_ANY_DAY

# Runs the CLI in a process of its own, with some packages made impossible to import,
# and says on stderr which of the heavy ones were loaded when it ended.
SCRIPT = """
import atexit, sys

blocked = set(filter(None, sys.argv[1].split(",")))


class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ImportError(f"no module named {name!r}")
        return None


sys.meta_path.insert(0, Block())


@atexit.register
def loaded():
    heavy = ("weasyprint", "pypdf", "jinja2")
    sys.stderr.write("LOADED=" + ",".join(m for m in heavy if m in sys.modules) + "\\n")


sys.argv = ["bostad", *sys.argv[2:]]
from bostadcli.cli import main

main()
"""


@pytest.fixture
def setup(tmp_path: Path) -> dict[str, Any]:
    """A database with one case that arrived on Thursday 12 November 2026: its first
    letter is due on Friday 13 November, and nothing is due on Monday 16 November once
    Friday's run made it."""
    env = os.environ | {
        "BOSTAD_DB": str(tmp_path / "bostad.sqlite"),
        "BOSTAD_CONFIG": str(tmp_path / "config.toml"),
        "BOSTAD_LANG": "en",
    }
    env.pop("BOSTAD_TEMPLATES", None)
    (tmp_path / "config.toml").write_text(
        '[letterhead]\nphone = "08-1"\nsocialjouren_phone = "08-2"\n', encoding="utf-8"
    )
    _run(env, "", "init")
    _run(
        env,
        "",
        *("household", "add", "Anna Andersson", "--street", "Storgatan 1"),
        *("--postal-code", "441 30", "--city", "Ängby", "--source", "landlord"),
        *("--opened", "2026-11-12", "--as-of", "2026-11-12"),
    )
    return {"env": env, "out": tmp_path / "brev", "tmp": tmp_path}


def _run(env: dict[str, str], blocked: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", ON_ANY_DAY + SCRIPT, blocked, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _daily(setup: dict[str, Any], day: str, *extra: str, blocked: str = "") -> Any:
    args = ("letter", "daily", "--as-of", day, "--out-dir", str(setup["out"]), *extra)
    return _run(setup["env"], blocked, *args)


def _loaded(result: Any) -> str:
    line = [x for x in result.stderr.splitlines() if x.startswith("LOADED=")][-1]
    return line.removeprefix("LOADED=")


def _summary(result: Any) -> str:
    return [x for x in result.stderr.splitlines() if not x.startswith("LOADED=")][-1]


def test_nothing_due_loads_neither_weasyprint_nor_templates(setup: dict[str, Any]) -> None:
    made = _daily(setup, "2026-11-13", "-f", "html")
    assert made.returncode == 0, made.stderr
    assert _summary(made).startswith("2026-11-13: 1 new, 0 to phone or visit")
    idle = _daily(setup, "2026-11-16")  # PDF, as from cron
    assert idle.returncode == 0, idle.stderr
    assert _summary(idle) == (
        f"2026-11-16: 0 new, 0 to phone or visit, 0 not sent, 0 failed; in {setup['out']}"
    )
    assert _loaded(idle) == ""
    assert not list(setup["out"].glob("*2026-11-16*"))


def test_nothing_due_without_weasyprint_is_no_error(setup: dict[str, Any]) -> None:
    assert _daily(setup, "2026-11-13", "-f", "html").returncode == 0
    idle = _daily(setup, "2026-11-16", blocked="weasyprint")
    assert idle.returncode == 0, idle.stderr
    assert _summary(idle).startswith("2026-11-16: 0 new")


def test_something_due_without_weasyprint_fails_before_any_letter(
    setup: dict[str, Any],
) -> None:
    run = _daily(setup, "2026-11-13", blocked="weasyprint")
    assert run.returncode == 1, run.stderr
    assert "WeasyPrint" in _summary(run) and "Traceback" not in run.stderr
    assert not setup["out"].exists() or not any(setup["out"].iterdir())
    # Nothing was recorded: with HTML the letter is made.
    again = _daily(setup, "2026-11-13", "-f", "html")
    assert again.returncode == 0 and _summary(again).startswith("2026-11-13: 1 new")


def test_something_due_with_a_broken_template_fails_before_any_letter(
    setup: dict[str, Any],
) -> None:
    folder = setup["tmp"] / "mallar"
    folder.mkdir()
    (folder / "outreach.html.j2").write_text("<p>{% if %}</p>", encoding="utf-8")
    run = _daily(setup, "2026-11-13", "-f", "html", "--templates", str(folder))
    assert run.returncode == 1, run.stderr
    assert "outreach.html.j2" in _summary(run) and "Traceback" not in run.stderr
    assert not setup["out"].exists() or not any(setup["out"].iterdir())
    # With nothing due the broken template is not read (parsing every template would
    # cost the idle run more than the rest of it): the run says nothing is due.
    assert _daily(setup, "2026-11-13", "-f", "html").returncode == 0
    idle = _daily(setup, "2026-11-16", "-f", "html", "--templates", str(folder))
    assert idle.returncode == 0, idle.stderr
    assert _summary(idle).startswith("2026-11-16: 0 new")


def test_nothing_due_without_a_letterhead_still_fails(setup: dict[str, Any]) -> None:
    assert _daily(setup, "2026-11-13", "-f", "html").returncode == 0
    Path(setup["env"]["BOSTAD_CONFIG"]).write_text("", encoding="utf-8")
    idle = _daily(setup, "2026-11-16")
    assert idle.returncode != 0
    assert "letterhead" in _summary(idle) and "Traceback" not in idle.stderr
