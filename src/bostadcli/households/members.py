"""Members added to and removed from a case; a personnummer's century put right."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.db import insert, one, rows, transaction
from bostadcli.errors import Conflict, InvalidInput, NotFound
from bostadcli.households.case import (
    _touch,
    check_one_partner,
    household_id,
    member_record,
    other_open_cases,
    partner_of_tenant,
    refused_with_twin,
)
from bostadcli.i18n import _
from bostadcli.pnr import IdentityNumber, YearOutOfRange, parse_typed_pnr
from bostadcli.vocab import Role

if TYPE_CHECKING:
    from sqlite_utils import Database


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
    partner: bool | None = None,
    warnings: list[str] | None = None,
) -> int:
    """Add a person to a household; returns the member's id. A personnummer already in
    another open case is refused unless ``allow_duplicate`` with a ``reason``.
    ``partner`` marks the tenant's spouse, registered partner or sambo (None: only the
    role ``partner`` is one); a case has at most one. A role the birth date disagrees
    with (``role_age_warnings``) is added to ``warnings``, not refused."""
    role_ = validate.choice(Role, role, field="role")
    clean_name = validate.clean_text(name, field="name")
    if clean_name is None and role_ is not Role.child:
        raise InvalidInput("name", name or "", _("must not be empty"))
    try:
        number = parse_typed_pnr(pnr, as_of=as_of, field="pnr") if pnr else None
    except YearOutOfRange as err:
        raise refused_with_twin(db, err) from None
    partner_of_tenant(role_, partner)  # what cannot be, refused before the case is read
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
        record = member_record(
            household=hid,
            name=clean_name,
            pnr=number,
            birth_date=birth_date,
            role=role_,
            part_time=part_time,
            as_of=as_of,
            identity_level=identity_level,
            partner=partner,
        )
        if record.get("partner_of_tenant"):
            check_one_partner(db, hid, ref=ref)
        member_id = insert(db, "members", record)
        _touch(db, hid)
        if warnings is not None:
            warnings += role_age_warnings(db, hid, ref, as_of=as_of, member_id=member_id)
    return member_id


# The roles a person under 18 is most likely given by mistake; the tenant keeps the
# lease whatever the age, and a partner under 18 is refused (member_record).
_ADULT_ROLES = (Role.adult.value, Role.co_tenant.value)


def role_age_warnings(
    db: Database, hid: int, ref: str, *, as_of: date, member_id: int | None = None
) -> list[str]:
    """Members of a case (or the one ``member_id``) whose role their birth date
    disagrees with on ``as_of``: an adult or co-tenant under 18 (rules.CHILD_AGE_LIMIT),
    a child 18 or older. One line each, saying how to set the role."""
    from bostadcli.dates import is_child
    from bostadcli.rules import CHILD_AGE_LIMIT
    from bostadcli.vocab import label

    found = rows(
        db,
        "SELECT id, role, birth_date FROM members WHERE household_id = ? AND id IS coalesce(?, id)"
        " AND birth_date IS NOT NULL ORDER BY id",
        [hid, member_id],
    )
    out = []
    for m in found:
        born = date.fromisoformat(m["birth_date"])
        if born > as_of:
            continue
        child = is_child(born, as_of)
        if m["role"] in _ADULT_ROLES and child:
            text = _(
                "member {id} is under {limit} by the birth date {born} but was added as {role};"
                " if this is a child, set the role: bostad member edit {ref} {id} --role child"
                " --reason TEXT"
            )
        elif m["role"] == Role.child.value and not child:
            text = _(
                "member {id} is {limit} or older by the birth date {born} but was added as {role};"
                " if this is an adult, set the role: bostad member edit {ref} {id} --role adult"
                " --reason TEXT"
            )
        else:
            continue
        role = label(Role, m["role"])
        out.append(
            text.format(id=m["id"], born=m["birth_date"], role=role, ref=ref, limit=CHILD_AGE_LIMIT)
        )
    return out


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
