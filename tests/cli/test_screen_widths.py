"""The main screens in a real terminal (a pseudo-terminal of 80 and 120 columns), in
Swedish and English: no line wider than the terminal, no amount or date broken across
lines, headings whole; and the same commands piped: no colour codes, nothing cut."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from datetime import date
from pathlib import Path

import pytest

from conftest import BOSTAD_ON_ANY_DAY

AS_OF = "2026-12-04"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
# An amount cut at the end of a line: digits, then "kr" (or the rest of the number)
# at the start of the next.
CUT_AMOUNT = re.compile(r"\d\s*\n\s*(?:kr\b|\d{3}\b)")
# A date cut: an ISO date missing its end, or a short date missing its month.
CUT_DATE = re.compile(r"\b\d{4}-\d{2}-?(?:\n|…)|\b\d{4}-\d{2}-\d…")

SCREENS = [
    ["household", "list"],
    ["household", "show", "2026-0001"],
    ["household", "show", "2026-0003"],
    ["household", "show", "2026-0005"],
    ["household", "show", "2026-0006"],
    ["household", "history", "2026-0001"],
    ["report", "deadlines", "--as-of", AS_OF],
    ["report", "caseload", "--as-of", AS_OF],
    ["search", "Hassan"],
    ["plan", "show", "P-0002", "--as-of", AS_OF],
    ["letter", "list"],
    ["audit"],
    ["contact", "list"],
    ["support", "list", "--as-of", AS_OF],
    ["notice", "list", "--as-of", AS_OF],
    ["household", "list", "--help"],
    ["report", "deadlines", "--help"],
    ["contact", "add", "--help"],
]
# Words each screen's headings must show whole, by language.
HEADINGS = {
    ("household", "list"): {"sv": ["Ärende", "Skuld"], "en": ["Case", "Arrears"]},
    ("report", "deadlines"): {"sv": ["Vad", "Ärende"], "en": ["What", "Case"]},
    ("contact", "list"): {"sv": ["Ärende", "Text"], "en": ["Case", "Text"]},
    ("audit",): {"sv": ["Tid", "Vad"], "en": ["Time", "What"]},
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bostadcli import i18n
    from bostadcli.demo import build_demo

    # Built in Swedish, as a unit's caseload is: its notes are Swedish text.
    previous = i18n.current_language()
    i18n.setup("sv")
    try:
        folder = tmp_path_factory.mktemp("screens") / "demo"
        build_demo(folder, as_of=date.fromisoformat(AS_OF))
    finally:
        i18n.setup(previous)
    return folder


def _base(demo: Path, lang: str) -> list[str]:
    return [
        sys.executable,
        *BOSTAD_ON_ANY_DAY,
        "--db",
        str(demo / "bostad.sqlite"),
        "--config",
        str(demo / "config.toml"),
        "--lang",
        lang,
    ]


def terminal_output(
    args: list[str], columns: int, env: dict[str, str], *, timeout: float = 30
) -> tuple[bytes, int]:
    """Every byte a terminal of ``columns`` receives for ``args`` run with ``env`` (colour
    on: TERM set, NO_COLOR unset), and the exit code."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = dict(env, TERM="xterm-256color")
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    out = b""
    while True:
        ready, _, _ = select.select([master], [], [], timeout)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return out, proc.wait(timeout=timeout)


