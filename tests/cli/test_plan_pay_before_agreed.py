"""A payment dated before its plan was agreed is real money paid toward the debt: it is
kept and counts, with a one-line warning naming the day the plan was agreed."""

from __future__ import annotations

import json

from conftest import Cli


def _plan(cli: Cli) -> None:
    cli.ok(
        "household", "add", "Bo Plan", "--landlord", "Testhem AB", "--create-landlord",
        "--as-of", "2026-09-01",
    )  # fmt: skip
    cli.ok(
        "plan", "create", "2026-0001", "--debt", "3000", "--installment", "1000",
        "--start", "2026-10", "--as-of", "2026-09-15",
    )  # fmt: skip


def test_a_payment_before_the_plan_was_agreed_is_kept_with_a_warning(initialised: Cli) -> None:
    _plan(initialised)
    paid = initialised.ok(
        "plan", "pay", "P-0001", "--amount", "500", "--date", "2026-09-01",
        "--as-of", "2026-09-20",
    )  # fmt: skip
    warnings = [line for line in paid.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, paid.stderr
    assert "2026-09-01" in warnings[0] and "2026-09-15" in warnings[0]
    assert "P-0001" in warnings[0]
    shown = json.loads(
        initialised.ok("plan", "show", "P-0001", "-f", "json", "--as-of", "2026-09-20").stdout
    )
    assert shown["paid_ore"] == 50_000
    assert [p["paid_on"] for p in shown["payments"]] == ["2026-09-01"]


def test_a_payment_on_or_after_the_agreed_day_has_no_warning(initialised: Cli) -> None:
    _plan(initialised)
    for day in ("2026-09-15", "2026-09-16"):
        paid = initialised.ok(
            "plan", "pay", "P-0001", "--amount", "100", "--date", day, "--as-of", "2026-09-20"
        )
        assert "warning" not in paid.stderr, paid.stderr
