"""The support_ending letter: which supports it names, and the monthly batch that sends
it once per support to open cases whose time-limited support ends soon."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bostadcli import letters
from bostadcli.config import Policy
from bostadcli.db import open_database, rows
from bostadcli.errors import InvalidInput, NotFound
from bostadcli.households import NewHousehold, add_household, close_household
from bostadcli.supports import NewSupport, add_support, end_support
from golden_letters import AS_OF, CONFIG, SUPPORT_AS_OF, build_households

if TYPE_CHECKING:
    from sqlite_utils import Database

    from conftest import Cli

NOV = date(2026, 11, 1)
DEC = date(2026, 12, 1)


@pytest.fixture
def letter_db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "t.sqlite", create=True)
    yield database
    database.close()


@pytest.fixture
def refs(letter_db: Database) -> dict[str, str]:
    return build_households(letter_db)


def render(db: Database, ref: str, *, as_of: date = SUPPORT_AS_OF, **kwargs: Any) -> str:
    letter = letters.render_letter(
        db, ref, "support_ending", config=CONFIG, as_of=as_of, fmt="txt", **kwargs
    )
    return " ".join(letter.content.decode("utf-8").split())


def household(db: Database, name: str = "Sara Ek") -> str:
    """An open case that asked for help itself (no outreach letter), with a landlord."""
    return add_household(
        db,
        NewHousehold(
            tenant_name=name,
            street="Storgatan 1",
            postal_code="441 30",
            city="Ängby",
            landlord="Exempelhem AB",
            source="self_referral",
            opened_on=date(2026, 1, 10),
        ),
        as_of=AS_OF,
        create_landlord=True,
    )


def support(db: Database, ref: str, kind: str, end: date | None, **kwargs: Any) -> int:
    if kind == "rent_guarantee":
        kwargs.setdefault("cap", None)
        kwargs.setdefault("cap_months", 6)
    added = add_support(
        db,
        ref,
        NewSupport(kind=kind, start_on=date(2026, 1, 10), end_on=end, **kwargs),
        as_of=AS_OF,
    )
    return added.id


def run(db: Database, out: Path, **kwargs: Any) -> letters.BatchResult:
    options: dict[str, Any] = {
        "config": CONFIG,
        "month": NOV,
        "as_of": AS_OF,
        "out_dir": out,
        "fmt": "txt",
        "only": "support_ending",
    }
    return letters.run_monthly(db, **(options | kwargs))


def recorded(db: Database) -> list[tuple[str, str, list[int]]]:
    return [
        (r["ref"], r["period"], json.loads(r["params"])["supports"])
        for r in rows(
            db,
            "SELECT h.ref, l.period, l.params FROM letters l"
            " JOIN households h ON h.id = l.household_id"
            " WHERE l.kind = 'support_ending' ORDER BY l.id",
        )
    ]


# One letter ---------------------------------------------------------------------------


def test_the_support_ending_soonest_by_default(letter_db: Database, refs: dict[str, str]) -> None:
    letter = letters.render_letter(
        letter_db, refs["tricky"], "support_ending", config=CONFIG, as_of=SUPPORT_AS_OF, fmt="txt"
    )
    assert letter.supports == (1,)
    text = " ".join(letter.content.decode().split())
    assert "Kommunens hyresgaranti upphör den 31 januari 2027" in text
    assert "gäller till och med den 31 januari 2027" in text
    assert "hyran betalas direkt till hyresvärden" in text
    assert "Boendestödet" not in text
    for needed in ("frivillig", "Hör av er till oss före den 31 januari 2027", "Socialjouren"):
        assert needed in text, needed


def test_param_names_the_supports(letter_db: Database, refs: dict[str, str]) -> None:
    both = letters.render_letter(
        letter_db,
        refs["tricky"],
        "support_ending",
        config=CONFIG,
        as_of=SUPPORT_AS_OF,
        fmt="txt",
        params={"support": "2, 1"},
    )
    assert both.supports == (1, 2)  # soonest ending first, however they were named
    text = render(letter_db, refs["tricky"], params={"support": "2"})
    assert "Boendestödet upphör den 28 februari 2027" in text
    assert "ansöka om fortsatt stöd" in text and "hyresgaranti" not in text


def test_emergency_housing_ends_on_the_morning_of_leaving(
    letter_db: Database, refs: dict[str, str]
) -> None:
    text = render(letter_db, refs["plain"])
    assert 'Det tillfälliga boendet på Vandrarhemmet "Gläntan" & <Co> gäller till den 25' in text
    assert "till och med" not in text.split("VAD HÄNDER")[0]
    assert "behöver du ansöka igen" in text  # one adult: "du"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("x", "the support's number"),
        ("3", "belongs to 2026-0003, not to 2026-0001"),
        ("1,", "the support's number"),
    ],
)
def test_param_support_is_checked(
    letter_db: Database, refs: dict[str, str], value: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message) as caught:
        render(letter_db, refs["tricky"], params={"support": value})
    assert caught.value.field == "--param support"


def test_param_support_must_be_ahead(letter_db: Database, refs: dict[str, str]) -> None:
    with pytest.raises(NotFound):
        render(letter_db, refs["tricky"], params={"support": "99"})
    open_ended = support(letter_db, refs["tricky"], "financial_aid", end=None)
    with pytest.raises(InvalidInput, match="has no end date"):
        render(letter_db, refs["tricky"], params={"support": str(open_ended)})
    with pytest.raises(InvalidInput, match="ended on 31 January 2027"):
        render(letter_db, refs["tricky"], params={"support": "1"}, as_of=date(2027, 2, 2))
    end_support(letter_db, 2, ended_on=SUPPORT_AS_OF, as_of=SUPPORT_AS_OF)
    with pytest.raises(InvalidInput, match="ended already on 20 January 2027"):
        render(letter_db, refs["tricky"], params={"support": "2"})


def test_a_household_with_no_support_ahead(letter_db: Database, refs: dict[str, str]) -> None:
    with pytest.raises(InvalidInput, match="2026-0002 has no support with an end date ahead"):
        render(letter_db, refs["enforcement"])
    with pytest.raises(InvalidInput, match="no support with an end date ahead"):
        render(letter_db, refs["plain"], as_of=date(2027, 1, 26))


# The monthly batch ----------------------------------------------------------------------


def test_one_letter_names_supports_ending_close_together(
    letter_db: Database, tmp_path: Path
) -> None:
    ref = household(letter_db)
    guarantee = support(letter_db, ref, "rent_guarantee", date(2026, 12, 5))
    housing = support(letter_db, ref, "housing_support", date(2026, 12, 10))
    later = support(letter_db, ref, "debt_counselling", date(2027, 1, 8))  # 53 days: not yet
    first = run(letter_db, tmp_path / "nov")
    assert [(i.ref, i.supports) for i in first.made] == [(ref, (guarantee, housing))]
    text = " ".join((tmp_path / "nov" / f"{ref}-support_ending.txt").read_text().split())
    assert "Två insatser upphör snart" in text
    # One adult: "du".
    assert "Kommunens hyresgaranti för din hyra" in text and "Boendestödet som du har fått" in text
    assert recorded(letter_db) == [(ref, "2026-11", [guarantee, housing])]
    # The same month again: nothing.
    assert run(letter_db, tmp_path / "nov").made == []
    # December: only the support that has had no letter.
    dec = run(letter_db, tmp_path / "dec", month=DEC, as_of=DEC)
    assert [(i.ref, i.supports) for i in dec.made] == [(ref, (later,))]
    assert recorded(letter_db)[-1] == (ref, "2026-12", [later])
    # Next month nothing is left to say.
    jan = run(letter_db, tmp_path / "jan", month=date(2027, 1, 1), as_of=date(2027, 1, 4))
    assert jan.made == []


def test_who_gets_no_letter(letter_db: Database, tmp_path: Path) -> None:
    closed = household(letter_db, "Stängt Ärende")
    support(letter_db, closed, "rent_guarantee", date(2026, 12, 1))
    close_household(letter_db, closed, outcome="stays", closed_on=AS_OF, as_of=AS_OF, running="end")
    ended = household(letter_db, "Redan Avslutad")
    early = support(letter_db, ended, "housing_support", date(2026, 12, 1))
    end_support(letter_db, early, ended_on=AS_OF, as_of=AS_OF)
    far = household(letter_db, "Långt Kvar")
    support(letter_db, far, "rent_guarantee", date(2027, 3, 1))
    past = household(letter_db, "Redan Slut")
    support(letter_db, past, "housing_support", date(2026, 11, 15))
    open_ended = household(letter_db, "Utan Slutdag")
    support(letter_db, open_ended, "financial_aid", None)
    soon = household(letter_db, "Snart Slut")
    add_support(
        letter_db,
        soon,
        NewSupport(
            kind="emergency_housing", nights_from=date(2026, 11, 14), nights_to=date(2026, 11, 20)
        ),
        as_of=AS_OF,
    )
    result = run(letter_db, tmp_path / "brev")
    assert [i.ref for i in result.made] == [soon] and not result.failed


def test_the_window_is_the_policy(letter_db: Database, tmp_path: Path) -> None:
    ref = household(letter_db)
    support(letter_db, ref, "rent_guarantee", date(2026, 12, 5))  # 19 days after AS_OF
    narrow = replace(CONFIG, policy=Policy(support_ending_warning_days=10))
    assert run(letter_db, tmp_path / "a", config=narrow).made == []
    wide = replace(CONFIG, policy=Policy(support_ending_warning_days=19))
    assert [i.ref for i in run(letter_db, tmp_path / "b", config=wide).made] == [ref]


def test_a_one_off_letter_counts_for_the_batch(letter_db: Database, tmp_path: Path) -> None:
    ref = household(letter_db)
    told = support(letter_db, ref, "rent_guarantee", date(2026, 12, 5))
    letters.make_letter(
        letter_db,
        ref,
        "support_ending",
        config=CONFIG,
        as_of=AS_OF,
        fmt="txt",
        out=tmp_path / "brev.txt",
        record=True,
    )
    assert recorded(letter_db) == [(ref, None, [told])]
    assert run(letter_db, tmp_path / "brev").made == []


def test_a_support_that_comes_into_the_window_later_waits_for_next_month(
    letter_db: Database, tmp_path: Path
) -> None:
    ref = household(letter_db)
    first = support(letter_db, ref, "rent_guarantee", date(2026, 12, 5))
    run(letter_db, tmp_path / "nov")
    second = support(letter_db, ref, "housing_support", date(2026, 12, 8))
    # The household has had its letter of the month: the key is (household, kind, month).
    again = run(letter_db, tmp_path / "nov", as_of=date(2026, 11, 20))
    assert again.made == [] and len(again.already) == 1
    dec = run(letter_db, tmp_path / "dec", month=DEC, as_of=DEC)
    assert [i.supports for i in dec.made] == [(second,)]
    assert [s for _r, _p, s in recorded(letter_db)] == [[first], [second]]


def test_a_lost_file_is_made_again_about_the_same_supports(
    letter_db: Database, tmp_path: Path
) -> None:
    ref = household(letter_db)
    support(letter_db, ref, "rent_guarantee", date(2026, 12, 5))
    housing = support(letter_db, ref, "housing_support", date(2026, 12, 10))
    out = tmp_path / "brev"
    run(letter_db, out)
    lost = out / f"{ref}-support_ending.txt"
    original = lost.read_bytes()
    lost.unlink()
    # Ended early since: the letter is still the one that was sent.
    end_support(letter_db, housing, ended_on=date(2026, 11, 25), as_of=date(2026, 11, 27))
    rerun = run(letter_db, out, as_of=date(2026, 11, 27))
    assert [i.ref for i in rerun.recreated] == [ref] and rerun.made == []
    assert lost.read_bytes() == original


def test_dry_run_and_only(letter_db: Database, tmp_path: Path) -> None:
    ref = household(letter_db)
    support(letter_db, ref, "rent_guarantee", date(2026, 12, 5))
    items = letters.preview_monthly(
        letter_db, config=CONFIG, month=NOV, as_of=AS_OF, out_dir=tmp_path / "brev", fmt="pdf"
    )
    assert [(i.ref, i.kind, i.state, i.recipient) for i in items] == [
        (ref, "support_ending", "new", "Sara Ek")
    ]
    assert letters.monthly_kinds(None) == ["outreach", "plan_reminder", "support_ending"]
    assert not (tmp_path / "brev").exists()


# Through the command line ---------------------------------------------------------------

CONFIG_TOML = """\
[letterhead]
organisation = "Ängby kommun"
phone = "08-465 004 00"
socialjouren_phone = "08-465 004 01"
default_caseworker = "Karin Ek"

