"""The list of cases, most urgent first, and one case shown in full."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from bostadcli import rules, validate
from bostadcli.dates import age_on
from bostadcli.db import one, rows
from bostadcli.errors import InvalidInput
from bostadcli.households.case import HOUSEHOLD_FIGURES, TENANT_JOIN, figure_params, household_id
from bostadcli.i18n import _
from bostadcli.landlords import get_landlord
from bostadcli.pnr import IdentityNumber
from bostadcli.vocab import CaseStatus, Reason

if TYPE_CHECKING:
    import sqlite3

    from sqlite_utils import Database

    from bostadcli.config import Policy


_LIST_SQL = f"""
SELECT h.id, h.ref, h.status, h.opened_on, h.closed_on, h.outcome,
    t.name AS tenant, t.pnr AS tenant_pnr,
    h.street, h.postal_code, h.city, h.landlord_id, l.name AS landlord, h.contract_number,
    h.rent_ore, h.arrears_ore, h.source, h.housing_situation, h.caseworker, h.caseworker_id,
    {HOUSEHOLD_FIGURES}
FROM live_households h LEFT JOIN landlords l ON l.id = h.landlord_id
{TENANT_JOIN}
"""


def list_households(
    db: Database,
    *,
    as_of: date,
    status: str | None = CaseStatus.open.value,
    landlord: str | None = None,
    with_children: bool | None = None,
    reason: str | None = None,
    within_days: int | None = None,
    caseworker: str | None = None,
    include_pnr: bool = False,
) -> list[dict[str, Any]]:
    """Households, most urgent first: nearest deadline, then families with children."""
    return list(
        iter_households(
            db,
            as_of=as_of,
            status=status,
            landlord=landlord,
            with_children=with_children,
            reason=reason,
            within_days=within_days,
            caseworker=caseworker,
            include_pnr=include_pnr,
        )
    )


def iter_households(
    db: Database,
    *,
    as_of: date,
    status: str | None = CaseStatus.open.value,
    landlord: str | None = None,
    with_children: bool | None = None,
    reason: str | None = None,
    within_days: int | None = None,
    caseworker: str | None = None,
    include_pnr: bool = False,
) -> Iterator[dict[str, Any]]:
    """The rows of ``list_households``, one at a time from the cursor, in the order SQL
    sorts them: a listing of any size in constant memory.

    The filters are checked, and a listing with personnummer logged as a disclosure of
    every case it lists, when this is called; only the reading is lazy."""
    where, params = _list_filters(
        db,
        as_of=as_of,
        status=status,
        landlord=landlord,
        with_children=with_children,
        reason=reason,
        within_days=within_days,
        caseworker=caseworker,
    )
    sql = f"SELECT * FROM ({_LIST_SQL}) AS x"
    if where:
        sql += " WHERE " + " AND ".join(where)
    if include_pnr:
        # Logged before a row is shown, for every case listed.
        found = db.execute(f"SELECT id FROM ({sql})", params).fetchall()
        _disclosed(db, "household list", [row[0] for row in found])
    sql += (
        " ORDER BY next_deadline IS NULL, next_deadline,"
        " (children + children_part_time) = 0, opened_on, ref"
    )
    cursor = db.execute(sql, params)
    return _decorated(cursor, as_of=as_of, include_pnr=include_pnr)


def _decorated(
    cursor: sqlite3.Cursor, *, as_of: date, include_pnr: bool
) -> Iterator[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    try:
        for values in cursor:
            row = dict(zip(names, values, strict=True))
            _decorate(row, as_of=as_of, include_pnr=include_pnr)
            yield row
    finally:
        cursor.close()


def _list_filters(
    db: Database,
    *,
    as_of: date,
    status: str | None,
    landlord: str | None,
    with_children: bool | None,
    reason: str | None,
    within_days: int | None,
    caseworker: str | None,
) -> tuple[list[str], dict[str, Any]]:
    """The WHERE conditions of the listing and the query's parameters."""
    where: list[str] = []
    params: dict[str, Any] = figure_params(as_of)
    if status:
        params["status"] = validate.choice(CaseStatus, status, field="status").value
        where.append("status = :status")
    if landlord:
        params["landlord_id"] = get_landlord(db, landlord)["id"]
        where.append("landlord_id = :landlord_id")
    if reason:
        params["reason"] = validate.choice(Reason, reason, field="reason").value
        where.append("(',' || reasons || ',') LIKE '%,' || :reason || ',%'")
    if caseworker:
        from bostadcli.caseworkers import find_caseworker

        params["caseworker_id"] = find_caseworker(db, caseworker, field="caseworker")["id"]
        where.append("caseworker_id = :caseworker_id")
    if with_children is True:
        where.append("children + children_part_time > 0")
    elif with_children is False:
        where.append("children + children_part_time = 0")
    if within_days is not None:
        if within_days < 0:
            raise InvalidInput("within", str(within_days), _("cannot be negative"))
        validate.whole_number(within_days, field="within", low=0, high=rules.DEADLINE_VIEW_MAX_DAYS)
        params["limit_on"] = (as_of + timedelta(days=within_days)).isoformat()
        where.append("next_deadline IS NOT NULL AND next_deadline <= :limit_on")
    return where, params


