"""``bostad export household``: one case with everything recorded about it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli.casemove.fields import HOUSEHOLD_FIELDS, LANDLORD_FIELDS
from bostadcli.errors import ConsentRequired, NotFound
from bostadcli.errors import shown as shown_name
from bostadcli.export.consent import name_of_landlord, recipient_choice, recipient_landlord
from bostadcli.export.log import record_export
from bostadcli.export.registry import DOCUMENT_FORMAT, DOCUMENT_VERSION, document_parts
from bostadcli.export.stream import show_pnr
from bostadcli.i18n import _

if TYPE_CHECKING:
    from sqlite_utils import Database


def export_household(
    db: Database,
    ref: str,
    *,
    include_pnr: bool = False,
    recipient: str | None = None,
    landlord: str | None = None,
    as_of: date,
    command: str,
    today: date | None = None,
) -> dict[str, Any]:
    """One case with everything recorded about it, as one JSON-ready document.

    The document keeps the stored values (money in öre, ISO dates, timestamps, ids for
    rows that point at each other) so ``import_household`` rebuilds the case as it was.
    Landlords are named, not numbered: the household's own in ``landlord``, the others
    its plans and supports name in ``landlords``. Letters travel as records; their
    files stay where they were written. With a ``recipient`` outside social services
    the case needs consent for it valid on the real date ``today`` (not ``as_of``); for
    a landlord, ``landlord`` must name the household's own landlord.
    """
    from bostadcli.consents import require_consent
    from bostadcli.db import now_utc, one, rows
    from bostadcli.households import household_id

    hid = household_id(db, ref)
    who = recipient_choice(recipient)
    landlord_id = recipient_landlord(db, who, landlord)
    stored = one(db, "SELECT * FROM households WHERE id = ?", [hid])
    if stored is None:
        raise NotFound(_("no household {ref}").format(ref=ref))
    if landlord_id is not None and stored["landlord_id"] != landlord_id:
        raise ConsentRequired(
            _(
                "{ref} is not a tenant of {landlord}: consent to share with the landlord"
                " covers the household's own landlord only"
            ).format(ref=ref, landlord=shown_name(landlord or ""))
        )
    if who is not None:
        require_consent(db, ref, who, today=today)
    household = {k: stored[k] for k in HOUSEHOLD_FIELDS}
    household["reasons"] = [
        r["reason"]
        for r in rows(
            db,
            "SELECT reason FROM household_reasons WHERE household_id = ? ORDER BY reason",
            [hid],
        )
    ]
    landlords: dict[int, dict[str, Any]] = {}

    def landlord_named(landlord_id: int) -> str:
        if landlord_id not in landlords:
            found = one(db, "SELECT * FROM landlords WHERE id = ?", [landlord_id])
            assert found is not None
            landlords[landlord_id] = {k: found[k] for k in LANDLORD_FIELDS}
        return str(landlords[landlord_id]["name"])

    if stored["landlord_id"] is not None:
        landlord_named(stored["landlord_id"])
    document: dict[str, Any] = {
        "format": DOCUMENT_FORMAT,
        "format_version": DOCUMENT_VERSION,
        "exported_at": now_utc(),
        "pnr_included": include_pnr,
        "household": household,
        "landlord": None if stored["landlord_id"] is None else landlords[stored["landlord_id"]],
        "landlords": [],
    }
    count = 1
    for name, part in document_parts().items():
        part_rows = rows(
            db,
            f"SELECT * FROM {part.table} WHERE {part.where} ORDER BY {part.order_by}",
            {"hid": hid},
        )
        for row in part_rows:
            row.pop("household_id", None)
            for key in part.pnr_columns:
                if row.get(key):
                    row[key] = show_pnr(row[key], include_pnr=include_pnr)
            for column, named in part.landlords.items():
                landlord_id = row.pop(column)
                row[named] = None if landlord_id is None else landlord_named(landlord_id)
        document[name] = part_rows
        count += len(part_rows)
    # The other landlords the case's rows name (a plan's creditor, a guarantee's
    # landlord), so the importing installation can add those it does not know.
    document["landlords"] = sorted(
        (v for k, v in landlords.items() if k != stored["landlord_id"]),
        key=lambda v: str(v["name"]).casefold(),
    )
    record_export(
        db,
        command=command,
        table_name="household",
        row_count=count,
        include_pnr=include_pnr,
        recipient=who,
        recipient_name=name_of_landlord(db, landlord_id),
        household_ids=[hid],
    )
    return document
