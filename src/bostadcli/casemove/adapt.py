"""Rows that arrive with a moved case and need this installation's numbers or rules
(``Part.renumber`` and ``Part.adapt`` of the export tables)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bostadcli.errors import InvalidInput
from bostadcli.i18n import _

if TYPE_CHECKING:
    from sqlite_utils import Database


def notice_moved(
    row: dict[str, Any], renumbered: Mapping[str, str], ids: Mapping[str, Mapping[int, int]]
) -> None:
    """A moved notice's recovery deadline by this installation's rule: a document from
    before notified_on kept the day social services received a termination or warning
    in received_on, which is the day it was notified."""
    from bostadcli.dates import parse_date
    from bostadcli.workdays import recovery_deadline

    if "notified_on" not in row and row.get("kind") in ("termination", "warning"):
        row["notified_on"] = row.get("received_on")
    if row.get("kind") != "termination" or (row.get("ground") or "unpaid_rent") != "unpaid_rent":
        return
    served, notified = (
        parse_date(str(row[key]), field=key) if row.get(key) else None
        for key in ("served_on", "notified_on")
    )
    deadline = recovery_deadline(served, notified)
    row["recovery_deadline"] = deadline.isoformat() if deadline else None


def new_plan_ref(db: Database) -> str:
    from bostadcli.plans import allocate_plan_ref

    return allocate_plan_ref(db)


def undertaking_moved(
    row: dict[str, Any], renumbered: Mapping[str, str], ids: Mapping[str, Mapping[int, int]]
) -> None:
    """An undertaking is given to a landlord: one without is no undertaking. (Imported
    after the notices, which it points at.)"""
    if row.get("landlord_id") is None:
        raise InvalidInput("landlord", "", _("missing"))
