"""Letters that fit the case.

A household already in contact gets no first letter (and the dry run says why); a plan
agreement numbers the pages of each copy by themselves and names the case and the plan
on every page; an address that does not fit the envelope window fails its letter, and
the batch makes the others.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from bostadcli import letters
from bostadcli.contacts import add_contact
from bostadcli.db import open_database
from bostadcli.households import NewHousehold, add_household
from golden_letters import AS_OF, CONFIG, build_households


@pytest.fixture
def case_db(tmp_path: Path) -> Iterator[Any]:
    db = open_database(tmp_path / "t.sqlite", create=True)
    yield db
    db.close()


def _reported(db: Any, name: str, **extra: Any) -> str:
    return add_household(
        db,
        NewHousehold(
            tenant_name=name,
            street="Storgatan 1",
            postal_code="441 30",
            city="Ängby",
            source="landlord",
            opened_on=AS_OF - timedelta(days=3),
            **extra,
        ),
        as_of=AS_OF,
    )


def _preview(db: Any, tmp_path: Path) -> dict[str, Any]:
    items = letters.preview_monthly(
        db,
        config=CONFIG,
        month=AS_OF.replace(day=1),
        as_of=AS_OF,
        out_dir=tmp_path / "b",
        fmt="html",
    )
    return {i.ref: i for i in items if i.kind == "outreach"}


def test_a_household_in_contact_gets_no_first_letter(case_db: Any, tmp_path: Path) -> None:
    called = _reported(case_db, "Anna Ringd")
    visited = _reported(case_db, "Bo Besökt")
    long_ago = _reported(case_db, "Cilla Förr")
    only_letter = _reported(case_db, "Dan Brev")
    noted = _reported(case_db, "Eva Anteckning")
    add_contact(case_db, called, kind="phone", on=AS_OF - timedelta(days=2), as_of=AS_OF)
    add_contact(case_db, visited, kind="home_visit", on=AS_OF - timedelta(days=1), as_of=AS_OF)
    days = CONFIG.policy.recent_contact_days
    add_contact(case_db, long_ago, kind="meeting", on=AS_OF - timedelta(days=days + 1), as_of=AS_OF)
    add_contact(case_db, noted, kind="note", on=AS_OF, text="Ingen svarade", as_of=AS_OF)
    add_contact(case_db, only_letter, kind="sms", on=AS_OF, as_of=AS_OF)
    planned = _preview(case_db, tmp_path)
    assert planned[called].state == "in_contact"
    assert planned[called].problem.startswith("already in contact: a call on")
    assert planned[visited].state == "in_contact"
    assert "a home visit" in planned[visited].problem
    # Contact longer ago than the policy's days, a note, an SMS: not a conversation.
    for ref in (long_ago, noted, only_letter):
        assert planned[ref].state == "new", ref
    result = letters.run_monthly(
        case_db,
        config=CONFIG,
        month=AS_OF.replace(day=1),
        as_of=AS_OF,
        out_dir=tmp_path / "b",
        fmt="html",
    )
    assert sorted(i.ref for i in result.made) == sorted([long_ago, noted, only_letter])
    assert not result.failed


def test_a_plan_is_contact(case_db: Any, tmp_path: Path) -> None:
    refs = build_households(case_db)
    planned = _preview(case_db, tmp_path)
    assert planned[refs["tricky"]].state == "in_contact"
    assert "repayment plan P-0001" in planned[refs["tricky"]].problem


def test_an_address_too_long_for_the_window_fails_that_letter(case_db: Any, tmp_path: Path) -> None:
    fine = _reported(case_db, "Anna Andersson")
    long_name = _reported(case_db, "Maximiliana Bernadotte-Wachtmeister af Björkenstam")
    many = add_household(
        case_db,
        NewHousehold(
            tenant_name="Ett Namn",
            co_tenant_name="Två Namn",
            street="c/o Familjen Andersson, Storgatan 1 lgh 1203",
            postal_code="441 30",
            city="Ängby",
            source="landlord",
            opened_on=AS_OF - timedelta(days=3),
        ),
        as_of=AS_OF,
    )
    result = letters.run_monthly(
        case_db,
        config=CONFIG,
        month=AS_OF.replace(day=1),
        as_of=AS_OF,
        out_dir=tmp_path / "b",
        fmt="html",
    )
    assert [i.ref for i in result.made] == [fine]
    failed = {ref: message for ref, _kind, message in result.failed}
    assert set(failed) == {long_name, many}
    assert "envelope window holds 36" in failed[long_name]
    # Text letters have no window: the same households get an e-mail or SMS draft.
    text = letters.run_monthly(
        case_db,
        config=CONFIG,
        month=AS_OF.replace(day=1),
        as_of=AS_OF,
        out_dir=tmp_path / "t",
        fmt="txt",
    )
    assert sorted(i.ref for i in text.made) == sorted([long_name, many])


def test_a_plan_agreement_numbers_each_copy_and_names_case_and_plan(case_db: Any) -> None:
    pypdf = pytest.importorskip("pypdf")
    from bostadcli.pdf import pdf_problem

    if pdf_problem():
        pytest.skip(pdf_problem())
    refs = build_households(case_db)
    made = letters.render_letter(
        case_db, refs["tricky"], "plan_agreement", config=CONFIG, as_of=AS_OF, fmt="pdf"
    )
    pages = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(made.content)).pages]
    assert made.pages == len(pages) and len(pages) % 2 == 0
    per_copy = len(pages) // 2
    for index, text in enumerate(pages):
        assert f"Ärende {refs['tricky']}, avbetalningsplan P-0001" in text
        assert f"Sida {index % per_copy + 1} av {per_copy}" in text
    assert "Hyresgästens exemplar" in pages[0]
    assert "Hyresvärdens exemplar" in pages[per_copy]


def test_every_letter_can_still_be_made_for_the_golden_cases(case_db: Any) -> None:
    # The window rule lets every ordinary address through.
    refs = build_households(case_db)
    for ref in refs.values():
        letters.render_letter(
            case_db, ref, "outreach", config=CONFIG, as_of=date(2026, 11, 16), fmt="html"
        )


def _text(db: Any, ref: str, kind: str = "outreach") -> str:
    made = letters.render_letter(db, ref, kind, config=CONFIG, as_of=AS_OF, fmt="txt")
    return made.content.decode("utf-8")


def test_one_adult_is_du_and_several_are_ni(case_db: Any) -> None:
    import re

    one = _reported(case_db, "Anna Ensam")
    two = _reported(case_db, "Bo Par", co_tenant_name="Cecilia Par")
    alone = _text(case_db, one)
    assert "Vi vill hjälpa dig att få bo kvar" in alone
    assert "Du bestämmer själv" in alone.replace("DU BESTÄMMER SJÄLV", "Du bestämmer själv")
    assert "din bostad" in alone and "ditt samtycke" in alone
    # Not a single "ni", "er", "ert" or "era" left in the letter to one adult.
    assert not re.search(r"\b([Nn]i|[Ee]r|[Ee]rt|[Ee]ra|NI)\b", alone), alone
    together = _text(case_db, two)
    assert "Vi vill hjälpa er att få bo kvar" in together and "er bostad" in together
    assert not re.search(r"\b([Dd]u|[Dd]ig|[Dd]in|[Dd]itt|[Dd]ina)\b", together), together


def test_a_disturbance_case_is_about_the_warning_not_debts(case_db: Any) -> None:
    from bostadcli.notices import NewNotice, add_notice

    ref = _reported(case_db, "Stina Störning", reasons=["disturbance"])
    add_notice(
        case_db,
        ref,
        NewNotice(kind="warning", ground="disturbance", received_on=AS_OF - timedelta(days=5)),
        as_of=AS_OF,
    )
    neglect = _reported(case_db, "Nils Vanvård", reasons=["neglect"])
    rent = _reported(case_db, "Rut Hyra", reasons=["unpaid_rent", "disturbance"])
    for case in (ref, neglect):
        text = _text(case_db, case)
        assert "varning" in text and "Boendestöd" in text and "Samtal" in text
        for debt_word in ("skuldrådgivning", "Avbetalningsplan", "Ekonomiskt bistånd"):
            assert debt_word not in text, (case, debt_word)
    assert "den 11 november 2026" in _text(case_db, ref)  # the warning's date
    assert "störningar i huset" in _text(case_db, ref)
    assert "hur lägenheten sköts" in _text(case_db, neglect)
    # Rent is part of the case: the letter about debts.
    assert "Budget- och skuldrådgivning" in _text(case_db, rent)
