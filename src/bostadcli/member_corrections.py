"""Corrections of a member: name, personnummer, birth date, role, part-time, or whether
the member is the tenant's partner (spouse, registered partner or sambo).

The member is edited in place; the correction (``corrections.log``) keeps the old and
new values, a personnummer masked. A personnummer already in another open case is
refused unless allowed with a reason, as when a member is added.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.corrections import Action, _day, _touch, check_duplicate, log, reason_text
from bostadcli.db import one, transaction
from bostadcli.errors import Conflict, InvalidInput, NotFound
from bostadcli.households import household_id
from bostadcli.i18n import _
from bostadcli.pnr import IdentityNumber, YearOutOfRange, parse_typed_pnr
from bostadcli.vocab import Role

if TYPE_CHECKING:
    from sqlite_utils import Database


MEMBER_FIELDS = ("name", "pnr", "birth_date", "role", "part_time", "partner_of_tenant")


def edit_member(
    db: Database,
    ref: str,
    member_id: int,
    *,
    changes: dict[str, Any],
    reason: str,
    as_of: date,
    allow_duplicate: bool = False,
) -> dict[str, tuple[Any, Any]]:
    """Correct a member's name, personnummer, birth date, role, part-time or
    ``partner_of_tenant``.

    A personnummer gives the birth date; one already in another open case is refused
    unless ``allow_duplicate`` (recorded with the reason). A role change keeps whether
    the member is the tenant's partner, except that a child never is and the role
    ``partner`` always is; a second partner in a case is refused."""
    why = reason_text(reason)
    validate.row_id(member_id, field="MEMBER")
    for key in changes:
        if key not in MEMBER_FIELDS:
            raise InvalidInput(key, changes[key], _("cannot be edited"))
    with transaction(db):
        hid = household_id(db, ref)
        old = one(db, "SELECT * FROM members WHERE id = ? AND household_id = ?", [member_id, hid])
        if old is None:
            raise NotFound(_("MEMBER: no member {id} in {ref}").format(id=member_id, ref=ref))
        try:
            record, role, number = _edited_member(old, changes, household=hid, as_of=as_of)
        except YearOutOfRange as err:
            from bostadcli.households.case import refused_with_twin

            raise refused_with_twin(db, err) from None
        if old["role"] == Role.tenant.value and role is not Role.tenant:
            raise Conflict(
                _("--role: member {id} is the tenant of {ref}; a case keeps its tenant").format(
                    id=member_id, ref=ref
                )
            )
        if role is Role.tenant and old["role"] != Role.tenant.value:
            raise Conflict(
                _("--role: {ref} has a tenant already; a case has one tenant").format(ref=ref)
            )
        if record.get("partner_of_tenant") and not old["partner_of_tenant"]:
            from bostadcli.households.case import check_one_partner

            check_one_partner(db, hid, ref=ref, member_id=member_id)
        if number is not None and (number.digits != old["pnr"] or "role" in changes):
            _check_member_number(
                db,
                number,
                old=old,
                role=role,
                ref=ref,
                reason=why,
                allow_duplicate=allow_duplicate,
            )
        record.pop("created_at")
        record.pop("household_id")
        diff = {k: (old[k], v) for k, v in record.items() if old[k] != v}
        if not diff:
            return {}
        db.table("members").update(member_id, {k: new for k, (_o, new) in diff.items()})
        log(
            db,
            household=hid,
            action=Action.edit,
            table="members",
            row_id=member_id,
            reason=why,
            changes=_shown_member_changes(diff),
        )
        _touch(db, hid)
    return diff


def _edited_member(
    old: dict[str, Any], changes: dict[str, Any], *, household: int, as_of: date
) -> tuple[dict[str, Any], Role, IdentityNumber | None]:
    """The member's row after ``changes``, checked as a new member's would be, with its
    role and personnummer."""
    from bostadcli.households.case import member_record

    role = validate.choice(Role, changes.get("role", old["role"]), field="--role")
    if "name" in changes:
        name = validate.clean_text(changes["name"], field="--name")
        if name is None and role is not Role.child:
            raise InvalidInput("--name", changes["name"] or "", _("must not be empty"))
    else:
        name = old["name"]
    if name is None and role is not Role.child:
        raise InvalidInput("--name", "", _("an adult needs a name: give --name too"))
    number: IdentityNumber | None
    if "pnr" in changes:
        number = (
            parse_typed_pnr(changes["pnr"], as_of=as_of, field="--pnr") if changes["pnr"] else None
        )
    else:
        number = IdentityNumber(old["pnr"]) if old["pnr"] else None
    if "birth_date" in changes:
        birth = changes["birth_date"]
    elif "pnr" in changes and number is not None:
        birth = None  # taken from the new number
    else:
        birth = _day(old["birth_date"]) if number is None else None
    part_time = bool(changes.get("part_time", old["part_time"]))
    if "role" in changes and role is not Role.child and "part_time" not in changes:
        part_time = False
    partner: bool | None = (
        bool(changes["partner_of_tenant"])
        if "partner_of_tenant" in changes
        else bool(old["partner_of_tenant"]) or role is Role.partner
    )
    if "partner_of_tenant" not in changes and role in (Role.child, Role.tenant):
        partner = False  # a role change to child (or tenant) ends it
    record = member_record(
        household=household,
        name=name,
        pnr=number,
        birth_date=birth,
        role=role,
        part_time=part_time,
        as_of=as_of,
        partner=partner,
    )
    # An edit says the mark either way (a new member leaves it to the schema's default).
    record["partner_of_tenant"] = int(bool(partner))
    return record, role, number


def _check_member_number(
    db: Database,
    number: IdentityNumber,
    *,
    old: dict[str, Any],
    role: Role,
    ref: str,
    reason: str,
    allow_duplicate: bool,
) -> None:
    """Refuse a personnummer another member of the case has, and (for an adult) one in
    another open case unless allowed."""
    from bostadcli.households import other_open_cases

    hid = old["household_id"]
    if one(
        db,
        "SELECT 1 FROM members WHERE household_id = ? AND pnr = ? AND id != ?",
        [hid, number.digits, old["id"]],
    ):
        raise Conflict(
            _("--pnr: {pnr} is already a member of {ref}").format(pnr=number.masked(), ref=ref)
        )
    if role is not Role.child:
        check_duplicate(
            db,
            number,
            household=hid,
            allow=allow_duplicate,
            field="--pnr",
            reason=reason,
            others=other_open_cases(db, number, exclude=hid),
        )


def _shown_member_changes(diff: dict[str, tuple[Any, Any]]) -> dict[str, list[Any]]:
    """The changes as the correction log keeps them: a personnummer masked."""
    return {
        k: (
            [
                IdentityNumber(o).masked() if o else None,
                IdentityNumber(n).masked() if n else None,
            ]
            if k == "pnr"
            else [o, n]
        )
        for k, (o, n) in diff.items()
    }
