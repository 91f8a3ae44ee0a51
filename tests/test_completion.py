"""Tab completes the things a caseworker names: cases, plans, landlords, caseworkers,
letter kinds; from the database, read-only, and never a name or a personnummer."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bostadcli import demo
from bostadcli.db import open_database

AS_OF = date(2026, 11, 20)
SRC = Path(__file__).resolve().parent.parent / "src"


@pytest.fixture(scope="module")
def caseload(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("completion") / "bostad.sqlite"
    db = open_database(path, create=True)
    try:
        demo._caseload(db, AS_OF)
        if not db.execute("SELECT count(*) FROM plans").fetchone()[0]:
            demo._plans(db, AS_OF)
    finally:
        db.close()
    return path


def complete(
    words: str, database: Path | None, *, shell: str = "bash", lang: str = "en"
) -> list[str]:
    """What the shell would offer for the last word of ``words``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOSTAD_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH")) if p)
    env["BOSTAD_LANG"] = lang
    if database is not None:
        env["BOSTAD_DB"] = str(database)
    if shell == "bash":
        parts = words.split(" ")
        env |= {
            "_BOSTAD_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(parts) - 1),
        }
    else:
        env |= {"_BOSTAD_COMPLETE": f"complete_{shell}", "_TYPER_COMPLETE_ARGS": words}
    result = subprocess.run(
        [sys.executable, "-m", "bostadcli"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return [line for line in result.stdout.splitlines() if line]


def refs(path: Path, sql: str) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [str(r[0]) for r in conn.execute(sql)]


def test_case_references_complete_open_cases_first(caseload: Path) -> None:
    found = complete("bostad household show 2026-", caseload)
    every = refs(
        caseload, "SELECT ref FROM households WHERE voided_at IS NULL AND ref LIKE '2026-%'"
    )
    assert sorted(found) == sorted(every) and found
    open_refs = set(
        refs(caseload, "SELECT ref FROM households WHERE status = 'open' AND ref LIKE '2026-%'")
    )
    assert set(found[: len(open_refs)]) == open_refs
    first = found[-1]
    assert complete(f"bostad household show {first}", caseload) == [first]


@pytest.mark.parametrize(
    "words",
    [
        "bostad contact add 2026-",
        "bostad notice list 2026-",
        "bostad letter render 2026-",
        "bostad audit --household 2026-",
        "bostad plan list --household 2026-",
        "bostad export household 2026-",
    ],
)
def test_every_command_that_takes_a_case_completes_it(caseload: Path, words: str) -> None:
    found = complete(words, caseload)
    assert found and all(ref.startswith("2026-") for ref in found)


def test_plans_landlords_caseworkers_and_kinds(caseload: Path) -> None:
    plans = refs(caseload, "SELECT ref FROM plans")
    assert sorted(complete("bostad plan show ", caseload)) == sorted(plans)
    landlords = refs(caseload, "SELECT name FROM landlords")
    offered = complete("bostad household list --landlord ", caseload)
    # bash puts a suggestion on the line as it is: a name with a space comes quoted.
    assert sorted(offered) == sorted(f"'{n}'" if " " in n else n for n in landlords)
    zsh = "\n".join(complete("bostad household list --landlord ", caseload, shell="zsh"))
    assert all(name in zsh for name in landlords)
    initials = refs(caseload, "SELECT initials FROM caseworkers WHERE retired_on IS NULL")
    assert sorted(complete("bostad household list --caseworker ", caseload)) == sorted(initials)
    assert "outreach" in complete("bostad template show ", caseload)
    assert complete("bostad template show plan_", caseload) == ["plan_agreement", "plan_reminder"]


def test_no_name_or_personnummer_is_offered(caseload: Path) -> None:
    offered = "\n".join(
        line
        for words in ("bostad household show ", "bostad household show 19", "bostad plan show ")
        for shell in ("bash", "zsh", "fish")
        for line in complete(words, caseload, shell=shell)
    )
    assert "2026-" in offered
    for name, pnr in sqlite3.connect(caseload).execute("SELECT name, pnr FROM members"):
        assert not name or name not in offered
        assert not pnr or (pnr not in offered and pnr[2:] not in offered)


def test_completion_never_creates_or_changes_a_database(caseload: Path, tmp_path: Path) -> None:
    missing = tmp_path / "none" / "bostad.sqlite"
    assert complete("bostad household show 2026-", missing) == []
    assert not missing.parent.exists()
    before = caseload.read_bytes()
    complete("bostad household show 2026-", caseload)
    assert caseload.read_bytes() == before
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database at all" * 100)
    assert complete("bostad household show 2026-", garbage) == []
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    assert complete("bostad plan show P", other) == []


def test_wildcards_in_what_was_typed_are_letters(caseload: Path) -> None:
    assert complete("bostad household show %", caseload) == []
    assert complete("bostad household show 2026_", caseload) == []


def test_the_db_option_is_followed(caseload: Path, tmp_path: Path) -> None:
    assert complete(f"bostad --db {caseload} household show 2026-", None)
    empty = tmp_path / "elsewhere.sqlite"
    assert complete(f"bostad --db {empty} household show 2026-", caseload) == []


def test_the_installer_speaks_the_interface_language(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if "BOSTAD" not in k and not k.startswith("XDG_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH")) if p)
    env |= {"HOME": str(tmp_path), "SHELL": "/bin/bash", "BOSTAD_LANG": "sv"}
    result = subprocess.run(
        [sys.executable, "-m", "bostadcli", "--install-completion", "bash"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Tabbkomplettering för bash är installerad i" in result.stdout
    assert "installed" not in result.stdout
    assert (tmp_path / ".bash_completions" / "bostad.sh").is_file()


class _Ctx:
    resilient_parsing = False


def test_the_installer_falls_back_to_the_login_shell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run where the shell cannot be told from the processes (cron, an IDE), $SHELL
    says which it is; with neither, one line says what to do and nothing is written."""
    import typer.core
    from typer import _click, _completion_shared

    from bostadcli.cli import completion

    root = _click.Context(typer.core.TyperCommand("bostad"), info_name="bostad")

    monkeypatch.setattr(_completion_shared, "_get_shell_name", lambda: None)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("SHELL", "/bin/bash")
    with root, pytest.raises(SystemExit) as done:
        completion._install_callback(_Ctx(), None, True)
    assert done.value.code == 0
    assert (tmp_path / ".bash_completions" / "bostad.sh").is_file()

    monkeypatch.delenv("SHELL")
    other = tmp_path / "other"
    monkeypatch.setenv("HOME", str(other))
    with root, pytest.raises(SystemExit) as done:
        completion._install_callback(_Ctx(), None, True)
    assert done.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--show-completion" in err
    assert not other.exists()
