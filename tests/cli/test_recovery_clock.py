"""The recovery period from both dates (jordabalken 12 kap. 44 §): service and notice to
social services, the earliest eviction decision, old databases and landlords' lists."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bostadcli.db import open_database
from bostadcli.errors import InvalidInput
from bostadcli.households import NewHousehold, add_household, show_household
from bostadcli.money import Money
from bostadcli.notices import NewNotice, add_notice, list_notices
from bostadcli.workdays import earliest_eviction_decision, is_working_day, recovery_deadline
from conftest import Cli

if TYPE_CHECKING:
    from sqlite_utils import Database

AS_OF = date(2027, 3, 15)
OLD_RELEASE = Path(__file__).resolve().parents[1] / "data" / "release-before-0017.sqlite"


@pytest.fixture
def ref(db: Database) -> str:
    return add_household(db, NewHousehold("Anna Andersson"), as_of=date(2026, 11, 1))


# The worked cases ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("served", "notified", "deadline"),
    [
        # Notified last: 31 December is nyårsafton, then nyårsdagen and a weekend.
        (date(2026, 12, 1), date(2026, 12, 10), date(2027, 1, 4)),
        # Notified last, an ordinary Wednesday three weeks on.
        (date(2027, 3, 1), date(2027, 3, 10), date(2027, 3, 31)),
        # Served last: the period runs from service.
        (date(2027, 3, 10), date(2027, 3, 1), date(2027, 3, 31)),
        # The same day.
        (date(2027, 3, 10), date(2027, 3, 10), date(2027, 3, 31)),
    ],
)
def test_worked_cases(db: Database, ref: str, served: date, notified: date, deadline: date) -> None:
    assert recovery_deadline(served, notified) == deadline
    notice = add_notice(
        db,
        ref,
        NewNotice(kind="termination", served_on=served, notified_on=notified),
        as_of=AS_OF,
    )
    assert notice["recovery_deadline"] == deadline.isoformat()
    assert notice["notified_on"] == notified.isoformat()
    assert notice["recovery_missing"] == []


def test_a_missing_date_means_not_started(db: Database, ref: str) -> None:
    assert recovery_deadline(date(2026, 12, 1), None) is None
    assert recovery_deadline(None, date(2026, 12, 1)) is None
    not_notified = add_notice(
        db, ref, NewNotice(kind="termination", served_on=date(2026, 12, 1)), as_of=AS_OF
    )
    assert not_notified["recovery_deadline"] is None
    assert not_notified["recovery_missing"] == ["notified_on"]
    assert not_notified["earliest_decision_on"] is None
    not_served = add_notice(
        db, ref, NewNotice(kind="termination", notified_on=date(2026, 12, 1)), as_of=AS_OF
    )
    assert not_served["recovery_missing"] == ["served_on"]
    neither = add_notice(db, ref, NewNotice(kind="termination"), as_of=AS_OF)
    assert neither["recovery_missing"] == ["served_on", "notified_on"]
    # Other grounds have no recovery period to wait for.
    other = add_notice(db, ref, NewNotice(kind="termination", ground="disturbance"), as_of=AS_OF)
    assert other["recovery_missing"] == []


def test_received_is_the_old_name_of_notified(db: Database, ref: str) -> None:
    notice = add_notice(
        db,
        ref,
        NewNotice(kind="termination", served_on=date(2026, 12, 1), received_on=date(2026, 12, 10)),
        as_of=AS_OF,
    )
    assert notice["notified_on"] == notice["received_on"] == "2026-12-10"
    assert notice["recovery_deadline"] == "2027-01-04"


def test_service_method_is_recorded(db: Database, ref: str) -> None:
    served = date(2027, 3, 1)
    spiked = add_notice(
        db,
        ref,
        NewNotice(kind="termination", served_on=served, service_method="spikning"),
        as_of=AS_OF,
    )
    assert spiked["service_method"] == "spikning"
    unknown = add_notice(db, ref, NewNotice(kind="termination", served_on=served), as_of=AS_OF)
    assert unknown["service_method"] == "unknown"
    unserved = add_notice(db, ref, NewNotice(kind="termination"), as_of=AS_OF)
    assert unserved["service_method"] is None


@pytest.mark.parametrize(
    ("deadline", "earliest"),
    [
        # Wednesday: Thursday and Friday pass, the decision Monday.
        (date(2027, 3, 31), date(2027, 4, 5)),
        # Monday 4 January 2027: Tuesday, Wednesday (trettondedag jul) is a holiday,
        # Thursday; the decision Friday 8 January.
        (date(2027, 1, 4), date(2027, 1, 8)),
        # Thursday before Easter 2027 (25 March): långfredagen and annandag påsk are
        # holidays; Tuesday 30 and Wednesday 31 March pass; Thursday 1 April.
        (date(2027, 3, 25), date(2027, 4, 1)),
    ],
)
def test_earliest_eviction_decision(deadline: date, earliest: date) -> None:
    assert earliest_eviction_decision(deadline) == earliest


@settings(max_examples=200, deadline=None)
@given(
    served=st.dates(date(2020, 1, 1), date(2040, 12, 31)),
    gap=st.integers(-60, 60),
)
def test_deadline_properties(served: date, gap: int) -> None:
    notified = served + timedelta(days=gap)
    deadline = recovery_deadline(served, notified)
    assert deadline is not None
    assert is_working_day(deadline)
    three_weeks = max(served, notified) + timedelta(days=21)
    assert deadline >= served + timedelta(days=21)
    assert deadline >= notified + timedelta(days=21)
    # Never later than needed: every day from three weeks to the deadline is a day off.
    assert all(
        not is_working_day(three_weeks + timedelta(days=i))
        for i in range((deadline - three_weeks).days)
    )
    earliest = earliest_eviction_decision(deadline)
    assert is_working_day(earliest)
    between = [deadline + timedelta(days=i) for i in range(1, (earliest - deadline).days)]
    assert sum(map(is_working_day, between)) == 2


# Bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notice", "field"),
    [
        (
            NewNotice(
                kind="termination",
                terminated_on=date(2027, 3, 5),
                notified_on=date(2027, 3, 4),
            ),
            "--notified",
        ),
        (
            NewNotice(
                kind="termination",
                terminated_on=date(2027, 3, 5),
                served_on=date(2027, 3, 1),
            ),
            "--served",
        ),
        (NewNotice(kind="termination", terminated_on=date(2027, 3, 16)), "--terminated"),
        (NewNotice(kind="warning", terminated_on=date(2027, 3, 1)), "--terminated"),
        (NewNotice(kind="termination", service_method="spikning"), "--service-method"),
        (
            NewNotice(kind="termination", served_on=date(2027, 3, 1), service_method="post"),
            "--service-method",
        ),
        (
            NewNotice(
                kind="termination",
                notified_on=date(2027, 3, 2),
                received_on=date(2027, 3, 3),
            ),
            "--received",
        ),
    ],
)
def test_bad_dates_are_refused(
    db: Database, ref: str, dump: Any, notice: NewNotice, field: str
) -> None:
    path = db.execute("PRAGMA database_list").fetchone()[2]
    before = dump(path)
    with pytest.raises(InvalidInput) as err:
        add_notice(db, ref, notice, as_of=AS_OF)
    assert err.value.field == field
    assert dump(path) == before


def test_cli_notified_and_not_started(initialised: Cli) -> None:
    initialised.ok("household", "add", "Anna Andersson", "--as-of", "2026-11-20")
    case = "2026-0001"
    out = initialised.ok(
        "notice", "add", case, "--kind", "termination", "--served", "2026-12-01",
        "--notified", "2026-12-10", "--service-method", "in_person", "--as-of", "2026-12-11",
    )  # fmt: skip
    assert "2027-01-04" in out.stdout
    assert "2027-01-08" in out.stdout  # the earliest eviction decision
    old_name = initialised.ok(
        "notice", "add", case, "--kind", "termination", "--served", "2027-03-01",
        "--received", "2027-03-10", "--as-of", "2027-03-11",
    )  # fmt: skip
    assert "2027-03-31" in old_name.stdout
    waiting = initialised.ok(
        "notice", "add", case, "--kind", "termination", "--served", "2027-03-01",
        "--as-of", "2027-03-11",
    )  # fmt: skip
    assert "not started" in waiting.stdout
    listed = initialised.ok("notice", "list", case, "--format", "json", "--as-of", "2027-03-11")
    import json

    missing = [n["recovery_missing"] for n in json.loads(listed.stdout)]
    assert sorted(missing) == [[], [], ["notified_on"]]
    shown = initialised.ok("household", "show", case, "--as-of", "2027-03-11")
    assert "not started" in shown.stdout


def test_cli_bad_order_is_one_line_and_writes_nothing(initialised: Cli) -> None:
    initialised.ok("household", "add", "Anna Andersson", "--as-of", "2026-11-20")
    before = initialised.dump()
    for option, value in (("--notified", "2026-12-01"), ("--served", "2026-11-30")):
        result = initialised(
            "notice", "add", "2026-0001", "--kind", "termination",
            "--terminated", "2026-12-02", option, value, "--as-of", "2026-12-11",
        )  # fmt: skip
        assert result.exit_code == 1
        assert result.stderr.count("\n") == 1
        assert option in result.stderr and value in result.stderr
    assert initialised.dump() == before


# Old databases ---------------------------------------------------------------------


def test_a_database_of_the_release_before_migrates(tmp_path: Path) -> None:
    """Made by the release before 0017 (tests/data): a termination kept the day social
    services received it, which becomes the day it was notified, and every deadline is
    computed again from both dates."""
    copy = tmp_path / "old.sqlite"
    shutil.copyfile(OLD_RELEASE, copy)
    db = open_database(copy)
    try:
        found = {
            r["id"]: r
            for r in db.execute_returning_dicts(
                "SELECT id, kind, received_on, notified_on, served_on, recovery_deadline"
                " FROM notices"
            )
        }
        # Served 1 December, received 10 December: 22 December under the old rule.
        assert found[1]["notified_on"] == found[1]["received_on"] == "2026-12-10"
        assert found[1]["recovery_deadline"] == "2027-01-04"
        assert found[2]["recovery_deadline"] == "2027-03-31"
        # Received before service: the deadline from service, as before.
        assert found[3]["recovery_deadline"] == "2027-03-22"
        # Not served: no deadline; another ground: none either.
        assert found[4]["recovery_deadline"] is None
        assert found[4]["notified_on"] == "2027-03-02"
        assert found[5]["recovery_deadline"] is None
        # A warning was notified too; Kronofogden's eviction date is not the landlord's.
        assert found[6]["notified_on"] == "2027-02-01"
        assert found[7]["notified_on"] is None
        case = show_household(db, "2026-0001", as_of=date(2026, 12, 20))
        assert case["next_deadline"] == "2027-01-04"
        listed = list_notices(db, ref="2027-0002", as_of=AS_OF)
        missing = {n["id"]: n["recovery_missing"] for n in listed if n["kind"] == "termination"}
        assert missing == {3: [], 4: ["served_on"], 5: []}
    finally:
        db.close()


def test_a_moved_case_from_before_0017_gets_its_deadline_again(db: Database, ref: str) -> None:
    from bostadcli.casemove.document_in import import_household
    from bostadcli.casemove.document_out import export_household

    add_notice(
        db,
        ref,
        NewNotice(kind="termination", served_on=date(2026, 12, 1), notified_on=date(2026, 12, 10)),
        as_of=AS_OF,
    )
    document = export_household(db, ref, as_of=AS_OF, command="test")
    # As the release before wrote it: no notified_on, the deadline from service alone.
    for notice in document["notices"]:
        for key in ("notified_on", "terminated_on", "service_method"):
            notice.pop(key)
        notice["recovery_deadline"] = "2026-12-22"
    moved = import_household(db, document, source="old.json", as_of=AS_OF, today=AS_OF)
    notices = list_notices(db, ref=moved["ref"], as_of=AS_OF)
    assert notices[0]["notified_on"] == "2026-12-10"
    assert notices[0]["recovery_deadline"] == "2027-01-04"


# Landlords' lists ------------------------------------------------------------------


def _import(db: Database, tmp_path: Path, header: list[str], row: list[str]) -> Any:
    import csv
    import io

    from bostadcli.landlord_lists import import_notices
    from bostadcli.landlords import add_landlord

    add_landlord(db, name="Alingsåshem", kind="municipal")
    text = io.StringIO()
    csv.writer(text, delimiter=";").writerows([header, row])
    path = tmp_path / "list.csv"
    path.write_text(text.getvalue(), encoding="utf-8")
    with path.open("rb") as fh:
        return import_notices(
            db, fh, source=path.name, as_of=date(2027, 3, 12), landlord="Alingsåshem"
        )


def test_a_list_was_notified_on_the_import_day(db: Database, tmp_path: Path) -> None:
    _import(db, tmp_path, ["Namn", "Uppsägning", "Delgiven"], ["Bo Ek", "2027-02-26", "2027-03-01"])
    notice = list_notices(db, as_of=date(2027, 3, 12))[0]
    assert notice["terminated_on"] == "2027-02-26"
    assert notice["notified_on"] == "2027-03-12"
    # The later of the two: 12 March + 21 days is Friday 2 April 2027.
    assert notice["recovery_deadline"] == "2027-04-02"


def test_a_column_says_when_social_services_was_notified(db: Database, tmp_path: Path) -> None:
    _import(
        db,
        tmp_path,
        ["Namn", "Uppsägning", "Delgiven", "Underrättad"],
        ["Bo Ek", "2027-02-26", "2027-03-01", "2027-03-10"],
    )
    notice = list_notices(db, as_of=date(2027, 3, 12))[0]
    assert notice["notified_on"] == "2027-03-10"
    assert notice["recovery_deadline"] == "2027-03-31"


def test_a_list_notified_before_the_termination_is_refused(db: Database, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as err:
        _import(
            db,
            tmp_path,
            ["Namn", "Uppsägning", "Underrättad"],
            ["Bo Ek", "2027-02-26", "2027-02-20"],
        )
    assert "Underrättad" in str(err.value) and "2027-02-20" in str(err.value)
    assert list_notices(db, as_of=date(2027, 3, 12)) == []


def test_amount_survives(db: Database, ref: str) -> None:
    notice = add_notice(
        db,
        ref,
        NewNotice(
            kind="termination",
            served_on=date(2027, 3, 1),
            notified_on=date(2027, 3, 10),
            amount=Money.kronor(14_900),
        ),
        as_of=AS_OF,
    )
    assert notice["amount_ore"] == 1_490_000
