"""``bostad demo``: a small, realistic, entirely fictional caseload in a folder of its own.

It never touches the user's database or config: both are made inside the folder. Names
are invented, personnummer are made up with a valid check digit, and phone numbers are
from the series that PTS keeps for fiction (08-465 004 00–99, 070-174 06 05–99).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bostadcli.errors import Conflict
from bostadcli.files import private_folder, write_private_file
from bostadcli.i18n import _
from bostadcli.letters import BatchResult

DEMO_DB = "bostad.sqlite"
DEMO_CONFIG = "config.toml"

DEMO_CONFIG_TEXT = """\
# The demo's own settings (fictional). 'bostad init' makes a real one to edit.
[letterhead]
organisation = "Exempelby kommun"
unit = "Socialförvaltningen, Boendeenheten"
street = "Stora torget 1"
postal_code = "441 81"
city = "Exempelby"
phone = "08-465 004 00"
email = "boendeenheten@exempelby.example"
socialjouren_phone = "08-465 004 01"
default_caseworker = "Karin Ek"
"""


@dataclass
class DemoResult:
    folder: Path
    db_path: Path
    config_path: Path
    households: list[dict[str, str]] = field(default_factory=list)
    batch: BatchResult | None = None
    format: str = "pdf"
    pdf_note: str | None = None


def fictional_pnr(born: date, serial: str) -> str:
    """A personnummer for an invented person: the birth date, a serial, a Luhn digit."""
    from stdnum import luhn

    body = f"{born:%y%m%d}{serial}"
    return f"{born:%Y%m%d}-{serial}{luhn.calc_check_digit(body)}"


def _years_ago(as_of: date, years: int, days: int = 0) -> date:
    from dateutil.relativedelta import relativedelta

    born: date = as_of - relativedelta(years=years) - timedelta(days=days)
    return born


def _caseload(db: Any, as_of: date) -> list[dict[str, str]]:
    """The demo's world: its landlords and caseworkers, then each household in turn (the
    order fixes their case references)."""
    _landlords_and_caseworkers(db)
    made = [
        _family_near_deadline(db, as_of),
        _warned_for_disturbance(db, as_of),
        _eviction_date_set(db, as_of),
        _self_referral(db, as_of),
    ]
    made += _plans(db, as_of)
    made.append(_rent_guarantee(db, as_of))
    return made


def _landlords_and_caseworkers(db: Any) -> None:
    from bostadcli.caseworkers import add_caseworker
    from bostadcli.landlords import add_landlord

    add_landlord(
        db,
        name="Exempelhem AB",
        kind="municipal",
        contact_person="Lars Hyresson",
        phone="08-465 004 10",
        email="kundtjanst@exempelhem.example",
        street="Box 101",
        postal_code="441 21",
        city="Exempelby",
    )
    add_landlord(
        db,
        name="Fastighets AB Lärkan",
        kind="private",
        contact_person="Eva Lärk",
        phone="08-465 004 20",
        street="Lärkvägen 2",
        postal_code="441 40",
        city="Exempelby",
    )
    add_caseworker(
        db,
        name="Karin Ek",
        initials="KE",
        phone="08-465 004 05",
        email="karin.ek@exempelby.example",
    )
    add_caseworker(
        db,
        name="Omar Berg",
        initials="OB",
        phone="08-465 004 06",
        email="omar.berg@exempelby.example",
    )


def _family_near_deadline(db: Any, as_of: date) -> dict[str, str]:
    """A family of four, two weeks after the notice was served: the recovery deadline is
    next week, and 14 900 kr keeps the home."""
    from bostadcli.consents import add_consent
    from bostadcli.households import ChildSpec, NewHousehold, add_household
    from bostadcli.money import Money
    from bostadcli.notices import NewNotice, add_notice

    served = as_of - timedelta(days=14)
    ref = add_household(
        db,
        NewHousehold(
            tenant_name="Amira Hassan",
            tenant_pnr=fictional_pnr(_years_ago(as_of, 38, 40), "238"),
            co_tenant_name="Yusuf Hassan",
            co_tenant_pnr=fictional_pnr(_years_ago(as_of, 41, 100), "251"),
            street="Björkvägen 12 lgh 1102",
            postal_code="441 30",
            city="Exempelby",
            landlord="Exempelhem AB",
            contract_number="12-1102",
            rent=Money.kronor(8_450),
            arrears=Money.kronor(14_900),
            children=[
                ChildSpec(_years_ago(as_of, 11, 20), "Sara Hassan"),
                ChildSpec(_years_ago(as_of, 6, 200), "Adam Hassan"),
            ],
            caseworker="KE",
            opened_on=served,
        ),
        as_of=as_of,
    )
    add_notice(
        db,
        ref,
        NewNotice(
            kind="termination",
            terminated_on=served - timedelta(days=3),
            notified_on=served - timedelta(days=2),
            served_on=served,
            service_method="in_person",
            amount=Money(1_490_000),
        ),
        as_of=as_of,
    )
    # The demo's world is dated as_of: its consents are recorded on that day.
    add_consent(db, ref, recipient="landlord", given_on=as_of, today=as_of)
    return {
        "ref": ref,
        "name": _("Amira and Yusuf Hassan"),
        "about": _("two children; recovery deadline next week, 14 900 kr"),
    }


def _warned_for_disturbance(db: Any, as_of: date) -> dict[str, str]:
    """A father with a child every other week, warned for disturbance by a private landlord."""
    from bostadcli.households import ChildSpec, NewHousehold, add_household
    from bostadcli.money import Money
    from bostadcli.notices import NewNotice, add_notice

    ref = add_household(
        db,
        NewHousehold(
            tenant_name="Johan Lindqvist",
            tenant_pnr=fictional_pnr(_years_ago(as_of, 45, 10), "416"),
            street="Lärkvägen 7 B",
            postal_code="441 40",
            city="Exempelby",
            landlord="Fastighets AB Lärkan",
            rent=Money.kronor(6_200),
            reasons=["disturbance"],
            children=[ChildSpec(_years_ago(as_of, 9, 30), "Elsa Lindqvist", part_time=True)],
            caseworker="KE",
            opened_on=as_of - timedelta(days=5),
        ),
        as_of=as_of,
    )
    add_notice(
        db,
        ref,
        NewNotice(
            kind="warning",
            ground="disturbance",
            notified_on=as_of - timedelta(days=5),
            correct_by=as_of + timedelta(days=9),
        ),
        as_of=as_of,
    )
    return {
        "ref": ref,
        "name": "Johan Lindqvist",
        "about": _("a part-time child; warning for disturbance"),
    }


def _eviction_date_set(db: Any, as_of: date) -> dict[str, str]:
    """Reported by Kronofogden: an eviction date is set."""
    from bostadcli.contacts import add_contact
    from bostadcli.households import ChildSpec, NewHousehold, add_household
    from bostadcli.money import Money
    from bostadcli.notices import NewNotice, add_notice
    from bostadcli.workdays import next_working_day

    ref = add_household(
        db,
        NewHousehold(
            tenant_name="Maria Svensson",
            tenant_pnr=fictional_pnr(_years_ago(as_of, 29, 150), "622"),
            street="Ekgatan 3",
            postal_code="441 31",
            city="Exempelby",
            landlord="Exempelhem AB",
            rent=Money.kronor(7_100),
            arrears=Money(3_125_050),
            source="enforcement",
            children=[ChildSpec(_years_ago(as_of, 3, 60), "Liam Svensson")],
            caseworker="OB",
            opened_on=as_of - timedelta(days=3),
        ),
        as_of=as_of,
    )
    # Kronofogden evicts on a working day.
    eviction = next_working_day(as_of + timedelta(days=30))
    # Kronofogden's steps before the eviction day: the landlord's application, the
    # decision (utslag), final ten days ago, and the request for enforcement.
    for kind, days_ago in (
        ("enforcement_application", 60),
        ("decision", 25),
        ("enforcement_request", 8),
    ):
        add_notice(
            db,
            ref,
            NewNotice(
                kind=kind,
                step_on=as_of - timedelta(days=days_ago),
                final_on=as_of - timedelta(days=10) if kind == "decision" else None,
                enforcement_case="12-345678-26",
            ),
            as_of=as_of,
        )
    add_notice(
        db,
        ref,
        NewNotice(
            kind="eviction",
            eviction_at=f"{eviction.isoformat()} 09:00",
            enforcement_case="12-345678-26",
        ),
        as_of=as_of,
    )
    # A call nobody answered is a note, not a contact: she is not in touch yet, and
    # gets the first letter (a call that reached her would make it needless).
    add_contact(
        db,
        ref,
        kind="note",
        on=as_of,
        text="Ringde, ingen svarade; försöker igen.",
        caseworker="OB",
        as_of=as_of,
    )
    return {
        "ref": ref,
        "name": "Maria Svensson",
        "about": _("reported by Kronofogden; eviction date set"),
    }


def _self_referral(db: Any, as_of: date) -> dict[str, str]:
    """Someone who asked for help himself: no letter, since he is already in touch."""
    from bostadcli.households import NewHousehold, add_household

    ref = add_household(
        db,
        NewHousehold(
            tenant_name="Erik Johansson",
            tenant_pnr=fictional_pnr(_years_ago(as_of, 52, 5), "137"),
            source="self_referral",
            housing_situation="homeless_short_term",
            caseworker="OB",
            opened_on=as_of - timedelta(days=20),
        ),
        as_of=as_of,
    )
    return {
        "ref": ref,
        "name": "Erik Johansson",
        "about": _("self-referral, staying with friends: no letter"),
    }


def _rent_guarantee(db: Any, as_of: date) -> dict[str, str]:
    """A mother whose two-year rent guarantee ends in three weeks: she gets the
    support_ending letter (and no outreach letter, since she asked for help herself)."""
    from bostadcli.dates import format_date
    from bostadcli.households import ChildSpec, NewHousehold, add_household
    from bostadcli.money import Money
    from bostadcli.supports import NewSupport, add_support

    ends = as_of + timedelta(days=21)
    ref = add_household(
        db,
        NewHousehold(
            tenant_name="Sofia Nilsson",
            tenant_pnr=fictional_pnr(_years_ago(as_of, 31, 120), "462"),
            street="Granvägen 8",
            postal_code="441 40",
            city="Exempelby",
            landlord="Exempelhem AB",
            rent=Money.kronor(7_200),
            source="self_referral",
            children=[ChildSpec(_years_ago(as_of, 4, 45), "Noah Nilsson")],
            caseworker="KE",
            opened_on=ends - timedelta(days=2 * 365 + 20),
        ),
        as_of=as_of,
    )
    add_support(
        db,
        ref,
        NewSupport(
            kind="rent_guarantee",
            start_on=ends - timedelta(days=2 * 365),
            end_on=ends,
            cap_months=6,
        ),
        as_of=as_of,
    )
    return {
        "ref": ref,
        "name": "Sofia Nilsson",
        "about": _("a child; rent guarantee ends on {date}: gets a letter").format(
            date=format_date(ends, "long")
        ),
    }


def _plans(db: Any, as_of: date) -> list[dict[str, str]]:
    """Two households with repayment plans agreed months ago: one paid as agreed, one
    that has missed its latest installment (it gets a reminder)."""
    return [
        _plan_household(
            db,
            as_of,
            name="Lena Berg",
            pnr=fictional_pnr(_years_ago(as_of, 34, 77), "845"),
            landlord="Exempelhem AB",
            street="Granvägen 4",
            keep_up=True,
        ),
        _plan_household(
            db,
            as_of,
            name="Ali Karimi",
            pnr=fictional_pnr(_years_ago(as_of, 47, 210), "319"),
            landlord="Fastighets AB Lärkan",
            street="Lärkvägen 9 A",
            keep_up=False,
        ),
    ]


def _plan_household(
    db: Any, as_of: date, *, name: str, pnr: str, landlord: str, street: str, keep_up: bool
) -> dict[str, str]:
    """A household whose plan was agreed 120 days ago, paid as due (``keep_up``) or
    short of its latest installment."""
    from bostadcli.consents import add_consent
    from bostadcli.households import NewHousehold, add_household
    from bostadcli.money import Money
    from bostadcli.plans import NewPlan, create_plan, record_payment, show_plan

    agreed = as_of - timedelta(days=120)
    ref = add_household(
        db,
        NewHousehold(
            tenant_name=name,
            tenant_pnr=pnr,
            street=street,
            postal_code="441 40",
            city="Exempelby",
            landlord=landlord,
            rent=Money.kronor(6_900),
            arrears=Money.kronor(9_600),
            source="self_referral",
            caseworker="KE",
            opened_on=agreed - timedelta(days=10),
        ),
        as_of=as_of,
    )
    add_consent(
        db,
        ref,
        recipient="landlord",
        given_on=agreed,
        reason="Muntligt samtycke när planen gjordes, antecknat i efterhand.",
        today=as_of,
    )
    plan = create_plan(
        db,
        ref,
        NewPlan(debt=Money.kronor(9_600), installment=Money.kronor(1_200)),
        as_of=agreed,
    )
    # Paid on the due day, up to what is due: all of it, or all but the latest
    # installment that is more than a week late.
    due = [
        i
        for i in show_plan(db, plan["ref"], as_of=as_of)["installments"]
        if date.fromisoformat(i["due_on"]) < as_of - timedelta(days=8)
    ]
    for item in due if keep_up else due[:-1]:
        record_payment(
            db,
            plan["ref"],
            amount=Money(item["amount_ore"]),
            paid_on=date.fromisoformat(item["due_on"]),
            as_of=as_of,
        )
    return {
        "ref": ref,
        "name": name,
        "about": (
            _("repayment plan {plan} on track")
            if keep_up
            else _("repayment plan {plan} behind: gets a reminder")
        ).format(plan=plan["ref"]),
    }


def build_demo(folder: Path, *, as_of: date) -> DemoResult:
    """Make the folder, its database and config, the caseload, and the month's letters."""
    from bostadcli.config import load_config
    from bostadcli.db import open_database
    from bostadcli.letters import run_monthly
    from bostadcli.pdf import pdf_problem

    folder = folder.expanduser()
    db_path, config_path = folder / DEMO_DB, folder / DEMO_CONFIG
    for path in (db_path, config_path):
        if path.exists():
            raise Conflict(
                _("{path} exists already: remove the folder or choose another --out").format(
                    path=path
                )
            )
    private_folder(folder)
    write_private_file(config_path, DEMO_CONFIG_TEXT, field="--out")
    config = load_config(config_path)
    db = open_database(db_path, create=True)
    try:
        result = DemoResult(folder=folder, db_path=db_path, config_path=config_path)
        result.households = _caseload(db, as_of)
        result.pdf_note = pdf_problem()
        result.format = "html" if result.pdf_note else "pdf"
        month = as_of.replace(day=1)
        result.batch = run_monthly(
            db,
            config=config,
            month=month,
            as_of=as_of,
            out_dir=folder / f"brev-{month:%Y-%m}",
            fmt=result.format,
        )
    finally:
        db.close()
    return result
