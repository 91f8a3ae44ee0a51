"""The cases behind the golden letters, shared by the tests and scripts/regen_golden.py.

The tenant's name has Swedish letters, ``<``, ``&``, quotes and a Jinja expression: in
HTML it must come out escaped, and nowhere may the expression be evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bostadcli.config import Config, Letterhead

if TYPE_CHECKING:
    from sqlite_utils import Database

GOLDEN_DIR = Path(__file__).resolve().parent / "golden" / "letters"
AS_OF = date(2026, 11, 16)
TRICKY_NAME = 'Åsa "Ösa" <Öberg> & {{ 7*7 }}'

CONFIG = Config(
    letterhead=Letterhead(
        organisation="Ängby kommun",
        unit="Socialförvaltningen, Boendeenheten",
        street="Stora torget 1",
        postal_code="441 81",
        city="Ängby",
        phone="08-465 004 00",
        email="boende@angby.example",
        socialjouren_phone="08-465 004 01",
        default_caseworker="Karin Ek",
    )
)


@dataclass(frozen=True)
class Case:
    name: str
    household: str
    kind: str
    params: dict[str, str] = field(default_factory=dict)
    as_of: date = AS_OF


CASES = [
    Case("outreach-deadline", "tricky", "outreach"),
    Case("outreach-eviction", "enforcement", "outreach"),
    Case("outreach-plain", "plain", "outreach"),
    Case(
        "meeting-office",
        "tricky",
        "meeting",
        {
            "date": "2026-11-25",
            "time": "13.30",
            "place": 'Stadshuset, rum "Ek" & <2>',
            "with": "Karin Ek och Lars Hyresson (Bostäder & Co)",
        },
    ),
    Case(
        "meeting-visit", "plain", "meeting", {"date": "2026-11-24", "time": "09:00", "visit": "yes"}
    ),
    Case("plan_agreement", "tricky", "plan_agreement"),
    # Two months on: one installment half paid, the next not at all (the plan is broken).
    Case("plan_reminder", "tricky", "plan_reminder", as_of=date(2027, 1, 20)),
]


def build_households(db: Database) -> dict[str, str]:
    """Three households; returns their references by case name."""
    from bostadcli.consents import add_consent
    from bostadcli.households import ChildSpec, NewHousehold, add_household
    from bostadcli.landlords import add_landlord
    from bostadcli.money import Money
    from bostadcli.notices import NewNotice, add_notice
    from bostadcli.plans import NewPlan, create_plan, record_payment

    add_landlord(
        db,
        name='Bostäder i Ängby & Co "Hem" <AB>',
        kind="municipal",
        contact_person="Lars Hyresson",
        street="Box 5",
        postal_code="44121",
        city="Ängby",
    )
    refs: dict[str, str] = {}
    refs["tricky"] = add_household(
        db,
        NewHousehold(
            tenant_name=TRICKY_NAME,
            tenant_pnr="19811218-9876",
            co_tenant_name="Örjan Öberg",
            street="Åkervägen 5 lgh 1203",
            postal_code="44130",
            city="Ängby",
            landlord='Bostäder i Ängby & Co "Hem" <AB>',
            rent=Money.kronor(8_450),
            arrears=Money.kronor(14_900),
            children=[
                ChildSpec(date(2015, 3, 2), "Alva"),
                ChildSpec(date(2019, 6, 10), None, True),
            ],
            caseworker="Karin Ek",
            opened_on=date(2026, 11, 12),
        ),
        as_of=AS_OF,
    )
    add_notice(
        db,
        refs["tricky"],
        NewNotice(kind="termination", served_on=date(2026, 11, 10), amount=Money.kronor(14_900)),
        as_of=AS_OF,
    )
    add_consent(db, refs["tricky"], recipient="landlord", given_on=AS_OF, as_of=AS_OF)
    plan = create_plan(
        db,
        refs["tricky"],
        NewPlan(
            debt=Money.kronor(14_900), installment=Money.kronor(1_500), start=date(2026, 12, 1)
        ),
        as_of=AS_OF,
    )
    record_payment(
        db,
        plan["ref"],
        amount=Money.kronor(1_000),
        paid_on=date(2026, 11, 30),
        as_of=date(2027, 1, 20),
    )
    refs["enforcement"] = add_household(
        db,
        NewHousehold(
            tenant_name="Maria Svensson",
            street="Ekgatan 3",
            postal_code="441 31",
            city="Ängby",
            source="enforcement",
            caseworker="Omar Berg",
            opened_on=date(2026, 11, 13),
        ),
        as_of=AS_OF,
    )
    add_notice(
        db,
        refs["enforcement"],
        NewNotice(kind="eviction", eviction_at="2026-12-15 09:00"),
        as_of=AS_OF,
    )
    refs["plain"] = add_household(
        db,
        NewHousehold(
            tenant_name="Johan Lindqvist",
            street="Lärkvägen 7 B",
            postal_code="441 40",
            city="Ängby",
            opened_on=date(2026, 11, 14),
        ),
        as_of=AS_OF,
    )
    return refs


def render_all() -> dict[str, str]:
    """Every case in HTML and text: {file name: text}."""
    from bostadcli.db import open_database
    from bostadcli.letters import render_letter

    db = open_database(":memory:")
    try:
        refs = build_households(db)
        out: dict[str, str] = {}
        for case in CASES:
            for fmt in ("html", "txt"):
                letter = render_letter(
                    db,
                    refs[case.household],
                    case.kind,
                    config=CONFIG,
                    as_of=case.as_of,
                    fmt=fmt,
                    params=case.params,
                )
                out[f"{case.name}.{fmt}"] = letter.content.decode("utf-8")
        return out
    finally:
        db.close()
