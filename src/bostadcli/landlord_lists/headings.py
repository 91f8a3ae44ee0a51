"""The headings of a landlord's list: the fields they mean, in the many spellings
landlords use, and ``--map`` for the rest."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from bostadcli.errors import InvalidInput
from bostadcli.i18n import N_, _
from bostadcli.landlord_lists.summary import ImportSummary

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
# The fields that make a file a landlord's list of tenants at risk: it has one at least.
LIST_FIELDS = frozenset({"pnr", "amount", "terminated_on", "served_on", "notified_on"})
ALIASES = {alias: name for name, aliases in HEADINGS.items() for alias in aliases}


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
class ListColumn:
    index: int
    heading: str
    field: str


class ListRow:
    """A row's cells by field (the list's columns only), each without the spaces around
    it, and every field's heading (one dict for every row of a list)."""

    __slots__ = ("headings", "line", "texts")

    def __init__(self, line: int, texts: dict[str, str], headings: dict[str, str]) -> None:
        self.line = line
        self.texts = texts
        self.headings = headings

    def text(self, name: str) -> str:
        return self.texts.get(name, "")

    def heading(self, name: str) -> str:
        return self.headings.get(name, name)


def read_columns(
    header: list[str], mapping: Mapping[str, str], summary: ImportSummary, where: str
) -> list[ListColumn]:
    mapped = {normalise_heading(k): v for k, v in mapping.items()}
    found_mapped: set[str] = set()
    columns: list[ListColumn] = []
    seen: dict[str, str] = {}
    for index, heading in enumerate(header):
        key = normalise_heading(heading)
        if not key:
            continue
        name = mapped.get(key) or ALIASES.get(key)
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
        columns.append(ListColumn(index=index, heading=heading.strip(), field=name))
    for key, name in mapped.items():
        if key not in found_mapped:
            raise InvalidInput("--map", f"{key}={name}", _("the file has no such column"))
    names = {c.field for c in columns}
    if not LIST_FIELDS & names:
        # A list of staff, of phone numbers, any file with a name column: not a list of
        # tenants at risk, whose rows would each open a case.
        raise InvalidInput(
            _("heading"),
            ", ".join(h.strip() for h in header if h.strip()),
            _(
                "not a landlord's list of tenants at risk: no column with a personnummer,"
                " a debt or a day of termination, service or notification (Personnummer,"
                " Skuld, Uppsägning, Delgiven, Underrättad); name one with --map COLUMN=FIELD"
            ),
        ).located(where)
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


def parse_map(items: list[str]) -> dict[str, str]:
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
