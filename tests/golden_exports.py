"""The database behind the golden exports, shared by the test and
scripts/regen_golden_exports.py.

Built through the core functions on fixed ``as_of`` dates (and a fixed ``today`` for
what is judged on the real date), so the rows are the same on every machine. What the
core stamps from the clock or the machine (created_at, updated_at, voided_at, a
letter's file path and template version, the document's exported_at) is pinned
afterwards to fixed values: the golden files guard what the exports make of the rows,
not when they were made.

The data exercises every column: a case with every kind of notice (one voided, one
edited), a corrected and a cancelled contact, consents valid, revoked and expired, a
plan replaced by another with paid, overdue and unpaid installments and a voided
payment, supports ended, ongoing and withdrawn, an undertaking, a letter; a closed case
with a samordningsnummer; a voided case that no export may show. Text that a spreadsheet
would run as a formula (guarded in CSV), ordinary text that starts with + or - (left
alone), quotes, a line break and Swedish letters are in it too.
"""

from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database

GOLDEN_DIR = Path(__file__).resolve().parent / "golden" / "exports"
# The day every export is made on (--as-of): the second plan's first installment is
# paid, its second overdue; the rent guarantee has ended, Housing First goes on.
AS_OF = date(2027, 1, 20)
# The real date for what is judged on it (consents given and revoked).
TODAY = date(2027, 1, 20)
PINNED_AT = "2027-01-20T08:00:00+00:00"
PINNED_TEMPLATE_VERSION = "golden"
# The timestamps the core takes from the clock, by table.
_STAMPS = {
    "households": ("created_at", "updated_at", "voided_at"),
    "members": ("created_at",),
    "landlords": ("created_at", "updated_at"),
    "notices": ("created_at", "voided_at"),
    "contacts": ("created_at",),
    "consents": ("created_at",),
    "plans": ("created_at", "updated_at"),
    "payments": ("created_at", "voided_at"),
    "letters": ("created_at",),
    "supports": ("created_at", "updated_at"),
    "undertakings": ("created_at",),
}
DOCUMENT = "household"
DOCUMENT_REF = "2026-0001"


def build(db: Database) -> None:
    """The cases of the golden exports (see the module docstring)."""
    _landlords(db)
    ref = _open_case(db)
    _notices(db, ref)
    _contacts(db, ref)
    _consents(db, ref)
    _plans(db, ref)
    _supports(db, ref)
    _letter(db, ref)
    _closed_case(db)
    _voided_case(db)
    _moved_case(db, ref)
    _pin(db)


def _landlords(db: Database) -> None:
    from bostadcli.caseworkers import add_caseworker
    from bostadcli.landlords import add_landlord

    add_caseworker(db, name="Karin Ek", initials="KE")
    add_landlord(
        db,
        name="Ängby Bostäder AB",
        kind="municipal",
        org_number="556035-6932",
        contact_person="Lars Hyresson",
        phone="08-465 004 50",
        email="kund@angbybostader.example",
        street="Box 5",
        postal_code="44121",
        city="Ängby",
        cooperation_agreement_on=date(2025, 5, 1),
    )
    add_landlord(db, name='Hyr & Bo "Väst" <KB>', kind="private")


def _open_case(db: Database) -> str:
    from bostadcli.households import ChildSpec, NewHousehold, add_household, add_member
    from bostadcli.money import Money

    ref = add_household(
        db,
        NewHousehold(
            tenant_name="Åsa Öberg",
            tenant_pnr="19811218-9876",
            street="Åkervägen 5 lgh 1203",
            postal_code="44130",
            city="Ängby",
            landlord="Ängby Bostäder AB",
            contract_number="=123-456",
            rent=Money.kronor(8_450),
            arrears=Money(1_490_050),
            reasons=["unpaid_rent", "disturbance"],
            co_tenant_name="Per Öberg",
            co_tenant_pnr="19790303-4564",
            children=[
                ChildSpec(date(2015, 3, 2), "Alva"),
                ChildSpec(date(2019, 6, 10), part_time=True),
                ChildSpec(date(2009, 1, 20), "Just 18"),
            ],
            caseworker="KE",
            note='First line\nsecond line, "quoted"',
            opened_on=date(2026, 10, 1),
            tenancy_type="first_hand",
            housing_allowance=Money.kronor(1_200),
        ),
        as_of=date(2026, 10, 1),
    )
    add_member(
        db,
        ref,
        name="Morfar",
        role="adult",
        birth_date=date(1950, 1, 1),
        as_of=date(2026, 10, 2),
    )
    return ref


