"""A case's own fields edited in place."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.db import now_utc, one, rows, transaction
from bostadcli.errors import InvalidInput
from bostadcli.households.case import CONTACT_DETAILS, _contact_details, _reasons, household_id
from bostadcli.i18n import _
from bostadcli.landlords import get_landlord
from bostadcli.money import Money
from bostadcli.vocab import HousingSituation, LetterLanguage, Source, TenancyType

if TYPE_CHECKING:
    from sqlite_utils import Database


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
