"""``plans.plans_overdue`` (the deadline screen's plans) lists exactly the active plans
``list_plans`` shows with something overdue, day by day."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from bostadcli import plans
from bostadcli.db import open_database
from bostadcli.households import NewHousehold, add_household
from bostadcli.landlords import add_landlord
from bostadcli.money import Money
from bostadcli.plans import NewPlan

CREATED = date(2026, 11, 20)


def test_the_overdue_plans_are_list_plans_with_an_overdue_amount(tmp_path: Path) -> None:
    db = open_database(tmp_path / "t.sqlite", create=True)
    add_landlord(db, name="Alingsåshem", kind="municipal")
    cases: list[tuple[int, int, list[int]]] = [
        (14_900, 1_500, []),
        (9_000, 1_000, [2_000]),
        (6_000, 3_000, [1, 2_999]),
        (800, 800, []),
        (12_000, 500, [500, 500, 10_000]),
    ]
    refs = []
    for n, (debt, installment, paid) in enumerate(cases):
        ref = add_household(
            db, NewHousehold(tenant_name=f"Anna {n}", landlord="Alingsåshem"), as_of=CREATED
        )
        plan = plans.create_plan(
            db,
            ref,
            NewPlan(
                debt=Money.kronor(debt),
                installment=Money.kronor(installment),
                start=date(2027, 1, 1),
            ),
            as_of=CREATED,
        )
        refs.append(plan["ref"])
        for k, amount in enumerate(paid):
            day = date(2027, 1, 15) + timedelta(days=31 * k)
            plans.record_payment(
                db, plan["ref"], amount=Money.kronor(amount), paid_on=day, as_of=day
            )
    day = date(2026, 12, 1)
    sizes = set()
    while day < date(2029, 1, 1):
        expected = [p for p in plans.list_plans(db, as_of=day) if p["overdue_ore"]]
        found = plans.plans_overdue(db, as_of=day)
        assert [p["ref"] for p in found] == [p["ref"] for p in expected], day
        assert found == expected
        sizes.add(len(found))
        day += timedelta(days=9)
    assert len(sizes) > 2, sizes
    db.close()
