"""bostad search skips the folding function for text of plain ASCII: the cases it finds
must be exactly those folding every name, address and contract number would find."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from bostadcli.db import insert_many, now_utc, transaction
from bostadcli.search import _matches, compact_text, fold_text

if TYPE_CHECKING:
    from sqlite_utils import Database

NAMES = [
    "Anna-Karin Ek",
    "ANNA  KARIN\tEKBERG",
    "Östen Ström",
    "Anna Östlund",
    "Ali Ahmed-Hussein",
    "Märta Åberg",
    "Strauß Weiß",
    "Zoë Ørsted",
    "Ｋａｒｉｎ Fullwidth",
    "ek",
    None,
    "",
    "Mc'Donald [bold]x[/]",
    "100% Ek_Berg",
    # Control characters in ASCII text, white space to Python's split (\x1c) or not.
    "Ek\x1cBerg\x07Son",
]
STREETS = ["Storgatan 12", "Östra  Långgatan 3-5", "Ågatan 3", None, "Björk-vägen 7", "Gata\t9"]
CONTRACTS = ["AH-2231/04", "07-100123", "Ｋ-４７１１", "k 4711", None, "", "ÅB-12", "x/1-2"]
QUERIES = [
    "karin",
    "anna karin",
    "anna-karin",
    "ek",
    "EK",
    "ostlund",
    "östlund",
    "strauss",
    "weiss",
    "ørsted",
    "zoe",
    "ahmed hussein",
    "hussein",
    "berg",
    "storgatan",
    "storgatan 12",
    "langgatan",
    "östra långgatan",
    "vagen",
    "bjork vagen",
    "ah2231",
    "ah-2231/04",
    "4711",
    "k4711",
    "ab12",
    "x12",
    "2231",
    "mc'donald",
    "[bold]",
    "100%",
    "_berg",
    "gata",
    "ekberg",
    "bergson",
    "son",
]


@pytest.fixture
def filled(db: Database) -> Database:
    now = now_utc()
    rows = []
    members = []
    for i, (street, contract) in enumerate(((s, c) for s in STREETS for c in CONTRACTS), start=1):
        rows.append(
            {
                "id": i,
                "ref": f"2026-{i:04d}",
                "opened_on": "2026-01-01",
                "street": street,
                "postal_code": "441 30" if i % 2 else None,
                "city": "Alingsås" if i % 3 else "Lerum",
                "contract_number": contract,
                "source": "landlord",
                "housing_situation": "tenancy_at_risk",
                "created_at": now,
                "updated_at": now,
            }
        )
        members.append(
            {
                "household_id": i,
                "name": NAMES[i % len(NAMES)],
                # A member without a name is a child (a tenant has one).
                "role": "tenant" if NAMES[i % len(NAMES)] is not None else "child",
                "birth_date": "2015-01-01",
                "created_at": now,
            }
        )
    with transaction(db):
        insert_many(db, "households", rows)
        insert_many(db, "members", members)
    return db


def _by_folding(db: Database, query: str) -> dict[str, set[int]]:
    """What each kind of match finds when every value is folded in Python."""
    folded = fold_text(query) or ""
    words = folded.split()
    squeezed = compact_text(query) or ""
    found: dict[str, set[int]] = {"name": set(), "address": set(), "contract": set()}
    for m in db.execute("SELECT household_id, name FROM members").fetchall():
        name = fold_text(m[1])
        if words and name is not None and all(w in name for w in words):
            found["name"].add(m[0])
    for h in db.execute(
        "SELECT id, street, postal_code, city, contract_number FROM live_households"
    ).fetchall():
        address = fold_text(" ".join(x or "" for x in h[1:4])) or ""
        if folded and folded in address:
            found["address"].add(h[0])
        contract = compact_text(h[4])
        if squeezed and contract is not None and squeezed in contract:
            found["contract"].add(h[0])
    return found


@pytest.mark.parametrize("query", QUERIES)
def test_the_ascii_shortcut_finds_what_folding_finds(filled: Database, query: str) -> None:
    expected = _by_folding(filled, query)
    found = _matches(filled, query)
    for kind, ids in expected.items():
        assert {i for i, e in found.items() if kind in e["kinds"]} == ids, (query, kind)
    # The fixture is not trivial: most queries find something.
    assert any(expected.values()) or query in ("x12", "bergson")
