"""A landlord's list must look like one: rows as wide as the heading, a column of a list
of tenants at risk, text rather than a workbook or UTF-16, a co-tenant who is not the
tenant, children born by the import day; landlords matched with case and accents folded.
Every refusal writes nothing."""

from __future__ import annotations

import codecs
import io
import zipfile
from datetime import date
from typing import Any

import pytest

from bostadcli.db import rows
from bostadcli.errors import BostadError, Conflict, InvalidInput
from bostadcli.landlord_lists import import_notices
from bostadcli.landlords import add_landlord, edit_landlord, find_landlord, landlord_key

AS_OF = date(2026, 11, 28)
HEADING = "Namn;Personnummer;Skuld;Delgiven;Uppsägning;Kontraktsnr\n"
ANNA = "Anna Berg;19900202-7770;14900;2026-11-20;2026-11-15;K-1\n"


@pytest.fixture
def listdb(db: Any) -> Any:
    add_landlord(db, name="Alingsåshem")
    return db


def run(db: Any, data: bytes, name: str = "l.csv", **kwargs: Any) -> Any:
    kwargs.setdefault("landlord", "Alingsåshem")
    return import_notices(db, io.BytesIO(data), source=name, as_of=AS_OF, **kwargs)


def dump(db: Any) -> str:
    return "\n".join(db.conn.iterdump())


def refused(db: Any, data: bytes, match: str, **kwargs: Any) -> None:
    before = dump(db)
    with pytest.raises(BostadError, match=match):
        run(db, data, **kwargs)
    assert dump(db) == before


# 1. A row with fewer fields than the heading (a file cut off), or with more that are
# not empty, is refused: its values would be read from the wrong columns.


def test_a_cut_off_row_is_refused_with_nothing_written(listdb: Any) -> None:
    data = (HEADING + ANNA + "Carl Dahl;19910303-7785;149").encode()
    refused(listdb, data, r"^trunc\.csv, line 3: 3 fields, the heading has 6$", name="trunc.csv")
    refused(listdb, data, "line 3: 3 fields", name="trunc.csv", dry_run=True)


def test_a_row_with_something_beyond_the_heading_is_refused(listdb: Any) -> None:
    data = (HEADING + ANNA + "Carl Dahl;19910303-7785;149;;;K-2;x\n").encode()
    refused(listdb, data, r"^l\.csv, line 3: 7 fields, the heading has 6$")
    one = (HEADING + "Carl\n").encode()
    refused(listdb, one, r"line 2: 1 field, the heading has 6$")


def test_empty_fields_beyond_the_heading_and_blank_rows_pass(listdb: Any) -> None:
    # Excel writes trailing separators; a heading may end in empty columns too.
    data = ("Namn;Skuld;;\n" + "A B;100;;;;\n" + "C D;200\n" + ";;\n" + "\n").encode()
    summary = run(listdb, data)
    assert (summary.rows, summary.new_households, summary.blank_rows) == (2, 2, 2)
    assert rows(listdb, "SELECT arrears_ore FROM households ORDER BY id") == [
        {"arrears_ore": 10000},
        {"arrears_ore": 20000},
    ]


def test_a_short_row_inside_a_long_list_stops_it(listdb: Any) -> None:
    body = "".join(f"Person {i};{100 + i}\n" for i in range(2000))
    data = ("Namn;Skuld\n" + body + "Sist\n").encode()
    refused(listdb, data, r"line 2002: 1 field, the heading has 2$")


# 2. A file with a name column but nothing of a list of tenants at risk is refused.


@pytest.mark.parametrize(
    "heading",
    ["Namn;Telefon;E-post", "Namn;Adress;Ort", "Name:\tpython", "Förnamn;Efternamn;Barn"],
)
def test_a_file_that_is_not_a_list_of_tenants_at_risk_is_refused(listdb: Any, heading: str) -> None:
    data = f"{heading}\nKarin Ek;08-465 004 05;k@example.se\n".encode()
    refused(listdb, data, r"^staff\.csv, line 1: heading: not a landlord's list", name="staff.csv")
    with pytest.raises(InvalidInput) as caught:
        run(listdb, data, name="staff.csv")
    assert caught.value.value == ", ".join(h for h in heading.replace("\t", ";").split(";") if h)


