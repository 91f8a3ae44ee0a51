"""Households at risk of eviction (and homeless people asking for a home): the case.

A household is named by its case reference ``YYYY-NNNN``, allocated inside the
transaction that creates it and never reused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
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
    IdentityLevel,
    LetterLanguage,
    Outcome,
    Reason,
    Role,
    Source,
    TenancyType,
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
    # A personnummer already in another open case is refused unless allowed, with a reason.
    allow_duplicate: bool = False
    duplicate_reason: str | None = None
    phone: str | None = None
    email: str | None = None
    care_of: str | None = None
    care_of_street: str | None = None
    care_of_postal_code: str | None = None
    care_of_city: str | None = None
    tenant_identity_level: str | None = None
    co_tenant_identity_level: str | None = None
    tenancy_type: str | None = None
    housing_allowance: Money | None = None


def other_open_cases(
    db: Database, number: IdentityNumber, *, exclude: int | None = None
) -> list[str]:
    """The open cases (not voided) with an adult member who has this personnummer.

    A child may belong to two open cases (living with each parent in turn): only adults
    are checked, so one person does not get two cases by mistake."""
    return [
        r["ref"]
        for r in rows(
            db,
            "SELECT DISTINCT h.ref FROM members m JOIN live_households h ON h.id = m.household_id"
            " WHERE m.pnr = ? AND m.role != 'child' AND h.status = 'open' AND h.id IS NOT ?"
            " ORDER BY h.ref",
            [number.digits, exclude],
        )
    ]


def household_id(db: Database, ref: str, *, voided_ok: bool = False) -> int:
    """The row id of a case. A case voided as opened by mistake is refused (it has left
    every list and cannot be written to) unless ``voided_ok``: show and history."""
    ref = validate.case_ref(ref)
    found = one(db, "SELECT id, voided_at FROM households WHERE ref = ?", [ref])
    if found is None:
        raise NotFound(_("no household {ref}").format(ref=ref))
    if found["voided_at"] is not None and not voided_ok:
        raise Conflict(
            _("{ref} was voided as opened by mistake; see: bostad household history {ref}").format(
                ref=ref
            )
        )
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
    identity_level: str | None = None,
    level_field: str = "identity_level",
) -> dict[str, Any]:
    level = _identity_level(identity_level, pnr, field=level_field)
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
    } | ({"identity_level": level} if level is not None else {})


def _identity_level(value: str | None, pnr: IdentityNumber | None, *, field: str) -> str | None:
    """The identity level of a samordningsnummer (lag 2022:1697); a personnummer has none."""
    if value is None:
        return None
    level = validate.choice(IdentityLevel, value, field=field)
    if pnr is None or not pnr.is_coordination:
        raise InvalidInput(field, level.value, _("only a samordningsnummer has an identity level"))
    return level.value


CONTACT_DETAILS = (
    "phone",
    "email",
    "care_of",
    "care_of_street",
    "care_of_postal_code",
    "care_of_city",
)


def _contact_details(values: dict[str, Any]) -> dict[str, Any]:
    """Phone, e-mail and the c/o address, checked; only the keys given."""
    cleaners = {
        "phone": lambda v: validate.phone(v, field="phone"),
        "email": lambda v: validate.email(v, field="email"),
        "care_of": lambda v: validate.clean_text(v, field="care_of"),
        "care_of_street": lambda v: validate.clean_text(v, field="care_of_street"),
        "care_of_postal_code": lambda v: validate.postal_code(v, field="care_of_postal_code"),
        "care_of_city": lambda v: validate.clean_text(v, field="care_of_city"),
    }
    return {k: cleaners[k](v) for k, v in values.items() if v is not None}


def _caseworker_id(
    db: Database, named: str | None, *, login: str | None, configured: str | None
) -> int | None:
    from bostadcli import caseworkers

    if validate.clean_text(named, field="caseworker"):
        return int(caseworkers.active_caseworker(db, str(named), field="caseworker")["id"])
    found = caseworkers.default_caseworker(db, login=login, configured=configured)
    return int(found["id"]) if found else None


def _reasons(values: list[str]) -> list[str]:
    return sorted({validate.choice(Reason, v, field="reason").value for v in values})


def allocate_ref(db: Database, opened_on: date) -> str:
    """The next case reference of the year the case opened, inside the caller's transaction."""
    number = next_counter(db, f"case:{opened_on.year}")
    return f"{opened_on.year}-{number:0{rules.CASE_NUMBER_DIGITS}d}"


