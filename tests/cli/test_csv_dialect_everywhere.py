"""The unit's csv_dialect is the dialect of every CSV the program writes, and a bad value
stops every one of them in one line naming the config file and the key."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from conftest import Cli, sql_dump

AS_OF = "2026-11-16"

# Every way to get CSV on standard output or in a file: the command, and the file it
# writes (None: standard output).
WRITERS: dict[str, tuple[list[str], str | None]] = {
    "household list": (["household", "list", "-f", "csv"], None),
    "search": (["search", "Hassan", "-f", "csv"], None),
    "contact list": (["contact", "list", "-f", "csv"], None),
    "plan list": (["plan", "list", "-f", "csv"], None),
    "report deadlines": (["report", "deadlines", "-f", "csv"], None),
    "report caseload": (["report", "caseload", "-f", "csv"], None),
    "report year": (["report", "year", "--year", "2026", "-f", "csv"], None),
    "export (the fast path)": (["export", "households"], None),
    "export (row by row)": (["export", "installments"], None),
    "export to a file": (["export", "plans", "--out", "{tmp}/plans.csv"], "{tmp}/plans.csv"),
    "letter daily --dry-run": (["letter", "daily", "--dry-run", "-f", "html"], None),
    "letter monthly (manifest)": (
        ["letter", "monthly", "--month", "2026-11", "-f", "html", "--out-dir", "{tmp}/brev"],
        "{tmp}/brev/manifest-2026-11.csv",
    ),
}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bostadcli.demo import build_demo

    folder = tmp_path_factory.mktemp("dialect") / "demo"
    build_demo(folder, as_of=date.fromisoformat(AS_OF))
    return folder


@pytest.fixture
def demo(pristine: Path, tmp_path: Path) -> Iterator[Cli]:
    for name in ("bostad.sqlite", "config.toml"):
        shutil.copy(pristine / name, tmp_path / name)
    # The demo made November's letters: the manifest is written again from the records.
    yield Cli(db_path=tmp_path / "bostad.sqlite", config_path=tmp_path / "config.toml")


def _set_dialect(cli: Cli, value: str) -> None:
    text = cli.config_path.read_text(encoding="utf-8")
    cli.config_path.write_text(f'[general]\ncsv_dialect = "{value}"\n\n{text}', encoding="utf-8")


def _run(cli: Cli, tmp_path: Path, name: str) -> tuple[int, str, str, str]:
    args, file = WRITERS[name]
    day = [] if name in ("contact list", "search") else ["--as-of", AS_OF]  # no date there
    result = cli(*(a.replace("{tmp}", str(tmp_path)) for a in args), *day)
    written = ""
    if file is not None and result.exit_code == 0:
        written = Path(file.replace("{tmp}", str(tmp_path))).read_text(encoding="utf-8")
    return result.exit_code, result.stdout, result.stderr, written


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_every_csv_is_in_the_units_dialect(demo: Cli, tmp_path: Path, name: str) -> None:
    code, stdout, stderr, written = _run(demo, tmp_path, name)
    assert code == 0, stderr
    standard = written or stdout
    assert not standard.startswith("\ufeff") and "," in standard.splitlines()[0]
    if name == "letter monthly (manifest)":
        shutil.rmtree(tmp_path / "brev")
    elif WRITERS[name][1] is not None:
        Path(WRITERS[name][1].replace("{tmp}", str(tmp_path))).unlink()
    _set_dialect(demo, "excel-sv")
    code, stdout, stderr, written = _run(demo, tmp_path, name)
    assert code == 0, stderr
    text = written or stdout
    header = text.splitlines()[0]
    assert text.startswith("\ufeff"), text[:40]
    assert ";" in header and "," not in header, header
    # The same fields, in the same order.
    assert header.removeprefix("\ufeff").split(";") == standard.splitlines()[0].split(",")


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_a_bad_dialect_stops_every_csv_writer(demo: Cli, tmp_path: Path, name: str) -> None:
    _set_dialect(demo, "excel-se")
    before = sql_dump(demo.db_path)
    code, stdout, stderr, _written = _run(demo, tmp_path, name)
    assert code == 1
    assert stdout == ""
    assert stderr.count("\n") == 1
    assert str(demo.config_path) in stderr and "[general] csv_dialect" in stderr, stderr
    assert "excel-se" in stderr and "excel-sv" in stderr
    assert sql_dump(demo.db_path) == before
    assert not (tmp_path / "brev").exists() and not (tmp_path / "plans.csv").exists()
