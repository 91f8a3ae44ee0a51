from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from bostadcli import plans
from bostadcli.config import Policy
from bostadcli.contacts import list_contacts
from bostadcli.db import open_database, rows
from bostadcli.errors import Conflict, InvalidInput, NotFound
from bostadcli.households import (
    ChildSpec,
    NewHousehold,
    add_household,
    close_household,
    show_household,
)
from bostadcli.landlords import add_landlord
from bostadcli.money import Money
from bostadcli.plans import NewPlan

CREATED = date(2026, 11, 20)


def _household(db: Database, *, landlord: str | None = "Alingsåshem", name: str = "Anna") -> str:
    return add_household(
        db,
        NewHousehold(
            tenant_name=name,
            landlord=landlord,
            rent=Money.kronor(7_450),
            arrears=Money.kronor(14_900),
            children=[ChildSpec(date(2015, 3, 2))],
        ),
        as_of=CREATED,
    )


def _setup(db: Database) -> str:
    add_landlord(db, name="Alingsåshem", kind="municipal")
    add_landlord(db, name="Privatvärden AB", kind="private")
    return _household(db)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return open_database(tmp_path / "t.sqlite", create=True)


@pytest.fixture
def case(db: Database) -> str:
    return _setup(db)


def _example(**changes: Any) -> NewPlan:
    values: dict[str, Any] = {
        "debt": Money.kronor(14_900),
        "installment": Money.kronor(1_500),
        "start": date(2027, 1, 1),
    }
    values.update(changes)
    return NewPlan(**values)


def _dump(db: Database) -> list[str]:
    return list(db.conn.iterdump())


def _installments(db: Database, plan_ref: str) -> list[dict[str, Any]]:
    return rows(
        db,
        "SELECT i.* FROM installments i JOIN plans p ON p.id = i.plan_id"
        " WHERE p.ref = ? ORDER BY seq",
        [plan_ref],
    )


def _plan_contacts(db: Database, ref: str) -> list[str]:
    return [c["text"] for c in list_contacts(db, ref=ref) if c["kind"] == "plan"]


def test_create_stores_schedule_and_logs_agreement(db: Database, case: str) -> None:
    doc = plans.create_plan(db, case, _example(), as_of=CREATED)
    assert doc["ref"] == "P-0001"
    assert doc["household"] == case
    assert doc["landlord"] == "Alingsåshem"
    assert doc["state"] == "on_track"
    assert doc["months"] == 10
    assert doc["last_installment_ore"] == 140_000
    stored = _installments(db, "P-0001")
    assert [i["month"] for i in stored][:2] == ["2027-01", "2027-02"]
    assert stored[0]["due_on"] == "2026-12-30"
    assert sum(i["amount_ore"] for i in stored) == 1_490_000
    [line] = _plan_contacts(db, case)
    assert "P-0001" in line and "Alingsåshem" in line and "30 December 2026" in line
    assert list_contacts(db, ref=case)[0]["automatic"] is True


def test_default_start_is_the_month_after_as_of(db: Database, case: str) -> None:
    doc = plans.create_plan(db, case, _example(start=None), as_of=CREATED)
    assert doc["start_month"] == "2026-12"
    assert doc["installments"][0]["due_on"] == "2026-11-30"


def test_dry_run_writes_nothing(db: Database, case: str) -> None:
    before = _dump(db)
    doc = plans.create_plan(
        db, case, _example(income=Money.kronor(20_000)), as_of=CREATED, dry_run=True
    )
    assert _dump(db) == before
    assert doc["ref"] is None
    assert len(doc["installments"]) == 10
    assert doc["affordability"]["income_ore"] == 2_000_000
    # The counter was not advanced either: the real plan still gets P-0001.
    assert plans.create_plan(db, case, _example(), as_of=CREATED)["ref"] == "P-0001"


def test_fixed_due_day(db: Database, case: str) -> None:
    doc = plans.create_plan(db, case, _example(due="25"), as_of=CREATED)
    assert doc["due_rule"] == "25"
    assert doc["installments"][0]["due_on"] == "2027-01-25"


def test_household_without_landlord_cannot_get_a_plan(db: Database, case: str) -> None:
    ref = _household(db, landlord=None, name="Bo")
    before = _dump(db)
    with pytest.raises(Conflict, match="no landlord"):
        plans.create_plan(db, ref, _example(), as_of=CREATED)
    assert _dump(db) == before


def test_closed_household_cannot_get_a_plan(db: Database, case: str) -> None:
    close_household(db, case, outcome="stays", closed_on=CREATED, as_of=CREATED)
    with pytest.raises(Conflict, match="closed"):
        plans.create_plan(db, case, _example(), as_of=CREATED)


