"""Households at risk of eviction (and homeless people asking for a home): the case.

A household is named by its case reference ``YYYY-NNNN``, allocated inside the
transaction that creates it and never reused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from bostadcli import rules, validate
from bostadcli.dates import age_on, parse_date
from bostadcli.db import insert, insert_many, next_counter, now_utc, one, rows, transaction
from bostadcli.errors import Conflict, InvalidInput, NotFound
from bostadcli.i18n import _
from bostadcli.landlords import find_landlord, get_landlord
from bostadcli.money import Money
from bostadcli.pnr import IdentityNumber, parse_pnr
from bostadcli.vocab import (
    CaseStatus,
    HousingSituation,
    LetterLanguage,
    Outcome,
    Reason,
    Role,
    Source,
)

if TYPE_CHECKING:
    from sqlite_utils import Database

    from bostadcli.config import Policy


@dataclass(frozen=True)
class ChildSpec:
    birth_date: date
    name: str | None = None
    part_time: bool = False


def parse_child(text: str, *, part_time: bool = False, field: str = "child") -> ChildSpec:
    """``2015-03-02`` or ``2015-03-02 Alva Andersson``: birth date, then optionally a name."""
    parts = text.strip().split(maxsplit=1)
    try:
        birth = parse_date(parts[0] if parts else "", field=field)
    except InvalidInput as err:
        # Name the whole value the user typed, not the slice that failed.
        raise InvalidInput(field, text, err.reason) from None
    name = validate.clean_text(parts[1] if len(parts) > 1 else None, field=field)
    return ChildSpec(birth_date=birth, name=name, part_time=part_time)


@dataclass
class NewHousehold:
    tenant_name: str | None
    tenant_pnr: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    landlord: str | None = None
    contract_number: str | None = None
    rent: Money | None = None
    arrears: Money = field(default_factory=Money.zero)
    reasons: list[str] = field(default_factory=list)
    source: str = Source.landlord.value
    housing_situation: str = HousingSituation.tenancy_at_risk.value
    co_tenant_name: str | None = None
    co_tenant_pnr: str | None = None
    children: list[ChildSpec] = field(default_factory=list)
    caseworker: str | None = None
    note: str | None = None
    opened_on: date | None = None
    letter_language: str = LetterLanguage.sv.value


def household_id(db: Database, ref: str) -> int:
    ref = validate.case_ref(ref)
    found = one(db, "SELECT id FROM households WHERE ref = ?", [ref])
    if found is None:
        raise NotFound(_("no household {ref}").format(ref=ref))
    return int(found["id"])


def _member_record(
    *,
    household: int,
    name: str | None,
    pnr: IdentityNumber | None,
    birth_date: date | None,
    role: Role,
    part_time: bool,
    as_of: date,
) -> dict[str, Any]:
    if pnr is not None:
        if birth_date is not None and birth_date != pnr.birth_date:
            raise InvalidInput(
                "birth_date", birth_date.isoformat(), _("does not match the personnummer")
            )
        birth_date = pnr.birth_date
    if birth_date is not None and birth_date > as_of:
        raise InvalidInput("birth_date", birth_date.isoformat(), _("is in the future"))
    if role is Role.child and birth_date is None:
        raise InvalidInput("birth_date", "", _("a child needs a birth date"))
    if part_time and role is not Role.child:
        raise InvalidInput("part_time", role.value, _("only a child can live here part-time"))
    return {
        "household_id": household,
        "name": name,
        "pnr": pnr.digits if pnr else None,
        "birth_date": birth_date.isoformat() if birth_date else None,
        "role": role.value,
        "part_time": int(part_time),
        "created_at": now_utc(),
    }


def _reasons(values: list[str]) -> list[str]:
    return sorted({validate.choice(Reason, v, field="reason").value for v in values})


def allocate_ref(db: Database, opened_on: date) -> str:
    """The next case reference of the year the case opened, inside the caller's transaction."""
    number = next_counter(db, f"case:{opened_on.year}")
    return f"{opened_on.year}-{number:0{rules.CASE_NUMBER_DIGITS}d}"


