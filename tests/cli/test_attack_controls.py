"""Stored text with escape sequences, C1 controls or bidi overrides reaches no terminal
through a message on standard error (a name in "Removed ... from ...", a group in a
warning), piped, in a terminal or in an ASCII locale, while rich's own control codes (a
progress bar's) still pass; and no letter quotes such a text (a landlord's name), since
a letter's text may go to a terminal, an e-mail or an SMS."""

from __future__ import annotations

import io
import os
import re
import shutil
import sqlite3
import subprocess
from datetime import date
from pathlib import Path

import pytest
from test_screen_widths import AS_OF, _base, terminal_output

from bostadcli.cli.terminal_text import ScreenStream
from conftest import Cli

HOSTILE = "\x1b]0;PWN\x07\x1b[2J\x9b31m\u202eRTL\u2066\x00\x08\r\x1bc\u0085\x7f"
# What no message may carry: every control but the newline and the tab, C1, bidi.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# In a terminal: rich's colour codes, its cursor codes and the terminal's line ends.
RICH_CODES = re.compile(rb"\x1b\[[0-9;]*m|\x1b\[\?25[lh]|\x1b\[2K|\x1b\[[0-9]*[AG]|\r")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bostadcli import i18n
    from bostadcli.demo import build_demo

    previous = i18n.current_language()
    i18n.setup("sv")
    try:
        folder = tmp_path_factory.mktemp("controls") / "demo"
        build_demo(folder, as_of=date.fromisoformat(AS_OF))
    finally:
        i18n.setup(previous)
    return folder


