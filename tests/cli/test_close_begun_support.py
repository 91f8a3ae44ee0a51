"""Closing a case on a day before one of its supports began, when that support has
begun by the command's day, is refused: the support cannot end before it began, and it
must not be recorded as withdrawn (never given) when it ran. A support that has not
begun is still withdrawn, and one that began before the close day is still ended."""

from __future__ import annotations

import json

from conftest import Cli

DAY = "2026-12-05"


def _case(cli: Cli) -> str:
    cli.ok("init")
    ref = cli.ok(
        "household", "add", "Kim Keep", "--street", "Gatan 1", "--postal-code", "441 30",
        "--city", "Exempelby", "--opened", "2026-10-01", "--as-of", "2026-10-01",
    ).stdout.strip()  # fmt: skip
    return str(ref)


def _supports(cli: Cli, ref: str) -> list[dict[str, object]]:
    shown = cli.ok("support", "list", ref, "--all", "--format", "json", "--as-of", DAY)
    return list(json.loads(shown.stdout))


def test_a_close_before_a_begun_support_is_refused(cli: Cli) -> None:
    ref = _case(cli)
    cli.ok(
        "support", "add", ref, "--kind", "debt_counselling", "--start", "2026-11-15",
        "--end", "2027-06-01", "--as-of", DAY,
    )  # fmt: skip
    before = cli.dump()
    result = cli(
        "household", "close", ref, "--outcome", "stays", "--date", "2026-11-10",
        "--end-running", "--as-of", DAY,
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == (
        "error: --date: is before support 1 began (2026-11-15): it cannot end before it"
        " began, nor be withdrawn as if it never did; close on 2026-11-15 or later, or"
        " keep it running with --keep-running: '2026-11-10'\n"
    )
    assert cli.dump() == before


def test_planned_and_begun_supports_on_a_later_close(cli: Cli) -> None:
    ref = _case(cli)
    cli.ok(
        "support", "add", ref, "--kind", "debt_counselling", "--start", "2026-11-15",
        "--end", "2027-06-01", "--as-of", DAY,
    )  # fmt: skip
    cli.ok(
        "support", "add", ref, "--kind", "housing_support", "--start", "2027-01-04",
        "--as-of", DAY,
    )  # fmt: skip
    cli.ok(
        "household", "close", ref, "--outcome", "stays", "--date", DAY, "--end-running",
        "--as-of", DAY,
    )  # fmt: skip
    by_kind = {row["kind"]: row for row in _supports(cli, ref)}
    assert by_kind["debt_counselling"]["ended_on"] == DAY
    assert by_kind["debt_counselling"]["withdrawn_on"] is None
    assert by_kind["housing_support"]["withdrawn_on"] == DAY
