"""Re-importing the same landlord's list changes nothing, whatever the ground, amount,
dates or encoding of each row: a property over generated lists."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bostadcli.db import open_database
from bostadcli.demo import fictional_pnr
from bostadcli.landlord_lists import import_notices
from conftest import sql_dump

AS_OF = date(2026, 11, 20)
GROUNDS = [
    "",
    "Hyresskuld",
    "störning",
    "Störningar i boendet",
    "misskött lägenhet",
    "vanvård",
    "unpaid_rent",
    "disturbance",
    "neglect",
    "other",
    "Brott i fastigheten",
]
AMOUNTS = ["", "0", "0,00", "0 kr", "1 234,50", "12345", "7 450 kr", "99,5"]
NAMES = ["Anna Andersson", "Örjan Åkesson", "Bo Ek", "Märta Öst", "Lars-Åke Ängström"]
STREETS = ["", "Storgatan 1", "Ängsvägen 12 B", "Box 5"]

dates = st.one_of(st.just(""), st.dates(date(2025, 1, 1), AS_OF).map(date.isoformat))


@st.composite
def rows(draw: Any) -> list[dict[str, str]]:
    count = draw(st.integers(1, 6))
    made = []
    for i in range(count):
        born = draw(st.dates(date(1940, 1, 1), date(2005, 12, 31)))
        terminated, served = draw(dates), draw(dates)
        if terminated and served and served < terminated:
            # A tenant is served the termination after it is made (a list that says
            # otherwise is refused, and the property is about lists that import).
            terminated, served = served, terminated
        made.append(
            {
                "Namn": draw(st.sampled_from(NAMES)),
                "Personnummer": draw(
                    st.one_of(st.just(""), st.just(fictional_pnr(born, f"{i + 2:03d}")))
                ),
                "Adress": draw(st.sampled_from(STREETS)),
                "Hyra": draw(st.sampled_from(["", "7 450", "0"])),
                "Skuld": draw(st.sampled_from(AMOUNTS)),
                "Uppsägningsdatum": terminated,
                "Delgiven": served,
                "Orsak": draw(st.sampled_from(GROUNDS)),
                "Kontraktsnummer": draw(st.sampled_from(["", "123-456", "A 7"])),
            }
        )
    return made


def encode(table: list[dict[str, str]], encoding: str, delimiter: str) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=list(table[0]), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(table)
    return text.getvalue().encode(encoding)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    table=rows(),
    first=st.sampled_from([("utf-8", ","), ("utf-8", ";"), ("cp1252", ";"), ("cp1252", ",")]),
    second=st.sampled_from([("utf-8", ","), ("utf-8", ";"), ("cp1252", ";"), ("cp1252", ",")]),
)
def test_importing_the_same_list_again_changes_nothing(
    tmp_path: Path,
    table: list[dict[str, str]],
    first: tuple[str, str],
    second: tuple[str, str],
) -> None:
    path = tmp_path / f"i{abs(hash((str(table), first, second)))}.sqlite"
    db = open_database(path, create=True)
    try:
        import_notices(
            db,
            io.BytesIO(encode(table, *first)),
            source="lista.csv",
            as_of=AS_OF,
            landlord="Exempelhem AB",
            create_landlord=True,
        )
        before = sql_dump(path)
        # Again, in the other encoding and delimiter, and on a later day.
        for later in (AS_OF, date(2026, 12, 3)):
            summary = import_notices(
                db,
                io.BytesIO(encode(table, *second)),
                source="lista.csv",
                as_of=later,
                landlord="Exempelhem AB",
                create_landlord=True,
            )
            assert summary.new_notices == 0 and summary.new_households == 0, (table, summary)
            assert summary.unchanged == len(table)
            assert sql_dump(path) == before
    finally:
        db.close()
        path.unlink(missing_ok=True)
