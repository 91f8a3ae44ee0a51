"""The facts a letter is drafted from: one frozen record of the case as it is on a day,
read with a few queries (the household, its members, its notices, its landlord and its
caseworker). The template context is built from it (``letters.context``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli.db import one, rows

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass(frozen=True)
class MemberFacts:
    name: str | None
    # Masked (YYYYMMDD-XXXX): a letter never carries a whole personnummer.
    pnr: str | None
    role: str
    age: int | None
    is_child: bool
    part_time: bool


@dataclass(frozen=True)
class NoticeFacts:
    kind: str
    # The day the notice is due (its recovery deadline, eviction day or correction day)
    # and the days from ``as_of`` to it (negative when passed).
    deadline: str | None
    days_left: int | None
    recovery_deadline: str | None
    amount_ore: int | None
    eviction_at: str | None
    served_on: str | None
    received_on: str | None
    ground: str | None
    # An undertaking (socialnämndens förbindelse) given by ``as_of`` stops the eviction
    # for this termination's rent (undertakings.STOPS_EVICTION).
    stopped: bool = False


@dataclass(frozen=True)
class LandlordFacts:
    name: str
    contact_person: str | None
    phone: str | None
    email: str | None
    street: str | None
    postal_code: str | None
    city: str | None


@dataclass(frozen=True)
class CaseworkerFacts:
    """The caseworker assigned in the register (``assigned_*``, None without one) and
    the name written on the case."""

    name: str | None
    assigned_phone: str | None
    assigned_email: str | None


@dataclass(frozen=True)
class LetterFacts:
    ref: str
    as_of: date
    street: str | None
    postal_code: str | None
    city: str | None
    care_of: str | None
    care_of_street: str | None
    care_of_postal_code: str | None
    care_of_city: str | None
    housing_situation: str
    rent_ore: int | None
    arrears_ore: int
    reasons: tuple[str, ...]
    source: str
    contract_number: str | None
    letter_language: str
    caseworker: CaseworkerFacts
    # Adults and children, children last (the order of ``household show``).
    members: tuple[MemberFacts, ...]
    # The tenant the letters address: one of ``members``, chosen by the rule every
    # place that names the tenant follows (``households.tenant_of``).
    tenant: MemberFacts | None
    # In order of their due dates (as ``notice list`` shows them).
    notices: tuple[NoticeFacts, ...]
    landlord: LandlordFacts | None


_HOUSEHOLD = """
SELECT h.id, h.ref, h.street, h.postal_code, h.city, h.care_of, h.care_of_street,
    h.care_of_postal_code, h.care_of_city, h.housing_situation, h.rent_ore, h.arrears_ore,
    h.source, h.contract_number, h.letter_language, h.caseworker,
    l.name AS landlord, l.contact_person AS landlord_contact_person,
    l.phone AS landlord_phone, l.email AS landlord_email, l.street AS landlord_street,
    l.postal_code AS landlord_postal_code, l.city AS landlord_city
FROM live_households h
LEFT JOIN landlords l ON l.id = h.landlord_id
WHERE h.id = ?
"""


def read_facts(db: Database, ref: str, *, as_of: date) -> LetterFacts:
    """The case ``ref`` as it is on ``as_of`` (NotFound for an unknown or voided case)."""
    from bostadcli.caseworkers import contact_of
    from bostadcli.households import household_id, list_members, tenant_of
    from bostadcli.notices import list_notices

    hid = household_id(db, ref)
    row = one(db, _HOUSEHOLD, [hid])
    assert row is not None
    assigned = contact_of(db, row["ref"]) or {}
    reasons = rows(
        db, "SELECT reason FROM household_reasons WHERE household_id = ? ORDER BY reason", [hid]
    )
    member_rows = list_members(db, hid, as_of=as_of)
    members = tuple(_member(m) for m in member_rows)
    chosen = tenant_of(member_rows)
    tenant = next((f for m, f in zip(member_rows, members, strict=True) if m is chosen), None)
    stopped = _stopped(db, hid, as_of)
    return LetterFacts(
        ref=row["ref"],
        as_of=as_of,
        street=row["street"],
        postal_code=row["postal_code"],
        city=row["city"],
        care_of=row["care_of"],
        care_of_street=row["care_of_street"],
        care_of_postal_code=row["care_of_postal_code"],
        care_of_city=row["care_of_city"],
        housing_situation=row["housing_situation"],
        rent_ore=row["rent_ore"],
        arrears_ore=row["arrears_ore"],
        reasons=tuple(r["reason"] for r in reasons),
        source=row["source"],
        contract_number=row["contract_number"],
        letter_language=row["letter_language"],
        caseworker=CaseworkerFacts(row["caseworker"], assigned.get("phone"), assigned.get("email")),
        members=members,
        tenant=tenant,
        notices=tuple(
            _notice(n, n["id"] in stopped) for n in list_notices(db, ref=row["ref"], as_of=as_of)
        ),
        landlord=_landlord(row),
    )


def _member(m: dict[str, Any]) -> MemberFacts:
    return MemberFacts(m["name"], m["pnr"], m["role"], m["age"], m["is_child"], m["part_time"])


def _stopped(db: Database, hid: int, as_of: date) -> set[int]:
    """The household's terminations whose eviction an undertaking given by ``as_of``
    stops."""
    from bostadcli.undertakings import STOPPED_ON

    return {
        int(r["id"])
        for r in rows(
            db,
            f"SELECT n.id FROM live_notices n WHERE n.household_id = :hid"
            f" AND {STOPPED_ON} <= :as_of",
            {"hid": hid, "as_of": as_of.isoformat()},
        )
    }


def _notice(n: dict[str, Any], stopped: bool = False) -> NoticeFacts:
    return NoticeFacts(
        kind=n["kind"],
        deadline=n["deadline"],
        days_left=n["days_left"],
        recovery_deadline=n["recovery_deadline"],
        amount_ore=n["amount_ore"],
        eviction_at=n["eviction_at"],
        served_on=n["served_on"],
        received_on=n["received_on"],
        ground=n["ground"],
        stopped=stopped,
    )


def _landlord(row: dict[str, Any]) -> LandlordFacts | None:
    if row["landlord"] is None:
        return None
    return LandlordFacts(
        name=row["landlord"],
        contact_person=row["landlord_contact_person"],
        phone=row["landlord_phone"],
        email=row["landlord_email"],
        street=row["landlord_street"],
        postal_code=row["landlord_postal_code"],
        city=row["landlord_city"],
    )
