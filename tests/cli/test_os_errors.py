"""What the operating system refused is said in the user's language, by errno: never the
system's own English text in a Swedish message (os_errors.os_problem)."""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bostadcli import i18n
from bostadcli.os_errors import os_problem
from conftest import Cli, sql_dump

AS_OF = "2026-11-16"
NAMED = (
    errno.ENOENT,
    errno.EACCES,
    errno.EPERM,
    errno.EROFS,
    errno.EISDIR,
    errno.ENOTDIR,
    errno.ENOSPC,
    errno.EDQUOT,
    errno.ENAMETOOLONG,
    errno.ELOOP,
    errno.EEXIST,
    errno.EIO,
    errno.EXDEV,
    errno.EBUSY,
    errno.ETXTBSY,
)


@pytest.fixture
def swedish() -> Iterator[None]:
    i18n.setup("sv")
    yield
    i18n.setup("en")


@pytest.mark.parametrize("code", NAMED, ids=lambda c: errno.errorcode[c])
def test_every_error_has_words_of_its_own(code: int, tmp_path: Path) -> None:
    exc = OSError(code, os.strerror(code))
    english = os_problem(exc, tmp_path / "x.csv")
    i18n.setup("sv")
    try:
        swedish = os_problem(exc, tmp_path / "x.csv")
    finally:
        i18n.setup("en")
    assert swedish != english  # translated
    assert os.strerror(code) not in swedish
    assert os.strerror(code).lower() not in english.lower()  # the program's own words


def test_an_error_without_words_is_named_by_its_code(swedish: None) -> None:
    said = os_problem(OSError(errno.ECONNRESET, os.strerror(errno.ECONNRESET)))
    assert said == "operativsystemet nekade (ECONNRESET)"
    assert os_problem(OSError("no number")) == "operativsystemet nekade"


def test_a_missing_folder_is_named(tmp_path: Path, swedish: None) -> None:
    exc = OSError(errno.ENOENT, "No such file or directory")
    assert os_problem(exc, tmp_path / "a" / "b" / "x.csv") == f"mappen {tmp_path / 'a'} finns inte"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bostadcli.demo import build_demo

    folder = tmp_path_factory.mktemp("os-errors") / "demo"
    build_demo(folder, as_of=date.fromisoformat(AS_OF))
    return folder


@pytest.fixture
def demo(pristine: Path, tmp_path: Path) -> Iterator[Cli]:
    for name in ("bostad.sqlite", "config.toml"):
        shutil.copy(pristine / name, tmp_path / name)
    (tmp_path / "fil").write_text("en fil, ingen mapp\n", encoding="utf-8")
    i18n.setup("sv")
    yield Cli(db_path=tmp_path / "bostad.sqlite", config_path=tmp_path / "config.toml")
    i18n.setup("en")


# Every command that writes a file or a folder someone names: where it goes wrong.
MISSING = "{tmp}/saknas/under"
A_FILE = "{tmp}/fil"
WHERE: dict[str, tuple[list[str], str]] = {
    "export --out": (["export", "households", "--out", f"{MISSING}/x.csv"], MISSING),
    "export household --out": (
        ["export", "household", "2026-0001", "--out", f"{MISSING}/x.json"],
        MISSING,
    ),
    "report year --out": (
        ["report", "year", "--year", "2026", "-f", "html", "--out", f"{MISSING}/x.html"],
        MISSING,
    ),
    "export --out under a file": (["export", "plans", "--out", f"{A_FILE}/x.csv"], A_FILE),
    "letter render --out": (
        ["letter", "render", "2026-0001", "outreach", "-f", "html", "--out", f"{A_FILE}/x.html"],
        A_FILE,
    ),
    "letter monthly --out-dir": (
        ["letter", "monthly", "-f", "html", "--out-dir", f"{A_FILE}/brev"],
        A_FILE,
    ),
    "demo --out": (["demo", "--out", f"{A_FILE}/demo"], A_FILE),
    "backup": (["backup", f"{A_FILE}/b.sqlite"], A_FILE),
}


@pytest.mark.parametrize("name", sorted(WHERE))
def test_a_path_that_cannot_be_written_is_said_in_swedish(
    demo: Cli, tmp_path: Path, name: str
) -> None:
    args, _where = WHERE[name]
    before = sql_dump(demo.db_path)
    files = sorted(tmp_path.rglob("*"))
    dated = [] if name == "backup" else ["--as-of", AS_OF]
    result = demo(*(a.replace("{tmp}", str(tmp_path)) for a in args), *dated)
    assert result.exit_code == 1, result.stderr
    message = result.stderr
    assert message.count("\n") == 1 and message.startswith("fel: "), message
    if _where == MISSING:
        missing = str(tmp_path / "saknas")
        assert f"mappen {missing} finns inte" in message, message
    else:
        assert "en del av sökvägen är en fil, inte en mapp" in message, message
    for english in ("No such file", "Not a directory", "directory"):
        assert english not in message
    assert sql_dump(demo.db_path) == before
    assert sorted(tmp_path.rglob("*")) == files


@pytest.mark.parametrize(
    "code,words",
    [
        (errno.EROFS, "filsystemet är skrivskyddat"),
        (errno.ENOSPC, "disken är full"),
        (errno.EACCES, "din inloggning har inte behörighet att skriva där"),
        (errno.EDQUOT, "din diskkvot är slut"),
        (errno.EISDIR, "är en mapp; ange ett filnamn"),
    ],
    ids=lambda v: errno.errorcode[v] if isinstance(v, int) else "",
)
def test_what_the_system_refuses_on_writing_is_said_in_swedish(
    demo: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str
) -> None:
    """A read-only file system, a full disk, a permission taken away: the writer's
    temporary cannot be made (root may write anywhere, so the system is stood in for)."""
    real_open = os.open

    def refusing(path: object, *args: object, **kwargs: object) -> int:
        if ".bostad-tmp-" in str(path):
            raise OSError(code, os.strerror(code), str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refusing)
    out = tmp_path / "x.csv"
    result = demo("export", "households", "--out", str(out), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert result.stderr == f"fel: kan inte skriva {out}: {words}\n"
    assert not out.exists()
