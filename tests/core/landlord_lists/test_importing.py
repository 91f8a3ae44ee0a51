"""Core import of landlords' lists: encodings, separators, headings, all or nothing."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from stdnum import luhn

from bostadcli.db import open_database, rows
from bostadcli.errors import BostadError, InvalidInput
from bostadcli.households import NewHousehold, add_household
from bostadcli.landlord_lists import ImportSummary, import_notices, normalise_heading
from bostadcli.landlords import add_landlord

AS_OF = date(2026, 11, 2)
SRC = Path(__file__).resolve().parents[3] / "src"

HEADER = ["Namn", "Personnummer", "Adress", "Postnr", "Ort", "Hyra", "Skuld", "Delgiven", "Barn"]


def pnr(yymmdd: str, serial: str = "123") -> str:
    body = yymmdd + serial
    return f"{yymmdd}-{serial}{luhn.calc_check_digit(body)}"


def tenant_rows() -> list[list[str]]:
    return [
        [
            "Åsa Öberg",
            pnr("811218"),
            "Storgatan 1",
            "441 30",
            "Alingsås",
            "7 450,00",
            "14 900,50",
            "20/10/2026",
            "2015-03-02",
        ],
        [
            "Bo Ek",
            pnr("800101", "456"),
            "Lilla vägen 2",
            "44130",
            "Alingsås",
            "6000",
            "1 200",
            "2026-10-21",
            "",
        ],
        ["Zlatan Åkesson", "", "Kvarngatan 3", "", "Sollebrunn", "", "3 000 kr", "", "0"],
    ]


def landlord_file(
    path: Path,
    records: list[list[str]],
    *,
    header: list[str] = HEADER,
    encoding: str = "utf-8",
    delimiter: str = ";",
    bom: bool = False,
) -> Path:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(records)
    data = text.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Any]:
    database = open_database(tmp_path / "t.sqlite", create=True)
    add_landlord(database, name="Alingsåshem", kind="municipal")
    yield database
    database.close()


def run(db: Any, path: Path, **kwargs: Any) -> ImportSummary:
    kwargs.setdefault("landlord", "Alingsåshem")
    with path.open("rb") as fh:
        return import_notices(db, fh, source=path.name, as_of=AS_OF, **kwargs)


def dump(db: Any) -> str:
    return "\n".join(db.conn.iterdump())


@pytest.mark.parametrize(
    ("encoding", "delimiter", "bom"),
    [("cp1252", ";", False), ("utf-8", ";", True), ("utf-8", ",", False), ("cp1252", ",", False)],
)
def test_landlord_files_in_each_encoding_and_separator(
    db: Any, tmp_path: Path, encoding: str, delimiter: str, bom: bool
) -> None:
    path = landlord_file(
        tmp_path / "list.csv", tenant_rows(), encoding=encoding, delimiter=delimiter, bom=bom
    )
    summary = run(db, path)
    assert (summary.rows, summary.new_households, summary.new_notices, summary.unchanged) == (
        3,
        3,
        3,
        0,
    )
    assert summary.delimiter == delimiter
    assert (
        summary.encoding == {"cp1252": "cp1252", "utf-8": "utf-8-sig" if bom else "utf-8"}[encoding]
    )
    cases = rows(
        db,
        "SELECT h.ref, m.name, h.street, h.postal_code, h.city, h.rent_ore, h.arrears_ore"
        " FROM households h JOIN members m ON m.household_id = h.id AND m.role = 'tenant'"
        " ORDER BY h.ref",
    )
    assert cases[0] == {
        "ref": "2026-0001",
        "name": "Åsa Öberg",
        "street": "Storgatan 1",
        "postal_code": "441 30",
        "city": "Alingsås",
        "rent_ore": 745000,
        "arrears_ore": 1490050,
    }
    assert cases[2]["name"] == "Zlatan Åkesson" and cases[2]["arrears_ore"] == 300000
    notices = rows(
        db,
        "SELECT served_on, notified_on, amount_ore, recovery_deadline FROM notices ORDER BY id",
    )
    # The list reached social services on the import day, after the service: the three
    # weeks run from 2 November.
    assert notices[0] == {
        "served_on": "2026-10-20",
        "notified_on": "2026-11-02",
        "amount_ore": 1490050,
        "recovery_deadline": "2026-11-23",
    }
    children = rows(db, "SELECT birth_date FROM members WHERE role = 'child'")
    assert children == [{"birth_date": "2015-03-02"}]


def test_importing_the_same_file_twice_adds_nothing(db: Any, tmp_path: Path) -> None:
    path = landlord_file(tmp_path / "list.csv", tenant_rows())
    run(db, path)
    before = dump(db)
    again = run(db, path)
    assert (again.new_households, again.new_notices, again.unchanged) == (0, 0, 3)
    assert dump(db) == before


def test_a_new_notice_goes_to_the_open_case_already_known(db: Any, tmp_path: Path) -> None:
    # Known by personnummer, and (without one) by address and name.
    add_household(
        db,
        NewHousehold(tenant_name="Åsa Öberg", tenant_pnr=pnr("811218"), street="Annan väg 9"),
        as_of=AS_OF,
    )
    add_household(
        db, NewHousehold(tenant_name="zlatan åkesson", street="KVARNGATAN 3"), as_of=AS_OF
    )
    summary = run(db, landlord_file(tmp_path / "list.csv", tenant_rows()))
    # SQLite's NOCASE folds ASCII letters only: "zlatan åkesson" is not "Zlatan Åkesson",
    # so that row becomes a new case (and the summary says so).
    assert summary.notices_on_known == 1
    assert summary.new_households == 2
    known = rows(db, "SELECT count(*) AS n FROM notices WHERE household_id = 1")
    assert known == [{"n": 1}]
    arrears = rows(db, "SELECT arrears_ore FROM households WHERE id = 1")
    assert arrears == [{"arrears_ore": 1490050}]


def test_address_and_name_find_the_case_without_personnummer(db: Any, tmp_path: Path) -> None:
    add_household(db, NewHousehold(tenant_name="Bo Ek", street="lilla vägen 2"), as_of=AS_OF)
    records = [["Bo Ek", "", "Lilla vägen 2", "", "", "", "1 200", "", ""]]
    summary = run(db, landlord_file(tmp_path / "l.csv", records))
    assert (summary.new_households, summary.notices_on_known) == (0, 1)


def test_a_row_without_personnummer_finds_the_case_that_has_one(db: Any, tmp_path: Path) -> None:
    add_household(
        db,
        NewHousehold(tenant_name="Bo Ek", tenant_pnr=pnr("800101", "456"), street="Ekv 1"),
        as_of=AS_OF,
    )
    records = [["Bo Ek", "", "Ekv 1", "", "", "", "1 200", "", ""]]
    assert run(db, landlord_file(tmp_path / "l.csv", records)).notices_on_known == 1
    # Another personnummer at the same address under the same name is another person.
    records = [["Bo Ek", pnr("020202", "111"), "Ekv 1", "", "", "", "1 200", "", ""]]
    assert run(db, landlord_file(tmp_path / "l.csv", records)).new_households == 1


def test_a_closed_case_is_not_reused(db: Any, tmp_path: Path) -> None:
    from bostadcli.households import close_household

    add_household(
        db, NewHousehold(tenant_name="Bo Ek", tenant_pnr=pnr("800101", "456")), as_of=AS_OF
    )
    close_household(db, "2026-0001", outcome="stays", closed_on=AS_OF, as_of=AS_OF)
    summary = run(db, landlord_file(tmp_path / "l.csv", tenant_rows()[1:2]))
    assert summary.new_households == 1


def test_quoted_fields_with_newlines(db: Any, tmp_path: Path) -> None:
    records = tenant_rows()
    records[0][2] = "Storgatan 1\nlgh 1102"
    header = [*HEADER, "Kommentar"]
    records = [[*r, ""] for r in records]
    records[1][-1] = "Ringer alltid\npå fredagar"
    path = landlord_file(tmp_path / "l.csv", records, header=header)
    summary = run(db, path)
    assert summary.rows == 3
    streets = rows(db, "SELECT street FROM households ORDER BY id")
    assert streets[0]["street"] == "Storgatan 1, lgh 1102"
    notes = rows(db, "SELECT note FROM notices WHERE note IS NOT NULL")
    assert notes == [{"note": "Ringer alltid\npå fredagar"}]


def test_a_broken_personnummer_names_file_line_and_column_and_writes_nothing(
    db: Any, tmp_path: Path
) -> None:
    records = tenant_rows()
    records[0][2] = "Storgatan 1\nlgh 1102"  # the bad row starts on line 4, not 3
    records[1][1] = "800101-4561"
    path = landlord_file(tmp_path / "list.csv", records)
    before = dump(db)
    with pytest.raises(InvalidInput) as caught:
        run(db, path)
    assert str(caught.value) == (
        "list.csv, line 4: Personnummer: check digit is wrong: '800101-****'"
    )
    assert dump(db) == before


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (6, "14.900,50", "Skuld: Swedish amounts use a decimal comma"),
        (7, "31/11/2026", "Delgiven: no such date"),
        (7, "2027-01-01", "Delgiven: is in the future"),
        (3, "4413", "Postnr: a postal code has five digits"),
        (0, "", "Namn: must not be empty"),
    ],
)
def test_each_bad_field_is_named(
    db: Any, tmp_path: Path, column: int, value: str, message: str
) -> None:
    records = tenant_rows()
    records[2][column] = value
    before = dump(db)
    with pytest.raises(InvalidInput, match=f"list\\.csv, line 4: {message}"):
        run(db, landlord_file(tmp_path / "list.csv", records))
    assert dump(db) == before


def test_dry_run_reports_and_writes_nothing(db: Any, tmp_path: Path) -> None:
    before = dump(db)
    summary = run(db, landlord_file(tmp_path / "l.csv", tenant_rows()), dry_run=True)
    assert summary.dry_run
    assert (summary.new_households, summary.new_notices) == (3, 3)
    assert (summary.first_ref, summary.last_ref) == ("2026-0001", "2026-0003")
    assert dump(db) == before


def test_an_empty_file_is_an_error(db: Any, tmp_path: Path) -> None:
    for content in (b"", b"\xef\xbb\xbf", b"\r\n\r\n"):
        path = tmp_path / "empty.csv"
        path.write_bytes(content)
        with pytest.raises(BostadError, match=r"empty\.csv is empty"):
            run(db, path)


def test_a_header_only_file_has_no_rows(db: Any, tmp_path: Path) -> None:
    summary = run(db, landlord_file(tmp_path / "l.csv", []))
    assert summary.rows == 0 and summary.new_households == 0


def test_unknown_columns_are_ignored_with_a_warning(db: Any, tmp_path: Path) -> None:
    records = [[*r, "070-123 45 67"] for r in tenant_rows()]
    summary = run(db, landlord_file(tmp_path / "l.csv", records, header=[*HEADER, "Telefon"]))
    assert summary.rows == 3
    assert summary.ignored_columns == ["Telefon"]


def test_headings_are_recognised_in_their_variants(db: Any, tmp_path: Path) -> None:
    header = [
        "HYRESGÄST",
        "Pers.nr",
        "Gatuadress",
        "Post-nummer",
        "Postort",
        "Månadshyra (kr)",
        "Hyresskuld",
        "Uppsägningsdatum",
        "Delgivningsdatum",
        "Objekt nr",
        "Orsak",
        "Hyresvärd",
    ]
    records = [
        [
            "Åsa Öberg",
            pnr("811218"),
            "Storgatan 1",
            "44130",
            "Alingsås",
            "7450",
            "14900",
            "15.10.2026",
            "20261020",
            "123-456",
            "Störningar i trapphuset",
            "alingsåshem",
        ]
    ]
    summary = run(db, landlord_file(tmp_path / "l.csv", records, header=header), landlord=None)
    assert summary.ignored_columns == []
    notice = rows(db, "SELECT ground, terminated_on, served_on, note FROM notices")[0]
    assert notice == {
        "ground": "disturbance",
        "terminated_on": "2026-10-15",
        "served_on": "2026-10-20",
        "note": "Orsak: Störningar i trapphuset",
    }
    case = rows(db, "SELECT contract_number, landlord_id FROM households")[0]
    assert case == {"contract_number": "123-456", "landlord_id": 1}


def test_heading_normalisation() -> None:
    assert normalise_heading(" Uppsägnings-datum ") == "uppsagningsdatum"
    assert normalise_heading("Hyra/mån.") == "hyraman"


def test_map_reads_other_columns_and_ignores_others(db: Any, tmp_path: Path) -> None:
    header = ["Kund", "Lgh", "Att betala", "Tel"]
    records = [["Bo Ek", "Ekvägen 1", "500", "070"]]
    path = landlord_file(tmp_path / "l.csv", records, header=header)
    summary = run(db, path, mapping=["Lgh=street", "Tel=ignore"])
    assert summary.ignored_columns == []
    assert rows(db, "SELECT street, arrears_ore FROM households") == [
        {"street": "Ekvägen 1", "arrears_ore": 50000}
    ]
    with pytest.raises(InvalidInput, match="--map"):
        run(db, path, mapping=["Lgh=floor"])
    with pytest.raises(InvalidInput, match="no such column"):
        run(db, path, mapping=["Våning=street"])


def test_without_a_name_column_the_error_says_how_to_map(db: Any, tmp_path: Path) -> None:
    path = landlord_file(tmp_path / "l.csv", [["x", "1"]], header=["Kundnummer", "Skuld"])
    with pytest.raises(InvalidInput, match="--map COLUMN=tenant_name"):
        run(db, path)


def test_two_columns_for_one_field_are_refused(db: Any, tmp_path: Path) -> None:
    path = landlord_file(tmp_path / "l.csv", [["x", "1", "2"]], header=["Namn", "Skuld", "Belopp"])
    with pytest.raises(InvalidInput, match="both mean amount"):
        run(db, path)


def test_an_unknown_landlord_is_refused_unless_created(db: Any, tmp_path: Path) -> None:
    path = landlord_file(tmp_path / "l.csv", tenant_rows())
    with pytest.raises(InvalidInput, match="--landlord: no such landlord"):
        run(db, path, landlord="Marks Bostad")
    summary = run(db, path, landlord="Marks Bostad", create_landlord=True)
    assert summary.new_landlords == ["Marks Bostad"]


def test_children_as_counts_and_part_time_dates(db: Any, tmp_path: Path) -> None:
    header = ["Namn", "Barn", "Barn växelvis", "Skuld"]
    records = [["A", "2", "", ""], ["B", "2015-01-01, 2017-02-02", "3/4/2019", ""]]
    summary = run(db, landlord_file(tmp_path / "l.csv", records, header=header))
    assert summary.children_without_birth_dates == 1
    children = rows(
        db, "SELECT household_id, birth_date, part_time FROM members WHERE role = 'child'"
    )
    assert children == [
        {"household_id": 2, "birth_date": "2015-01-01", "part_time": 0},
        {"household_id": 2, "birth_date": "2017-02-02", "part_time": 0},
        {"household_id": 2, "birth_date": "2019-04-03", "part_time": 1},
    ]
    assert rows(db, "SELECT note FROM notices WHERE household_id = 1") == [{"note": "Barn: 2"}]


def test_excel_sep_line_and_date_times(db: Any, tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_bytes(b"sep=|\r\nNamn|Delgiven\r\nBo Ek|2026-10-20 00:00:00\r\n")
    summary = run(db, path)
    assert summary.delimiter == "|"
    assert rows(db, "SELECT served_on FROM notices") == [{"served_on": "2026-10-20"}]


def test_explicit_encoding_and_separator(db: Any, tmp_path: Path) -> None:
    path = landlord_file(tmp_path / "l.csv", tenant_rows(), encoding="cp1252", delimiter=",")
    with pytest.raises(InvalidInput, match="--encoding"):
        run(db, path, encoding="utf-8")
    summary = run(db, path, encoding="cp1252", delimiter=",")
    assert summary.rows == 3


class _Pipe(io.RawIOBase):
    """Standard input: readable once, not seekable."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: Any) -> int:
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_standard_input_is_read_once(db: Any, tmp_path: Path) -> None:
    data = landlord_file(tmp_path / "l.csv", tenant_rows(), encoding="cp1252").read_bytes()
    summary = import_notices(
        db, io.BufferedReader(_Pipe(data)), source="-", as_of=AS_OF, landlord="Alingsåshem"
    )
    assert summary.rows == 3 and summary.encoding == "cp1252"


