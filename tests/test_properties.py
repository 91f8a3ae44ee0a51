"""Properties where two implementations of one rule must agree (SQL and Python), and
round trips through the database and the exports."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bostadcli.cli.output import Column, neutralise, write_csv
from bostadcli.consents import VALID_ON, add_consent, revoke_consent, valid_consent
from bostadcli.dates import age_on
from bostadcli.db import open_database, rows
from bostadcli.errors import InvalidInput
from bostadcli.households import (
    ChildSpec,
    NewHousehold,
    add_household,
    child_cutoff,
    household_id,
    show_household,
)
from bostadcli.notices import NewNotice, add_notice
from bostadcli.tabular import is_formula
from bostadcli.vocab import Recipient
from bostadcli.workdays import is_working_day

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))


@given(birth=dates, on=dates)
def test_sql_cutoff_agrees_with_age_on(birth: date, on: date) -> None:
    # The listing counts children in SQL by comparing ISO text with a cutoff; the
    # member view computes ages in Python. Both must say the same for every pair.
    if birth > on:
        return
    by_cutoff = birth.isoformat() > child_cutoff(on)
    assert by_cutoff == (age_on(birth, on) < 18)


@settings(max_examples=40, deadline=None)
@given(
    births=st.lists(
        st.tuples(st.dates(date(2000, 1, 1), date(2026, 1, 1)), st.booleans()), max_size=6
    ),
    on=st.dates(date(2026, 1, 1), date(2045, 12, 31)),
)
def test_counts_agree_with_the_members(births: list[tuple[date, bool]], on: date) -> None:
    db = open_database(":memory:")
    children = [ChildSpec(born, part_time=part) for born, part in births]
    ref = add_household(db, NewHousehold("A", children=children), as_of=date(2026, 1, 1))
    case = show_household(db, ref, as_of=on)
    flagged = Counter(m["part_time"] for m in case["member_list"] if m["is_child"])
    assert (case["children"], case["children_part_time"]) == (flagged[False], flagged[True])


@settings(max_examples=30, deadline=None)
@given(years=st.lists(st.integers(2024, 2026), min_size=1, max_size=12))
def test_references_count_up_per_year_without_gaps(years: list[int]) -> None:
    db = open_database(":memory:")
    made = [
        add_household(db, NewHousehold("A", opened_on=date(y, 6, 1)), as_of=date(2026, 12, 31))
        for y in years
    ]
    assert len(set(made)) == len(made)
    for year in set(years):
        numbers = [int(r[5:]) for r in made if r.startswith(f"{year}-")]
        assert numbers == list(range(1, years.count(year) + 1))


@settings(max_examples=60, deadline=None)
@given(
    given_on=st.dates(date(2026, 1, 1), date(2026, 12, 31)),
    lasts=st.one_of(st.none(), st.integers(0, 200)),
    revoked_after=st.one_of(st.none(), st.integers(0, 200)),
    offset=st.integers(-30, 420),
)
def test_consent_validity_matches_its_definition(
    given_on: date, lasts: int | None, revoked_after: int | None, offset: int
) -> None:
    as_of = date(2027, 12, 31)
    expires = given_on + timedelta(days=lasts) if lasts is not None else None
    revoked = given_on + timedelta(days=revoked_after) if revoked_after is not None else None
    on = given_on + timedelta(days=offset)
    db = open_database(":memory:")
    ref = add_household(db, NewHousehold("A"), as_of=date(2026, 1, 1))
    add_consent(
        db,
        ref,
        recipient="landlord",
        given_on=given_on,
        expires_on=expires,
        today=as_of,
        reason="skrivet i efterhand",
    )
    if revoked is not None and (expires is None or revoked <= expires):
        revoke_consent(db, ref, recipient="landlord", revoked_on=revoked, today=as_of)
    else:
        revoked = None  # an expired consent cannot be revoked any more
    expected = (
        given_on <= on and (expires is None or on <= expires) and (revoked is None or on < revoked)
    )
    found = valid_consent(db, household_id(db, ref), Recipient.landlord, on)
    assert (found is not None) == expected
    # The listing's "valid" column uses the same SQL.
    listed = rows(db, f"SELECT ({VALID_ON}) AS ok FROM consents AS c", {"on": on.isoformat()})
    assert bool(listed[0]["ok"]) == expected


@settings(max_examples=40, deadline=None)
@given(served=st.dates(date(2020, 1, 1), date(2040, 12, 31)))
def test_stored_recovery_deadline(served: date) -> None:
    db = open_database(":memory:")
    ref = add_household(db, NewHousehold("A"), as_of=served)
    notice = add_notice(
        db, ref, NewNotice(kind="termination", served_on=served, notified_on=served), as_of=served
    )
    deadline = date.fromisoformat(notice["recovery_deadline"])
    three_weeks = served + timedelta(days=21)
    assert is_working_day(deadline)
    assert three_weeks <= deadline
    assert all(
        not is_working_day(three_weeks + timedelta(days=i))
        for i in range((deadline - three_weeks).days)
    )
    assert notice["days_left"] == (deadline - served).days


text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(values=st.lists(st.tuples(text, st.integers(-(10**12), 10**12)), max_size=5))
def test_csv_round_trip(values: list[tuple[str, int]]) -> None:
    columns = [Column("name", "Name"), Column("amount_ore", "Amount", kind="money")]
    out = io.StringIO()
    count = write_csv([{"name": name, "amount_ore": ore} for name, ore in values], columns, out)
    assert count == len(values)
    parsed = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    # One row per record whatever the text holds; line breaks come back as "\n".
    assert [(r["name"], int(r["amount_ore"])) for r in parsed] == [
        (neutralise(name.replace("\r\n", "\n").replace("\r", "\n")), ore) for name, ore in values
    ]
    assert not any(is_formula(r["name"]) for r in parsed)


@given(value=text, field=st.sampled_from(["pnr", "--as-of", "tenant"]))
def test_error_messages_are_one_line(value: str, field: str) -> None:
    message = str(InvalidInput(field, value, "is wrong"))
    assert message.splitlines() == [message]
    assert message.startswith(f"{field}: is wrong: '")
    assert len(message) < 120
