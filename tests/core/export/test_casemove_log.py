"""The export log of a household document names the landlord it went to, whatever
landlords the case's rows name."""

from __future__ import annotations

from datetime import date
from typing import Any

from bostadcli.casemove.document_out import export_household
from bostadcli.consents import add_consent
from bostadcli.db import rows
from bostadcli.households import NewHousehold, add_household
from bostadcli.landlords import add_landlord
from bostadcli.supports import NewSupport, add_support

AS_OF = date(2026, 11, 2)


def test_a_document_for_a_landlord_is_logged_with_that_landlord(db: Any) -> None:
    add_landlord(db, name="Egna Hem AB", kind="private")
    add_landlord(db, name="Andra Bolaget AB", kind="private")
    ref = add_household(
        db, NewHousehold(tenant_name="Åsa Öberg", landlord="Egna Hem AB"), as_of=AS_OF
    )
    add_consent(db, ref, recipient="landlord", given_on=AS_OF, today=AS_OF)
    # The last row that names a landlord names another one.
    add_support(
        db,
        ref,
        NewSupport(kind="housing_first", start_on=AS_OF, landlord="Andra Bolaget AB"),
        as_of=AS_OF,
    )
    document = export_household(
        db,
        ref,
        recipient="landlord",
        landlord="Egna Hem AB",
        as_of=AS_OF,
        command="test",
        today=AS_OF,
    )
    assert [v["name"] for v in document["landlords"]] == ["Andra Bolaget AB"]
    [log] = rows(db, "SELECT table_name, recipient, recipient_name FROM export_log")
    assert log == {
        "table_name": "household",
        "recipient": "landlord",
        "recipient_name": "Egna Hem AB",
    }
