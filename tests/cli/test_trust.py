"""Trust, second round: consent on the real date, every disclosure traced, retention on
the real date, an audit log no SQL marker can open, and retention of open cases."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database

from bostadcli import audit, letters
from bostadcli.consents import add_consent, list_consents, revoke_consent
from bostadcli.contacts import add_contact
from bostadcli.db import open_database, rows
from bostadcli.errors import Conflict, ConsentRequired, InvalidInput
from bostadcli.households import (
    ChildSpec,
    NewHousehold,
    add_household,
    close_household,
    household_id,
)
from bostadcli.purge import archive_research, due_by, plan_purge, run_purge
from bostadcli.supports import NewSupport, add_support
from conftest import Cli
from golden_letters import AS_OF, CONFIG, build_households

# Consent -------------------------------------------------------------------------------


def test_a_letter_to_the_landlord_is_judged_on_the_day_it_is_made(tmp_path: Path) -> None:
    db = open_database(tmp_path / "l.sqlite", create=True)
    refs = build_households(db)
    revoked = date(2026, 11, 20)
    revoke_consent(db, refs["tricky"], recipient="landlord", revoked_on=revoked, today=revoked)
    before = AS_OF
    # The content may be replayed on an earlier day; the consent is judged on the day
    # the letter is made, after the revocation.
    with pytest.raises(ConsentRequired, match="20 November 2026"):
        letters.render_letter(
            db,
            refs["tricky"],
            "plan_agreement",
            config=CONFIG,
            as_of=before,
            fmt="txt",
            today=revoked,
        )
    with pytest.raises(ConsentRequired):
        letters.make_letter(
            db,
            refs["tricky"],
            "plan_agreement",
            config=CONFIG,
            as_of=before,
            fmt="txt",
            out=tmp_path / "x.txt",
            record=True,
            today=revoked,
        )
    assert not (tmp_path / "x.txt").exists()
    # Made the day before the revocation it would have gone.
    made = letters.render_letter(
        db,
        refs["tricky"],
        "plan_agreement",
        config=CONFIG,
        as_of=before,
        fmt="txt",
        today=date(2026, 11, 19),
    )
    assert made.kind == "plan_agreement"
    db.close()


def test_an_expired_consent_stays_expired_under_as_of(db: Database) -> None:
    from bostadcli.consents import require_consent
    from bostadcli.vocab import Recipient

    ref = add_household(db, NewHousehold("Anna Andersson"), as_of=date(2026, 1, 1))
    add_consent(
        db,
        ref,
        recipient="enforcement",
        given_on=date(2026, 1, 2),
        expires_on=date(2026, 6, 30),
        reason="skrivet i efterhand",
        today=date(2026, 1, 5),
    )
    assert require_consent(db, ref, Recipient.enforcement, today=date(2026, 6, 30))
    with pytest.raises(ConsentRequired):
        require_consent(db, ref, Recipient.enforcement, today=date(2026, 7, 1))


def test_a_back_dated_consent_needs_a_reason_and_shows_it(db: Database) -> None:
    ref = add_household(db, NewHousehold("Anna Andersson"), as_of=date(2026, 1, 1))
    today = date(2026, 3, 10)
    with pytest.raises(InvalidInput, match="--reason"):
        add_consent(db, ref, recipient="landlord", given_on=date(2026, 3, 9), today=today)
    with pytest.raises(InvalidInput, match="after today"):
        add_consent(
            db, ref, recipient="landlord", given_on=date(2026, 3, 11), reason="x", today=today
        )
    assert rows(db, "SELECT * FROM consents") == []
    add_consent(db, ref, recipient="landlord", given_on=today, today=today, reason="ignored")
    add_consent(
        db,
        ref,
        recipient="enforcement",
        given_on=date(2026, 3, 2),
        today=today,
        reason="muntligt i telefon 2 mars",
    )
    listed = {c["recipient"]: c for c in list_consents(db, ref=ref, as_of=today)}
    assert listed["landlord"]["backdated"] is False
    assert listed["landlord"]["backdate_reason"] is None
    assert listed["enforcement"]["backdated"] is True
    assert listed["enforcement"]["backdate_reason"] == "muntligt i telefon 2 mars"
    assert listed["enforcement"]["recorded_on"] == "2026-03-10"


def test_cli_consent_add_on_the_real_date(
    initialised: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bostadcli.consents.real_today", lambda: date(2026, 11, 20))
    initialised.ok("household", "add", "Anna Andersson", "--as-of", "2026-11-01")
    before = initialised.dump()
    # --as-of cannot make a future date acceptable, nor excuse a back-dated one.
    for args in (
        ["--given", "2026-11-25", "--as-of", "2026-12-01"],
        ["--given", "2026-11-02", "--as-of", "2026-11-02"],
    ):
        result = initialised("consent", "add", "2026-0001", "--recipient", "landlord", *args)
        assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1, result.stderr
    assert initialised.dump() == before
    initialised.ok(
        "consent",
        "add",
        "2026-0001",
        "--recipient",
        "landlord",
        "--given",
        "2026-11-02",
        "--reason",
        "muntligt samtycke vid hembesök",
    )
    [shown] = json.loads(initialised.ok("consent", "list", "2026-0001", "--format", "json").stdout)
    assert shown["backdated"] is True and shown["backdate_reason"].startswith("muntligt")


# Disclosures ---------------------------------------------------------------------------


def _disclosures(cli: Cli, ref: str) -> list[str]:
    result = cli.ok("audit", "--household", ref, "--format", "json")
    return [r["table_name"] for r in json.loads(result.stdout) if r["action"] == "disclose"]


def test_every_disclosure_leaves_a_trace_per_case(initialised: Cli, tmp_path: Path) -> None:
    config = initialised.config_path.read_text(encoding="utf-8")
    config = config.replace('phone = ""', 'phone = "08-465 004 00"', 1).replace(
        'socialjouren_phone = ""', 'socialjouren_phone = "08-465 004 01"'
    )
    initialised.config_path.write_text(config, encoding="utf-8")
    initialised.ok(
        "household",
        "add",
        "Anna Andersson",
        "--pnr",
        "19811218-9876",
        "--street",
        "Storgatan 1",
        "--postal-code",
        "44130",
        "--city",
        "Alingsås",
    )
    initialised.ok("household", "add", "Bo Bosson")
    ref = json.loads(initialised.ok("household", "list", "--format", "json").stdout)[0]["ref"]
    other = json.loads(initialised.ok("household", "list", "--format", "json").stdout)[1]["ref"]
    assert _disclosures(initialised, ref) == []  # masked listings disclose no numbers
    initialised.ok("household", "list", "--include-pnr", "--format", "csv")
    initialised.ok("household", "show", ref, "--include-pnr")
    initialised.ok("letter", "render", ref, "outreach", "--format", "txt", "--out", "-")
    initialised.ok(
        "letter",
        "render",
        ref,
        "outreach",
        "--format",
        "txt",
        "--no-record",
        "--out",
        str(tmp_path / "brev.txt"),
    )
    initialised.ok("export", "household", ref, "--out", str(tmp_path / "case.json"))
    initialised.ok("export", "members", "--out", str(tmp_path / "members.csv"))
    initialised.ok("backup", str(tmp_path / "copy.sqlite"))
    assert _disclosures(initialised, ref) == [
        "household list",
        "household show",
        "letter outreach",
        "letter outreach",
        "household",
        "members",
        "backup",
    ]
    assert _disclosures(initialised, other) == ["household list", "members", "backup"]
    db = open_database(initialised.db_path)
    log = rows(db, "SELECT table_name, include_pnr, all_cases FROM export_log ORDER BY id")
    db.close()
    assert log[-1] == {"table_name": "backup", "include_pnr": 1, "all_cases": 1}


# Retention on the real date, and a guard no marker opens -----------------------------


def _old_case(db: Database, name: str, *, closed: bool, child: date | None = None) -> str:
    opened = date(2019, 2, 1)
    ref = add_household(
        db,
        NewHousehold(
            tenant_name=name, opened_on=opened, children=[ChildSpec(child)] if child else []
        ),
        as_of=opened,
    )
    add_contact(db, ref, kind="phone", on=opened, text=f"Samtal med {name}", as_of=opened)
    if closed:
        close_household(
            db, ref, outcome="stays", closed_on=date(2019, 5, 2), as_of=date(2019, 5, 2)
        )
    stamp = "2019-05-02T10:00:00+00:00"
    hid = household_id(db, ref)
    db.execute(
        "UPDATE households SET created_at = ?, updated_at = ? WHERE id = ?", [stamp, stamp, hid]
    )
    for table in ("members", "contacts"):
        db.execute(f"UPDATE {table} SET created_at = ? WHERE household_id = ?", [stamp, hid])
    db.conn.commit()
    return ref


def test_purge_with_another_date_only_shows(initialised: Cli) -> None:
    initialised.ok("household", "add", "Closed Today")
    ref = json.loads(initialised.ok("household", "list", "--format", "json").stdout)[0]["ref"]
    initialised.ok("household", "close", ref, "--outcome", "stays")
    before = initialised.dump()
    for as_of in ("2099-01-01", "2020-01-01"):
        refused = initialised("purge", "--yes", "--as-of", as_of)
        assert refused.exit_code == 1, refused.stderr
        assert len(refused.stderr.splitlines()) == 1 and "--dry-run" in refused.stderr
    shown = initialised("purge", "--as-of", "2099-01-01", "--format", "csv")
    assert shown.exit_code == 0 and ref in shown.stdout
    assert "Only shown" in shown.stderr
    assert initialised.dump() == before
    db = open_database(initialised.db_path)
    try:
        plan = plan_purge(db, as_of=date(2099, 1, 1))
        assert [c["ref"] for c in plan.delete] == [ref]
        with pytest.raises(Conflict, match="today's date only"):
            run_purge(db, plan)
    finally:
        db.close()
    assert initialised.dump() == before


def test_the_audit_log_cannot_be_emptied_by_setting_the_purge_marker(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    db = open_database(path, create=True)
    ref = add_household(db, NewHousehold("Anna Andersson"), as_of=date(2026, 1, 1))
    db.close()
    conn = sqlite3.connect(path)
    try:
        (before,) = conn.execute("SELECT count(*) FROM audit_log").fetchone()
        assert before > 0
        conn.execute("UPDATE audit_context SET command = 'purge', os_user = 'mallory'")
        with pytest.raises(sqlite3.DatabaseError, match="cannot be changed"):
            conn.execute("DELETE FROM audit_log")
        with pytest.raises(sqlite3.DatabaseError, match="cannot be changed"):
            conn.execute("UPDATE audit_log SET changes = NULL")
        # With the old marker set, a change is still logged (as mallory's, in fact).
        conn.execute("UPDATE households SET note = 'changed outside' WHERE ref = ?", [ref])
        conn.commit()
        logged = conn.execute(
            "SELECT os_user FROM audit_log WHERE table_name = 'households' AND action = 'update'"
        ).fetchall()
        assert logged == [("mallory",)]
        (after,) = conn.execute("SELECT count(*) FROM audit_log").fetchone()
        assert after == before + 1
        # A temp table or a second connection's "purge" gets nowhere either.
        conn.execute("CREATE TEMP TABLE purging (x)")
        with pytest.raises(sqlite3.DatabaseError, match="cannot be changed"):
            conn.execute("DELETE FROM audit_log")
    finally:
        conn.close()


def test_a_purge_lifts_the_guard_in_its_own_transaction_only(tmp_path: Path) -> None:
    db = open_database(tmp_path / "g.sqlite", create=True)
    try:
        due = _old_case(db, "Zacharias Purgeson", closed=True)
        stays = add_household(db, NewHousehold("Stays"), as_of=date(2026, 1, 1))
        assert audit.guard_intact(db)
        record = run_purge(db, plan_purge(db, as_of=date(2026, 11, 21), today=date(2026, 11, 21)))
        assert json.loads(record["refs"]) == [due]
        assert audit.guard_intact(db)
        names = {
            r["name"] for r in rows(db, "SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
        assert {"audit_households_insert", "audit_members_delete", "audit_log_no_delete"} <= names
        assert rows(db, "SELECT count(*) AS n FROM audit_log WHERE changes LIKE '%Purgeson%'") == [
            {"n": 0}
        ]
        # A purge that fails half-way leaves the guard as it was.
        with pytest.raises(RuntimeError), audit.guard_lifted(db):
            pass
        from bostadcli.households import edit_household

        edit_household(db, stays, changes={"note": "later"})
        assert rows(db, "SELECT count(*) AS n FROM audit_log WHERE action = 'update'")[0]["n"] >= 1
    finally:
        db.close()


# Retention of open cases (issue 15) ---------------------------------------------------


def test_due_by_the_end_of_the_following_calendar_year() -> None:
    assert due_by(date(2019, 5, 2), 5) == date(2025, 12, 31)
    assert due_by(date(2020, 12, 31), 5) == date(2026, 12, 31)
    assert due_by(date(2020, 2, 29), 5) == date(2026, 12, 31)
    assert due_by(date(2021, 1, 1), 5) == date(2027, 12, 31)


def test_open_cases_without_an_entry_are_due_and_listed_apart(tmp_path: Path) -> None:
    db = open_database(tmp_path / "o.sqlite", create=True)
    try:
        quiet = _old_case(db, "Tyst Öppen", closed=False)
        supported = _old_case(db, "Med Insats", closed=False)
        # A support whose planned end is recent is an entry: the case stays.
        add_support(
            db,
            supported,
            NewSupport(
                kind="housing_support",
                start_on=date(2019, 2, 1),
                end_on=date(2022, 6, 30),
            ),
            as_of=date(2019, 2, 1),
        )
        db.execute(
            "UPDATE supports SET created_at = '2019-02-01T10:00:00+00:00',"
            " updated_at = '2019-02-01T10:00:00+00:00'"
        )
        db.conn.commit()
        today = date(2026, 11, 21)
        plan = plan_purge(db, as_of=today, today=today)
        assert plan.delete == []
        assert [c["ref"] for c in plan.open_cases] == [quiet]
        assert plan.open_cases[0]["last_entry"] == "2019-05-02"
        assert run_purge(db, plan)["deleted"] == 1
        assert {r["ref"] for r in rows(db, "SELECT ref FROM households")} == {supported}
    finally:
        db.close()


def test_cli_lists_open_cases_apart(initialised: Cli) -> None:
    db = open_database(initialised.db_path)
    quiet = _old_case(db, "Tyst Öppen", closed=False)
    closed = _old_case(db, "Stängd", closed=True)
    db.close()
    dry = initialised("purge", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert "Open cases without an entry in 5 years" in dry.stdout
    assert dry.stdout.index(closed) < dry.stdout.index("Open cases") < dry.stdout.index(quiet)
    initialised.ok("purge", "--yes")
    assert initialised("household", "show", quiet).exit_code == 1


def test_research_cases_are_archived_then_removed(tmp_path: Path) -> None:
    db = open_database(tmp_path / "r.sqlite", create=True)
    try:
        kept = _old_case(db, "Forskning Född Femtonde", closed=True, child=date(2012, 4, 15))
        today = date(2026, 11, 21)
        plan = plan_purge(db, as_of=today, today=today)
        assert plan.kept_for_research == [kept] and plan.delete == []
        folder = tmp_path / "arkiv"
        with pytest.raises(Conflict):
            archive_research(db, plan_purge(db, as_of=date(2099, 1, 1), today=today), folder)
        record = archive_research(db, plan, folder)
        assert record["deleted"] == 1
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        [entry] = manifest["cases"]
        document = json.loads((folder / entry["file"]).read_text(encoding="utf-8"))
        assert document["household"]["ref"] == kept and document["pnr_included"] is True
        for path in folder.iterdir():
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
        assert rows(db, "SELECT count(*) AS n FROM households") == [{"n": 0}]
        [logged] = rows(db, "SELECT refs, archived_to, deleted FROM purge_log")
        assert logged["archived_to"] == str(folder.resolve()) and "Femtonde" not in str(logged)
        # An archive folder is never written into twice.
        with pytest.raises(Conflict):
            archive_research(db, plan, folder)
    finally:
        db.close()


def test_consent_for_the_landlord_does_not_pass_to_a_new_landlord(db: Database) -> None:
    import io

    from bostadcli.consents import require_consent
    from bostadcli.export import export_table
    from bostadcli.households import edit_household
    from bostadcli.landlords import add_landlord
    from bostadcli.vocab import Recipient

    add_landlord(db, name="Gamla Värden AB")
    add_landlord(db, name="Nya Värden AB")
    today = date(2026, 11, 20)
    ref = add_household(
        db, NewHousehold("Anna Andersson", landlord="Gamla Värden AB"), as_of=date(2026, 11, 1)
    )
    add_consent(db, ref, recipient="landlord", given_on=today, today=today)
    assert require_consent(db, ref, Recipient.landlord, today=today)
    # The household moves: its consent was for the landlord it had then.
    edit_household(db, ref, changes={"landlord": "Nya Värden AB"})
    with pytest.raises(ConsentRequired):
        require_consent(db, ref, Recipient.landlord, today=today)
    out = io.StringIO()
    export_table(
        db,
        "households",
        out,
        fmt="jsonl",
        as_of=today,
        recipient="landlord",
        landlord="Nya Värden AB",
        command="t",
        today=today,
    )
    assert out.getvalue() == ""
    # Revoking still reaches it, and a new consent covers the new landlord.
    revoke_consent(db, ref, recipient="landlord", revoked_on=today, today=today)
    add_consent(db, ref, recipient="landlord", given_on=today, today=today)
    assert require_consent(db, ref, Recipient.landlord, today=today)
