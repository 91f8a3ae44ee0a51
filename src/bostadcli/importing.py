"""Imports: landlords' lists of tenants at risk, and a case moved from another installation.

A landlord's list is whatever their system or Excel wrote: semicolons or commas,
Windows-1252 or UTF-8 with or without a byte-order mark, decimal commas, Swedish
headings in many spellings. Each row becomes a new case with its termination notice,
or a new notice on the open case already known for that person; a row already
recorded changes nothing, so importing the same list twice adds nothing.

All or nothing: the whole file is one transaction, and the first bad row stops it
with the file, line and column named. A dry run does the same work and rolls back.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.errors import BostadError, Conflict, InvalidInput
from bostadcli.files import copy_bounded, read_bounded
from bostadcli.i18n import N_, _
from bostadcli.rules import RECENTLY_CLOSED_MONTHS
from bostadcli.vocab import LetterLanguage, NoticeKind, Reason, Source

# A landlord's list of 100 000 tenants is some 20 MB; a file far beyond that is a
# mistake (a disk image, /dev/zero through a pipe), refused before it fills the disk.
IMPORT_MAX_BYTES = 500_000_000
# One case's document is read whole into memory: a few hundred kB at most in practice.
DOCUMENT_MAX_BYTES = 50_000_000

if TYPE_CHECKING:
    from sqlite_utils import Database

    from bostadcli.households import ChildSpec
    from bostadcli.money import Money

ENCODINGS = ("auto", "utf-8", "cp1252")
DELIMITERS = ("auto", ";", ",", "\t")

# Headings as landlords write them, after normalising (see normalise_heading): lower
# case, å/ä/ö without their dots and rings, no spaces or punctuation.
HEADINGS: dict[str, tuple[str, ...]] = {
    "tenant_name": (
        "namn",
        "hyresgast",
        "hyresgastnamn",
        "hyresgastensnamn",
        "kund",
        "kundnamn",
        "fulltnamn",
        "name",
        "tenant",
    ),
    "first_name": ("fornamn", "firstname"),
    "last_name": ("efternamn", "lastname"),
    "pnr": (
        "personnummer",
        "pnr",
        "personnr",
        "persnr",
        "pernr",
        "samordningsnummer",
        "personsamordningsnummer",
        "personnummersamordningsnummer",
        "idnummer",
        "personid",
    ),
    "co_tenant_name": ("medhyresgast", "namn2", "hyresgast2", "cotenant"),
    "co_tenant_pnr": (
        "personnummer2",
        "pnr2",
        "personnr2",
        "medhyresgastpersonnummer",
        "personnummermedhyresgast",
        "medhyresgastpnr",
    ),
    "street": (
        "adress",
        "gatuadress",
        "gata",
        "utdelningsadress",
        "lagenhetsadress",
        "bostadsadress",
        "address",
        "street",
    ),
    "postal_code": ("postnr", "postnummer", "postalcode"),
    "city": ("ort", "postort", "stad", "city"),
    "rent": (
        "hyra",
        "manadshyra",
        "hyraman",
        "hyrapermanad",
        "hyrakr",
        "manadshyrakr",
        "aktuellhyra",
        "rent",
    ),
    "amount": (
        "skuld",
        "hyresskuld",
        "belopp",
        "skuldkr",
        "beloppkr",
        "hyresskuldkr",
        "obetaldhyra",
        "utestaende",
        "utestaendebelopp",
        "restskuld",
        "fordran",
        "attbetala",
        "amount",
        "arrears",
    ),
    "terminated_on": ("uppsagning", "uppsagningsdatum", "uppsagd", "uppsagtdatum", "uppsagden"),
    "served_on": (
        "delgiven",
        "delgivningsdatum",
        "delgivning",
        "delgivendatum",
        "delgivningsdag",
        "delgivet",
        "served",
    ),
    "notified_on": (
        "underrattad",
        "underrattelsedatum",
        "socialnamndenunderrattad",
        "meddelandetillsocialnamnden",
        "meddeladsocialnamnden",
        "meddelad",
        "notified",
    ),
    "contract_number": (
        "kontrakt",
        "kontraktsnummer",
        "kontraktsnr",
        "kontraktnr",
        "objektnr",
        "objektnummer",
        "objekt",
        "lagenhetsnummer",
        "lghnr",
        "avtalsnummer",
    ),
    "ground": ("orsak", "skal", "grund", "uppsagningsgrund", "anledning", "ground"),
    "children": ("barn", "antalbarn", "barnunder18", "hemmavarandebarn", "children"),
    "children_part_time": (
        "barnvaxelvis",
        "vaxelvisbarn",
        "barndeltid",
        "umgangesbarn",
        "barnvaxelvisboende",
    ),
    "landlord": ("hyresvard", "vard", "fastighetsagare", "bolag", "landlord"),
    "note": ("anteckning", "kommentar", "ovrigt", "notering", "meddelande", "note"),
    # Named with --map COLUMN=ignore: a known column to skip without a warning.
    "ignore": (),
}
FIELDS = tuple(HEADINGS)
MEANINGS: dict[str, str] = {
    "tenant_name": N_("the tenant's name (required, or first_name and last_name)"),
    "first_name": N_("the tenant's first name, joined with last_name"),
    "last_name": N_("the tenant's last name"),
    "pnr": N_("the tenant's personnummer or samordningsnummer"),
    "co_tenant_name": N_("a co-tenant's name"),
    "co_tenant_pnr": N_("the co-tenant's personnummer"),
    "street": N_("street address; lines in one cell are joined with ', '"),
    "postal_code": N_("postal code, five digits"),
    "city": N_("city"),
    "rent": N_("monthly rent"),
    "amount": N_("the debt to pay to keep the home: the notice's amount and the arrears"),
    "terminated_on": N_("date of the termination"),
    "served_on": N_("the day the tenant was served; with notified_on it gives the deadline"),
    "notified_on": N_(
        "the day social services was notified of the termination (default: the import day)"
    ),
    "contract_number": N_("the landlord's contract or object number"),
    "ground": N_("unpaid rent, disturbance, neglect (free text is recognised and kept)"),
    "children": N_("birth dates of children living there; a number or 'ja' goes to the note"),
    "children_part_time": N_("birth dates of children living there part of the time"),
    "landlord": N_("the landlord's name, if it differs per row (else --landlord)"),
    "note": N_("a note, kept on the notice"),
    "ignore": N_("a column to skip without a warning (only with --map)"),
}
_ALIASES = {alias: name for name, aliases in HEADINGS.items() for alias in aliases}

# Excel writes a date cell as "2026-11-03 00:00:00" when the column is a date-time.
_TRAILING_TIME = re.compile(r"^(\S+?)(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)$")
_CHILD_SEPARATORS = re.compile(r"[,;\s]+")
_NO_CHILDREN = {"", "0", "nej", "no", "-", "inga"}
_SOME_CHILDREN = {"ja", "yes", "x"}


def headings_markdown() -> str:
    """The fields of a landlord's list and the headings recognised for each, as Markdown."""
    lines = [
        "| "
        + _("field (for --map)")
        + " | "
        + _("headings recognised")
        + " | "
        + _("meaning")
        + " |",
        "|---|---|---|",
    ]
    for name, aliases in HEADINGS.items():
        shown = ", ".join(aliases) if aliases else "—"
        lines.append(f"| `{name}` | {shown} | {_(MEANINGS[name])} |")
    return "\n".join(lines) + "\n"


