"""The cases behind the golden letters, shared by the tests and scripts/regen_golden.py.

The tenant's name has Swedish letters, ``<``, ``&``, quotes and a Jinja expression: in
HTML it must come out escaped, and nowhere may the expression be evaluated. A case with a
``language`` renders its household's letter as it goes out when the household's letters
are in that language (the household is switched for that case only).
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


# The supports end more than the policy's 30 days after AS_OF: a monthly batch on AS_OF
# has no support_ending letter to make.
SUPPORT_AS_OF = date(2027, 1, 20)


@dataclass(frozen=True)
class Case:
    name: str
    household: str
    kind: str
    params: dict[str, str] = field(default_factory=dict)
    as_of: date = AS_OF
    language: str = "sv"


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
    # The rent guarantee ends first; named together with the housing support.
    Case("support_ending-rent_guarantee", "tricky", "support_ending", as_of=SUPPORT_AS_OF),
    Case(
        "support_ending-two",
        "tricky",
        "support_ending",
        {"support": "1,2"},
        as_of=SUPPORT_AS_OF,
    ),
    Case("support_ending-emergency", "plain", "support_ending", as_of=SUPPORT_AS_OF),
    Case("undertaking", "tricky", "undertaking"),
    Case("outreach.en-deadline", "tricky", "outreach", language="en"),
    Case("outreach.en-eviction", "enforcement", "outreach", language="en"),
]


def build_households(db: Database) -> dict[str, str]:
    """Three households; returns their references by case name.

    The tricky one has a rent guarantee (support 1) and housing support (support 2)
    ending early in 2027, the plain one an emergency stay then (support 3).
    """
    from bostadcli.caseworkers import add_caseworker
    from bostadcli.consents import add_consent
    from bostadcli.households import ChildSpec, NewHousehold, add_household
    from bostadcli.landlords import add_landlord
    from bostadcli.money import Money
    from bostadcli.notices import NewNotice, add_notice
    from bostadcli.plans import NewPlan, create_plan, record_payment
    from bostadcli.supports import NewSupport, add_support
    from bostadcli.undertakings import NewUndertaking, add_undertaking

    # No phone or e-mail of their own: the letters give the unit's.
    add_caseworker(db, name="Karin Ek", initials="KE")
    add_caseworker(db, name="Omar Berg", initials="OB")
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
            caseworker="KE",
            opened_on=date(2026, 11, 12),
        ),
        as_of=AS_OF,
    )
    add_notice(
        db,
        refs["tricky"],
        NewNotice(
            kind="termination",
            served_on=date(2026, 11, 10),
            notified_on=date(2026, 11, 10),
            amount=Money.kronor(14_900),
        ),
        as_of=AS_OF,
    )
    add_consent(
        db,
        refs["tricky"],
        recipient="landlord",
        given_on=AS_OF,
        today=AS_OF,
        reason="skrivet i efterhand",
    )
    add_undertaking(
        db,
        refs["tricky"],
        NewUndertaking(
            given_on=AS_OF,
            covers='Hyran för november & december 2026 "med avgifter" <2 mån>',
            decided_by="Karin Ek, boendehandläggare",
            amount=Money.kronor(16_900),
        ),
        as_of=AS_OF,
    )
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
    add_support(
        db,
        refs["tricky"],
        NewSupport(
            kind="rent_guarantee",
            start_on=date(2025, 2, 1),
            end_on=date(2027, 1, 31),
            cap_months=6,
        ),
        as_of=AS_OF,
    )
    add_support(
        db,
        refs["tricky"],
        NewSupport(kind="housing_support", start_on=date(2026, 3, 1), end_on=date(2027, 2, 28)),
        as_of=AS_OF,
    )
    refs["enforcement"] = add_household(
        db,
        NewHousehold(
            tenant_name="Maria Svensson",
            street="Ekgatan 3",
            postal_code="441 31",
            city="Ängby",
            source="enforcement",
            caseworker="OB",
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
    add_support(
        db,
        refs["plain"],
        NewSupport(
            kind="emergency_housing",
            place='Vandrarhemmet "Gläntan" & <Co>',
            nights_from=date(2027, 1, 18),
            nights_to=date(2027, 1, 25),
        ),
        as_of=AS_OF,
    )
    return refs


def render_all() -> dict[str, str]:
    """Every case in HTML and text: {file name: text}."""
    from bostadcli.db import open_database
    from bostadcli.households import edit_household
    from bostadcli.letters import render_letter

    db = open_database(":memory:")
    try:
        refs = build_households(db)
        out: dict[str, str] = {}
        for case in CASES:
            edit_household(db, refs[case.household], changes={"letter_language": case.language})
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
                assert letter.language == case.language, case.name
                out[f"{case.name}.{fmt}"] = letter.content.decode("utf-8")
            edit_household(db, refs[case.household], changes={"letter_language": "sv"})
        return out
    finally:
        db.close()
