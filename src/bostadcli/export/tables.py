"""The export tables of a case's people, notices, contacts and consents (registered in
this order, after ``export.registry`` is loaded; ``export.plan_tables`` follows)."""

from __future__ import annotations

from datetime import date
from typing import Any

from bostadcli import rules
from bostadcli.casemove.adapt import notice_moved
from bostadcli.consents import consent_valid_sql
from bostadcli.export.registry import ExportTable, Part, col, register
from bostadcli.households import HOUSEHOLD_FIGURES, TENANT_JOIN
from bostadcli.i18n import N_
from bostadcli.notices import BARRED_RISK
from bostadcli.vocab import (
    ContactKind,
    ContactStatus,
    IdentityLevel,
    NoticeKind,
    Reason,
    Recipient,
    ReferralTarget,
    Role,
    ServiceMethod,
)


def days_left(row: dict[str, Any], as_of: date, key: str) -> None:
    value = row.get(key)
    row["days_left"] = (date.fromisoformat(value[:10]) - as_of).days if value else None


def _derive_household(row: dict[str, Any], as_of: date) -> None:
    days_left(row, as_of, "next_deadline")


def _derive_member(row: dict[str, Any], as_of: date) -> None:
    from bostadcli.dates import age_on

    birth = row.get("birth_date")
    age = age_on(date.fromisoformat(birth), as_of) if birth and birth <= as_of.isoformat() else None
    row["age"] = age
    row["is_child"] = age is not None and age < rules.CHILD_AGE_LIMIT


def _derive_notice(row: dict[str, Any], as_of: date) -> None:
    from bostadcli.notices import notice_deadline, recovery_facts

    row.update(recovery_facts(row))
    row["deadline"] = notice_deadline(row)
    days_left(row, as_of, "deadline")


register(
    ExportTable(
        name="households",
        description=N_("One row per case, with member and child counts and the next deadline."),
        sql=f"""
SELECT h.ref, h.status, h.opened_on, h.closed_on, h.outcome,
    t.name AS tenant, t.pnr AS tenant_pnr,
    h.street, h.postal_code, h.city, l.name AS landlord, h.contract_number,
    h.rent_ore, h.arrears_ore,
    h.source, h.housing_situation, h.caseworker,
    {HOUSEHOLD_FIGURES},
    h.note, h.origin_ref, h.letter_language, h.tenancy_type, h.housing_allowance_ore,
    h.created_at, h.updated_at
FROM live_households h
LEFT JOIN landlords l ON l.id = h.landlord_id
{TENANT_JOIN}
WHERE {{where}}
ORDER BY h.ref
""",
        columns=(
            col("ref", N_("the case reference, YYYY-NNNN")),
            col("status", N_("open or closed")),
            col("opened_on", N_("the day the case was opened"), "date"),
            col("closed_on", N_("the day the case was closed (empty while open)"), "date"),
            col("outcome", N_("how a closed case ended: stays, rehoused, evicted, moved, unknown")),
            col("tenant", N_("the tenant's name")),
            col("tenant_pnr", N_("the tenant's personnummer, masked unless --include-pnr"), "pnr"),
            col("street", N_("street address of the home")),
            col("postal_code", N_("postal code, NNN NN")),
            col("city", N_("city")),
            col("landlord", N_("the landlord's name")),
            col("contract_number", N_("the landlord's contract or object number")),
            col("rent_ore", N_("monthly rent in öre"), "money"),
            col("arrears_ore", N_("rent arrears in öre"), "money"),
            col(
                "reasons",
                N_("why the home is at risk: unpaid_rent, disturbance, neglect, other"),
                "list",
            ),
            col("source", N_("who reported the case: landlord, enforcement, self_referral, …")),
            col("housing_situation", N_("tenancy_at_risk or a homelessness situation")),
            col("caseworker", N_("the caseworker responsible")),
            col("members", N_("how many people the household has, children included"), "int"),
            col("children", N_("children under 18 on --as-of living here full-time"), "int"),
            col(
                "children_part_time",
                N_("children under 18 on --as-of living here part of the time"),
                "int",
            ),
            col(
                "next_deadline",
                N_("the nearest recovery deadline or eviction date (passed ones for 14 days)"),
                "date",
            ),
            col("next_deadline_kind", N_("recovery_deadline or eviction")),
            col("days_left", N_("days from --as-of to next_deadline (negative: passed)"), "int"),
            col("note", N_("free-text note")),
            col("origin_ref", N_("the case reference in the installation it was moved from")),
            col("letter_language", N_("the language of the household's letters: sv or en")),
            col("created_at", N_("when the row was recorded (UTC timestamp)")),
            col("updated_at", N_("when the case last changed (UTC timestamp)")),
            col(
                "tenancy_type",
                N_(
                    "the household's contract: first_hand, social_contract, municipal_sublet,"
                    " training_flat, sublet, lodger, none (empty: not recorded)"
                ),
            ),
            col(
                "housing_allowance_ore",
                N_("housing allowance (bostadsbidrag) per month in öre"),
                "money",
            ),
        ),
        since="h.opened_on",
        since_meaning=N_("opened on or after"),
        status="h.status",
        derive=_derive_household,
    )
)

