"""Households: references, members and children, listing, editing, closing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bostadcli.caseworkers import add_caseworker
from bostadcli.db import rows
from bostadcli.errors import Conflict, InvalidInput, NotFound
from bostadcli.households import (
    ChildSpec,
    NewHousehold,
    add_household,
    add_member,
    close_household,
    edit_household,
    household_id,
    list_households,
    parse_child,
    remove_member,
    reopen_household,
    show_household,
)
from bostadcli.landlords import add_landlord
from bostadcli.money import Money
from bostadcli.notices import NewNotice, add_notice

if TYPE_CHECKING:
    from sqlite_utils import Database

Dump = Callable[[str | Path], list[str]]

AS_OF = date(2026, 12, 10)
TENANT_PNR = "811218-9876"


def new(name: str = "Anna Andersson", **kwargs: Any) -> NewHousehold:
    return NewHousehold(tenant_name=name, **kwargs)


def refs(result: list[dict[str, Any]]) -> list[str]:
    return [r["ref"] for r in result]


def db_path(db: Database) -> str:
    return str(db.execute("PRAGMA database_list").fetchone()[2])


# --- references --------------------------------------------------------------------------


def test_references_run_per_year(db: Database) -> None:
    assert add_household(db, new(), as_of=AS_OF) == "2026-0001"
    assert add_household(db, new("B"), as_of=AS_OF) == "2026-0002"
    opened_last_year = new("C", opened_on=date(2025, 12, 30))
    assert add_household(db, opened_last_year, as_of=AS_OF) == "2025-0001"
    assert add_household(db, new("D"), as_of=AS_OF) == "2026-0003"


def test_references_are_never_reused(db: Database) -> None:
    add_household(db, new("A"), as_of=AS_OF)
    second = add_household(db, new("B"), as_of=AS_OF)
    db.execute("DELETE FROM households WHERE ref = ?", [second])
    assert add_household(db, new("C"), as_of=AS_OF) == "2026-0003"


def test_failed_add_takes_no_number_and_writes_nothing(db: Database, dump: Dump) -> None:
    before = dump(db_path(db))
    with pytest.raises(NotFound, match="no landlord 'Nobody'"):
        add_household(db, new(landlord="Nobody"), as_of=AS_OF)
    # The child's birth date is checked after the household row is written.
    with pytest.raises(InvalidInput, match="birth_date"):
        add_household(db, new(children=[ChildSpec(date(2027, 1, 1))]), as_of=AS_OF)
    assert dump(db_path(db)) == before
    assert add_household(db, new(), as_of=AS_OF) == "2026-0001"


def test_opened_in_the_future(db: Database) -> None:
    with pytest.raises(InvalidInput, match="opened"):
        add_household(db, new(opened_on=date(2026, 12, 11)), as_of=AS_OF)


# --- adding ------------------------------------------------------------------------------


def test_add_with_everything(db: Database) -> None:
    add_caseworker(db, name="Karin", initials="KARIN")
    add_landlord(db, name="Alingsåshem", kind="municipal")
    ref = add_household(
        db,
        new(
            tenant_pnr=TENANT_PNR,
            street="Storgatan 1",
            postal_code="44130",
            city="Alingsås",
            landlord="alingsåshem",
            contract_number="123-456",
            rent=Money(745_000),
            arrears=Money(1_490_050),
            co_tenant_name="Bo Andersson",
            co_tenant_pnr="19800101-0001",
            children=[
                ChildSpec(date(2015, 3, 2), "Alva"),
                ChildSpec(date(2019, 6, 10), part_time=True),
            ],
            caseworker="Karin",
            note="First line\nsecond line",
        ),
        as_of=AS_OF,
    )
    case = show_household(db, ref, as_of=AS_OF)
    assert case["landlord"] == "Alingsåshem"
    assert case["postal_code"] == "441 30"
    assert case["rent_ore"] == 745_000
    assert case["arrears_ore"] == 1_490_050
    assert case["reasons"] == ["unpaid_rent"]  # implied by the arrears
    assert case["caseworker"] == "Karin"
    assert case["note"] == "First line\nsecond line"
    assert case["tenant_pnr"] == "19811218-****"
    assert case["members"] == 4
    assert (case["children"], case["children_part_time"]) == (1, 1)
    members = {m["role"]: m for m in case["member_list"] if m["role"] != "child"}
    assert members["tenant"]["birth_date"] == "1981-12-18"
    assert members["tenant"]["age"] == 44
    assert members["co_tenant"]["birth_date"] == "1980-01-01"
    children = [m for m in case["member_list"] if m["role"] == "child"]
    assert [(c["name"], c["age"], c["is_child"], c["part_time"]) for c in children] == [
        ("Alva", 11, True, False),
        (None, 7, True, True),
    ]


def test_no_reason_without_arrears(db: Database) -> None:
    ref = add_household(db, new(), as_of=AS_OF)
    assert show_household(db, ref, as_of=AS_OF)["reasons"] == []


def test_default_caseworker(db: Database) -> None:
    add_caseworker(db, name="Karin", initials="KARIN")
    ref = add_household(db, new(), as_of=AS_OF, default_caseworker="Karin")
    assert show_household(db, ref, as_of=AS_OF)["caseworker"] == "Karin"


def test_create_landlord(db: Database) -> None:
    ref = add_household(db, new(landlord="Marks Bostad"), as_of=AS_OF, create_landlord=True)
    assert show_household(db, ref, as_of=AS_OF)["landlord"] == "Marks Bostad"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"tenant_name": "  "}, "tenant"),
        ({"tenant_name": "Anna\x00"}, "tenant"),
        ({"tenant_pnr": "811218-9875"}, "pnr"),
        ({"co_tenant_pnr": TENANT_PNR}, "co_tenant_pnr"),
        ({"postal_code": "4413"}, "postal_code"),
        ({"rent": Money(-1)}, "rent"),
        ({"arrears": Money(-1)}, "arrears"),
        ({"reasons": ["fire"]}, "reason"),
        ({"source": "rumour"}, "source"),
        ({"housing_situation": "castle"}, "situation"),
    ],
)
def test_add_rejects(db: Database, dump: Dump, changes: dict[str, Any], field: str) -> None:
    before = dump(db_path(db))
    values: dict[str, Any] = {"tenant_name": "Anna Andersson"} | changes
    with pytest.raises(InvalidInput) as err:
        add_household(db, NewHousehold(**values), as_of=AS_OF)
    assert err.value.field == field
    assert dump(db_path(db)) == before


def test_parse_child() -> None:
    assert parse_child("2015-03-02") == ChildSpec(date(2015, 3, 2))
    assert parse_child(" 2015-03-02  Alva Andersson ", part_time=True) == ChildSpec(
        date(2015, 3, 2), "Alva Andersson", part_time=True
    )


@pytest.mark.parametrize("text", ["2015-3-2 Alva", "Alva 2015-03-02", "2015-03-02Alva", ""])
def test_parse_child_rejects(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_child(text, field="--child")
    assert err.value.field == "--child"
    # The whole value is named, not a slice of it.
    assert err.value.value == text


# --- children ----------------------------------------------------------------------------


def _with_child(db: Database, born: date, *, part_time: bool = False) -> str:
    return add_household(
        db, new(children=[ChildSpec(born, part_time=part_time)]), as_of=date(2026, 1, 1)
    )


def _counts(db: Database, ref: str, on: date) -> tuple[int, int]:
    case = show_household(db, ref, as_of=on)
    return case["children"], case["children_part_time"]


def test_child_stops_counting_on_the_eighteenth_birthday(db: Database) -> None:
    ref = _with_child(db, date(2008, 6, 15))
    assert _counts(db, ref, date(2026, 6, 14)) == (1, 0)
    assert _counts(db, ref, date(2026, 6, 15)) == (0, 0)
    member = show_household(db, ref, as_of=date(2026, 6, 14))["member_list"][-1]
    assert (member["age"], member["is_child"]) == (17, True)
    member = show_household(db, ref, as_of=date(2026, 6, 15))["member_list"][-1]
    assert (member["age"], member["is_child"]) == (18, False)


def test_leap_day_child_turns_eighteen_on_first_of_march(db: Database) -> None:
    ref = _with_child(db, date(2008, 2, 29))
    assert _counts(db, ref, date(2026, 2, 28)) == (1, 0)
    assert _counts(db, ref, date(2026, 3, 1)) == (0, 0)
    assert show_household(db, ref, as_of=date(2026, 2, 28))["member_list"][-1]["is_child"]
    assert not show_household(db, ref, as_of=date(2026, 3, 1))["member_list"][-1]["is_child"]


def test_listing_and_member_view_agree_around_leap_days(db: Database) -> None:
    births = [date(2008, 2, 28), date(2008, 2, 29), date(2008, 3, 1), date(2010, 2, 28)]
    ref = add_household(db, new(children=[ChildSpec(b) for b in births]), as_of=AS_OF)
    for on in [date(2026, 2, 27), date(2026, 2, 28), date(2026, 3, 1), date(2028, 2, 29)]:
        case = show_household(db, ref, as_of=on)
        flagged = sum(m["is_child"] for m in case["member_list"])
        assert case["children"] == flagged, on


def test_asked_about_a_day_before_the_birth(db: Database) -> None:
    ref = _with_child(db, date(2019, 6, 10), part_time=True)
    case = show_household(db, ref, as_of=date(2019, 6, 9))
    assert (case["children"], case["children_part_time"]) == (0, 0)
    child = case["member_list"][-1]
    assert (child["age"], child["is_child"]) == (None, False)
    assert refs(list_households(db, as_of=date(2019, 6, 9), with_children=True)) == []
    assert _counts(db, ref, date(2019, 6, 10)) == (0, 1)


def test_part_time_children_counted_separately(db: Database) -> None:
    ref = add_household(
        db,
        new(
            children=[
                ChildSpec(date(2015, 3, 2)),
                ChildSpec(date(2019, 6, 10), part_time=True),
                ChildSpec(date(2020, 1, 1), part_time=True),
            ]
        ),
        as_of=AS_OF,
    )
    assert _counts(db, ref, AS_OF) == (1, 2)


def test_an_adult_member_under_eighteen_is_a_child(db: Database) -> None:
    ref = add_household(db, new(), as_of=AS_OF)
    add_member(db, ref, name="Sixten", birth_date=date(2010, 1, 1), role="adult", as_of=AS_OF)
    assert _counts(db, ref, AS_OF) == (1, 0)


# --- members -----------------------------------------------------------------------------


def test_add_and_remove_member(db: Database) -> None:
    ref = add_household(db, new(tenant_pnr=TENANT_PNR), as_of=AS_OF)
    child = add_member(db, ref, name="Alva", birth_date=date(2015, 3, 2), role="child", as_of=AS_OF)
    adult = add_member(db, ref, name="Bo", pnr="19800101-0001", as_of=AS_OF)
    members = show_household(db, ref, as_of=AS_OF, include_pnr=True)["member_list"]
    assert {m["id"]: m["pnr"] for m in members}[adult] == "19800101-0001"
    assert remove_member(db, ref, child)["name"] == "Alva"
    assert _counts(db, ref, AS_OF) == (0, 0)
    with pytest.raises(NotFound, match=f"no member {child} in {ref}"):
        remove_member(db, ref, child)


def test_tenant_cannot_be_removed(db: Database) -> None:
    ref = add_household(db, new(), as_of=AS_OF)
    tenant = show_household(db, ref, as_of=AS_OF)["member_list"][0]
    with pytest.raises(Conflict, match="tenant"):
        remove_member(db, ref, tenant["id"])


def test_member_of_another_household_cannot_be_removed(db: Database) -> None:
    first = add_household(db, new(), as_of=AS_OF)
    second = add_household(db, new("B"), as_of=AS_OF)
    member = add_member(db, first, name="Bo", as_of=AS_OF)
    with pytest.raises(NotFound):
        remove_member(db, second, member)


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({"name": None}, InvalidInput, "name"),
        ({"name": "X", "role": "pet"}, InvalidInput, "role"),
        ({"name": "X", "pnr": "811218-9875"}, InvalidInput, "pnr"),
        ({"name": "X", "role": "child"}, InvalidInput, "birth_date"),
        (
            {"name": "X", "birth_date": date(2027, 1, 1), "role": "child"},
            InvalidInput,
            "birth_date",
        ),
        (
            {"name": "X", "pnr": "800101-0001", "birth_date": date(1981, 1, 1)},
            InvalidInput,
            "birth_date",
        ),
        ({"name": "X", "part_time": True}, InvalidInput, "part_time"),
        ({"name": "X", "pnr": TENANT_PNR}, Conflict, None),
    ],
)
def test_add_member_rejects(
    db: Database, dump: Dump, kwargs: dict[str, Any], error: type[Exception], field: str | None
) -> None:
    ref = add_household(db, new(tenant_pnr=TENANT_PNR), as_of=AS_OF)
    before = dump(db_path(db))
    with pytest.raises(error) as err:
        add_member(db, ref, as_of=AS_OF, **kwargs)
    if field is not None:
        assert isinstance(err.value, InvalidInput)
        assert err.value.field == field
    assert dump(db_path(db)) == before


def test_unknown_reference(db: Database) -> None:
    with pytest.raises(NotFound, match=r"^no household 2026-0099$"):
        household_id(db, "2026-0099")
    with pytest.raises(InvalidInput, match="reference"):
        household_id(db, "42")
    with pytest.raises(NotFound, match="no household 2026-0099"):
        add_member(db, "2026-0099", name="X", as_of=AS_OF)


# --- listing -----------------------------------------------------------------------------


def _termination(db: Database, ref: str, served: date) -> None:
    add_notice(
        db, ref, NewNotice(kind="termination", served_on=served, notified_on=served), as_of=AS_OF
    )


def test_list_orders_by_urgency(db: Database) -> None:
    kids = [ChildSpec(date(2015, 3, 2))]
    no_deadline_no_kids = add_household(db, new("E"), as_of=AS_OF)
    no_deadline_kids = add_household(db, new("C", children=kids), as_of=AS_OF)
    later_no_kids = add_household(db, new("A"), as_of=AS_OF)
    later_kids = add_household(db, new("B", children=kids), as_of=AS_OF)
    overdue = add_household(db, new("D"), as_of=AS_OF)
    long_overdue = add_household(db, new("F", children=kids), as_of=AS_OF)
    eviction = add_household(db, new("G"), as_of=AS_OF)
    _termination(db, later_no_kids, date(2026, 12, 4))  # deadline 2026-12-28
    _termination(db, later_kids, date(2026, 12, 4))
    _termination(db, overdue, date(2026, 11, 9))  # 2026-11-30, 10 days overdue
    _termination(db, long_overdue, date(2026, 10, 26))  # 2026-11-16, 24 days: history
    add_notice(
        db, eviction, NewNotice(kind="eviction", eviction_at="2026-12-15 09:00"), as_of=AS_OF
    )
    result = list_households(db, as_of=AS_OF)
    assert refs(result) == [
        overdue,
        eviction,
        later_kids,
        later_no_kids,
        no_deadline_kids,
        long_overdue,
        no_deadline_no_kids,
    ]
    by_ref = {r["ref"]: r for r in result}
    assert (by_ref[overdue]["next_deadline"], by_ref[overdue]["days_left"]) == ("2026-11-30", -10)
    assert by_ref[eviction]["next_deadline"] == "2026-12-15"
    assert by_ref[eviction]["next_deadline_kind"] == "eviction"
    assert by_ref[later_kids]["next_deadline_kind"] == "recovery_deadline"
    assert by_ref[later_kids]["days_left"] == 18
    assert by_ref[long_overdue]["next_deadline"] is None
    assert by_ref[long_overdue]["days_left"] is None


def test_the_nearest_of_several_deadlines_counts(db: Database) -> None:
    ref = add_household(db, new(), as_of=AS_OF)
    _termination(db, ref, date(2026, 12, 4))
    add_notice(db, ref, NewNotice(kind="eviction", eviction_at="2026-12-21"), as_of=AS_OF)
    assert list_households(db, as_of=AS_OF)[0]["next_deadline"] == "2026-12-21"
    assert list_households(db, as_of=date(2026, 12, 22))[0]["next_deadline"] == "2026-12-21"


@pytest.fixture
def listed(db: Database) -> dict[str, str]:
    add_caseworker(db, name="Karin", initials="KARIN")
    add_landlord(db, name="Alingsåshem", kind="municipal")
    add_landlord(db, name="Privat AB", kind="private")
    made = {
        "family": add_household(
            db,
            new(
                "Family",
                landlord="Alingsåshem",
                arrears=Money(100_00),
                children=[ChildSpec(date(2015, 3, 2))],
                caseworker="Karin",
                tenant_pnr=TENANT_PNR,
            ),
            as_of=AS_OF,
        ),
        "part_time": add_household(
            db,
            new(
                "Part",
                landlord="Privat AB",
                reasons=["disturbance"],
                children=[ChildSpec(date(2019, 6, 10), part_time=True)],
            ),
            as_of=AS_OF,
        ),
        "single": add_household(
            db,
            new("Single", landlord="Alingsåshem", reasons=["neglect", "disturbance"]),
            as_of=AS_OF,
        ),
        "closed": add_household(db, new("Closed", caseworker="karin"), as_of=AS_OF),
    }
    close_household(db, made["closed"], outcome="stays", closed_on=AS_OF, as_of=AS_OF)
    _termination(db, made["single"], date(2026, 12, 4))  # 2026-12-28
    _termination(db, made["family"], date(2026, 11, 9))  # 2026-11-30
    return made


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, ["family", "single", "part_time"]),
        ({"status": "closed"}, ["closed"]),
        ({"status": None}, ["family", "single", "part_time", "closed"]),
        ({"landlord": "alingsåshem"}, ["family", "single"]),
        ({"landlord": "Privat AB"}, ["part_time"]),
        ({"with_children": True}, ["family", "part_time"]),
        ({"with_children": False}, ["single"]),
        ({"reason": "disturbance"}, ["single", "part_time"]),
        ({"reason": "unpaid_rent"}, ["family", "single"]),
        ({"reason": "neglect"}, ["single"]),
        ({"reason": "other"}, []),
        ({"within_days": 0}, ["family"]),
        ({"within_days": 17}, ["family"]),
        ({"within_days": 18}, ["family", "single"]),
        ({"caseworker": " KARIN "}, ["family"]),
        ({"caseworker": "Karin", "status": None}, ["family", "closed"]),
        ({"with_children": True, "landlord": "Alingsåshem"}, ["family"]),
    ],
)
def test_list_filters(
    db: Database, listed: dict[str, str], kwargs: dict[str, Any], expected: list[str]
) -> None:
    result = list_households(db, as_of=AS_OF, **kwargs)
    assert refs(result) == [listed[name] for name in expected]


def test_caseworker_filter_folds_swedish_letters(db: Database) -> None:
    add_caseworker(db, name="Åsa Öberg", initials="ÅÖ")
    add_caseworker(db, name="Asa Oberg", initials="AO")
    ref = add_household(db, new(caseworker="åö"), as_of=AS_OF)
    add_household(db, new("B", caseworker="AO"), as_of=AS_OF)
    assert refs(list_households(db, as_of=AS_OF, caseworker="åö")) == [ref]


def test_list_masks_pnr_unless_asked(db: Database, listed: dict[str, str]) -> None:
    masked = list_households(db, as_of=AS_OF, with_children=True)
    assert masked[0]["tenant_pnr"] == "19811218-****"
    assert masked[1]["tenant_pnr"] is None
    full = list_households(db, as_of=AS_OF, with_children=True, include_pnr=True)
    assert full[0]["tenant_pnr"] == "19811218-9876"
    assert "id" not in full[0]
    assert "landlord_id" not in full[0]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"status": "pending"}, InvalidInput),
        ({"landlord": "Nobody"}, NotFound),
        ({"reason": "fire"}, InvalidInput),
        ({"within_days": -1}, InvalidInput),
    ],
)
def test_list_rejects(
    db: Database, listed: dict[str, str], kwargs: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        list_households(db, as_of=AS_OF, **kwargs)


# --- editing, closing --------------------------------------------------------------------


def test_edit_returns_the_diff(db: Database) -> None:
    add_landlord(db, name="Alingsåshem")
    ref = add_household(
        db, new(street="Storgatan 1", arrears=Money(500_00), reasons=["unpaid_rent"]), as_of=AS_OF
    )
    before = rows(db, "SELECT updated_at FROM households")[0]["updated_at"]
    diff = edit_household(
        db,
        ref,
        changes={
            "street": "Storgatan 1",
            "arrears": Money(250_00),
            "postal_code": "44130",
            "landlord": "Alingsåshem",
            "source": "enforcement",
        },
        add_reasons=["disturbance"],
        remove_reasons=["unpaid_rent"],
    )
    landlord_id = rows(db, "SELECT id FROM landlords")[0]["id"]
    assert diff == {
        "arrears_ore": (500_00, 250_00),
        "postal_code": (None, "441 30"),
        "landlord_id": (None, landlord_id),
        "source": ("landlord", "enforcement"),
        "reasons": ("unpaid_rent", "disturbance"),
    }
    case = show_household(db, ref, as_of=AS_OF)
    assert case["arrears_ore"] == 250_00
    assert case["reasons"] == ["disturbance"]
    assert case["landlord"] == "Alingsåshem"
    assert case["updated_at"] >= before


def test_note_pasted_with_windows_line_breaks(db: Database) -> None:
    ref = add_household(db, new(note="Brev från värden:\r\nbetala senast"), as_of=AS_OF)
    assert show_household(db, ref, as_of=AS_OF)["note"] == "Brev från värden:\nbetala senast"
    assert edit_household(db, ref, changes={"note": "a\r\nb"})["note"][1] == "a\nb"


def test_edit_without_change(db: Database, dump: Dump) -> None:
    ref = add_household(db, new(street="Storgatan 1"), as_of=AS_OF)
    before = dump(db_path(db))
    assert edit_household(db, ref, changes={"street": " Storgatan 1 "}) == {}
    assert dump(db_path(db)) == before


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"ref": "2026-0002"}, InvalidInput),
        ({"status": "closed"}, InvalidInput),
        ({"postal_code": "1"}, InvalidInput),
        ({"rent": Money(-100)}, InvalidInput),
        ({"landlord": "Nobody"}, NotFound),
        ({"source": "rumour"}, InvalidInput),
        ({"city": "Alingsås\x1b[31m"}, InvalidInput),
    ],
)
def test_edit_rejects(
    db: Database, dump: Dump, changes: dict[str, Any], error: type[Exception]
) -> None:
    ref = add_household(db, new(), as_of=AS_OF)
    before = dump(db_path(db))
    with pytest.raises(error):
        edit_household(db, ref, changes=changes)
    assert dump(db_path(db)) == before


def test_close_and_reopen(db: Database) -> None:
    ref = add_household(db, new(opened_on=date(2026, 11, 1)), as_of=AS_OF)
    close_household(db, ref, outcome="stays", closed_on=date(2026, 12, 1), as_of=AS_OF)
    case = show_household(db, ref, as_of=AS_OF)
    assert (case["status"], case["closed_on"], case["outcome"]) == ("closed", "2026-12-01", "stays")
    assert list_households(db, as_of=AS_OF) == []
    with pytest.raises(Conflict, match="already closed"):
        close_household(db, ref, outcome="moved", closed_on=AS_OF, as_of=AS_OF)
    reopen_household(db, ref)
    case = show_household(db, ref, as_of=AS_OF)
    assert (case["status"], case["closed_on"], case["outcome"]) == ("open", None, None)
    with pytest.raises(Conflict, match="already open"):
        reopen_household(db, ref)


@pytest.mark.parametrize(
    ("outcome", "closed_on", "field"),
    [
        ("happy", AS_OF, "outcome"),
        ("stays", date(2026, 12, 11), "date"),
        ("stays", date(2026, 10, 31), "date"),
    ],
)
def test_close_rejects(db: Database, dump: Dump, outcome: str, closed_on: date, field: str) -> None:
    ref = add_household(db, new(opened_on=date(2026, 11, 1)), as_of=AS_OF)
    before = dump(db_path(db))
    with pytest.raises(InvalidInput) as err:
        close_household(db, ref, outcome=outcome, closed_on=closed_on, as_of=AS_OF)
    assert err.value.field == field
    assert dump(db_path(db)) == before
