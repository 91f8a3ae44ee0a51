"""Ctrl-C tells the truth: after a command's transaction committed, the change is saved."""

from __future__ import annotations

from pathlib import Path

import pytest

from bostadcli import i18n
from conftest import Cli

LIST = Path(__file__).parents[2] / "examples" / "landlord-list.csv"


def _interrupt(*args: object) -> None:
    raise KeyboardInterrupt


def _import(cli: Cli) -> tuple[int, str]:
    result = cli(
        "import",
        "notices",
        str(LIST),
        "--landlord",
        "Exempelhem AB",
        "--create-landlord",
        "--as-of",
        "2026-11-16",
    )
    return result.exit_code, result.stderr


def test_an_interrupt_after_the_commit_says_the_import_was_saved(
    initialised: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bostadcli.cli import importing

    before = initialised.dump()
    monkeypatch.setattr(importing, "_report", _interrupt)
    code, stderr = _import(initialised)
    assert code == 130
    assert "interrupted after the changes were saved: bostad import notices" in stderr
    assert "nothing was saved" not in stderr
    # It was saved, as it says: the households are there.
    assert initialised.dump() != before
    assert "Sara Lindholm" in initialised.ok("household", "list", "--format", "csv").stdout


def test_an_interrupt_before_the_commit_says_nothing_was_saved(
    initialised: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bostadcli.landlord_lists import importer

    before = initialised.dump()
    monkeypatch.setattr(importer, "write", _interrupt)
    code, stderr = _import(initialised)
    assert code == 130
    assert "interrupted: bostad import notices; nothing was saved in the database" in stderr
    assert initialised.dump() == before


def test_an_earlier_command_s_write_does_not_count(
    initialised: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The count is per command: a write by an earlier command in the same process does
    # not make a later, interrupted one "saved".
    initialised.ok("landlord", "add", "Bovärden AB")
    from bostadcli.landlord_lists import importer

    monkeypatch.setattr(importer, "write", _interrupt)
    code, stderr = _import(initialised)
    assert code == 130
    assert "nothing was saved" in stderr


def test_the_message_is_swedish_by_default(
    initialised: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bostadcli.cli import importing

    monkeypatch.setattr(importing, "_report", _interrupt)
    i18n.setup("sv")
    code, stderr = _import(initialised)
    assert code == 130
    assert "avbrutet efter att ändringarna sparats: bostad import notices" in stderr


def test_ctrl_c_at_a_question_names_the_command(
    initialised: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import typer

    from bostadcli.cli import importing

    def abort(*args: object) -> None:
        raise typer.Abort

    monkeypatch.setattr(importing, "_report", abort)
    code, stderr = _import(initialised)
    assert code == 130
    assert "interrupted after the changes were saved: bostad import notices" in stderr
