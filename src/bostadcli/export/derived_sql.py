"""The fields export tables derive in Python (their ``derive``), written in SQL, so that
a CSV export of such a table is written straight from its query (``stream.csv_sql``)."""

from __future__ import annotations

from bostadcli import rules

# A member's age in whole years on :as_of (``dates.age_on`` on ISO dates: the years
# between, less one before the birthday, MM-DD compared as text, which gives the 1 March
# rule for a leap-day birth); none without a birth date that is a real day, or before it
# (a damaged date reads as no date, never as a made-up age).
_AGE_SQL = (
    "(CASE WHEN date(birth_date, '+0 days') IS birth_date AND birth_date <= :as_of"
    " THEN CAST(substr(:as_of, 1, 4) AS INTEGER) - CAST(substr(birth_date, 1, 4) AS INTEGER)"
    " - (substr(:as_of, 6, 5) < substr(birth_date, 6, 5)) END)"
)
_OVERDUE_SQL = "(due_on < :as_of AND NOT (plan_closed_on IS NOT NULL AND plan_closed_on <= :as_of))"
# Fields an export table derives in Python (its ``derive``, by name), written in SQL:
# a table whose derive is listed here (or one that derives nothing) is written as CSV
# straight from its query (``stream.csv_sql``); another derive keeps the row-by-row writer.
DERIVED_SQL: dict[str, dict[str, str]] = {
    "bostadcli.export.tables._derive_household": {
        "days_left": "CAST(julianday(substr(next_deadline, 1, 10)) - julianday(:as_of) AS INTEGER)",
    },
    "bostadcli.export.tables._derive_member": {
        "age": _AGE_SQL,
        "is_child": f"CASE WHEN {_AGE_SQL} < {rules.CHILD_AGE_LIMIT} THEN 'true' ELSE 'false' END",
    },
    "bostadcli.export.plan_tables._derive_plan": {
        "remaining_ore": "debt_ore - paid_ore",
    },
    # plan_standing.installment_status: paid when paid in full, overdue when due before
    # :as_of in a plan not closed by then (plan_closed), otherwise unpaid.
    "bostadcli.export.plan_tables._derive_installment": {
        "status": (
            "CASE WHEN paid_ore >= amount_ore THEN 'paid'"
            f" WHEN {_OVERDUE_SQL} THEN 'overdue' ELSE 'unpaid' END"
        ),
        "days_overdue": (
            "CASE WHEN paid_ore < amount_ore AND "
            f"{_OVERDUE_SQL} THEN CAST(julianday(:as_of) - julianday(due_on) AS INTEGER) END"
        ),
    },
}