def test_second_active_plan_needs_replaces(db: Database, case: str) -> None:
    plans.create_plan(db, case, _example(), as_of=CREATED)
    before = _dump(db)
    with pytest.raises(Conflict, match="--replaces P-0001"):
        plans.create_plan(db, case, _example(), as_of=CREATED)
    assert _dump(db) == before


def test_bad_input_writes_nothing(db: Database, case: str) -> None:
    before = _dump(db)
    for new in (
        _example(debt=Money(0)),
        _example(installment=Money.kronor(20_000)),
        _example(installment=None),
        _example(months=10),
        _example(due="32"),
        _example(income=Money(-1)),
        _example(debt=None),
    ):
        with pytest.raises(InvalidInput):
            plans.create_plan(db, case, new, as_of=CREATED)
    with pytest.raises(NotFound):
        plans.create_plan(db, "2026-9999", _example(), as_of=CREATED)
    assert _dump(db) == before


def test_payment_carries_forward_oldest_first(db: Database, case: str) -> None:
    plans.create_plan(db, case, _example(), as_of=CREATED)
    result = plans.record_payment(
        db,
        "P-0001",
        amount=Money.kronor(2_000),
        paid_on=date(2026, 12, 29),
        as_of=date(2026, 12, 29),
    )
    assert result["applied_ore"] == 200_000
    assert result["remaining_ore"] == 1_290_000
    assert not result["completed"]
    paid = [i["paid_ore"] for i in _installments(db, "P-0001")]
    assert paid[:3] == [150_000, 50_000, 0]
    plans.record_payment(
        db, "P-0001", amount=Money.kronor(1_000), paid_on=date(2027, 1, 28), as_of=date(2027, 1, 28)
    )
    paid = [i["paid_ore"] for i in _installments(db, "P-0001")]
    assert paid[:3] == [150_000, 150_000, 0]
    doc = plans.show_plan(db, "P-0001", as_of=date(2027, 1, 28))
    assert [i["status"] for i in doc["installments"][:3]] == ["paid", "paid", "unpaid"]
    assert doc["remaining_ore"] == 1_190_000


def test_overpayment_is_refused_unless_allowed(db: Database, case: str) -> None:
    plans.create_plan(db, case, _example(), as_of=CREATED)
    day = date(2026, 12, 29)
    before = _dump(db)
    with pytest.raises(InvalidInput, match="--allow-overpay"):
        plans.record_payment(db, "P-0001", amount=Money.kronor(15_000), paid_on=day, as_of=day)
    assert _dump(db) == before
    result = plans.record_payment(
        db, "P-0001", amount=Money.kronor(15_000), paid_on=day, as_of=day, allow_overpay=True
    )
    assert result == {
        "plan": "P-0001",
        "household": case,
        "payment": 1,
        "paid_on": "2026-12-29",
        "agreed_on": "2026-11-20",
        "amount_ore": 1_500_000,
        "applied_ore": 1_490_000,
        "excess_ore": 10_000,
        "remaining_ore": 0,
        "completed": True,
    }
    assert all(i["paid_ore"] == i["amount_ore"] for i in _installments(db, "P-0001"))
    doc = plans.show_plan(db, "P-0001", as_of=day)
    assert doc["status"] == "completed"
    assert doc["state"] == "completed"
    assert doc["completed_on"] == "2026-12-29"
    assert doc["payments"][0]["excess_ore"] == 10_000
    assert any("completed" in line for line in _plan_contacts(db, case))
    with pytest.raises(Conflict, match="paid in full"):
        plans.record_payment(db, "P-0001", amount=Money.kronor(1), paid_on=day, as_of=day)


def test_exact_payoff_completes(db: Database, case: str) -> None:
    plans.create_plan(db, case, _example(), as_of=CREATED)
    day = date(2027, 3, 1)
    plans.record_payment(db, "P-0001", amount=Money.kronor(14_000), paid_on=day, as_of=day)
    result = plans.record_payment(db, "P-0001", amount=Money.kronor(900), paid_on=day, as_of=day)
    assert result["completed"] and result["excess_ore"] == 0