def add_household(
    db: Database,
    new: NewHousehold,
    *,
    as_of: date,
    create_landlord: bool = False,
    default_caseworker: str | None = None,
) -> str:
    """Record a new case with its tenant, co-tenant and children. Returns the reference."""
    situation = validate.choice(HousingSituation, new.housing_situation, field="situation")
    source = validate.choice(Source, new.source, field="source")
    language = validate.choice(LetterLanguage, new.letter_language, field="letter_language")
    reasons = _reasons(new.reasons)
    opened_on = new.opened_on or as_of
    if opened_on > as_of:
        raise InvalidInput("opened", opened_on.isoformat(), _("is in the future"))
    tenant_name = validate.required_text(new.tenant_name, field="tenant")
    tenant_pnr = parse_pnr(new.tenant_pnr, as_of=as_of, field="pnr") if new.tenant_pnr else None
    co_name = validate.clean_text(new.co_tenant_name, field="co_tenant")
    co_pnr = (
        parse_pnr(new.co_tenant_pnr, as_of=as_of, field="co_tenant_pnr")
        if new.co_tenant_pnr
        else None
    )
    if co_pnr is not None and co_name is None:
        raise InvalidInput("co_tenant_pnr", co_pnr.masked(), _("give the co-tenant's name too"))
    if situation is HousingSituation.tenancy_at_risk and not reasons:
        reasons = [Reason.unpaid_rent.value] if new.arrears else []
    record: dict[str, Any] = {
        "status": CaseStatus.open.value,
        "opened_on": opened_on.isoformat(),
        "street": validate.clean_text(new.street, field="street"),
        "postal_code": validate.postal_code(new.postal_code),
        "city": validate.clean_text(new.city, field="city"),
        "contract_number": validate.clean_text(new.contract_number, field="contract"),
        "rent_ore": new.rent.ore if new.rent is not None else None,
        "arrears_ore": new.arrears.ore,
        "source": source.value,
        "housing_situation": situation.value,
        "caseworker": validate.clean_text(new.caseworker, field="caseworker")
        or (default_caseworker or None),
        "note": validate.clean_text(
            new.note, field="note", max_length=validate.TEXT_MAX, multiline=True
        ),
    }
    if language is not LetterLanguage.sv:
        # Swedish is the column's default (migration 0013_letter_language).
        record["letter_language"] = language.value
    if new.rent is not None and new.rent.ore < 0:
        raise InvalidInput("rent", str(new.rent), _("cannot be negative"))
    if new.arrears.ore < 0:
        raise InvalidInput("arrears", str(new.arrears), _("cannot be negative"))
    with transaction(db):
        if new.landlord:
            landlord = find_landlord(db, new.landlord)
            if landlord is None:
                if not create_landlord:
                    raise NotFound(
                        _(
                            "no landlord '{name}': add it with: bostad landlord add \"{name}\""
                            " (or use --create-landlord)"
                        ).format(name=new.landlord.strip())
                    )
                from bostadcli.landlords import add_landlord

                landlord = add_landlord(db, name=new.landlord)
            record["landlord_id"] = landlord["id"]
        ref = allocate_ref(db, opened_on)
        now = now_utc()
        record.update(ref=ref, created_at=now, updated_at=now)
        hid = insert(db, "households", record)
        insert_many(db, "household_reasons", [{"household_id": hid, "reason": r} for r in reasons])
        members = [
            _member_record(
                household=hid,
                name=tenant_name,
                pnr=tenant_pnr,
                birth_date=None,
                role=Role.tenant,
                part_time=False,
                as_of=as_of,
            )
        ]
        if co_name is not None:
            members.append(
                _member_record(
                    household=hid,
                    name=co_name,
                    pnr=co_pnr,
                    birth_date=None,
                    role=Role.co_tenant,
                    part_time=False,
                    as_of=as_of,
                )
            )
        for child in new.children:
            members.append(
                _member_record(
                    household=hid,
                    name=child.name,
                    pnr=None,
                    birth_date=child.birth_date,
                    role=Role.child,
                    part_time=child.part_time,
                    as_of=as_of,
                )
            )
        insert_many(db, "members", members)
    return ref


