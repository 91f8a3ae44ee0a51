"""The English first letter to a household warned for disturbance or neglect is about the
warning, as the Swedish one is: no talk of debt, no repayment plan, no debt advice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bostadcli import letters
from bostadcli.db import open_database
from bostadcli.households import NewHousehold, add_household
from bostadcli.money import Money
from bostadcli.notices import NewNotice, add_notice
from golden_letters import AS_OF, CONFIG

if TYPE_CHECKING:
    from sqlite_utils import Database

    from conftest import Cli

DEBT_WORDS = ("debt", "repayment plan", "risk losing your home", "unpaid rent", "Financial aid")


@pytest.fixture
def letter_db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "t.sqlite", create=True)
    yield database
    database.close()


def _warned(db: Database, reasons: list[str], *, language: str = "en") -> str:
    ref = add_household(
        db,
        NewHousehold(
            tenant_name="Johan Lindqvist",
            street="Lärkvägen 7 B",
            postal_code="441 40",
            city="Ängby",
            rent=Money.kronor(6_200),
            reasons=reasons,
            letter_language=language,
            opened_on=AS_OF - timedelta(days=5),
        ),
        as_of=AS_OF,
    )
    add_notice(
        db,
        ref,
        NewNotice(
            kind="warning",
            ground=reasons[0],
            notified_on=date(2026, 11, 11),
            correct_by=AS_OF + timedelta(days=9),
        ),
        as_of=AS_OF,
    )
    return ref


def _text(db: Database, ref: str, fmt: str) -> str:
    letter = letters.render_letter(db, ref, "outreach", config=CONFIG, as_of=AS_OF, fmt=fmt)
    return " ".join(letter.content.decode("utf-8").split())


@pytest.mark.parametrize(
    ("reasons", "about"),
    [
        (["disturbance"], "about disturbance in the building"),
        (["neglect"], "about how the flat is looked after"),
        (["disturbance", "neglect"], "about disturbance and about how the flat is looked after"),
    ],
)
@pytest.mark.parametrize("fmt", ["txt", "html"])
def test_english_letter_is_about_the_warning(
    letter_db: Database, reasons: list[str], about: str, fmt: str
) -> None:
    ref = _warned(letter_db, reasons)
    text = _text(letter_db, ref, fmt)
    assert "you have received a warning dated 11 November 2026" in text
    assert about in text
    assert "If things get better, you can keep your home." in text
    assert "Housing support (boendestöd)" in text
    assert "be there when you talk to your landlord" in text
    for words in DEBT_WORDS:
        assert words not in text, words


@pytest.mark.parametrize("fmt", ["txt", "html"])
def test_english_rent_letter_still_offers_debt_help(letter_db: Database, fmt: str) -> None:
    ref = _warned(letter_db, ["disturbance", "unpaid_rent"])
    text = _text(letter_db, ref, fmt)
    assert "you risk losing your home" in text
    assert "A repayment plan" in text
    assert "warning dated" not in text


def test_english_and_swedish_letters_say_the_same(letter_db: Database) -> None:
    english = _text(letter_db, _warned(letter_db, ["disturbance"]), "txt")
    swedish = _text(letter_db, _warned(letter_db, ["disturbance"], language="sv"), "txt")
    assert "störningar i huset" in swedish and "Boendestöd" in swedish
    assert "Avbetalningsplan" not in swedish
    assert "disturbance in the building" in english and "Housing support" in english


def test_the_demo_fathers_english_letter(cli: Cli) -> None:
    from bostadcli.demo import build_demo

    folder = cli.db_path.parent / "demo"
    cli.db_path, cli.config_path = folder / "bostad.sqlite", folder / "config.toml"
    build_demo(folder, as_of=AS_OF)
    johan = "2026-0002"
    cli.ok("household", "edit", johan, "--letter-language", "en")
    out = cli.ok(
        "letter",
        "render",
        johan,
        "outreach",
        "--format",
        "txt",
        "--out",
        "-",
        "--as-of",
        AS_OF.isoformat(),
    ).stdout
    assert "To Johan Lindqvist" in out
    assert "warning" in out and "disturbance in the building" in out
    assert "debt" not in out and "risk losing your home" not in out
