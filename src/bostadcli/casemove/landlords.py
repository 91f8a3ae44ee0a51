"""The landlords a household document names: matched by name, or added from it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.casemove.checks import check_vocab
from bostadcli.casemove.fields import LANDLORD_FIELDS, LANDLORD_VOCAB
from bostadcli.errors import InvalidInput
from bostadcli.i18n import _

if TYPE_CHECKING:
    from sqlite_utils import Database


def landlord_details(document: Mapping[str, Any], source: str) -> dict[str, dict[str, Any]]:
    """The landlords a document describes, by folded name."""

    found: dict[str, dict[str, Any]] = {}
    others = document.get("landlords") or []
    if not isinstance(others, list):
        raise InvalidInput(source, "landlords", _("expected a list"))
    main = document.get("landlord")
    described = ([("landlord", main)] if main else []) + [
        (f"landlords[{i}]", item) for i, item in enumerate(others)
    ]
    for where, item in described:
        at = f"{source}: {where}"
        if not isinstance(item, dict):
            raise InvalidInput(at, type(item).__name__, _("expected a JSON object"))
        check_vocab(item, LANDLORD_VOCAB, at)
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise InvalidInput(at, "name", _("missing"))
        found[validate.name_key(name)] = item | {"_where": at}
    return found


def landlord_id_for(
    db: Database, name: str, details: Mapping[str, dict[str, Any]], where: str
) -> tuple[int, bool]:
    """The id of the landlord named ``name`` here, added from the document's details
    when this installation does not know it; and whether it was added."""
    from bostadcli.dates import parse_date
    from bostadcli.landlords import add_landlord, find_landlord

    found = find_landlord(db, name)
    if found is not None:
        return int(found["id"]), False
    landlord = details.get(validate.name_key(name))
    if landlord is None:
        raise InvalidInput(where, name, _("a landlord the document does not describe"))
    at = landlord["_where"]
    fields = {
        k: landlord.get(k)
        for k in LANDLORD_FIELDS
        if k not in ("created_at", "updated_at") and landlord.get(k) is not None
    }
    for key, value in fields.items():
        if not isinstance(value, str):
            raise InvalidInput(f"{at}.{key}", str(value)[:80], _("expected text"))
    if "cooperation_agreement_on" in fields:
        fields["cooperation_agreement_on"] = parse_date(
            str(fields["cooperation_agreement_on"]), field=f"{at}.cooperation_agreement_on"
        )
    try:
        added = add_landlord(db, **fields)
    except InvalidInput as exc:
        raise exc.located(at) from None
    from bostadcli.fields import check_field

    stamps = {
        k: check_field("landlords", k, landlord.get(k), f"{at}.{k}")
        for k in ("created_at", "updated_at")
    }
    if all(stamps.values()):
        # Moved, not new: keep when the landlord was first recorded.
        db.execute(
            "UPDATE landlords SET created_at = ?, updated_at = ? WHERE id = ?",
            [stamps["created_at"], stamps["updated_at"], added["id"]],
        )
    return int(added["id"]), True