def _disclosed(db: Database, what: str, ids: list[int]) -> None:
    """Full personnummer on the screen or in a pipe: a disclosure, logged per case."""
    from bostadcli.audit import record_disclosure

    record_disclosure(db, what=what, row_count=len(ids), include_pnr=True, household_ids=ids)


def _decorate(row: dict[str, Any], *, as_of: date, include_pnr: bool) -> None:
    row.pop("id", None)
    row.pop("landlord_id", None)
    row.pop("caseworker_id", None)
    # One row of a listing: a value written past the program's checks (an impossible
    # date or number) is shown as it is, never a listing that fails for every case.
    pnr = row.get("tenant_pnr")
    if pnr:
        try:
            number = IdentityNumber(pnr)
            row["tenant_pnr"] = number.formatted() if include_pnr else number.masked()
        except (ValueError, TypeError):
            row["tenant_pnr"] = "?"
    row["reasons"] = row["reasons"].split(",") if row.get("reasons") else []
    deadline = row.get("next_deadline")
    try:
        row["days_left"] = (date.fromisoformat(deadline) - as_of).days if deadline else None
    except (ValueError, TypeError):
        row["days_left"] = None


def show_household(
    db: Database,
    ref: str,
    *,
    as_of: date,
    include_pnr: bool = False,
    policy: Policy | None = None,
) -> dict[str, Any]:
    """Everything about one case: members with ages, landlord, notices, consent, contacts,
    repayment plans (their state judged by ``policy``, the defaults when None), supports
    (ended ones too) and letters."""
    from bostadcli import consents, contacts, letters, notices, plans, supports, undertakings

    hid = household_id(db, ref)
    found = rows(
        db,
        f"SELECT * FROM ({_LIST_SQL}) AS x WHERE id = :id",
        {"id": hid, **figure_params(as_of)},
    )
    case = found[0]
    if include_pnr:
        _disclosed(db, "household show", [hid])
    _decorate(case, as_of=as_of, include_pnr=include_pnr)
    detail = one(
        db,
        "SELECT note, letter_language, phone, email, care_of, care_of_street,"
        " care_of_postal_code, care_of_city, tenancy_type, housing_allowance_ore, created_at,"
        " updated_at FROM households WHERE id = ?",
        [hid],
    )
    assert detail is not None
    case.update(detail)
    landlord = one(
        db,
        "SELECT l.* FROM landlords l JOIN households h ON h.landlord_id = l.id WHERE h.id = ?",
        [hid],
    )
    if landlord is not None:
        landlord.pop("id")
    case["landlord_detail"] = landlord
    case["member_list"] = list_members(db, hid, as_of=as_of, include_pnr=include_pnr)
    case["notices"] = notices.list_notices(db, ref=ref, as_of=as_of)
    case["undertakings"] = undertakings.list_undertakings(db, ref=ref, as_of=as_of)
    case["consents"] = consents.list_consents(db, ref=ref, as_of=as_of)
    case["contacts"] = contacts.list_contacts(db, ref=ref)
    case["plans"] = plans.household_plans(db, hid, as_of=as_of, policy=policy)
    case["supports"] = supports.list_supports(db, ref=ref, as_of=as_of, include_ended=True)
    case["letters"] = letters.list_letters(db, ref=ref)
    return case


def list_members(
    db: Database, hid: int, *, as_of: date, include_pnr: bool = False
) -> list[dict[str, Any]]:
    members = rows(
        db,
        "SELECT id, name, pnr, birth_date, role, part_time, identity_level, partner_of_tenant"
        " FROM members "
        "WHERE household_id = ? ORDER BY role = 'child', birth_date IS NULL, birth_date, id",
        [hid],
    )
    for m in members:
        birth = date.fromisoformat(m["birth_date"]) if m["birth_date"] else None
        # Asked about a day before someone was born: no age, and not yet a child here.
        m["age"] = age_on(birth, as_of) if birth and birth <= as_of else None
        m["is_child"] = bool(birth and m["age"] is not None and m["age"] < rules.CHILD_AGE_LIMIT)
        m["part_time"] = bool(m["part_time"])
        m["partner_of_tenant"] = bool(m["partner_of_tenant"])
        if m["pnr"]:
            number = IdentityNumber(m["pnr"])
            m["pnr"] = number.formatted() if include_pnr else number.masked()
    return members