@dataclass(frozen=True)
class _Adults:
    """The tenant and co-tenant of a new case, checked."""

    tenant_name: str
    tenant_pnr: IdentityNumber | None
    co_name: str | None
    co_pnr: IdentityNumber | None


def add_household(
    db: Database,
    new: NewHousehold,
    *,
    as_of: date,
    create_landlord: bool = False,
    default_caseworker: str | None = None,
    login: str | None = None,
) -> str:
    """Record a new case with its tenant, co-tenant and children. Returns the reference.

    ``new.caseworker`` names a working caseworker by initials or login (an error
    otherwise); without it the case goes to the caseworker of ``login``, else to
    ``default_caseworker`` (the config's) if that names one (``caseworkers.default_caseworker``).
    """
    from bostadcli.corrections import log_allowed_duplicate

    record, reasons, adults = _checked_case(new, as_of=as_of)
    with transaction(db):
        if new.landlord:
            record["landlord_id"] = _landlord_id(db, new.landlord, create=create_landlord)
        duplicates = _allowed_duplicates(db, new, adults)
        assigned = _caseworker_id(db, new.caseworker, login=login, configured=default_caseworker)
        if assigned is not None:
            record["caseworker_id"] = assigned
        ref = allocate_ref(db, date.fromisoformat(record["opened_on"]))
        now = now_utc()
        record.update(ref=ref, created_at=now, updated_at=now)
        hid = insert(db, "households", record)
        for number, others in duplicates:
            assert new.duplicate_reason is not None
            log_allowed_duplicate(
                db, household=hid, number=number, others=others, reason=new.duplicate_reason
            )
        insert_many(db, "household_reasons", [{"household_id": hid, "reason": r} for r in reasons])
        insert_many(db, "members", _new_members(new, adults, household=hid, as_of=as_of))
    return ref


def _checked_case(new: NewHousehold, *, as_of: date) -> tuple[dict[str, Any], list[str], _Adults]:
    """The new case's row (without its reference, landlord and caseworker), its reasons
    and its adults, every value checked before the database is touched."""
    situation = validate.choice(HousingSituation, new.housing_situation, field="situation")
    source = validate.choice(Source, new.source, field="source")
    language = validate.choice(LetterLanguage, new.letter_language, field="letter_language")
    reasons = _reasons(new.reasons)
    opened_on = new.opened_on or as_of
    if opened_on > as_of:
        raise InvalidInput("opened", opened_on.isoformat(), _("is in the future"))
    adults = _checked_adults(new, as_of=as_of)
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
        "note": validate.clean_text(
            new.note, field="note", max_length=validate.TEXT_MAX, multiline=True
        ),
    }
    record.update(_contact_details({k: getattr(new, k) for k in CONTACT_DETAILS}))
    if language is not LetterLanguage.sv:
        # Swedish is the column's default (migration 0013_letter_language).
        record["letter_language"] = language.value
    record.update(_tenancy_and_money(new))
    return record, reasons, adults


def _checked_adults(new: NewHousehold, *, as_of: date) -> _Adults:
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
    return _Adults(tenant_name, tenant_pnr, co_name, co_pnr)


def _tenancy_and_money(new: NewHousehold) -> dict[str, Any]:
    """The tenancy type and housing allowance columns, when given; no amount negative."""
    columns: dict[str, Any] = {}
    if new.rent is not None and new.rent.ore < 0:
        raise InvalidInput("rent", str(new.rent), _("cannot be negative"))
    if new.tenancy_type is not None:
        columns["tenancy_type"] = validate.choice(
            TenancyType, new.tenancy_type, field="tenancy_type"
        ).value
    if new.housing_allowance is not None:
        if new.housing_allowance.ore < 0:
            raise InvalidInput(
                "housing_allowance", str(new.housing_allowance), _("cannot be negative")
            )
        columns["housing_allowance_ore"] = new.housing_allowance.ore
    if new.arrears.ore < 0:
        raise InvalidInput("arrears", str(new.arrears), _("cannot be negative"))
    return columns


