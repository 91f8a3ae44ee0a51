"""The database behind the golden year reports, shared by the tests and
scripts/regen_report_golden.py.

A fixed, seeded history over two years, built through the command line: households
reported by every source and for several reasons, children full-time and part-time,
supports and emergency stays across the turn of the year, repayment plans agreed, paid
off, replaced and cancelled, and cases closed with every outcome, an eviction among them.
Each scenario renders ``bostad report year`` in csv, json and html.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

GOLDEN_DIR = Path(__file__).resolve().parent / "golden" / "reports"
SEED = 20260302
CONFIG = (
    '[letterhead]\norganisation = "Ängby kommun"\nunit = "Socialförvaltningen, Boendeenheten"\n'
)
# (name of the scenario, --year, --as-of): a year that is over, and one in progress.
SCENARIOS = [("year-2025", "2025", "2026-03-02"), ("year-2026", "2026", "2026-09-15")]
FORMATS = ("csv", "json", "html")

SOURCES = ("landlord", "enforcement", "self_referral", "other_service")
REASONS = ("unpaid_rent", "disturbance", "neglect", "other")
SITUATIONS = ("tenancy_at_risk", "tenancy_at_risk", "homeless_acute", "homeless_short_term")
OUTCOMES = ("stays", "stays", "rehoused", "evicted", "moved", "unknown")
SUPPORTS = ("financial_aid", "housing_support", "debt_counselling", "family_unit")


def commands() -> list[list[str]]:
    """The commands that build the database, the same on every run (a seeded random)."""
    rnd = random.Random(SEED)
    out: list[list[str]] = [["landlord", "add", "Ängbyhem AB", "--kind", "municipal"]]
    day = date(2025, 1, 8)
    running: dict[int, int] = {}
    plans = 0
    for i in range(1, 25):
        opened = day
        day += timedelta(days=rnd.randint(12, 30))
        as_of = (opened + timedelta(days=1)).isoformat()
        running[opened.year] = running.get(opened.year, 0) + 1
        ref = f"{opened.year}-{running[opened.year]:04d}"
        add = [
            "household", "add", f"Hushåll {i}", "--landlord", "Ängbyhem AB", "--rent", "7000",
            "--source", rnd.choice(SOURCES), "--situation", rnd.choice(SITUATIONS),
            "--opened", opened.isoformat(),
        ]  # fmt: skip
        for reason in sorted(set(rnd.sample(REASONS, rnd.randint(1, 2)))):
            add += ["--reason", reason]
        for _ in range(rnd.choice((0, 0, 1, 2))):
            born = date(rnd.randint(2009, 2024), rnd.randint(1, 12), rnd.randint(1, 28))
            add += ["--child", born.isoformat()]
        if rnd.random() < 0.25:
            add += ["--part-time-child", date(rnd.randint(2010, 2022), 6, 1).isoformat()]
        out.append([*add, "--as-of", as_of])
        help_on = opened + timedelta(days=rnd.randint(3, 20))
        roll = rnd.random()
        if roll < 0.35:
            out.append(
                ["support", "add", ref, "--kind", rnd.choice(SUPPORTS),
                 "--start", help_on.isoformat(), "--as-of", help_on.isoformat()]
            )  # fmt: skip
        elif roll < 0.6:
            nights = rnd.randint(2, 7)
            out.append(
                ["support", "add", ref, "--kind", "emergency_housing", "--place", "Gästis",
                 "--start", help_on.isoformat(),
                 "--nights-to", (help_on + timedelta(days=nights)).isoformat(),
                 "--cost", str(450 * nights),
                 "--cost-granted" if rnd.random() < 0.7 else "--cost-refused",
                 "--as-of", help_on.isoformat()]
            )  # fmt: skip
        if rnd.random() < 0.5:
            start = (help_on.replace(day=1) + timedelta(days=32)).strftime("%Y-%m")
            out.append(
                ["plan", "create", ref, "--debt", str(rnd.choice((3000, 6000, 9000))),
                 "--installment", "1500", "--start", start, "--as-of", help_on.isoformat()]
            )  # fmt: skip
            plans += 1
            plan = f"P-{plans:04d}"
            paid_on = help_on + timedelta(days=rnd.randint(20, 60))
            what = rnd.random()
            if what < 0.4:
                out.append(
                    ["plan", "pay", plan, "--amount", "1500", "--date", paid_on.isoformat(),
                     "--as-of", paid_on.isoformat()]
                )  # fmt: skip
            elif what < 0.55:
                out.append(
                    ["plan", "cancel", plan, "--date", paid_on.isoformat(),
                     "--as-of", paid_on.isoformat()]
                )  # fmt: skip
        if rnd.random() < 0.6:
            closed = opened + timedelta(days=rnd.randint(40, 200))
            if closed < date(2026, 9, 1):
                out.append(
                    ["household", "close", ref, "--outcome", rnd.choice(OUTCOMES),
                     "--date", closed.isoformat(), "--keep-running",
                     "--as-of", closed.isoformat()]
                )  # fmt: skip
    return out


def build(folder: Path) -> tuple[Path, Path]:
    """A database and config file in ``folder`` with the fixed history."""
    from typer.testing import CliRunner

    from bostadcli.cli.app import app
    from bostadcli.db import open_database

    db, config = folder / "golden.sqlite", folder / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    open_database(db, create=True).close()
    runner = CliRunner()
    for args in commands():
        result = runner.invoke(app, ["--db", str(db), "--config", str(config), *args])
        if result.exit_code != 0:
            raise RuntimeError(f"{args}: {result.stderr}")
    return db, config


def render_all(folder: Path) -> dict[str, str]:
    """Every golden file's name and text."""
    from typer.testing import CliRunner

    from bostadcli.cli.app import app

    db, config = build(folder)
    runner = CliRunner()
    out = {}
    for name, year, as_of in SCENARIOS:
        for fmt in FORMATS:
            result = runner.invoke(
                app,
                ["--db", str(db), "--config", str(config), "report", "year", "--year", year,
                 "--as-of", as_of, "--format", fmt],
            )  # fmt: skip
            if result.exit_code != 0:
                raise RuntimeError(f"{name} {fmt}: {result.stderr}")
            out[f"{name}.{fmt}"] = result.stdout
    return out