def test_payment_bad_input(db: Database, case: str) -> None:
    plans.create_plan(db, case, _example(), as_of=CREATED)
    before = _dump(db)
    day = date(2027, 1, 10)
    with pytest.raises(InvalidInput):
        plans.record_payment(db, "P-0001", amount=Money(0), paid_on=day, as_of=day)
    with pytest.raises(InvalidInput):
        plans.record_payment(db, "P-0001", amount=Money(-100), paid_on=day, as_of=day)
    with pytest.raises(InvalidInput, match="future"):
        plans.record_payment(db, "P-0001", amount=Money(100), paid_on=date(2027, 1, 11), as_of=day)
    with pytest.raises(NotFound, match="P-9999"):
        plans.record_payment(db, "P-9999", amount=Money(100), paid_on=day, as_of=day)
    with pytest.raises(InvalidInput, match="P-0001"):
        plans.record_payment(db, "plan one", amount=Money(100), paid_on=day, as_of=day)
    assert _dump(db) == before


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 900_000), st.integers(0, 400)),
        min_size=1,
        max_size=12,
    )
)
def test_payments_never_make_paid_exceed_due(payments: list[tuple[int, int]]) -> None:
    db = open_database(":memory:")
    ref = _setup(db)
    plans.create_plan(db, ref, _example(), as_of=CREATED)
    total = 0
    for ore, offset in payments:
        day = date.fromordinal(CREATED.toordinal() + offset)
        try:
            plans.record_payment(
                db, "P-0001", amount=Money(ore), paid_on=day, as_of=day, allow_overpay=True
            )
        except Conflict:
            assert total == 1_490_000  # only a plan paid in full refuses a payment
            continue
        total = min(total + ore, 1_490_000)
        installments = _installments(db, "P-0001")
        assert all(0 <= i["paid_ore"] <= i["amount_ore"] for i in installments)
        assert sum(i["paid_ore"] for i in installments) == total
        paid = [i["paid_ore"] for i in installments]
        for k, share in enumerate(paid):
            if share:
                assert all(i["paid_ore"] == i["amount_ore"] for i in installments[:k])
    db.close()


def test_states_over_time(db: Database, case: str) -> None:
    plans.create_plan(db, case, _example(), as_of=CREATED)

    def state(day: date) -> str:
        return str(plans.show_plan(db, "P-0001", as_of=day)["state"])

    # First installment due 2026-12-30; late after seven days (12 kap. 42 § JB).
    assert state(date(2026, 12, 30)) == "on_track"
    assert state(date(2027, 1, 6)) == "on_track"
    doc = plans.show_plan(db, "P-0001", as_of=date(2027, 1, 6))
    assert doc["installments"][0]["status"] == "overdue"
    assert doc["installments"][0]["days_overdue"] == 7
    assert state(date(2027, 1, 7)) == "behind"
    # Second due 2027-01-29: two missed on 2027-02-06.
    assert state(date(2027, 2, 5)) == "behind"
    assert state(date(2027, 2, 6)) == "broken"
    plans.record_payment(
        db, "P-0001", amount=Money.kronor(3_000), paid_on=date(2027, 2, 10), as_of=date(2027, 2, 10)
    )
    assert state(date(2027, 2, 10)) == "on_track"
    # A payment dated later does not count on an earlier day.
    assert state(date(2027, 2, 9)) == "broken"


def test_policy_changes_the_thresholds(db: Database, case: str) -> None:
    plans.create_plan(db, case, _example(), as_of=CREATED)
    strict = Policy(plan_behind_days=0, plan_broken_after_missed=1)
    lenient = Policy(plan_behind_days=30, plan_broken_after_missed=3)
    day = date(2026, 12, 31)
    assert plans.show_plan(db, "P-0001", as_of=day, policy=strict)["state"] == "broken"
    assert (
        plans.show_plan(db, "P-0001", as_of=date(2027, 2, 10), policy=lenient)["state"] == "behind"
    )


def test_check_reports_changes_once_and_logs_them(db: Database, case: str) -> None:
    plans.create_plan(db, case, _example(), as_of=CREATED)
    assert plans.check_plans(db, as_of=date(2026, 12, 30)) == []
    [changed] = plans.check_plans(db, as_of=date(2027, 1, 7))
    assert (changed["ref"], changed["previous_state"], changed["state"]) == (
        "P-0001",
        "on_track",
        "behind",
    )
    assert changed["missed"] == 1 and changed["overdue_ore"] == 150_000
    assert plans.check_plans(db, as_of=date(2027, 1, 8)) == []
    [changed] = plans.check_plans(db, as_of=date(2027, 2, 6))
    assert changed["state"] == "broken"
    plans.record_payment(
        db, "P-0001", amount=Money.kronor(3_000), paid_on=date(2027, 2, 10), as_of=date(2027, 2, 10)
    )
    [changed] = plans.check_plans(db, as_of=date(2027, 2, 10))
    assert (changed["previous_state"], changed["state"]) == ("broken", "on_track")
    lines = _plan_contacts(db, case)
    assert any("is behind" in line for line in lines)
    assert any("is broken" in line for line in lines)
    assert any("on track again" in line for line in lines)