def _landlord_id(db: Database, name: str, *, create: bool) -> int:
    """The landlord named, added first if ``create``; otherwise an unknown name is an error."""
    landlord = find_landlord(db, name)
    if landlord is None:
        if not create:
            raise NotFound(
                _(
                    "no landlord '{name}': add it with: bostad landlord add \"{name}\""
                    " (or use --create-landlord)"
                ).format(name=name.strip())
            )
        from bostadcli.landlords import add_landlord

        landlord = add_landlord(db, name=name)
    return int(landlord["id"])


def _allowed_duplicates(
    db: Database, new: NewHousehold, adults: _Adults
) -> list[tuple[IdentityNumber, list[str]]]:
    """Refuse an adult's personnummer found in another open case unless allowed; the
    allowed ones, to be logged once the case has its id."""
    from bostadcli.corrections import check_duplicate

    duplicates: list[tuple[IdentityNumber, list[str]]] = []
    for number, flag in ((adults.tenant_pnr, "--pnr"), (adults.co_pnr, "--co-tenant-pnr")):
        if number is None:
            continue
        others = other_open_cases(db, number)
        check_duplicate(
            db,
            number,
            household=None,
            allow=new.allow_duplicate,
            field=flag,
            reason=new.duplicate_reason,
            others=others,
            reason_option="--duplicate-reason",
        )
        if others:
            duplicates.append((number, others))
    return duplicates


def _new_members(
    new: NewHousehold, adults: _Adults, *, household: int, as_of: date
) -> list[dict[str, Any]]:
    """The rows of the tenant, the co-tenant (if any) and the children."""
    members = [
        _member_record(
            household=household,
            name=adults.tenant_name,
            pnr=adults.tenant_pnr,
            birth_date=None,
            role=Role.tenant,
            part_time=False,
            as_of=as_of,
            identity_level=new.tenant_identity_level,
        )
    ]
    if adults.co_name is not None:
        members.append(
            _member_record(
                household=household,
                name=adults.co_name,
                pnr=adults.co_pnr,
                birth_date=None,
                role=Role.co_tenant,
                part_time=False,
                as_of=as_of,
                identity_level=new.co_tenant_identity_level,
                level_field="co_tenant_identity_level",
            )
        )
    for child in new.children:
        members.append(
            _member_record(
                household=household,
                name=child.name,
                pnr=None,
                birth_date=child.birth_date,
                role=Role.child,
                part_time=child.part_time,
                as_of=as_of,
            )
        )
    return members