def normalise_heading(text: str) -> str:
    """``Uppsägnings-datum`` → ``uppsagningsdatum``: what headings are compared as."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


@dataclass
class ImportSummary:
    """What an import did (or, in a dry run, would do)."""

    source: str
    encoding: str = ""
    delimiter: str = ""
    dry_run: bool = False
    rows: int = 0
    new_households: int = 0
    notices_on_known: int = 0
    unchanged: int = 0
    blank_rows: int = 0
    children_without_birth_dates: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    new_landlords: list[str] = field(default_factory=list)
    first_ref: str | None = None
    last_ref: str | None = None
    # The rows behind each count: (line, case reference).
    new_household_rows: list[tuple[int, str]] = field(default_factory=list)
    known_rows: list[tuple[int, str]] = field(default_factory=list)
    unchanged_rows: list[tuple[int, str]] = field(default_factory=list)
    blank_lines: list[int] = field(default_factory=list)
    children_lines: list[int] = field(default_factory=list)
    # Rows for a person whose case closed lately: line, the closed case, the day it
    # closed, and the new case opened for the row.
    recently_closed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def new_notices(self) -> int:
        return self.new_households + self.notices_on_known


class _DryRun(Exception):
    """Raised at the end of a dry run so the transaction rolls back."""


def _is_seekable(raw: IO[bytes]) -> bool:
    try:
        return bool(raw.seekable())
    except (AttributeError, ValueError):
        return False


def _is_utf8(raw: IO[bytes]) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := raw.read(1 << 20):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        raw.seek(0)
    return True


def detect_encoding(raw: IO[bytes], encoding: str = "auto") -> str:
    """auto: a BOM means UTF-8; a file that is valid UTF-8 is UTF-8; else Windows-1252."""
    if encoding not in ENCODINGS:
        raise InvalidInput(
            "--encoding",
            encoding,
            _("must be one of: {allowed}").format(allowed="auto, utf-8, cp1252"),
        )
    if encoding == "cp1252":
        return "cp1252"
    if encoding == "utf-8":
        return "utf-8-sig"  # tolerates a BOM, and does not need one
    head = raw.read(3)
    raw.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    return "utf-8" if _is_utf8(raw) else "cp1252"


def _sniff_delimiter(header_line: str) -> str:
    # Headings rarely contain separators, while data has decimal commas: decide on the
    # heading row alone.
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass
class _Column:
    index: int
    heading: str
    field: str


@dataclass
class _Row:
    line: int
    values: dict[str, tuple[str, str]]  # field -> (text, heading as in the file)

    def text(self, name: str) -> str:
        return self.values[name][0].strip() if name in self.values else ""

    def heading(self, name: str) -> str:
        return self.values[name][1] if name in self.values else name


def _columns(
    header: list[str], mapping: Mapping[str, str], summary: ImportSummary, where: str
) -> list[_Column]:
    mapped = {normalise_heading(k): v for k, v in mapping.items()}
    found_mapped: set[str] = set()
    columns: list[_Column] = []
    seen: dict[str, str] = {}
    for index, heading in enumerate(header):
        key = normalise_heading(heading)
        if not key:
            continue
        name = mapped.get(key) or _ALIASES.get(key)
        if key in mapped:
            found_mapped.add(key)
        if name is None:
            summary.ignored_columns.append(heading.strip())
            continue
        if name == "ignore":
            continue
        if name in seen:
            raise InvalidInput(
                _("heading"),
                heading,
                _("'{a}' and '{b}' both mean {field}; skip one with --map '{b}=ignore'").format(
                    a=seen[name], b=heading.strip(), field=name
                ),
            ).located(where)
        seen[name] = heading.strip()
        columns.append(_Column(index=index, heading=heading.strip(), field=name))
    for key, name in mapped.items():
        if key not in found_mapped:
            raise InvalidInput("--map", f"{key}={name}", _("the file has no such column"))
    names = {c.field for c in columns}
    if "tenant_name" not in names and not {"first_name", "last_name"} & names:
        raise InvalidInput(
            _("heading"),
            ", ".join(h.strip() for h in header),
            _(
                "no column with the tenant's name (Namn, Hyresgäst);"
                " name it with --map COLUMN=tenant_name"
            ),
        ).located(where)
    return columns


def _parse_map(items: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in items:
        column, sep, name = item.rpartition("=")
        if not sep or not column.strip():
            raise InvalidInput("--map", item, _("expected COLUMN=FIELD"))
        name = name.strip()
        if name not in FIELDS:
            raise InvalidInput(
                "--map",
                item,
                _("unknown field; one of: {allowed}").format(allowed=", ".join(FIELDS)),
            )
        mapping[column.strip()] = name
    return mapping


def _records(
    text: IO[str], delimiter: str, first_line: int, source: str
) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the physical line each starts on (quoted fields may span lines)."""
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    start = first_line
    try:
        for record in reader:
            yield start, record
            start = first_line + reader.line_num
    except csv.Error as exc:
        where = _("{file}, line {line}").format(file=source, line=start)
        raise InvalidInput("CSV", "", str(exc)).located(where) from None


