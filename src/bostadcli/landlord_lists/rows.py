"""A row of a landlord's list: its cells parsed, and the case it is about found."""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.errors import InvalidInput
from bostadcli.i18n import _
from bostadcli.landlord_lists.headings import ListRow, normalise_heading
from bostadcli.vocab import Reason

if TYPE_CHECKING:
    from sqlite_utils import Database

    from bostadcli.households import ChildSpec
    from bostadcli.money import Money
    from bostadcli.pnr import IdentityNumber

# Excel writes a date cell as "2026-11-03 00:00:00" when the column is a date-time.
_TRAILING_TIME = re.compile(r"^(\S+?)(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)$")
_CHILD_SEPARATORS = re.compile(r"[,;\s]+")
_NO_CHILDREN = {"", "0", "nej", "no", "-", "inga"}
_SOME_CHILDREN = {"ja", "yes", "x"}
_REASONS = {r.value for r in Reason}


# What str.splitlines splits at.
_LINE_BREAK = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


# A list repeats its cells (an empty one most of all): each distinct one is made once.
@functools.lru_cache(maxsize=4096)
def one_line(text: str, joiner: str = " ") -> str:
    # A name or address split over lines in a spreadsheet cell is one line here.
    if _LINE_BREAK.search(text) is None:
        return text.strip()
    return joiner.join(part.strip() for part in text.splitlines() if part.strip())


# A list repeats its dates, amounts and places from row to row: each distinct cell is
# read once (a bounded cache; a cell refused is refused again, with its own line).
@functools.lru_cache(maxsize=4096)
def day_cell(text: str, heading: str) -> date | None:
    from bostadcli.dates import parse_swedish_date

    value = text.strip()
    if not value:
        return None
    match = _TRAILING_TIME.match(value)
    if match is not None:
        value = match.group(1)
    return parse_swedish_date(value, field=heading)


# An amount as most lists write it, "1234", "1234,5" or "1234.50": read as parse_money
# reads it (no suffix, sign, group or third decimal to look at; below its limit).
_PLAIN_AMOUNT = re.compile(r"([0-9]{1,9})(?:[,.]([0-9]{1,2}))?")


@functools.lru_cache(maxsize=4096)
def money_cell(text: str, heading: str) -> Money | None:
    from bostadcli.money import Money, parse_money

    plain = _PLAIN_AMOUNT.fullmatch(text.strip())
    if plain is not None:
        kronor, ore = plain.groups()
        return Money(int(kronor) * 100 + int((ore or "").ljust(2, "0")))
    return parse_money(text, field=heading) if text.strip() else None


@functools.lru_cache(maxsize=4096)
def ground_of(text: str) -> Reason | None:
    value = text.strip()
    if not value:
        return None
    if value in _REASONS:
        return Reason(value)
    key = normalise_heading(value)
    if any(word in key for word in ("hyr", "skuld", "obetal", "betalning")):
        return Reason.unpaid_rent
    if "storning" in key or "stor" in key[:4]:
        return Reason.disturbance
    if any(word in key for word in ("misskot", "vanvard", "skick", "skotsel")):
        return Reason.neglect
    return Reason.other


def children_of(text: str, heading: str, *, part_time: bool) -> tuple[list[ChildSpec], bool]:
    """Birth dates of children, and whether children were reported without them."""
    from bostadcli.households import ChildSpec

    value = text.strip().casefold()
    if value in _NO_CHILDREN:
        return [], False
    if value.isdigit() or value in _SOME_CHILDREN:
        return [], True
    return [
        ChildSpec(birth_date=birth, part_time=part_time)
        for part in _CHILD_SEPARATORS.split(value)
        if part and (birth := day_cell(part, heading)) is not None
    ], False


def refuse_future_children(row: ListRow, children: list[ChildSpec], as_of: date) -> None:
    """A child born after the import day is refused, named by the list's own heading."""
    for child in children:
        if child.birth_date > as_of:
            key = "children_part_time" if child.part_time else "children"
            raise InvalidInput(
                row.heading(key), child.birth_date.isoformat(), _("is in the future")
            )


