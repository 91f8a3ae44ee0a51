"""Letter records arriving with a moved case (``Part.adapt`` of the letters table).

The references a letter's parameters name (its plan, its supports) follow the move.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bostadcli.errors import InvalidInput
from bostadcli.i18n import _


def letter_moved(
    row: dict[str, Any], renumbered: Mapping[str, str], ids: Mapping[str, Mapping[int, int]]
) -> None:
    """A letter record arriving with a moved case: the file stays behind, and the plan
    and the supports it is about have a new reference and new numbers."""
    import json

    # A path means nothing here, and a path from a file must never be written to or
    # deleted (a monthly rerun re-creates missing letter files, purge deletes them).
    # Empty, not NULL: 'no file in this installation' to every reader of the column.
    row["file"] = ""
    params = row.get("params")
    if params is None:
        return
    try:
        values = json.loads(params) if isinstance(params, str) else None
    except json.JSONDecodeError:
        values = None
    if not isinstance(values, dict):
        raise InvalidInput("params", str(params), _("expected a JSON object"))
    plan = values.get("plan")
    if plan is not None:
        if plan not in renumbered:
            raise InvalidInput("params", f"plan={plan}", _("points at nothing"))
        values["plan"] = renumbered[plan]
    moved = ids.get("supports", {})

    def support_id(old: object) -> int:
        try:
            number = int(str(old).strip())
        except ValueError:
            number = -1
        if number not in moved:
            raise InvalidInput("params", f"support={old}", _("points at nothing"))
        return moved[number]

    # The batch records the supports a support_ending letter named (so each gets one
    # letter); --param support=ID[,ID] names them by hand. Both follow the move.
    if isinstance(values.get("supports"), list):
        values["supports"] = [support_id(v) for v in values["supports"]]
    if values.get("support") is not None:
        values["support"] = ",".join(
            str(support_id(v)) for v in str(values["support"]).split(",") if v.strip()
        )
    row["params"] = json.dumps(values, ensure_ascii=False)
