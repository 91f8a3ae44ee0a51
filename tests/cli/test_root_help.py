"""`bostad --help` lists the nouns from the root's table of summaries, without building
them, and says exactly what it would say with every noun built."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import test_lazy_commands

PROBE = """
import io, json, sys
from contextlib import redirect_stdout
sys.argv = ["bostad", "--help"]
build_all = json.loads({build_all!r})
from bostadcli import i18n
i18n.setup({lang!r})  # as main() does, before the help texts are read
from bostadcli.cli import main
from bostadcli.cli import app as app_module

if build_all:
    # Every noun built first: Typer then lists the real commands.
    original = app_module.BostadGroup.main

    def main_built(self, *args, **kwargs):
        for name in list(self.commands):
            self.commands[name]
        return original(self, *args, **kwargs)

    app_module.BostadGroup.main = main_built
out = io.StringIO()
with redirect_stdout(out):
    try:
        main()
    except SystemExit:
        pass
built = sorted(m for m in sys.modules if m.startswith("bostadcli.cli.") and m.count(".") == 2)
print(json.dumps({{"help": out.getvalue(), "modules": built}}))
"""

NOUN_MODULES = {f"bostadcli.cli.{name}" for name in test_lazy_commands.NOUN_MODULES}


def root_help(tmp_path: Path, lang: str, *, build_all: bool) -> dict[str, object]:
    env = {
        **os.environ,
        "BOSTAD_LANG": lang,
        "BOSTAD_CONFIG": str(tmp_path / "config.toml"),
        "COLUMNS": "100",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(build_all=json.dumps(build_all), lang=lang)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    found: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_root_help_is_the_same_as_with_every_noun_built(tmp_path: Path, lang: str) -> None:
    listed = root_help(tmp_path, lang, build_all=False)
    built = root_help(tmp_path, lang, build_all=True)
    assert "household" in str(listed["help"])
    assert listed["help"] == built["help"]
    # The help built no noun; the other run built them all (the check above means it).
    assert not set(listed["modules"]) & NOUN_MODULES  # type: ignore[arg-type]
    assert set(built["modules"]) >= NOUN_MODULES  # type: ignore[arg-type]


def test_every_noun_has_a_summary_or_a_help() -> None:
    from bostadcli.cli.app import NOUNS

    for noun in NOUNS:
        assert noun.summary or noun.help, noun.name
        if noun.help_attr:
            assert noun.summary, noun.name