def co_tenant_number(
    text: str, tenant: IdentityNumber | None, as_of: date, heading: str
) -> IdentityNumber | None:
    """The co-tenant's personnummer, checked; the tenant's own is refused (as
    ``households.add_household`` refuses it: one person cannot be both)."""
    from bostadcli.pnr import parse_typed_pnr

    if not text:
        return None
    # Read now: its century by the real date (``parse_typed_pnr``).
    number = parse_typed_pnr(text, as_of=as_of, field=heading)
    if tenant is not None and number.digits == tenant.digits:
        raise InvalidInput(heading, number.masked(), _("is the tenant's own personnummer"))
    return number


def clean_again(text: str | None, *, field: str) -> str | None:
    """``validate.clean_text`` of a text that is its result already (single line, the
    same length limit): the text itself when it is in NFC. Its first check left no
    control or invisible character, no space but single " " between words and nothing
    longer than the limit, so only NFC could change it (an invisible character removed
    between a letter and its accent joins them) and the check runs again only then."""
    if text is None or unicodedata.is_normalized("NFC", text):
        return text
    return validate.clean_text(text, field=field)


def find_household(
    db: Database, *, pnr: str | None, name: str, street: str | None
) -> tuple[int, str] | None:
    """The open case already known for this person: by personnummer, else address + name."""
    from bostadcli.db import one

    if pnr is not None:
        found = one(
            db,
            "SELECT h.id, h.ref FROM members m JOIN live_households h ON h.id = m.household_id"
            " WHERE m.pnr = ? AND h.status = 'open' ORDER BY h.id LIMIT 1",
            [pnr],
        )
        if found is not None:
            return int(found["id"]), str(found["ref"])
    if street is None:
        return None
    # The same name at the same address, unless both rows name different personnummer.
    found = one(
        db,
        "SELECT h.id, h.ref FROM live_households h JOIN members m ON m.household_id = h.id"
        " WHERE h.street = :street COLLATE NOCASE AND h.status = 'open'"
        " AND m.name = :name COLLATE NOCASE AND m.role IN ('tenant', 'co_tenant')"
        " AND (:pnr IS NULL OR m.pnr IS NULL OR m.pnr = :pnr) ORDER BY h.id LIMIT 1",
        {"street": street, "name": name, "pnr": pnr},
    )
    return (int(found["id"]), str(found["ref"])) if found is not None else None


def recently_closed(
    db: Database, *, pnr: str | None, name: str, street: str | None, since: date
) -> dict[str, Any] | None:
    """The latest case of this person (by personnummer, else address + name) closed on or
    after ``since``."""
    from bostadcli.db import one

    if pnr is not None:
        found = one(
            db,
            "SELECT h.ref, h.closed_on FROM members m JOIN live_households h"
            " ON h.id = m.household_id WHERE m.pnr = ? AND h.status = 'closed'"
            " AND h.closed_on >= ? ORDER BY h.closed_on DESC, h.id DESC LIMIT 1",
            [pnr, since.isoformat()],
        )
        if found is not None:
            return found
    if street is None:
        return None
    return one(
        db,
        "SELECT h.ref, h.closed_on FROM live_households h JOIN members m"
        " ON m.household_id = h.id WHERE h.street = :street COLLATE NOCASE"
        " AND h.status = 'closed' AND h.closed_on >= :since"
        " AND m.name = :name COLLATE NOCASE AND m.role IN ('tenant', 'co_tenant')"
        " AND (:pnr IS NULL OR m.pnr IS NULL OR m.pnr = :pnr)"
        " ORDER BY h.closed_on DESC, h.id DESC LIMIT 1",
        {"street": street, "name": name, "pnr": pnr, "since": since.isoformat()},
    )


def notice_recorded(db: Database, hid: int, served_on: date | None, amount: Money | None) -> bool:
    from bostadcli.db import one

    return (
        one(
            db,
            "SELECT 1 FROM live_notices WHERE household_id = ? AND kind = 'termination'"
            " AND served_on IS ? AND amount_ore IS ?",
            [hid, served_on.isoformat() if served_on else None, amount.ore if amount else None],
        )
        is not None
    )


_name_key = functools.lru_cache(maxsize=4096)(validate.name_key)
# What validate.normalise_name changes besides NFC and invisible characters: a space
# other than " ", two in a row, one at either end.
_UNSPACED = re.compile(r"[^\S ]|  |^ | $")