def big_file(path: Path, n: int) -> Path:
    """A landlord's list of n tenants, written as a stream."""
    with path.open("w", encoding="cp1252", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        for i in range(n):
            serial = f"{i % 1000:03d}"
            day = 1 + (i // 1000) % 28
            month = 1 + (i // 28000) % 12
            born = f"{60 + i % 40:02d}{month:02d}{day:02d}"
            writer.writerow(
                [
                    f"Hyresgäst Nummer {i}",
                    pnr(born, serial),
                    f"Storgatan {i}",
                    "441 30",
                    "Alingsås",
                    "7 450,00",
                    f"{1000 + i % 9000},50",
                    "20/10/2026",
                    "",
                ]
            )
    return path


_MEASURE = textwrap.dedent(
    """
    import resource, sys, time
    from datetime import date
    from bostadcli.db import open_database
    from bostadcli.landlord_lists import import_notices
    db = open_database(sys.argv[2], create=True)
    start = time.perf_counter()
    with open(sys.argv[1], "rb") as fh:
        s = import_notices(db, fh, source="big.csv", as_of=date(2026, 11, 2))
    print(s.rows, s.new_households, time.perf_counter() - start,
          resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    """
)


@pytest.mark.slow
def test_a_100_000_row_file_in_constant_memory(tmp_path: Path) -> None:
    # Speed is measured by benchmarks/, not asserted here: a slow machine is not a bug.
    results = {}
    for n in (10_000, 100_000):
        path = big_file(tmp_path / f"big{n}.csv", n)
        done = subprocess.run(
            [sys.executable, "-c", _MEASURE, str(path), str(tmp_path / f"db{n}.sqlite")],
            capture_output=True,
            text=True,
            check=True,
            env=os.environ | {"PYTHONPATH": str(SRC)},
        )
        rows_done, households, seconds, max_rss_kib = done.stdout.split()
        assert int(rows_done) == int(households) == n
        results[n] = (float(seconds), int(max_rss_kib))
    _, rss_big = results[100_000]
    _, rss_small = results[10_000]
    # Ten times the rows, about the same memory: the file is read as a stream.
    assert rss_big < rss_small * 1.25 + 16 * 1024, (rss_small, rss_big)


def test_the_big_file_generator_makes_valid_rows(db: Any, tmp_path: Path) -> None:
    summary = run(db, big_file(tmp_path / "b.csv", 300))
    assert summary.new_households == 300
