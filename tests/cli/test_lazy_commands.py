"""A command imports the noun it runs, not every noun (cli/lazy.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bostadcli.cli.lazy import LazyCommands

NOUN_MODULES = {
    "audit",
    "backup",
    "caseworkers",
    "consents",
    "contacts",
    "database",
    "demo",
    "exporting",
    "households",
    "importing",
    "landlords",
    "letters",
    "members",
    "notices",
    "plans",
    "purge",
    "reports",
    "search",
    "supports",
    "templates",
    "undertakings",
}

PROBE = """
import json, sys
sys.argv = ["bostad", *json.loads(sys.argv[1])]
from bostadcli.cli import main
try:
    main()
except SystemExit:
    pass
loaded = sorted(
    m.rsplit(".", 1)[1] for m in sys.modules if m.startswith("bostadcli.cli.")
)
print(json.dumps(loaded), file=sys.stderr)
"""


def cli_modules_after(args: list[str], tmp_path: Path) -> set[str]:
    env = {
        **os.environ,
        "BOSTAD_DB": str(tmp_path / "bostad.sqlite"),
        "BOSTAD_CONFIG": str(tmp_path / "config.toml"),
        "BOSTAD_LANG": "en",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    loaded: list[str] = json.loads(result.stderr.strip().splitlines()[-1])
    return set(loaded) & NOUN_MODULES


# The case screen draws notices, contacts, plans and supports with the words their own
# nouns keep; nothing else may be built.
CASE_SCREEN = {"households", "notices", "contacts", "plans", "supports"}


@pytest.mark.parametrize(
    ("args", "own", "allowed"),
    [
        (["household", "list"], "households", CASE_SCREEN),
        (["household", "show", "2026-0001"], "households", CASE_SCREEN),
        (["search", "Hassan"], "search", {"search"} | CASE_SCREEN),
        (["report", "deadlines"], "reports", {"reports", "notices", "contacts"}),
        (["letter", "list"], "letters", {"letters", "templates"}),  # letters name templates
        (["db", "status"], "database", {"database"}),
    ],
)
def test_a_command_builds_only_its_own_noun(
    args: list[str], own: str, allowed: set[str], tmp_path: Path
) -> None:
    loaded = cli_modules_after(args, tmp_path)
    assert own in loaded
    assert loaded <= allowed, f"built for {args}: {sorted(loaded - allowed)}"


def test_the_root_help_builds_no_noun(tmp_path: Path) -> None:
    # It lists them from the root's summaries (tests/cli/test_root_help.py).
    assert cli_modules_after(["--help"], tmp_path) == set()


def test_the_mapping_builds_on_lookup_only() -> None:
    built: list[str] = []

    def builder(name: str) -> object:
        built.append(name)
        return f"command {name}"

    commands = LazyCommands(
        {"ready": "command ready"},
        {"b": lambda: builder("b"), "a": lambda: builder("a")},
    )
    assert list(commands) == ["b", "a", "ready"]
    assert len(commands) == 3 and "a" in commands and "nope" not in commands
    assert built == []
    assert commands["a"] == "command a" and commands["a"] == "command a"
    assert built == ["a"]
    assert commands.get("nope") is None
    assert commands.built() == {"ready": "command ready", "a": "command a"}
    commands["c"] = "command c"
    assert list(commands) == ["b", "a", "ready", "c"]
    del commands["b"]
    assert list(commands) == ["a", "ready", "c"] and built == ["a"]
    with pytest.raises(KeyError):
        del commands["b"]
    assert dict(commands.items()) == {"a": "command a", "ready": "command ready", "c": "command c"}


def test_tab_completes_a_noun_building_only_the_nouns_it_names(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "_BOSTAD_COMPLETE": "complete_bash",
        "COMP_WORDS": "bostad hou",
        "COMP_CWORD": "1",
        "BOSTAD_DB": str(tmp_path / "bostad.sqlite"),
    }
    probe = PROBE.replace(
        'sys.argv = ["bostad", *json.loads(sys.argv[1])]', 'sys.argv = ["bostad"]'
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, "[]"], capture_output=True, text=True, env=env, check=True
    )
    assert "household" in result.stdout
    loaded = set(json.loads(result.stderr.strip().splitlines()[-1])) & NOUN_MODULES
    assert loaded == {"households"}  # the one name that starts with "hou"
