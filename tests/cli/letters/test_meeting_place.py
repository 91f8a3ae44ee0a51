"""A home visit needs the household's home: an invitation to one for a household
without a home (a homelessness situation) or without a street address is refused, with
a word on giving a place instead; a meeting on a Saturday, Sunday or public holiday is
warned about, not refused."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from typer.testing import Result

    from conftest import Cli

CONFIG = '[letterhead]\nphone = "08-1"\nsocialjouren_phone = "08-2"\n'
AS_OF = "2026-11-16"


@pytest.fixture
def cases(cli: Cli) -> dict[str, str]:
    cli.ok("init")
    cli.config_path.write_text(CONFIG, encoding="utf-8")

    def add(name: str, *extra: str) -> str:
        return cli.ok("household", "add", name, "--as-of", AS_OF, *extra).stdout.strip()

    home = ("--street", "Storgatan 1", "--postal-code", "441 30", "--city", "Ängby")
    care_of = (
        *("--care-of", "Kompis Karlsson", "--care-of-street", "Lillgatan 2"),
        *("--care-of-postal-code", "441 31", "--care-of-city", "Ängby"),
    )
    return {
        "home": add("Anna Hemma", *home),
        "homeless": add("Erik Utan", "--situation", "homeless_short_term", *care_of),
        "no_street": add("Nils Gata", "--postal-code", "441 30", "--city", "Ängby"),
    }


def _meeting(cli: Cli, ref: str, *params: str) -> Result:
    args = [p for param in params for p in ("--param", param)]
    return cli(
        *(
            "letter",
            "render",
            ref,
            "meeting",
            "--param",
            "time=10:00",
            "--param",
            "with=Kim",
            *args,
        ),
        *("--format", "txt", "--out", "-", "--as-of", AS_OF),
    )


@pytest.mark.parametrize("case", ["homeless", "no_street"])
def test_a_home_visit_needs_a_home(cli: Cli, cases: dict[str, str], case: str) -> None:
    refused = _meeting(cli, cases[case], "date=2026-11-20", "visit=yes")
    assert refused.exit_code == 1 and refused.stdout == ""
    line = refused.stderr.strip()
    assert len(line.splitlines()) == 1
    assert line.startswith("error: --param visit:") and "--param place=" in line
    # With a place the invitation is made, naming it.
    placed = _meeting(cli, cases[case], "date=2026-11-20", "place=Storgatan 5")
    assert placed.exit_code == 0, placed.stderr
    assert "Plats: Storgatan 5" in placed.stdout and "Hemma" not in placed.stdout


def test_a_home_visit_to_a_home_names_it(cli: Cli, cases: dict[str, str]) -> None:
    made = _meeting(cli, cases["home"], "date=2026-11-20", "visit=yes")
    assert made.exit_code == 0, made.stderr
    assert "Plats: Hemma hos dig, Storgatan 1" in made.stdout
    assert "warning" not in made.stderr


@pytest.mark.parametrize(
    ("day", "said"),
    [("2026-11-21", "21 November 2026"), ("2026-11-22", "Sunday"), ("2026-12-25", "Juldagen")],
)
def test_a_meeting_on_a_day_off_is_warned_about(
    cli: Cli, cases: dict[str, str], day: str, said: str
) -> None:
    made = _meeting(cli, cases["home"], f"date={day}", "place=Kontoret")
    assert made.exit_code == 0, made.stderr
    warnings = [line for line in made.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "not a working day" in warnings[0] and said in warnings[0]
    assert "Plats: Kontoret" in made.stdout


def test_a_meeting_in_the_past_is_still_refused(cli: Cli, cases: dict[str, str]) -> None:
    refused = _meeting(cli, cases["home"], "date=2026-11-13", "place=Kontoret")
    assert refused.exit_code == 1 and "is in the past" in refused.stderr