def _one_line(text: str, joiner: str = " ") -> str:
    # A name or address split over lines in a spreadsheet cell is one line here.
    return joiner.join(part.strip() for part in text.splitlines() if part.strip())


def _date(text: str, heading: str) -> date | None:
    from bostadcli.dates import parse_swedish_date

    value = text.strip()
    if not value:
        return None
    match = _TRAILING_TIME.match(value)
    if match is not None:
        value = match.group(1)
    return parse_swedish_date(value, field=heading)


def _money(text: str, heading: str) -> Money | None:
    from bostadcli.money import parse_money

    return parse_money(text, field=heading) if text.strip() else None


def _ground(text: str) -> Reason | None:
    value = text.strip()
    if not value:
        return None
    if value in {r.value for r in Reason}:
        return Reason(value)
    key = normalise_heading(value)
    if any(word in key for word in ("hyr", "skuld", "obetal", "betalning")):
        return Reason.unpaid_rent
    if "storning" in key or "stor" in key[:4]:
        return Reason.disturbance
    if any(word in key for word in ("misskot", "vanvard", "skick", "skotsel")):
        return Reason.neglect
    return Reason.other


def _children(text: str, heading: str, *, part_time: bool) -> tuple[list[ChildSpec], bool]:
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
        if part and (birth := _date(part, heading)) is not None
    ], False


