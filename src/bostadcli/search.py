"""Finding a case without its reference: by name, personnummer, address, contract, reference.

Names and addresses are compared folded (``fold_text``): case does not matter and
neither do accents, so "ostlund" finds "Östlund" and "angstrom" "Ångström", the way a
Swedish caseworker expects a search to behave even though å, ä and ö are letters of
their own in a dictionary. The folding is a function registered on every connection
(``db.open_database``) and used only when reading: nothing folded is stored, so a name
corrected anywhere is found by its new spelling at once.

A search reads every member and household once (there is no index a substring search
could use); on 10 000 households that takes a few hundredths of a second
(``tests/cli/test_search.py`` checks it stays well under a second). Most of that time
was the folding function called from SQLite on every name; text of plain ASCII folds
to its lower case as far as a word is concerned, so only other text is folded
(``_folded_contains``; ``tests/cli/test_search_ascii_shortcut.py`` checks the results
are the same).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.db import rows
from bostadcli.errors import Conflict, InvalidInput, NotFound
from bostadcli.households import TENANT_JOIN
from bostadcli.i18n import _
from bostadcli.pnr import IdentityNumber, masked_input, parse_typed_pnr
from bostadcli.vocab import CaseStatus

if TYPE_CHECKING:
    from sqlite_utils import Database

SEARCH_MIN = 2
SEARCH_MAX = 200
FOLD_FUNCTION = "bostad_fold"
COMPACT_FUNCTION = "bostad_compact"

# What a result matched on, in the order they are listed.
MATCH_KINDS = ("reference", "pnr", "name", "address", "contract")

_PNR_FULL = re.compile(r"(\d{8})[-+]?(\d{4})")
_PNR_SHORT = re.compile(r"(\d{6})[-+]?(\d{4})")
_LAST_FOUR = re.compile(r"\d{4}")
_REF_PART = re.compile(r"[0-9-]+")


@cache
def _latin_table() -> dict[int, str]:
    # The accented Latin letters, folded once: str.translate is several times faster
    # than decomposing every name of a large caseload on each search.
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        decomposed = unicodedata.normalize("NFKD", chr(code).casefold())
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        if plain != chr(code):
            table[code] = plain
    return table


# Names folded so far: a caseload repeats its names (and SQLite asks for each row).
_FOLDED: dict[str, str] = {}


def fold_text(value: str | None) -> str | None:
    """Lower case without accents, hyphens as spaces, spaces collapsed ('' stays '')."""
    if not isinstance(value, str):
        return value
    found = _FOLDED.get(value)
    if found is None:
        found = _fold(value)
        if len(_FOLDED) < 100_000:
            _FOLDED[value] = found
    return found


def _fold(value: str) -> str:
    text = value.casefold()
    if not text.isascii():
        text = text.translate(_latin_table())
        if not text.isascii():
            decomposed = unicodedata.normalize("NFKD", text)
            text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(text.replace("-", " ").split())


def compact_text(value: str | None) -> str | None:
    """Folded, and letters and digits only: "A-1234/5" and "a12345" compare alike."""
    folded = fold_text(value)
    if not isinstance(folded, str):
        return folded
    return "".join(ch for ch in folded if ch.isalnum())


def _query(text: str) -> str:
    cleaned = validate.clean_text(text, field="TEXT", max_length=SEARCH_MAX) or ""
    if len(cleaned) < SEARCH_MIN:
        raise InvalidInput(
            "TEXT",
            text,
            _("a search needs at least {n} characters").format(n=SEARCH_MIN),
        )
    return cleaned


def _pnr_condition(compact: str) -> tuple[str, list[Any]] | None:
    """SQL matching members by a personnummer in any form, or its last four digits."""
    if m := _PNR_FULL.fullmatch(compact):
        return "m.pnr = ?", [m.group(1) + m.group(2)]
    if m := _PNR_SHORT.fullmatch(compact):
        ten = m.group(1) + m.group(2)
        # The century is not typed: any century matches (the index is used for each).
        return "m.pnr IN (?, ?, ?)", [f"18{ten}", f"19{ten}", f"20{ten}"]
    if _LAST_FOUR.fullmatch(compact):
        return "substr(m.pnr, 9) = ?", [compact]
    return None


def search(
    db: Database,
    text: str,
    *,
    status: str | None = None,
    include_pnr: bool = False,
) -> list[dict[str, Any]]:
    """Cases matching ``text``: open ones first, then the newest.

    ``text`` matches a member's name (every word of it, folded), a personnummer (10 or
    12 digits, with or without the separator) or its last four digits, the address (street,
    postal code, city), the landlord's contract number, or the case reference. Each case
    is listed once, with ``matched`` saying what matched and ``member`` whose name or
    number it was.
    """
    query = _query(text)
    wanted_status = validate.choice(CaseStatus, status, field="status").value if status else None
    found = _matches(db, query)
    if not found:
        return []
    return _listed(db, found, wanted_status=wanted_status, include_pnr=include_pnr)


def _matches(db: Database, query: str) -> dict[int, dict[str, Any]]:
    """The cases ``query`` matches, by row id: the kinds of match and the members named."""
    folded = fold_text(query) or ""
    words = folded.split()
    compact = "".join(query.split())
    found: dict[int, dict[str, Any]] = {}

    def hit(household_id: int, kind: str, member: str | None = None) -> None:
        entry = found.setdefault(household_id, {"kinds": set(), "members": []})
        entry["kinds"].add(kind)
        if member and member not in entry["members"]:
            entry["members"].append(member)

    f = FOLD_FUNCTION
    if words:
        name_sql = " AND ".join(_folded_contains("m.name") for _w in words)
        for row in rows(
            db,
            f"SELECT m.household_id, m.name FROM members m WHERE {name_sql}",
            [p for w in words for p in (w, w)],
        ):
            hit(row["household_id"], "name", row["name"])
    pnr = _pnr_condition(compact)
    if pnr is not None:
        sql, params = pnr
        for row in rows(db, f"SELECT m.household_id, m.name FROM members m WHERE {sql}", params):
            hit(row["household_id"], "pnr", row["name"])
    if folded:
        address = (
            "coalesce(street, '') || ' ' || coalesce(postal_code, '') || ' ' || coalesce(city, '')"
        )
        if " " in folded:
            where, params = f"instr({f}({address}), ?) > 0", [folded]
        else:
            where, params = _folded_contains(f"({address})"), [folded, folded]
        for row in rows(db, f"SELECT id FROM live_households WHERE {where}", params):
            hit(row["id"], "address")
    squeezed = compact_text(query) or ""
    if squeezed:
        # Contract numbers are typed with or without their dashes, slashes and spaces.
        # A contract number in ASCII holds every letter and digit of the
        # squeezed text, in its lower case: checking the first and the last of them
        # spares folding most numbers.
        for row in rows(
            db,
            f"""SELECT id FROM live_households WHERE CASE
                WHEN {_not_ascii("contract_number")}
                    OR (instr(lower(contract_number), ?) > 0
                        AND instr(lower(contract_number), ?) > 0)
                THEN instr({COMPACT_FUNCTION}(contract_number), ?) > 0 ELSE 0 END""",
            [squeezed[0], squeezed[-1], squeezed],
        ):
            hit(row["id"], "contract")
    if _REF_PART.fullmatch(compact):
        for row in rows(
            db,
            "SELECT id FROM live_households WHERE instr(ref, ?) > 0 OR instr(origin_ref, ?) > 0",
            [compact, compact],
        ):
            hit(row["id"], "reference")
    return found


def _not_ascii(column: str) -> str:
    """SQL: ``column`` holds a character outside ASCII (more bytes than characters; a
    NUL, which ends SQLite's count of characters, counts as one too)."""
    return f"length(CAST({column} AS BLOB)) != length({column})"


def _folded_contains(column: str) -> str:
    """SQL for "the folded ``column`` contains the folded word ``?``" (its two
    parameters both the word, which holds no space or hyphen).

    ASCII text folds to its lower case with hyphens as spaces and white space
    collapsed, none of which a word without white space or hyphens can span: it
    contains the word exactly when its lower case does. So only other text (most names with an
    accent) goes through the folding function, which on 10 000 households is the bulk
    of a search's time.
    """
    return (
        f"CASE WHEN {_not_ascii(column)} THEN instr({FOLD_FUNCTION}({column}), ?) > 0"
        f" ELSE instr(lower({column}), ?) > 0 END"
    )


def _listed(
    db: Database,
    found: dict[int, dict[str, Any]],
    *,
    wanted_status: str | None,
    include_pnr: bool,
) -> list[dict[str, Any]]:
    """The matched cases as listed, open ones first; a full personnummer shown is logged."""
    ids = sorted(found)
    placeholders = ", ".join("?" for _i in ids)
    result = rows(
        db,
        f"""
        SELECT h.id, h.ref, h.status, h.opened_on, h.closed_on, t.name AS tenant,
            t.pnr AS tenant_pnr, h.street, h.postal_code, h.city, h.contract_number,
            h.caseworker
        FROM live_households h
        {TENANT_JOIN}
        WHERE h.id IN ({placeholders})
        ORDER BY h.status != 'open', h.opened_on DESC, h.ref DESC
        """,
        ids,
    )
    out: list[dict[str, Any]] = []
    disclosed: list[int] = []
    for row in result:
        if wanted_status and row["status"] != wanted_status:
            continue
        household_id = row.pop("id")
        entry = found[household_id]
        if row["tenant_pnr"]:
            number = IdentityNumber(row["tenant_pnr"])
            row["tenant_pnr"] = number.formatted() if include_pnr else number.masked()
            if include_pnr:
                disclosed.append(household_id)
        row["matched"] = [k for k in MATCH_KINDS if k in entry["kinds"]]
        row["members"] = entry["members"]
        out.append(row)
    if disclosed:
        # Full personnummer on the screen or in a pipe: a disclosure, logged per case.
        from bostadcli.audit import record_disclosure

        record_disclosure(
            db, what="search", row_count=len(disclosed), include_pnr=True, household_ids=disclosed
        )
    return out


def resolve_case(db: Database, text: str, *, as_of: date) -> str:
    """The case reference ``text`` names: a reference, or a personnummer in one case only.

    A personnummer found in several cases is an error that lists them, so the
    caseworker picks one by its reference.
    """
    stripped = text.strip()
    if validate.CASE_REF.match(stripped):
        return stripped
    compact = "".join(stripped.split())
    if not (_PNR_FULL.fullmatch(compact) or _PNR_SHORT.fullmatch(compact)):
        # A mistyped personnummer is not echoed whole.
        digits = sum(c.isdigit() for c in compact)
        raise InvalidInput(
            "reference",
            masked_input(text) if digits >= 10 else text,
            _("a case reference looks like 2026-0042; a personnummer like 811218-9876"),
        )
    number = parse_typed_pnr(compact, as_of=as_of, field="reference")
    refs = [
        r["ref"]
        for r in rows(
            db,
            "SELECT DISTINCT h.ref FROM members m JOIN live_households h ON h.id = m.household_id"
            " WHERE m.pnr = ? ORDER BY h.status != 'open', h.ref",
            [number.digits],
        )
    ]
    if not refs:
        raise NotFound(_("no case has the personnummer {pnr}").format(pnr=number.masked()))
    if len(refs) > 1:
        raise Conflict(
            _("the personnummer {pnr} is in {n} cases: {refs}; give the case reference").format(
                pnr=number.masked(), n=len(refs), refs=", ".join(refs)
            )
        )
    return str(refs[0])
