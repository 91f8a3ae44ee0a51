"""A first letter made by hand after Kronofogden's eviction day (the batch does not make
it) says so, in plain words, and offers help to find somewhere to live."""

from __future__ import annotations

import pytest

from conftest import Cli

CONFIG = '[letterhead]\nphone = "08-1"\nsocialjouren_phone = "08-2"\n'
DAY = "2026-12-05"


@pytest.fixture
def evicted(initialised: Cli) -> Cli:
    cli = initialised
    cli.config_path.write_text(CONFIG, encoding="utf-8")
    cli.ok(
        "household", "add", "Olle Ärlig", "--street", "Gatan 1", "--postal-code", "441 30",
        "--city", "Exempelby", "--reason", "unpaid_rent", "--opened", "2026-10-01",
        "--as-of", DAY,
    )  # fmt: skip
    cli.ok(
        "notice", "add", "2026-0001", "--kind", "eviction", "--eviction-at",
        "2026-12-01 09:00", "--as-of", DAY,
    )  # fmt: skip
    return cli


@pytest.mark.parametrize(
    ("fmt", "language", "heading", "day"),
    [
        ("txt", "sv", "OM AVHYSNINGEN", "den 1 december 2026"),
        ("html", "sv", "Om avhysningen", "den 1 december 2026"),
        ("txt", "en", "ABOUT THE EVICTION", "1 December 2026"),
        ("html", "en", "About the eviction", "1 December 2026"),
    ],
)
def test_the_letter_tells_of_the_passed_eviction(
    evicted: Cli, fmt: str, language: str, heading: str, day: str
) -> None:
    if language == "en":
        evicted.ok("household", "edit", "2026-0001", "--letter-language", "en")
    shown = evicted(
        "letter", "render", "2026-0001", "outreach", "--format", fmt, "--out", "-",
        "--as-of", DAY,
    )  # fmt: skip
    assert shown.exit_code == 0, shown.stderr
    assert heading in shown.stdout
    assert day in shown.stdout


def test_an_eviction_ahead_has_no_such_section(evicted: Cli) -> None:
    shown = evicted(
        "letter", "render", "2026-0001", "outreach", "--format", "txt", "--out", "-",
        "--as-of", "2026-11-20",
    )  # fmt: skip
    assert "OM AVHYSNINGEN" not in shown.stdout
    assert "KRONOFOGDEN HAR BESTÄMT EN DAG FÖR AVHYSNING" in shown.stdout