register(
    ExportTable(
        name="members",
        description=N_("Adults and children of each household, with age on --as-of."),
        sql="""
SELECT h.ref, m.id, m.name, m.pnr, m.birth_date, m.role, m.part_time, m.identity_level,
    m.created_at, m.partner_of_tenant
FROM members m JOIN live_households h ON h.id = m.household_id
WHERE {where}
ORDER BY h.ref, m.id
""",
        columns=(
            col("ref", N_("the case reference, YYYY-NNNN")),
            col("id", N_("the member's number in this database (bostad member remove)"), "int"),
            col("name", N_("name (may be empty for a child)")),
            col("pnr", N_("personnummer, masked unless --include-pnr"), "pnr"),
            col("birth_date", N_("birth date"), "date"),
            col("role", N_("tenant, co_tenant, partner, adult or child")),
            col("part_time", N_("true for a child living here part of the time"), "bool"),
            col("age", N_("age in whole years on --as-of"), "int"),
            col("is_child", N_("true when under 18 on --as-of"), "bool"),
            col("created_at", N_("when the row was recorded (UTC timestamp)")),
            col(
                "identity_level",
                N_(
                    "a samordningsnummer's identity level: confirmed (styrkt), probable"
                    " (sannolik), uncertain (osäker); empty when not known"
                ),
            ),
            col(
                "partner_of_tenant",
                N_(
                    "true for the tenant's spouse, registered partner or sambo (a couple in"
                    " the living-cost norm), whatever the role"
                ),
                "bool",
            ),
        ),
        since="substr(m.created_at, 1, 10)",
        since_meaning=N_("recorded on or after"),
        status="h.status",
        derive=_derive_member,
        part=Part(
            table="members",
            vocab={"role": Role, "identity_level": IdentityLevel},
            pnr_columns=("pnr",),
        ),
    )
)

register(
    ExportTable(
        name="landlords",
        description=N_("Landlords and housing companies, with their case counts."),
        sql="""
SELECT l.id, l.name, l.kind, l.org_number, l.contact_person, l.phone, l.email,
    l.street, l.postal_code, l.city,
    (SELECT count(*) FROM live_households h
     WHERE h.landlord_id = l.id AND h.status = 'open') AS open_cases,
    (SELECT count(*) FROM live_households h WHERE h.landlord_id = l.id) AS all_cases,
    l.cooperation_agreement_on, l.created_at, l.updated_at
FROM landlords l
WHERE {where}
ORDER BY l.name COLLATE NOCASE
""",
        columns=(
            col("id", N_("the landlord's number in this database"), "int"),
            col("name", N_("name")),
            col("kind", N_("municipal, private or other")),
            col("org_number", N_("organisation number, NNNNNN-NNNN")),
            col("contact_person", N_("contact person")),
            col("phone", N_("phone number")),
            col("email", N_("e-mail address")),
            col("street", N_("street address")),
            col("postal_code", N_("postal code")),
            col("city", N_("city")),
            col("open_cases", N_("open cases with this landlord"), "int"),
            col("all_cases", N_("all cases with this landlord"), "int"),
            col(
                "cooperation_agreement_on",
                N_("the day the landlord signed a Housing First cooperation agreement"),
                "date",
            ),
            col("created_at", N_("when the row was recorded (UTC timestamp)")),
            col("updated_at", N_("when the landlord last changed (UTC timestamp)")),
        ),
        since="substr(l.created_at, 1, 10)",
        since_meaning=N_("added on or after"),
    )
)