def add_member(
    db: Database,
    ref: str,
    *,
    name: str | None,
    pnr: str | None = None,
    birth_date: date | None = None,
    role: str = Role.adult.value,
    part_time: bool = False,
    identity_level: str | None = None,
    as_of: date,
    allow_duplicate: bool = False,
    reason: str | None = None,
) -> int:
    """Add a person to a household; returns the member's id. A personnummer already in
    another open case is refused unless ``allow_duplicate`` with a ``reason``."""
    role_ = validate.choice(Role, role, field="role")
    clean_name = validate.clean_text(name, field="name")
    if clean_name is None and role_ is not Role.child:
        raise InvalidInput("name", name or "", _("must not be empty"))
    number = parse_pnr(pnr, as_of=as_of, field="pnr") if pnr else None
    with transaction(db):
        hid = household_id(db, ref)
        if role_ is Role.tenant and one(
            db, "SELECT 1 FROM members WHERE household_id = ? AND role = ?", [hid, role_.value]
        ):
            # As member edit and a moved case's import have it.
            raise Conflict(
                _("--role: {ref} has a tenant already; a case has one tenant").format(ref=ref)
            )
        if number is not None and one(
            db, "SELECT 1 FROM members WHERE household_id = ? AND pnr = ?", [hid, number.digits]
        ):
            raise Conflict(
                _("{pnr} is already a member of {ref}").format(pnr=number.masked(), ref=ref)
            )
        if number is not None and role_ is not Role.child:
            from bostadcli.corrections import check_duplicate

            check_duplicate(
                db,
                number,
                household=hid,
                allow=allow_duplicate,
                field="--pnr",
                reason=reason,
                others=other_open_cases(db, number, exclude=hid),
            )
        record = _member_record(
            household=hid,
            name=clean_name,
            pnr=number,
            birth_date=birth_date,
            role=role_,
            part_time=part_time,
            as_of=as_of,
            identity_level=identity_level,
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


def century_problems(db: Database) -> list[dict[str, Any]]:
    """Stored personnummer whose century disagrees with folkbokföringslagen 18 §.

    Each number is judged as of the day it was recorded (``pnr.century_disagrees``): a
    ``+`` number read before the rule was fixed could be a century too old. Nothing is
    rewritten here; ``fix_member_century`` corrects one member, on the caseworker's word.
    """
    from bostadcli.pnr import century_disagrees

    found: list[dict[str, Any]] = []
    for m in rows(
        db,
        "SELECT m.id, m.pnr, m.created_at, h.ref FROM members m"
        " JOIN households h ON h.id = m.household_id WHERE m.pnr IS NOT NULL ORDER BY h.ref, m.id",
    ):
        number = IdentityNumber(m["pnr"])
        year = century_disagrees(number, entered_on=date.fromisoformat(m["created_at"][:10]))
        if year is not None:
            found.append(
                {
                    "ref": m["ref"],
                    "member": m["id"],
                    "pnr": number.masked(),
                    "stored_year": number.birth_date.year,
                    "rule_year": year,
                    "command": f"bostad member fix-century {m['ref']} {m['id']}",
                }
            )
    return found


def fix_member_century(db: Database, ref: str, member_id: int) -> dict[str, Any]:
    """Give a member's personnummer the century the rule gives it (see
    ``century_problems``), with the birth date to match. Returns the old and new masked
    numbers; refuses when the century already agrees."""
    from bostadcli.pnr import century_disagrees

    validate.row_id(member_id, field="MEMBER")
    with transaction(db):
        hid = household_id(db, ref)
        member = one(
            db, "SELECT * FROM members WHERE id = ? AND household_id = ?", [member_id, hid]
        )
        if member is None:
            raise NotFound(_("no member {id} in {ref}").format(id=member_id, ref=ref))
        if not member["pnr"]:
            raise Conflict(
                _("member {id} of {ref} has no personnummer").format(id=member_id, ref=ref)
            )
        old = IdentityNumber(member["pnr"])
        year = century_disagrees(old, entered_on=date.fromisoformat(member["created_at"][:10]))
        if year is None:
            raise Conflict(
                _("the century of {pnr} already agrees with the rule; nothing changed").format(
                    pnr=old.masked()
                )
            )
        new = IdentityNumber(f"{year:04d}{old.digits[4:]}")
        if one(
            db,
            "SELECT 1 FROM members WHERE household_id = ? AND pnr = ? AND id != ?",
            [hid, new.digits, member_id],
        ):
            raise Conflict(
                _("{pnr} is already a member of {ref}").format(pnr=new.masked(), ref=ref)
            )
        db.table("members").update(
            member_id, {"pnr": new.digits, "birth_date": new.birth_date.isoformat()}
        )
        _touch(db, hid)
    return {"ref": ref, "member": member_id, "old": old.masked(), "new": new.masked()}


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

# Who the tenant of a household is, the one rule every listing, view and export uses:
# its member with role 'tenant' (the first recorded, should there ever be several), or,
# failing one, its first recorded member. ``tenant_of`` in Python, ``tenant_sql`` in SQL;
# the index members_household_tenant (0010_indexes) is built on the same sort key.
_TENANT_COLUMNS = frozenset({"id", "name", "pnr"})


def tenant_sql(column: str = "id", *, household: str = "h.id") -> str:
    """SQL for one ``column`` (id, name or pnr) of the tenant of the household whose id is
    the SQL expression ``household``: a scalar subquery, NULL for a household without
    members. No parameters to bind."""
    if column not in _TENANT_COLUMNS:
        raise ValueError(f"tenant_sql: no column {column!r}")
    return (
        f"(SELECT m.{column} FROM members m WHERE m.household_id = {household}"
        " ORDER BY m.role != 'tenant', m.id LIMIT 1)"
    )


def tenant_of(members: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The tenant among a household's members (rows with ``id`` and ``role``), by the
    rule of ``tenant_sql``; None without members."""
    return min(members, key=lambda m: (m["role"] != Role.tenant.value, m["id"]), default=None)


# The tenant (or, failing one, the first member) as ``t``.
TENANT_JOIN = f"LEFT JOIN members t ON t.id = {tenant_sql()}"

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
    sql = f"SELECT * FROM ({_LIST_SQL}) AS x"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += (
        " ORDER BY next_deadline IS NULL, next_deadline,"
        " (children + children_part_time) = 0, opened_on, ref"
    )
    result = rows(db, sql, params)
    if include_pnr:
        _disclosed(db, "household list", [row["id"] for row in result])
    for row in result:
        _decorate(row, as_of=as_of, include_pnr=include_pnr)
    return result


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
        "SELECT id, name, pnr, birth_date, role, part_time, identity_level FROM members "
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
    *CONTACT_DETAILS,
    "tenancy_type",
    "housing_allowance",
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
        elif key in ("rent", "arrears", "housing_allowance"):
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
        elif key in CONTACT_DETAILS:
            # An empty value removes a detail (a phone number that no longer works).
            cleaned[key] = _contact_details({key: value}).get(key)
        elif key == "tenancy_type":
            cleaned[key] = validate.choice(TenancyType, value, field=key).value
        elif key not in ("landlord", "caseworker"):
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
        if "caseworker" in changes:
            from bostadcli.caseworkers import active_caseworker

            chosen = active_caseworker(db, changes["caseworker"], field="caseworker")
            cleaned["caseworker_id"] = chosen["id"]
        diff = {k: (current[k], v) for k, v in cleaned.items() if current[k] != v}
        if "caseworker_id" in diff:
            # Said by name: the id means nothing to the reader (the trigger sets the name).
            diff["caseworker"] = (current["caseworker"], chosen["name"])
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
        updates = {k: new for k, (_old, new) in diff.items() if k not in ("reasons", "caseworker")}
        if diff:
            db.table("households").update(hid, updates | {"updated_at": now_utc()})
    diff.pop("caseworker_id", None)
    return diff


class RunningOnClose(Conflict):
    """A case to close still has active plans or supports, and no choice was given."""

    def __init__(self, ref: str, running: list[dict[str, Any]]) -> None:
        self.running = running
        super().__init__(
            _(
                "{ref} still has {items} running: say what to do with --end-running"
                " (end them on the close date) or --keep-running (they go on after the case"
                " is closed)"
            ).format(ref=ref, items=", ".join(r["label"] for r in running))
        )


class Running(StrEnum):
    """What closing a case does with its active plans and supports."""

    end = "end"
    keep = "keep"


def running_items(db: Database, hid: int, *, on: date) -> list[dict[str, Any]]:
    """The active repayment plans and the supports not ended (nor ended by ``on``) of a
    case: what keeps going when it closes, or is still going when it reopens."""
    from bostadcli.supports import support_status_sql
    from bostadcli.vocab import SupportKind

    found: list[dict[str, Any]] = [
        {"type": "plan", "id": r["id"], "ref": r["ref"], "label": r["ref"]}
        for r in rows(
            db,
            "SELECT id, ref FROM plans WHERE household_id = ? AND status = 'active' ORDER BY id",
            [hid],
        )
    ]
    # Not ended on ``on`` (planned or active), and no end recorded yet.
    for r in rows(
        db,
        "SELECT s.id, s.kind, s.start_on FROM supports s WHERE s.household_id = :hid"
        f" AND s.ended_on IS NULL AND {support_status_sql(':on')} != 'ended' ORDER BY s.id",
        {"hid": hid, "on": on.isoformat()},
    ):
        label = _("support {id} ({kind})").format(id=r["id"], kind=SupportKind(r["kind"]).label)
        found.append(
            {
                "type": "support",
                "id": r["id"],
                "ref": str(r["id"]),
                "label": label,
                "start_on": r["start_on"],
            }
        )
    return found


def close_household(
    db: Database,
    ref: str,
    *,
    outcome: str,
    closed_on: date,
    as_of: date,
    running: Running | str | None = None,
    reason: str | None = None,
) -> list[dict[str, Any]]:
    """Close a case. Its active plans and supports are ended on the close date
    (``running="end"``) or go on (``"keep"``); without a choice, a case with any is
    refused (``RunningOnClose``, which lists them). The choice is recorded in the
    case's corrections. Returns the plans and supports that were running."""
    from bostadcli import corrections

    result = validate.choice(Outcome, outcome, field="outcome")
    choice = validate.choice(Running, running, field="running") if running else None
    if closed_on > as_of:
        raise InvalidInput("date", closed_on.isoformat(), _("is in the future"))
    why = corrections.reason_text(reason) if reason is not None else None
    with transaction(db):
        hid = household_id(db, ref)
        case = one(db, "SELECT status, opened_on FROM households WHERE id = ?", [hid])
        assert case is not None
        if case["status"] == CaseStatus.closed.value:
            raise Conflict(_("{ref} is already closed").format(ref=ref))
        if closed_on.isoformat() < case["opened_on"]:
            raise InvalidInput("date", closed_on.isoformat(), _("is before the case was opened"))
        items = running_items(db, hid, on=closed_on)
        if items and choice is None:
            raise RunningOnClose(ref, items)
        db.table("households").update(
            hid,
            {
                "status": CaseStatus.closed.value,
                "closed_on": closed_on.isoformat(),
                "outcome": result.value,
                "updated_at": now_utc(),
            },
        )
        if items:
            assert choice is not None
            if choice is Running.end:
                _end_running(db, items, on=closed_on, as_of=as_of, ref=ref)
            corrections.log(
                db,
                household=hid,
                action=corrections.Action.end_running
                if choice is Running.end
                else corrections.Action.keep_running,
                table="households",
                row_id=hid,
                reason=why
                or _("Case closed on {day}: {outcome}").format(
                    day=closed_on.isoformat(), outcome=result.label
                ),
                changes={"running": [r["label"] for r in items]},
            )
    return items


def _end_running(
    db: Database, items: list[dict[str, Any]], *, on: date, as_of: date, ref: str
) -> None:
    from bostadcli.plans import cancel_plan

    for item in items:
        if item["type"] == "plan":
            cancel_plan(
                db,
                item["ref"],
                cancelled_on=on,
                as_of=as_of,
                note=_("The case {ref} was closed.").format(ref=ref),
            )
        else:
            # A support planned to start after the close ends the day it was to start.
            day = max(on.isoformat(), item["start_on"])
            db.table("supports").update(
                item["id"],
                {
                    "ended_on": day,
                    "end_reason": _("The case {ref} was closed.").format(ref=ref),
                    "updated_at": now_utc(),
                },
            )


def reopen_household(
    db: Database,
    ref: str,
    *,
    as_of: date | None = None,
    allow_duplicate: bool = False,
    reason: str | None = None,
) -> list[dict[str, Any]]:
    """Reopen a closed case; returns the plans and supports still running on ``as_of``
    (every one not ended, without it). An adult of the case who has another open case
    by now is refused unless ``allow_duplicate`` with a ``reason``."""
    from bostadcli.corrections import check_duplicate

    with transaction(db):
        hid = household_id(db, ref)
        case = one(db, "SELECT status FROM households WHERE id = ?", [hid])
        assert case is not None
        if case["status"] == CaseStatus.open.value:
            raise Conflict(_("{ref} is already open").format(ref=ref))
        for member in rows(
            db,
            "SELECT pnr FROM members WHERE household_id = ? AND pnr IS NOT NULL"
            " AND role != 'child' ORDER BY id",
            [hid],
        ):
            number = IdentityNumber(member["pnr"])
            check_duplicate(
                db,
                number,
                household=hid,
                allow=allow_duplicate,
                field=ref,
                reason=reason,
                others=other_open_cases(db, number, exclude=hid),
            )
        db.table("households").update(
            hid,
            {
                "status": CaseStatus.open.value,
                "closed_on": None,
                "outcome": None,
                "updated_at": now_utc(),
            },
        )
        return running_items(db, hid, on=as_of or date.min)