def _find_household(
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


def _recently_closed(
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


def _notice_recorded(db: Database, hid: int, served_on: date | None, amount: Money | None) -> bool:
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


def _fingerprint(**values: Any) -> str:
    """What identifies a row of a landlord's list, whatever file it came in: its values
    as parsed (names normalised, dates and amounts as values, not as typed), so the
    same row in another encoding, with another delimiter, a date written differently
    or "1 234,50" for "1234.50" is the same row."""
    import hashlib

    def plain(value: Any) -> Any:
        if isinstance(value, str):
            return validate.name_key(value)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        ore = getattr(value, "ore", None)
        return ore if ore is not None else value

    text = json.dumps({k: plain(v) for k, v in sorted(values.items())}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _row_imported(db: Database, fingerprint: str) -> str | None:
    """The case a row made its notice in, if the row was imported before."""
    found = db.execute(
        "SELECT h.ref FROM imported_rows r JOIN households h ON h.id = r.household_id"
        " WHERE r.fingerprint = ?",
        [fingerprint],
    ).fetchone()
    return str(found[0]) if found else None


def _remember_row(db: Database, fingerprint: str, hid: int, notice_id: int) -> None:
    from bostadcli.db import now_utc

    db.execute(
        "INSERT OR IGNORE INTO imported_rows (fingerprint, household_id, notice_id, imported_at)"
        " VALUES (?, ?, ?, ?)",
        [fingerprint, hid, notice_id, now_utc()],
    )


def _import_row(
    db: Database,
    row: _Row,
    *,
    landlord: str | None,
    create_landlord: bool,
    as_of: date,
    summary: ImportSummary,
    recently_closed_months: int,
    line: int,
) -> None:
    from dateutil.relativedelta import relativedelta

    from bostadcli.households import NewHousehold, add_household, edit_household, household_id
    from bostadcli.landlords import find_landlord
    from bostadcli.notices import NewNotice, record_notice
    from bostadcli.pnr import parse_pnr

    name = _one_line(row.text("tenant_name")) or _one_line(
        f"{row.text('first_name')} {row.text('last_name')}"
    )
    name_heading = row.heading("tenant_name" if "tenant_name" in row.values else "last_name")
    name = validate.required_text(name, field=name_heading)
    pnr_text = row.text("pnr")
    pnr = parse_pnr(pnr_text, as_of=as_of, field=row.heading("pnr")) if pnr_text else None
    co_pnr_text = row.text("co_tenant_pnr")
    if co_pnr_text:
        parse_pnr(co_pnr_text, as_of=as_of, field=row.heading("co_tenant_pnr"))
    street = validate.clean_text(_one_line(row.text("street"), ", "), field=row.heading("street"))
    postal_code = validate.postal_code(row.text("postal_code"), field=row.heading("postal_code"))
    rent = _money(row.text("rent"), row.heading("rent"))
    amount = _money(row.text("amount"), row.heading("amount"))
    terminated_on = _date(row.text("terminated_on"), row.heading("terminated_on"))
    served_on = _date(row.text("served_on"), row.heading("served_on"))
    # A landlord's list that social services imports has reached it today at the latest.
    notified_on = _date(row.text("notified_on"), row.heading("notified_on")) or as_of
    dated = (
        ("terminated_on", terminated_on),
        ("served_on", served_on),
        ("notified_on", notified_on),
    )
    for key, day in dated:
        if day is not None and day > as_of:
            raise InvalidInput(row.heading(key), row.text(key), _("is in the future"))
        if key != "terminated_on" and day and terminated_on and day < terminated_on:
            raise InvalidInput(
                row.heading(key),
                row.text(key) or day.isoformat(),
                _("is before the termination ({date})").format(date=terminated_on.isoformat()),
            )
    ground_text = _one_line(row.text("ground"))
    ground = _ground(ground_text)
    children, reported = _children(row.text("children"), row.heading("children"), part_time=False)
    part_time, reported_pt = _children(
        row.text("children_part_time"), row.heading("children_part_time"), part_time=True
    )
    note_lines = [row.text("note")] if row.text("note") else []
    if ground_text and ground_text != (ground.value if ground else ""):
        note_lines.append(f"{row.heading('ground')}: {ground_text}")
    if reported or reported_pt:
        summary.children_without_birth_dates += 1
        summary.children_lines.append(line)
        for key, flag in (("children", reported), ("children_part_time", reported_pt)):
            if flag:
                note_lines.append(f"{row.heading(key)}: {row.text(key)}")
    landlord_name = _one_line(row.text("landlord")) or landlord
    if landlord_name and find_landlord(db, landlord_name) is None:
        if not create_landlord:
            raise InvalidInput(
                row.heading("landlord") if row.text("landlord") else "--landlord",
                landlord_name,
                _("no such landlord: add it with 'bostad landlord add', or use --create-landlord"),
            )
        summary.new_landlords.append(landlord_name)

    fingerprint = _fingerprint(
        landlord=landlord_name,
        name=name,
        pnr=pnr.digits if pnr else None,
        co_tenant=(_one_line(row.text("co_tenant_name")), co_pnr_text),
        street=street,
        postal_code=postal_code,
        city=_one_line(row.text("city")),
        contract=_one_line(row.text("contract_number")),
        rent=rent,
        amount=amount,
        terminated_on=terminated_on,
        served_on=served_on,
        # As the list gives it: a list without the column was notified on the day it
        # was imported, which is not what makes a row another row.
        notified_on=_date(row.text("notified_on"), row.heading("notified_on")),
        ground=ground_text,
        children=[(c.birth_date, c.part_time) for c in children + part_time],
        note=row.text("note"),
    )
    earlier = _row_imported(db, fingerprint)
    if earlier is not None:
        summary.unchanged += 1
        summary.unchanged_rows.append((line, earlier))
        return
    notice = NewNotice(
        kind=NoticeKind.termination.value,
        ground=ground.value if ground else None,
        notified_on=notified_on,
        terminated_on=terminated_on,
        served_on=served_on,
        amount=amount,
        note="\n".join(note_lines) or None,
    )
    known = _find_household(db, pnr=pnr.digits if pnr else None, name=name, street=street)
    if known is not None:
        hid, ref = known
        if _notice_recorded(db, hid, served_on, amount):
            summary.unchanged += 1
            summary.unchanged_rows.append((line, ref))
            return
        notice_id = record_notice(db, ref, notice, as_of=as_of)
        if amount is not None:
            edit_household(db, ref, changes={"arrears": amount})
        _remember_row(db, fingerprint, hid, notice_id)
        summary.notices_on_known += 1
        summary.known_rows.append((line, ref))
        return
    from bostadcli.money import Money

    closed = _recently_closed(
        db,
        pnr=pnr.digits if pnr else None,
        name=name,
        street=street,
        since=as_of - relativedelta(months=max(recently_closed_months, 0)),
    )
    if closed is not None:
        # A new case, with the earlier one named in its note and in the summary: the
        # caseworker decides whether to reopen that one instead.
        notice.note = "\n".join(
            [
                *([notice.note] if notice.note else []),
                _("Earlier case {ref}, closed {day}.").format(
                    ref=closed["ref"], day=closed["closed_on"]
                ),
            ]
        )
    try:
        ref = add_household(
            db,
            NewHousehold(
                tenant_name=name,
                tenant_pnr=pnr_text or None,
                street=street,
                postal_code=postal_code,
                city=validate.clean_text(_one_line(row.text("city")), field=row.heading("city")),
                landlord=landlord_name,
                contract_number=_one_line(row.text("contract_number")) or None,
                rent=rent,
                arrears=amount or Money.zero(),
                reasons=[ground.value] if ground else [],
                source=Source.landlord.value,
                co_tenant_name=_one_line(row.text("co_tenant_name")) or None,
                co_tenant_pnr=co_pnr_text or None,
                children=children + part_time,
            ),
            as_of=as_of,
            create_landlord=create_landlord,
        )
    except Conflict:
        # A co-tenant's personnummer already in another open case (the tenant's would
        # have found that case above).
        raise InvalidInput(
            row.heading("co_tenant_pnr"),
            parse_pnr(co_pnr_text, as_of=as_of).masked(),
            _("already in another open case: add this row by hand"),
        ) from None
    notice_id = record_notice(db, ref, notice, as_of=as_of, new_case=True)
    _remember_row(db, fingerprint, household_id(db, ref), notice_id)
    if closed is not None:
        summary.recently_closed.append(
            {
                "line": line,
                "closed_ref": closed["ref"],
                "closed_on": closed["closed_on"],
                "ref": ref,
            }
        )
    summary.new_households += 1
    summary.new_household_rows.append((line, ref))
    summary.first_ref = summary.first_ref or ref
    summary.last_ref = ref


def import_notices(
    db: Database,
    raw: IO[bytes],
    *,
    source: str,
    as_of: date,
    landlord: str | None = None,
    create_landlord: bool = False,
    dry_run: bool = False,
    encoding: str = "auto",
    delimiter: str = "auto",
    mapping: list[str] | None = None,
    recently_closed_months: int = RECENTLY_CLOSED_MONTHS,
) -> ImportSummary:
    """Import a landlord's list; all rows or none. See the module docstring."""
    if delimiter not in DELIMITERS:
        raise InvalidInput("--delimiter", delimiter, _("use auto, ';', ',' or a tab"))
    columns_map = _parse_map(mapping or [])
    summary = ImportSummary(source=source, dry_run=dry_run)
    with contextlib.ExitStack() as stack:
        stream = raw
        if not _is_seekable(raw):
            # Detecting the encoding reads the whole file once; standard input cannot be
            # rewound, so it goes to a temporary file first (on disk, not in memory).
            stream = stack.enter_context(tempfile.TemporaryFile())
            copy_bounded(raw, stream, limit=IMPORT_MAX_BYTES, field=source)
            stream.seek(0)
        summary.encoding = detect_encoding(stream, encoding)
        text = io.TextIOWrapper(stream, encoding=summary.encoding, newline="")
        stack.callback(text.detach)
        try:
            _read(
                db,
                text,
                summary,
                columns_map,
                delimiter,
                landlord,
                create_landlord,
                as_of,
                recently_closed_months,
            )
        except UnicodeDecodeError:
            # The reader decodes ahead in blocks; find the line in the bytes themselves.
            raise _decode_error(stream, summary.source, summary.encoding) from None
    return summary


def _read(
    db: Database,
    text: IO[str],
    summary: ImportSummary,
    columns_map: dict[str, str],
    delimiter: str,
    landlord: str | None,
    create_landlord: bool,
    as_of: date,
    recently_closed_months: int,
) -> None:
    source = summary.source
    first = text.readline()
    while first and not first.strip():
        first = text.readline()
    if not first:
        raise BostadError(
            _("{file} is empty: expected a heading row and one row per tenant").format(file=source)
        )
    skipped = 0
    match = re.fullmatch(r"sep=(.)\r?\n?", first)
    if match is not None:
        # Excel's own hint on the first line: "sep=;".
        summary.delimiter = match.group(1)
        skipped = 1
    else:
        summary.delimiter = _sniff_delimiter(first)
        text.seek(0)
    if delimiter != "auto":
        summary.delimiter = delimiter
    _run(
        db,
        text,
        columns_map,
        summary,
        skipped,
        landlord,
        create_landlord,
        as_of,
        recently_closed_months,
    )


def _decode_error(raw: IO[bytes], source: str, encoding: str) -> InvalidInput:
    """The first line of ``raw`` that is not text in ``encoding``, named with its byte."""
    shown = "utf-8" if encoding.startswith("utf-8") else encoding
    hint = (
        _("a file saved by Excel on Windows is usually --encoding cp1252")
        if shown == "utf-8"
        else _("the file is neither UTF-8 nor Windows-1252 text")
    )
    raw.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    # A line break byte is never part of a multi-byte character in either encoding.
    for line, data in enumerate(iter(raw.readline, b""), start=1):
        try:
            decoder.decode(data, final=not data.endswith(b"\n"))
        except UnicodeDecodeError as exc:
            reason = _("byte 0x{byte:02x} at position {column} is not {encoding} text; {hint}")
            return InvalidInput(
                "--encoding",
                shown,
                reason.format(
                    byte=data[exc.start], column=exc.start + 1, encoding=shown, hint=hint
                ),
            ).located(_("{file}, line {line}").format(file=source, line=line))
    return InvalidInput(
        "--encoding", shown, _("{file} cannot be read as this encoding").format(file=source)
    )


def _run(
    db: Database,
    text: IO[str],
    columns_map: dict[str, str],
    summary: ImportSummary,
    skipped: int,
    landlord: str | None,
    create_landlord: bool,
    as_of: date,
    recently_closed_months: int,
) -> None:
    from bostadcli.db import transaction

    records = _records(text, summary.delimiter, skipped + 1, summary.source)
    try:
        try:
            while True:
                header_line, header = next(records)
                if any(cell.strip() for cell in header):
                    break
        except StopIteration:
            raise BostadError(
                _("{file} is empty: expected a heading row and one row per tenant").format(
                    file=summary.source
                )
            ) from None
        columns = _columns(
            header,
            columns_map,
            summary,
            _("{file}, line {line}").format(file=summary.source, line=header_line),
        )
        with transaction(db):
            for line, record in records:
                if not any(cell.strip() for cell in record):
                    summary.blank_rows += 1
                    summary.blank_lines.append(line)
                    continue
                row = _Row(
                    line=line,
                    values={
                        c.field: (record[c.index] if c.index < len(record) else "", c.heading)
                        for c in columns
                    },
                )
                try:
                    _import_row(
                        db,
                        row,
                        landlord=landlord,
                        create_landlord=create_landlord,
                        as_of=as_of,
                        summary=summary,
                        recently_closed_months=recently_closed_months,
                        line=line,
                    )
                except InvalidInput as exc:
                    raise exc.located(
                        _("{file}, line {line}").format(file=summary.source, line=line)
                    ) from None
                summary.rows += 1
            if summary.dry_run:
                raise _DryRun
    except _DryRun:
        pass


# ---------------------------------------------------------------------------------------
# A household moved from another installation (the document of 'bostad export household')


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


def _check_vocab(values: dict[str, Any], vocab: Mapping[str, Any], where: str) -> None:
    for key, enum in vocab.items():
        value = values.get(key)
        if value is not None:
            try:
                validate.choice(enum, value, field=key)
            except InvalidInput as exc:
                raise exc.located(where) from None


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


def _landlord_details(document: Mapping[str, Any], source: str) -> dict[str, dict[str, Any]]:
    """The landlords a document describes, by folded name."""
    from bostadcli import exporting

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
        _check_vocab(item, exporting.LANDLORD_VOCAB, at)
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise InvalidInput(at, "name", _("missing"))
        found[validate.name_key(name)] = item | {"_where": at}
    return found


def _landlord_id(
    db: Database, name: str, details: Mapping[str, dict[str, Any]], where: str
) -> tuple[int, bool]:
    """The id of the landlord named ``name`` here, added from the document's details
    when this installation does not know it; and whether it was added."""
    from bostadcli import exporting
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
        for k in exporting.LANDLORD_FIELDS
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


def _day_or_none(value: Any) -> date | None:
    """A well-formed ISO date, or None: a malformed one is refused by the row's own
    check (``_checked_row``), which names it better."""
    from bostadcli.dates import parse_date

    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse_date(value)
    except InvalidInput:
        return None


def _rows_of(document: Mapping[str, Any], part: str) -> list[dict[str, Any]] | None:
    """A part's rows when every one is a JSON object, else None (refused later)."""
    items = document.get(part) or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        return None
    return items


# The options of 'bostad notice add' and the notice fields of a document they set.
_NOTICE_OPTIONS = {
    "--notified": "notified_on",
    "--received": "received_on",
    "--served": "served_on",
    "--terminated": "terminated_on",
    "--service-method": "service_method",
    "--correct-by": "correct_by",
    "--especially-serious": "especially_serious",
    "--copy-received": "copy_received_on",
    "--date": "step_on",
    "--decision-by": "decision_by",
    "--final": "final_on",
}
_NOTICE_DATES = (
    "notified_on",
    "received_on",
    "served_on",
    "terminated_on",
    "correct_by",
    "copy_received_on",
    "step_on",
    "final_on",
)


def _check_notice_rules(notice: dict[str, Any], at: str, today: date) -> None:
    """A moved notice's dates against each other and today, by 'notice add''s rules."""
    from bostadcli.notices import NewNotice, _check_dates
    from bostadcli.vocab import NoticeKind

    kind_text = notice.get("kind")
    if kind_text not in {k.value for k in NoticeKind}:
        return
    days = {key: _day_or_none(notice.get(key)) for key in _NOTICE_DATES}
    if any(notice.get(key) not in (None, "") and days[key] is None for key in _NOTICE_DATES):
        return
    texts = {key: notice.get(key) for key in ("ground", "service_method", "decision_by")}
    if any(v is not None and not isinstance(v, str) for v in texts.values()):
        return
    serious = notice.get("especially_serious")
    new = NewNotice(
        kind=str(kind_text),
        ground=texts["ground"] or None,
        notified_on=days["notified_on"],
        served_on=days["served_on"],
        received_on=days["received_on"],
        terminated_on=days["terminated_on"],
        service_method=texts["service_method"] or None,
        correct_by=days["correct_by"],
        especially_serious=serious in (True, 1),
        copy_received_on=days["copy_received_on"],
        step_on=days["step_on"],
        decision_by=texts["decision_by"] or None,
        final_on=days["final_on"],
    )
    notified = new.notified_on or new.received_on
    try:
        _check_dates(NoticeKind(kind_text), new, notified, today)
    except InvalidInput as exc:
        key = _NOTICE_OPTIONS.get(exc.field, exc.field)
        if exc.field == "--notified" and new.notified_on is None:
            key = "received_on"
        raise InvalidInput(f"{at}.{key}", exc.value, exc.reason) from None


def _check_document_rules(document: Mapping[str, Any], source: str, today: date) -> None:
    """The rules the commands keep between fields, which a row-by-row check cannot see:
    one named tenant, no personnummer twice, no birth or opening after ``today`` (the
    real date), a notice's dates in order, a plan with installments 1..n. Values of the
    wrong shape are left to the rows' own checks."""
    from bostadcli.pnr import parse_pnr
    from bostadcli.vocab import Role

    household = document.get("household")
    if isinstance(household, dict):
        where = f"{source}: household"
        opened = _day_or_none(household.get("opened_on"))
        closed = _day_or_none(household.get("closed_on"))
        for key, day in (("opened_on", opened), ("closed_on", closed)):
            if day is not None and day > today:
                raise InvalidInput(f"{where}.{key}", day.isoformat(), _("is in the future"))
        if opened is not None and closed is not None and closed < opened:
            raise InvalidInput(
                f"{where}.closed_on", closed.isoformat(), _("is before the case was opened")
            )

    members = _rows_of(document, "members")
    if members is not None and all(m.get("role") in {r.value for r in Role} for m in members):
        tenants = [i for i, m in enumerate(members) if m["role"] == Role.tenant.value]
        if not tenants:
            raise InvalidInput(
                f"{source}: members", len(members), _("a case needs one member with role tenant")
            )
        if len(tenants) > 1:
            raise InvalidInput(
                f"{source}: members[{tenants[1]}].role",
                Role.tenant.value,
                _("a case has one tenant; members[{i}] is the tenant").format(i=tenants[0]),
            )
        seen: dict[str, int] = {}
        pnr_included = document.get("pnr_included") is True
        for i, member in enumerate(members):
            at = f"{source}: members[{i}]"
            name = member.get("name")
            if member["role"] != Role.child.value and (
                name is None or (isinstance(name, str) and not name.strip())
            ):
                raise InvalidInput(f"{at}.name", name or "", _("must not be empty"))
            born = _day_or_none(member.get("birth_date"))
            if born is not None and born > today:
                raise InvalidInput(f"{at}.birth_date", born.isoformat(), _("is in the future"))
            pnr = member.get("pnr")
            if not pnr_included or not isinstance(pnr, str) or not pnr.strip():
                continue
            try:
                number = parse_pnr(pnr, as_of=today, field=f"{at}.pnr")
            except InvalidInput:
                continue
            if number.digits in seen:
                raise InvalidInput(
                    f"{at}.pnr",
                    number.masked(),
                    _("the same personnummer as members[{i}]").format(i=seen[number.digits]),
                )
            seen[number.digits] = i
            if born is not None and born != number.birth_date:
                # As member add refuses: one person, one birth date.
                raise InvalidInput(
                    f"{at}.birth_date", born.isoformat(), _("does not match the personnummer")
                )

    for i, notice in enumerate(_rows_of(document, "notices") or []):
        _check_notice_rules(notice, f"{source}: notices[{i}]", today)

    plans = _rows_of(document, "plans")
    installments = _rows_of(document, "installments")
    if plans is None or installments is None:
        return
    if not all(type(r.get("plan_id")) is int and type(r.get("seq")) is int for r in installments):
        return
    for i, plan in enumerate(plans):
        plan_id = plan.get("id")
        if type(plan_id) is not int:
            continue
        numbered = [(r["seq"], k) for k, r in enumerate(installments) if r["plan_id"] == plan_id]
        if not numbered:
            raise InvalidInput(
                f"{source}: plans[{i}]",
                str(plan.get("ref", plan_id)),
                _("a plan needs at least one installment"),
            )
        for expected, (seq, k) in enumerate(sorted(numbered), start=1):
            if seq != expected:
                raise InvalidInput(
                    f"{source}: installments[{k}].seq",
                    seq,
                    _("a plan's installments are numbered 1 to {n} without gaps").format(
                        n=len(numbered)
                    ),
                )


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
    fields are checked first (``_check_document_rules``), against ``today``, the real
    date unless given.
    """
    from bostadcli import exporting
    from bostadcli.dates import parse_date, real_today
    from bostadcli.db import now_utc, one, transaction
    from bostadcli.households import allocate_ref
    from bostadcli.pnr import parse_pnr

    if document.get("format") != exporting.DOCUMENT_FORMAT:
        raise InvalidInput(source, str(document.get("format")), _("not a household document"))
    version = document.get("format_version")
    if not isinstance(version, int) or version > exporting.DOCUMENT_VERSION or version < 1:
        raise InvalidInput(source, str(version), _("a document version this bostadcli cannot read"))
    parts = exporting.document_parts()
    known = {
        "format",
        "format_version",
        "exported_at",
        "pnr_included",
        "household",
        "landlord",
        "landlords",
    }
    extra = set(document) - known - set(parts)
    if extra:
        raise InvalidInput(
            source, ", ".join(sorted(extra)), _("parts this installation does not know")
        )
    household = document.get("household")
    if not isinstance(household, dict):
        raise InvalidInput(source, "household", _("missing"))
    where = f"{source}: household"
    _check_vocab(household, exporting.HOUSEHOLD_VOCAB, where)
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
    details = _landlord_details(document, source)
    _check_document_rules(document, source, today or real_today())
    counts: dict[str, int] = {}
    renumbered: dict[str, str] = {}
    with transaction(db):
        earlier = one(
            db,
            "SELECT ref FROM households WHERE origin_ref = ? AND opened_on = ?",
            [origin, opened.isoformat()],
        )
        if earlier is not None:
            raise Conflict(
                _("{file}: case {origin} was imported already, as {ref}").format(
                    file=source, origin=origin, ref=earlier["ref"]
                )
            )
        record = _checked_row(
            db,
            "households",
            {k: household.get(k) for k in exporting.HOUSEHOLD_FIELDS if k != "ref"},
            where,
        )
        record["origin_ref"] = origin
        # Documents from before letter languages carry none: Swedish, as everywhere else.
        record["letter_language"] = record.get("letter_language") or LetterLanguage.sv.value
        now = now_utc()
        record["created_at"] = record.get("created_at") or now
        record["updated_at"] = record.get("updated_at") or now
        added_landlords = 0

        def landlord_id(name: str, at: str) -> int:
            nonlocal added_landlords
            found, added = _landlord_id(db, name, details, at)
            added_landlords += added
            return found

        landlord = document.get("landlord")
        if landlord:
            record["landlord_id"] = landlord_id(str(landlord["name"]), f"{source}: landlord")
        record["ref"] = allocate_ref(db, opened)
        hid = _insert(db, "households", record, where)
        for i, reason in enumerate(reasons):
            if not isinstance(reason, str):
                raise InvalidInput(f"{where}.reasons[{i}]", str(reason)[:80], _("expected text"))
            validate.choice(Reason, reason, field=f"{where}.reasons[{i}]")
            _insert(db, "household_reasons", {"household_id": hid, "reason": reason}, where)
        ids: dict[str, dict[int, int]] = {}
        # Parts that point into others' numbers by value (a letter naming its supports)
        # come after everything else, so the numbers they name are known.
        for name, part in sorted(parts.items(), key=lambda item: item[1].adapt is not None):
            ids[name] = {}
            items = document.get(name) or []
            if not isinstance(items, list):
                raise InvalidInput(source, name, _("expected a list"))
            columns = _table_columns(db, part.table)
            for i, item in enumerate(items):
                at = f"{source}: {name}[{i}]"
                if not isinstance(item, dict):
                    raise InvalidInput(at, type(item).__name__, _("expected a JSON object"))
                row = dict(item)
                row.pop("household_id", None)
                landlord_names = {v: row.pop(v, None) for v in part.landlords.values()}
                for column in part.landlords:
                    row.pop(column, None)
                row = _checked_row(db, part.table, row, at, skip=part.pnr_columns)
                _check_vocab(row, part.vocab, at)
                for key in part.pnr_columns:
                    if row.get(key) is not None and not isinstance(row[key], str):
                        raise InvalidInput(f"{at}.{key}", str(row[key])[:80], _("expected text"))
                for key, value in landlord_names.items():
                    if value is not None and not isinstance(value, str):
                        raise InvalidInput(f"{at}.{key}", str(value)[:80], _("expected text"))
                row |= {k: v for k, v in landlord_names.items() if v is not None}
                old_id = row.pop("id", None)
                if "household_id" in columns:
                    row["household_id"] = hid
                for key, target in part.refs.items():
                    if row.get(key) is not None:
                        if row[key] not in ids.get(target, {}):
                            raise InvalidInput(at, f"{key}={row[key]}", _("points at nothing"))
                        row[key] = ids[target][row[key]]
                for column, named in part.landlords.items():
                    # Only the name travels: an id from the document would point at
                    # whichever landlord has that number here.
                    row.pop(column, None)
                    landlord_name = row.pop(named, None)
                    if landlord_name is not None:
                        row[column] = landlord_id(str(landlord_name), f"{at}.{named}")
                if part.renumber is not None:
                    old_ref = row.get("ref")
                    row["origin_ref"] = old_ref
                    row["ref"] = part.renumber(db)
                    if isinstance(old_ref, str):
                        renumbered[old_ref] = row["ref"]
                if part.adapt is not None:
                    try:
                        part.adapt(row, renumbered, ids)
                    except InvalidInput as exc:
                        raise exc.located(at) from None
                for key in part.pnr_columns:
                    value = row.get(key)
                    if value and pnr_included:
                        row[key] = parse_pnr(str(value), as_of=as_of, field=f"{at}.{key}").digits
                    else:
                        # A masked number ("19800101-****") is no number; the birth date
                        # is carried separately.
                        row[key] = None
                new_id = _insert(db, part.table, row, at)
                if isinstance(old_id, int):
                    ids[name][old_id] = new_id
            counts[name] = len(items)
        if added_landlords:
            counts["landlords"] = added_landlords
        ref = str(record["ref"])
    return {
        "ref": ref,
        "origin_ref": origin,
        "counts": counts,
        "pnr_included": pnr_included,
        "renumbered": renumbered,
    }
