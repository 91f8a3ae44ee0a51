"""Each rule stated once, in Python and as one SQL fragment: the two forms agree.

For every rule with both forms (who the tenant is, when a consent is valid, when a
support runs, what is paid on an installment) rows are generated into a database built
by the migrations, then the SQL fragment and the Python are asked about the same rows on
the same days, with the edges drawn often: the same day, the day before and after,
missing dates, voided rows.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bostadcli.consents import VALID_DATES, VALID_ON, consent_valid, consent_valid_sql, valid_dates
from bostadcli.db import open_database, rows
from bostadcli.households import (
    TENANT_JOIN,
    NewHousehold,
    add_household,
    household_id,
    tenant_of,
    tenant_sql,
)
from bostadcli.landlords import add_landlord
from bostadcli.plans import (
    installment_paid_sql,
    installment_status,
    paid_by,
    plan_closed,
    plan_paid_sql,
)
from bostadcli.repayment_schedule import allocate
from bostadcli.supports import (
    EFFECTIVE_END,
    STAY_LEFT_ON,
    STAY_NIGHTS,
    effective_end,
    ending_between,
    ending_between_sql,
    in_force_between,
    in_force_between_sql,
    stay_left_on,
    stay_nights,
    support_status,
    support_status_sql,
)
from bostadcli.vocab import InstallmentStatus, Role

BASE = date(2026, 3, 1)
NOW = "2026-01-01T00:00:00Z"
# Days a few apart, so that equal dates, neighbours and gaps all come up often.
offsets = st.integers(min_value=-3, max_value=6)
maybe_offset = st.one_of(st.none(), offsets)


def day(offset: int | None) -> str | None:
    return None if offset is None else (BASE + timedelta(days=offset)).isoformat()


def on_day(offset: int) -> date:
    return BASE + timedelta(days=offset)


def new_db() -> Any:
    return open_database(":memory:")


def new_household(db: Any, *, landlord: str | None = None) -> int:
    ref = add_household(db, NewHousehold("A", landlord=landlord), as_of=BASE)
    return household_id(db, ref)


# --- Who the tenant is (households.tenant_of / tenant_sql) ------------------------------

member = st.tuples(st.sampled_from([r.value for r in Role]), st.booleans())


@settings(max_examples=60, deadline=None)
@given(households=st.lists(st.lists(member, max_size=5), min_size=1, max_size=4))
def test_tenant_sql_agrees_with_tenant_of(households: list[list[tuple[str, bool]]]) -> None:
    # Any mix of roles: no tenant, several tenants, a child first, no members at all; and
    # a voided household, which still has a tenant (voiding hides it from listings).
    db = new_db()
    ids = []
    for i, people in enumerate(households):
        hid = new_household(db)
        db.execute("DELETE FROM members WHERE household_id = ?", [hid])
        for role, named in people:
            db.execute(
                "INSERT INTO members (household_id, name, birth_date, role, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [hid, "N" if named or role != "child" else None, "2010-01-01", role, NOW],
            )
        if i % 2:
            db.execute("UPDATE households SET voided_at = ? WHERE id = ?", [NOW, hid])
        ids.append(hid)
    by_sql = {
        r["id"]: (r["tenant_id"], r["tenant_name"], r["joined"])
        for r in rows(
            db,
            f"SELECT h.id, {tenant_sql()} AS tenant_id, {tenant_sql('name')} AS tenant_name,"
            f" t.id AS joined FROM households h {TENANT_JOIN}",
        )
    }
    for hid in ids:
        members = rows(db, "SELECT * FROM members WHERE household_id = ? ORDER BY role DESC", [hid])
        tenant = tenant_of(members)
        expected = (
            (None, None, None) if tenant is None else (tenant["id"], tenant["name"], tenant["id"])
        )
        assert by_sql[hid] == expected


# --- When a consent is valid (consents.consent_valid / consent_valid_sql) ----------------

consent = st.fixed_dictionaries(
    {
        "given": offsets,
        "lasts": st.one_of(st.none(), st.integers(0, 4)),
        "revoked_after": st.one_of(st.none(), st.integers(0, 4)),
        "landlord": st.sampled_from([None, 0, 1]),
    }
)


@settings(max_examples=50, deadline=None)
@given(
    consents=st.lists(consent, min_size=1, max_size=6),
    household_landlord=st.sampled_from([None, 0, 1]),
    on=offsets,
)
def test_consent_sql_agrees_with_python(
    consents: list[dict[str, Any]], household_landlord: int | None, on: int
) -> None:
    db = new_db()
    landlords = [add_landlord(db, name=n)["id"] for n in ("Hem AB", "Bo AB")]
    hid = new_household(db)
    own = None if household_landlord is None else landlords[household_landlord]
    db.execute("UPDATE households SET landlord_id = ? WHERE id = ?", [own, hid])
    for c in consents:
        given_on = on_day(c["given"])
        db.execute(
            "INSERT INTO consents (household_id, recipient, given_on, expires_on, revoked_on,"
            " landlord_id, recorded_on, created_at) VALUES (?, 'landlord', ?, ?, ?, ?, ?, ?)",
            [
                hid,
                given_on.isoformat(),
                None if c["lasts"] is None else (given_on + timedelta(c["lasts"])).isoformat(),
                None
                if c["revoked_after"] is None
                else (given_on + timedelta(c["revoked_after"])).isoformat(),
                None if c["landlord"] is None else landlords[c["landlord"]],
                given_on.isoformat(),
                NOW,
            ],
        )
    when = on_day(on)
    found = rows(
        db,
        f"SELECT c.*, ({VALID_ON}) AS valid, ({VALID_DATES}) AS by_dates,"
        f" ({consent_valid_sql(':as_of', landlord=False)}) AS export_form"
        " FROM consents c ORDER BY c.id",
        {"on": when.isoformat(), "as_of": when.isoformat()},
    )
    for row in found:
        assert bool(row["valid"]) == consent_valid(row, when, household_landlord=own)
        assert bool(row["by_dates"]) == valid_dates(row, when)
        assert bool(row["export_form"]) == valid_dates(row, when)


def test_consent_edges_by_the_day() -> None:
    row = {"given_on": "2026-03-01", "expires_on": "2026-03-10", "revoked_on": "2026-03-05"}
    assert not valid_dates(row, date(2026, 2, 28))  # the day before it was given
    assert valid_dates(row, date(2026, 3, 1))  # the day it was given
    assert valid_dates(row, date(2026, 3, 4))  # the day before it was revoked
    assert not valid_dates(row, date(2026, 3, 5))  # the day it was revoked
    unrevoked = row | {"revoked_on": None}
    assert valid_dates(unrevoked, date(2026, 3, 10))  # its last day
    assert not valid_dates(unrevoked, date(2026, 3, 11))  # the day after
    assert valid_dates(unrevoked | {"expires_on": None}, date(2099, 1, 1))
    named = unrevoked | {"landlord_id": 7}
    assert consent_valid(named, date(2026, 3, 2), household_landlord=7)
    assert not consent_valid(named, date(2026, 3, 2), household_landlord=8)
    assert not consent_valid(named, date(2026, 3, 2), household_landlord=None)
    assert consent_valid(named | {"landlord_id": None}, date(2026, 3, 2), household_landlord=None)


# --- When a support runs (supports.effective_end, support_status, ...) -------------------

support = st.fixed_dictionaries(
    {
        "start": offsets,
        "end_after": st.one_of(st.none(), st.integers(0, 5)),
        "ended_after": st.one_of(st.none(), st.integers(0, 5)),
        # Withdrawn (called off before it began) this many days before its start.
        "withdrawn_before": st.one_of(st.none(), st.none(), st.integers(1, 3)),
        "nights_from": maybe_offset,
        "stay": st.one_of(st.none(), st.integers(0, 4)),
        "voided": st.booleans(),
    }
)


@settings(max_examples=50, deadline=None)
@given(
    supports=st.lists(support, min_size=1, max_size=6),
    on=offsets,
    first=offsets,
    length=st.integers(0, 4),
)
def test_support_sql_agrees_with_python(
    supports: list[dict[str, Any]], on: int, first: int, length: int
) -> None:
    db = new_db()
    live, voided = new_household(db), new_household(db)
    db.execute("UPDATE households SET voided_at = ? WHERE id = ?", [NOW, voided])
    for s in supports:
        start = on_day(s["start"])
        nights_from = day(s["nights_from"])
        nights_to = (
            None
            if nights_from is None or s["stay"] is None
            else (date.fromisoformat(nights_from) + timedelta(s["stay"])).isoformat()
        )
        db.execute(
            "INSERT INTO supports (household_id, kind, start_on, end_on, ended_on, withdrawn_on,"
            " nights_from, nights_to, created_at, updated_at)"
            " VALUES (?, 'housing_support', ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                voided if s["voided"] else live,
                start.isoformat(),
                None if s["end_after"] is None else (start + timedelta(s["end_after"])).isoformat(),
                None
                if s["ended_after"] is None
                else (start + timedelta(s["ended_after"])).isoformat(),
                None
                if s["withdrawn_before"] is None
                else (start - timedelta(s["withdrawn_before"])).isoformat(),
                nights_from,
                nights_to,
                NOW,
                NOW,
            ],
        )
    when, frm = on_day(on), on_day(first)
    to = frm + timedelta(length)
    found = rows(
        db,
        f"""
        SELECT s.*, {EFFECTIVE_END} AS effective_end, {support_status_sql()} AS status,
            ({in_force_between_sql()}) AS in_force, ({ending_between_sql()}) AS ending,
            {STAY_LEFT_ON} AS left_on, {STAY_NIGHTS} AS nights
        FROM supports s ORDER BY s.id
        """,
        {"as_of": when.isoformat(), "start": frm.isoformat(), "end": to.isoformat()}
        | {"from": frm.isoformat(), "to": to.isoformat()},
    )
    assert len(found) == len(supports)
    for row in found:
        withdrawn = row["withdrawn_on"]
        end = effective_end(row["end_on"], row["ended_on"], withdrawn_on=withdrawn)
        assert row["effective_end"] == end
        assert row["status"] == support_status(row["start_on"], end, when, withdrawn_on=withdrawn)
        assert bool(row["in_force"]) == in_force_between(
            row["start_on"], end, frm, to, withdrawn_on=withdrawn
        )
        assert bool(row["ending"]) == ending_between(
            row["end_on"], row["ended_on"], frm, to, withdrawn_on=withdrawn
        )
        assert row["left_on"] == stay_left_on(row["nights_to"], row["ended_on"])
        if row["nights_from"] and row["left_on"]:
            nights = stay_nights(
                date.fromisoformat(row["nights_from"]), date.fromisoformat(row["left_on"])
            )
            assert row["nights"] == nights
        else:
            assert row["nights"] is None
        # Active on a day is in force from that day to that day.
        assert (row["status"] == "active") == in_force_between(
            row["start_on"], end, when, when, withdrawn_on=withdrawn
        )
        # A withdrawn support is never in force, nor ending.
        if withdrawn is not None:
            assert not row["in_force"] and not row["ending"]
            assert row["status"] == ("withdrawn" if withdrawn <= when.isoformat() else "planned")
    # live_supports leaves the voided household's supports out, whatever the fragments say.
    live_count = rows(db, "SELECT count(*) AS n FROM live_supports")[0]["n"]
    assert live_count == sum(not s["voided"] for s in supports)


def test_support_edges_by_the_day() -> None:
    assert effective_end(None, None) is None
    assert effective_end("2026-03-10", None) == "2026-03-10"
    assert effective_end(None, "2026-03-05") == "2026-03-05"
    assert effective_end("2026-03-10", "2026-03-12") == "2026-03-10"
    start, end = "2026-03-01", "2026-03-10"
    assert support_status(start, end, date(2026, 2, 28)) == "planned"
    assert support_status(start, end, date(2026, 3, 1)) == "active"
    assert support_status(start, end, date(2026, 3, 10)) == "active"  # its last day
    assert support_status(start, end, date(2026, 3, 11)) == "ended"
    assert support_status(start, None, date(2099, 1, 1)) == "active"
    assert ending_between("2026-03-10", None, date(2026, 3, 10), date(2026, 3, 10))
    assert not ending_between("2026-03-10", "2026-03-10", date(2026, 3, 1))  # ended already
    assert not ending_between("2026-03-10", None, date(2026, 3, 11))
    assert stay_left_on("2026-03-08", "2026-03-06") == "2026-03-06"
    assert stay_left_on("2026-03-08", "2026-03-08") == "2026-03-08"


# --- What is paid on an installment (plans.paid_by, installment_paid_sql, ...) -----------

payment = st.tuples(offsets, st.integers(1, 900), st.integers(0, 100), st.booleans())


@settings(max_examples=50, deadline=None)
@given(
    amounts=st.lists(st.integers(1, 500), min_size=1, max_size=5),
    payments=st.lists(payment, max_size=6),
    cancelled=maybe_offset,
    on=offsets,
)
def test_installment_paid_sql_agrees_with_python(
    amounts: list[int],
    payments: list[tuple[int, int, int, bool]],
    cancelled: int | None,
    on: int,
) -> None:
    db = new_db()
    landlord = add_landlord(db, name="Hem AB")["id"]
    hid = new_household(db)
    status = "active" if cancelled is None else "cancelled"
    plan_id = db.execute(
        "INSERT INTO plans (ref, household_id, landlord_id, debt_ore, installment_ore, months,"
        " start_month, due_rule, status, checked_state, checked_on, created_on, cancelled_on,"
        " created_at, updated_at)"
        " VALUES ('P-0001', ?, ?, ?, ?, ?, '2026-03', 'last_working_day', ?, 'on_track', ?, ?,"
        " ?, ?, ?)",
        [
            hid,
            landlord,
            sum(amounts),
            amounts[0],
            len(amounts),
            status,
            BASE.isoformat(),
            BASE.isoformat(),
            day(cancelled),
            NOW,
            NOW,
        ],
    ).lastrowid
    for seq, amount in enumerate(amounts, start=1):
        # Due every other day from BASE - 2: some before, on and after the day asked about.
        due = (BASE + timedelta(days=2 * seq - 4)).isoformat()
        db.execute(
            "INSERT INTO installments (plan_id, seq, month, due_on, amount_ore)"
            " VALUES (?, ?, ?, ?, ?)",
            [plan_id, seq, f"{2025 + seq // 12:04d}-{seq % 12 + 1:02d}", due, amount],
        )
    for paid_on, amount, applied_percent, void in payments:
        db.execute(
            "INSERT INTO payments (plan_id, paid_on, amount_ore, applied_ore, voided_at,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                plan_id,
                day(paid_on),
                amount,
                amount * applied_percent // 100,
                NOW if void else None,
                NOW,
            ],
        )
    when = on_day(on)
    params = {"as_of": when.isoformat()}
    live = rows(db, "SELECT * FROM live_payments ORDER BY id")
    paid = paid_by(live, when)
    assert paid == sum(
        a * p // 100 for d, a, p, void in payments if not void and day(d) <= when.isoformat()
    )
    [plan] = rows(db, f"SELECT p.*, {plan_paid_sql()} AS paid FROM plans p", params)
    assert plan["paid"] == paid
    items = rows(
        db,
        f"SELECT i.*, {installment_paid_sql()} AS share,"
        f" {installment_paid_sql(plan='p.id')} AS joined_share"
        " FROM installments i JOIN plans p ON p.id = i.plan_id ORDER BY i.seq",
        params,
    )
    shares = allocate([i["amount_ore"] for i in items], paid)
    assert [i["share"] for i in items] == shares
    assert [i["joined_share"] for i in items] == shares
    closed = plan_closed(plan["cancelled_on"], when)
    for item, share in zip(items, shares, strict=True):
        state, days = installment_status(
            item["amount_ore"], share, item["due_on"], on=when, closed=closed
        )
        if share >= item["amount_ore"]:
            assert (state, days) == (InstallmentStatus.paid, None)
        elif item["due_on"] < when.isoformat() and not closed:
            assert state is InstallmentStatus.overdue
            assert days == (when - date.fromisoformat(item["due_on"])).days > 0
        else:
            assert (state, days) == (InstallmentStatus.unpaid, None)


def test_installment_edges_by_the_day() -> None:
    due = "2026-03-10"
    assert installment_status(100, 0, due, on=date(2026, 3, 10), closed=False) == (
        InstallmentStatus.unpaid,
        None,
    )  # due today: not yet overdue
    assert installment_status(100, 99, due, on=date(2026, 3, 11), closed=False) == (
        InstallmentStatus.overdue,
        1,
    )
    assert installment_status(100, 100, due, on=date(2026, 3, 11), closed=False) == (
        InstallmentStatus.paid,
        None,
    )
    assert installment_status(100, 0, due, on=date(2026, 3, 11), closed=True) == (
        InstallmentStatus.unpaid,
        None,
    )
    assert not plan_closed(None, date(2026, 3, 11))
    assert not plan_closed("2026-03-12", date(2026, 3, 11))  # closed the day after
    assert plan_closed("2026-03-11", date(2026, 3, 11))  # closed that day
    payments = [
        {"paid_on": "2026-03-10", "applied_ore": 5},
        {"paid_on": "2026-03-11", "applied_ore": 7},
    ]
    assert paid_by(payments, date(2026, 3, 9)) == 0
    assert paid_by(payments, date(2026, 3, 10)) == 5
    assert paid_by(payments, date(2026, 3, 11)) == 12
