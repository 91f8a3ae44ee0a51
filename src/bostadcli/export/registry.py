"""The export table registry: what each table is, and how its rows travel in a
household document.

A table is exportable when it has an entry here (``register(ExportTable(…))``, the
entries are in ``export.tables`` and ``export.plan_tables``): a query, the columns it
yields with their meaning, which of its dates ``--since`` compares with, and how its
rows travel inside a household document. The CLI makes one ``bostad export TABLE``
command per entry, and ``bostad export schema`` prints the columns, so a new table is
one entry and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli.errors import InvalidInput
from bostadcli.i18n import _
from bostadcli.tabular import Column
from bostadcli.vocab import CaseStatus, Vocab

if TYPE_CHECKING:
    from sqlite_utils import Database

# The household document: bump the version when a change would make an older
# bostadcli misread a newer file; importing refuses versions it does not know.
# Version 2 added plans (with installments and payments), letters, supports, and the
# landlords those name besides the household's own; version 1 documents still import.
DOCUMENT_FORMAT = "bostadcli-household"
DOCUMENT_VERSION = 2


@dataclass(frozen=True)
class Part:
    """How a table's rows travel inside a household document.

    ``where`` selects the household's rows (``:hid`` is the household's id); ``refs``
    names columns that hold ids of another part's rows, renumbered on import (a part
    may point at itself: rows are imported in ``order_by`` order, so the row pointed
    at must come first); ``vocab`` names columns whose codes must be known to the
    importing installation; ``pnr_columns`` are masked unless personnummer are included.

    ``landlords`` maps a column holding a landlord's id to the document field that
    carries the landlord's name instead: ids mean nothing in another installation,
    names are matched there (the landlord's details travel in the document's
    ``landlord`` or ``landlords``). ``renumber`` gives a row that has its own
    reference (``ref``, e.g. a plan's P-NNNN) a new one from the importing
    installation's sequence; the old one is kept in ``origin_ref``. ``adapt`` changes
    a row for the importing installation, given the references renumbered so far
    (old → new).
    """

    table: str
    where: str = "household_id = :hid"
    order_by: str = "id"
    refs: Mapping[str, str] = field(default_factory=dict)
    vocab: Mapping[str, type[Vocab]] = field(default_factory=dict)
    pnr_columns: tuple[str, ...] = ()
    landlords: Mapping[str, str] = field(default_factory=dict)
    renumber: Callable[[Database], str] | None = None
    adapt: (
        Callable[[dict[str, Any], Mapping[str, str], Mapping[str, Mapping[int, int]]], None] | None
    ) = None


@dataclass(frozen=True)
class ExportTable:
    """One exportable table.

    ``sql`` has a ``{where}`` slot and may use ``:as_of``, ``:cutoff`` (children are born
    after it) and ``:window`` (the oldest passed deadline still shown as next).
    ``since`` and ``status`` are SQL expressions for ``--since`` and ``--status``
    (None: the table has no such filter). ``derive`` adds fields computed in Python.
    Column kinds: text, int, date, money (öre + formatted), pnr (masked unless asked),
    bool (0/1 → true/false), list (comma-separated → list).
    """

    name: str
    description: str
    sql: str
    columns: tuple[Column, ...]
    since: str | None = None
    since_meaning: str = ""
    status: str | None = None
    derive: Callable[[dict[str, Any], date], None] | None = None
    part: Part | None = None

    @property
    def has_pnr(self) -> bool:
        return any(c.kind == "pnr" for c in self.columns)

    @property
    def has_cases(self) -> bool:
        """Whether rows belong to cases (they carry the case reference, ``ref``)."""
        return any(c.key == "ref" for c in self.columns)


TABLES: dict[str, ExportTable] = {}


def register(table: ExportTable) -> ExportTable:
    if table.name in TABLES:
        raise ValueError(f"export table {table.name!r} registered twice")
    TABLES[table.name] = table
    return table


def col(key: str, meaning: str, kind: str = "text", *, name: str | None = None) -> Column:
    """An export column; ``meaning`` is English source text, translated when shown."""
    return Column(key=key, heading=key, kind=kind, name=name, description=meaning)


def get_table(name: str) -> ExportTable:
    try:
        return TABLES[name]
    except KeyError:
        raise InvalidInput(
            "table", name, _("must be one of: {allowed}").format(allowed=", ".join(TABLES))
        ) from None


def document_parts() -> dict[str, Part]:
    """The parts of a household document, by name, in the order they are imported."""
    return {name: t.part for name, t in TABLES.items() if t.part is not None}


def _params(as_of: date) -> dict[str, Any]:
    from bostadcli.households import figure_params

    return figure_params(as_of)


def query(
    table: ExportTable, *, as_of: date, since: date | None, status: str | None
) -> tuple[str, dict[str, Any]]:
    """The table's SQL with the ``--since`` and ``--status`` filters, and its parameters."""
    where = ["1 = 1"]
    params = _params(as_of)
    if since is not None:
        if table.since is None:
            raise InvalidInput("--since", since.isoformat(), _("this table has no date to filter"))
        where.append(f"{table.since} >= :since")
        params["since"] = since.isoformat()
    if status is not None and status != "all":
        if table.status is None:
            raise InvalidInput("--status", status, _("this table has no case status to filter"))
        code = status_choice(status)
        where.append(f"{table.status} = :status")
        params["status"] = code
    return table.sql.format(where=" AND ".join(where)), params


def status_choice(status: str) -> str:
    allowed = [s.value for s in CaseStatus] + ["all"]
    if status not in allowed:
        raise InvalidInput(
            "--status", status, _("must be one of: {allowed}").format(allowed=", ".join(allowed))
        )
    return status


def schema_markdown() -> str:
    """The columns of every export table and what they mean, as Markdown."""
    lines: list[str] = []
    for table in TABLES.values():
        lines += [f"#### `{table.name}`", "", _(table.description), ""]
        if table.since:
            lines += [_("`--since DATE`: {meaning} DATE.").format(meaning=_(table.since_meaning))]
        if table.status:
            lines += [_("`--status open|closed|all`: the status of the case.")]
        lines += ["", "| " + _("column") + " | " + _("meaning") + " |", "|---|---|"]
        for c in table.columns:
            lines.append(f"| `{c.key}` | {_(c.description)} |")
            if c.kind == "money":
                lines.append(
                    f"| `{c.formatted_name}` | "
                    + _("{key} formatted, e.g. 14 900 kr").format(key=c.key)
                    + " |"
                )
        lines.append("")
    return "\n".join(lines)