def add_member(
    db: Database,
    ref: str,
    *,
    name: str | None,
    pnr: str | None = None,
    birth_date: date | None = None,
    role: str = Role.adult.value,
    part_time: bool = False,
    as_of: date,
) -> int:
    """Add a person to a household; returns the member's id."""
    role_ = validate.choice(Role, role, field="role")
    clean_name = validate.clean_text(name, field="name")
    if clean_name is None and role_ is not Role.child:
        raise InvalidInput("name", name or "", _("must not be empty"))
    number = parse_pnr(pnr, as_of=as_of, field="pnr") if pnr else None
    with transaction(db):
        hid = household_id(db, ref)
        if number is not None and one(
            db, "SELECT 1 FROM members WHERE household_id = ? AND pnr = ?", [hid, number.digits]
        ):
            raise Conflict(
                _("{pnr} is already a member of {ref}").format(pnr=number.masked(), ref=ref)
            )
        record = _member_record(
            household=hid,
            name=clean_name,
            pnr=number,
            birth_date=birth_date,
            role=role_,
            part_time=part_time,
            as_of=as_of,
        )
        member_id = insert(db, "members", record)
        _touch(db, hid)
    return member_id


def remove_member(db: Database, ref: str, member_id: int) -> dict[str, Any]:
    validate.row_id(member_id, field="MEMBER")
    with transaction(db):
        hid = household_id(db, ref)
        member = one(
            db, "SELECT * FROM members WHERE id = ? AND household_id = ?", [member_id, hid]
        )
        if member is None:
            raise NotFound(_("no member {id} in {ref}").format(id=member_id, ref=ref))
        if member["role"] == Role.tenant.value:
            raise Conflict(_("the tenant cannot be removed; close the case instead"))
        db.table("members").delete(member_id)
        _touch(db, hid)
    return member


def _touch(db: Database, hid: int) -> None:
    db.execute("UPDATE households SET updated_at = ? WHERE id = ?", [now_utc(), hid])


def child_cutoff(as_of: date) -> str:
    """Members born after this date are children on ``as_of`` (under 18)."""
    from dateutil.relativedelta import relativedelta

    cutoff: date = as_of - relativedelta(years=rules.CHILD_AGE_LIMIT)
    return cutoff.isoformat()


def figure_params(as_of: date) -> dict[str, Any]:
    """The parameters of ``HOUSEHOLD_FIGURES`` for a day."""
    return {
        "as_of": as_of.isoformat(),
        "cutoff": child_cutoff(as_of),
        "window": (as_of - timedelta(days=rules.DEADLINE_OVERDUE_VISIBLE_DAYS)).isoformat(),
    }


# What every listing of households shows about each one, computed in one place (the list,
# `household show` and the households export), with the parameters of ``figure_params``:
# children are members under 18 on :as_of (born after :cutoff, and born by then), the next
# deadline is the first one not passed more than DEADLINE_OVERDUE_VISIBLE_DAYS ago.
HOUSEHOLD_FIGURES = """
    (SELECT group_concat(reason, ',') FROM (SELECT r.reason FROM household_reasons r
     WHERE r.household_id = h.id ORDER BY r.reason)) AS reasons,
    (SELECT count(*) FROM members m WHERE m.household_id = h.id) AS members,
    (SELECT count(*) FROM members m WHERE m.household_id = h.id
     AND m.birth_date > :cutoff AND m.birth_date <= :as_of AND m.part_time = 0) AS children,
    (SELECT count(*) FROM members m WHERE m.household_id = h.id
     AND m.birth_date > :cutoff AND m.birth_date <= :as_of AND m.part_time = 1)
        AS children_part_time,
    (SELECT d.due_on FROM household_deadlines d WHERE d.household_id = h.id
     AND d.due_on >= :window ORDER BY d.due_on LIMIT 1) AS next_deadline,
    (SELECT d.kind FROM household_deadlines d WHERE d.household_id = h.id
     AND d.due_on >= :window ORDER BY d.due_on LIMIT 1) AS next_deadline_kind"""

