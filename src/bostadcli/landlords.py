"""Landlords: the housing companies and private landlords who report tenants at risk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.db import now_utc, one, rows, transaction
from bostadcli.errors import BostadError, Conflict, InvalidInput, NotFound, shown
from bostadcli.i18n import _
from bostadcli.vocab import LandlordKind

if TYPE_CHECKING:
    from sqlite_utils import Database

EDITABLE = (
    "name",
    "org_number",
    "kind",
    "contact_person",
    "phone",
    "email",
    "street",
    "postal_code",
    "city",
    "cooperation_agreement_on",
)


def _iso_date(value: Any) -> str | None:
    # The Housing First cooperation agreement: a date the caller has parsed already.
    if value is None:
        return None
    if not isinstance(value, date):
        raise InvalidInput("cooperation_agreement", value, _("expected YYYY-MM-DD"))
    return value.isoformat()


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    cleaners: dict[str, Callable[[Any], Any]] = {
        "name": lambda v: validate.required_text(v, field="name"),
        "org_number": lambda v: validate.org_number(v),
        "kind": lambda v: validate.choice(LandlordKind, v, field="kind").value,
        "contact_person": lambda v: validate.clean_text(v, field="contact_person"),
        "phone": lambda v: validate.phone(v),
        "email": lambda v: validate.email(v),
        "street": lambda v: validate.clean_text(v, field="street"),
        "postal_code": lambda v: validate.postal_code(v),
        "city": lambda v: validate.clean_text(v, field="city"),
        "cooperation_agreement_on": _iso_date,
    }
    return {k: cleaners[k](v) for k, v in values.items()}


def landlord_key(name: str) -> str:
    """What landlord names are compared by: normalised (``validate.name_key``), then
    folded as a search folds them (``search.fold_text``): case, accents and hyphens do
    not count, so "FASTIGHETS AB LARKAN", from a system that writes no å/ä/ö, is
    "Fastighets AB Lärkan". The SQL of the same is ``landlord_key_sql``."""
    from bostadcli.search import fold_text

    return fold_text(validate.name_key(name)) or ""


def landlord_key_sql(expr: str) -> str:
    """SQL for ``landlord_key`` of the name ``expr``."""
    return f"bostad_fold(casefold({expr}))"


def find_landlord(db: Database, name: str) -> dict[str, Any] | None:
    """The landlord of this name (``landlord_key``): the one spelled so if several (two
    added before names were folded can still be told apart), else the first added."""
    return one(
        db,
        f"SELECT * FROM landlords WHERE {landlord_key_sql('name')} = ?"
        " ORDER BY casefold(name) IS NOT ?, id",
        [landlord_key(name), validate.name_key(name)],
    )


def get_landlord(db: Database, name: str) -> dict[str, Any]:
    found = find_landlord(db, name)
    if found is None:
        raise NotFound(
            _("no landlord '{name}': add it with: bostad landlord add \"{name}\"").format(
                name=shown(name.strip())
            )
        )
    return found


def add_landlord(db: Database, **values: Any) -> dict[str, Any]:
    """Add a landlord; the name must be new (``landlord_key``: case and accents folded)."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise BostadError(f"unknown landlord fields: {sorted(unknown)}")
    values.setdefault("kind", LandlordKind.other.value)
    record = _clean(values)
    with transaction(db):
        existing = find_landlord(db, record["name"])
        if existing is not None:
            # Named as it is spelled: "Larkan" is taken by "Lärkan".
            raise Conflict(
                _("a landlord named '{name}' exists already").format(name=existing["name"])
            )
        now = now_utc()
        record.update(created_at=now, updated_at=now)
        db.table("landlords").insert(record)
        return get_landlord(db, record["name"])


def edit_landlord(
    db: Database, name: str, /, **changes: Any
) -> tuple[dict[str, Any], dict[str, tuple[Any, Any]]]:
    """Change the given fields; returns the new record and {field: (old, new)}.

    ``name`` is positional-only so that ``name=`` among the changes renames.
    """
    cleaned = _clean({k: v for k, v in changes.items() if k in EDITABLE})
    with transaction(db):
        current = get_landlord(db, name)
        # Another landlord of that name (a new spelling of its own name is no clash).
        clash = find_landlord(db, cleaned["name"]) if "name" in cleaned else None
        if clash is not None and clash["id"] != current["id"]:
            raise Conflict(_("a landlord named '{name}' exists already").format(name=clash["name"]))
        diff = {k: (current[k], v) for k, v in cleaned.items() if current[k] != v}
        if diff:
            db.table("landlords").update(
                current["id"],
                {k: new for k, (_old, new) in diff.items()} | {"updated_at": now_utc()},
            )
        return get_landlord(db, cleaned.get("name", current["name"])), diff


def list_landlords(db: Database, *, name: str | None = None) -> list[dict[str, Any]]:
    """Landlords with their case counts; with ``name``, just that one (or NotFound)."""
    where, params = "", []
    if name is not None:
        where, params = "WHERE l.id = ?", [get_landlord(db, name)["id"]]
    return rows(
        db,
        f"""
        SELECT l.*,
            (SELECT count(*) FROM live_households h
             WHERE h.landlord_id = l.id AND h.status = 'open') AS open_cases,
            (SELECT count(*) FROM live_households h WHERE h.landlord_id = l.id) AS all_cases
        FROM landlords l {where} ORDER BY l.name COLLATE NOCASE
        """,
        params,
    )
