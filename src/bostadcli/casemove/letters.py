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
    # Which records a letter refers to is declared by its kind (letters/kinds/).
    from bostadcli.letters.registry import renumber_references

    row["params"] = json.dumps(renumber_references(values, renumbered, ids), ensure_ascii=False)
