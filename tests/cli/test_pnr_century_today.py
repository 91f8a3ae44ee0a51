"""A personnummer is read by the day it is written (folkbokföringslagen 18 §): the real
date, whatever --as-of dates the record; and a birth year no --born or --child date
could have (a '+' typed for '-') is refused, naming the case that holds the number."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from stdnum import luhn

from bostadcli import i18n
from bostadcli.db import open_database, rows
from bostadcli.landlord_lists import import_notices
from bostadcli.landlords import add_landlord
from conftest import Cli

TODAY = date(2026, 12, 5)


@pytest.fixture(autouse=True)
def real_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bostadcli.dates.real_today", lambda: TODAY)


def ten(yymmdd: str, separator: str, serial: str = "123") -> str:
    body = yymmdd + serial
    return f"{yymmdd}{separator}{serial}{luhn.calc_check_digit(body)}"


def births(cli: Cli) -> dict[str, str]:
    out = cli.ok("export", "members", "--include-pnr", "--format", "csv").stdout
    return {r["name"]: r["birth_date"] for r in csv.DictReader(io.StringIO(out))}


def refused(cli: Cli, *args: str) -> str:
    before = cli.dump()
    result = cli("--lang", "en", *args)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert cli.dump() == before
    return result.stderr


# --- the century by the real date ----------------------------------------------------


def test_a_back_dated_as_of_does_not_change_the_century(initialised: Cli) -> None:
    # Typed on 2026-12-05: 260101+NNNC is born 1926 (turns 100 this year). Read on a
    # back-dated 2025-06-01 it was a century earlier still.
    initialised.ok(
        "household", "add", "Sekel Plus", "--pnr", ten("260101", "+"), "--as-of", "2025-06-01"
    )
    initialised.ok(
        "household", "add", "Sekel Idag", "--pnr", ten("261202", "-"), "--as-of", "2026-12-05"
    )
    assert births(initialised) == {"Sekel Plus": "1926-01-01", "Sekel Idag": "2026-12-02"}


def test_a_baby_is_never_read_as_a_centenarian(initialised: Cli) -> None:
    # 261202-NNNC typed today is a baby born 2026-12-02; with a record dated before
    # the birth it is refused, never stored as 1926-12-02.
    error = refused(
        initialised,
        "household",
        "add",
        "Sekel Test",
        "--pnr",
        ten("261202", "-"),
        "--as-of",
        "2025-06-01",
    )
    assert error.startswith("error: --pnr: born after 2025-06-01")
    ref = initialised.ok("household", "add", "C", "--as-of", "2026-12-05").stdout.strip()
    error = refused(
        initialised,
        "member",
        "add",
        ref,
        "--name",
        "Bebis",
        "--pnr",
        ten("261202", "-"),
        "--as-of",
        "2026-11-01",
    )
    assert "--pnr: born after 2026-11-01" in error


def test_a_forward_dated_as_of_does_not_change_the_century(
    initialised: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Typed on 2026-12-20 for a record dated 2027-01-05: the person born 1927-01-01
    # still writes '-' in 2026, and no one born on 2027-01-01 exists yet.
    monkeypatch.setattr("bostadcli.dates.real_today", lambda: date(2026, 12, 20))
    initialised.ok(
        "household", "add", "Nittionio", "--pnr", ten("270101", "-"), "--as-of", "2027-01-05"
    )
    assert births(initialised) == {"Nittionio": "1927-01-01"}


def test_a_landlords_list_is_read_today(tmp_path: Path) -> None:
    db = open_database(tmp_path / "t.sqlite", create=True)
    add_landlord(db, name="Testhem AB", kind="municipal")
    path = tmp_path / "lista.csv"
    path.write_text(
        "Namn;Personnummer;Adress;Postnr;Ort\r\n"
        f"Sekel Plus;{ten('260101', '+')};Storgatan 1;441 30;Alingsås\r\n",
        encoding="utf-8",
    )
    with path.open("rb") as fh:
        import_notices(db, fh, source=path.name, as_of=date(2025, 6, 1), landlord="Testhem AB")
    assert [r["birth_date"] for r in rows(db, "SELECT birth_date FROM members")] == ["1926-01-01"]
    db.close()


# --- a birth year out of range --------------------------------------------------------


def test_a_plus_for_a_dash_is_refused_and_names_the_case(initialised: Cli) -> None:
    ref = initialised.ok("household", "add", "Anna Ett", "--pnr", "811218-9876").stdout.strip()
    error = refused(initialised, "household", "add", "Anna Ett", "--pnr", "811218+9876")
    assert error.startswith("error: --pnr: year must be between 1900 and 2200")
    assert "'+' means the person is 100 or older" in error and "1881" in error
    assert f"in open case {ref}" in error and "9876" not in error
    error = refused(
        initialised,
        "household",
        "add",
        "Bo",
        "--co-tenant",
        "Anna",
        "--co-tenant-pnr",
        "811218+9876",
    )
    assert error.startswith("error: --co-tenant-pnr: year must be") and ref in error
    other = initialised.ok("household", "add", "Bo").stdout.strip()
    error = refused(initialised, "member", "add", other, "--name", "Anna", "--pnr", "811218+9876")
    assert error.startswith("error: --pnr: year must be") and ref in error
    member = initialised.ok("member", "add", other, "--name", "Cia").stdout.strip()
    error = refused(
        initialised, "member", "edit", other, member, "--pnr", "811218+9876", "--reason", "typo"
    )
    assert error.startswith("error: --pnr: year must be") and ref in error


def test_out_of_range_without_an_open_twin(initialised: Cli) -> None:
    error = refused(initialised, "household", "add", "Anna", "--pnr", "811218+9876")
    assert "1881" in error and "open case" not in error
    ref = initialised.ok("household", "add", "Anna", "--pnr", "811218-9876").stdout.strip()
    initialised.ok("household", "close", ref, "--outcome", "stays")
    error = refused(initialised, "household", "add", "Anna", "--pnr", "811218+9876")
    assert "open case" not in error
    # The twelve-digit form has no '+' to blame.
    error = refused(initialised, "household", "add", "Anna", "--pnr", "18811218-9876")
    assert error.startswith("error: --pnr: year must be between 1900 and 2200:")
    assert "100 or older" not in error


def test_a_real_centenarian_with_plus_is_kept(initialised: Cli) -> None:
    initialised.ok(
        "household", "add", "Hundra", "--pnr", ten("251201", "+"), "--as-of", "2026-12-05"
    )
    assert births(initialised) == {"Hundra": "1925-12-01"}


def test_the_message_in_swedish(initialised: Cli) -> None:
    initialised.ok("household", "add", "Anna Ett", "--pnr", "811218-9876")
    i18n.setup("sv")
    result = initialised("--lang", "sv", "household", "add", "Anna Ett", "--pnr", "811218+9876")
    assert result.exit_code == 1
    assert result.stderr.startswith("fel: --pnr: året måste ligga mellan 1900 och 2200")
    assert "100 år eller äldre" in result.stderr and "2026-0001" in result.stderr