def test_check_reports_completed_and_cancelled_once(db: Database, case: str) -> None:
    plans.create_plan(db, case, _example(), as_of=CREATED)
    day = date(2026, 12, 1)
    plans.record_payment(db, "P-0001", amount=Money.kronor(14_900), paid_on=day, as_of=day)
    [changed] = plans.check_plans(db, as_of=day)
    assert changed["state"] == "completed"
    assert plans.check_plans(db, as_of=day) == []
    logged = len(_plan_contacts(db, case))

    plans.create_plan(db, case, _example(), as_of=day)
    plans.cancel_plan(db, "P-0002", cancelled_on=day, as_of=day)
    [changed] = plans.check_plans(db, as_of=day)
    assert (changed["ref"], changed["state"]) == ("P-0002", "cancelled")
    # agreed + cancelled; the check itself logs nothing for a cancellation
    assert len(_plan_contacts(db, case)) == logged + 2


def test_cancel(db: Database, case: str) -> None:
    plans.create_plan(db, case, _example(), as_of=CREATED)
    day = date(2027, 1, 15)
    plans.record_payment(db, "P-0001", amount=Money.kronor(1_500), paid_on=day, as_of=day)
    result = plans.cancel_plan(db, "P-0001", cancelled_on=day, as_of=day, note="Moved out")
    assert result["unpaid_ore"] == 1_340_000
    doc = plans.show_plan(db, "P-0001", as_of=day)
    assert doc["status"] == "cancelled" and doc["state"] == "cancelled"
    assert doc["cancelled_on"] == "2027-01-15"
    # Nothing falls due in a cancelled plan.
    later = plans.show_plan(db, "P-0001", as_of=date(2027, 6, 1))
    assert (later["overdue_ore"], later["missed"], later["next_due_on"]) == (0, 0, None)
    assert {i["status"] for i in later["installments"]} == {"paid", "unpaid"}
    # Before the cancellation, the plan was running.
    assert plans.show_plan(db, "P-0001", as_of=date(2027, 1, 1))["state"] == "on_track"
    assert any("cancelled" in line and "Moved out" in line for line in _plan_contacts(db, case))
    before = _dump(db)
    with pytest.raises(Conflict, match="cancelled"):
        plans.record_payment(db, "P-0001", amount=Money(100), paid_on=day, as_of=day)
    with pytest.raises(Conflict):
        plans.cancel_plan(db, "P-0001", cancelled_on=day, as_of=day)
    assert _dump(db) == before


def test_cancel_dates(db: Database, case: str) -> None:
    plans.create_plan(db, case, _example(), as_of=CREATED)
    with pytest.raises(InvalidInput, match="future"):
        plans.cancel_plan(db, "P-0001", cancelled_on=date(2027, 1, 2), as_of=date(2027, 1, 1))
    with pytest.raises(InvalidInput, match="before the plan"):
        plans.cancel_plan(db, "P-0001", cancelled_on=date(2026, 11, 1), as_of=date(2027, 1, 1))


def test_replaces_carries_the_unpaid_remainder(db: Database, case: str) -> None:
    plans.create_plan(db, case, _example(), as_of=CREATED)
    day = date(2027, 3, 2)
    plans.record_payment(db, "P-0001", amount=Money.kronor(3_000), paid_on=day, as_of=day)
    doc = plans.create_plan(
        db,
        case,
        NewPlan(installment=Money.kronor(800), replaces="p-0001", start=date(2027, 4, 1)),
        as_of=day,
    )
    assert doc["ref"] == "P-0002"
    assert doc["debt_ore"] == 1_190_000
    assert doc["replaces"] == "P-0001"
    assert sum(i["amount_ore"] for i in doc["installments"]) == 1_190_000
    old = plans.show_plan(db, "P-0001", as_of=day)
    assert old["status"] == "replaced" and old["state"] == "replaced"
    assert old["replaced_by"] == "P-0002"
    assert old["cancelled_on"] == "2027-03-02"
    line = _plan_contacts(db, case)[0]
    assert "P-0002" in line and "replaces P-0001" in line
    with pytest.raises(Conflict, match="replaced"):
        plans.record_payment(db, "P-0001", amount=Money(100), paid_on=day, as_of=day)
    with pytest.raises(Conflict, match="cannot be replaced"):
        plans.create_plan(db, case, NewPlan(months=3, replaces="P-0001"), as_of=day)


