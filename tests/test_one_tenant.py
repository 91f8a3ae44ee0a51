"""A case has one tenant: ``member add --role tenant`` is refused like ``member edit``
and a moved case's import refuse a second one, and leaves the database as it was."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from bostadcli.errors import Conflict
from bostadcli.households import (
    NewHousehold,
    add_household,
    add_member,
    household_id,
    show_household,
)
from conftest import Cli, sql_dump

if TYPE_CHECKING:
    from sqlite_utils import Database

AS_OF = date(2026, 3, 2)
PNR = "850412-3459"
REFUSED = "--role: {ref} has a tenant already; a case has one tenant"


def roles(db: Database, ref: str) -> list[str]:
    return [m["role"] for m in show_household(db, ref, as_of=AS_OF)["member_list"]]


def test_a_second_tenant_is_refused(db: Database) -> None:
    ref = add_household(db, NewHousehold("Anna Först"), as_of=AS_OF)
    before = roles(db, ref)
    with pytest.raises(Conflict) as refused:
        add_member(db, ref, name="Bertil Sen", role="tenant", as_of=AS_OF)
    assert str(refused.value) == REFUSED.format(ref=ref)
    assert roles(db, ref) == before == ["tenant"]


def test_the_refusal_comes_before_the_personnummer_checks(db: Database) -> None:
    """A second tenant is refused as such, whatever else is wrong with the person."""
    ref = add_household(db, NewHousehold("Anna Först", tenant_pnr=PNR), as_of=AS_OF)
    with pytest.raises(Conflict, match="a case has one tenant"):
        add_member(db, ref, name="Anna Först", pnr=PNR, role="tenant", as_of=AS_OF)


@pytest.mark.parametrize("role", ["co_tenant", "partner", "adult"])
def test_the_other_adult_roles_are_still_added(db: Database, role: str) -> None:
    ref = add_household(db, NewHousehold("Anna Först"), as_of=AS_OF)
    add_member(db, ref, name="Bertil Sen", role=role, as_of=AS_OF)
    assert sorted(roles(db, ref)) == sorted(["tenant", role])


def test_a_case_without_a_tenant_may_be_given_one(db: Database) -> None:
    """Data from before the rule held (a tenant deleted by hand): adding the one tenant
    is what mends it."""
    ref = add_household(db, NewHousehold("Anna Först"), as_of=AS_OF)
    add_member(db, ref, name="Bertil Sen", role="co_tenant", as_of=AS_OF)
    db.execute(
        "DELETE FROM members WHERE household_id = ? AND role = 'tenant'", [household_id(db, ref)]
    )
    db.conn.commit()
    add_member(db, ref, name="Cecilia Ny", role="tenant", as_of=AS_OF)
    assert sorted(roles(db, ref)) == ["co_tenant", "tenant"]
    with pytest.raises(Conflict, match="a case has one tenant"):
        add_member(db, ref, name="David Till", role="tenant", as_of=AS_OF)


def test_household_add_records_one_tenant(db: Database) -> None:
    ref = add_household(
        db,
        NewHousehold("Anna Först", co_tenant_name="Bertil Sen"),
        as_of=AS_OF,
    )
    assert sorted(roles(db, ref)) == ["co_tenant", "tenant"]


def test_member_add_role_tenant_on_the_command_line(initialised: Cli) -> None:
    cli = initialised
    ref = cli.ok("household", "add", "Anna Först").stdout.strip()
    before = cli.dump()
    result = cli("member", "add", ref, "--name", "Bertil Sen", "--role", "tenant")
    assert result.exit_code == 1  # a domain error (CLI.md)
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"error: {REFUSED.format(ref=ref)}"]
    assert sql_dump(cli.db_path) == before
    # A co-tenant is what the second person on the lease is.
    cli.ok("member", "add", ref, "--name", "Bertil Sen", "--role", "co_tenant")


def test_the_debtor_of_the_living_cost_norm_is_the_tenant_every_screen_shows(
    db: Database,
) -> None:
    """A case recorded with two tenants before the refusal: the norm is the first
    tenant's (``households.tenant_of``), and the other one is an adult outside it,
    not a second debtor left out of the count."""
    from bostadcli.affordability import household_affordability
    from bostadcli.money import Money
    from bostadcli.rules import NORMALBELOPP

    ref = add_household(db, NewHousehold("Anna Först"), as_of=AS_OF)
    hid = household_id(db, ref)

    def outside() -> int:
        return household_affordability(
            db,
            hid,
            income=Money(2_000_000),
            installment=Money(100_000),
            as_of=AS_OF,
            table=NORMALBELOPP,
        ).norm.adults_outside

    assert outside() == 0
    db.table("members").insert(
        {
            "household_id": hid,
            "name": "Bertil Sen",
            "role": "tenant",
            "part_time": 0,
            "created_at": "2026-03-02T09:00:00Z",
        }
    )
    assert outside() == 1
