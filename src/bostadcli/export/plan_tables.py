"""The export tables of repayment plans, letters, supports and undertakings
(registered after those of ``export.tables``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from bostadcli import undertakings
from bostadcli.casemove.adapt import new_plan_ref, undertaking_moved
from bostadcli.casemove.letters import letter_moved
from bostadcli.export.registry import ExportTable, Part, col, register
from bostadcli.export.tables import days_left
from bostadcli.i18n import N_
from bostadcli.plans import installment_paid_sql, installment_status, plan_closed, plan_paid_sql
from bostadcli.supports import (
    EFFECTIVE_END,
    STAY_NIGHTS,
    state_grant_missed,
    state_grant_note,
    support_status,
)
from bostadcli.vocab import PlanState, PlanStatus, SupportKind


def _derive_plan(row: dict[str, Any], as_of: date) -> None:
    row["remaining_ore"] = row["debt_ore"] - row["paid_ore"]


def _derive_installment(row: dict[str, Any], as_of: date) -> None:
    status, row["days_overdue"] = installment_status(
        row["amount_ore"],
        row["paid_ore"],
        row["due_on"],
        on=as_of,
        closed=plan_closed(row.pop("plan_closed_on"), as_of),
    )
    row["status"] = status.value


def _derive_support(row: dict[str, Any], as_of: date) -> None:
    row["status"] = support_status(
        row["start_on"], row["effective_end"], as_of, withdrawn_on=row["withdrawn_on"]
    )
    days_left(row, as_of, "effective_end")
    if row["withdrawn_on"] is not None and row["nights"] is not None:
        row["nights"] = 0  # never began
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
_PLAN_PAID = plan_paid_sql("p.id", ":as_of")

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
            renumber=new_plan_ref,
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
    {installment_paid_sql("i", ":as_of", plan="p.id")} AS paid_ore,
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
        part=Part(table="letters", adapt=letter_moved),
    )
)

register(
    ExportTable(
        name="supports",
        description=N_("Support measures: rent guarantees, priority allocations, stays, …"),
        sql=f"""
SELECT h.ref, s.id, s.kind, s.start_on, s.end_on, s.ended_on, s.withdrawn_on, s.end_reason,
    {EFFECTIVE_END} AS effective_end,
    l.name AS landlord, s.cap_ore, s.cap_months,
    CASE WHEN s.cap_ore IS NOT NULL THEN s.cap_ore
         WHEN s.cap_months IS NOT NULL AND h.rent_ore IS NOT NULL
         THEN s.cap_months * h.rent_ore END AS cap_effective_ore,
    s.claimed_ore, s.reclaimed_ore, s.granted_on, s.flat_offered,
    s.place, s.nights_from, s.nights_to,
    {STAY_NIGHTS} AS nights,
    s.cost_ore, s.cost_granted, s.support_person, s.note, s.created_at, s.updated_at,
    h.rent_ore AS household_rent_ore, h.tenancy_type AS household_tenancy_type
FROM supports s
JOIN live_households h ON h.id = s.household_id
LEFT JOIN landlords l ON l.id = s.landlord_id
WHERE {{where}}
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
            col(
                "effective_end",
                N_("withdrawn_on, else the earlier of end_on and ended_on"),
                "date",
            ),
            col(
                "status",
                N_("planned, active, ended or withdrawn (called off before it began) on --as-of"),
            ),
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
            col("withdrawn_on", N_("the day it was called off before it began"), "date"),
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
            adapt=undertaking_moved,
        ),
    )
)
