"""A new case: every value checked, then the case, its reasons and its members stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.dates import check_not_after_as_of
from bostadcli.db import insert, insert_many, now_utc, transaction
from bostadcli.errors import InvalidInput, NotFound
from bostadcli.households.case import (
    CONTACT_DETAILS,
    NewHousehold,
    _caseworker_id,
    _contact_details,
    _reasons,
    allocate_ref,
    member_record,
    other_open_cases,
    refused_with_twin,
)
from bostadcli.i18n import _
from bostadcli.landlords import find_landlord
from bostadcli.pnr import IdentityNumber, YearOutOfRange, parse_typed_pnr
from bostadcli.vocab import (
    CaseStatus,
    HousingSituation,
    LetterLanguage,
    Reason,
    Role,
    Source,
    TenancyType,
)

if TYPE_CHECKING:
    from sqlite_utils import Database


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
    warnings: list[str] | None = None,
) -> str:
    """Record a new case with its tenant, co-tenant and children. Returns the reference.

    ``new.caseworker`` names a working caseworker by initials or login (an error
    otherwise); without it the case goes to the caseworker of ``login``, else to
    ``default_caseworker`` (the config's) if that names one (``caseworkers.default_caseworker``).
    A role the birth date disagrees with (``members.role_age_warnings``) is added to
    ``warnings``, not refused.
    """
    from bostadcli.corrections import log_allowed_duplicate

    try:
        record, reasons, adults = _checked_case(new, as_of=as_of)
    except YearOutOfRange as err:
        raise refused_with_twin(db, err) from None
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
        if warnings is not None:
            from bostadcli.households.members import role_age_warnings

            warnings += role_age_warnings(db, hid, ref, as_of=as_of)
    return ref


def _checked_case(new: NewHousehold, *, as_of: date) -> tuple[dict[str, Any], list[str], _Adults]:
    """The new case's row (without its reference, landlord and caseworker), its reasons
    and its adults, every value checked before the database is touched."""
    situation = validate.choice(HousingSituation, new.housing_situation, field="situation")
    source = validate.choice(Source, new.source, field="source")
    language = validate.choice(LetterLanguage, new.letter_language, field="letter_language")
    reasons = _reasons(new.reasons)
    opened_on = new.opened_on or as_of
    check_not_after_as_of(opened_on, as_of, field="opened")
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
    tenant_pnr = (
        parse_typed_pnr(new.tenant_pnr, as_of=as_of, field="pnr") if new.tenant_pnr else None
    )
    co_name = validate.clean_text(new.co_tenant_name, field="co_tenant")
    co_pnr = (
        parse_typed_pnr(new.co_tenant_pnr, as_of=as_of, field="co_tenant_pnr")
        if new.co_tenant_pnr
        else None
    )
    if co_pnr is not None and co_name is None:
        raise InvalidInput("co_tenant_pnr", co_pnr.masked(), _("give the co-tenant's name too"))
    if co_pnr is not None and tenant_pnr is not None and co_pnr.digits == tenant_pnr.digits:
        raise InvalidInput("co_tenant_pnr", co_pnr.masked(), _("is the tenant's own personnummer"))
    if new.co_tenant_partner and co_name is None:
        raise InvalidInput("--co-tenant-partner", "", _("give the co-tenant's name too"))
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
        member_record(
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
            member_record(
                household=household,
                name=adults.co_name,
                pnr=adults.co_pnr,
                birth_date=None,
                role=Role.co_tenant,
                part_time=False,
                as_of=as_of,
                identity_level=new.co_tenant_identity_level,
                level_field="co_tenant_identity_level",
                partner=new.co_tenant_partner,
            )
        )
    for child in new.children:
        members.append(
            member_record(
                household=household,
                name=child.name,
                pnr=None,
                birth_date=child.birth_date,
                role=Role.child,
                part_time=child.part_time,
                as_of=as_of,
                birth_field=child.option,
            )
        )
    return members
