"""``bostad export household``: one case with everything recorded about it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli.casemove.fields import HOUSEHOLD_FIELDS, LANDLORD_FIELDS
from bostadcli.errors import ConsentRequired, NotFound
from bostadcli.errors import shown as shown_name
from bostadcli.export.consent import (
    name_of_landlord,
    recipient_choice,
    recipient_landlord,
    recipient_named,
    recorded_name,
)
from bostadcli.export.log import record_export
from bostadcli.export.registry import DOCUMENT_FORMAT, DOCUMENT_VERSION, document_parts
from bostadcli.export.stream import show_pnr
from bostadcli.i18n import _

if TYPE_CHECKING:
    from sqlite_utils import Database

    from bostadcli.vocab import Recipient


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
    recipient_name: str | None = None,
) -> dict[str, Any]:
    """One case with everything recorded about it, as one JSON-ready document.

    The document keeps the stored values (money in öre, ISO dates, timestamps, ids for
    rows that point at each other) so ``import_household`` rebuilds the case as it was.
    Landlords are named, not numbered: the household's own in ``landlord``, the others
    its plans and supports name in ``landlords``. Letters travel as records; their
    files stay where they were written. With a ``recipient`` outside social services
    the case needs consent for it valid on the real date ``today`` (not ``as_of``); for
    a landlord, ``landlord`` must name the household's own landlord; for a debt collector
    or another recipient, ``recipient_name`` names the recipient the consent is for.
    """
    from bostadcli.db import now_utc
    from bostadcli.households import household_id

    hid = household_id(db, ref)
    who = recipient_choice(recipient)
    landlord_id = recipient_landlord(db, who, landlord)
    named = recipient_named(who, recipient_name)
    stored = _shared_household(db, hid, ref, who, landlord_id, landlord, named, today)
    if who is not None and named is not None:
        named = recorded_name(db, who, named, today=today)  # as the consent names it
    landlords = _Landlords(db)
    own = stored["landlord_id"]
    document: dict[str, Any] = {
        "format": DOCUMENT_FORMAT,
        "format_version": DOCUMENT_VERSION,
        "exported_at": now_utc(),
        "pnr_included": include_pnr,
        "household": _household(db, stored, hid),
        "landlord": None if own is None else landlords.details(own),
        "landlords": [],
    }
    count = 1 + _add_parts(db, document, hid, include_pnr=include_pnr, landlords=landlords)
    # The other landlords the case's rows name (a plan's creditor, a guarantee's
    # landlord), so the importing installation can add those it does not know.
    document["landlords"] = landlords.others(own)
    record_export(
        db,
        command=command,
        table_name="household",
        row_count=count,
        include_pnr=include_pnr,
        recipient=who,
        recipient_name=name_of_landlord(db, landlord_id) or named,
        household_ids=[hid],
    )
    return document


def _shared_household(
    db: Database,
    hid: int,
    ref: str,
    who: Recipient | None,
    landlord_id: int | None,
    landlord: str | None,
    named: str | None,
    today: date | None,
) -> dict[str, Any]:
    """The household's row, once the case may go to ``who`` (consent on ``today``; for
    a landlord, only the household's own; for a debt collector or another recipient,
    consent to the one named ``named``)."""
    from bostadcli.consents import require_consent
    from bostadcli.db import one

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
        require_consent(db, ref, who, today=today, name=named)
    return stored


def _household(db: Database, stored: dict[str, Any], hid: int) -> dict[str, Any]:
    from bostadcli.db import rows

    household = {k: stored[k] for k in HOUSEHOLD_FIELDS}
    household["reasons"] = [
        r["reason"]
        for r in rows(
            db,
            "SELECT reason FROM household_reasons WHERE household_id = ? ORDER BY reason",
            [hid],
        )
    ]
    return household


class _Landlords:
    """The landlords a document names, with their details, by id."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.found: dict[int, dict[str, Any]] = {}

    def details(self, landlord_id: int) -> dict[str, Any]:
        from bostadcli.db import one

        if landlord_id not in self.found:
            found = one(self.db, "SELECT * FROM landlords WHERE id = ?", [landlord_id])
            assert found is not None
            self.found[landlord_id] = {k: found[k] for k in LANDLORD_FIELDS}
        return self.found[landlord_id]

    def named(self, landlord_id: int) -> str:
        return str(self.details(landlord_id)["name"])

    def others(self, own: int | None) -> list[dict[str, Any]]:
        """Every landlord named but the household's own, by name."""
        return sorted(
            (v for k, v in self.found.items() if k != own),
            key=lambda v: str(v["name"]).casefold(),
        )


def _add_parts(
    db: Database,
    document: dict[str, Any],
    hid: int,
    *,
    include_pnr: bool,
    landlords: _Landlords,
) -> int:
    """Every part's rows into ``document``, landlords named; returns how many rows."""
    from bostadcli.db import rows

    count = 0
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
                row[named] = None if landlord_id is None else landlords.named(landlord_id)
        document[name] = part_rows
        count += len(part_rows)
    return count
