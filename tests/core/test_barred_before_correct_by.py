"""A termination before the tenant's time to correct has run out may be barred
(jordabalken 12 kap. 42 § 3 st): the landlord may terminate for disturbance, lack of
good conduct or neglect only when the tenant has not corrected after the warning."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest

from bostadcli.cli.notices import notice_warnings
from bostadcli.export import export_table, iter_rows
from bostadcli.households import NewHousehold, add_household
from bostadcli.notices import NewNotice, add_notice, list_notices

if TYPE_CHECKING:
    from sqlite_utils import Database

AS_OF = date(2026, 12, 5)


@pytest.fixture
def ref(db: Database) -> str:
    return add_household(db, NewHousehold("Stor Ning"), as_of=date(2026, 11, 1))


def _add(db: Database, ref: str, **values: Any) -> dict[str, Any]:
    return add_notice(db, ref, NewNotice(**values), as_of=AS_OF)


def _warning(db: Database, ref: str, ground: str, correct_by: date | None) -> None:
    _add(
        db,
        ref,
        kind="warning",
        ground=ground,
        notified_on=date(2026, 11, 10),
        correct_by=correct_by,
    )


@pytest.mark.parametrize("ground", ["disturbance", "misconduct", "neglect"])
@pytest.mark.parametrize("terminated", [date(2026, 11, 20), date(2026, 11, 30)])
def test_a_termination_before_the_time_ran_out_may_be_barred(
    db: Database, ref: str, ground: str, terminated: date
) -> None:
    _warning(db, ref, ground, date(2026, 11, 30))
    found = _add(
        db,
        ref,
        kind="termination",
        ground=ground,
        terminated_on=terminated,
        notified_on=date(2026, 12, 1),
    )
    assert found["barred_risk"] == "before_correct_by"
    (text,) = notice_warnings(found)
    assert "time to correct" in text and "42 § 3 st" in text
    listed = {n["id"]: n for n in list_notices(db, as_of=AS_OF, ref=ref)}
    assert listed[found["id"]]["barred_risk"] == "before_correct_by"


def test_the_export_carries_it(db: Database, ref: str) -> None:
    _warning(db, ref, "disturbance", date(2026, 11, 30))
    _add(db, ref, kind="termination", ground="disturbance", terminated_on=date(2026, 11, 20))
    rows = list(iter_rows(db, "notices", as_of=AS_OF))
    assert [r["barred_risk"] for r in rows if r["kind"] == "termination"] == ["before_correct_by"]
    out = io.StringIO()
    export_table(db, "notices", out, as_of=AS_OF, command="test")
    written = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["barred_risk"] for r in written] == ["", "before_correct_by"]


@pytest.mark.parametrize("correct_by", [date(2026, 11, 19), None])
def test_a_time_run_out_or_not_given_lifts_it(
    db: Database, ref: str, correct_by: date | None
) -> None:
    _warning(db, ref, "disturbance", correct_by)
    found = _add(
        db, ref, kind="termination", ground="disturbance", terminated_on=date(2026, 11, 20)
    )
    assert found["barred_risk"] is None
    assert notice_warnings(found) == []


def test_an_earlier_warning_whose_time_ran_out_counts(db: Database, ref: str) -> None:
    # The tenant did not correct after the first warning; a second one with a later
    # day does not make the termination premature.
    _warning(db, ref, "disturbance", date(2026, 11, 12))
    _warning(db, ref, "disturbance", date(2026, 12, 31))
    found = _add(
        db, ref, kind="termination", ground="disturbance", terminated_on=date(2026, 11, 20)
    )
    assert found["barred_risk"] is None


def test_a_warning_on_another_ground_still_means_no_warning(db: Database, ref: str) -> None:
    _warning(db, ref, "neglect", date(2026, 11, 30))
    found = _add(
        db, ref, kind="termination", ground="disturbance", terminated_on=date(2026, 11, 20)
    )
    assert found["barred_risk"] == "no_warning"


def test_especially_serious_is_never_flagged(db: Database, ref: str) -> None:
    _warning(db, ref, "disturbance", date(2026, 11, 30))
    found = _add(
        db,
        ref,
        kind="termination",
        ground="disturbance",
        terminated_on=date(2026, 11, 20),
        especially_serious=True,
        copy_received_on=date(2026, 11, 21),
    )
    assert found["barred_risk"] is None


@pytest.mark.parametrize("ground", ["neighbourhood_crime", "serious_crime", "unpaid_rent"])
def test_grounds_that_need_no_warning(db: Database, ref: str, ground: str) -> None:
    # DOMAIN rule 3: only disturbance and lack of good conduct (and, by 12 kap. 42 §
    # 2 st, neglect) need a warning first; crime in the neighbourhood does not.
    _warning(db, ref, ground, date(2026, 11, 30))
    found = _add(db, ref, kind="termination", ground=ground, terminated_on=date(2026, 11, 20))
    assert found["barred_risk"] is None
    bare = _add(db, ref, kind="termination", ground=ground, terminated_on=date(2026, 11, 21))
    assert bare["barred_risk"] is None