register(
    ExportTable(
        name="notices",
        description=N_("Notices, warnings, Kronofogden applications and eviction dates."),
        sql=f"""
SELECT h.ref, n.id, n.kind, n.ground, n.received_on, n.notified_on, n.terminated_on,
    n.served_on, n.service_method, n.amount_ore, n.recovery_deadline, n.eviction_at,
    n.enforcement_case, n.correct_by, n.especially_serious, n.copy_received_on, n.step_on,
    n.decision_by, n.final_on, {BARRED_RISK} AS barred_risk, n.note, n.created_at
FROM live_notices n JOIN live_households h ON h.id = n.household_id
WHERE {{where}}
ORDER BY h.ref, n.id
""",
        columns=(
            col("ref", N_("the case reference, YYYY-NNNN")),
            col("id", N_("the notice's number in this database"), "int"),
            col("kind", N_("termination, warning, enforcement_application or eviction")),
            col("ground", N_("unpaid_rent, disturbance, neglect or other")),
            col("received_on", N_("the day social services recorded it"), "date"),
            col(
                "notified_on",
                N_("the day the landlord's notice reached social services (empty: no record)"),
                "date",
            ),
            col("terminated_on", N_("the day of the termination"), "date"),
            col("served_on", N_("the day the tenant was served (delgiven)"), "date"),
            col("service_method", N_("in_person, substitute, spikning or unknown")),
            col("amount_ore", N_("amount to pay to keep the home, in öre"), "money"),
            col(
                "recovery_deadline",
                N_(
                    "last day to pay and keep the home: the later of served_on and notified_on"
                    " + 21 days, next working day (empty: the period has not started)"
                ),
                "date",
            ),
            col(
                "recovery_missing",
                N_("what the recovery period waits for: served_on, notified_on"),
                "list",
            ),
            col(
                "earliest_decision_on",
                N_("the first day a decision to evict may be given (two working days after)"),
                "date",
            ),
            col("eviction_at", N_("eviction day, with time when known: YYYY-MM-DDTHH:MM")),
            col("enforcement_case", N_("Kronofogden's case number")),
            col(
                "correct_by", N_("a warning: the day the tenant must have corrected it by"), "date"
            ),
            col(
                "especially_serious",
                N_("a termination without a warning because it is especially serious"),
                "bool",
            ),
            col(
                "copy_received_on",
                N_("the day social services received the copy of the termination"),
                "date",
            ),
            col(
                "step_on",
                N_("Kronofogden's steps: the day of the application, decision or request"),
                "date",
            ),
            col("decision_by", N_("a decision: enforcement (utslag), court or rent_tribunal")),
            col("final_on", N_("a decision: the day it became final"), "date"),
            col(
                "barred_risk",
                N_(
                    "a termination that may be barred: no_warning, warning_not_notified,"
                    " before_correct_by (12 kap. 42 § 3 st)"
                ),
            ),
            col("note", N_("free-text note")),
            col("deadline", N_("recovery_deadline, the eviction day, or correct_by"), "date"),
            col("days_left", N_("days from --as-of to the deadline (negative: passed)"), "int"),
            col("created_at", N_("when the row was recorded (UTC timestamp)")),
        ),
        since="n.received_on",
        since_meaning=N_("received on or after"),
        status="h.status",
        derive=_derive_notice,
        part=Part(
            table="notices",
            vocab={"kind": NoticeKind, "ground": Reason, "service_method": ServiceMethod},
            adapt=notice_moved,
        ),
    )
)

register(
    ExportTable(
        name="contacts",
        description=N_("The contact log: letters, calls, meetings, home visits, referrals."),
        sql="""
SELECT h.ref, c.id, c.contact_on, c.kind, c.referral_to, c.text, c.caseworker, c.automatic,
    c.corrects_id, c.status, c.at_time, c.created_at
FROM contacts c JOIN live_households h ON h.id = c.household_id
WHERE {where}
ORDER BY h.ref, c.contact_on, c.id
""",
        columns=(
            col("ref", N_("the case reference, YYYY-NNNN")),
            col("id", N_("the contact's number in this database"), "int"),
            col("contact_on", N_("the day of the contact"), "date"),
            col("kind", N_("letter, phone, sms, email, meeting, home_visit, referral or note")),
            col("referral_to", N_("the service a referral went to")),
            col("text", N_("what happened")),
            col("caseworker", N_("who made the contact")),
            col("automatic", N_("true when logged by the program (e.g. a letter batch)"), "bool"),
            col(
                "corrects_id",
                N_("the entry this one corrects (the corrected entry stays in the log)"),
                "int",
            ),
            col("status", N_("held, planned (booked for contact_on) or cancelled")),
            col("at_time", N_("the booked time of day, HH:MM, if any")),
            col("created_at", N_("when the row was recorded (UTC timestamp)")),
        ),
        since="c.contact_on",
        since_meaning=N_("on or after"),
        status="h.status",
        part=Part(
            table="contacts",
            # By id: a correction points at the entry it corrects, which comes first.
            order_by="id",
            refs={"corrects_id": "contacts"},
            vocab={"kind": ContactKind, "referral_to": ReferralTarget, "status": ContactStatus},
        ),
    )
)

register(
    ExportTable(
        name="consents",
        description=N_("Consent per recipient, and whether it is valid on --as-of."),
        sql=f"""
SELECT h.ref, c.id, c.recipient, c.recipient_name, c.given_on, c.expires_on, c.revoked_on,
    ({consent_valid_sql(":as_of")}) AS valid,
    c.note, c.created_at
FROM consents c JOIN live_households h ON h.id = c.household_id
WHERE {{where}}
ORDER BY h.ref, c.given_on, c.id
""",
        columns=(
            col("ref", N_("the case reference, YYYY-NNNN")),
            col("id", N_("the consent's number in this database"), "int"),
            col("recipient", N_("landlord, enforcement, debt_collector or other")),
            col("recipient_name", N_("the recipient's name, e.g. the landlord")),
            col("given_on", N_("the day consent was given"), "date"),
            col("expires_on", N_("the last day it is valid (empty: until revoked)"), "date"),
            col("revoked_on", N_("the day it was revoked"), "date"),
            col("valid", N_("true when valid on --as-of"), "bool"),
            col("note", N_("free-text note")),
            col("created_at", N_("when the row was recorded (UTC timestamp)")),
        ),
        since="c.given_on",
        since_meaning=N_("given on or after"),
        status="h.status",
        part=Part(
            table="consents",
            order_by="given_on, id",
            vocab={"recipient": Recipient},
            landlords={"landlord_id": "landlord"},
        ),
    )
)
