"""The tenant's spouse, registered partner or sambo, whatever the member's place on the
lease (DOMAIN.md rule 13, KFMA 2018:1): a co-tenant married to the tenant makes a couple
in the living-cost norm when marked so (``members.partner_of_tenant``); a shared lease
alone does not. At most one per case, never a child or the tenant; every refusal leaves
the database as it was."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bostadcli.affordability import household_affordability
from bostadcli.casemove.checks import with_partner_of_tenant
from bostadcli.errors import Conflict, InvalidInput
from bostadcli.households import (
    NewHousehold,
    add_household,
    add_member,
    household_id,
    show_household,
)
from bostadcli.member_corrections import edit_member
from bostadcli.money import Money
from bostadcli.rules import NORMALBELOPP
from conftest import Cli, sql_dump

ON = date(2024, 6, 1)
N24 = NORMALBELOPP[2024]


def norm(db: Any, ref: str) -> Any:
    return household_affordability(
        db,
        household_id(db, ref),
        income=Money.kronor(30_000),
        installment=Money.kronor(1_000),
        as_of=ON,
        table=NORMALBELOPP,
    )


def flags(db: Any, ref: str) -> dict[str, bool]:
    return {
        m["name"]: m["partner_of_tenant"]
        for m in show_household(db, ref, as_of=ON)["member_list"]
        if m["name"]
    }


def test_a_co_tenant_marked_as_partner_makes_a_couple(db: Any) -> None:
    ref = add_household(
        db,
        NewHousehold("Anna", co_tenant_name="Bo", co_tenant_partner=True, rent=Money(800_000)),
        as_of=ON,
    )
    result = norm(db, ref)
    assert result.norm.couple
    assert result.norm.adults_outside == 0
    assert result.norm.amount == Money.kronor(N24["couple"])
    assert result.warnings == []
    assert flags(db, ref) == {"Anna": False, "Bo": True}


def test_an_unmarked_co_tenant_is_outside_and_the_warning_says_how_to_mark(db: Any) -> None:
    ref = add_household(db, NewHousehold("Anna", co_tenant_name="Bo"), as_of=ON)
    result = norm(db, ref)
    assert not result.norm.couple
    assert result.norm.adults_outside == 1
    assert any("member edit REF N --partner" in w for w in result.warnings)


def test_the_role_partner_is_a_partner(db: Any) -> None:
    ref = add_household(db, NewHousehold("Anna"), as_of=ON)
    add_member(db, ref, name="Bo", role="partner", as_of=ON)
    assert flags(db, ref)["Bo"] is True
    assert norm(db, ref).norm.couple
    with pytest.raises(InvalidInput, match="change --role too"):
        add_member(db, ref, name="Cia", role="partner", partner=False, as_of=ON)


def test_an_adult_marked_as_partner(db: Any) -> None:
    ref = add_household(db, NewHousehold("Anna"), as_of=ON)
    add_member(db, ref, name="Bo", role="adult", partner=True, as_of=ON)
    assert norm(db, ref).norm.couple


def test_at_most_one_partner_and_the_database_unchanged(db: Any, tmp_path: Path) -> None:
    ref = add_household(
        db, NewHousehold("Anna", co_tenant_name="Bo", co_tenant_partner=True), as_of=ON
    )
    before = list(db.conn.iterdump())
    with pytest.raises(Conflict, match="already the tenant's partner"):
        add_member(db, ref, name="Cia", role="partner", as_of=ON)
    with pytest.raises(Conflict, match="already the tenant's partner"):
        add_member(db, ref, name="Cia", role="adult", partner=True, as_of=ON)
    cia = add_member(db, ref, name="Cia", role="adult", as_of=ON)
    after_cia = list(db.conn.iterdump())
    with pytest.raises(Conflict, match="a case has at most one"):
        edit_member(db, ref, cia, changes={"partner_of_tenant": True}, reason="x", as_of=ON)
    with pytest.raises(Conflict, match="a case has at most one"):
        edit_member(db, ref, cia, changes={"role": "partner"}, reason="x", as_of=ON)
    assert list(db.conn.iterdump()) == after_cia
    assert len(before) < len(after_cia)
    # The database holds the rule too, whatever writes to it.
    import sqlite3

    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE members SET partner_of_tenant = 1 WHERE id = ?", [cia])


@pytest.mark.parametrize("role", ["child", "tenant"])
def test_a_child_or_the_tenant_cannot_be_one(db: Any, role: str) -> None:
    ref = add_household(db, NewHousehold("Anna"), as_of=ON)
    before = list(db.conn.iterdump())
    with pytest.raises(InvalidInput, match="partner"):
        add_member(
            db, ref, name="Ebba", birth_date=date(2015, 1, 1), role=role, partner=True, as_of=ON
        )
    with pytest.raises(InvalidInput, match="partner"):
        # The tenant is member 1.
        edit_member(db, ref, 1, changes={"partner_of_tenant": True}, reason="x", as_of=ON)
    assert list(db.conn.iterdump()) == before


def test_a_role_change_keeps_the_relationship_except_to_a_child(db: Any) -> None:
    ref = add_household(db, NewHousehold("Anna"), as_of=ON)
    bo = add_member(db, ref, name="Bo", role="partner", as_of=ON)
    # The partner signs the lease: still the tenant's partner, now a co-tenant.
    diff = edit_member(db, ref, bo, changes={"role": "co_tenant"}, reason="signed", as_of=ON)
    assert diff == {"role": ("partner", "co_tenant")}
    assert norm(db, ref).norm.couple
    diff = edit_member(db, ref, bo, changes={"partner_of_tenant": False}, reason="x", as_of=ON)
    assert diff == {"partner_of_tenant": (1, 0)}
    assert not norm(db, ref).norm.couple
    edit_member(db, ref, bo, changes={"partner_of_tenant": True}, reason="x", as_of=ON)
    edit_member(
        db,
        ref,
        bo,
        changes={"role": "child", "birth_date": date(2012, 1, 1)},
        reason="a child, typed as a co-tenant",
        as_of=ON,
    )
    assert flags(db, ref)["Bo"] is False


def test_household_add_without_a_co_tenant_is_refused(initialised: Cli) -> None:
    cli = initialised
    before = cli.dump()
    result = cli("household", "add", "Anna", "--co-tenant-partner")
    assert result.exit_code != 0
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert "--co-tenant-partner" in result.stderr and "co-tenant's name" in result.stderr
    assert sql_dump(cli.db_path) == before


def test_the_command_line_show_history_and_export(initialised: Cli, tmp_path: Path) -> None:
    cli = initialised
    ref = cli.ok("household", "add", "Anna Ek", "--co-tenant", "Bo Ek").stdout.strip()
    # The co-tenant is member 2; member edit needs a reason, like every correction.
    assert cli("member", "edit", ref, "2", "--partner").exit_code == 2
    cli.ok("member", "edit", ref, "2", "--partner", "--reason", "Married, both on the lease")
    shown = cli.ok("household", "show", ref).stdout
    assert "co-tenant, spouse/sambo" in shown
    history = json.loads(cli.ok("household", "history", ref, "--format", "json").stdout)
    corrections = [h for h in history if h["event"] == "correction"]
    assert len(corrections) == 1
    assert "Married, both on the lease" in corrections[0]["text"]
    assert '"partner_of_tenant": [0, 1]' in corrections[0]["text"]
    # A second one, on the command line: one line, exit 1, nothing written.
    cli.ok("member", "add", ref, "--name", "Cia Ek")
    before = cli.dump()
    result = cli("member", "add", ref, "--name", "Dan Ek", "--partner")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: --partner: member 2 of {ref} is already the tenant's partner; a case has at"
        f" most one (bostad member edit {ref} 2 --no-partner --reason ...)"
    ]
    assert sql_dump(cli.db_path) == before
    result = cli("member", "edit", ref, "3", "--partner", "--reason", "x")
    assert result.exit_code == 1
    assert sql_dump(cli.db_path) == before
    # The members export: the flag as the last column.
    out = tmp_path / "members.csv"
    out.write_text(cli.ok("export", "members").stdout, encoding="utf-8")
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].endswith(",partner_of_tenant")
    assert [line.rsplit(",", 1)[1] for line in lines[1:]] == ["false", "true", "false"]


def test_an_older_document_marks_the_first_role_partner() -> None:
    old = {
        "members": [
            {"role": "tenant", "name": "Anna"},
            {"role": "partner", "name": "Bo"},
            {"role": "partner", "name": "Cia"},
            {"role": "adult", "name": "Dan"},
        ]
    }
    filled = with_partner_of_tenant(old)
    assert [m["partner_of_tenant"] for m in filled["members"]] == [False, True, False, False]
    assert "partner_of_tenant" not in old["members"][1]  # the document itself untouched
    new = {"members": [{"role": "co_tenant", "partner_of_tenant": True}]}
    assert with_partner_of_tenant(new) is new


def test_a_moved_case_carries_the_flag(initialised: Cli, tmp_path: Path) -> None:
    cli = initialised
    ref = cli.ok("household", "add", "Anna Ek", "--co-tenant", "Bo Ek", "--co-tenant-partner")
    ref_text = ref.stdout.strip()
    doc = tmp_path / "case.json"
    cli.ok("export", "household", ref_text, "--out", str(doc))
    document = json.loads(doc.read_text(encoding="utf-8"))
    assert [m["partner_of_tenant"] for m in document["members"]] in ([0, 1], [False, True])
    # Written before the field existed: the co-tenant comes without it (0), a role
    # partner with it (1).
    for m in document["members"]:
        del m["partner_of_tenant"]
    document["members"][1]["role"] = "partner"
    older = tmp_path / "older.json"
    older.write_text(json.dumps(document), encoding="utf-8")
    new_ref = cli.ok("import", "household", str(older)).stdout.strip()
    shown = json.loads(cli.ok("household", "show", new_ref, "--format", "json").stdout)
    assert [m["partner_of_tenant"] for m in shown["member_list"]] == [False, True]
    # Two partners in a document: refused, one line, nothing written.
    document["members"][0]["partner_of_tenant"] = False
    document["members"][1]["partner_of_tenant"] = True
    document["members"].append({**document["members"][1], "id": 999, "name": "Cia Ek"})
    two = tmp_path / "two.json"
    two.write_text(json.dumps(document), encoding="utf-8")
    before = cli.dump()
    result = cli("import", "household", str(two))
    assert result.exit_code != 0
    assert "at most one partner of the tenant" in result.stderr
    assert sql_dump(cli.db_path) == before


def test_the_migration_carries_the_role_partner_across(tmp_path: Path) -> None:
    from bostadcli.db import open_database
    from bostadcli.migrations import migrations

    path = tmp_path / "old.sqlite"
    old = open_database(path, create=True, migrate=False)
    migrations.apply(old, stop_before="0021_member_partner")
    now = "2025-01-01T00:00:00+00:00"
    for i in (1, 2):
        old.execute(
            "INSERT INTO households (ref, opened_on, source, housing_situation,"
            " created_at, updated_at) VALUES (?, '2025-01-01', 'landlord', 'tenancy_at_risk',"
            " ?, ?)",
            [f"2025-{i:04d}", now, now],
        )
    members = [
        (1, "Anna", "tenant"),
        (1, "Bo", "partner"),
        (1, "Cia", "partner"),  # two partners, recorded before the rule
        (2, "Dan", "tenant"),
        (2, "Eva", "co_tenant"),
    ]
    for hid, name, role in members:
        old.execute(
            "INSERT INTO members (household_id, name, role, part_time, created_at)"
            " VALUES (?, ?, ?, 0, ?)",
            [hid, name, role, now],
        )
    old.conn.commit()
    old.close()
    db = open_database(path)
    got = {
        r[0]: r[1]
        for r in db.execute("SELECT name, partner_of_tenant FROM members ORDER BY id").fetchall()
    }
    assert got == {"Anna": 0, "Bo": 1, "Cia": 0, "Dan": 0, "Eva": 0}
    assert norm(db, "2025-0001").norm.couple  # Cia keeps her role, outside the norm
    assert norm(db, "2025-0001").norm.adults_outside == 1
    assert not norm(db, "2025-0002").norm.couple
    db.close()


@pytest.mark.parametrize(
    ("index", "value", "expected"),
    [
        (2, True, "members[2].partner_of_tenant: a child cannot be the tenant's partner: 'true'"),
        (0, True, "members[0].partner_of_tenant: the tenant cannot be their own partner: 'true'"),
        (1, "yes", "members[1].partner_of_tenant: expected true or false: 'yes'"),
    ],
)
def test_a_document_cannot_mark_a_child_the_tenant_or_a_non_flag(
    initialised: Cli, tmp_path: Path, index: int, value: Any, expected: str
) -> None:
    cli = initialised
    ref = cli.ok(
        "household", "add", "Anna Ek", "--co-tenant", "Bo Ek", "--child", "2015-03-02 Ebba"
    ).stdout.strip()
    doc = tmp_path / "case.json"
    cli.ok("export", "household", ref, "--out", str(doc))
    document = json.loads(doc.read_text(encoding="utf-8"))
    assert [m["role"] for m in document["members"]] == ["tenant", "co_tenant", "child"]
    document["members"][index]["partner_of_tenant"] = value
    doc.write_text(json.dumps(document), encoding="utf-8")
    before = cli.dump()
    result = cli("import", "household", str(doc))
    assert result.exit_code != 0
    assert len(result.stderr.splitlines()) == 1
    assert expected in result.stderr
    assert sql_dump(cli.db_path) == before


def test_a_minor_is_never_the_partner_whatever_the_role(db: Any) -> None:
    """Under 18 on the day is a child for the norm, even with the role adult."""
    ref = add_household(db, NewHousehold("Anna"), as_of=ON)

    def counts() -> tuple[int, int]:
        return (
            db.execute("SELECT count(*) FROM households").fetchone()[0],
            db.execute("SELECT count(*) FROM members").fetchone()[0],
        )

    before = counts()
    with pytest.raises(InvalidInput, match="a child cannot be the tenant's partner"):
        add_member(db, ref, name="Ung", birth_date=date(2010, 1, 1), partner=True, as_of=ON)
    with pytest.raises(InvalidInput, match="a child cannot be the tenant's partner"):
        add_household(
            db,
            NewHousehold(
                "Berit", co_tenant_name="Ung", co_tenant_pnr="201001012382", co_tenant_partner=True
            ),
            as_of=ON,
        )
    assert counts() == before
    # Eighteen on the day is an adult, and may be.
    add_member(db, ref, name="Vuxen", birth_date=date(2006, 6, 1), partner=True, as_of=ON)
    assert flags(db, ref)["Vuxen"] is True


def test_the_co_tenant_is_not_the_tenant_again(db: Any) -> None:
    with pytest.raises(InvalidInput, match="the tenant's own personnummer"):
        add_household(
            db,
            NewHousehold(
                "Self",
                tenant_pnr="197505051230",
                co_tenant_name="Self",
                co_tenant_pnr="197505051230",
            ),
            as_of=ON,
        )