@pytest.mark.parametrize(
    "column", ["Personnummer", "Skuld", "Uppsägning", "Delgiven", "Underrättad"]
)
def test_one_column_of_a_list_is_enough(listdb: Any, column: str) -> None:
    value = {"Personnummer": "19900202-7770", "Skuld": "100"}.get(column, "2026-11-20")
    summary = run(listdb, f"Namn;{column}\nAnna Berg;{value}\n".encode())
    assert summary.new_households == 1


def test_map_names_a_column_of_a_list(listdb: Any) -> None:
    data = b"Namn;Saldo\nAnna Berg;100\n"
    refused(listdb, data, "not a landlord's list")
    assert run(listdb, data, mapping=["Saldo=amount"]).new_households == 1


# 3. The co-tenant cannot be the tenant, as in household add.


@pytest.mark.parametrize("co_pnr", ["19820808-3330", "820808-3330", "198208083330"])
def test_a_co_tenant_with_the_tenants_own_personnummer_is_refused(listdb: Any, co_pnr: str) -> None:
    data = (
        "Namn;Personnummer;Medhyresgäst;Personnummer2;Skuld\n"
        f"Eva Ek;19820808-3330;Olle Ek;{co_pnr};5000\n"
    ).encode()
    refused(
        listdb,
        data,
        r"^co\.csv, line 2: Personnummer2: is the tenant's own personnummer: '19820808-\*\*\*\*'$",
        name="co.csv",
    )


def test_another_co_tenant_is_kept(listdb: Any) -> None:
    data = (
        "Namn;Personnummer;Medhyresgäst;Personnummer2;Skuld\n"
        "Eva Ek;19820808-3330;Olle Ek;19900202-7770;5000\n"
    ).encode()
    assert run(listdb, data).new_households == 1
    assert len(rows(listdb, "SELECT * FROM members WHERE role = 'co_tenant'")) == 1


# 5. A child born after the import day is named by the list's own heading.


@pytest.mark.parametrize(
    ("heading", "cell"),
    [("Barn", "2027-01-01"), ("Barn växelvis", "2020-01-01, 1/1/2027"), ("Antal barn", "1/1/2027")],
)
def test_a_child_born_in_the_future_names_the_column(listdb: Any, heading: str, cell: str) -> None:
    data = f"Namn;Skuld;{heading}\nA B;100;{cell}\n".encode()
    refused(listdb, data, rf"^l\.csv, line 2: {heading}: is in the future: '2027-01-01'$")


def test_a_child_born_on_the_import_day_is_kept(listdb: Any) -> None:
    run(listdb, b"Namn;Skuld;Barn\nA B;100;2026-11-28\n")
    assert rows(listdb, "SELECT birth_date FROM members WHERE role = 'child'") == [
        {"birth_date": "2026-11-28"}
    ]


# 5. A workbook or UTF-16 text says what it is, whatever --encoding says.


def _xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    return out.getvalue()


@pytest.mark.parametrize("encoding", ["auto", "utf-8", "cp1252"])
@pytest.mark.parametrize(
    ("data", "what"),
    [
        (_xlsx(), "this is an Excel workbook: save it as CSV UTF-8"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "this is an Excel workbook"),
        ("Namn;Skuld\nA B;100\n".encode("utf-16"), "this is UTF-16 text: save it as CSV UTF-8"),
        (codecs.BOM_UTF16_BE + "Namn;Skuld\n".encode("utf-16-be"), "this is UTF-16 text"),
        ("Namn;Skuld\nA B;100\n".encode("utf-16-le"), "this is UTF-16 text"),
        ("Namn;Skuld\nA B;100\n".encode("utf-16-be"), "this is UTF-16 text"),
    ],
)
def test_a_workbook_or_utf16_text_is_named(
    listdb: Any, data: bytes, what: str, encoding: str
) -> None:
    refused(listdb, data, rf"^lista\.xlsx: {what}", name="lista.xlsx", encoding=encoding)


