"""Output whose encoding cannot carry every character (PYTHONIOENCODING=ascii or
latin-1, a Latin-1 locale): screens show "?" for such a character and say so once on
stderr; data (CSV, JSON, JSON Lines) is written in UTF-8 whatever the encoding, the
same bytes as in a UTF-8 locale; an encoding problem is never called a database one."""

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path

import pytest
from test_screen_widths import AS_OF, SCREENS, _base, in_terminal

ENCODINGS = ["ascii", "latin-1"]
# Said when a screen had to show "?" (Swedish: the demo runs with --lang sv).
NOTE = "obs: utdatans teckenkodning"
# What the translator said of an encoding problem before: a damaged record.
DATABASE_WORDS = ("db check", "posten i databasen", "en post i databasen")
LISTINGS = [
    ["household", "list"],
    ["contact", "list"],
    ["report", "deadlines", "--as-of", AS_OF],
    ["report", "caseload", "--as-of", AS_OF],
    ["audit"],
    ["search", "Hassan"],
    ["notice", "list", "--as-of", AS_OF],
]
DOCUMENTS = [
    ["household", "show", "2026-0001", "--format", "json"],
    ["plan", "show", "P-0002", "--as-of", AS_OF, "--format", "json"],
    ["report", "year", "--year", "2026", "--as-of", AS_OF, "--format", "json"],
    ["report", "year", "--year", "2026", "--as-of", AS_OF, "--format", "html"],
    ["report", "year", "--year", "2026", "--as-of", AS_OF, "--format", "csv"],
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bostadcli import i18n
    from bostadcli.demo import build_demo

    previous = i18n.current_language()
    i18n.setup("sv")
    try:
        folder = tmp_path_factory.mktemp("encoding") / "demo"
        build_demo(folder, as_of=date.fromisoformat(AS_OF))
    finally:
        i18n.setup(previous)
    return folder


def _run(demo: Path, args: list[str], encoding: str) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, PYTHONIOENCODING=encoding)
    env.pop("PYTHONUTF8", None)
    return subprocess.run(_base(demo, "sv") + args, capture_output=True, env=env)


def _stderr(done: subprocess.CompletedProcess[bytes], encoding: str) -> str:
    # Messages go through click, which writes UTF-8 to a stream it finds set to ASCII.
    return done.stderr.decode("utf-8" if encoding == "ascii" else encoding)


def _not_the_database(done: subprocess.CompletedProcess[bytes], encoding: str) -> str:
    err = _stderr(done, encoding)
    for words in DATABASE_WORDS:
        assert words not in err, err
    return err


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_screens_degrade_to_question_marks(demo: Path, encoding: str) -> None:
    for screen in SCREENS:
        done = _run(demo, screen, encoding)
        err = _not_the_database(done, encoding)
        assert done.returncode == 0, (screen, err)
        shown = done.stdout.decode(encoding)  # every byte in the stream's own encoding
        assert shown.strip(), screen
        if "?" in shown and "--help" not in screen:
            assert err.count(NOTE) <= 1, err
    # A case's screen ("–" beside the landlord) replaces and says so, once.
    done = _run(demo, ["household", "show", "2026-0001"], encoding)
    err = _stderr(done, encoding)
    assert done.returncode == 0 and err.count(NOTE) == 1, err
    assert "PYTHONIOENCODING=utf-8" in err


def test_a_screen_that_fits_its_encoding_says_nothing(demo: Path) -> None:
    done = _run(demo, ["household", "list", "--as-of", AS_OF], "utf-8")
    assert done.returncode == 0 and NOTE not in done.stderr.decode(), done.stderr


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_data_is_utf8_whatever_the_encoding(demo: Path, encoding: str, fmt: str) -> None:
    for listing in LISTINGS:
        wanted = _run(demo, [*listing, "--format", fmt], "utf-8")
        assert wanted.returncode == 0, wanted.stderr
        done = _run(demo, [*listing, "--format", fmt], encoding)
        _not_the_database(done, encoding)
        assert done.returncode == 0, (listing, done.stderr)
        assert done.stdout == wanted.stdout, listing
        assert NOTE not in _stderr(done, encoding)
    # Something in each listing run is not ASCII: the test tells the rules apart.
    listed = _run(demo, ["household", "list", "--format", fmt], encoding).stdout
    assert not listed.isascii()
    listed.decode("utf-8")


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_documents_are_utf8_whatever_the_encoding(demo: Path, encoding: str) -> None:
    for document in DOCUMENTS:
        wanted = _run(demo, document, "utf-8")
        assert wanted.returncode == 0, (document, wanted.stderr)
        done = _run(demo, document, encoding)
        _not_the_database(done, encoding)
        assert done.returncode == 0, (document, done.stderr)
        assert done.stdout == wanted.stdout, document


def test_c_locale_in_a_pipe(demo: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHON"))}
    env |= {"LANG": "C", "LC_ALL": "C"}
    for screen in (["report", "deadlines", "--as-of", AS_OF], ["household", "show", "2026-0001"]):
        done = subprocess.run(_base(demo, "sv") + screen, capture_output=True, env=env)
        assert done.returncode == 0, done.stderr
        assert b"db check" not in done.stderr


def test_ascii_terminal(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONIOENCODING", "ascii")
    shown = in_terminal([*_base(demo, "sv"), "report", "deadlines", "--as-of", AS_OF], 80)
    screen, note = shown.split(NOTE)
    assert screen.isascii() and "?" in screen, screen
    assert "PYTHONIOENCODING=utf-8" in note


def test_an_encoding_error_is_not_called_a_database_error(
    initialised: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bostadcli.cli import output

    def refuse(*args: object, **kwargs: object) -> None:
        raise UnicodeEncodeError("ascii", "14\u00a0900\u2026", 2, 3, "ordinal not in range(128)")

    monkeypatch.setattr(output, "write_table", refuse)
    done = initialised("--lang", "sv", "household", "list")  # type: ignore[operator]
    assert done.exit_code == 1
    err = done.stderr
    assert "db check" not in err, err
    assert "databasen påverkas inte" in err or "database is not affected" in err, err
    assert "ascii" in err and "'\\xa0'" in err and "PYTHONIOENCODING=utf-8" in err
    assert len(err.strip().splitlines()) == 1, err
