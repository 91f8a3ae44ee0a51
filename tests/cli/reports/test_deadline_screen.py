"""The deadline screen shows every date of the law's clock: periods not started, the
earliest eviction decision, undertakings, warnings, Kronofogden's decisions, meetings."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli.households import ChildSpec, NewHousehold, add_household
from bostadcli.landlords import add_landlord
from bostadcli.notices import NewNotice, add_notice
from bostadcli.reports import DEADLINE_FIELDS, deadlines
from bostadcli.undertakings import NewUndertaking, add_undertaking
from conftest import Cli

if TYPE_CHECKING:
    from sqlite_utils import Database

AS_OF = date(2027, 3, 15)


def _case(db: Database, name: str, *, child: bool = False) -> str:
    children = [ChildSpec(date(2018, 5, 1), "Barn")] if child else []
    return add_household(
        db,
        NewHousehold(name, landlord="Exempelhem AB", children=children),
        as_of=date(2027, 1, 1),
    )


def _kinds(found: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
    return [(e["band"], e["kind"], e["due_on"]) for e in found if e["kind"] != "no_contact"]


def test_every_date_of_the_clock(db: Database) -> None:
    add_landlord(db, name="Exempelhem AB", kind="municipal")
    waiting = _case(db, "Väntar", child=True)
    add_notice(db, waiting, NewNotice(kind="termination", served_on=date(2027, 3, 1)), as_of=AS_OF)
    running = _case(db, "Löper")
    add_notice(
        db,
        running,
        NewNotice(kind="termination", served_on=date(2027, 3, 1), notified_on=date(2027, 3, 1)),
        as_of=AS_OF,
    )
    stopped = _case(db, "Förbindelse")
    add_notice(
        db,
        stopped,
        NewNotice(kind="termination", served_on=date(2027, 3, 1), notified_on=date(2027, 3, 2)),
        as_of=AS_OF,
    )
    add_undertaking(
        db,
        stopped,
        NewUndertaking(given_on=AS_OF, covers="Hyran mars", decided_by="Karin Ek"),
        as_of=AS_OF,
    )
    warned = _case(db, "Varnad")
    add_notice(
        db,
        warned,
        NewNotice(
            kind="warning",
            ground="disturbance",
            notified_on=date(2027, 3, 10),
            correct_by=date(2027, 3, 24),
        ),
        as_of=AS_OF,
    )
    decided = _case(db, "Beslut")
    add_notice(
        db,
        decided,
        NewNotice(kind="decision", decision_by="rent_tribunal", step_on=date(2027, 3, 12)),
        as_of=AS_OF,
    )
    db.execute(
        "INSERT INTO letters (household_id, kind, dated_on, recipient, format, template_version,"
        " params, created_at) SELECT id, 'meeting', '2027-03-10', 'x', 'txt', 'v',"
        ' \'{"date": "2027-03-18", "time": "13.30"}\', \'x\' FROM households WHERE ref = ?',
        [warned],
    )
    found = deadlines(db, as_of=AS_OF)
    assert all(tuple(e) == DEADLINE_FIELDS for e in found)
    assert _kinds(found) == [
        ("overdue", "decision", "2027-03-12"),
        ("this_week", "meeting", "2027-03-18"),
        ("not_started", "recovery_not_started", None),
        ("later", "recovery_deadline", "2027-03-22"),
        ("later", "recovery_deadline", "2027-03-23"),
        ("later", "warning", "2027-03-24"),
    ]
    by_ref = {e["ref"]: e for e in found if e["kind"] != "no_contact"}
    assert by_ref[waiting]["recovery_missing"] == ["notified_on"]
    assert by_ref[waiting]["children"] == 1
    assert by_ref[running]["earliest_decision_on"] == "2027-03-25"
    assert by_ref[running]["undertaking_on"] is None
    assert by_ref[stopped]["undertaking_on"] == AS_OF.isoformat()
    assert by_ref[decided]["decision_by"] == "rent_tribunal"
    warning = next(e for e in found if e["kind"] == "warning")
    assert (warning["ref"], warning["ground"]) == (warned, "disturbance")
    meeting = next(e for e in found if e["kind"] == "meeting")
    assert (meeting["ref"], meeting["meeting_time"]) == (warned, "13.30")
    # After the deadline with no undertaking: the earliest eviction decision.
    later = deadlines(db, as_of=date(2027, 3, 24))
    assert ("this_week", "eviction_decision", "2027-03-25") in _kinds(later)
    assert not any(e["kind"] == "eviction_decision" and e["ref"] == stopped for e in later)


def test_the_screen(initialised: Cli) -> None:
    initialised.ok(
        "household", "add", "Anna", "--child", "2018-05-01 Alva", "--as-of", "2027-01-01"
    )
    initialised.ok(
        "notice", "add", "2027-0001", "--kind", "termination", "--served", "2027-03-01",
        "--as-of", "2027-03-15",
    )  # fmt: skip
    initialised.ok(
        "notice", "add", "2027-0001", "--kind", "warning", "--ground", "misconduct",
        "--notified", "2027-03-10", "--correct-by", "2027-03-19", "--as-of", "2027-03-15",
    )  # fmt: skip
    screen = initialised.ok("report", "deadlines", "--as-of", "2027-03-15").stdout
    assert "Not started" in screen
    assert "not started:" in screen and "no date yet" in screen
    assert "time to correct ends" in screen
    rows = json.loads(
        initialised.ok("report", "deadlines", "--format", "json", "--as-of", "2027-03-15").stdout
    )
    assert [r["kind"] for r in rows][:2] == ["warning", "recovery_not_started"]
    csv_text = initialised.ok(
        "report", "deadlines", "--format", "csv", "--as-of", "2027-03-15"
    ).stdout
    assert "recovery_missing" in csv_text.splitlines()[0]
