"""Core exports: the table registry, streaming, masking, the export log, the household
document and its round trip into an empty database."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from bostadcli import export as exporting
from bostadcli import letters
from bostadcli.casemove.document_in import import_household
from bostadcli.casemove.document_out import export_household
from bostadcli.consents import add_consent, revoke_consent
from bostadcli.contacts import add_contact
from bostadcli.db import open_database, rows
from bostadcli.errors import Conflict, ConsentRequired, InvalidInput
from bostadcli.export import (
    ExportTable,
    cases_without_consent,
    col,
    export_table,
    iter_rows,
)
from bostadcli.households import ChildSpec, NewHousehold, add_household, add_member
from bostadcli.landlords import add_landlord
from bostadcli.money import MAX_AMOUNT_ORE, Money, format_money
from bostadcli.notices import NewNotice, add_notice
from bostadcli.plans import NewPlan, create_plan, record_payment, show_plan
from bostadcli.supports import NewSupport, add_support
from bostadcli.tabular import format_ore
from bostadcli.undertakings import NewUndertaking, add_undertaking
from bostadcli.vocab import Recipient
from golden_letters import CONFIG as LETTER_CONFIG

AS_OF = date(2026, 11, 2)


def pnr(yymmdd: str, serial: str = "123") -> str:
    """A valid 10-digit personnummer for a birth date and a three-digit serial."""
    body = yymmdd + serial
    return f"{yymmdd}-{serial}{luhn.calc_check_digit(body)}"


@pytest.fixture
def db(tmp_path: Path) -> Any:
    database = open_database(tmp_path / "t.sqlite", create=True)
    yield database
    database.close()


def rich_case(db: Any) -> str:
    """A case with something in every table: the round trip must carry all of it."""
    from bostadcli.caseworkers import add_caseworker

    if not db.execute("SELECT 1 FROM caseworkers WHERE initials = 'KARIN'").fetchone():
        add_caseworker(db, name="Karin", initials="KARIN")
    add_landlord(
        db,
        name="Alingsåshem",
        kind="municipal",
        org_number="556035-6932",
        contact_person="Eva Berg",
        phone="0322-61 61 00",
        email="kund@alingsashem.se",
    )
    ref = add_household(
        db,
        NewHousehold(
            tenant_name="Åsa Öberg",
            tenant_pnr=pnr("811218"),
            street="Storgatan 1",
            postal_code="44130",
            city="Alingsås",
            landlord="Alingsåshem",
            contract_number="123-456",
            rent=Money(745000),
            arrears=Money(1490050),
            reasons=["unpaid_rent", "disturbance"],
            co_tenant_name="Per Öberg",
            co_tenant_pnr=pnr("790303", "456"),
            children=[
                ChildSpec(date(2015, 3, 2), "Alva"),
                ChildSpec(date(2019, 6, 10), part_time=True),
                ChildSpec(date(2008, 11, 2), "Just 18"),
            ],
            caseworker="Karin",
            note="First line\nsecond line",
            opened_on=date(2026, 10, 1),
        ),
        as_of=AS_OF,
    )
    add_member(db, ref, name="Morfar", role="adult", birth_date=date(1950, 1, 1), as_of=AS_OF)
    add_notice(
        db,
        ref,
        NewNotice(
            kind="termination",
            served_on=date(2026, 10, 20),
            amount=Money(1490050),
            received_on=date(2026, 10, 15),
        ),
        as_of=AS_OF,
    )
    add_notice(
        db,
        ref,
        NewNotice(kind="eviction", eviction_at="2027-01-15 09:30", enforcement_case="KFM-1"),
        as_of=AS_OF,
    )
    add_contact(db, ref, kind="phone", on=date(2026, 10, 16), text="Called", as_of=AS_OF)
    add_contact(
        db, ref, kind="referral", on=date(2026, 10, 17), referral_to="debt_counselling", as_of=AS_OF
    )
    add_consent(
        db,
        ref,
        recipient="landlord",
        given_on=date(2026, 10, 16),
        today=AS_OF,
        reason="skrivet i efterhand",
    )
    add_undertaking(
        db,
        ref,
        NewUndertaking(
            given_on=date(2026, 10, 30),
            covers="Hyran oktober",
            decided_by="Karin Ek",
            reason="skrivet i efterhand",
        ),
        as_of=AS_OF,
    )
    add_consent(
        db,
        ref,
        recipient="enforcement",
        given_on=date(2026, 10, 16),
        expires_on=date(2027, 10, 16),
        today=AS_OF,
        reason="skrivet i efterhand",
    )
    revoke_consent(db, ref, recipient="enforcement", revoked_on=date(2026, 10, 30), today=AS_OF)
    # A plan, paid into, then renegotiated: the new plan replaces the old one.
    create_plan(
        db,
        ref,
        NewPlan(debt=Money(1200000), installment=Money(300000), start=date(2026, 11, 1)),
        as_of=date(2026, 10, 5),
    )
    record_payment(
        db, "P-0001", amount=Money(100000), paid_on=date(2026, 10, 20), as_of=date(2026, 10, 20)
    )
    create_plan(
        db,
        ref,
        NewPlan(installment=Money(250000), replaces="P-0001", note="Lower installments"),
        as_of=date(2026, 10, 25),
    )
    record_payment(
        db,
        "P-0002",
        amount=Money(250000),
        paid_on=date(2026, 10, 30),
        note="Bankgiro",
        as_of=date(2026, 10, 30),
    )
    letters.make_letter(
        db,
        ref,
        "plan_reminder",
        config=LETTER_CONFIG,
        as_of=AS_OF,
        fmt="txt",
        out=_folder(db) / "paminnelse.txt",
        record=True,
        plan="P-0002",
    )
    # Two supports: a guarantee to the household's landlord, and Housing First with
    # another company, which the document must carry by name.
    add_landlord(
        db,
        name="Bostadsbolaget Väst",
        kind="private",
        cooperation_agreement_on=date(2025, 5, 1),
    )
    add_support(
        db,
        ref,
        NewSupport(
            kind="rent_guarantee",
            start_on=date(2026, 10, 10),
            end_on=date(2027, 10, 9),
            cap_months=3,
            claimed=Money(500000),
        ),
        as_of=AS_OF,
    )
    add_support(
        db,
        ref,
        NewSupport(
            kind="housing_first",
            start_on=date(2026, 10, 20),
            landlord="Bostadsbolaget Väst",
            support_person="Lena Ek",
            note="Starts with weekly visits",
        ),
        as_of=AS_OF,
    )
    return ref


def _folder(db: Any) -> Path:
    """The folder of the database's file: the case's letters go beside it."""
    return Path(db.execute("PRAGMA database_list").fetchone()[2]).parent


def all_rows(db: Any, table: str, **kwargs: Any) -> list[dict[str, Any]]:
    return list(iter_rows(db, table, as_of=AS_OF, **kwargs))


def test_households_row_counts_children_on_as_of_and_masks_pnr(db: Any) -> None:
    ref = rich_case(db)
    [row] = all_rows(db, "households")
    assert row["ref"] == ref
    assert row["tenant"] == "Åsa Öberg"
    assert row["tenant_pnr"] == "19811218-****"
    assert row["members"] == 6
    # Born 2008-11-02: 18 on AS_OF, no longer a child.
    assert row["children"] == 1
    assert row["children_part_time"] == 1
    assert row["reasons"] == ["disturbance", "unpaid_rent"]
    assert row["next_deadline"] == "2026-11-10"
    assert row["next_deadline_kind"] == "recovery_deadline"
    assert row["days_left"] == 8
    assert row["rent_ore"] == 745000
    assert row["landlord"] == "Alingsåshem"
    [younger] = list(iter_rows(db, "households", as_of=date(2026, 11, 1)))
    assert younger["children"] == 2


def test_members_have_age_and_child_flag(db: Any) -> None:
    rich_case(db)
    members = all_rows(db, "members")
    by_name = {m["name"]: m for m in members}
    assert by_name["Alva"]["age"] == 11 and by_name["Alva"]["is_child"] is True
    assert by_name["Just 18"]["is_child"] is False
    assert by_name["Per Öberg"]["pnr"] == "19790303-****"
    part_time = [m for m in members if m["part_time"]]
    assert len(part_time) == 1 and part_time[0]["birth_date"] == "2019-06-10"


def test_csv_has_ore_and_formatted_money_and_iso_dates(db: Any) -> None:
    rich_case(db)
    out = io.StringIO()
    n = export_table(db, "households", out, as_of=AS_OF, command="test")
    assert n == 1
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["arrears_ore"] == "1490050"
    assert row["arrears"] == "14\u00a0900,50\u00a0kr"
    assert row["rent"] == "7\u00a0450\u00a0kr"
    assert row["opened_on"] == "2026-10-01"
    assert row["reasons"] == "disturbance,unpaid_rent"
    assert list(row) == [
        name
        for c in exporting.TABLES["households"].columns
        for name in ([c.key, c.formatted_name] if c.kind == "money" else [c.key])
    ]


def test_every_table_exports_in_every_format(db: Any) -> None:
    rich_case(db)
    for name in exporting.TABLES:
        expected = len(all_rows(db, name))
        assert expected > 0, name
        for fmt in exporting.FORMATS:
            out = io.StringIO()
            assert export_table(db, name, out, fmt=fmt, as_of=AS_OF, command="t") == expected
        # The last format was jsonl: one object per row.
        assert len(out.getvalue().splitlines()) == expected
        assert all(json.loads(line) for line in out.getvalue().splitlines())


def test_include_pnr_shows_numbers_and_every_export_is_logged(db: Any) -> None:
    rich_case(db)
    out = io.StringIO()
    export_table(db, "members", out, as_of=AS_OF, include_pnr=True, command="bostad export m")
    assert "19811218-" + pnr("811218")[-4:] in out.getvalue()
    export_table(db, "notices", io.StringIO(), as_of=AS_OF, include_pnr=True, command="x")
    export_table(db, "households", io.StringIO(), as_of=AS_OF, command="y")
    log = rows(db, "SELECT * FROM export_log ORDER BY id")
    assert [(r["table_name"], r["row_count"], r["include_pnr"]) for r in log] == [
        ("members", 6, 1),
        # notices carry no personnummer: asking for them exposes none
        ("notices", 2, 0),
        ("households", 1, 0),
    ]
    assert log[0]["command"] == "bostad export m"
    assert log[0]["os_user"]
    assert log[0]["at"].endswith("+00:00")


def test_since_and_status_filter(db: Any) -> None:
    rich_case(db)
    add_household(db, NewHousehold(tenant_name="Closed Case", opened_on=AS_OF), as_of=AS_OF)
    from bostadcli.households import close_household

    close_household(db, "2026-0002", outcome="stays", closed_on=AS_OF, as_of=AS_OF)
    assert [r["ref"] for r in all_rows(db, "households", status="closed")] == ["2026-0002"]
    assert [r["ref"] for r in all_rows(db, "households", status="open")] == ["2026-0001"]
    assert len(all_rows(db, "households", status="all")) == 2
    assert [r["ref"] for r in all_rows(db, "households", since=AS_OF)] == ["2026-0002"]
    assert [r["contact_on"] for r in all_rows(db, "contacts", since=date(2026, 10, 17))] == [
        "2026-10-17",
        "2026-10-25",
        "2026-11-02",
    ]
    assert all_rows(db, "members", status="closed")[0]["name"] == "Closed Case"
    with pytest.raises(InvalidInput, match="--status"):
        all_rows(db, "landlords", status="open")
    with pytest.raises(InvalidInput, match="--status"):
        all_rows(db, "households", status="pending")
    with pytest.raises(InvalidInput, match="table"):
        all_rows(db, "nonsense")


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x","y")', "+1", "@SUM(A1)", "-2", "\tx"])
def test_formula_text_is_neutralised_in_csv_only(db: Any, name: str) -> None:
    add_household(db, NewHousehold(tenant_name="x", note=name), as_of=AS_OF)
    db.execute("UPDATE members SET name = ?", [name])
    out = io.StringIO()
    export_table(db, "households", out, as_of=AS_OF, command="t")
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["tenant"] == "'" + name
    out = io.StringIO()
    export_table(db, "households", out, fmt="jsonl", as_of=AS_OF, command="t")
    assert json.loads(out.getvalue())["tenant"] == name


def test_rows_stream_from_the_cursor(db: Any) -> None:
    for i in range(50):
        add_household(db, NewHousehold(tenant_name=f"P{i}"), as_of=AS_OF)
    stream = iter_rows(db, "households", as_of=AS_OF)
    assert isinstance(stream, Iterator)
    assert next(stream)["tenant"] == "P0"
    stream.close()  # type: ignore[attr-defined]


def test_a_registered_table_is_exportable(db: Any) -> None:
    table = ExportTable(
        name="counters_test",
        description="test",
        sql="SELECT name, value FROM counters WHERE {where} ORDER BY name",
        columns=(col("name", "counter"), col("value", "value", "int")),
    )
    exporting.register(table)
    try:
        add_household(db, NewHousehold(tenant_name="x"), as_of=AS_OF)
        out = io.StringIO()
        export_table(db, "counters_test", out, as_of=AS_OF, command="t")
        assert out.getvalue() == "name,value\ncase:2026,1\n"
        assert "counters_test" in exporting.schema_markdown()
        with pytest.raises(ValueError, match="twice"):
            exporting.register(table)
    finally:
        del exporting.TABLES["counters_test"]


def test_options_that_do_not_fit_the_format_are_refused(db: Any) -> None:
    with pytest.raises(InvalidInput, match="CSV only"):
        export_table(db, "households", io.StringIO(), fmt="json", bom=True, as_of=AS_OF, command="")
    with pytest.raises(InvalidInput, match="--delimiter"):
        export_table(db, "households", io.StringIO(), delimiter="|", as_of=AS_OF, command="")


# What names a row in one installation only: ids, references, a letter's file.
_LOCAL = ("id", "ref", "origin_ref", "origin_plan", "all_cases", "file")


def _without_ids(
    table: list[dict[str, Any]], renumbered: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """The rows without what is local, and with plan references as ``renumbered``."""
    out = []
    for r in table:
        row = {k: v for k, v in r.items() if k not in _LOCAL}
        for key in ("plan", "replaces", "replaced_by"):
            if renumbered and row.get(key):
                row[key] = renumbered[row[key]]
        if row.get("params"):
            params = json.loads(row["params"])
            if renumbered and "plan" in params:
                params["plan"] = renumbered[params["plan"]]
            row["params"] = params
        out.append(row)
    return out


def test_household_document_round_trip_into_an_empty_database(db: Any, tmp_path: Path) -> None:
    ref = rich_case(db)
    # Recorded long ago: the moved copy must keep these, not the time of the import.
    db.execute("UPDATE landlords SET created_at = '2020-01-01T00:00:00+00:00'")
    document = export_household(db, ref, include_pnr=True, as_of=AS_OF, command="t")
    assert document["format"] == "bostadcli-household"
    assert document["format_version"] == exporting.DOCUMENT_VERSION
    assert document["landlord"]["name"] == "Alingsåshem"
    # The other landlord is described once and named by the rows, never numbered.
    assert [x["name"] for x in document["landlords"]] == ["Bostadsbolaget Väst"]
    assert document["supports"][1]["landlord"] == "Bostadsbolaget Väst"
    assert "landlord_id" not in document["plans"][0]
    assert document["letters"][0]["file"].endswith("paminnelse.txt")
    # Through real JSON, as it travels.
    document = json.loads(json.dumps(document))

    target = open_database(tmp_path / "target.sqlite", create=True)
    # The target has its own cases and plans: the moved ones get the next references.
    add_landlord(target, name="Egen Värd AB", kind="private")
    own = add_household(
        target, NewHousehold(tenant_name="Already here", landlord="Egen Värd AB"), as_of=AS_OF
    )
    create_plan(
        target,
        own,
        NewPlan(debt=Money(100000), installment=Money(50000), start=date(2026, 12, 1)),
        as_of=AS_OF,
    )
    result = import_household(target, document, source="doc.json", as_of=AS_OF)
    assert result["ref"] == "2026-0002"
    assert result["origin_ref"] == ref
    assert result["renumbered"] == {"P-0001": "P-0002", "P-0002": "P-0003"}
    counts = result["counts"]
    assert [counts[k] for k in ("plans", "installments", "payments", "letters", "supports")] == [
        2,
        9,
        2,
        1,
        2,
    ]
    # Both landlords were new here: the household's and the Housing First company.
    assert counts["landlords"] == 2

    for name in exporting.TABLES:
        before = _without_ids(all_rows(db, name, include_pnr=True), result["renumbered"])
        after = _without_ids(
            [
                r
                for r in all_rows(target, name, include_pnr=True)
                if r.get("ref") != own and r.get("name") != "Egen Värd AB"
            ]
        )
        assert after == before, name
    [moved] = [r for r in all_rows(target, "households") if r["ref"] == "2026-0002"]
    assert moved["origin_ref"] == ref
    moved_plans = [p for p in all_rows(target, "plans") if p["ref"] == "2026-0002"]
    assert [(p["plan"], p["origin_plan"]) for p in moved_plans] == [
        ("P-0002", "P-0001"),
        ("P-0003", "P-0002"),
    ]
    # The letter is a record here; its file stayed where it was written.
    [letter] = all_rows(target, "letters")
    assert letter["file"] == "" and letter["plan"] == "P-0003"
    [vast] = rows(target, "SELECT * FROM landlords WHERE name = 'Bostadsbolaget Väst'")
    assert vast["cooperation_agreement_on"] == "2025-05-01"
    assert vast["created_at"] == "2020-01-01T00:00:00+00:00"

    with pytest.raises(Conflict, match="2026-0002"):
        import_household(target, document, source="doc.json", as_of=AS_OF)
    target.close()


def test_a_masked_document_moves_without_personnummer(db: Any, tmp_path: Path) -> None:
    ref = rich_case(db)
    document = json.loads(json.dumps(export_household(db, ref, as_of=AS_OF, command="t")))
    assert document["members"][0]["pnr"] == "19811218-****"
    target = open_database(tmp_path / "target.sqlite", create=True)
    import_household(target, document, source="doc.json", as_of=AS_OF)
    members = rows(target, "SELECT pnr, birth_date FROM members ORDER BY id")
    assert all(m["pnr"] is None for m in members)
    assert members[0]["birth_date"] == "1981-12-18"
    target.close()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "other"}, "not a household document"),
        ({"format_version": 99}, "version"),
        ({"calendar": []}, "parts this installation does not know"),
    ],
)
def test_documents_this_version_cannot_read_are_refused(
    db: Any, tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    ref = rich_case(db)
    document = json.loads(json.dumps(export_household(db, ref, as_of=AS_OF, command="t"))) | change
    target = open_database(tmp_path / "target.sqlite", create=True)
    dump = "\n".join(target.conn.iterdump())
    with pytest.raises(InvalidInput, match=message):
        import_household(target, document, source="doc.json", as_of=AS_OF)
    assert "\n".join(target.conn.iterdump()) == dump
    target.close()


def test_a_bad_row_in_a_document_writes_nothing(db: Any, tmp_path: Path) -> None:
    ref = rich_case(db)
    document = json.loads(json.dumps(export_household(db, ref, as_of=AS_OF, command="t")))
    document["contacts"][1]["kind"] = "telepathy"
    target = open_database(tmp_path / "target.sqlite", create=True)
    dump = "\n".join(target.conn.iterdump())
    with pytest.raises(InvalidInput, match=r"contacts\[1\].*kind"):
        import_household(target, document, source="doc.json", as_of=AS_OF)
    assert "\n".join(target.conn.iterdump()) == dump
    target.close()


# Plans, installments, payments, letters and supports -----------------------------------

CASE_TABLES = {
    "plans": [
        "ref", "plan", "status", "landlord", "debt_ore", "debt", "installment_ore",
        "installment", "months", "start_month", "due_rule", "whole_kronor", "paid_ore",
        "paid", "remaining_ore", "remaining", "income_ore", "income", "created_on",
        "cancelled_on", "completed_on", "replaces", "replaced_by", "checked_state",
        "checked_on", "note", "origin_plan", "created_at", "updated_at",
    ],
    "installments": [
        "ref", "plan", "seq", "month", "due_on", "amount_ore", "amount", "paid_ore", "paid",
        "status", "days_overdue",
    ],
    "payments": [
        "ref", "plan", "id", "paid_on", "amount_ore", "amount", "applied_ore", "applied",
        "excess_ore", "excess", "note", "created_at",
    ],
    "letters": [
        "ref", "id", "kind", "period", "dated_on", "recipient", "address", "format", "plan",
        "params", "template_version", "file", "created_at",
    ],
    "supports": [
        "ref", "id", "kind", "start_on", "end_on", "ended_on", "end_reason", "effective_end",
        "status", "days_left", "landlord", "cap_ore", "cap", "cap_months",
        "cap_effective_ore", "cap_effective", "claimed_ore", "claimed", "reclaimed_ore",
        "reclaimed", "granted_on", "flat_offered", "place", "nights_from", "nights_to",
        "nights", "cost_ore", "cost", "cost_granted", "support_person", "note",
        "created_at", "updated_at", "state_grant_missed", "state_grant_note",
        "withdrawn_on",
    ],
}  # fmt: skip


@pytest.mark.parametrize("name", list(CASE_TABLES))
def test_case_tables_have_stable_columns_and_no_personnummer(db: Any, name: str) -> None:
    ref = rich_case(db)
    out = io.StringIO()
    count = export_table(db, name, out, as_of=AS_OF, include_pnr=True, command="t")
    table = list(csv.reader(io.StringIO(out.getvalue())))
    assert table[0] == CASE_TABLES[name]
    assert len(table) == count + 1 and count > 0
    assert {row[0] for row in table[1:]} == {ref}
    # Nobody's personnummer is in these tables: asking for them shows and logs none.
    for number in (pnr("811218"), pnr("790303", "456")):
        assert number not in out.getvalue() and number.replace("-", "") not in out.getvalue()
    [logged] = rows(db, "SELECT table_name, include_pnr FROM export_log")
    assert logged == {"table_name": name, "include_pnr": 0}


def test_plans_show_what_is_paid_and_how_they_replace_each_other(db: Any) -> None:
    rich_case(db)
    old, new = all_rows(db, "plans")
    assert (old["plan"], old["status"], old["replaced_by"]) == ("P-0001", "replaced", "P-0002")
    assert (new["plan"], new["status"], new["replaces"]) == ("P-0002", "active", "P-0001")
    assert (old["paid_ore"], old["remaining_ore"]) == (100000, 1100000)
    # The new plan took over what was unpaid.
    assert (new["debt_ore"], new["paid_ore"], new["remaining_ore"]) == (1100000, 250000, 850000)
    assert new["whole_kronor"] is True and new["note"] == "Lower installments"
    assert old["origin_plan"] is None
    # Paid and remaining are as on --as-of: before the second payment, nothing was.
    [_old, earlier] = list(iter_rows(db, "plans", as_of=date(2026, 10, 29)))
    assert (earlier["paid_ore"], earlier["remaining_ore"]) == (0, 1100000)


def test_installments_are_paid_oldest_first_and_overdue_only_in_force(db: Any) -> None:
    rich_case(db)
    later = date(2027, 1, 5)
    rows_ = list(iter_rows(db, "installments", as_of=later))
    by_plan: dict[str, list[tuple[int, int, str, int | None]]] = {}
    for r in rows_:
        by_plan.setdefault(r["plan"], []).append(
            (r["seq"], r["paid_ore"], r["status"], r["days_overdue"])
        )
    # The replaced plan no longer falls due: unpaid, never overdue.
    assert by_plan["P-0001"] == [
        (1, 100000, "unpaid", None),
        (2, 0, "unpaid", None),
        (3, 0, "unpaid", None),
        (4, 0, "unpaid", None),
    ]
    assert by_plan["P-0002"] == [
        (1, 250000, "paid", None),
        (2, 0, "overdue", 36),
        (3, 0, "overdue", 6),
        (4, 0, "unpaid", None),
        (5, 0, "unpaid", None),
    ]
    # The same as 'bostad plan show' computes.
    shown = show_plan(db, "P-0002", as_of=later)["installments"]
    assert [(i["seq"], i["paid_ore"], i["status"]) for i in shown] == [
        (seq, paid, status) for seq, paid, status, _days in by_plan["P-0002"]
    ]


def test_payments_letters_and_supports_rows(db: Any) -> None:
    ref = rich_case(db)
    payments = all_rows(db, "payments")
    assert [(p["plan"], p["paid_on"], p["amount_ore"], p["excess_ore"]) for p in payments] == [
        ("P-0001", "2026-10-20", 100000, 0),
        ("P-0002", "2026-10-30", 250000, 0),
    ]
    [letter] = all_rows(db, "letters")
    assert (letter["kind"], letter["period"], letter["dated_on"]) == (
        "plan_reminder",
        None,
        "2026-11-02",
    )
    assert letter["plan"] == "P-0002" and json.loads(letter["params"]) == {"plan": "P-0002"}
    assert letter["address"].splitlines()[-1] == "441 30 Alingsås"
    guarantee, housing_first = all_rows(db, "supports")
    assert guarantee["landlord"] == "Alingsåshem"
    # Three months of the household's rent of 7 450 kr.
    assert guarantee["cap_effective_ore"] == 3 * 745000
    assert (guarantee["status"], guarantee["days_left"]) == ("active", 341)
    assert housing_first["landlord"] == "Bostadsbolaget Väst"
    assert housing_first["support_person"] == "Lena Ek"
    assert housing_first["effective_end"] is None and housing_first["days_left"] is None
    add_support(
        db,
        ref,
        NewSupport(
            kind="emergency_housing",
            nights_from=date(2026, 10, 1),
            nights_to=date(2026, 10, 8),
            place="Vandrarhemmet",
            cost=Money(350000),
            cost_granted=True,
        ),
        as_of=AS_OF,
    )
    [stay] = [s for s in all_rows(db, "supports") if s["kind"] == "emergency_housing"]
    assert (stay["nights"], stay["status"], stay["cost_granted"]) == (7, "ended", True)
    assert [s["status"] for s in iter_rows(db, "supports", as_of=date(2026, 9, 1))] == [
        "planned"
    ] * 3


def test_since_and_status_filter_the_case_tables(db: Any) -> None:
    rich_case(db)

    def since(name: str, day: date, key: str) -> list[Any]:
        return [r[key] for r in all_rows(db, name, since=day)]

    assert since("plans", date(2026, 10, 25), "plan") == ["P-0002"]
    assert since("payments", date(2026, 10, 21), "paid_on") == ["2026-10-30"]
    assert since("installments", date(2027, 1, 1), "due_on") == ["2027-01-29"] * 2 + ["2027-02-26"]
    assert since("letters", AS_OF, "kind") == ["plan_reminder"]
    assert since("letters", date(2026, 11, 3), "kind") == []
    assert since("supports", date(2026, 10, 15), "kind") == ["housing_first"]
    for name in CASE_TABLES:
        everything = all_rows(db, name)
        assert all_rows(db, name, status="open") == everything
        assert all_rows(db, name, status="closed") == []
        assert exporting.TABLES[name].has_cases


def test_case_tables_need_consent_for_a_recipient(db: Any) -> None:
    ref = rich_case(db)
    other = add_household(
        db, NewHousehold(tenant_name="Utan Samtycke", landlord="Alingsåshem"), as_of=AS_OF
    )
    add_support(db, other, NewSupport(kind="debt_counselling", start_on=AS_OF), as_of=AS_OF)
    landlord_id = db.execute("SELECT id FROM landlords WHERE name = 'Alingsåshem'").fetchone()[0]
    # The rich case's consent for the landlord is valid; the other case has none.
    assert cases_without_consent(db, "plans", Recipient.landlord, as_of=AS_OF, today=AS_OF) == []
    assert cases_without_consent(
        db, "supports", Recipient.landlord, as_of=AS_OF, today=AS_OF, landlord_id=landlord_id
    ) == [other]
    out = io.StringIO()
    # For the landlord: only its tenants who consented.
    export_table(
        db,
        "supports",
        out,
        fmt="jsonl",
        as_of=AS_OF,
        recipient="landlord",
        landlord="Alingsåshem",
        command="t",
        today=AS_OF,
    )
    assert {json.loads(line)["ref"] for line in out.getvalue().splitlines()} <= {ref}
    assert other not in out.getvalue()
    # Kronofogden's consent was revoked: the whole export is refused.
    out = io.StringIO()
    with pytest.raises(ConsentRequired, match=ref):
        export_table(
            db, "payments", out, as_of=AS_OF, recipient="enforcement", command="t", today=AS_OF
        )
    n = export_table(
        db,
        "letters",
        out,
        as_of=AS_OF,
        recipient="landlord",
        landlord="Alingsåshem",
        command="t",
        today=AS_OF,
    )
    assert n == 1
    logged = rows(db, "SELECT table_name, recipient FROM export_log ORDER BY id")
    assert logged == [
        {"table_name": "supports", "recipient": "landlord"},
        {"table_name": "letters", "recipient": "landlord"},
    ]
    with pytest.raises(ConsentRequired):
        export_household(
            db,
            other,
            recipient="landlord",
            landlord="Alingsåshem",
            as_of=AS_OF,
            command="t",
            today=AS_OF,
        )
    assert export_household(
        db,
        ref,
        recipient="landlord",
        landlord="Alingsåshem",
        as_of=AS_OF,
        command="t",
        today=AS_OF,
    )["plans"]


def test_a_masked_document_carries_no_personnummer_in_the_case_parts(db: Any) -> None:
    ref = rich_case(db)
    document = export_household(db, ref, as_of=AS_OF, command="t")
    text = json.dumps({k: document[k] for k in CASE_TABLES})
    for number in (pnr("811218"), pnr("790303", "456")):
        assert number.replace("-", "") not in text and number not in text


def test_a_version_1_document_still_imports(db: Any, tmp_path: Path) -> None:
    ref = rich_case(db)
    document = json.loads(json.dumps(export_household(db, ref, as_of=AS_OF, command="t")))
    for name in [*CASE_TABLES, "landlords"]:
        del document[name]
    document["format_version"] = 1
    target = open_database(tmp_path / "target.sqlite", create=True)
    result = import_household(target, document, source="old.json", as_of=AS_OF)
    assert result["renumbered"] == {}
    assert len(all_rows(target, "contacts")) == len(all_rows(db, "contacts"))
    assert all_rows(target, "plans") == []
    target.close()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["plans"][0].update(landlord="Okänd AB"),
            r"plans\[0\]\.landlord: a landlord the document does not describe",
        ),
        (lambda d: d["plans"][1].update(status="paused"), r"plans\[1\].*status"),
        (lambda d: d["payments"][0].update(plan_id=999), r"payments\[0\].*points at nothing"),
        (
            lambda d: d["letters"][0].update(params='{"plan": "P-0042"}'),
            r"letters\[0\].*points at nothing",
        ),
        (lambda d: d["letters"][0].update(params="[1, 2]"), r"letters\[0\].*JSON object"),
        (lambda d: d["supports"][0].update(kind="holiday"), r"supports\[0\].*kind"),
        (lambda d: d["landlords"][0].update(kind="royal"), r"landlords\[0\].*kind"),
    ],
)
def test_a_bad_case_part_writes_nothing(
    db: Any, tmp_path: Path, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    ref = rich_case(db)
    document = json.loads(json.dumps(export_household(db, ref, as_of=AS_OF, command="t")))
    change(document)
    target = open_database(tmp_path / "target.sqlite", create=True)
    dump = "\n".join(target.conn.iterdump())
    with pytest.raises(InvalidInput, match=message):
        import_household(target, document, source="doc.json", as_of=AS_OF)
    assert "\n".join(target.conn.iterdump()) == dump
    target.close()


def test_ids_in_a_document_never_pick_a_landlord_or_a_file_here(db: Any, tmp_path: Path) -> None:
    ref = rich_case(db)
    document = json.loads(json.dumps(export_household(db, ref, as_of=AS_OF, command="t")))
    victim = tmp_path / "important.txt"
    victim.write_text("keep me", encoding="utf-8")
    document["plans"][0]["landlord_id"] = 1
    document["supports"][1]["landlord_id"] = 1
    document["letters"][0]["file"] = str(victim)
    target = open_database(tmp_path / "target.sqlite", create=True)
    add_landlord(target, name="Först Här AB", kind="private")
    import_household(target, document, source="doc.json", as_of=AS_OF)
    named = rows(
        target,
        "SELECT l.name FROM plans p JOIN landlords l ON l.id = p.landlord_id"
        " UNION ALL SELECT l.name FROM supports s JOIN landlords l ON l.id = s.landlord_id",
    )
    assert sorted(r["name"] for r in named) == ["Alingsåshem"] * 3 + ["Bostadsbolaget Väst"]
    assert rows(target, "SELECT file FROM letters") == [{"file": ""}]
    assert victim.read_text(encoding="utf-8") == "keep me"
    target.close()


def test_a_moved_monthly_letter_is_not_sent_again_and_its_file_not_touched(
    db: Any, tmp_path: Path
) -> None:
    ref = add_household(
        db,
        NewHousehold(
            tenant_name="Hyresgäst Ett",
            street="Storgatan 2",
            postal_code="44130",
            city="Alingsås",
            opened_on=date(2026, 11, 2),
        ),
        as_of=AS_OF,
    )
    source_dir = tmp_path / "source-letters"
    month = date(2026, 11, 1)
    made = letters.run_monthly(
        db, config=LETTER_CONFIG, month=month, as_of=AS_OF, out_dir=source_dir, fmt="txt"
    )
    assert [(i.ref, i.kind) for i in made.made] == [(ref, "outreach")]
    document = json.loads(json.dumps(export_household(db, ref, as_of=AS_OF, command="t")))
    target = open_database(tmp_path / "target.sqlite", create=True)
    moved = import_household(target, document, source="doc.json", as_of=AS_OF)["ref"]
    before = {p: p.read_bytes() for p in source_dir.iterdir()}
    target_dir = tmp_path / "target-letters"
    again = letters.run_monthly(
        target, config=LETTER_CONFIG, month=month, as_of=AS_OF, out_dir=target_dir, fmt="txt"
    )
    # The family had its outreach letter this month: not again, from either office.
    assert again.made == [] and [i.ref for i in again.already] == [moved]
    assert {p: p.read_bytes() for p in source_dir.iterdir()} == before
    assert [letter["file"] for letter in letters.list_letters(target)] == [""]
    target.close()


def test_schema_lists_every_column(db: Any) -> None:
    text = exporting.schema_markdown()
    for table in exporting.TABLES.values():
        assert f"### `{table.name}`" in text
        for c in table.columns:
            assert f"| `{c.key}` |" in text
    assert "| `rent` |" in text


@given(st.integers(min_value=-MAX_AMOUNT_ORE, max_value=MAX_AMOUNT_ORE))
def test_fast_money_text_is_format_money(ore: int) -> None:
    assert format_ore(ore) == format_money(Money(ore))