def _notices(db: Database, ref: str) -> None:
    from bostadcli.corrections import edit_notice, void_notice
    from bostadcli.money import Money
    from bostadcli.notices import NewNotice, add_notice

    on = date(2026, 12, 1)
    add_notice(
        db,
        ref,
        NewNotice(
            kind="warning",
            ground="disturbance",
            notified_on=date(2026, 9, 1),
            correct_by=date(2026, 9, 30),
            note="-störande musik",
        ),
        as_of=on,
    )
    add_notice(
        db,
        ref,
        NewNotice(
            kind="termination",
            ground="unpaid_rent",
            terminated_on=date(2026, 10, 12),
            served_on=date(2026, 10, 14),
            service_method="in_person",
            notified_on=date(2026, 10, 15),
            amount=Money(1_490_050),
        ),
        as_of=on,
    )
    add_notice(
        db,
        ref,
        NewNotice(
            kind="termination",
            ground="disturbance",
            terminated_on=date(2026, 10, 12),
            especially_serious=True,
            copy_received_on=date(2026, 10, 13),
        ),
        as_of=on,
    )
    wrong = add_notice(
        db,
        ref,
        NewNotice(kind="termination", served_on=date(2026, 10, 20), amount=Money(100)),
        as_of=on,
    )
    void_notice(db, int(wrong["id"]), reason="Registrerad två gånger")
    application = add_notice(
        db,
        ref,
        NewNotice(kind="enforcement_application", step_on=date(2026, 11, 10)),
        as_of=on,
    )
    edit_notice(
        db,
        int(application["id"]),
        changes={"enforcement_case": "KFM-2026-77"},
        reason="Målnumret kom i brev",
        as_of=on,
    )
    add_notice(
        db,
        ref,
        NewNotice(
            kind="decision",
            step_on=date(2026, 11, 20),
            decision_by="enforcement",
            final_on=date(2026, 11, 30),
        ),
        as_of=on,
    )
    add_notice(
        db,
        ref,
        NewNotice(kind="enforcement_request", step_on=date(2026, 12, 1)),
        as_of=on,
    )
    add_notice(
        db,
        ref,
        NewNotice(kind="eviction", eviction_at="2027-02-15 09:30", enforcement_case="KFM-2026-77"),
        as_of=on,
    )


def _contacts(db: Database, ref: str) -> None:
    from bostadcli.contacts import add_contact, settle_contact
    from bostadcli.corrections import ContactCorrection, correct_contact

    add_contact(
        db, ref, kind="phone", on=date(2026, 10, 16), text="Ringde", as_of=date(2026, 10, 16)
    )
    wrong = add_contact(
        db, ref, kind="meeting", on=date(2026, 10, 17), text="+Möte", as_of=date(2026, 10, 17)
    )
    correct_contact(
        db,
        wrong,
        correction=ContactCorrection(kind="home_visit", text="Hembesök"),
        reason="Fel typ",
        as_of=date(2026, 10, 18),
    )
    add_contact(
        db,
        ref,
        kind="referral",
        on=date(2026, 10, 19),
        referral_to="debt_counselling",
        caseworker="KE",
        as_of=date(2026, 10, 19),
    )
    booked = add_contact(
        db,
        ref,
        kind="meeting",
        on=date(2027, 1, 25),
        planned=True,
        at_time="13:30",
        as_of=date(2027, 1, 10),
    )
    add_contact(db, ref, kind="meeting", on=date(2027, 2, 1), planned=True, as_of=date(2027, 1, 10))
    settle_contact(db, booked, status="cancelled", note="Återbud", as_of=date(2027, 1, 15))


def _consents(db: Database, ref: str) -> None:
    from bostadcli.consents import add_consent, revoke_consent

    add_consent(db, ref, recipient="landlord", given_on=TODAY, today=TODAY)
    add_consent(
        db,
        ref,
        recipient="enforcement",
        given_on=date(2026, 10, 16),
        expires_on=date(2027, 10, 16),
        today=TODAY,
        reason="skrivet i efterhand",
    )
    revoke_consent(db, ref, recipient="enforcement", revoked_on=date(2026, 12, 30), today=TODAY)
    add_consent(
        db,
        ref,
        recipient="debt_collector",
        recipient_name="Inkasso & Co",
        given_on=date(2026, 10, 16),
        expires_on=date(2026, 12, 31),
        note="Gällde hösten",
        today=TODAY,
        reason="skrivet i efterhand",
    )


