"""The words of the letter runs: counts in Swedish agree with their number ("1 nytt",
"2 nya"), a weekday in a sentence is lower case, a late letter's note says which
deadline it misses, and a letter file the run cannot write names --out-dir, not an
--out the run does not have."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bostadcli import i18n
from bostadcli.letters.late import call_note

if TYPE_CHECKING:
    from conftest import Cli

CONFIG = '[letterhead]\nphone = "08-1"\nsocialjouren_phone = "08-2"\n'


@pytest.fixture
def swedish() -> Iterator[None]:
    i18n.setup("sv")
    yield
    i18n.setup("en")


def _cases(cli: Cli, count: int) -> list[str]:
    cli.ok("init")
    cli.config_path.write_text(CONFIG, encoding="utf-8")
    return [
        cli.ok(
            *("household", "add", f"Test Person{i}", "--street", f"Testgatan {i}"),
            *("--postal-code", "441 30", "--city", "Exempelby", "--source", "landlord"),
            *("--opened", "2026-11-16", "--as-of", "2026-11-16"),
        ).stdout.strip()
        for i in range(1, count + 1)
    ]


def _daily(cli: Cli, out: Path, day: str) -> str:
    run = cli("letter", "daily", "--as-of", day, "--out-dir", str(out), "-f", "txt")
    assert run.exit_code in (0, 3), run.stderr
    return run.stderr.strip().splitlines()[-1] if run.exit_code == 0 else run.stderr


@pytest.mark.parametrize(("count", "said"), [(1, "1 nytt, "), (2, "2 nya, ")])
def test_the_daily_summary_counts_in_swedish(
    cli: Cli, tmp_path: Path, swedish: None, count: int, said: str
) -> None:
    _cases(cli, count)
    last = _daily(cli, tmp_path / "b", "2026-11-17")
    assert last.startswith(f"2026-11-17: {said}0 att ringa eller besöka, 0 inte skickade,")
    assert "0 misslyckade; i " in last


def test_the_monthly_summary_counts_in_swedish(cli: Cli, tmp_path: Path, swedish: None) -> None:
    _cases(cli, 1)
    run = cli(
        *("letter", "monthly", "--as-of", "2026-11-17", "--out-dir", str(tmp_path / "m")),
        *("-f", "txt"),
    )
    assert run.exit_code == 0, run.stderr
    assert (
        run.stderr.strip()
        .splitlines()[-1]
        .startswith("2026-11: 1 nytt, 0 återskapade, 0 redan skapade, 0 misslyckade; i ")
    )


def test_a_weekday_in_a_sentence_is_lower_case(cli: Cli, tmp_path: Path, swedish: None) -> None:
    _cases(cli, 1)
    run = cli("letter", "daily", "--as-of", "2026-11-21", "--out-dir", str(tmp_path / "b"))
    assert run.exit_code == 0, run.stderr
    assert "(lördag)" in run.stderr and "Lördag" not in run.stderr


def test_the_note_names_the_deadline() -> None:
    day = date(2026, 12, 22)
    note = call_note(day, day, sent=True, what="recovery_deadline")
    assert note.endswith("för sent för återvinningsfristen 22 december 2026"), note
    not_sent = call_note(day, date(2026, 12, 23), sent=False, what="support_end")
    assert not_sent.endswith("efter insatsens slut 22 december 2026"), not_sent
    assert call_note(day, day, sent=True).endswith("för sent för 22 december 2026")


def test_a_late_first_letter_names_the_recovery_deadline(cli: Cli, tmp_path: Path) -> None:
    (ref,) = _cases(cli, 1)
    cli.ok(
        *("notice", "add", ref, "--kind", "termination", "--served", "2026-11-16"),
        *("--notified", "2026-11-16", "--amount", "14900", "--as-of", "2026-11-16"),
    )
    out = tmp_path / "b"
    run = cli("letter", "daily", "--as-of", "2026-12-04", "--out-dir", str(out), "-f", "txt")
    assert run.exit_code == 0, run.stderr
    (late,) = [line for line in run.stderr.splitlines() if "too late" in line]
    assert "too late for the recovery deadline on 7 December 2026" in late, late
    manifest = (out / "manifest-2026-12-04.csv").read_text(encoding="utf-8")
    (row,) = csv.DictReader(io.StringIO(manifest))
    assert row["note"].endswith("för sent för återvinningsfristen 7 december 2026"), row


def test_a_letter_file_that_is_a_link_names_the_out_dir(cli: Cli, tmp_path: Path) -> None:
    (ref,) = _cases(cli, 1)
    out = tmp_path / "b"
    out.mkdir(mode=0o700)
    (out / f"{ref}-outreach.txt").symlink_to(tmp_path / "elsewhere.txt")
    run = cli("letter", "daily", "--as-of", "2026-11-17", "--out-dir", str(out), "-f", "txt")
    assert run.exit_code == 3, run.stderr
    (failed,) = [line for line in run.stderr.splitlines() if line.startswith(ref)]
    assert f"{ref} outreach: --out-dir: is a symbolic link" in failed, failed
    assert "--out:" not in run.stderr
