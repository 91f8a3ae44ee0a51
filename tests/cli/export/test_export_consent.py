"""Exports addressed to a landlord, Kronofogden or a debt collector need consent for that
recipient (offentlighets- och sekretesslagen 26 kap. 1 §), judged on the real date the
export is made: --as-of replays the content, it cannot bring a consent back."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database

from bostadcli.audit import list_audit
from bostadcli.casemove.document_out import export_household
from bostadcli.consents import add_consent, revoke_consent
from bostadcli.contacts import add_contact
from bostadcli.db import open_database, rows
from bostadcli.errors import ConsentRequired, InvalidInput
from bostadcli.export import cases_without_consent, export_table
from bostadcli.households import NewHousehold, add_household, close_household, household_id
from bostadcli.landlords import add_landlord
from bostadcli.notices import NewNotice, add_notice
from bostadcli.vocab import Recipient
from conftest import Cli

AS_OF = date(2026, 11, 2)
WHY = "muntligt samtycke, skrivet i efterhand"


def _case(db: Database, name: str, opened: date, landlord: str | None = "Exempelhem AB") -> str:
    ref = add_household(
        db, NewHousehold(tenant_name=name, opened_on=opened, landlord=landlord), as_of=AS_OF
    )
    add_contact(db, ref, kind="phone", on=opened, text=f"Samtal med {name}", as_of=AS_OF)
    warning = NewNotice(kind="warning", ground="disturbance", received_on=opened)
    add_notice(db, ref, warning, as_of=AS_OF)
    return ref


@pytest.fixture
def cases(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """Cases of one landlord, each with a different state of consent; one of another."""
    path = tmp_path / "c.sqlite"
    db = open_database(path, create=True)
    add_landlord(db, name="Exempelhem AB")
    add_landlord(db, name="Annan Värd AB")
    refs = {
        "valid": _case(db, "Valid Consent", date(2026, 1, 5)),
        "none": _case(db, "No Consent", date(2026, 2, 5)),
        "expired": _case(db, "Expired Consent", date(2026, 3, 5)),
        "revoked": _case(db, "Revoked Consent", date(2026, 4, 5)),
        "other_recipient": _case(db, "Kronofogden Only", date(2026, 5, 5)),
        "other_landlord": _case(db, "Other Landlord", date(2026, 5, 6), "Annan Värd AB"),
    }
    for key, given in (
        ("valid", date(2026, 1, 5)),
        ("expired", date(2026, 3, 5)),
        ("revoked", date(2026, 4, 5)),
        ("other_landlord", date(2026, 5, 6)),
    ):
        add_consent(
            db,
            refs[key],
            recipient="landlord",
            given_on=given,
            expires_on=date(2026, 11, 1) if key == "expired" else None,
            reason=WHY,
            today=AS_OF,
        )
    revoke_consent(
        db, refs["revoked"], recipient="landlord", revoked_on=date(2026, 10, 1), today=AS_OF
    )
    add_consent(
        db,
        refs["other_recipient"],
        recipient="enforcement",
        given_on=date(2026, 5, 5),
        reason=WHY,
        today=AS_OF,
    )
    close_household(db, refs["none"], outcome="stays", closed_on=date(2026, 6, 1), as_of=AS_OF)
    db.close()
    return path, refs


def _landlord_id(db: Database, name: str = "Exempelhem AB") -> int:
    return int(db.execute("SELECT id FROM landlords WHERE name = ?", [name]).fetchone()[0])


def test_consent_is_judged_on_the_real_date_not_as_of(cases: tuple[Path, dict[str, str]]) -> None:
    path, refs = cases
    db = open_database(path)
    try:
        # The day before it expired, the expired consent was valid; as-of that day does
        # not make it valid again when the export is made on 2 November.
        for as_of in (date(2026, 10, 31), AS_OF):
            missing = cases_without_consent(
                db, "households", Recipient.landlord, as_of=as_of, today=AS_OF
            )
            assert refs["expired"] in missing and refs["revoked"] in missing
        # Made on 31 October, the expired consent still held.
        earlier = cases_without_consent(
            db, "households", Recipient.landlord, as_of=AS_OF, today=date(2026, 10, 31)
        )
        assert refs["expired"] not in earlier and refs["revoked"] in earlier
        # Kronofogden: the whole export is refused, whatever --as-of says.
        with pytest.raises(ConsentRequired, match="on 2 November 2026"):
            export_table(
                db,
                "households",
                io.StringIO(),
                as_of=date(2026, 5, 1),
                recipient="enforcement",
                command="t",
                today=AS_OF,
            )
        # One case's document: as-of before the revocation does not let it through.
        with pytest.raises(ConsentRequired, match=refs["revoked"]):
            export_household(
                db,
                refs["revoked"],
                recipient="landlord",
                landlord="Exempelhem AB",
                as_of=date(2026, 9, 1),
                command="t",
                today=AS_OF,
            )
        assert rows(db, "SELECT * FROM export_log") == []
    finally:
        db.close()


@pytest.mark.parametrize("name", ["households", "members", "notices", "contacts", "consents"])
def test_an_export_for_a_landlord_holds_only_its_consenting_tenants(
    cases: tuple[Path, dict[str, str]], name: str
) -> None:
    path, refs = cases
    db = open_database(path)
    try:
        out = io.StringIO()
        export_table(
            db,
            name,
            out,
            fmt="jsonl",
            as_of=date(2026, 10, 1),  # before the expiry and the revocation
            recipient="landlord",
            landlord="exempelhem ab",
            command="t",
            today=AS_OF,
        )
        exported = {json.loads(line)["ref"] for line in out.getvalue().splitlines()}
        assert exported == {refs["valid"]}
        left_out = cases_without_consent(
            db,
            name,
            Recipient.landlord,
            as_of=AS_OF,
            today=AS_OF,
            landlord_id=_landlord_id(db),
        )
        assert refs["other_landlord"] not in left_out and refs["valid"] not in left_out
        assert refs["revoked"] in left_out
        [log] = rows(db, "SELECT table_name, recipient, recipient_name FROM export_log")
        assert log == {
            "table_name": name,
            "recipient": "landlord",
            "recipient_name": "Exempelhem AB",
        }
    finally:
        db.close()


def test_an_export_for_a_landlord_must_name_the_landlord(
    cases: tuple[Path, dict[str, str]], dump: Callable[[Path], list[str]]
) -> None:
    path, refs = cases
    before = dump(path)
    db = open_database(path)
    try:
        with pytest.raises(InvalidInput, match="--landlord"):
            export_table(
                db, "households", io.StringIO(), as_of=AS_OF, recipient="landlord", command="t"
            )
        with pytest.raises(InvalidInput, match="--landlord"):
            export_table(
                db,
                "households",
                io.StringIO(),
                as_of=AS_OF,
                recipient="enforcement",
                landlord="Exempelhem AB",
                command="t",
            )
        # The other landlord's tenant consented to *their* landlord, not to this one.
        with pytest.raises(ConsentRequired, match="not a tenant of"):
            export_household(
                db,
                refs["other_landlord"],
                recipient="landlord",
                landlord="Exempelhem AB",
                as_of=AS_OF,
                command="t",
                today=AS_OF,
            )
    finally:
        db.close()
    assert dump(path) == before


def test_a_logged_export_of_one_case_shows_in_its_audit(cases: tuple[Path, dict[str, str]]) -> None:
    path, refs = cases
    db = open_database(path)
    try:
        export_household(
            db,
            refs["valid"],
            recipient="landlord",
            landlord="Exempelhem AB",
            as_of=AS_OF,
            command="bostad export household",
            today=AS_OF,
        )
        export_table(
            db, "contacts", io.StringIO(), as_of=AS_OF, since=date(2026, 5, 1), command="own use"
        )
        mine = [
            r
            for r in list_audit(db, household_id=household_id(db, refs["valid"]))
            if r["action"] == "disclose"
        ]
        assert [(r["table_name"], r["command"]) for r in mine] == [
            ("household", "bostad export household")
        ]
        assert json.loads(mine[0]["changes"])["recipient_name"] == "Exempelhem AB"
        other = list_audit(db, household_id=household_id(db, refs["other_landlord"]))
        assert [r["table_name"] for r in other if r["action"] == "disclose"] == ["contacts"]
    finally:
        db.close()


def test_many_cases_are_counted_not_all_named(tmp_path: Path) -> None:
    db = open_database(tmp_path / "m.sqlite", create=True)
    try:
        for i in range(13):
            _case(db, f"Person {i}", date(2026, 1, 1), landlord=None)
        with pytest.raises(ConsentRequired) as caught:
            export_table(
                db, "households", io.StringIO(), as_of=AS_OF, recipient="enforcement", command=""
            )
        assert caught.value.message.startswith("13 cases have no valid consent for Kronofogden")
        assert "2026-0010 and 3 more;" in caught.value.message
        assert "2026-0011" not in caught.value.message
    finally:
        db.close()


# Through the command line ----------------------------------------------------------


@pytest.fixture
def consent_cli(
    cases: tuple[Path, dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Cli:
    # The machine's date, pinned: the command line judges consent on it.
    monkeypatch.setattr("bostadcli.consents.real_today", lambda: AS_OF)
    return Cli(db_path=cases[0], config_path=tmp_path / "config.toml")


def test_cli_as_of_does_not_bring_consent_back(
    consent_cli: Cli, cases: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    refs = cases[1]
    before = consent_cli.dump()
    result = consent_cli(
        "export",
        "household",
        refs["expired"],
        "--recipient",
        "landlord",
        "--landlord",
        "Exempelhem AB",
        "--as-of",
        "2026-10-01",
    )
    assert result.exit_code == 1 and result.stdout == ""
    assert (
        f"{refs['expired']} has no valid consent for landlord on 2 November 2026" in result.stderr
    )
    result = consent_cli("export", "households", "--recipient", "landlord")
    assert result.exit_code == 1 and "--landlord" in result.stderr
    assert consent_cli.dump() == before


def test_cli_exports_a_landlords_consenting_tenants(
    consent_cli: Cli, cases: tuple[Path, dict[str, str]]
) -> None:
    refs = cases[1]
    result = consent_cli(
        "export",
        "households",
        "--format",
        "json",
        "--recipient",
        "landlord",
        "--landlord",
        "Exempelhem AB",
        "--as-of",
        "2026-10-01",
    )
    assert result.exit_code == 0, result.stderr
    assert [r["ref"] for r in json.loads(result.stdout)] == [refs["valid"]]
    # The caseworker is told who was left out, and why.
    assert refs["revoked"] in result.stderr and refs["other_landlord"] not in result.stderr