def _plans(db: Database, ref: str) -> None:
    from bostadcli.corrections import void_payment
    from bostadcli.money import Money
    from bostadcli.plans import NewPlan, create_plan, record_payment
    from bostadcli.undertakings import NewUndertaking, add_undertaking

    first = create_plan(
        db,
        ref,
        NewPlan(
            debt=Money(1_200_000),
            installment=Money(300_000),
            start=date(2026, 11, 1),
            income=Money.kronor(18_000),
        ),
        as_of=date(2026, 10, 20),
    )
    record_payment(
        db,
        first["ref"],
        amount=Money(100_000),
        paid_on=date(2026, 10, 25),
        as_of=date(2026, 10, 25),
    )
    second = create_plan(
        db,
        ref,
        NewPlan(installment=Money(250_000), replaces=first["ref"], note="Lägre belopp"),
        as_of=date(2026, 11, 5),
    )
    paid = record_payment(
        db,
        second["ref"],
        amount=Money(250_000),
        paid_on=date(2026, 11, 28),
        note="Bankgiro",
        as_of=date(2026, 11, 28),
    )
    wrong = record_payment(
        db, second["ref"], amount=Money(9_900), paid_on=date(2026, 12, 1), as_of=date(2026, 12, 1)
    )
    void_payment(
        db, second["ref"], int(wrong["payment"]), reason="Fel ärende", as_of=date(2026, 12, 2)
    )
    record_payment(
        db,
        second["ref"],
        amount=Money(50_000),
        paid_on=date(2026, 12, 20),
        as_of=date(2026, 12, 20),
    )
    del paid
    add_undertaking(
        db,
        ref,
        NewUndertaking(
            given_on=date(2026, 10, 30),
            covers="Hyran för oktober",
            decided_by="Karin Ek",
            amount=Money.kronor(8_450),
            notice_id=2,
            note="Gäller bara oktober",
        ),
        as_of=date(2026, 10, 30),
    )


def _supports(db: Database, ref: str) -> None:
    from bostadcli.money import Money
    from bostadcli.supports import NewSupport, add_support, end_support

    guarantee = add_support(
        db,
        ref,
        NewSupport(
            kind="rent_guarantee",
            start_on=date(2026, 10, 10),
            end_on=date(2027, 10, 9),
            cap_months=3,
            claimed=Money(500_000),
            reclaimed=Money(100_000),
        ),
        as_of=date(2026, 10, 10),
    )
    end_support(
        db, guarantee.id, ended_on=date(2027, 1, 10), reason="Flyttat", as_of=date(2027, 1, 10)
    )
    add_support(
        db,
        ref,
        NewSupport(
            kind="housing_first",
            start_on=date(2026, 10, 20),
            landlord='Hyr & Bo "Väst" <KB>',
            support_person="Lena Ek",
            note="Veckobesök",
        ),
        as_of=date(2026, 10, 20),
    )
    add_support(
        db,
        ref,
        NewSupport(
            kind="emergency_housing",
            place='Vandrarhemmet "Gläntan"',
            nights_from=date(2026, 11, 1),
            nights_to=date(2026, 11, 8),
            cost=Money.kronor(4_200),
            cost_granted=True,
        ),
        as_of=date(2026, 11, 1),
    )
    add_support(
        db,
        ref,
        NewSupport(
            kind="priority_allocation",
            start_on=date(2027, 2, 1),
            granted_on=date(2027, 1, 15),
            landlord="Ängby Bostäder AB",
            flat_offered="Björkvägen 3, 2 rok",
        ),
        as_of=date(2027, 1, 15),
    )
    add_support(
        db,
        ref,
        NewSupport(
            kind="rent_guarantee",
            start_on=date(2027, 1, 11),
            end_on=date(2029, 1, 10),
            cap=Money.kronor(50_700),
        ),
        as_of=date(2027, 1, 11),
    )
    # Housing support planned for the spring, which the family declined: withdrawn.
    declined = add_support(
        db,
        ref,
        NewSupport(kind="housing_support", start_on=date(2027, 3, 1)),
        as_of=date(2027, 1, 12),
    )
    end_support(
        db, declined.id, ended_on=date(2027, 1, 14), reason="Tackade nej", as_of=date(2027, 1, 14)
    )


def _letter(db: Database, ref: str) -> None:
    from bostadcli import letters
    from golden_letters import CONFIG

    with tempfile.TemporaryDirectory() as folder:
        letters.make_letter(
            db,
            ref,
            "plan_reminder",
            config=CONFIG,
            as_of=date(2026, 12, 15),
            fmt="txt",
            out=Path(folder) / "paminnelse.txt",
            record=True,
            plan="P-0002",
            today=date(2026, 12, 15),
        )
        # A letter of a monthly batch, recorded as the batch records it.
        rendered = letters.render_letter(
            db, ref, "outreach", config=CONFIG, as_of=date(2027, 1, 4), fmt="txt"
        )
        file = Path(folder) / "utskick.txt"
        file.write_bytes(rendered.content)
        letters.record_letter(
            db,
            rendered,
            period="2027-01",
            file=file,
            params=None,
            caseworker=None,
            as_of=date(2027, 1, 4),
        )


