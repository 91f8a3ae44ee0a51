"""The audit log: every write recorded with who and which command; never editable."""

import json
import sqlite3
from datetime import date

import pytest
from sqlite_utils import Database

from bostadcli.audit import list_audit, set_actor
from bostadcli.caseworkers import add_caseworker
from bostadcli.households import (
    NewHousehold,
    add_household,
    add_member,
    edit_household,
    remove_member,
)
from conftest import Cli

AS_OF = date(2026, 11, 21)


def test_insert_update_delete_are_recorded_without_personnummer(db: Database) -> None:
    set_actor(db, command="bostad household add", user="lisa")
    ref = add_household(
        db, NewHousehold(tenant_name="Anna Andersson", tenant_pnr="811218-9876"), as_of=AS_OF
    )
    set_actor(db, command="bostad member add", user="lisa")
    member = add_member(db, ref, name="Erik", pnr="19800101-0027", role="adult", as_of=AS_OF)
    set_actor(db, command="bostad caseworker add", user="olle")
    add_caseworker(db, name="Olle", initials="OL")
    set_actor(db, command="bostad household edit", user="olle")
    edit_household(db, ref, changes={"caseworker": "OL"})
    set_actor(db, command="bostad member remove", user="olle")
    remove_member(db, ref, member)

    log = list_audit(db)
    text = json.dumps(log, ensure_ascii=False)
    assert "9876" not in text and "0027" not in text
    assert {(r["action"], r["table_name"]) for r in log} >= {
        ("insert", "households"),
        ("insert", "members"),
        ("update", "households"),
        ("delete", "members"),
    }
    assert all(r["ref"] == ref for r in log if r["table_name"] != "caseworkers")
    updates = [
        json.loads(r["changes"])
        for r in log
        if r["action"] == "update"
        and r["table_name"] == "households"
        and (r["os_user"], r["command"]) == ("olle", "bostad household edit")
    ]
    # The assignment, and the name the trigger writes beside it.
    assert {"caseworker": [None, "Olle"]} in updates
    assert any(u.get("caseworker_id", [0])[0] is None for u in updates)
    inserted = next(r for r in log if r["action"] == "insert" and r["table_name"] == "members")
    assert json.loads(inserted["changes"])["pnr"] == "recorded"
    deleted = next(r for r in log if r["action"] == "delete")
    assert json.loads(deleted["changes"])["name"] == "Erik"


def test_the_log_cannot_be_changed(db: Database) -> None:
    add_household(db, NewHousehold(tenant_name="Anna"), as_of=AS_OF)
    with pytest.raises(sqlite3.IntegrityError, match="audit log cannot be changed"):
        db.execute("UPDATE audit_log SET os_user = 'someone else'")
    with pytest.raises(sqlite3.IntegrityError, match="audit log cannot be changed"):
        db.execute("DELETE FROM audit_log")


def test_writes_outside_the_tool_are_recorded_with_no_user(db: Database) -> None:
    add_household(db, NewHousehold(tenant_name="Anna"), as_of=AS_OF)
    # The context is cleared before every commit: a later raw write names nobody.
    db.execute("UPDATE households SET caseworker = 'x'")
    last = list_audit(db)[-1]
    assert (last["os_user"], last["command"], last["action"]) == (None, None, "update")


def test_a_failed_command_leaves_no_audit_entry(initialised: Cli) -> None:
    before = initialised.dump()
    result = initialised("household", "add", "Anna", "--pnr", "811218-9875")
    assert result.exit_code == 1
    assert initialised.dump() == before


def test_cli_records_the_command_and_lists_by_household(initialised: Cli) -> None:
    initialised.ok("household", "add", "Anna", "--as-of", "2026-11-21")
    initialised.ok("household", "add", "Bo", "--as-of", "2026-11-21")
    initialised.ok("contact", "add", "2026-0002", "--kind", "phone", "--as-of", "2026-11-21")
    rows = json.loads(
        initialised.ok("audit", "--household", "2026-0002", "--format", "json").stdout
    )
    assert rows and {r["ref"] for r in rows} == {"2026-0002"}
    assert {r["command"] for r in rows} == {"bostad household add", "bostad contact add"}
