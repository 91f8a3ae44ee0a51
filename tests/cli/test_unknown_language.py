"""A language bostad does not have is never taken in silence: --lang refuses it as a
usage error (exit 2) naming the languages there are; BOSTAD_LANG, set once for every
run, is named in a warning on stderr and passed over."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def bostad(args: list[str], tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")
        and not key.startswith("BOSTAD_")
    }
    env |= {
        "BOSTAD_DB": str(tmp_path / "bostad.sqlite"),
        "BOSTAD_CONFIG": str(tmp_path / "config.toml"),
        "NO_COLOR": "1",
    } | extra
    return subprocess.run(
        [sys.executable, "-m", "bostadcli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize("value", ["de", "", "xx_XX", "svenska"])
@pytest.mark.parametrize("form", ["separate", "joined"])
def test_unknown_lang_option_is_a_usage_error(tmp_path: Path, value: str, form: str) -> None:
    args = ["--lang", value] if form == "separate" else [f"--lang={value}"]
    result = bostad([*args, "household", "list"], tmp_path)
    assert result.returncode == 2
    first = result.stderr.splitlines()[0]
    assert first == f"bostad: --lang: okänt språk '{value}'; språken som finns är sv, en"
    assert result.stdout == ""
    assert not (tmp_path / "bostad.sqlite").exists()


def test_unknown_lang_option_is_refused_before_help(tmp_path: Path) -> None:
    result = bostad(["--lang", "de", "--help"], tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""


@pytest.mark.parametrize("value", ["en", "sv", "en_GB.UTF-8", "SV-se"])
def test_known_languages_are_taken(tmp_path: Path, value: str) -> None:
    result = bostad(["--lang", value, "--version"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_unknown_environment_language_warns_once(tmp_path: Path) -> None:
    bostad(["init"], tmp_path)
    result = bostad(["household", "list"], tmp_path, BOSTAD_LANG="de")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "BOSTAD_LANG" in line]
    assert warnings == [
        "bostad: varning: BOSTAD_LANG=de är inget språk som bostad har (sv, en);"
        " variabeln hoppas över"
    ]
    # The option decides over the environment, which is then not looked at.
    result = bostad(["--lang", "en", "household", "list"], tmp_path, BOSTAD_LANG="de")
    assert result.returncode == 0
    assert "BOSTAD_LANG" not in result.stderr


@pytest.mark.parametrize(
    ("words", "env"),
    [("bostad hou", {"BOSTAD_LANG": "de"}), ("bostad --lang de hou", {})],
)
def test_completion_says_nothing_about_the_language(
    tmp_path: Path, words: str, env: dict[str, str]
) -> None:
    """The shell shows what completion writes on stderr in the middle of the line."""
    result = bostad(
        [],
        tmp_path,
        _BOSTAD_COMPLETE="complete_bash",
        COMP_WORDS=words,
        COMP_CWORD=str(len(words.split(" ")) - 1),
        **env,
    )
    assert result.returncode == 0
    assert result.stderr == ""
    assert "household" in result.stdout
