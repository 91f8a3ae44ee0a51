"""Core exports: the table registry, streaming, masking, the export log, the household
document and its round trip into an empty database."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from bostadcli import exporting
from bostadcli.consents import add_consent, revoke_consent
from bostadcli.contacts import add_contact
from bostadcli.db import open_database, rows
from bostadcli.errors import Conflict, InvalidInput
from bostadcli.exporting import ExportTable, col, export_household, export_table, iter_rows
from bostadcli.households import ChildSpec, NewHousehold, add_household, add_member
from bostadcli.importing import import_household
from bostadcli.landlords import add_landlord
from bostadcli.money import MAX_AMOUNT_ORE, Money, format_money
from bostadcli.notices import NewNotice, add_notice
from bostadcli.tabular import format_ore

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
    add_consent(db, ref, recipient="landlord", given_on=date(2026, 10, 16), as_of=AS_OF)
    add_consent(
        db,
        ref,
        recipient="enforcement",
        given_on=date(2026, 10, 16),
        expires_on=date(2027, 10, 16),
        as_of=AS_OF,
    )
    revoke_consent(db, ref, recipient="enforcement", revoked_on=date(2026, 10, 30), as_of=AS_OF)
    return ref


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
    assert len(all_rows(db, "contacts", since=date(2026, 10, 17))) == 1
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


def _without_ids(table: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in r.items() if k not in ("id", "ref", "origin_ref", "all_cases")}
        for r in table
    ]


def test_household_document_round_trip_into_an_empty_database(db: Any, tmp_path: Path) -> None:
    ref = rich_case(db)
    # Recorded long ago: the moved copy must keep these, not the time of the import.
    db.execute("UPDATE landlords SET created_at = '2020-01-01T00:00:00+00:00'")
    document = export_household(db, ref, include_pnr=True, as_of=AS_OF, command="t")
    assert document["format"] == "bostadcli-household"
    assert document["format_version"] == exporting.DOCUMENT_VERSION
    assert document["landlord"]["name"] == "Alingsåshem"
    # Through real JSON, as it travels.
    document = json.loads(json.dumps(document))

    target = open_database(tmp_path / "target.sqlite", create=True)
    # The target has its own cases: the moved one gets the next reference there.
    add_household(target, NewHousehold(tenant_name="Already here"), as_of=AS_OF)
    result = import_household(target, document, source="doc.json", as_of=AS_OF)
    assert result["ref"] == "2026-0002"
    assert result["origin_ref"] == ref

    for name in exporting.TABLES:
        before = _without_ids(all_rows(db, name, include_pnr=True))
        after = [
            r
            for r in _without_ids(all_rows(target, name, include_pnr=True))
            if r.get("tenant") != "Already here" and r.get("name") != "Already here"
        ]
        assert after == before, name
    [moved] = [r for r in all_rows(target, "households") if r["ref"] == "2026-0002"]
    assert moved["origin_ref"] == ref

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
        ({"plans": []}, "parts this installation does not know"),
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