# 4. Landlords are one landlord whatever the case and the accents (as a search folds).


def test_landlord_key_folds_case_and_accents() -> None:
    assert landlord_key("FASTIGHETS AB LARKAN") == landlord_key("Fastighets AB Lärkan")
    assert landlord_key("Örebro\u00a0Bostäder") == landlord_key("orebro bostader")
    assert landlord_key("Marks Bostad") != landlord_key("Marks Bostäder")


def test_a_list_names_a_known_landlord_without_accents(listdb: Any) -> None:
    add_landlord(listdb, name="Fastighets AB Lärkan")
    data = b"Namn;Skuld;Hyresv\xc3\xa4rd\nGun Ek;1000;FASTIGHETS AB LARKAN\n"
    summary = run(listdb, data, landlord=None, create_landlord=True)
    assert summary.new_landlords == []
    assert rows(
        listdb,
        "SELECT l.name FROM households h JOIN landlords l ON l.id = h.landlord_id",
    ) == [{"name": "Fastighets AB Lärkan"}]
    assert len(rows(listdb, "SELECT * FROM landlords")) == 2
    # Without --create-landlord too.
    again = b"Namn;Skuld;Hyresv\xc3\xa4rd\nBo Ek;1000;fastighets ab larkan\n"
    assert run(listdb, again, landlord=None).new_households == 1


def test_new_landlords_spelled_two_ways_in_a_list_are_one(listdb: Any) -> None:
    data = "Namn;Skuld;Hyresvärd\nA B;1;Ny Värd\nC D;2;NY VARD\n".encode()
    summary = run(listdb, data, landlord=None, create_landlord=True)
    assert summary.new_landlords == ["Ny Värd"]
    assert rows(
        listdb,
        "SELECT DISTINCT l.name FROM households h JOIN landlords l ON l.id = h.landlord_id",
    ) == [{"name": "Ny Värd"}]


def test_landlord_add_and_rename_fold_accents(listdb: Any) -> None:
    add_landlord(listdb, name="Fastighets AB Lärkan")
    with pytest.raises(Conflict, match="'Fastighets AB Lärkan' exists already"):
        add_landlord(listdb, name="Fastighets AB Larkan")
    # A landlord may take another spelling of its own name.
    edit_landlord(listdb, "fastighets ab larkan", name="Fastighets AB Lärkån")
    assert find_landlord(listdb, "LARKAN AB") is None
    assert find_landlord(listdb, "Fastighets AB Larkan")["name"] == "Fastighets AB Lärkån"  # type: ignore[index]
    with pytest.raises(Conflict, match="'Alingsåshem' exists already"):
        edit_landlord(listdb, "Fastighets AB Larkan", name="ALINGSASHEM")


def test_two_landlords_stored_before_folding_stay_apart_by_their_spelling(listdb: Any) -> None:
    from bostadcli.database_file import integrity_check

    listdb.execute(
        "INSERT INTO landlords (name, kind, created_at, updated_at) VALUES"
        " ('Lärkan', 'other', 'x', 'x'), ('Larkan', 'other', 'x', 'x')"
    )
    assert find_landlord(listdb, "lärkan")["name"] == "Lärkan"  # type: ignore[index]
    assert find_landlord(listdb, "LARKAN")["name"] == "Larkan"  # type: ignore[index]
    assert find_landlord(listdb, "Lårkan")["name"] == "Lärkan"  # type: ignore[index]
    problems = integrity_check(listdb)["problems"]
    assert any("Lärkan" in p and "Larkan" in p for p in problems), problems