[policy]
support_ending_warning_days = 30
"""


@pytest.fixture
def bostad(cli: Cli) -> Cli:
    cli.config_path.write_text(CONFIG_TOML, encoding="utf-8")
    db = open_database(cli.db_path, create=True)
    try:
        build_households(db)
    finally:
        db.close()
    return cli


def test_cli_render_and_monthly(bostad: Cli, tmp_path: Path) -> None:
    shown = bostad.ok(
        "letter",
        "render",
        "2026-0001",
        "support_ending",
        "--param",
        "support=2",
        "-f",
        "txt",
        "-o",
        "-",
        "--as-of",
        SUPPORT_AS_OF.isoformat(),
    )
    assert "Boendestödet upphör den 28 februari 2027" in shown.stdout
    wrong = bostad(
        "letter",
        "render",
        "2026-0002",
        "support_ending",
        "-f",
        "txt",
        "-o",
        "-",
        "--as-of",
        "2027-01-20",
    )
    assert wrong.exit_code == 1
    assert wrong.stderr.splitlines() == [
        "error: --param support: 2026-0002 has no support with an end date ahead: '2026-0002'"
    ]
    out = tmp_path / "jan"
    listed = bostad.ok(
        "letter",
        "monthly",
        "--month",
        "2026-12",
        "--as-of",
        "2026-12-30",
        "--only",
        "support_ending",
        "--out-dir",
        str(out),
        "--dry-run",
    )
    plan = [(r["reference"], r["kind"]) for r in csv.DictReader(io.StringIO(listed.stdout))]
    # The emergency stay ends within 30 days (25 January), the rent guarantee not yet.
    assert plan == [("2026-0003", "support_ending")]
    made = bostad.ok(
        "letter",
        "monthly",
        "--month",
        "2027-01",
        "--as-of",
        "2027-01-20",
        "--only",
        "support_ending",
        "-f",
        "txt",
        "--out-dir",
        str(out),
    )
    assert "2 new" in made.stderr
    assert sorted(p.name for p in out.glob("*.txt")) == [
        "2026-0001-support_ending.txt",
        "2026-0003-support_ending.txt",
    ]
