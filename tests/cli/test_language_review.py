"""Whole screens in each language, as a user's terminal gets them: no words of the other.

Each screen runs ``bostad`` in a subprocess with ``BOSTAD_LANG`` set, so the language is
chosen the way it is for a real user (before the command modules are imported) and
Typer's own frame of the help screens ("Usage:", "Options", "[default: …]") is tested
along with our texts.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

AS_OF = "2026-11-16"
COLUMNS = "100"

# Words that give away the other language. Matched without regard to case.
ENGLISH_LEFTOVERS = (
    "Usage",
    "Options",
    "Commands",
    "Arguments",
    "Show this message",
    "default",
    "required",
    "env var",
    "error:",
    "Try '",
    "<bool>",
    "<str>",
    "YYYY",
)
SWEDISH_LEFTOVERS = ("Ärende", "fel:", "Hyresgäst", "Användning", "Flaggor", "Skriv '", "ÅÅÅÅ")

# (screen, arguments, Swedish words it must show, English words it must show)
SCREENS = [
    ("root help", ["--help"], ["Användning:", "Flaggor", "Kommandon", "hushåll"],
     ["Usage:", "Options", "Commands", "households"]),
    ("household list help", ["household", "list", "--help"],
     ["Användning:", "Flaggor", "ÅÅÅÅ-MM-DD", "[standard: open]", "Visa den här hjälpen"],
     ["Usage:", "Options", "YYYY-MM-DD", "[default: open]", "Show this help"]),
    ("consent add help", ["consent", "add", "--help"],
     ["Argument", "[krävs]", "ÄRENDE"], ["Arguments", "[required]", "REF"]),
    ("deadlines", ["report", "deadlines", "--as-of", AS_OF],
     ["Att åtgärda", "16 november 2026", "återvinningsfrist", "Inom 7 dagar"],
     ["What needs action", "16 November 2026", "recovery deadline", "Within 7 days"]),
    ("household list", ["household", "list", "--as-of", AS_OF],
     ["Ärende", "Hyresgäst", "Skuld", "obetald hyra"],
     ["Case", "Tenant", "Arrears", "unpaid rent"]),
    ("unknown reference", ["household", "show", "2099-9999"],
     ["fel:", "ärendenummer"], ["error:", "no household"]),
    ("bad date", ["notice", "add", "2026-0001", "--kind", "termination", "--served", "2026-13-45"],
     ["fel:", "datumet finns inte"], ["error:", "no such date"]),
    ("unknown option", ["household", "list", "--bogus"],
     ["okänd flagga", "Skriv 'bostad household list --help' för hjälp."],
     ["no such option", "Try 'bostad household list --help' for help."]),
]  # fmt: skip


def bostad(args: list[str], *, lang: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")
        and not key.startswith("BOSTAD_")
    }
    env |= {
        "BOSTAD_LANG": lang,
        "BOSTAD_DB": str(home / "bostad.sqlite"),
        "BOSTAD_CONFIG": str(home / "config.toml"),
        "COLUMNS": COLUMNS,
        "NO_COLOR": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "bostadcli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small caseload: a family with children and a termination served a week ago."""
    home = tmp_path_factory.mktemp("language")
    steps = [
        ["init"],
        ["landlord", "add", "Alingsåshem", "--kind", "municipal"],
        ["household", "add", "Anna Andersson", "--landlord", "Alingsåshem", "--rent", "7450",
         "--arrears", "14900", "--child", "2015-03-02", "--opened", "2026-11-09",
         "--as-of", "2026-11-09"],
        ["notice", "add", "2026-0001", "--kind", "termination", "--served", "2026-11-09",
         "--amount", "14900", "--received", "2026-11-09", "--as-of", "2026-11-09"],
    ]  # fmt: skip
    for step in steps:
        done = bostad(step, lang="en", home=home)
        assert done.returncode == 0, (step, done.stderr)
    return home


def screen_text(args: list[str], lang: str, home: Path) -> str:
    done = bostad(args, lang=lang, home=home)
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout + done.stderr


def leftovers(text: str, words: tuple[str, ...]) -> list[str]:
    return [word for word in words if re.search(re.escape(word), text, re.IGNORECASE)]


@pytest.mark.parametrize(
    ("args", "swedish"),
    [(args, sv) for _name, args, sv, _en in SCREENS],
    ids=[s[0] for s in SCREENS],
)
def test_swedish_screen_has_no_english(home: Path, args: list[str], swedish: list[str]) -> None:
    text = screen_text(args, "sv", home)
    assert leftovers(text, ENGLISH_LEFTOVERS) == [], text
    for word in swedish:
        assert word in text, (word, text)


@pytest.mark.parametrize(
    ("args", "english"),
    [(args, en) for _name, args, _sv, en in SCREENS],
    ids=[s[0] for s in SCREENS],
)
def test_english_screen_has_no_swedish(home: Path, args: list[str], english: list[str]) -> None:
    text = screen_text(args, "en", home)
    assert leftovers(text, SWEDISH_LEFTOVERS) == [], text
    for word in english:
        assert word in text, (word, text)


def test_swedish_amounts_and_dates_in_a_table(home: Path) -> None:
    text = screen_text(["household", "list", "--as-of", AS_OF], "sv", home)
    # 14 900 kr with a space (babel's no-break space) between the thousands.
    assert re.search(r"14\s900\skr", text), text
    assert "2026-11-30" in text  # the recovery deadline: served + 21 days, a Monday


def test_screens_check_the_whole_frame() -> None:
    """The tell-tale words really occur in Typer's English frame, so the Swedish test
    cannot pass by looking at the wrong thing."""
    from typer.testing import CliRunner

    from bostadcli.cli.app import app

    english = CliRunner().invoke(app, ["household", "list", "--help"], env={"COLUMNS": COLUMNS})
    found = leftovers(english.stdout, ENGLISH_LEFTOVERS)
    assert {"Usage", "Options", "default", "YYYY"} <= set(found), english.stdout


def test_a_question_is_answered_in_the_interface_language() -> None:
    """purge asks "[j/N]" in Swedish, so "ja" must mean yes (English answers work too)."""
    from bostadcli import i18n
    from bostadcli.cli.purge import is_yes

    i18n.setup("sv")
    assert all(is_yes(answer) for answer in ("j", "ja", "Ja ", "y", "yes"))
    assert not any(is_yes(answer) for answer in ("", "n", "nej", "no", "jo"))
    i18n.setup("en")
    assert is_yes("y") and is_yes("YES") and not is_yes("ja")
