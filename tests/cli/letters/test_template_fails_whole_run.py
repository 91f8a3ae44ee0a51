"""A template that fails for every letter of a run (a name the letter does not have) is
the template's fault, not the households': the run stops with the template's one line,
exit 1, and writes and records nothing, as for a template that does not compile. A
template that fails only for some households fails those letters (exit 3)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bostadcli.db import open_database, rows

if TYPE_CHECKING:
    from conftest import Cli

CONFIG = '[letterhead]\nphone = "08-1"\nsocialjouren_phone = "08-2"\n'


def _cases(cli: Cli, *contracts: str | None) -> None:
    cli.ok("init")
    cli.config_path.write_text(CONFIG, encoding="utf-8")
    for i, contract in enumerate(contracts, start=1):
        extra = ("--contract", contract) if contract else ()
        cli.ok(
            *("household", "add", f"Test Person{i}", "--street", f"Testgatan {i}"),
            *("--postal-code", "441 30", "--city", "Exempelby", "--source", "landlord"),
            *("--opened", "2026-11-16", "--as-of", "2026-11-16", *extra),
        )


def _broken(cli: Cli, tmp_path: Path, part: str) -> Path:
    folder = tmp_path / "mallar"
    cli.ok("template", "copy", "outreach", str(folder))
    template = folder / "outreach.txt.j2"
    text = template.read_text(encoding="utf-8")
    assert "{% block subject %}Vi vill" in text
    template.write_text(
        text.replace("{% block subject %}Vi vill", "{% block subject %}" + part + "Vi vill"),
        encoding="utf-8",
    )
    return folder


def _table(cli: Cli, name: str) -> list[dict[str, object]]:
    db = open_database(cli.db_path)
    try:
        return rows(db, f"SELECT * FROM {name}")
    finally:
        db.close()


def test_daily_run_with_a_template_that_fails_every_letter_writes_nothing(
    cli: Cli, tmp_path: Path
) -> None:
    _cases(cli, None, None, None)
    mallar = _broken(cli, tmp_path, "{{ nosuchvar }}")
    out = tmp_path / "b"
    run = cli(
        *("letter", "daily", "--as-of", "2026-11-17", "--out-dir", str(out)),
        *("--templates", str(mallar), "-f", "txt"),
    )
    assert run.exit_code == 1, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert "outreach.txt.j2:4" in lines[0] and "nosuchvar" in lines[0]
    assert not out.exists()
    assert _table(cli, "letter_batches") == [] and _table(cli, "letters") == []
    # The real letters that day are the day's batch, not its second run.
    good = cli("letter", "daily", "--as-of", "2026-11-17", "--out-dir", str(out), "-f", "txt")
    assert good.exit_code == 0, good.stderr
    assert (out / "manifest-2026-11-17.csv").exists()
    assert not (out / "manifest-2026-11-17-2.csv").exists()


def test_monthly_run_with_a_template_that_fails_every_letter_writes_nothing(
    cli: Cli, tmp_path: Path
) -> None:
    _cases(cli, None, None)
    mallar = _broken(cli, tmp_path, "{{ nosuchvar }}")
    out = tmp_path / "m"
    run = cli(
        *("letter", "monthly", "--as-of", "2026-11-17", "--out-dir", str(out)),
        *("--templates", str(mallar), "-f", "txt"),
    )
    assert run.exit_code == 1, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "nosuchvar" in run.stderr
    assert not out.exists()
    assert _table(cli, "letters") == []


def test_a_template_that_fails_for_some_households_fails_those_letters(
    cli: Cli, tmp_path: Path
) -> None:
    # Fails only where the case has no contract number: the rest are made (exit 3).
    _cases(cli, "K-1", None)
    mallar = _broken(cli, tmp_path, "{{ household.contract_number.upper() }}")
    out = tmp_path / "b"
    run = cli(
        *("letter", "daily", "--as-of", "2026-11-17", "--out-dir", str(out)),
        *("--templates", str(mallar), "-f", "txt"),
    )
    assert run.exit_code == 3, run.stderr
    assert (out / "2026-0001-outreach.txt").exists()
    assert not (out / "2026-0002-outreach.txt").exists()
    assert (out / "manifest-2026-11-17.csv").exists()
