"""Who the tenant is: one rule (households.tenant_of / tenant_sql) for every place that
names the tenant, the letters included."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from bostadcli.config import Config, Letterhead
from bostadcli.households import (
    NewHousehold,
    add_household,
    household_id,
    list_households,
    show_household,
    tenant_of,
)
from bostadcli.search import search

if TYPE_CHECKING:
    from sqlite_utils import Database

AS_OF = date(2026, 3, 2)
CONFIG = Config(letterhead=Letterhead(phone="08-1", socialjouren_phone="08-2"))


def two_tenants(db: Database) -> str:
    """A case whose first tenant has no birth date recorded and a second, older tenant
    recorded later: ``member add --role tenant`` accepted one before it was refused
    (tests/test_one_tenant.py), so a database may hold such a case."""
    ref = add_household(db, NewHousehold("Anna Först", street="Gatan 1"), as_of=AS_OF)
    db.table("members").insert(
        {
            "household_id": household_id(db, ref),
            "name": "Bertil Sen",
            "birth_date": "1950-01-01",
            "role": "tenant",
            "part_time": 0,
            "created_at": "2026-03-02T09:00:00Z",
        }
    )
    return ref


def test_one_tenant_everywhere(db: Database) -> None:
    ref = two_tenants(db)
    members = show_household(db, ref, as_of=AS_OF)["member_list"]
    first = tenant_of(members)
    assert first is not None and first["name"] == "Anna Först"
    [listed] = list_households(db, as_of=AS_OF)
    assert listed["tenant"] == "Anna Först"
    assert [hit["tenant"] for hit in search(db, "Gatan 1")] == ["Anna Först"]
    assert household_id(db, ref)  # the case exists, with both tenants recorded
    assert sorted(m["name"] for m in members if m["role"] == "tenant") == [
        "Anna Först",
        "Bertil Sen",
    ]


def test_letters_address_the_tenant_the_case_list_shows(db: Database) -> None:
    from bostadcli.letters import letter_context

    ref = two_tenants(db)
    [listed] = list_households(db, as_of=AS_OF)
    context = letter_context(db, ref, config=CONFIG, as_of=AS_OF)
    assert context["tenant"]["name"] == listed["tenant"]