def _key(text: str) -> str:
    """``validate.name_key``: a text normalise_name leaves as it is (in NFC, no invisible
    character, single plain spaces between words, as every checked name is) is only
    case-folded."""
    if (
        unicodedata.is_normalized("NFC", text)
        and _UNSPACED.search(text) is None
        and (text.isascii() or validate._HAS_INVISIBLE.search(text) is None)
    ):
        return text.casefold()
    return _name_key(text)


def fingerprint_of(**values: Any) -> str:
    """What identifies a row of a landlord's list, whatever file it came in: its values
    as parsed (names normalised, dates and amounts as values, not as typed), so the
    same row in another encoding, with another delimiter, a date written differently
    or "1 234,50" for "1234.50" is the same row."""
    import hashlib

    def plain(value: Any) -> Any:
        kind = type(value)
        if kind is str:
            return _name_key(value)
        if value is None or kind is int:
            return value
        if kind is date:
            return value.isoformat()
        if isinstance(value, str):
            return _name_key(value)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        ore = getattr(value, "ore", None)
        return ore if ore is not None else value

    text = json.dumps({k: plain(v) for k, v in sorted(values.items())}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The JSON text of a string as json.dumps writes it (ASCII, escaped): the same function.
_quoted = json.encoder.encode_basestring_ascii


def row_fingerprint(
    *,
    landlord: str | None,
    name: str,
    pnr: str | None,
    co_tenant: tuple[str, str],
    street: str | None,
    postal_code: str | None,
    city: str,
    contract: str,
    rent: Money | None,
    amount: Money | None,
    terminated_on: date | None,
    served_on: date | None,
    notified_on: date | None,
    ground: str,
    children: list[tuple[date, bool]],
    note: str,
) -> str:
    """``fingerprint_of`` of a row's values, its JSON text written directly: the same
    text (keys in order, the separators and escapes of ``json.dumps``), the same hash."""
    import hashlib

    city_, co_name, co_pnr, contract_, ground_, landlord_, name_, note_, code, street_ = [
        "null" if v is None else _quoted(_key(v)) if v else '""'
        for v in (
            city,
            co_tenant[0],
            co_tenant[1],
            contract,
            ground,
            landlord,
            name,
            note,
            postal_code,
            street,
        )
    ]
    # A personnummer's 12 digits are their own name_key.
    if pnr is None:
        pnr_ = "null"
    elif pnr.isascii() and pnr.isdigit():
        pnr_ = f'"{pnr}"'
    else:
        pnr_ = _quoted(_key(pnr))
    terminated, served, notified = [
        "null" if d is None else f'"{d.isoformat()}"'
        for d in (terminated_on, served_on, notified_on)
    ]
    kids = ", ".join(f'["{d.isoformat()}", {"true" if part else "false"}]' for d, part in children)
    text = (
        f'{{"amount": {"null" if amount is None else amount.ore}, "children": [{kids}],'
        f' "city": {city_}, "co_tenant": [{co_name}, {co_pnr}], "contract": {contract_},'
        f' "ground": {ground_}, "landlord": {landlord_}, "name": {name_}, "note": {note_},'
        f' "notified_on": {notified}, "pnr": {pnr_}, "postal_code": {code},'
        f' "rent": {"null" if rent is None else rent.ore}, "served_on": {served},'
        f' "street": {street_}, "terminated_on": {terminated}}}'
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def row_imported(db: Database, fingerprint: str) -> str | None:
    """The case a row made its notice in, if the row was imported before."""
    found = db.execute(
        "SELECT h.ref FROM imported_rows r JOIN households h ON h.id = r.household_id"
        " WHERE r.fingerprint = ?",
        [fingerprint],
    ).fetchone()
    return str(found[0]) if found else None


def remember_row(db: Database, fingerprint: str, hid: int, notice_id: int) -> None:
    from bostadcli.db import now_utc

    db.execute(
        "INSERT OR IGNORE INTO imported_rows (fingerprint, household_id, notice_id, imported_at)"
        " VALUES (?, ?, ?, ?)",
        [fingerprint, hid, notice_id, now_utc()],
    )
