"""Caseworkers as records: add, list, edit, retire with the cases moved; assignment by
initials or login only; --mine; letters with the caseworker's own phone and e-mail; the
free-text names of an older database made into records."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bostadcli.caseworkers import (
    add_caseworker,
    assign,
    edit_caseworker,
    list_caseworkers,
    retire_caseworker,
)
from bostadcli.errors import Conflict, InvalidInput
from bostadcli.households import (
    NewHousehold,
    add_household,
    close_household,
    edit_household,
    list_households,
    show_household,
)
from bostadcli.reports import deadlines
from conftest import Cli

if TYPE_CHECKING:
    from sqlite_utils import Database

AS_OF = date(2026, 3, 2)


@pytest.fixture
def staff(db: Database) -> Database:
    add_caseworker(db, name="Karin Ek", initials="ke", login="karin", phone="08-465 004 05")
    add_caseworker(db, name="Omar Berg", initials="OB", login="omar", email="omar@ex.se")
    return db


def test_add_and_list(staff: Database) -> None:
    listed = list_caseworkers(staff)
    assert [(c["initials"], c["name"], c["login"]) for c in listed] == [
        ("KE", "Karin Ek", "karin"),
        ("OB", "Omar Berg", "omar"),
    ]
    assert listed[0]["open_cases"] == 0


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"name": "Kalle", "initials": "KE"}, "--initials KE is taken by Karin Ek"),
        ({"name": "Kalle", "initials": "KA", "login": "karin"}, "--login karin is taken"),
        ({"name": " ", "initials": "KA"}, "name"),
        ({"name": "Kalle", "initials": "K E"}, "initials"),
        ({"name": "Kalle", "initials": "ABCDEFGHI"}, "initials"),
        ({"name": "Kalle", "initials": "KA", "login": "bad login"}, "login"),
        ({"name": "Kalle", "initials": "KA", "email": "nope"}, "email"),
    ],
)
def test_bad_input_writes_nothing(staff: Database, values: dict[str, str], message: str) -> None:
    before = list(staff.conn.iterdump())
    with pytest.raises((InvalidInput, Conflict), match=message):
        add_caseworker(staff, **values)
    assert list(staff.conn.iterdump()) == before


def test_assignment_by_initials_or_login_never_free_text(staff: Database) -> None:
    ref = add_household(staff, NewHousehold("Anna", caseworker="ke"), as_of=AS_OF)
    assert show_household(staff, ref, as_of=AS_OF)["caseworker"] == "Karin Ek"
    assign(staff, ref, "omar")
    assert show_household(staff, ref, as_of=AS_OF)["caseworker"] == "Omar Berg"
    with pytest.raises(InvalidInput, match="no caseworker"):
        assign(staff, ref, "Omar Berg")  # a name is free text: refused
    with pytest.raises(InvalidInput, match="no caseworker"):
        add_household(staff, NewHousehold("Bo", caseworker="Krain"), as_of=AS_OF)
    diff = edit_household(staff, ref, changes={"caseworker": "KE"})
    assert diff == {"caseworker": ("Omar Berg", "Karin Ek")}


def test_default_is_the_login_then_the_config(staff: Database) -> None:
    mine = add_household(staff, NewHousehold("A"), as_of=AS_OF, login="omar")
    configured = add_household(
        staff, NewHousehold("B"), as_of=AS_OF, login="nobody", default_caseworker="Karin Ek"
    )
    unknown = add_household(staff, NewHousehold("C"), as_of=AS_OF, default_caseworker="Vem")
    cases = {r["ref"]: r["caseworker"] for r in list_households(staff, as_of=AS_OF)}
    assert cases == {mine: "Omar Berg", configured: "Karin Ek", unknown: None}


def test_rename_follows_into_every_case(staff: Database) -> None:
    ref = add_household(staff, NewHousehold("Anna", caseworker="OB"), as_of=AS_OF)
    assert edit_caseworker(staff, "OB", changes={"name": "Omar Berg Sahin"}) == {
        "name": ("Omar Berg", "Omar Berg Sahin")
    }
    assert show_household(staff, ref, as_of=AS_OF)["caseworker"] == "Omar Berg Sahin"
    with pytest.raises(Conflict, match="taken"):
        edit_caseworker(staff, "OB", changes={"initials": "KE"})


def test_retire_moves_open_cases_and_keeps_closed_ones(staff: Database) -> None:
    open_ = add_household(staff, NewHousehold("Anna", caseworker="OB"), as_of=AS_OF)
    closed = add_household(staff, NewHousehold("Bo", caseworker="OB"), as_of=AS_OF)
    close_household(staff, closed, outcome="stays", closed_on=AS_OF, as_of=AS_OF)
    before = list(staff.conn.iterdump())
    with pytest.raises(Conflict, match="1 open cases: give --move-to"):
        retire_caseworker(staff, "OB", move_to=None, on=AS_OF, as_of=AS_OF)
    with pytest.raises(InvalidInput, match="is the caseworker who retires"):
        retire_caseworker(staff, "OB", move_to="omar", on=AS_OF, as_of=AS_OF)
    with pytest.raises(InvalidInput, match=r"is after --as-of \(2026-03-02\)"):
        retire_caseworker(staff, "OB", move_to="KE", on=date(2026, 3, 3), as_of=AS_OF)
    assert list(staff.conn.iterdump()) == before
    assert retire_caseworker(staff, "OB", move_to="KE", on=AS_OF, as_of=AS_OF) == [open_]
    everyone = {c["initials"]: c for c in list_caseworkers(staff, include_retired=True)}
    assert everyone["OB"]["retired_on"] == "2026-03-02"
    assert everyone["OB"]["all_cases"] == 1  # the closed case
    assert show_household(staff, open_, as_of=AS_OF)["caseworker"] == "Karin Ek"
    assert show_household(staff, closed, as_of=AS_OF)["caseworker"] == "Omar Berg"
    with pytest.raises(InvalidInput, match="retired on 2026-03-02"):
        assign(staff, open_, "OB")
    with pytest.raises(Conflict, match="already"):
        retire_caseworker(staff, "OB", move_to="KE", on=AS_OF, as_of=AS_OF)
    # The initials are free for someone new; the old ones still name the closed cases.
    add_caseworker(staff, name="Olof Bengtsson", initials="OB")
    assert [r["ref"] for r in list_households(staff, as_of=AS_OF, caseworker="OB")] == []


def test_deadlines_of_one_caseworker(staff: Database) -> None:
    theirs = add_household(staff, NewHousehold("A", caseworker="OB"), as_of=date(2026, 1, 1))
    add_household(staff, NewHousehold("B", caseworker="KE"), as_of=date(2026, 1, 1))
    omar = next(c for c in staff.execute("SELECT id FROM caseworkers WHERE login = 'omar'"))
    entries = deadlines(staff, as_of=AS_OF, caseworker_id=omar[0])
    assert {e["ref"] for e in entries} == {theirs}


def test_free_text_names_become_records(tmp_path: Path) -> None:
    from bostadcli.db import open_database
    from bostadcli.migrations import migrations

    path = tmp_path / "old.sqlite"
    old = open_database(path, create=True, migrate=False)
    migrations.apply(old, stop_before="0020_caseworkers")
    now = "2025-01-01T00:00:00+00:00"
    for i, name in enumerate(["Karin Ek", " karin ek", "Kalle Eriksson", None, "Åsa Öberg"]):
        old.execute(
            "INSERT INTO households (ref, opened_on, source, housing_situation, caseworker,"
            " created_at, updated_at) VALUES (?, '2025-01-01', 'landlord', 'tenancy_at_risk',"
            " ?, ?, ?)",
            [f"2025-{i + 1:04d}", name, now, now],
        )
    old.conn.commit()
    old.close()
    db = open_database(path)
    workers = {c["name"]: c for c in list_caseworkers(db)}
    assert sorted(workers) == ["Kalle Eriksson", "Karin Ek", "Åsa Öberg"]
    assert {c["initials"] for c in workers.values()} == {"KE", "KE2", "ÅÖ"}
    assert workers["Karin Ek"]["open_cases"] == 2
    assert db.execute(
        "SELECT count(*) FROM households WHERE caseworker IS NOT NULL AND caseworker_id IS NULL"
    ).fetchone() == (0,)
    db.close()


def test_cli_mine_assign_retire_and_letters(initialised: Cli, tmp_path: Path) -> None:
    from bostadcli.audit import os_user

    cli = initialised
    me = os_user()  # the login running the tests: $USER cannot stand in for it
    cli.config_path.write_text(
        '[letterhead]\nphone = "08-111 11"\nsocialjouren_phone = "08-222 22"\n'
        'email = "enheten@ex.se"\n',
        encoding="utf-8",
    )
    cli.ok(
        "caseworker",
        "add",
        "Karin Ek",
        "--initials",
        "KE",
        "--phone",
        "08-465 004 05",
        "--email",
        "karin@ex.se",
    )
    cli.ok("caseworker", "add", "Omar Berg", "--initials", "OB", "--login", "omar")
    nobody = cli("household", "list", "--mine", env={"USER": "omar", "LOGNAME": "omar"})
    assert nobody.exit_code == 1 and f"--login {me}" in nobody.stderr
    cli.ok("caseworker", "edit", "KE", "--login", me)
    mine = cli.ok("household", "add", "Anna", "--as-of", "2026-03-01").stdout.strip()
    other = cli.ok(
        "household", "add", "Bo", "--caseworker", "omar", "--as-of", "2026-03-01"
    ).stdout.strip()
    listed = json.loads(cli.ok("household", "list", "--mine", "-f", "json").stdout)
    assert [r["ref"] for r in listed] == [mine]
    assert listed[0]["caseworker"] == "Karin Ek"
    letter = cli.ok("letter", "render", mine, "outreach", "--format", "txt", "--out", "-").stdout
    assert "08-465 004 05" in letter and "karin@ex.se" in letter
    # Omar has neither: the unit's phone and e-mail.
    letter = cli.ok("letter", "render", other, "outreach", "--format", "txt", "--out", "-").stdout
    assert "08-111 11" in letter and "enheten@ex.se" in letter
    before = cli.dump()
    for args, text in [
        (["household", "assign", other, "--to", "Omar Berg"], "'Omar Berg'"),
        (["household", "add", "C", "--caseworker", "XX"], "'XX'"),
        (["caseworker", "add", "Kim", "--initials", "KI", "--login", "omar"], "--login omar"),
        (["caseworker", "retire", "OB"], "--move-to"),
    ]:
        result = cli(*args)
        assert result.exit_code == 1, args
        assert text in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert cli.dump() == before
    moved = cli.ok("caseworker", "retire", "omar", "--move-to", "KE")
    assert moved.stdout.split() == [other]
    retired = cli("household", "assign", other, "--to", "OB")
    assert retired.exit_code == 1 and "retired" in retired.stderr
    cases = json.loads(cli.ok("household", "list", "--caseworker", "ke", "-f", "json").stdout)
    assert {r["ref"] for r in cases} == {mine, other}
    deadline_rows = json.loads(
        cli.ok("report", "deadlines", "--mine", "-f", "json", "--as-of", "2026-06-01").stdout
    )
    assert {r["ref"] for r in deadline_rows} == {mine, other}
    audit = json.loads(cli.ok("audit", "--format", "json").stdout)
    assert {r["os_user"] for r in audit} == {me}


def test_contact_by_initials_is_the_name(initialised: Cli) -> None:
    initialised.ok("caseworker", "add", "Karin Ek", "--initials", "KE")
    ref = initialised.ok("household", "add", "Anna").stdout.strip()
    initialised.ok("contact", "add", ref, "--kind", "phone", "--caseworker", "ke")
    contacts = json.loads(initialised.ok("contact", "list", "-f", "json").stdout)
    assert contacts[0]["caseworker"] == "Karin Ek"


def test_sqlite_sees_consistent_names(staff: Database) -> None:
    # The stored name follows the record even for a write made outside the tool.
    ref = add_household(staff, NewHousehold("Anna", caseworker="KE"), as_of=AS_OF)
    staff.execute("UPDATE caseworkers SET name = 'K. Ek' WHERE initials = 'KE'")
    assert show_household(staff, ref, as_of=AS_OF)["caseworker"] == "K. Ek"
    with pytest.raises(sqlite3.IntegrityError):
        staff.execute("UPDATE households SET caseworker_id = 999")
