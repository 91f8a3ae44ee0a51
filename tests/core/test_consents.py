"""Consent per recipient: valid from the day given, through the day it expires, until
the day it is revoked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bostadcli.consents import (
    add_consent,
    list_consents,
    require_consent,
    revoke_consent,
    valid_consent,
)
from bostadcli.errors import ConsentRequired, InvalidInput, NotFound
from bostadcli.households import NewHousehold, add_household, household_id
from bostadcli.vocab import Recipient

if TYPE_CHECKING:
    from sqlite_utils import Database

Dump = Callable[[str | Path], list[str]]
AS_OF = date(2026, 12, 10)
GIVEN = date(2026, 3, 1)
EXPIRES = date(2026, 6, 30)


def db_path(db: Database) -> str:
    return str(db.execute("PRAGMA database_list").fetchone()[2])


@pytest.fixture
def ref(db: Database) -> str:
    return add_household(db, NewHousehold("Anna Andersson"), as_of=date(2026, 1, 1))


def valid_on(db: Database, ref: str, on: date, who: Recipient = Recipient.landlord) -> bool:
    return valid_consent(db, household_id(db, ref), who, on) is not None


def test_given_and_expiry_are_inclusive(db: Database, ref: str) -> None:
    add_consent(
        db,
        ref,
        recipient="landlord",
        given_on=GIVEN,
        expires_on=EXPIRES,
        today=AS_OF,
        reason="skrivet i efterhand",
    )
    assert not valid_on(db, ref, date(2026, 2, 28))
    assert valid_on(db, ref, GIVEN)
    assert valid_on(db, ref, EXPIRES)
    assert not valid_on(db, ref, date(2026, 7, 1))


def test_consent_is_per_recipient(db: Database, ref: str) -> None:
    add_consent(
        db, ref, recipient="landlord", given_on=GIVEN, today=AS_OF, reason="skrivet i efterhand"
    )
    assert valid_on(db, ref, AS_OF, Recipient.landlord)
    assert not valid_on(db, ref, AS_OF, Recipient.enforcement)
    other = add_household(db, NewHousehold("Bo"), as_of=AS_OF)
    assert not valid_on(db, other, AS_OF, Recipient.landlord)


def test_revoked_on_the_day_of_revocation(db: Database, ref: str) -> None:
    add_consent(
        db, ref, recipient="landlord", given_on=GIVEN, today=AS_OF, reason="skrivet i efterhand"
    )
    assert revoke_consent(db, ref, recipient="landlord", revoked_on=date(2026, 5, 10), today=AS_OF)
    assert valid_on(db, ref, date(2026, 5, 9))
    assert not valid_on(db, ref, date(2026, 5, 10))
    assert not valid_on(db, ref, AS_OF)
    # Nothing valid left to revoke.
    with pytest.raises(NotFound, match="was already revoked on 10 May 2026"):
        revoke_consent(db, ref, recipient="landlord", revoked_on=AS_OF, today=AS_OF)


def test_revoked_the_day_it_was_given(db: Database, ref: str) -> None:
    add_consent(
        db, ref, recipient="enforcement", given_on=GIVEN, today=AS_OF, reason="skrivet i efterhand"
    )
    revoke_consent(db, ref, recipient="enforcement", revoked_on=GIVEN, today=AS_OF)
    assert not valid_on(db, ref, GIVEN, Recipient.enforcement)


def test_revoke_every_valid_consent_for_the_recipient(db: Database, ref: str) -> None:
    add_consent(
        db, ref, recipient="landlord", given_on=GIVEN, today=AS_OF, reason="skrivet i efterhand"
    )
    add_consent(
        db,
        ref,
        recipient="landlord",
        given_on=date(2026, 4, 1),
        today=AS_OF,
        reason="skrivet i efterhand",
    )
    add_consent(
        db,
        ref,
        recipient="debt_collector",
        recipient_name="Intrum AB",
        given_on=GIVEN,
        today=AS_OF,
        reason="skrivet i efterhand",
    )
    assert len(revoke_consent(db, ref, recipient="landlord", revoked_on=AS_OF, today=AS_OF)) == 2
    assert valid_on(db, ref, AS_OF, Recipient.debt_collector)


def test_revoking_an_expired_consent(db: Database, ref: str, dump: Dump) -> None:
    add_consent(
        db,
        ref,
        recipient="landlord",
        given_on=GIVEN,
        expires_on=EXPIRES,
        today=AS_OF,
        reason="skrivet i efterhand",
    )
    before = dump(db_path(db))
    with pytest.raises(NotFound):
        revoke_consent(db, ref, recipient="landlord", revoked_on=AS_OF, today=AS_OF)
    with pytest.raises(NotFound):
        revoke_consent(db, ref, recipient="landlord", revoked_on=date(2026, 2, 1), today=AS_OF)
    assert dump(db_path(db)) == before


def test_newest_valid_consent_is_returned(db: Database, ref: str) -> None:
    add_consent(
        db,
        ref,
        recipient="landlord",
        given_on=GIVEN,
        today=AS_OF,
        note="first",
        reason="skrivet i efterhand",
    )
    add_consent(
        db,
        ref,
        recipient="landlord",
        given_on=date(2026, 4, 1),
        today=AS_OF,
        note="new",
        reason="skrivet i efterhand",
    )
    found = valid_consent(db, household_id(db, ref), Recipient.landlord, AS_OF)
    assert found is not None
    assert found["note"] == "new"


def test_require_consent(db: Database, ref: str) -> None:
    with pytest.raises(ConsentRequired, match="bostad consent add 2026-0001 --recipient landlord"):
        require_consent(db, ref, Recipient.landlord, today=AS_OF)
    add_consent(
        db, ref, recipient="landlord", given_on=GIVEN, today=AS_OF, reason="skrivet i efterhand"
    )
    assert (
        require_consent(db, ref, Recipient.landlord, today=AS_OF)["given_on"] == GIVEN.isoformat()
    )


def test_list_says_which_are_valid(db: Database, ref: str) -> None:
    add_consent(
        db,
        ref,
        recipient="landlord",
        recipient_name="Alingsåshem",
        given_on=GIVEN,
        expires_on=EXPIRES,
        today=AS_OF,
        reason="skrivet i efterhand",
    )
    add_consent(
        db,
        ref,
        recipient="enforcement",
        given_on=date(2026, 4, 1),
        today=AS_OF,
        reason="skrivet i efterhand",
    )
    listed = list_consents(db, ref=ref, as_of=AS_OF)
    assert [(c["recipient"], c["valid"]) for c in listed] == [
        ("landlord", False),
        ("enforcement", True),
    ]
    assert listed[0]["recipient_name"] == "Alingsåshem"
    on_may_day = list_consents(db, as_of=date(2026, 5, 1))
    assert [c["valid"] for c in on_may_day] == [True, True]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"recipient": "neighbour"}, "recipient"),
        ({"given_on": date(2026, 12, 11)}, "given"),
        ({"expires_on": date(2026, 2, 28)}, "expires"),
        ({"recipient_name": "A\x1bB"}, "name"),
    ],
)
def test_add_rejects(
    db: Database, ref: str, dump: Dump, kwargs: dict[str, object], field: str
) -> None:
    values: dict[str, object] = {"recipient": "landlord", "given_on": GIVEN} | kwargs
    before = dump(db_path(db))
    with pytest.raises(InvalidInput) as err:
        add_consent(db, ref, today=AS_OF, **values, reason="skrivet i efterhand")  # type: ignore[arg-type]
    assert err.value.field == field
    assert dump(db_path(db)) == before


def test_revoke_rejects(db: Database, ref: str) -> None:
    add_consent(
        db, ref, recipient="landlord", given_on=GIVEN, today=AS_OF, reason="skrivet i efterhand"
    )
    with pytest.raises(InvalidInput, match="date"):
        revoke_consent(db, ref, recipient="landlord", revoked_on=date(2026, 12, 11), today=AS_OF)
    with pytest.raises(InvalidInput, match="recipient"):
        revoke_consent(db, ref, recipient="neighbour", revoked_on=AS_OF, today=AS_OF)
    with pytest.raises(NotFound, match="no household 2026-0099"):
        revoke_consent(db, "2026-0099", recipient="landlord", revoked_on=AS_OF, today=AS_OF)
    assert valid_on(db, ref, AS_OF)
