"""A daily run that writes the print file and manifest of an earlier run that stopped
before it could says that run's letters carry that run's day: posted today, they may
arrive later than they were judged to."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bostadcli import letters

if TYPE_CHECKING:
    from conftest import Cli

CONFIG = '[letterhead]\nphone = "08-1"\nsocialjouren_phone = "08-2"\n'


def _case(cli: Cli) -> None:
    cli.ok("init")
    cli.config_path.write_text(CONFIG, encoding="utf-8")
    cli.ok(
        *("household", "add", "Hanna Holm", "--street", "Holmvägen 8"),
        *("--postal-code", "441 30", "--city", "Exempelby", "--reason", "unpaid_rent"),
        *("--source", "landlord", "--opened", "2026-11-02", "--as-of", "2026-11-02"),
    )


def _stopped_run(cli: Cli, out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = letters._finish_daily

    def die(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(letters, "_finish_daily", die)
    stopped = cli("letter", "daily", "--as-of", "2026-11-04", "--out-dir", str(out), "-f", "txt")
    assert stopped.exit_code == 130, stopped.stderr
    monkeypatch.setattr(letters, "_finish_daily", real)
    assert not (out / "manifest-2026-11-04.csv").exists()


def test_a_later_day_warns_about_the_stopped_runs_day(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _case(cli)
    out = tmp_path / "brev"
    _stopped_run(cli, out, monkeypatch)
    nxt = cli("letter", "daily", "--as-of", "2026-11-05", "--out-dir", str(out), "-f", "txt")
    assert nxt.exit_code == 0, nxt.stderr
    said = nxt.stderr.splitlines()
    assert (
        "Wrote the print file and manifest of run 2026-11-04, which stopped before it could."
        in said
    )
    assert (
        "warning: the letters of run 2026-11-04 are dated 2026-11-04: if they are posted"
        " today, check that each still arrives before its deadline"
    ) in said
    assert (out / "manifest-2026-11-04.csv").exists()


def test_the_same_day_does_not_warn(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _case(cli)
    out = tmp_path / "brev"
    _stopped_run(cli, out, monkeypatch)
    again = cli("letter", "daily", "--as-of", "2026-11-04", "--out-dir", str(out), "-f", "txt")
    assert again.exit_code == 0, again.stderr
    assert "which stopped before it could" in again.stderr
    assert "warning: the letters of run" not in again.stderr
