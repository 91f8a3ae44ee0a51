"""A reminder written while an installment was still in its grace days did not tell of
that installment: once it is missed, the next month's run reminds of it."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def test_an_installment_in_its_grace_days_gets_its_own_reminder(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "demo"
    cli.ok("demo", "--out", str(out), "--as-of", "2026-12-05")
    env = {"BOSTAD_DB": str(out / "bostad.sqlite"), "BOSTAD_CONFIG": str(out / "config.toml")}
    made = cli("letter", "list", "--format", "csv", env=env)
    # The demo's December reminder for 2026-0006, made on 5 December: the installment
    # due on 30 November was five days late then, within its seven days' grace.
    assert "2026-0006,plan_reminder,2026-12,2026-12-05" in made.stdout
    january = cli(
        "letter", "monthly", "--month", "2027-01", "--as-of", "2027-01-06", "--dry-run",
        "--only", "plan_reminder", "--format", "html", "--out-dir", str(tmp_path / "jan"),
        env=env,
    )  # fmt: skip
    assert january.exit_code == 0, january.stderr
    assert "2026-0006,plan_reminder,new" in january.stdout