def _closed_case(db: Database) -> None:
    from bostadcli.households import NewHousehold, add_household, close_household
    from bostadcli.money import Money
    from bostadcli.notices import NewNotice, add_notice
    from bostadcli.plans import NewPlan, create_plan, record_payment

    ref = add_household(
        db,
        NewHousehold(
            tenant_name="Mohammed Ali",
            tenant_pnr="19880272-2382",
            tenant_identity_level="probable",
            street="Ekgatan 3",
            postal_code="44131",
            city="Ängby",
            landlord="Ängby Bostäder AB",
            source="self_referral",
            opened_on=date(2026, 3, 2),
            letter_language="en",
        ),
        as_of=date(2026, 3, 2),
    )
    on = date(2026, 3, 20)
    # Waiting for the day the tenant is served; and one that may be barred.
    add_notice(
        db,
        ref,
        NewNotice(
            kind="termination",
            notified_on=date(2026, 3, 10),
            terminated_on=date(2026, 3, 9),
            amount=Money.kronor(5_000),
        ),
        as_of=on,
    )
    add_notice(
        db,
        ref,
        NewNotice(kind="termination", ground="neglect", terminated_on=date(2026, 3, 9)),
        as_of=on,
    )
    plan = create_plan(
        db,
        ref,
        NewPlan(debt=Money.kronor(5_000), installment=Money.kronor(2_500), start=date(2026, 4, 1)),
        as_of=on,
    )
    record_payment(
        db,
        plan["ref"],
        amount=Money.kronor(6_000),
        paid_on=date(2026, 4, 20),
        allow_overpay=True,
        as_of=date(2026, 4, 20),
    )
    close_household(db, ref, outcome="stays", closed_on=date(2026, 6, 30), as_of=date(2026, 6, 30))


def _voided_case(db: Database) -> None:
    from bostadcli.corrections import void_household
    from bostadcli.households import NewHousehold, add_household

    ref = add_household(
        db,
        NewHousehold(tenant_name="Fel Person", opened_on=date(2026, 11, 1)),
        as_of=date(2026, 11, 1),
    )
    void_household(db, ref, reason="Fel person")


def _moved_case(db: Database, ref: str) -> None:
    """The open case moved in again from its own document: a case and a plan with
    the references they had."""
    from bostadcli.casemove.document_in import import_household
    from bostadcli.casemove.document_out import export_household

    document = export_household(
        db, ref, include_pnr=True, as_of=AS_OF, command="golden", today=TODAY
    )
    import_household(db, document, source="golden.json", as_of=AS_OF, today=TODAY)


def _pin(db: Database) -> None:
    for table, columns in _STAMPS.items():
        for column in columns:
            db.execute(
                f"UPDATE [{table}] SET [{column}] = ? WHERE [{column}] IS NOT NULL", [PINNED_AT]
            )
    # The letter's file was written to a temporary folder: keep its name alone. Its
    # template's version is the letters' business, not the exports'.
    for letter_id, file in db.execute("SELECT id, file FROM letters").fetchall():
        db.execute(
            "UPDATE letters SET file = ?, template_version = ? WHERE id = ?",
            [Path(file).name, PINNED_TEMPLATE_VERSION, letter_id],
        )
    db.conn.commit()


def render_all() -> dict[str, str]:
    """Every export table as CSV (as by default) and JSON (with --include-pnr), and
    the household document: {file name: text}."""
    from bostadcli.casemove.document_out import export_household
    from bostadcli.db import open_database
    from bostadcli.export import TABLES, export_table
    from bostadcli.tabular import write_json_document

    db = open_database(":memory:")
    try:
        build(db)
        out: dict[str, str] = {}
        for name in TABLES:
            for fmt, include_pnr in (("csv", False), ("json", True)):
                stream = io.StringIO()
                export_table(
                    db,
                    name,
                    stream,
                    fmt=fmt,
                    as_of=AS_OF,
                    include_pnr=include_pnr,
                    command="golden",
                    today=TODAY,
                )
                out[f"{name}.{fmt}"] = stream.getvalue()
        document: dict[str, Any] = export_household(
            db, DOCUMENT_REF, include_pnr=True, as_of=AS_OF, command="golden", today=TODAY
        )
        document["exported_at"] = PINNED_AT
        stream = io.StringIO()
        write_json_document(document, stream)
        out[f"{DOCUMENT}-{DOCUMENT_REF}.json"] = stream.getvalue()
        return out
    finally:
        db.close()
