"""``bostad import household``: a case rebuilt from its document under a new reference."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.casemove.checks import check_document_rules, check_vocab, with_partner_of_tenant
from bostadcli.casemove.fields import HOUSEHOLD_FIELDS, HOUSEHOLD_VOCAB
from bostadcli.casemove.landlords import landlord_details, landlord_id_for
from bostadcli.errors import Conflict, InvalidInput
from bostadcli.export.registry import DOCUMENT_FORMAT, DOCUMENT_VERSION, Part, document_parts
from bostadcli.files import read_bounded
from bostadcli.i18n import _
from bostadcli.vocab import LetterLanguage, Reason

if TYPE_CHECKING:
    from sqlite_utils import Database

# One case's document is read whole into memory: a few hundred kB at most in practice.
DOCUMENT_MAX_BYTES = 50_000_000


def read_document(stream: IO[bytes], *, source: str) -> dict[str, Any]:
    data = read_bounded(stream, limit=DOCUMENT_MAX_BYTES, field=source)
    try:
        document = json.loads(data)
    except RecursionError:
        raise InvalidInput(source, "", _("nested too deeply to be a case document")) from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            source, f"line {exc.lineno}", _("not a JSON document: {error}").format(error=exc.msg)
        ) from None
    except UnicodeDecodeError:
        raise InvalidInput(source, "", _("not UTF-8 text")) from None
    except ValueError as exc:  # e.g. a number with more digits than Python converts
        raise InvalidInput(
            source, "", _("not a JSON document: {error}").format(error=exc)
        ) from None
    if not isinstance(document, dict):
        raise InvalidInput(source, type(document).__name__, _("expected a JSON object"))
    return document


def _table_columns(db: Database, table: str) -> set[str]:
    return {str(r[1]) for r in db.execute(f"PRAGMA table_info([{table}])").fetchall()}


def _insert(db: Database, table: str, record: dict[str, Any], where: str) -> int:
    import sqlite3

    unknown = set(record) - _table_columns(db, table)
    if unknown:
        raise InvalidInput(
            where,
            ", ".join(sorted(unknown)),
            _("fields this installation does not know; upgrade bostadcli"),
        )
    names = list(record)
    try:
        cursor = db.execute(
            f"INSERT INTO [{table}] ({', '.join(f'[{n}]' for n in names)})"
            f" VALUES ({', '.join('?' for _n in names)})",
            [record[n] for n in names],
        )
    except (sqlite3.IntegrityError, sqlite3.InterfaceError, sqlite3.ProgrammingError) as exc:
        raise InvalidInput(
            where, "", _("not accepted by the database: {error}").format(error=exc)
        ) from None
    return int(cursor.lastrowid or 0)


def _checked_row(
    db: Database, table: str, row: dict[str, Any], at: str, *, skip: Iterable[str] = ()
) -> dict[str, Any]:
    """Every field of a document row through the command line's validators
    (``fields.check_field``), except ``skip`` (ids mapped by the caller)."""
    from bostadcli.fields import check_field

    types = {str(r[1]): str(r[2]) for r in db.execute(f"PRAGMA table_info([{table}])").fetchall()}
    unknown = set(row) - set(types)
    if unknown:
        raise InvalidInput(
            at,
            ", ".join(sorted(unknown)),
            _("fields this installation does not know; upgrade bostadcli"),
        )
    skipped = set(skip)
    return {
        key: value
        if key in skipped
        else check_field(table, key, value, f"{at}.{key}", sql_type=types[key])
        for key, value in row.items()
    }


def import_household(
    db: Database,
    document: Mapping[str, Any],
    *,
    source: str,
    as_of: date,
    today: date | None = None,
) -> dict[str, Any]:
    """Rebuild a case from its document under a new reference; returns what was made.

    The reference it had is kept in ``origin_ref``; so are the references of its plans,
    which get new ones here too (``renumbered``: old → new). Landlords are matched by
    name, or added from the document. Letter records arrive without their files, which
    stay in the installation that wrote them. Importing the same document twice is
    refused (a Conflict naming the case it became). The rules the commands keep between
    fields are checked first (``checks.check_document_rules``), against ``today``, the
    real date unless given.
    """
    from bostadcli.dates import real_today
    from bostadcli.db import transaction

    header = _read_header(document, source)
    move = _Move(
        db,
        source=source,
        as_of=as_of,
        pnr_included=header.pnr_included,
        details=landlord_details(document, source),
    )
    document = with_partner_of_tenant(document)
    check_document_rules(document, source, today or real_today())
    counts: dict[str, int] = {}
    with transaction(db):
        _refuse_imported_twice(db, header, source)
        ref = move.household(header, document.get("landlord"))
        # Parts that point into others' numbers by value come after everything else, so
        # the numbers they name are known; the letters last of all, after the records
        # they name (supports, undertakings) that are themselves adapted.
        parts = sorted(
            document_parts().items(),
            key=lambda item: (item[1].adapt is not None, item[0] == "letters"),
        )
        for name, part in parts:
            counts[name] = move.part(name, part, document.get(name))
        if move.added_landlords:
            counts["landlords"] = move.added_landlords
    return {
        "ref": ref,
        "origin_ref": header.origin,
        "counts": counts,
        "pnr_included": header.pnr_included,
        "renumbered": move.renumbered,
    }


# The top-level fields of a document besides its parts.
_DOCUMENT_FIELDS = {
    "format",
    "format_version",
    "exported_at",
    "pnr_included",
    "household",
    "landlord",
    "landlords",
}


@dataclass(frozen=True)
class _Header:
    """What a document says about the case as a whole, checked."""

    household: dict[str, Any]
    origin: str
    opened: date
    pnr_included: bool
    reasons: list[Any]


def _read_header(document: Mapping[str, Any], source: str) -> _Header:
    """The document's format and version, its parts, and its household's reference,
    opening day and reasons, each refused with the field named."""
    from bostadcli.dates import parse_date

    if document.get("format") != DOCUMENT_FORMAT:
        raise InvalidInput(source, str(document.get("format")), _("not a household document"))
    version = document.get("format_version")
    if not isinstance(version, int) or version > DOCUMENT_VERSION or version < 1:
        raise InvalidInput(source, str(version), _("a document version this bostadcli cannot read"))
    extra = set(document) - _DOCUMENT_FIELDS - set(document_parts())
    if extra:
        raise InvalidInput(
            source, ", ".join(sorted(extra)), _("parts this installation does not know")
        )
    household = document.get("household")
    if not isinstance(household, dict):
        raise InvalidInput(source, "household", _("missing"))
    where = f"{source}: household"
    check_vocab(household, HOUSEHOLD_VOCAB, where)
    origin = household.get("ref")
    if not isinstance(origin, str) or not origin:
        raise InvalidInput(where, "ref", _("missing"))
    origin = validate.case_ref(origin, field=f"{where}.ref")
    opened_text = household.get("opened_on")
    if not isinstance(opened_text, str):
        raise InvalidInput(f"{where}.opened_on", str(opened_text)[:80], _("missing"))
    opened = parse_date(opened_text, field=f"{where}.opened_on")
    pnr_included = document.get("pnr_included", False)
    if not isinstance(pnr_included, bool):
        raise InvalidInput(
            f"{source}: pnr_included", str(pnr_included)[:80], _("expected true or false")
        )
    reasons = household.get("reasons") or []
    if not isinstance(reasons, list):
        raise InvalidInput(f"{where}.reasons", str(reasons)[:80], _("expected a list"))
    return _Header(household, origin, opened, pnr_included, reasons)


def _refuse_imported_twice(db: Database, header: _Header, source: str) -> None:
    from bostadcli.db import one

    earlier = one(
        db,
        "SELECT ref FROM households WHERE origin_ref = ? AND opened_on = ?",
        [header.origin, header.opened.isoformat()],
    )
    if earlier is not None:
        raise Conflict(
            _("{file}: case {origin} was imported already, as {ref}").format(
                file=source, origin=header.origin, ref=earlier["ref"]
            )
        )


@dataclass
class _Move:
    """One document's rows on their way in: the new household's id, the new numbers of
    the rows imported so far (by part, old → new), and the plans renumbered."""

    db: Database
    source: str
    as_of: date
    pnr_included: bool
    details: dict[str, dict[str, Any]]
    hid: int = 0
    added_landlords: int = 0
    ids: dict[str, dict[int, int]] = field(default_factory=dict)
    renumbered: dict[str, str] = field(default_factory=dict)

    def landlord_id(self, name: str, at: str) -> int:
        found, added = landlord_id_for(self.db, name, self.details, at)
        self.added_landlords += added
        return found

    def household(self, header: _Header, landlord: Any) -> str:
        """Insert the household and its reasons; returns its new reference."""
        from bostadcli.db import now_utc
        from bostadcli.households import allocate_ref

        where = f"{self.source}: household"
        household = header.household
        record = _checked_row(
            self.db,
            "households",
            {k: household.get(k) for k in HOUSEHOLD_FIELDS if k != "ref"},
            where,
        )
        record["origin_ref"] = header.origin
        # Documents from before letter languages carry none: Swedish, as everywhere else.
        record["letter_language"] = record.get("letter_language") or LetterLanguage.sv.value
        now = now_utc()
        record["created_at"] = record.get("created_at") or now
        record["updated_at"] = record.get("updated_at") or now
        if landlord:
            record["landlord_id"] = self.landlord_id(
                str(landlord["name"]), f"{self.source}: landlord"
            )
        record["ref"] = allocate_ref(self.db, header.opened)
        self.hid = _insert(self.db, "households", record, where)
        for i, reason in enumerate(header.reasons):
            if not isinstance(reason, str):
                raise InvalidInput(f"{where}.reasons[{i}]", str(reason)[:80], _("expected text"))
            validate.choice(Reason, reason, field=f"{where}.reasons[{i}]")
            _insert(
                self.db, "household_reasons", {"household_id": self.hid, "reason": reason}, where
            )
        return str(record["ref"])

    def part(self, name: str, part: Part, items: Any) -> int:
        """Insert a part's rows; returns how many."""
        self.ids[name] = {}
        items = items or []
        if not isinstance(items, list):
            raise InvalidInput(self.source, name, _("expected a list"))
        columns = _table_columns(self.db, part.table)
        for i, item in enumerate(items):
            at = f"{self.source}: {name}[{i}]"
            if not isinstance(item, dict):
                raise InvalidInput(at, type(item).__name__, _("expected a JSON object"))
            row = _part_row(self.db, part, item, at)
            old_id = row.pop("id", None)
            if "household_id" in columns:
                row["household_id"] = self.hid
            self._renumber(part, row, at)
            new_id = _insert(self.db, part.table, row, at)
            if isinstance(old_id, int):
                self.ids[name][old_id] = new_id
        return len(items)

    def _renumber(self, part: Part, row: dict[str, Any], at: str) -> None:
        """Give a row this installation's numbers: the rows it points at, its landlords,
        its own reference; then adapt it and read its personnummer."""
        from bostadcli.pnr import parse_pnr

        for key, target in part.refs.items():
            if row.get(key) is not None:
                if row[key] not in self.ids.get(target, {}):
                    raise InvalidInput(at, f"{key}={row[key]}", _("points at nothing"))
                row[key] = self.ids[target][row[key]]
        for column, named in part.landlords.items():
            # Only the name travels: an id from the document would point at
            # whichever landlord has that number here.
            row.pop(column, None)
            landlord_name = row.pop(named, None)
            if landlord_name is not None:
                row[column] = self.landlord_id(str(landlord_name), f"{at}.{named}")
        if part.renumber is not None:
            old_ref = row.get("ref")
            row["origin_ref"] = old_ref
            row["ref"] = part.renumber(self.db)
            if isinstance(old_ref, str):
                self.renumbered[old_ref] = row["ref"]
        if part.adapt is not None:
            try:
                part.adapt(row, self.renumbered, self.ids)
            except InvalidInput as exc:
                raise exc.located(at) from None
        for key in part.pnr_columns:
            value = row.get(key)
            if value and self.pnr_included:
                row[key] = parse_pnr(str(value), as_of=self.as_of, field=f"{at}.{key}").digits
            else:
                # A masked number ("19800101-****") is no number; the birth date
                # is carried separately.
                row[key] = None


def _part_row(db: Database, part: Part, item: dict[str, Any], at: str) -> dict[str, Any]:
    """A part's row from the document, its fields checked as the commands check them,
    with the names of its landlords in place of their ids."""
    row = dict(item)
    row.pop("household_id", None)
    landlord_names = {v: row.pop(v, None) for v in part.landlords.values()}
    for column in part.landlords:
        row.pop(column, None)
    row = _checked_row(db, part.table, row, at, skip=part.pnr_columns)
    check_vocab(row, part.vocab, at)
    for key in part.pnr_columns:
        if row.get(key) is not None and not isinstance(row[key], str):
            raise InvalidInput(f"{at}.{key}", str(row[key])[:80], _("expected text"))
    for key, value in landlord_names.items():
        if value is not None and not isinstance(value, str):
            raise InvalidInput(f"{at}.{key}", str(value)[:80], _("expected text"))
    row |= {k: v for k, v in landlord_names.items() if v is not None}
    return row