def test_replaces_with_a_new_debt(db: Database, case: str) -> None:
    plans.create_plan(db, case, _example(), as_of=CREATED)
    doc = plans.create_plan(
        db,
        case,
        NewPlan(debt=Money.kronor(20_000), months=10, replaces="P-0001"),
        as_of=date(2027, 1, 10),
    )
    assert doc["debt_ore"] == 2_000_000
    assert doc["start_month"] == "2027-02"


def test_replaces_must_be_the_same_household(db: Database, case: str) -> None:
    plans.create_plan(db, case, _example(), as_of=CREATED)
    other = _household(db, name="Bo")
    before = _dump(db)
    with pytest.raises(InvalidInput, match=case):
        plans.create_plan(db, other, NewPlan(months=5, replaces="P-0001"), as_of=CREATED)
    with pytest.raises(NotFound):
        plans.create_plan(db, other, NewPlan(months=5, replaces="P-0042"), as_of=CREATED)
    assert _dump(db) == before


def test_list_filters(db: Database, case: str) -> None:
    plans.create_plan(db, case, _example(), as_of=CREATED)
    from bostadcli.households import edit_household

    other = _household(db, name="Bo")
    edit_household(db, other, changes={"landlord": "Privatvärden AB"})
    plans.create_plan(db, other, _example(start=date(2027, 3, 1)), as_of=CREATED)
    day = date(2027, 1, 10)

    all_active = plans.list_plans(db, as_of=day)
    # Behind first.
    assert [(p["ref"], p["state"]) for p in all_active] == [
        ("P-0001", "behind"),
        ("P-0002", "on_track"),
    ]
    assert [p["ref"] for p in plans.list_plans(db, as_of=day, state="on_track")] == ["P-0002"]
    assert [p["ref"] for p in plans.list_plans(db, as_of=day, landlord="privatvärden ab")] == [
        "P-0002"
    ]
    assert [p["ref"] for p in plans.list_plans(db, as_of=day, household=case)] == ["P-0001"]
    plans.cancel_plan(db, "P-0001", cancelled_on=day, as_of=day)
    assert [p["ref"] for p in plans.list_plans(db, as_of=day)] == ["P-0002"]
    assert [p["ref"] for p in plans.list_plans(db, as_of=day, include_finished=True)] == [
        "P-0002",
        "P-0001",
    ]
    assert [p["ref"] for p in plans.list_plans(db, as_of=day, state="cancelled")] == ["P-0001"]
    with pytest.raises(InvalidInput):
        plans.list_plans(db, as_of=day, state="late")
    with pytest.raises(NotFound):
        plans.list_plans(db, as_of=day, landlord="Nobody")


def test_household_show_includes_plans(db: Database, case: str) -> None:
    plans.create_plan(db, case, _example(), as_of=CREATED)
    shown = show_household(db, case, as_of=date(2027, 1, 10))
    [plan] = shown["plans"]
    assert plan["ref"] == "P-0001"
    assert plan["state"] == "behind"
    assert plan["debt_ore"] == 1_490_000
    assert plan["remaining_ore"] == 1_490_000
    lenient = show_household(db, case, as_of=date(2027, 1, 10), policy=Policy(plan_behind_days=30))
    assert lenient["plans"][0]["state"] == "on_track"


def test_deleting_a_household_removes_its_plans(db: Database, case: str) -> None:
    plans.create_plan(db, case, _example(), as_of=CREATED)
    day = date(2027, 1, 10)
    plans.record_payment(db, "P-0001", amount=Money.kronor(500), paid_on=day, as_of=day)
    plans.create_plan(db, case, NewPlan(months=4, replaces="P-0001"), as_of=day)
    db.execute("DELETE FROM households WHERE ref = ?", [case])
    for table in ("plans", "installments", "payments"):
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_migration_upgrades_a_foundation_database(tmp_path: Path) -> None:
    from bostadcli.migrations import migrations

    path = tmp_path / "old.sqlite"
    old = open_database(path, create=True, migrate=False)
    migrations.apply(old, stop_before="0002_plans")
    assert "plans" not in old.table_names()
    ref = _setup(old)
    old.close()
    db = open_database(path)
    assert {"plans", "installments", "payments"} <= set(db.table_names())
    assert plans.create_plan(db, ref, _example(), as_of=CREATED)["ref"] == "P-0001"
    strict = {
        row[0]
        for row in db.execute("SELECT name FROM pragma_table_list WHERE strict = 1").fetchall()
    }
    assert {"plans", "installments", "payments"} <= strict
