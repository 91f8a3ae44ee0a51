"""The face's shared pieces: the --out opener, format enums taken from the core, labels
on the vocabulary members, and modules of a readable size."""

from __future__ import annotations

import io
import stat
import sys
from pathlib import Path

import pytest

from bostadcli import templating, vocab
from bostadcli.cli.options import out_target, standard_output_dash
from bostadcli.cli.output import Format
from bostadcli.cli.templates import TemplateFormat
from bostadcli.errors import Conflict, InvalidInput
from bostadcli.tabular import TEXT_FORMATS

CLI = Path(__file__).resolve().parents[2] / "src" / "bostadcli" / "cli"


def test_no_out_and_dash_are_standard_output(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = io.StringIO()
    monkeypatch.setattr(sys, "stdout", fake)
    assert standard_output_dash(Path("-")) is None
    assert standard_output_dash(Path("/tmp/-")) == Path("/tmp/-")  # a path names a file
    with out_target(None, force=False) as out:
        out.write("rows\n")
    assert fake.getvalue() == "rows\n"


def test_out_file_is_private_whole_and_not_replaced(tmp_path: Path) -> None:
    target = tmp_path / "list.csv"
    with out_target(target, force=False) as out:
        out.write("a,b\n")
    assert target.read_text(encoding="utf-8") == "a,b\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with pytest.raises(Conflict), out_target(target, force=False) as out:
        out.write("never\n")
    with pytest.raises(RuntimeError), out_target(target, force=True) as out:
        out.write("half")
        raise RuntimeError("stopped")
    assert target.read_text(encoding="utf-8") == "a,b\n"  # the old file, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list.csv"]  # no temporary left


def test_out_never_writes_a_protected_file(tmp_path: Path) -> None:
    db = tmp_path / "bostad.sqlite"
    db.write_bytes(b"data")
    with (
        pytest.raises(InvalidInput, match="--out"),
        out_target(db, force=True, protect=[db]) as out,
    ):
        out.write("x")
    assert db.read_bytes() == b"data"


def test_format_enums_come_from_the_core() -> None:
    assert [f.value for f in Format] == ["table", *TEXT_FORMATS]
    assert tuple(f.value for f in TemplateFormat) == templating.FORMATS


def test_every_vocabulary_member_has_its_own_label() -> None:
    classes = vocab.Vocab.__subclasses__()
    assert len(classes) > 10
    for cls in classes:
        for member in cls:
            text = member.label
            assert text and "\n" not in text, (cls.__name__, member.value)
            assert vocab.label(cls, member.value) == text
            assert cls(member.value) is member


def test_cli_modules_stay_readable() -> None:
    sizes = {
        p.relative_to(CLI).as_posix(): len(p.read_text().splitlines()) for p in CLI.rglob("*.py")
    }
    assert "views.py" not in sizes
    assert {name: n for name, n in sizes.items() if n > 600} == {}