# The tenant (or, failing one, the first member) as ``t``.
TENANT_JOIN = """LEFT JOIN members t ON t.id = (SELECT m.id FROM members m
    WHERE m.household_id = h.id ORDER BY m.role != 'tenant', m.id LIMIT 1)"""

_LIST_SQL = f"""
SELECT h.id, h.ref, h.status, h.opened_on, h.closed_on, h.outcome,
    t.name AS tenant, t.pnr AS tenant_pnr,
    h.street, h.postal_code, h.city, h.landlord_id, l.name AS landlord, h.contract_number,
    h.rent_ore, h.arrears_ore, h.source, h.housing_situation, h.caseworker,
    {HOUSEHOLD_FIGURES}
FROM households h LEFT JOIN landlords l ON l.id = h.landlord_id
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
        params["caseworker"] = caseworker.strip().casefold()
        where.append("casefold(caseworker) = :caseworker")
    if with_children is True:
        where.append("children + children_part_time > 0")
    elif with_children is False:
        where.append("children + children_part_time = 0")
    if within_days is not None:
        if within_days < 0:
            raise InvalidInput("within", str(within_days), _("cannot be negative"))
        params["limit_on"] = (as_of + timedelta(days=within_days)).isoformat()
        where.append("next_deadline IS NOT NULL AND next_deadline <= :limit_on")
    sql = f"SELECT * FROM ({_LIST_SQL}) AS x"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += (
        " ORDER BY next_deadline IS NULL, next_deadline,"
        " (children + children_part_time) = 0, opened_on, ref"
    )
    result = rows(db, sql, params)
    for row in result:
        _decorate(row, as_of=as_of, include_pnr=include_pnr)
    return result


def _decorate(row: dict[str, Any], *, as_of: date, include_pnr: bool) -> None:
    row.pop("id", None)
    row.pop("landlord_id", None)
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
    repayment plans (their state judged by ``policy``, the defaults when None)."""
    from bostadcli import consents, contacts, notices, plans

    hid = household_id(db, ref)
    found = rows(
        db,
        f"SELECT * FROM ({_LIST_SQL}) AS x WHERE id = :id",
        {"id": hid, **figure_params(as_of)},
    )
    case = found[0]
    _decorate(case, as_of=as_of, include_pnr=include_pnr)
    detail = one(
        db,
        "SELECT note, letter_language, created_at, updated_at FROM households WHERE id = ?",
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
    case["consents"] = consents.list_consents(db, ref=ref, as_of=as_of)
    case["contacts"] = contacts.list_contacts(db, ref=ref)
    case["plans"] = plans.household_plans(db, hid, as_of=as_of, policy=policy)
    return case


def list_members(
    db: Database, hid: int, *, as_of: date, include_pnr: bool = False
) -> list[dict[str, Any]]:
    members = rows(
        db,
        "SELECT id, name, pnr, birth_date, role, part_time FROM members "
        "WHERE household_id = ? ORDER BY role = 'child', birth_date IS NULL, birth_date, id",
        [hid],
    )
    for m in members:
        birth = date.fromisoformat(m["birth_date"]) if m["birth_date"] else None
        # Asked about a day before someone was born: no age, and not yet a child here.
        m["age"] = age_on(birth, as_of) if birth and birth <= as_of else None
        m["is_child"] = bool(birth and m["age"] is not None and m["age"] < rules.CHILD_AGE_LIMIT)
        m["part_time"] = bool(m["part_time"])
        if m["pnr"]:
            number = IdentityNumber(m["pnr"])
            m["pnr"] = number.formatted() if include_pnr else number.masked()
    return members


EDITABLE = {
    "street",
    "postal_code",
    "city",
    "landlord",
    "contract_number",
    "rent",
    "arrears",
    "source",
    "housing_situation",
    "caseworker",
    "note",
    "letter_language",
}


def edit_household(
    db: Database,
    ref: str,
    *,
    changes: dict[str, Any],
    add_reasons: list[str] | None = None,
    remove_reasons: list[str] | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Change fields of a case; returns {field: (old, new)} of what actually changed."""
    cleaned: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in EDITABLE:
            raise InvalidInput(key, value, _("cannot be edited"))
        if key == "postal_code":
            cleaned[key] = validate.postal_code(value)
        elif key == "note":
            cleaned[key] = validate.clean_text(
                value, field=key, max_length=validate.TEXT_MAX, multiline=True
            )
        elif key in ("rent", "arrears"):
            money: Money = value
            if money.ore < 0:
                raise InvalidInput(key, str(money), _("cannot be negative"))
            cleaned[f"{key}_ore"] = money.ore
        elif key == "source":
            cleaned[key] = validate.choice(Source, value, field=key).value
        elif key == "housing_situation":
            cleaned[key] = validate.choice(HousingSituation, value, field="situation").value
        elif key == "letter_language":
            cleaned[key] = validate.choice(LetterLanguage, value, field=key).value
        elif key != "landlord":
            cleaned[key] = validate.clean_text(value, field=key)
    added = _reasons(add_reasons or [])
    removed = _reasons(remove_reasons or [])
    with transaction(db):
        hid = household_id(db, ref)
        current = one(db, "SELECT * FROM households WHERE id = ?", [hid])
        assert current is not None
        if "landlord" in changes:
            name = changes["landlord"]
            cleaned["landlord_id"] = get_landlord(db, name)["id"] if name else None
        diff = {k: (current[k], v) for k, v in cleaned.items() if current[k] != v}
        old_reasons = {
            r["reason"]
            for r in rows(db, "SELECT reason FROM household_reasons WHERE household_id = ?", [hid])
        }
        new_reasons = (old_reasons | set(added)) - set(removed)
        if new_reasons != old_reasons:
            diff["reasons"] = (",".join(sorted(old_reasons)), ",".join(sorted(new_reasons)))
            db.execute("DELETE FROM household_reasons WHERE household_id = ?", [hid])
            db.table("household_reasons").insert_all(
                [{"household_id": hid, "reason": r} for r in sorted(new_reasons)]
            )
        updates = {k: new for k, (_old, new) in diff.items() if k != "reasons"}
        if diff:
            db.table("households").update(hid, updates | {"updated_at": now_utc()})
    return diff


def close_household(db: Database, ref: str, *, outcome: str, closed_on: date, as_of: date) -> None:
    result = validate.choice(Outcome, outcome, field="outcome")
    if closed_on > as_of:
        raise InvalidInput("date", closed_on.isoformat(), _("is in the future"))
    with transaction(db):
        hid = household_id(db, ref)
        case = one(db, "SELECT status, opened_on FROM households WHERE id = ?", [hid])
        assert case is not None
        if case["status"] == CaseStatus.closed.value:
            raise Conflict(_("{ref} is already closed").format(ref=ref))
        if closed_on.isoformat() < case["opened_on"]:
            raise InvalidInput("date", closed_on.isoformat(), _("is before the case was opened"))
        db.table("households").update(
            hid,
            {
                "status": CaseStatus.closed.value,
                "closed_on": closed_on.isoformat(),
                "outcome": result.value,
                "updated_at": now_utc(),
            },
        )


def reopen_household(db: Database, ref: str) -> None:
    with transaction(db):
        hid = household_id(db, ref)
        case = one(db, "SELECT status FROM households WHERE id = ?", [hid])
        assert case is not None
        if case["status"] == CaseStatus.open.value:
            raise Conflict(_("{ref} is already open").format(ref=ref))
        db.table("households").update(
            hid,
            {
                "status": CaseStatus.open.value,
                "closed_on": None,
                "outcome": None,
                "updated_at": now_utc(),
            },
        )
