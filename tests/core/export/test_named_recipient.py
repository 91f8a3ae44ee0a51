"""Consent to a debt collector or another recipient is consent to the recipient it
names (DOMAIN rule 10): an export for one must name it, and carries only the cases that
consented to that recipient, on the real date."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from sqlite_utils import Database

from bostadcli.casemove.document_out import export_household
from bostadcli.consents import add_consent, require_consent, revoke_consent
from bostadcli.db import insert, now_utc, rows, transaction
from bostadcli.errors import ConsentRequired, InvalidInput
from bostadcli.export import cases_without_consent, export_table
from bostadcli.export.consent import cases_with_unnamed_consent
from bostadcli.households import NewHousehold, add_household, household_id
from bostadcli.vocab import Recipient

TODAY = date(2026, 11, 2)


def _case(db: Database, name: str) -> str:
    return add_household(
        db, NewHousehold(tenant_name=name, opened_on=date(2026, 1, 5)), as_of=TODAY
    )


def _consent(db: Database, ref: str, recipient: str, name: str | None, **dates: date) -> None:
    if name is None:  # stored before consent add required the name: written as it was
        with transaction(db):
            record = {"household_id": household_id(db, ref), "recipient": recipient}
            given = dates.get("given_on", TODAY).isoformat()
            insert(db, "consents", record | {"given_on": given, "created_at": now_utc()})
        return
    add_consent(
        db,
        ref,
        recipient=recipient,
        recipient_name=name,
        given_on=dates.get("given_on", TODAY),
        expires_on=dates.get("expires_on"),
        reason="muntligt, skrivet i efterhand",
        today=TODAY,
    )


@pytest.fixture
def refs(db: Database) -> dict[str, str]:
    found = {
        "intrum": _case(db, "Consents To Intrum"),
        "lowell": _case(db, "Consents To Lowell"),
        "unnamed": _case(db, "Consent Without Name"),
        "expired": _case(db, "Expired Intrum"),
        "revoked": _case(db, "Revoked Intrum"),
        "none": _case(db, "No Consent"),
    }
    _consent(db, found["intrum"], "debt_collector", "Intrum AB")
    _consent(db, found["lowell"], "debt_collector", "Lowell Sverige AB")
    _consent(db, found["unnamed"], "debt_collector", None)
    _consent(
        db,
        found["expired"],
        "debt_collector",
        "Intrum AB",
        given_on=date(2026, 3, 1),
        expires_on=date(2026, 11, 1),
    )
    _consent(db, found["revoked"], "debt_collector", "Intrum AB", given_on=date(2026, 3, 1))
    revoke_consent(db, found["revoked"], recipient="debt_collector", revoked_on=TODAY, today=TODAY)
    return found


def _export(db: Database, name: str | None, *, as_of: date = TODAY, **kw: str) -> list[str]:
    out = io.StringIO()
    export_table(
        db,
        "households",
        out,
        fmt=kw.pop("fmt", "json"),
        as_of=as_of,
        recipient=kw.pop("recipient", "debt_collector"),
        recipient_name=name,
        command="t",
        today=TODAY,
    )
    if out.getvalue().startswith("["):
        return [r["ref"] for r in json.loads(out.getvalue())]
    return [line.split(",")[0] for line in out.getvalue().splitlines()[1:]]


def _last_log(db: Database) -> dict[str, object]:
    return rows(db, "SELECT * FROM export_log ORDER BY id DESC LIMIT 1")[0]


def test_an_export_for_a_debt_collector_must_name_it(db: Database, refs: dict[str, str]) -> None:
    for recipient in ("debt_collector", "other"):
        with pytest.raises(InvalidInput, match="--recipient-name"):
            _export(db, None, recipient=recipient)
        with pytest.raises(InvalidInput, match="--recipient-name"):
            _export(db, "  ", recipient=recipient)
        with pytest.raises(InvalidInput, match="--recipient-name"):
            export_household(
                db, refs["intrum"], recipient=recipient, as_of=TODAY, command="t", today=TODAY
            )
    # A name means nothing for Kronofogden or nobody outside (a landlord: --landlord).
    with pytest.raises(InvalidInput, match="only with --recipient debt_collector or other"):
        _export(db, "Intrum AB", recipient="enforcement")
    with pytest.raises(InvalidInput, match="only with"):
        export_table(
            db, "households", io.StringIO(), as_of=TODAY, recipient_name="Intrum AB", command=""
        )
    assert rows(db, "SELECT * FROM export_log") == []


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_only_the_cases_consenting_to_that_recipient_go(
    db: Database, refs: dict[str, str], fmt: str
) -> None:
    # Names are matched as landlords' are: case and spaces do not matter.
    assert _export(db, "  intrum   ab ", fmt=fmt) == [refs["intrum"]]
    log = _last_log(db)
    assert (log["recipient"], log["recipient_name"], log["row_count"]) == (
        "debt_collector",
        "Intrum AB",
        1,
    )
    assert _export(db, "LOWELL SVERIGE AB", fmt=fmt) == [refs["lowell"]]
    assert _last_log(db)["recipient_name"] == "Lowell Sverige AB"


def test_consent_to_the_name_is_judged_on_the_real_date(db: Database, refs: dict[str, str]) -> None:
    # As of a day the expired and the revoked consents held, they still do not.
    assert _export(db, "Intrum AB", as_of=date(2026, 6, 1)) == [refs["intrum"]]
    missing = cases_without_consent(
        db, "households", Recipient.debt_collector, as_of=TODAY, recipient_name="intrum ab"
    )
    assert refs["intrum"] not in missing
    assert {refs["expired"], refs["revoked"], refs["lowell"], refs["unnamed"]} <= set(missing)


def test_a_case_goes_only_to_the_recipient_it_consented_to(
    db: Database, refs: dict[str, str]
) -> None:
    def document(ref: str, name: str) -> dict[str, object]:
        return export_household(
            db,
            ref,
            recipient="debt_collector",
            recipient_name=name,
            as_of=TODAY,
            command="t",
            today=TODAY,
        )

    with pytest.raises(ConsentRequired, match="no valid consent for debt collector 'Lowell'"):
        document(refs["intrum"], "Lowell")
    for ref in (refs["expired"], refs["revoked"], refs["none"]):
        with pytest.raises(ConsentRequired, match=ref):
            document(ref, "Intrum AB")
    assert rows(db, "SELECT * FROM export_log") == []
    assert document(refs["intrum"], "INTRUM  AB")["household"]
    log = _last_log(db)
    assert (log["recipient"], log["recipient_name"]) == ("debt_collector", "Intrum AB")


def test_a_consent_without_a_name_matches_no_named_recipient(
    db: Database, refs: dict[str, str]
) -> None:
    with pytest.raises(ConsentRequired) as caught:
        export_household(
            db,
            refs["unnamed"],
            recipient="debt_collector",
            recipient_name="Intrum AB",
            as_of=TODAY,
            command="t",
            today=TODAY,
        )
    message = caught.value.message
    assert "recorded without a name" in message
    assert f"bostad consent add {refs['unnamed']} --recipient debt_collector --name" in message
    with pytest.raises(ConsentRequired) as caught:
        require_consent(db, refs["unnamed"], Recipient.debt_collector, today=TODAY, name="X")
    assert "without a name" in caught.value.message
    # Left out of a table export, and said so.
    assert refs["unnamed"] not in _export(db, "Intrum AB")
    assert cases_with_unnamed_consent(
        db, "households", Recipient.debt_collector, "Intrum AB", as_of=TODAY, today=TODAY
    ) == [refs["unnamed"]]


def test_a_name_no_consent_records_is_refused(db: Database, refs: dict[str, str]) -> None:
    with pytest.raises(ConsentRequired) as caught:
        _export(db, "Intrun AB")
    message = caught.value.message
    assert "no consent for debt collector 'Intrun AB' is recorded" in message
    assert "Intrum AB" in message and "Lowell Sverige AB" in message
    assert "1 case has a consent for debt collector recorded without a name" in message
    assert "--name NAME" in message
    # A name recorded for a debt collector is not one for another recipient.
    with pytest.raises(ConsentRequired, match="no consent for other recipient 'Intrum AB'"):
        _export(db, "Intrum AB", recipient="other")
    assert rows(db, "SELECT * FROM export_log") == []


def test_another_recipient_is_named_too(db: Database, refs: dict[str, str]) -> None:
    _consent(db, refs["none"], "other", "Hyresgästföreningen")
    assert _export(db, "hyresgästföreningen", recipient="other") == [refs["none"]]
    assert _last_log(db)["recipient_name"] == "Hyresgästföreningen"


def test_kronofogden_still_needs_every_case(db: Database, refs: dict[str, str]) -> None:
    _consent(db, refs["intrum"], "enforcement", None)
    with pytest.raises(ConsentRequired, match="cases have no valid consent for Kronofogden"):
        _export(db, None, recipient="enforcement")