def in_terminal(args: list[str], columns: int) -> str:
    """What a terminal of ``columns`` shows for ``args``, colour codes removed."""
    env = dict(os.environ, COLUMNS=str(columns), LINES="50")
    out, code = terminal_output(args, columns, env)
    assert code == 0, out.decode("utf-8", "replace")
    text = out.decode("utf-8").replace("\r\n", "\n")
    return ANSI.sub("", text)


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_main_screens_fit_and_keep_values_whole(demo: Path, lang: str, columns: int) -> None:
    for screen in SCREENS:
        shown = in_terminal(_base(demo, lang) + screen, columns)
        assert shown.strip(), screen
        lines = shown.splitlines()
        widest = max(len(line) for line in lines)
        assert widest <= columns, (screen, widest, shown)
        if "--help" in screen:
            # A list of choices breaks between choices, never inside one.
            assert not re.search(r"\|[a-z]+\n", shown), shown
            continue
        # Amounts never break (the table keeps "14 900 kr" together; so does wrapping).
        plain = "\n".join(line.strip(" │") for line in lines)
        assert not CUT_AMOUNT.search(plain), (screen, shown)
        assert not CUT_DATE.search(plain), (screen, shown)
        for word in HEADINGS.get(tuple(w for w in screen if not w.startswith("-"))[:2], {}).get(
            lang, []
        ):
            assert re.search(rf"(?<!\w){word}(?!\w)", shown), (screen, word, shown)


def test_deadline_screen_wraps_what_at_80(demo: Path) -> None:
    shown = in_terminal([*_base(demo, "sv"), "report", "deadlines", "--as-of", AS_OF], 80)
    # What an entry is about is read, not squeezed: whole phrases stay on a line.
    assert "14\u00a0900\u00a0kr" in shown
    assert "ingen kontakt sedan ärendet öppnades" in shown
    # A date of another year says its year ("lör 4 jan. 2025"), this year's does not.
    assert re.search(r"\b4 jan\. 2025\b", shown), shown
    assert not re.search(r"\b11 dec\. 2026\b", shown), shown


def test_household_list_keeps_the_deadline_date_whole(demo: Path) -> None:
    # Days left are counted from the demo's day, not the day the tests run.
    shown = in_terminal([*_base(demo, "sv"), "household", "list", "--as-of", AS_OF], 80)
    assert "2026-12-11" in shown and "2027-01-04" in shown
    assert "(7\u00a0dagar\u00a0kvar)" in shown


def test_audit_speaks_words_in_local_time(demo: Path) -> None:
    shown = in_terminal([*_base(demo, "sv"), "audit"], 120)
    assert "lade till hyresvärd 1" in shown
    assert "ändrade ärende 1: handläggare" in shown
    assert '{"' not in shown  # the raw changes stay in --format json
    assert not re.search(r"\d{2}:\d{2}:\d{2}Z", shown)
    piped = subprocess.run(
        [*_base(demo, "sv"), "audit", "--format", "json"], capture_output=True, text=True
    )
    rows = json.loads(piped.stdout)
    assert rows[0]["at"].endswith("Z") and "changes" in rows[0] and "what" not in rows[0]


def test_piped_output_is_plain_and_whole(demo: Path) -> None:
    for screen in (["household", "list"], ["contact", "list"], ["report", "deadlines"]):
        done = subprocess.run(
            _base(demo, "sv") + screen + ["--format", "csv"], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert "\x1b[" not in done.stdout and "\x1b[" not in done.stderr
    table = subprocess.run(
        [*_base(demo, "sv"), "contact", "list"], capture_output=True, text=True
    ).stdout
    assert "\x1b[" not in table and "…" not in table
    notes = subprocess.run(
        [*_base(demo, "sv"), "contact", "list", "--format", "csv"], capture_output=True, text=True
    ).stdout
    texts = [row["text"] for row in csv.DictReader(io.StringIO(notes))]
    long_note = max(texts, key=len)
    assert len(long_note) > 80 and "\n" not in long_note.strip()
    assert long_note.endswith(" 2026.")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_help_at_80_columns_cuts_nothing(demo: Path, lang: str) -> None:
    from bostadcli.vocab import Reason

    listing = in_terminal([*_base(demo, lang), "household", "list", "--help"], 80)
    # Every choice stands whole on a line, and so does every option name.
    for code in Reason:
        assert re.search(rf"(?<![\w-]){code.value}(?![\w-])", listing), (code, listing)
    assert "--without-children" in listing
    notice = in_terminal([*_base(demo, lang), "notice", "add", "--help"], 80)
    assert "--confirm-non-working-day" in notice
    for shown in (listing, notice):
        assert "…" not in shown
        assert max(len(line) for line in shown.splitlines()) <= 80
