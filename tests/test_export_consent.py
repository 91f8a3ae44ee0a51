"""Exports addressed to a landlord, Kronofogden or a debt collector need every case's
consent for that recipient on the day (offentlighets- och sekretesslagen 26 kap. 1 §)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database

from bostadcli.consents import add_consent, revoke_consent
from bostadcli.contacts import add_contact
from bostadcli.db import open_database, rows
from bostadcli.errors import ConsentRequired, InvalidInput
from bostadcli.exporting import cases_without_consent, export_household, export_table
from bostadcli.households import NewHousehold, add_household, close_household
from bostadcli.notices import NewNotice, add_notice
from bostadcli.vocab import Recipient
from conftest import Cli

AS_OF = date(2026, 11, 2)


def _case(db: Database, name: str, opened: date) -> str:
    ref = add_household(db, NewHousehold(tenant_name=name, opened_on=opened), as_of=AS_OF)
    add_contact(db, ref, kind="phone", on=opened, text=f"Samtal med {name}", as_of=AS_OF)
    warning = NewNotice(kind="warning", ground="disturbance", received_on=opened)
    add_notice(db, ref, warning, as_of=AS_OF)
    return ref


@pytest.fixture
def cases(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """Five cases, each with a different state of consent for the landlord."""
    path = tmp_path / "c.sqlite"
    db = open_database(path, create=True)
    refs = {
        "valid": _case(db, "Valid Consent", date(2026, 1, 5)),
        "none": _case(db, "No Consent", date(2026, 2, 5)),
        "expired": _case(db, "Expired Consent", date(2026, 3, 5)),
        "revoked": _case(db, "Revoked Consent", date(2026, 4, 5)),
        "other_recipient": _case(db, "Kronofogden Only", date(2026, 5, 5)),
    }
    add_consent(db, refs["valid"], recipient="landlord", given_on=date(2026, 1, 5), as_of=AS_OF)
    add_consent(
        db,
        refs["expired"],
        recipient="landlord",
        given_on=date(2026, 3, 5),
        expires_on=date(2026, 11, 1),
        as_of=AS_OF,
    )
    add_consent(db, refs["revoked"], recipient="landlord", given_on=date(2026, 4, 5), as_of=AS_OF)
    revoke_consent(
        db, refs["revoked"], recipient="landlord", revoked_on=date(2026, 10, 1), as_of=AS_OF
    )
    add_consent(
        db, refs["other_recipient"], recipient="enforcement", given_on=date(2026, 5, 5), as_of=AS_OF
    )
    close_household(db, refs["none"], outcome="stays", closed_on=date(2026, 6, 1), as_of=AS_OF)
    db.close()
    return path, refs


def test_cases_without_consent_on_the_day(cases: tuple[Path, dict[str, str]]) -> None:
    path, refs = cases
    db = open_database(path)
    try:
        missing = cases_without_consent(db, "households", Recipient.landlord, as_of=AS_OF)
        assert missing == sorted(refs[k] for k in ("none", "expired", "revoked", "other_recipient"))
        # The day before it expired, the expired consent was still valid.
        before = cases_without_consent(
            db, "contacts", Recipient.landlord, as_of=date(2026, 11, 1), since=date(2026, 3, 1)
        )
        assert before == sorted(refs[k] for k in ("revoked", "other_recipient"))
        # Filters decide which cases are in the export, and so which need consent.
        assert cases_without_consent(
            db, "members", Recipient.landlord, as_of=AS_OF, status="closed"
        ) == [refs["none"]]
        assert (
            cases_without_consent(
                db, "households", Recipient.enforcement, as_of=AS_OF, since=date(2026, 5, 1)
            )
            == []
        )
        # Landlords' own records carry nobody's circumstances.
        assert cases_without_consent(db, "landlords", Recipient.debt_collector, as_of=AS_OF) == []
    finally:
        db.close()


@pytest.mark.parametrize("name", ["households", "members", "notices", "contacts", "consents"])
def test_a_refused_export_writes_and_logs_nothing(
    cases: tuple[Path, dict[str, str]], name: str, dump: Callable[[Path], list[str]]
) -> None:
    path, refs = cases
    before = dump(path)
    db = open_database(path)
    out = io.StringIO()
    try:
        with pytest.raises(ConsentRequired) as caught:
            export_table(db, name, out, as_of=AS_OF, recipient="landlord", command="t")
    finally:
        db.close()
    assert out.getvalue() == ""
    message = caught.value.message
    assert "\n" not in message
    assert refs["valid"] not in message and refs["revoked"] in message
    # A case without any consent has no row among the consents, so is not exported there.
    assert (refs["none"] in message) == (name != "consents")
    assert "bostad consent add REF --recipient landlord" in message
    assert dump(path) == before


def test_an_export_with_consent_records_its_recipient(
    cases: tuple[Path, dict[str, str]],
) -> None:
    path, refs = cases
    db = open_database(path)
    try:
        out = io.StringIO()
        n = export_table(
            db,
            "contacts",
            out,
            fmt="jsonl",
            as_of=AS_OF,
            since=date(2026, 5, 1),
            recipient="enforcement",
            command="bostad export contacts",
        )
        assert n == 1
        assert json.loads(out.getvalue())["ref"] == refs["other_recipient"]
        export_table(db, "households", io.StringIO(), as_of=AS_OF, command="own use")
        log = rows(db, "SELECT table_name, row_count, recipient FROM export_log ORDER BY id")
        assert log == [
            {"table_name": "contacts", "row_count": 1, "recipient": "enforcement"},
            {"table_name": "households", "row_count": 5, "recipient": None},
        ]
        # The audit log shows whom the data went to.
        [entry] = rows(
            db,
            "SELECT changes FROM audit_log WHERE table_name = 'export_log'"
            " AND json_extract(changes, '$.recipient') = 'enforcement'",
        )
        assert json.loads(entry["changes"])["command"] == "bostad export contacts"
    finally:
        db.close()


def test_household_document_needs_consent(cases: tuple[Path, dict[str, str]]) -> None:
    path, refs = cases
    db = open_database(path)
    try:
        for key in ("none", "expired", "revoked", "other_recipient"):
            with pytest.raises(ConsentRequired, match=refs[key]):
                export_household(db, refs[key], recipient="landlord", as_of=AS_OF, command="t")
        assert rows(db, "SELECT * FROM export_log") == []
        document = export_household(
            db, refs["valid"], recipient="landlord", as_of=AS_OF, command="t"
        )
        assert document["household"]["ref"] == refs["valid"]
        [log] = rows(db, "SELECT table_name, recipient FROM export_log")
        assert log == {"table_name": "household", "recipient": "landlord"}
        with pytest.raises(InvalidInput, match="--recipient"):
            export_household(db, refs["valid"], recipient="bank", as_of=AS_OF, command="t")
    finally:
        db.close()


def test_many_cases_are_counted_not_all_named(tmp_path: Path) -> None:
    db = open_database(tmp_path / "m.sqlite", create=True)
    try:
        for i in range(13):
            _case(db, f"Person {i}", date(2026, 1, 1))
        with pytest.raises(ConsentRequired) as caught:
            export_table(
                db, "households", io.StringIO(), as_of=AS_OF, recipient="debt_collector", command=""
            )
        assert caught.value.message.startswith("13 cases have no valid consent for debt collector")
        assert "2026-0010 and 3 more;" in caught.value.message
        assert "2026-0011" not in caught.value.message
    finally:
        db.close()


# Through the command line ----------------------------------------------------------


@pytest.fixture
def consent_cli(cases: tuple[Path, dict[str, str]], tmp_path: Path) -> Cli:
    return Cli(db_path=cases[0], config_path=tmp_path / "config.toml")


def test_cli_refuses_without_consent(
    consent_cli: Cli, cases: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    refs = cases[1]
    before = consent_cli.dump()
    out = tmp_path / "to-landlord.csv"
    result = consent_cli(
        "export",
        "households",
        "--recipient",
        "landlord",
        "--as-of",
        "2026-11-02",
        "--out",
        str(out),
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("error: 4 cases have no valid consent for landlord on 2 November 2026: ")
    assert refs["none"] in line and refs["valid"] not in line
    assert not out.exists() and list(tmp_path.glob(".to-landlord*")) == []
    assert consent_cli.dump() == before

    result = consent_cli(
        "export", "household", refs["expired"], "--recipient", "landlord", "--as-of", "2026-11-02"
    )
    assert result.exit_code == 1 and result.stdout == ""
    refusal = f"{refs['expired']} has no valid consent for landlord on 2 November 2026"
    assert refusal in result.stderr
    assert consent_cli.dump() == before

    result = consent_cli("export", "households", "--recipient", "bank")
    assert result.exit_code == 2 and "--recipient" in result.stderr
    assert consent_cli.dump() == before


def test_cli_exports_what_has_consent(consent_cli: Cli, cases: tuple[Path, dict[str, str]]) -> None:
    refs = cases[1]
    result = consent_cli(
        "export",
        "households",
        "--format",
        "json",
        "--recipient",
        "landlord",
        "--as-of",
        "2026-10-31",
        "--since",
        "2026-03-01",
        "--status",
        "open",
    )
    # On 31 October the expired consent still held and the revoked one had been revoked.
    assert result.exit_code == 1 and refs["revoked"] in result.stderr
    assert refs["expired"] not in result.stderr
    result = consent_cli(
        "export",
        "household",
        refs["valid"],
        "--recipient",
        "landlord",
        "--as-of",
        "2026-11-02",
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["household"]["ref"] == refs["valid"]
    db = open_database(consent_cli.db_path)
    try:
        [log] = rows(db, "SELECT command, recipient FROM export_log")
    finally:
        db.close()
    assert log == {
        "command": f"bostad export household {refs['valid']} --recipient landlord"
        " --as-of 2026-11-02",
        "recipient": "landlord",
    }
