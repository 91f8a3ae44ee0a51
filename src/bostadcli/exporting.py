"""Exports: every table as a stream of rows, and one household as one JSON document.

A table is exportable when it has an entry in the registry (``register(ExportTable(…))``
below): a query, the columns it yields with their meaning, which of its dates
``--since`` compares with, and how its rows travel inside a household document. The
CLI makes one ``bostad export TABLE`` command per entry, and ``bostad export schema``
prints the columns, so a new table is one entry here and nothing else.

Rows come straight from the database cursor, one at a time: an export of any size
runs in constant memory. Personnummer are masked unless asked for, and every export
is written to ``export_log`` (who, when, which command, how many rows, with or
without personnummer) for the audit log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from bostadcli import rules, undertakings, validate
from bostadcli.errors import ConsentRequired, InvalidInput, NotFound
from bostadcli.errors import shown as shown_name
from bostadcli.households import HOUSEHOLD_FIGURES, TENANT_JOIN
from bostadcli.i18n import N_, _, ngettext
from bostadcli.notices import BARRED_RISK
from bostadcli.tabular import Column, write_csv, write_json, write_jsonl
from bostadcli.vocab import (
    CaseStatus,
    ContactKind,
    ContactStatus,
    HousingSituation,
    IdentityLevel,
    LandlordKind,
    LetterLanguage,
    NoticeKind,
    Outcome,
    PlanState,
    PlanStatus,
    Reason,
    Recipient,
    ReferralTarget,
    Role,
    ServiceMethod,
    Source,
    SupportKind,
    TenancyType,
    Vocab,
)

if TYPE_CHECKING:
    from sqlite_utils import Database

FORMATS = ("csv", "json", "jsonl")
CSV_DELIMITERS = (",", ";", "\t")

# The household document: bump the version when a change would make an older
# bostadcli misread a newer file; importing refuses versions it does not know.
# Version 2 added plans (with installments and payments), letters, supports, and the
# landlords those name besides the household's own; version 1 documents still import.
DOCUMENT_FORMAT = "bostadcli-household"
DOCUMENT_VERSION = 2


@dataclass(frozen=True)
class Part:
    """How a table's rows travel inside a household document.

    ``where`` selects the household's rows (``:hid`` is the household's id); ``refs``
    names columns that hold ids of another part's rows, renumbered on import (a part
    may point at itself: rows are imported in ``order_by`` order, so the row pointed
    at must come first); ``vocab`` names columns whose codes must be known to the
    importing installation; ``pnr_columns`` are masked unless personnummer are included.

    ``landlords`` maps a column holding a landlord's id to the document field that
    carries the landlord's name instead: ids mean nothing in another installation,
    names are matched there (the landlord's details travel in the document's
    ``landlord`` or ``landlords``). ``renumber`` gives a row that has its own
    reference (``ref``, e.g. a plan's P-NNNN) a new one from the importing
    installation's sequence; the old one is kept in ``origin_ref``. ``adapt`` changes
    a row for the importing installation, given the references renumbered so far
    (old → new).
    """

    table: str
    where: str = "household_id = :hid"
    order_by: str = "id"
    refs: Mapping[str, str] = field(default_factory=dict)
    vocab: Mapping[str, type[Vocab]] = field(default_factory=dict)
    pnr_columns: tuple[str, ...] = ()
    landlords: Mapping[str, str] = field(default_factory=dict)
    renumber: Callable[[Database], str] | None = None
    adapt: (
        Callable[[dict[str, Any], Mapping[str, str], Mapping[str, Mapping[int, int]]], None] | None
    ) = None


@dataclass(frozen=True)
class ExportTable:
    """One exportable table.

    ``sql`` has a ``{where}`` slot and may use ``:as_of``, ``:cutoff`` (children are born
    after it) and ``:window`` (the oldest passed deadline still shown as next).
    ``since`` and ``status`` are SQL expressions for ``--since`` and ``--status``
    (None: the table has no such filter). ``derive`` adds fields computed in Python.
    Column kinds: text, int, date, money (öre + formatted), pnr (masked unless asked),
    bool (0/1 → true/false), list (comma-separated → list).
    """

    name: str
    description: str
    sql: str
    columns: tuple[Column, ...]
    since: str | None = None
    since_meaning: str = ""
    status: str | None = None
    derive: Callable[[dict[str, Any], date], None] | None = None
    part: Part | None = None

    @property
    def has_pnr(self) -> bool:
        return any(c.kind == "pnr" for c in self.columns)

    @property
    def has_cases(self) -> bool:
        """Whether rows belong to cases (they carry the case reference, ``ref``)."""
        return any(c.key == "ref" for c in self.columns)


TABLES: dict[str, ExportTable] = {}


def register(table: ExportTable) -> ExportTable:
    if table.name in TABLES:
        raise ValueError(f"export table {table.name!r} registered twice")
    TABLES[table.name] = table
    return table


def col(key: str, meaning: str, kind: str = "text", *, name: str | None = None) -> Column:
    """An export column; ``meaning`` is English source text, translated when shown."""
    return Column(key=key, heading=key, kind=kind, name=name, description=meaning)


def _days_left(row: dict[str, Any], as_of: date, key: str) -> None:
    value = row.get(key)
    row["days_left"] = (date.fromisoformat(value[:10]) - as_of).days if value else None


def _derive_household(row: dict[str, Any], as_of: date) -> None:
    _days_left(row, as_of, "next_deadline")


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
    _days_left(row, as_of, "deadline")


def _notice_moved(
    row: dict[str, Any], renumbered: Mapping[str, str], ids: Mapping[str, Mapping[int, int]]
) -> None:
    """A moved notice's recovery deadline by this installation's rule: a document from
    before notified_on kept the day social services received a termination or warning
    in received_on, which is the day it was notified."""
    from bostadcli.dates import parse_date
    from bostadcli.workdays import recovery_deadline

    if "notified_on" not in row and row.get("kind") in ("termination", "warning"):
        row["notified_on"] = row.get("received_on")
    if row.get("kind") != "termination" or (row.get("ground") or "unpaid_rent") != "unpaid_rent":
        return
    served, notified = (
        parse_date(str(row[key]), field=key) if row.get(key) else None
        for key in ("served_on", "notified_on")
    )
    deadline = recovery_deadline(served, notified)
    row["recovery_deadline"] = deadline.isoformat() if deadline else None


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
    m.created_at
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
                    "a termination that may be barred: no_warning, warning_not_notified"
                    " (12 kap. 42 § 3 st)"
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
            adapt=_notice_moved,
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
        sql="""
SELECT h.ref, c.id, c.recipient, c.recipient_name, c.given_on, c.expires_on, c.revoked_on,
    (c.given_on <= :as_of AND (c.expires_on IS NULL OR c.expires_on >= :as_of)
     AND (c.revoked_on IS NULL OR c.revoked_on > :as_of)) AS valid,
    c.note, c.created_at
FROM consents c JOIN live_households h ON h.id = c.household_id
WHERE {where}
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


def _new_plan_ref(db: Database) -> str:
    from bostadcli.plans import allocate_plan_ref

    return allocate_plan_ref(db)


def _derive_plan(row: dict[str, Any], as_of: date) -> None:
    row["remaining_ore"] = row["debt_ore"] - row["paid_ore"]


def _derive_installment(row: dict[str, Any], as_of: date) -> None:
    # As plans.standing has it: a cancelled or replaced plan no longer falls due.
    day = as_of.isoformat()
    closed = row.pop("plan_closed_on")
    if row["paid_ore"] >= row["amount_ore"]:
        row["status"], row["days_overdue"] = "paid", None
    elif row["due_on"] < day and (closed is None or closed > day):
        row["status"] = "overdue"
        row["days_overdue"] = (as_of - date.fromisoformat(row["due_on"])).days
    else:
        row["status"], row["days_overdue"] = "unpaid", None


def _letter_moved(
    row: dict[str, Any], renumbered: Mapping[str, str], ids: Mapping[str, Mapping[int, int]]
) -> None:
    """A letter record arriving with a moved case: the file stays behind, and the plan
    and the supports it is about have a new reference and new numbers."""
    import json

    # A path means nothing here, and a path from a file must never be written to or
    # deleted (a monthly rerun re-creates missing letter files, purge deletes them).
    # Empty, not NULL: 'no file in this installation' to every reader of the column.
    row["file"] = ""
    params = row.get("params")
    if params is None:
        return
    try:
        values = json.loads(params) if isinstance(params, str) else None
    except json.JSONDecodeError:
        values = None
    if not isinstance(values, dict):
        raise InvalidInput("params", str(params), _("expected a JSON object"))
    plan = values.get("plan")
    if plan is not None:
        if plan not in renumbered:
            raise InvalidInput("params", f"plan={plan}", _("points at nothing"))
        values["plan"] = renumbered[plan]
    moved = ids.get("supports", {})

    def support_id(old: object) -> int:
        try:
            number = int(str(old).strip())
        except ValueError:
            number = -1
        if number not in moved:
            raise InvalidInput("params", f"support={old}", _("points at nothing"))
        return moved[number]

    # The batch records the supports a support_ending letter named (so each gets one
    # letter); --param support=ID[,ID] names them by hand. Both follow the move.
    if isinstance(values.get("supports"), list):
        values["supports"] = [support_id(v) for v in values["supports"]]
    if values.get("support") is not None:
        values["support"] = ",".join(
            str(support_id(v)) for v in str(values["support"]).split(",") if v.strip()
        )
    row["params"] = json.dumps(values, ensure_ascii=False)


def _derive_support(row: dict[str, Any], as_of: date) -> None:
    day = as_of.isoformat()
    end = row["effective_end"]
    if row["start_on"] > day:
        row["status"] = "planned"
    elif end is not None and end < day:
        row["status"] = "ended"
    else:
        row["status"] = "active"
    _days_left(row, as_of, "effective_end")
    from bostadcli.supports import state_grant_missed, state_grant_note

    missed = state_grant_missed(
        kind=row["kind"],
        start_on=row["start_on"],
        end_on=row["end_on"],
        cap_ore=row["cap_ore"],
        cap_months=row["cap_months"],
        rent_ore=row.pop("household_rent_ore", None),
        tenancy_type=row.pop("household_tenancy_type", None),
    )
    row["state_grant_missed"] = ",".join(missed) or None
    row["state_grant_note"] = state_grant_note(missed)


# What of a case's plans has been paid on --as-of: payments dated up to that day,
# applied oldest installment first (plans.standing does the same in Python).
_PLAN_PAID = """(SELECT coalesce(sum(y.applied_ore), 0) FROM live_payments y
     WHERE y.plan_id = p.id AND y.paid_on <= :as_of)"""

register(
    ExportTable(
        name="plans",
        description=N_("Repayment plans, with what is paid and what remains on --as-of."),
        sql=f"""
SELECT h.ref, p.ref AS plan, p.status, l.name AS landlord,
    p.debt_ore, p.installment_ore, p.months, p.start_month, p.due_rule, p.whole_kronor,
    {_PLAN_PAID} AS paid_ore,
    p.income_ore, p.created_on, p.cancelled_on, p.completed_on,
    (SELECT o.ref FROM plans o WHERE o.id = p.replaces_plan_id) AS replaces,
    (SELECT n.ref FROM plans n WHERE n.replaces_plan_id = p.id
     ORDER BY n.id DESC LIMIT 1) AS replaced_by,
    p.checked_state, p.checked_on, p.note, p.origin_ref AS origin_plan,
    p.created_at, p.updated_at
FROM plans p
JOIN live_households h ON h.id = p.household_id
JOIN landlords l ON l.id = p.landlord_id
WHERE {{where}}
ORDER BY h.ref, p.id
""",
        columns=(
            col("ref", N_("the case reference, YYYY-NNNN")),
            col("plan", N_("the plan reference, P-NNNN")),
            col("status", N_("active, completed, cancelled or replaced")),
            col("landlord", N_("the landlord the debt is owed to")),
            col("debt_ore", N_("the debt the plan repays, in öre"), "money"),
            col("installment_ore", N_("the monthly installment, in öre"), "money"),
            col("months", N_("how many installments"), "int"),
            col("start_month", N_("the month of the first installment, YYYY-MM")),
            col(
                "due_rule", N_("when in the month an installment is due: last_working_day or a day")
            ),
            col("whole_kronor", N_("true when installments are whole kronor"), "bool"),
            col("paid_ore", N_("paid towards the debt by payments up to --as-of, in öre"), "money"),
            col("remaining_ore", N_("debt less paid_ore, in öre"), "money"),
            col(
                "income_ore",
                N_("the household's monthly income when the plan was agreed, in öre"),
                "money",
            ),
            col("created_on", N_("the day the plan was agreed"), "date"),
            col("cancelled_on", N_("the day it was cancelled or replaced"), "date"),
            col("completed_on", N_("the day of the payment that completed it"), "date"),
            col("replaces", N_("the plan this one replaces, P-NNNN")),
            col("replaced_by", N_("the plan that replaced this one, P-NNNN")),
            col(
                "checked_state",
                N_("on_track, behind, broken, … as 'bostad plan check' last saw it"),
            ),
            col("checked_on", N_("the day of that check"), "date"),
            col("note", N_("free-text note")),
            col("origin_plan", N_("the plan reference in the installation it was moved from")),
            col("created_at", N_("when the row was recorded (UTC timestamp)")),
            col("updated_at", N_("when the plan last changed (UTC timestamp)")),
        ),
        since="p.created_on",
        since_meaning=N_("agreed on or after"),
        status="h.status",
        derive=_derive_plan,
        part=Part(
            table="plans",
            refs={"replaces_plan_id": "plans"},
            vocab={"status": PlanStatus, "checked_state": PlanState},
            landlords={"landlord_id": "landlord"},
            renumber=_new_plan_ref,
        ),
    )
)

_HOUSEHOLD_PLANS = "plan_id IN (SELECT id FROM plans WHERE household_id = :hid)"

register(
    ExportTable(
        name="installments",
        description=N_("The schedule of each plan: one row per monthly installment."),
        sql=f"""
SELECT h.ref, p.ref AS plan, i.seq, i.month, i.due_on, i.amount_ore,
    max(0, min(i.amount_ore, {_PLAN_PAID}
        - (SELECT coalesce(sum(e.amount_ore), 0) FROM installments e
           WHERE e.plan_id = i.plan_id AND e.seq < i.seq))) AS paid_ore,
    p.cancelled_on AS plan_closed_on
FROM installments i
JOIN plans p ON p.id = i.plan_id
JOIN live_households h ON h.id = p.household_id
WHERE {{where}}
ORDER BY h.ref, p.id, i.seq
""",
        columns=(
            col("ref", N_("the case reference, YYYY-NNNN")),
            col("plan", N_("the plan reference, P-NNNN")),
            col("seq", N_("the installment's number in the plan, from 1"), "int"),
            col("month", N_("the month it belongs to, YYYY-MM")),
            col("due_on", N_("the day it is due (a working day)"), "date"),
            col("amount_ore", N_("the amount due, in öre"), "money"),
            col(
                "paid_ore",
                N_("paid towards it by payments up to --as-of (oldest first), in öre"),
                "money",
            ),
            col("status", N_("paid, unpaid or overdue on --as-of")),
            col("days_overdue", N_("days past the due day on --as-of, when overdue"), "int"),
        ),
        since="i.due_on",
        since_meaning=N_("due on or after"),
        status="h.status",
        derive=_derive_installment,
        part=Part(
            table="installments",
            where=_HOUSEHOLD_PLANS,
            order_by="plan_id, seq",
            refs={"plan_id": "plans"},
        ),
    )
)

register(
    ExportTable(
        name="payments",
        description=N_("Payments towards repayment plans."),
        sql="""
SELECT h.ref, p.ref AS plan, y.id, y.paid_on, y.amount_ore, y.applied_ore,
    y.amount_ore - y.applied_ore AS excess_ore, y.note, y.created_at
FROM live_payments y
JOIN plans p ON p.id = y.plan_id
JOIN live_households h ON h.id = p.household_id
WHERE {where}
ORDER BY h.ref, y.paid_on, y.id
""",
        columns=(
            col("ref", N_("the case reference, YYYY-NNNN")),
            col("plan", N_("the plan reference, P-NNNN")),
            col("id", N_("the payment's number in this database"), "int"),
            col("paid_on", N_("the day it was paid"), "date"),
            col("amount_ore", N_("the amount paid, in öre"), "money"),
            col("applied_ore", N_("the part that went to the installments, in öre"), "money"),
            col(
                "excess_ore",
                N_("paid beyond the whole debt (recorded with --allow-overpay), in öre"),
                "money",
            ),
            col("note", N_("free-text note")),
            col("created_at", N_("when the row was recorded (UTC timestamp)")),
        ),
        since="y.paid_on",
        since_meaning=N_("paid on or after"),
        status="h.status",
        part=Part(table="payments", where=_HOUSEHOLD_PLANS, refs={"plan_id": "plans"}),
    )
)

register(
    ExportTable(
        name="letters",
        description=N_("Letters sent, one row per letter (the record, not the file)."),
        sql="""
SELECT h.ref, l.id, l.kind, l.period, l.dated_on, l.recipient, l.address, l.format,
    json_extract(l.params, '$.plan') AS plan, l.params, l.template_version, l.file,
    l.created_at
FROM letters l JOIN live_households h ON h.id = l.household_id
WHERE {where}
ORDER BY h.ref, l.dated_on, l.id
""",
        columns=(
            col("ref", N_("the case reference, YYYY-NNNN")),
            col("id", N_("the letter's number in this database"), "int"),
            col("kind", N_("outreach, meeting, plan_agreement, plan_reminder, …")),
            col(
                "period",
                N_("the month of the monthly batch that sent it, YYYY-MM (empty: one-off)"),
            ),
            col("dated_on", N_("the date on the letter"), "date"),
            col("recipient", N_("whom it was addressed to")),
            col("address", N_("the address it was sent to (lines)")),
            col("format", N_("pdf, html or txt")),
            col("plan", N_("the plan it is about, P-NNNN")),
            col(
                "params",
                N_(
                    "the letter's parameters as a JSON object (a meeting's date and time, the plan)"
                ),
            ),
            col("template_version", N_("the version of the template it was made from")),
            col(
                "file",
                N_(
                    "the letter's file (empty if it came with a moved case: the file stayed behind)"
                ),
            ),
            col("created_at", N_("when the row was recorded (UTC timestamp)")),
        ),
        since="l.dated_on",
        since_meaning=N_("dated on or after"),
        status="h.status",
        part=Part(table="letters", adapt=_letter_moved),
    )
)

register(
    ExportTable(
        name="supports",
        description=N_("Support measures: rent guarantees, priority allocations, stays, …"),
        sql="""
SELECT h.ref, s.id, s.kind, s.start_on, s.end_on, s.ended_on, s.end_reason,
    coalesce(min(s.ended_on, s.end_on), s.ended_on, s.end_on) AS effective_end,
    l.name AS landlord, s.cap_ore, s.cap_months,
    CASE WHEN s.cap_ore IS NOT NULL THEN s.cap_ore
         WHEN s.cap_months IS NOT NULL AND h.rent_ore IS NOT NULL
         THEN s.cap_months * h.rent_ore END AS cap_effective_ore,
    s.claimed_ore, s.reclaimed_ore, s.granted_on, s.flat_offered,
    s.place, s.nights_from, s.nights_to,
    CAST(julianday(CASE WHEN s.ended_on < s.nights_to THEN s.ended_on ELSE s.nights_to END)
         - julianday(s.nights_from) AS INTEGER) AS nights,
    s.cost_ore, s.cost_granted, s.support_person, s.note, s.created_at, s.updated_at,
    h.rent_ore AS household_rent_ore, h.tenancy_type AS household_tenancy_type
FROM supports s
JOIN live_households h ON h.id = s.household_id
LEFT JOIN landlords l ON l.id = s.landlord_id
WHERE {where}
ORDER BY h.ref, s.start_on, s.id
""",
        columns=(
            col("ref", N_("the case reference, YYYY-NNNN")),
            col("id", N_("the support's number in this database (bostad support end)"), "int"),
            col(
                "kind",
                N_("rent_guarantee, priority_allocation, emergency_housing, housing_first, …"),
            ),
            col("start_on", N_("the first day of the support"), "date"),
            col("end_on", N_("its planned last day"), "date"),
            col("ended_on", N_("the day it actually ended"), "date"),
            col("end_reason", N_("why it ended")),
            col("effective_end", N_("the earlier of end_on and ended_on"), "date"),
            col("status", N_("planned, active or ended on --as-of")),
            col("days_left", N_("days from --as-of to effective_end (negative: passed)"), "int"),
            col("landlord", N_("the landlord or housing company it concerns")),
            col("cap_ore", N_("a rent guarantee's cap in öre"), "money"),
            col("cap_months", N_("a rent guarantee's cap in months of rent"), "int"),
            col(
                "cap_effective_ore",
                N_("the cap in öre: cap_ore, or cap_months times the household's rent"),
                "money",
            ),
            col(
                "claimed_ore",
                N_("what the landlord has claimed under the guarantee, in öre"),
                "money",
            ),
            col("reclaimed_ore", N_("what has been reclaimed from the tenant, in öre"), "money"),
            col("granted_on", N_("the day a priority allocation was granted"), "date"),
            col("flat_offered", N_("the flat offered under a priority allocation")),
            col("place", N_("where an emergency stay is")),
            col("nights_from", N_("the first night of an emergency stay"), "date"),
            col("nights_to", N_("the morning the person leaves"), "date"),
            col("nights", N_("nights of the stay, up to the day it ended"), "int"),
            col("cost_ore", N_("the cost of an emergency stay, in öre"), "money"),
            col("cost_granted", N_("true when the cost was granted"), "bool"),
            col("support_person", N_("a Housing First support person")),
            col("note", N_("free-text note")),
            col("created_at", N_("when the row was recorded (UTC timestamp)")),
            col("updated_at", N_("when the support last changed (UTC timestamp)")),
            col(
                "state_grant_missed",
                N_(
                    "a rent guarantee's missed conditions of the state grant:"
                    " cover_under_six_months, cover_unknown, term_under_two_years,"
                    " not_first_hand, tenancy_unknown (empty: all met, or not a guarantee)"
                ),
                "list",
            ),
            col("state_grant_note", N_("the same in words, in the user's language")),
        ),
        since="s.start_on",
        since_meaning=N_("starting on or after"),
        status="h.status",
        derive=_derive_support,
        part=Part(
            table="supports",
            vocab={"kind": SupportKind},
            landlords={"landlord_id": "landlord"},
        ),
    )
)


def _undertaking_moved(
    row: dict[str, Any], renumbered: Mapping[str, str], ids: Mapping[str, Mapping[int, int]]
) -> None:
    """An undertaking is given to a landlord: one without is no undertaking. (Imported
    after the notices, which it points at.)"""
    if row.get("landlord_id") is None:
        raise InvalidInput("landlord", "", _("missing"))


register(
    ExportTable(
        name="undertakings",
        description=N_("Social services' written undertakings to pay the rent."),
        sql=f"""
SELECT h.ref, u.id, u.given_on, l.name AS landlord, u.covers, u.amount_ore, u.decided_by,
    u.notice_id, n.recovery_deadline,
    {undertakings.STOPS_EVICTION} AS stops_eviction,
    u.note, u.created_at
FROM undertakings u
JOIN live_households h ON h.id = u.household_id
JOIN landlords l ON l.id = u.landlord_id
LEFT JOIN live_notices n ON n.id = u.notice_id AND {undertakings.RENT_TERMINATION}
WHERE {{where}}
ORDER BY h.ref, u.given_on, u.id
""",
        columns=(
            col("ref", N_("the case reference, YYYY-NNNN")),
            col("id", N_("the undertaking's number in this database"), "int"),
            col("given_on", N_("the day it was given to the landlord in writing"), "date"),
            col("landlord", N_("the landlord it was given to")),
            col("covers", N_("what it covers")),
            col("amount_ore", N_("the amount it covers, in öre (empty: none named)"), "money"),
            col("decided_by", N_("who decided it")),
            col("notice_id", N_("the termination for unpaid rent it answers"), "int"),
            col(
                "recovery_deadline",
                N_("that termination's recovery deadline (empty once it is voided)"),
                "date",
            ),
            col(
                "stops_eviction",
                N_(
                    "true when it stops the eviction: given to the landlord who terminated,"
                    " within the recovery period of the termination for unpaid rent it answers,"
                    " while that termination stands"
                ),
                "bool",
            ),
            col("note", N_("free-text note")),
            col("created_at", N_("when the row was recorded (UTC timestamp)")),
        ),
        since="u.given_on",
        since_meaning=N_("given on or after"),
        status="h.status",
        part=Part(
            table="undertakings",
            refs={"notice_id": "notices"},
            landlords={"landlord_id": "landlord"},
            adapt=_undertaking_moved,
        ),
    )
)


def get_table(name: str) -> ExportTable:
    try:
        return TABLES[name]
    except KeyError:
        raise InvalidInput(
            "table", name, _("must be one of: {allowed}").format(allowed=", ".join(TABLES))
        ) from None


def show_pnr(digits: str, *, include_pnr: bool) -> str:
    from bostadcli.pnr import IdentityNumber

    number = IdentityNumber(digits)
    return number.formatted() if include_pnr else number.masked()


def _params(as_of: date) -> dict[str, Any]:
    from bostadcli.households import figure_params

    return figure_params(as_of)


def _query(
    table: ExportTable, *, as_of: date, since: date | None, status: str | None
) -> tuple[str, dict[str, Any]]:
    """The table's SQL with the ``--since`` and ``--status`` filters, and its parameters."""
    where = ["1 = 1"]
    params = _params(as_of)
    if since is not None:
        if table.since is None:
            raise InvalidInput("--since", since.isoformat(), _("this table has no date to filter"))
        where.append(f"{table.since} >= :since")
        params["since"] = since.isoformat()
    if status is not None and status != "all":
        if table.status is None:
            raise InvalidInput("--status", status, _("this table has no case status to filter"))
        code = _status_choice(status)
        where.append(f"{table.status} = :status")
        params["status"] = code
    return table.sql.format(where=" AND ".join(where)), params


def iter_rows(
    db: Database,
    name: str,
    *,
    as_of: date,
    include_pnr: bool = False,
    since: date | None = None,
    status: str | None = None,
    landlord_id: int | None = None,
    today: date | None = None,
) -> Iterator[dict[str, Any]]:
    """The rows of an export table, one at a time from the cursor.

    ``status`` is open, closed or all (None: all); ``since`` keeps rows whose date
    (the table's ``since_meaning``) is on or after it. ``landlord_id`` keeps the rows of
    that landlord's tenants who consent to their landlord on the real date ``today``.
    """
    from bostadcli.consents import consent_day

    table = get_table(name)
    sql, params = _query(table, as_of=as_of, since=since, status=status)
    sql, params = _for_landlord(table, sql, params, landlord_id, consent_day(today))
    return _stream(db, table, sql, params, as_of, include_pnr)


def recipient_choice(value: str | None) -> Recipient | None:
    """The ``--recipient`` option: None when the data stays with social services."""
    return None if value is None else validate.choice(Recipient, value, field="--recipient")


# A refusal names this many cases and counts the rest, so it stays one line.
_REFUSAL_REFS_SHOWN = 10


def _refuse_without_consent(missing: list[str], recipient: Recipient, on: date) -> None:
    if not missing:
        return
    from bostadcli.dates import format_date

    shown = ", ".join(missing[:_REFUSAL_REFS_SHOWN])
    if len(missing) > _REFUSAL_REFS_SHOWN:
        shown += " " + _("and {n} more").format(n=len(missing) - _REFUSAL_REFS_SHOWN)
    raise ConsentRequired(
        ngettext(
            "{n} case has no valid consent for {recipient} on {date}: {refs};"
            " record it with 'bostad consent add REF --recipient {code} --given DATE'",
            "{n} cases have no valid consent for {recipient} on {date}: {refs};"
            " record them with 'bostad consent add REF --recipient {code} --given DATE'",
            len(missing),
        ).format(
            n=len(missing),
            recipient=recipient.label,
            date=format_date(on, "long"),
            refs=shown,
            code=recipient.value,
        )
    )


def cases_without_consent(
    db: Database,
    name: str,
    recipient: Recipient,
    *,
    as_of: date,
    since: date | None = None,
    status: str | None = None,
    today: date | None = None,
    landlord_id: int | None = None,
) -> list[str]:
    """The cases an export would include that have no consent for ``recipient`` valid
    on the real date (``consents.consent_day(today)``; ``as_of`` only picks the rows).

    For a landlord, only the cases of ``landlord_id`` are considered: an export for a
    landlord carries that landlord's tenants and nobody else.
    A table without cases (landlords) carries nobody's circumstances: nothing to consent to.
    """
    from bostadcli.consents import cases_without_consent_sql, consent_day

    table = get_table(name)
    if not table.has_cases:
        return []
    sql, params = _query(table, as_of=as_of, since=since, status=status)
    params |= {"who": recipient.value, "on": consent_day(today).isoformat()}
    only = ""
    if landlord_id is not None:
        only = "AND x.ref IN (SELECT ref FROM households WHERE landlord_id = :export_landlord)"
        params["export_landlord"] = landlord_id
    cursor = db.execute(
        f"""
        SELECT DISTINCT x.ref FROM ({sql}) AS x
        WHERE {cases_without_consent_sql("x.ref")} {only}
        ORDER BY x.ref
        """,
        params,
    )
    return [str(r[0]) for r in cursor.fetchall()]


def recipient_landlord(db: Database, who: Recipient | None, landlord: str | None) -> int | None:
    """The landlord an export for a landlord is for (``--landlord NAME``), by id.

    Consent to share with "the landlord" is consent for the household's own landlord,
    never landlords in general: such an export must name the landlord.
    """
    from bostadcli.landlords import get_landlord

    if who is not Recipient.landlord:
        if landlord is not None:
            raise InvalidInput("--landlord", landlord, _("only with --recipient landlord"))
        return None
    if landlord is None:
        raise InvalidInput(
            "--landlord",
            "",
            _("an export for a landlord must name the landlord: add --landlord NAME"),
        )
    return int(get_landlord(db, landlord)["id"])


def _landlord_name(db: Database, landlord_id: int | None) -> str | None:
    if landlord_id is None:
        return None
    found = db.execute("SELECT name FROM landlords WHERE id = ?", [landlord_id]).fetchone()
    return None if found is None else str(found[0])


def _for_landlord(
    table: ExportTable, sql: str, params: dict[str, Any], landlord_id: int | None, on: date
) -> tuple[str, dict[str, Any]]:
    """Keep the rows of ``landlord_id``'s tenants who consent to their landlord on ``on``."""
    from bostadcli.consents import cases_without_consent_sql

    if landlord_id is None or not table.has_cases:
        return sql, params
    params = params | {
        "export_landlord": landlord_id,
        "who": Recipient.landlord.value,
        "on": on.isoformat(),
    }
    return (
        f"SELECT x.* FROM ({sql}) AS x"
        " WHERE x.ref IN (SELECT ref FROM households WHERE landlord_id = :export_landlord)"
        f" AND NOT {cases_without_consent_sql('x.ref')}",
        params,
    )


def _status_choice(status: str) -> str:
    allowed = [s.value for s in CaseStatus] + ["all"]
    if status not in allowed:
        raise InvalidInput(
            "--status", status, _("must be one of: {allowed}").format(allowed=", ".join(allowed))
        )
    return status


def _stream(
    db: Database,
    table: ExportTable,
    sql: str,
    params: dict[str, Any],
    as_of: date,
    include_pnr: bool,
) -> Iterator[dict[str, Any]]:
    # Validation above runs when iter_rows is called; only the reading is lazy.
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    pnr_keys = [c.key for c in table.columns if c.kind == "pnr" and c.key in names]
    bool_keys = [c.key for c in table.columns if c.kind == "bool" and c.key in names]
    list_keys = [c.key for c in table.columns if c.kind == "list" and c.key in names]

    def generate() -> Iterator[dict[str, Any]]:
        try:
            for values in cursor:
                row = dict(zip(names, values, strict=True))
                for key in pnr_keys:
                    if row[key]:
                        row[key] = show_pnr(row[key], include_pnr=include_pnr)
                for key in bool_keys:
                    if row[key] is not None:
                        row[key] = bool(row[key])
                for key in list_keys:
                    row[key] = row[key].split(",") if row[key] else []
                if table.derive is not None:
                    table.derive(row, as_of)
                yield row
        finally:
            cursor.close()

    return generate()


class _Counted:
    """Counts the rows that pass through, so a cut-short export is logged truthfully."""

    def __init__(self, rows: Iterator[dict[str, Any]]) -> None:
        self.rows = rows
        self.count = 0
        # The cases whose rows left, for the disclosure log.
        self.refs: set[str] = set()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for row in self.rows:
            self.count += 1
            ref = row.get("ref")
            if isinstance(ref, str):
                self.refs.add(ref)
            yield row

    def close(self) -> None:
        # Ends the cursor now, not whenever the generator is collected (the database
        # may be closed by then).
        close = getattr(self.rows, "close", None)
        if close is not None:
            close()


def export_table(
    db: Database,
    name: str,
    out: IO[str],
    *,
    fmt: str = "csv",
    as_of: date,
    include_pnr: bool = False,
    since: date | None = None,
    status: str | None = None,
    bom: bool = False,
    delimiter: str = ",",
    recipient: str | None = None,
    landlord: str | None = None,
    command: str,
    today: date | None = None,
) -> int:
    """Write one table to ``out`` as CSV, JSON or JSON Lines; returns the row count.

    With a ``recipient`` outside social services, consent is judged on the real date
    ``today`` (default: the machine's date), whatever ``as_of`` replays. For Kronofogden
    or a debt collector every case in the export must have valid consent, or nothing is
    written (ConsentRequired names the cases without it). For a landlord, ``landlord``
    names which one, and the export holds only that landlord's tenants who consent to
    their landlord (``cases_without_consent`` with ``landlord_id`` lists those left out).
    The export is logged even when writing stops half-way (a closed pipe): the log
    says how many rows left the database, and for whom.
    """
    from bostadcli.consents import consent_day

    if fmt not in FORMATS:
        raise InvalidInput(
            "--format", fmt, _("must be one of: {allowed}").format(allowed="csv, json, jsonl")
        )
    if fmt != "csv" and (bom or delimiter != ","):
        raise InvalidInput("--format", fmt, _("--bom and --delimiter apply to CSV only"))
    if delimiter not in CSV_DELIMITERS:
        raise InvalidInput("--delimiter", delimiter, _("use ',', ';' or a tab"))
    table = get_table(name)
    who = recipient_choice(recipient)
    landlord_id = recipient_landlord(db, who, landlord)
    landlord_name = _landlord_name(db, landlord_id)
    on = consent_day(today)
    if who is not None and who is not Recipient.landlord:
        _refuse_without_consent(
            cases_without_consent(db, name, who, as_of=as_of, since=since, status=status, today=on),
            who,
            on,
        )
    columns = list(table.columns)
    rows = _Counted(
        iter_rows(
            db,
            name,
            as_of=as_of,
            include_pnr=include_pnr,
            since=since,
            status=status,
            landlord_id=landlord_id,
            today=on,
        )
    )
    try:
        if fmt == "csv":
            write_csv(rows, columns, out, delimiter=delimiter, bom=bom)
        elif fmt == "json":
            write_json(rows, columns, out)
        else:
            write_jsonl(rows, columns, out)
        out.flush()
    finally:
        rows.close()
        record_export(
            db,
            command=command,
            table_name=name,
            row_count=rows.count,
            include_pnr=include_pnr and table.has_pnr,
            recipient=who,
            recipient_name=landlord_name,
            refs=rows.refs,
        )
    return rows.count


def os_user() -> str:
    # The same login as the audit log names: the process's own, not $USER.
    from bostadcli.audit import os_user as login

    return login()


def record_export(
    db: Database,
    *,
    command: str,
    table_name: str,
    row_count: int,
    include_pnr: bool,
    recipient: Recipient | None = None,
    recipient_name: str | None = None,
    refs: Iterable[str] = (),
    household_ids: Iterable[int] = (),
) -> None:
    """Log an export as a disclosure of the cases it carried (``audit.record_disclosure``)."""
    from bostadcli.audit import record_disclosure

    record_disclosure(
        db,
        what=table_name,
        row_count=row_count,
        include_pnr=include_pnr,
        refs=refs,
        household_ids=household_ids,
        recipient=recipient.value if recipient else None,
        recipient_name=recipient_name,
        command=command,
    )


# The columns of a household row that a document carries (everything but the ids).
HOUSEHOLD_FIELDS = (
    "ref",
    "status",
    "opened_on",
    "closed_on",
    "outcome",
    "street",
    "postal_code",
    "city",
    "contract_number",
    "rent_ore",
    "arrears_ore",
    "source",
    "housing_situation",
    "caseworker",
    "note",
    "origin_ref",
    "letter_language",
    "phone",
    "email",
    "care_of",
    "care_of_street",
    "care_of_postal_code",
    "care_of_city",
    "tenancy_type",
    "housing_allowance_ore",
    "created_at",
    "updated_at",
)
HOUSEHOLD_VOCAB: dict[str, type[Vocab]] = {
    "letter_language": LetterLanguage,
    "tenancy_type": TenancyType,
    "status": CaseStatus,
    "outcome": Outcome,
    "source": Source,
    "housing_situation": HousingSituation,
}
LANDLORD_FIELDS = (
    "name",
    "org_number",
    "kind",
    "contact_person",
    "phone",
    "email",
    "street",
    "postal_code",
    "city",
    "cooperation_agreement_on",
    "created_at",
    "updated_at",
)
LANDLORD_VOCAB: dict[str, type[Vocab]] = {"kind": LandlordKind}


def document_parts() -> dict[str, Part]:
    """The parts of a household document, by name, in the order they are imported."""
    return {name: t.part for name, t in TABLES.items() if t.part is not None}


def export_household(
    db: Database,
    ref: str,
    *,
    include_pnr: bool = False,
    recipient: str | None = None,
    landlord: str | None = None,
    as_of: date,
    command: str,
    today: date | None = None,
) -> dict[str, Any]:
    """One case with everything recorded about it, as one JSON-ready document.

    The document keeps the stored values (money in öre, ISO dates, timestamps, ids for
    rows that point at each other) so ``import_household`` rebuilds the case as it was.
    Landlords are named, not numbered: the household's own in ``landlord``, the others
    its plans and supports name in ``landlords``. Letters travel as records; their
    files stay where they were written. With a ``recipient`` outside social services
    the case needs consent for it valid on the real date ``today`` (not ``as_of``); for
    a landlord, ``landlord`` must name the household's own landlord.
    """
    from bostadcli.consents import require_consent
    from bostadcli.db import now_utc, one, rows
    from bostadcli.households import household_id

    hid = household_id(db, ref)
    who = recipient_choice(recipient)
    landlord_id = recipient_landlord(db, who, landlord)
    stored = one(db, "SELECT * FROM households WHERE id = ?", [hid])
    if stored is None:
        raise NotFound(_("no household {ref}").format(ref=ref))
    if landlord_id is not None and stored["landlord_id"] != landlord_id:
        raise ConsentRequired(
            _(
                "{ref} is not a tenant of {landlord}: consent to share with the landlord"
                " covers the household's own landlord only"
            ).format(ref=ref, landlord=shown_name(landlord or ""))
        )
    if who is not None:
        require_consent(db, ref, who, today=today)
    household = {k: stored[k] for k in HOUSEHOLD_FIELDS}
    household["reasons"] = [
        r["reason"]
        for r in rows(
            db,
            "SELECT reason FROM household_reasons WHERE household_id = ? ORDER BY reason",
            [hid],
        )
    ]
    landlords: dict[int, dict[str, Any]] = {}

    def landlord_named(landlord_id: int) -> str:
        if landlord_id not in landlords:
            found = one(db, "SELECT * FROM landlords WHERE id = ?", [landlord_id])
            assert found is not None
            landlords[landlord_id] = {k: found[k] for k in LANDLORD_FIELDS}
        return str(landlords[landlord_id]["name"])

    if stored["landlord_id"] is not None:
        landlord_named(stored["landlord_id"])
    document: dict[str, Any] = {
        "format": DOCUMENT_FORMAT,
        "format_version": DOCUMENT_VERSION,
        "exported_at": now_utc(),
        "pnr_included": include_pnr,
        "household": household,
        "landlord": None if stored["landlord_id"] is None else landlords[stored["landlord_id"]],
        "landlords": [],
    }
    count = 1
    for name, part in document_parts().items():
        part_rows = rows(
            db,
            f"SELECT * FROM {part.table} WHERE {part.where} ORDER BY {part.order_by}",
            {"hid": hid},
        )
        for row in part_rows:
            row.pop("household_id", None)
            for key in part.pnr_columns:
                if row.get(key):
                    row[key] = show_pnr(row[key], include_pnr=include_pnr)
            for column, named in part.landlords.items():
                landlord_id = row.pop(column)
                row[named] = None if landlord_id is None else landlord_named(landlord_id)
        document[name] = part_rows
        count += len(part_rows)
    # The other landlords the case's rows name (a plan's creditor, a guarantee's
    # landlord), so the importing installation can add those it does not know.
    document["landlords"] = sorted(
        (v for k, v in landlords.items() if k != stored["landlord_id"]),
        key=lambda v: str(v["name"]).casefold(),
    )
    record_export(
        db,
        command=command,
        table_name="household",
        row_count=count,
        include_pnr=include_pnr,
        recipient=who,
        recipient_name=_landlord_name(db, landlord_id),
        household_ids=[hid],
    )
    return document


def schema_markdown() -> str:
    """The columns of every export table and what they mean, as Markdown."""
    lines: list[str] = []
    for table in TABLES.values():
        lines += [f"#### `{table.name}`", "", _(table.description), ""]
        if table.since:
            lines += [_("`--since DATE`: {meaning} DATE.").format(meaning=_(table.since_meaning))]
        if table.status:
            lines += [_("`--status open|closed|all`: the status of the case.")]
        lines += ["", "| " + _("column") + " | " + _("meaning") + " |", "|---|---|"]
        for c in table.columns:
            lines.append(f"| `{c.key}` | {_(c.description)} |")
            if c.kind == "money":
                lines.append(
                    f"| `{c.formatted_name}` | "
                    + _("{key} formatted, e.g. 14 900 kr").format(key=c.key)
                    + " |"
                )
        lines.append("")
    return "\n".join(lines)
