"""When an undertaking stops the eviction (one rule for the list, the export, the case
and the deadline screen), and a first letter whose deadline has just passed."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bostadcli import letters
from bostadcli.corrections import edit_notice, void_notice
from bostadcli.errors import InvalidInput
from bostadcli.export import export_table
from bostadcli.households import NewHousehold, add_household, show_household
from bostadcli.landlords import add_landlord
from bostadcli.money import Money
from bostadcli.notices import NewNotice, add_notice
from bostadcli.reports import deadlines
from bostadcli.undertakings import NewUndertaking, add_undertaking, list_undertakings
from conftest import Cli
from golden_letters import CONFIG

if TYPE_CHECKING:
    from sqlite_utils import Database

AS_OF = date(2027, 3, 15)
TERMINATED = date(2027, 2, 26)
SERVED, NOTIFIED, DEADLINE = date(2027, 3, 1), date(2027, 3, 10), date(2027, 3, 31)


@pytest.fixture
def ref(db: Database) -> str:
    for name in ("Exempelhem AB", "Lärkan AB"):
        add_landlord(db, name=name, kind="municipal")
    ref = add_household(
        db, NewHousehold("Anna Andersson", landlord="Exempelhem AB"), as_of=date(2027, 2, 1)
    )
    add_notice(
        db,
        ref,
        NewNotice(
            kind="termination",
            terminated_on=TERMINATED,
            served_on=SERVED,
            notified_on=NOTIFIED,
            amount=Money(900_000),
        ),
        as_of=AS_OF,
    )
    return ref


def _new(**changes: Any) -> NewUndertaking:
    values: dict[str, Any] = {"given_on": AS_OF, "covers": "Hyran mars", "decided_by": "K"}
    return NewUndertaking(**(values | changes))


def _everywhere(db: Database, ref: str) -> dict[str, Any]:
    """What the list, the export, the case and the deadline screen say."""
    out = io.StringIO()
    export_table(db, "undertakings", out, fmt="json", as_of=AS_OF, command="test")
    screen = [
        e
        for e in deadlines(db, as_of=date(2027, 3, 25))
        if e["ref"] == ref and e["kind"] == "recovery_deadline"
    ]
    return {
        "list": [u["stops_eviction"] for u in list_undertakings(db, ref=ref, as_of=AS_OF)],
        "export": [bool(u["stops_eviction"]) for u in json.loads(out.getvalue())],
        "show": [u["stops_eviction"] for u in show_household(db, ref, as_of=AS_OF)["undertakings"]],
        "screen": [e["undertaking_on"] for e in screen],
    }


def test_before_the_termination_is_refused(db: Database, ref: str) -> None:
    with pytest.raises(InvalidInput) as err:
        add_undertaking(db, ref, _new(given_on=date(2020, 1, 1)), as_of=AS_OF)
    assert err.value.field == "--given"
    assert TERMINATED.isoformat() in str(err.value)
    assert list_undertakings(db, as_of=AS_OF) == []


def test_an_amount_of_nothing_is_refused(db: Database, ref: str) -> None:
    with pytest.raises(InvalidInput) as err:
        add_undertaking(db, ref, _new(amount=Money(0)), as_of=AS_OF)
    assert err.value.field == "--amount"
    assert list_undertakings(db, as_of=AS_OF) == []


def test_to_another_landlord_it_does_not_stop_the_eviction(db: Database, ref: str) -> None:
    found = add_undertaking(db, ref, _new(landlord="Lärkan AB"), as_of=AS_OF)
    assert found["stops_eviction"] is False
    assert _everywhere(db, ref) == {
        "list": [False],
        "export": [False],
        "show": [False],
        "screen": [None],
    }
    add_undertaking(db, ref, _new(), as_of=AS_OF)
    assert _everywhere(db, ref) == {
        "list": [False, True],
        "export": [False, True],
        "show": [False, True],
        "screen": [AS_OF.isoformat()],
    }


@pytest.mark.parametrize("change", ["void", "ground"])
def test_once_the_termination_is_gone_it_stops_nothing(db: Database, ref: str, change: str) -> None:
    add_undertaking(db, ref, _new(), as_of=AS_OF)
    assert _everywhere(db, ref)["list"] == [True]
    if change == "void":
        void_notice(db, 1, reason="x")
    else:
        edit_notice(db, 1, changes={"ground": "disturbance"}, reason="x", as_of=AS_OF)
    listed = list_undertakings(db, ref=ref, as_of=AS_OF)[0]
    assert (listed["stops_eviction"], listed["recovery_deadline"]) == (False, None)
    seen = _everywhere(db, ref)
    assert (seen["list"], seen["export"], seen["show"]) == ([False], [False], [False])


def test_cli_messages(initialised: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    # Recorded on the real date: the day of the story.
    monkeypatch.setattr("bostadcli.undertakings.record_day", lambda: AS_OF)
    initialised.ok("landlord", "add", "Exempelhem AB", "--kind", "municipal")
    initialised.ok("landlord", "add", "Lärkan AB", "--kind", "municipal")
    initialised.ok("household", "add", "Bo", "--as-of", "2027-02-01")
    no_landlord = initialised(
        "undertaking", "add", "2027-0001", "--covers", "r", "--decided-by", "x",
        "--as-of", "2027-03-15",
    )  # fmt: skip
    assert no_landlord.exit_code == 1
    assert "{ref}" not in no_landlord.stderr and "2027-0001" in no_landlord.stderr
    initialised.ok(
        "household", "add", "Anna", "--landlord", "Exempelhem AB", "--as-of", "2027-02-01"
    )
    initialised.ok(
        "notice", "add", "2027-0002", "--kind", "termination", "--terminated", "2027-02-26",
        "--served", "2027-03-01", "--notified", "2027-03-10", "--as-of", "2027-03-15",
    )  # fmt: skip
    before = initialised.dump()
    for bad, option in (
        (("--given", "2020-01-01"), "--given"),
        (("--amount", "0"), "--amount"),
    ):
        refused = initialised(
            "undertaking", "add", "2027-0002", "--covers", "r", "--decided-by", "x",
            "--as-of", "2027-03-15", *bad,
        )  # fmt: skip
        assert refused.exit_code == 1
        assert refused.stderr.count("\n") == 1 and option in refused.stderr
    assert initialised.dump() == before
    other = initialised.ok(
        "undertaking", "add", "2027-0002", "--covers", "r", "--decided-by", "x",
        "--landlord", "Lärkan AB", "--as-of", "2027-03-15",
    )  # fmt: skip
    assert "stops the eviction" not in other.stderr


def test_a_first_letter_after_its_deadline_is_flagged(db: Database, tmp_path: Path) -> None:
    add_landlord(db, name="Ängbyhem", kind="municipal")
    served = date(2026, 11, 16)
    ref = add_household(
        db,
        NewHousehold(
            tenant_name="Hyresgäst",
            street="Storgatan 1",
            postal_code="441 30",
            city="Ängby",
            landlord="Ängbyhem",
            source="landlord",
            opened_on=date(2026, 12, 7),
        ),
        as_of=date(2026, 12, 7),
    )
    notice = add_notice(
        db,
        ref,
        NewNotice(kind="termination", served_on=served, notified_on=served, amount=Money(900_000)),
        as_of=date(2026, 12, 7),
    )
    deadline = date.fromisoformat(notice["recovery_deadline"])
    assert deadline == date(2026, 12, 7)
    day = deadline + timedelta(days=1)
    preview = letters.preview_monthly(
        db,
        config=CONFIG,
        month=day.replace(day=1),
        as_of=day,
        out_dir=tmp_path / "p",
        fmt="html",
        only="outreach",
        daily=True,
    )
    assert [(i.ref, i.late) for i in preview] == [(ref, True)]
    result = letters.run_daily(
        db, config=CONFIG, as_of=day, out_dir=tmp_path / "b", fmt="html", only="outreach"
    )
    assert [i.ref for i in result.made] == [ref]
    assert [i.ref for i in result.late] == [ref]
    recorded = db.execute("SELECT deadline FROM late_letters").fetchall()
    assert recorded == [(deadline.isoformat(),)]
    manifest = next((tmp_path / "b").glob("manifest-*.csv")).read_text(encoding="utf-8")
    assert "ring eller gör hembesök" in manifest