@pytest.fixture
def demo(built: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "demo"
    shutil.copytree(built, folder)
    return folder


def _poison(demo: Path, sql: str) -> None:
    with sqlite3.connect(demo / "bostad.sqlite") as db:
        db.execute(sql, (HOSTILE,))
    db.close()


def _run(demo: Path, args: list[str], **env: str) -> subprocess.CompletedProcess[bytes]:
    environment = {**os.environ, "COLUMNS": "100", **env}
    return subprocess.run(_base(demo, "sv") + args, capture_output=True, env=environment)


def _in_terminal(demo: Path, args: list[str], columns: int = 100) -> bytes:
    """The raw bytes a terminal receives (stdout and stderr), rich's own codes removed."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    out, _code = terminal_output(_base(demo, "sv") + args, columns, env, timeout=60)
    return out


def _unsafe(data: bytes) -> list[str]:
    return sorted(set(UNSAFE.findall(data.decode("utf-8", "replace"))))


def test_a_message_quoting_a_stored_name_carries_no_escape(demo: Path) -> None:
    _poison(demo, "UPDATE members SET name = name || ? WHERE id = 4")
    shutil.copytree(demo, demo.with_name("again"))
    done = _run(demo, ["member", "remove", "2026-0001", "4"])
    assert done.returncode == 0, done.stderr
    assert _unsafe(done.stderr) == [], done.stderr
    assert "Adam Hassan]0;PWN" in done.stderr.decode()  # the rest of the name is shown
    raw = _in_terminal(demo.with_name("again"), ["member", "remove", "2026-0001", "4"])
    assert b"Adam Hassan" in raw, raw
    assert _unsafe(RICH_CODES.sub(b"", raw)) == [], raw


def test_a_message_quoting_a_landlord_carries_no_escape(demo: Path) -> None:
    _poison(demo, "UPDATE landlords SET name = name || ?")
    done = _run(demo, ["undertaking", "add", "2026-0001", "--covers", "x", "--decided-by", "y"])
    assert done.returncode == 0, done.stderr
    assert b"Exempelhem AB" in done.stderr and _unsafe(done.stderr) == [], done.stderr


@pytest.mark.parametrize("encoding", ["utf-8", "ascii", "latin-1"])
def test_a_warning_quoting_a_stored_group_carries_no_escape(demo: Path, encoding: str) -> None:
    # Every command warns that the group cannot write: the group's name is stored text.
    _poison(demo, "INSERT INTO settings (name, value) VALUES ('shared_group', 'nogroup' || ?)")
    done = _run(demo, ["db", "check"], PYTHONIOENCODING=encoding)
    assert done.returncode == 0, done.stderr
    err = done.stderr
    assert b"nogroup" in err and _unsafe(err) == [], err
    # Click writes UTF-8 to standard error's buffer where the stream says ASCII.
    err.decode("utf-8" if encoding == "ascii" else encoding)
    if encoding == "ascii":
        assert "kör".encode() in err, err
    raw = _in_terminal(demo, ["db", "check"])
    assert b"nogroup" in raw and _unsafe(RICH_CODES.sub(b"", raw)) == [], raw


def test_a_progress_bar_keeps_its_control_codes(demo: Path) -> None:
    raw = _in_terminal(
        demo, ["letter", "monthly", "--format", "txt", "--out-dir", str(demo / "out")]
    )
    assert b"\x1b[?25l" in raw, raw  # the cursor hidden while the bar runs
    # Every colour code whole: none lost its escape to a filter.
    assert re.search(rb"(?<!\x1b)\[[0-9;]+m", raw) is None, raw


def test_the_screen_stream_leaves_the_characters_out() -> None:
    text = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    stream = ScreenStream(text)
    assert stream.write(f"a{HOSTILE}b\n") == len(HOSTILE) + 3
    stream.flush()
    stream.buffer.write(f"c{HOSTILE}ö\n".encode())
    stream.flush()
    assert text.buffer.getvalue().decode() == "a]0;PWN[2J31mRTLcb\nc]0;PWN[2J31mRTLcö\n"  # type: ignore[attr-defined]
    assert stream.rich_proxied_file is text


@pytest.mark.parametrize("fmt", ["txt", "html", "pdf"])
def test_a_letter_quotes_no_stored_control_characters(demo: Path, fmt: str) -> None:
    if fmt == "pdf":
        pytest.importorskip("weasyprint")
    _poison(demo, "UPDATE landlords SET name = name || ?")
    before = sqlite3.connect(demo / "bostad.sqlite").execute("SELECT count(*) FROM letters")
    count = before.fetchone()[0]
    done = _run(demo, ["letter", "render", "2026-0001", "outreach", "--format", fmt, "-o", "-"])
    assert done.returncode == 1 and done.stdout == b"", done.stderr
    err = done.stderr.decode()
    assert "landlord.name" in err and "styrtecken" in err, err
    assert _unsafe(done.stderr) == [], err
    after = sqlite3.connect(demo / "bostad.sqlite").execute("SELECT count(*) FROM letters")
    assert after.fetchone()[0] == count


def test_a_monthly_run_names_the_letter_it_could_not_make(demo: Path) -> None:
    _poison(demo, "UPDATE landlords SET name = name || ? WHERE name LIKE 'Fastighets%'")
    out = demo / "out"
    # The demo's December reminder of 2026-0006 told of the installments missed then:
    # without it, January's run reminds of them.
    with sqlite3.connect(demo / "bostad.sqlite") as db:
        db.execute(
            "DELETE FROM letters WHERE kind = 'plan_reminder' AND household_id ="
            " (SELECT id FROM households WHERE ref = '2026-0006')"
        )
    db.close()
    args = ["letter", "monthly", "--month", "2027-01", "--as-of", "2027-01-04"]
    done = _run(demo, [*args, "--format", "txt", "--out-dir", str(out)])
    err = done.stderr.decode()
    assert done.returncode == 3, err
    assert "2026-0006 plan_reminder" in err and "landlord" in err, err
    assert _unsafe(done.stderr) == [], err
    made = list(out.glob("*.txt"))
    assert [m.name for m in made] == ["2026-0005-plan_reminder.txt"], made
    assert _unsafe(made[0].read_bytes()) == []


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_completion_offers_no_stored_control_characters(demo: Path, shell: str) -> None:
    with sqlite3.connect(demo / "bostad.sqlite") as db:
        db.execute(
            "UPDATE landlords SET name = name || ? WHERE name LIKE 'Fastighets%'", (HOSTILE,)
        )
        db.execute("UPDATE landlords SET name = 'Två\nrader' WHERE name LIKE 'Exempel%'")
        db.execute("UPDATE caseworkers SET initials = 'K\u202e' WHERE initials = 'KE'")
    db.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOSTAD_")}
    env["BOSTAD_DB"] = str(demo / "bostad.sqlite")
    for words, kept in (
        ("bostad household list --landlord F", b""),
        ("bostad household list --landlord T", b""),
        ("bostad household list --caseworker K", b""),
        ("bostad household list --caseworker O", b"OB"),
    ):
        if shell == "bash":
            env |= {"_BOSTAD_COMPLETE": "complete_bash", "COMP_WORDS": words}
            env["COMP_CWORD"] = str(len(words.split(" ")) - 1)
        else:
            env |= {"_BOSTAD_COMPLETE": f"complete_{shell}", "_TYPER_COMPLETE_ARGS": words}
        done = subprocess.run(_base(demo, "sv")[:3], capture_output=True, env=env)
        assert done.returncode == 0 and done.stderr == b"", done.stderr
        assert kept in done.stdout and b"rader" not in done.stdout, done.stdout
        assert _unsafe(done.stdout) == [], done.stdout


# Stored texts with characters no screen shows, and the same texts without them.
LAYOUT = [
    ("UPDATE landlords SET name = ? WHERE id = 1", "[link=http://x]\x1b[5mBlink[/link]"),
    ("UPDATE caseworkers SET name = ? WHERE id = 1", "Karin\x1b]0;t\x07 Ek"),
    ("UPDATE members SET name = ? WHERE id = 1", "Amira\x1b[2J\u202e\x9b\x07 Hassan"),
    ("UPDATE members SET name = ? WHERE id = 2", "Yusuf" + "\x1b" * 3000 + "\u202e" * 2000),
    ("UPDATE members SET name = ? WHERE id = 5", "Johan\x1b\u0301 Lind\u202e\u0308qvist"),
    ("UPDATE contacts SET text = text || ?", "\x1b[1A\x1b[2Kraderad\u2066 \x85slut"),
]


@pytest.mark.parametrize("columns", [100, 72])
@pytest.mark.parametrize(
    "args",
    [["household", "list"], ["caseworker", "list"], ["plan", "list"], ["search", "Hassan"]],
)
def test_a_table_is_laid_out_as_without_the_characters(
    demo: Path, args: list[str], columns: int
) -> None:
    clean = demo.with_name("clean")
    shutil.copytree(demo, clean)
    for folder, hostile in ((demo, True), (clean, False)):
        with sqlite3.connect(folder / "bostad.sqlite") as db:
            for sql, text in LAYOUT:
                db.execute(sql, (text if hostile else UNSAFE.sub("", text),))
        db.close()
    piped = [_run(f, args, COLUMNS=str(columns)).stdout for f in (demo, clean)]
    assert piped[0] == piped[1]
    shown = [_in_terminal(f, args, columns) for f in (demo, clean)]
    assert shown[0] == shown[1]


@pytest.mark.parametrize(
    ("args", "command", "problem"),
    [
        (["household", "--help=1"], "bostad household", "option '--help' takes no value"),
        (["household", "--help=1", "list"], "bostad household", "takes no value"),
        (["report", "--help=x", "deadlines"], "bostad report", "takes no value"),
        (["export", "--help=1"], "bostad export", "takes no value"),
        (["household", "list", "--mine=1"], "bostad household list", "takes no value"),
        (["--help=1"], "bostad", "option '--help' takes no value"),
        (["--version=1", "household"], "bostad", "option '--version' takes no value"),
    ],
)
def test_a_group_usage_error_names_the_group(
    cli: Cli, args: list[str], command: str, problem: str
) -> None:
    done = cli(*args)
    assert done.exit_code == 2, done.output
    first, second = done.stderr.splitlines()
    assert first.startswith(f"{command}: ") and problem in first, first
    assert second == f"Try '{command} --help' for help."
    assert done.stdout == ""
