"""Notices: the recovery deadline over holidays, eviction dates, days left."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bostadcli.errors import InvalidInput, NotFound
from bostadcli.households import NewHousehold, add_household, show_household
from bostadcli.money import Money
from bostadcli.notices import NewNotice, add_notice, list_notices, parse_eviction_at

if TYPE_CHECKING:
    from sqlite_utils import Database

Dump = Callable[[str | Path], list[str]]
AS_OF = date(2027, 1, 15)


def db_path(db: Database) -> str:
    return str(db.execute("PRAGMA database_list").fetchone()[2])


@pytest.fixture
def ref(db: Database) -> str:
    return add_household(db, NewHousehold("Anna Andersson"), as_of=date(2026, 1, 1))


@pytest.mark.parametrize(
    ("served", "deadline"),
    [
        # 21 days later is juldagen; then annandag jul, a weekend: Monday 28 December.
        (date(2026, 12, 4), date(2026, 12, 28)),
        # An ordinary Monday three weeks on.
        (date(2026, 6, 1), date(2026, 6, 22)),
        # Midsommarafton (Friday 19 June), midsommardagen, Sunday: Monday 22 June.
        (date(2026, 5, 29), date(2026, 6, 22)),
        # Nyårsafton, nyårsdagen, the weekend: Monday 4 January.
        (date(2026, 12, 10), date(2027, 1, 4)),
        # Julafton is a Thursday in 2026: moves to Monday 28 December as well.
        (date(2026, 12, 3), date(2026, 12, 28)),
        # Långfredagen 2026, then Easter: Tuesday 7 April.
        (date(2026, 3, 13), date(2026, 4, 7)),
        # A Saturday: Monday.
        (date(2026, 2, 7), date(2026, 3, 2)),
        # Served on a Sunday; the deadline is a Sunday too: Monday.
        (date(2026, 3, 1), date(2026, 3, 23)),
    ],
)
def test_recovery_deadline(db: Database, ref: str, served: date, deadline: date) -> None:
    notice = add_notice(
        db,
        ref,
        NewNotice(
            kind="termination", served_on=served, notified_on=served, amount=Money(1_490_050)
        ),
        as_of=AS_OF,
    )
    assert notice["recovery_deadline"] == deadline.isoformat()
    assert notice["deadline"] == deadline.isoformat()
    assert notice["days_left"] == (deadline - AS_OF).days
    assert notice["ground"] == "unpaid_rent"
    assert notice["amount_ore"] == 1_490_050


def test_days_left_counts_down(db: Database, ref: str) -> None:
    served = date(2026, 12, 4)
    add_notice(
        db, ref, NewNotice(kind="termination", served_on=served, notified_on=served), as_of=AS_OF
    )
    days = [
        list_notices(db, ref=ref, as_of=on)[0]["days_left"]
        for on in (date(2026, 12, 10), date(2026, 12, 28), date(2026, 12, 29))
    ]
    assert days == [18, 0, -1]


def test_no_recovery_deadline_without_service_or_for_other_grounds(db: Database, ref: str) -> None:
    unserved = add_notice(db, ref, NewNotice(kind="termination"), as_of=AS_OF)
    assert unserved["recovery_deadline"] is None
    assert unserved["received_on"] == AS_OF.isoformat()
    disturbance = add_notice(
        db,
        ref,
        NewNotice(kind="termination", ground="disturbance", served_on=date(2026, 12, 4)),
        as_of=AS_OF,
    )
    assert disturbance["recovery_deadline"] is None
    warning = add_notice(
        db,
        ref,
        NewNotice(kind="warning", ground="neglect", served_on=date(2026, 12, 4)),
        as_of=AS_OF,
    )
    assert (warning["recovery_deadline"], warning["days_left"]) == (None, None)


def test_grounds_become_reasons(db: Database, ref: str) -> None:
    add_notice(db, ref, NewNotice(kind="warning", ground="disturbance"), as_of=AS_OF)
    add_notice(db, ref, NewNotice(kind="termination"), as_of=AS_OF)
    add_notice(db, ref, NewNotice(kind="termination"), as_of=AS_OF)
    reasons = show_household(db, ref, as_of=AS_OF)["reasons"]
    assert reasons == ["disturbance", "unpaid_rent"]


def test_eviction_date_and_time(db: Database, ref: str) -> None:
    notice = add_notice(
        db,
        ref,
        NewNotice(kind="eviction", eviction_at="2027-02-03 09:30", enforcement_case="KFM 123"),
        as_of=AS_OF,
    )
    assert notice["eviction_at"] == "2027-02-03T09:30"
    assert notice["deadline"] == "2027-02-03"
    assert notice["days_left"] == 19
    assert notice["enforcement_case"] == "KFM 123"
    day_only = add_notice(
        db, ref, NewNotice(kind="eviction", eviction_at="2027-02-04"), as_of=AS_OF
    )
    assert day_only["eviction_at"] == "2027-02-04"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-02-03", "2027-02-03"),
        ("2027-02-03 09:30", "2027-02-03T09:30"),
        ("2027-02-03T09:30", "2027-02-03T09:30"),
        (" 2027-02-03   9:05 ", "2027-02-03T09:05"),
    ],
)
def test_parse_eviction_at(text: str, expected: str) -> None:
    assert parse_eviction_at(text) == expected


@pytest.mark.parametrize("text", ["2027-02-30", "2027-02-03 25:00", "2027-02-03 noon", "03/02"])
def test_parse_eviction_at_rejects(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_eviction_at(text, field="--eviction-at")
    assert err.value.field == "--eviction-at"


@pytest.mark.parametrize(
    ("notice", "field"),
    [
        (NewNotice(kind="summons"), "kind"),
        (NewNotice(kind="termination", ground="noise"), "ground"),
        (NewNotice(kind="termination", served_on=date(2027, 1, 16)), "--served"),
        (NewNotice(kind="termination", received_on=date(2027, 1, 16)), "--received"),
        (NewNotice(kind="termination", notified_on=date(2027, 1, 16)), "--notified"),
        (NewNotice(kind="termination", amount=Money(-1)), "amount"),
        (NewNotice(kind="eviction"), "eviction_at"),
        (NewNotice(kind="warning", eviction_at="2027-02-03"), "eviction_at"),
        (NewNotice(kind="eviction", eviction_at="2027-02-03 9"), "--eviction-at"),
        (NewNotice(kind="warning", note="bell\x07"), "note"),
    ],
)
def test_add_rejects(db: Database, ref: str, dump: Dump, notice: NewNotice, field: str) -> None:
    before = dump(db_path(db))
    with pytest.raises(InvalidInput) as err:
        add_notice(db, ref, notice, as_of=AS_OF)
    assert err.value.field == field
    assert dump(db_path(db)) == before


def test_unknown_household(db: Database, dump: Dump) -> None:
    before = dump(db_path(db))
    with pytest.raises(NotFound, match="no household 2026-0099"):
        add_notice(db, "2026-0099", NewNotice(kind="termination"), as_of=AS_OF)
    with pytest.raises(NotFound, match="no household 2026-0099"):
        list_notices(db, ref="2026-0099", as_of=AS_OF)
    assert dump(db_path(db)) == before


def test_list_orders_by_deadline_and_filters_upcoming(db: Database, ref: str) -> None:
    other = add_household(db, NewHousehold("Bo"), as_of=AS_OF)
    add_notice(db, ref, NewNotice(kind="eviction", eviction_at="2027-02-03 09:30"), as_of=AS_OF)
    for case, served in ((other, date(2027, 1, 4)), (ref, date(2026, 12, 4))):
        add_notice(
            db,
            case,
            NewNotice(kind="termination", served_on=served, notified_on=served),
            as_of=AS_OF,
        )
    add_notice(db, other, NewNotice(kind="warning", received_on=date(2027, 1, 2)), as_of=AS_OF)
    everything = list_notices(db, as_of=AS_OF)
    assert [(n["ref"], n["deadline"]) for n in everything] == [
        (ref, "2026-12-28"),
        (other, None),  # no deadline: sorted by the day it was received
        (other, "2027-01-25"),
        (ref, "2027-02-03"),
    ]
    upcoming = list_notices(db, as_of=AS_OF, upcoming_within=10)
    assert [n["deadline"] for n in upcoming] == ["2027-01-25"]
    assert [n["deadline"] for n in list_notices(db, as_of=AS_OF, upcoming_within=0)] == []
    assert len(list_notices(db, ref=ref, as_of=AS_OF)) == 2


def test_upcoming_cannot_be_negative(db: Database) -> None:
    with pytest.raises(InvalidInput, match="upcoming"):
        list_notices(db, as_of=AS_OF, upcoming_within=-1)


def test_notice_as_dict(db: Database, ref: str) -> None:
    notice: dict[str, Any] = add_notice(
        db, ref, NewNotice(kind="termination", note="Per brev\nfrån värden"), as_of=AS_OF
    )
    assert notice["ref"] == ref
    assert notice["note"] == "Per brev\nfrån värden"
