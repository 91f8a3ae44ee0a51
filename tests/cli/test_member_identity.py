"""Members: a samordningsnummer's identity level, and stored numbers whose century
disagrees with folkbokföringslagen 18 % (found by db check, corrected by fix-century)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from bostadcli.database_file import integrity_check
from bostadcli.errors import Conflict, InvalidInput
from bostadcli.households import (
    NewHousehold,
    add_household,
    add_member,
    century_problems,
    fix_member_century,
    household_id,
    show_household,
)
from conftest import Cli


def luhn_digit(nine: str) -> str:
    total = 0
    for i, ch in enumerate(nine):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


def ten(yymmdd: str, separator: str = "-", serial: str = "123") -> str:
    return f"{yymmdd}{separator}{serial}{luhn_digit(yymmdd + serial)}"


AS_OF = date(2026, 3, 15)
COORD = ten("860375")  # samordningsnummer, born 1986-03-15
PERSONAL = ten("860315")


def case(db: Any, **extra: Any) -> str:
    return add_household(db, NewHousehold(tenant_name="Sara Ali", **extra), as_of=AS_OF)


def test_identity_level_of_a_samordningsnummer(db: Any) -> None:
    ref = case(db, tenant_pnr=COORD, tenant_identity_level="probable")
    mid = add_member(
        db, ref, name="Omar Ali", pnr=ten("870470"), identity_level="uncertain", as_of=AS_OF
    )
    members = {m["id"]: m for m in show_household(db, ref, as_of=AS_OF)["member_list"]}
    assert members[mid]["identity_level"] == "uncertain"
    assert [m["identity_level"] for m in members.values() if m["role"] == "tenant"] == ["probable"]


@pytest.mark.parametrize(
    ("pnr", "level", "field"),
    [
        (PERSONAL, "confirmed", "identity_level"),  # a personnummer has no level
        (None, "confirmed", "identity_level"),  # nor does nobody's number
        (COORD, "styrkt-ish", "identity_level"),  # not a level
    ],
)
def test_identity_level_refused(db: Any, pnr: str | None, level: str, field: str) -> None:
    ref = case(db)
    before = db.execute("SELECT count(*) FROM members").fetchone()[0]
    with pytest.raises(InvalidInput) as info:
        add_member(db, ref, name="X", pnr=pnr, identity_level=level, as_of=AS_OF)
    assert info.value.field == field
    assert db.execute("SELECT count(*) FROM members").fetchone()[0] == before


def test_household_add_refuses_level_for_personnummer_and_writes_nothing(db: Any) -> None:
    with pytest.raises(InvalidInput) as info:
        case(db, tenant_pnr=PERSONAL, tenant_identity_level="confirmed")
    assert info.value.field == "identity_level"
    assert db.execute("SELECT count(*) FROM households").fetchone()[0] == 0


def stored_wrong(db: Any, ref: str) -> int:
    """A member as the old code stored 260601+NNNC on 2026-03-15: born 1826."""
    digits = "18" + ten("260601", "")
    hid = household_id(db, ref)
    db.execute(
        "INSERT INTO members (household_id, name, pnr, birth_date, role, created_at)"
        " VALUES (?, 'Greta Berg', ?, '1826-06-01', 'adult', '2026-03-15T09:00:00Z')",
        [hid, digits],
    )
    return int(db.execute("SELECT max(id) FROM members").fetchone()[0])


def test_check_finds_and_fix_corrects_the_century(db: Any) -> None:
    ref = case(db, tenant_pnr=ten("270101", "-"))
    mid = stored_wrong(db, ref)
    found = century_problems(db)
    assert [(p["member"], p["stored_year"], p["rule_year"]) for p in found] == [(mid, 1826, 1926)]
    assert found[0]["command"] == f"bostad member fix-century {ref} {mid}"
    result = integrity_check(db)
    assert not result["ok"]
    assert found[0]["command"] in result["problems"][0]
    # The message names the number masked only.
    assert ten("260601", "")[6:] not in result["problems"][0]

    fixed = fix_member_century(db, ref, mid)
    assert fixed["new"] == "19260601-****"
    row = db.execute("SELECT pnr, birth_date FROM members WHERE id = ?", [mid]).fetchone()
    assert row == ("19" + ten("260601", ""), "1926-06-01")
    assert century_problems(db) == []
    assert integrity_check(db)["ok"]
    with pytest.raises(Conflict):
        fix_member_century(db, ref, mid)  # agrees now: nothing to do


def test_fix_refuses_when_the_corrected_number_is_already_a_member(db: Any) -> None:
    ref = case(db, tenant_pnr=ten("260601", "+"))  # read right now: 1926
    mid = stored_wrong(db, ref)
    with pytest.raises(Conflict):
        fix_member_century(db, ref, mid)
    assert db.execute("SELECT birth_date FROM members WHERE id = ?", [mid]).fetchone() == (
        "1826-06-01",
    )


def test_fix_refuses_a_member_without_a_number(db: Any) -> None:
    ref = case(db)
    mid = add_member(db, ref, name="Utan Nummer", as_of=AS_OF)
    with pytest.raises(Conflict):
        fix_member_century(db, ref, mid)


def test_cli_identity_level_shown_exported_and_checked(initialised: Cli) -> None:
    cli = initialised
    ref = cli.ok(
        "household",
        "add",
        "Sara Ali",
        "--pnr",
        COORD,
        "--identity-level",
        "confirmed",
        "--tenancy",
        "social_contract",
        "--housing-allowance",
        "1 800",
        "--as-of",
        "2026-03-15",
    ).stdout.strip()
    shown = json.loads(cli.ok("household", "show", ref, "--format", "json").stdout)
    assert shown["member_list"][0]["identity_level"] == "confirmed"
    assert shown["tenancy_type"] == "social_contract"
    assert shown["housing_allowance_ore"] == 180_000
    table = cli.ok("household", "show", ref).stdout
    assert "confirmed identity" in table
    assert "social contract" in table
    members = json.loads(cli.ok("export", "members", "--format", "json").stdout)
    assert members[0]["identity_level"] == "confirmed"
    households = json.loads(cli.ok("export", "households", "--format", "json").stdout)
    assert households[0]["tenancy_type"] == "social_contract"

    # Wrong level for a personnummer: one line naming the option's field and value.
    before = cli.dump()
    bad = cli(
        "member",
        "add",
        ref,
        "--name",
        "X",
        "--pnr",
        PERSONAL,
        "--identity-level",
        "probable",
        "--as-of",
        "2026-03-15",
    )
    assert bad.exit_code == 1
    assert "--identity-level" in bad.stderr and "probable" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    assert cli.dump() == before


def test_cli_db_check_and_fix_century(initialised: Cli) -> None:
    from bostadcli.db import open_database

    cli = initialised
    ref = cli.ok("household", "add", "Greta Berg", "--as-of", "2026-03-15").stdout.strip()
    db = open_database(cli.db_path)
    mid = stored_wrong(db, ref)
    db.close()
    checked = cli("db", "check")
    assert checked.exit_code == 1
    assert f"bostad member fix-century {ref} {mid}" in checked.stderr
    as_json = json.loads(cli("db", "check", "--json").stdout)
    assert as_json["pnr_century"][0]["rule_year"] == 1926
    fixed = cli.ok("member", "fix-century", ref, str(mid))
    assert "19260601-****" in fixed.stderr
    assert cli("db", "check").exit_code == 0
    again = cli("member", "fix-century", ref, str(mid))
    assert again.exit_code == 1
    assert len(again.stderr.strip().splitlines()) == 1
