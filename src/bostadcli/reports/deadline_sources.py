"""The sources of the deadline screen: one function per kind of entry.

Each source takes the ``Scope`` (database, day, windows, policy, SQL parameters and the
households in view) and returns its entries, each made by ``deadlines.entry``.
``DEADLINE_SOURCES`` lists them in order of severity: at equal band, date and children,
the entry of an earlier source comes first, so what costs a home comes before what only
needs a call. A new kind of deadline is one more function here, put in the list at its
place (docs/architecture-reports.md has the recipe).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bostadcli.db import rows
from bostadcli.errors import InvalidInput
from bostadcli.plans import plans_overdue
from bostadcli.reports.deadlines import (
    DEADLINE_FIELDS,
    HOUSEHOLD,
    OPEN_CASE,
    RENT_TERMINATION,
    UNDERTAKING,
    Scope,
    Source,
    entry,
)
from bostadcli.supports import support_ending_candidates
from bostadcli.vocab import DeadlineKind


def _recovery_deadlines(scope: Scope) -> list[dict[str, Any]]:
    """Recovery deadlines of rent terminations, with the earliest eviction decision and
    the undertaking that stops the eviction, if one was given."""
    from bostadcli.workdays import earliest_eviction_decision

    out = []
    for row in rows(
        scope.db,
        f"""
        SELECT {HOUSEHOLD}, n.id AS notice_id, n.recovery_deadline AS due_on, n.amount_ore,
            {UNDERTAKING} AS undertaking_on
        FROM live_notices n JOIN live_households h ON h.id = n.household_id
        WHERE {OPEN_CASE} AND n.recovery_deadline BETWEEN :from AND :legal_to
        """,
        scope.params,
    ):
        earliest = earliest_eviction_decision(date.fromisoformat(row["due_on"]))
        row["earliest_decision_on"] = earliest.isoformat()
        out.append(entry(DeadlineKind.recovery_deadline, row["due_on"], row, scope.as_of))
    return out


def _earliest_decisions(scope: Scope) -> list[dict[str, Any]]:
    """The first day Kronofogden may decide on an eviction for the rent, after a recovery
    deadline that passed without an undertaking (12 kap. 44 § 2 st)."""
    from bostadcli.workdays import earliest_eviction_decision

    out = []
    for row in rows(
        scope.db,
        f"""
        SELECT {HOUSEHOLD}, n.id AS notice_id, n.recovery_deadline, n.amount_ore
        FROM live_notices n JOIN live_households h ON h.id = n.household_id
        WHERE {OPEN_CASE} AND n.recovery_deadline < :as_of AND n.recovery_deadline >= :decision_from
            AND {UNDERTAKING} IS NULL
        """,
        scope.params,
    ):
        due = earliest_eviction_decision(date.fromisoformat(row["recovery_deadline"]))
        if scope.params["from"] <= due.isoformat() <= scope.params["legal_to"]:
            row["earliest_decision_on"] = due.isoformat()
            out.append(entry(DeadlineKind.eviction_decision, due.isoformat(), row, scope.as_of))
    return out


def _recovery_not_started(scope: Scope) -> list[dict[str, Any]]:
    """Rent terminations whose recovery period has not started: no service date, or no
    record that social services was notified. No date to show; they need finding out."""
    out = []
    for row in rows(
        scope.db,
        f"""
        SELECT {HOUSEHOLD}, n.id AS notice_id, n.amount_ore, n.served_on, n.notified_on,
            {UNDERTAKING} AS undertaking_on
        FROM live_notices n JOIN live_households h ON h.id = n.household_id
        WHERE {OPEN_CASE} AND {RENT_TERMINATION} AND n.recovery_deadline IS NULL
            AND NOT EXISTS (SELECT 1 FROM live_notices d WHERE d.household_id = n.household_id
                AND d.kind = 'decision')
        """,
        scope.params,
    ):
        row["recovery_missing"] = [k for k in ("served_on", "notified_on") if not row[k]]
        out.append(entry(DeadlineKind.recovery_not_started, None, row, scope.as_of))
    return out


def _evictions(scope: Scope) -> list[dict[str, Any]]:
    """Eviction days Kronofogden has set."""
    return [
        entry(DeadlineKind.eviction, row["eviction_at"], row, scope.as_of)
        for row in rows(
            scope.db,
            f"""
            SELECT {HOUSEHOLD}, n.id AS notice_id, n.eviction_at, n.amount_ore,
                n.enforcement_case AS case_number
            FROM live_notices n JOIN live_households h ON h.id = n.household_id
            WHERE {OPEN_CASE} AND n.kind = 'eviction'
                AND substr(n.eviction_at, 1, 10) BETWEEN :from AND :legal_to
            """,
            scope.params,
        )
    ]


def _decisions(scope: Scope) -> list[dict[str, Any]]:
    """Decisions to evict given lately (or becoming final): paying no longer restores the
    lease, only a new agreement with the landlord does."""
    return [
        entry(DeadlineKind.decision, row["due_on"], row, scope.as_of)
        for row in rows(
            scope.db,
            f"""
            SELECT {HOUSEHOLD}, n.id AS notice_id, coalesce(n.final_on, n.step_on) AS due_on,
                n.decision_by, n.enforcement_case AS case_number
            FROM live_notices n JOIN live_households h ON h.id = n.household_id
            WHERE {OPEN_CASE} AND n.kind = 'decision'
                AND coalesce(n.final_on, n.step_on) BETWEEN :from AND :legal_to
            """,
            scope.params,
        )
    ]


def _warnings(scope: Scope) -> list[dict[str, Any]]:
    """Warnings to correct, by the day the tenant was given to correct it by."""
    return [
        entry(DeadlineKind.warning, row["due_on"], row, scope.as_of)
        for row in rows(
            scope.db,
            f"""
            SELECT {HOUSEHOLD}, n.id AS notice_id, n.correct_by AS due_on, n.ground
            FROM live_notices n JOIN live_households h ON h.id = n.household_id
            WHERE {OPEN_CASE} AND n.kind = 'warning'
                AND n.correct_by BETWEEN :from AND :legal_to
            """,
            scope.params,
        )
    ]


def _meetings(scope: Scope) -> list[dict[str, Any]]:
    """Meetings planned with an invitation letter (its date and time), still ahead."""
    import json

    from bostadcli.dates import parse_date

    out = []
    for row in rows(
        scope.db,
        "SELECT household_id, params FROM letters WHERE kind = 'meeting' AND params IS NOT NULL",
    ):
        case = scope.households.get(row["household_id"])
        try:
            params = json.loads(row["params"])
            on = parse_date(str(params.get("date") or ""), field="date")
        except (ValueError, InvalidInput):
            continue
        if case is not None and scope.as_of <= on <= scope.as_of + timedelta(
            days=scope.windows.legal
        ):
            extra = {"meeting_time": str(params.get("time") or "") or None}
            out.append(entry(DeadlineKind.meeting, on.isoformat(), case | extra, scope.as_of))
    return out


def _installments_overdue(scope: Scope) -> list[dict[str, Any]]:
    """Active plans with an installment overdue, one entry per plan, dated by its oldest
    unpaid installment, with the amount overdue and the plan's state under the policy."""
    by_ref = {case["ref"]: case for case in scope.households.values()}
    out = []
    for plan in plans_overdue(scope.db, as_of=scope.as_of, policy=scope.policy):
        case = by_ref.get(plan["household"])
        if case is not None and plan["overdue_ore"] and plan["next_due_on"]:
            extra = {
                "plan_ref": plan["ref"],
                "plan_state": plan["state"],
                "amount_ore": plan["overdue_ore"],
            }
            out.append(
                entry(
                    DeadlineKind.installment_overdue, plan["next_due_on"], case | extra, scope.as_of
                )
            )
    return out


def _supports_ending(scope: Scope) -> list[dict[str, Any]]:
    """Supports whose planned end falls within ``windows.support`` days
    (``supports.support_ending_candidates``)."""
    out = []
    for support in support_ending_candidates(scope.db, scope.as_of, scope.windows.support):
        case = scope.households.get(support["household_id"])
        if case is not None:
            extra = {"support_id": support["id"], "support_kind": support["kind"]}
            out.append(
                entry(DeadlineKind.support_ending, support["end_on"], case | extra, scope.as_of)
            )
    return out


def _consents_expiring(scope: Scope) -> list[dict[str, Any]]:
    """Consents that expire within ``windows.consent`` days or expired lately, unless a
    later consent for the same recipient (for a named one, of the same name) takes over."""
    from bostadcli.consents import same_recipient_sql

    return [
        entry(DeadlineKind.consent_expiring, row["due_on"], row, scope.as_of)
        for row in rows(
            scope.db,
            f"""
            SELECT {HOUSEHOLD}, c.expires_on AS due_on, c.recipient
            FROM consents c JOIN live_households h ON h.id = c.household_id
            WHERE {OPEN_CASE} AND c.revoked_on IS NULL
                AND c.expires_on BETWEEN :from AND :consent_to
                AND NOT EXISTS (
                    SELECT 1 FROM consents later
                    WHERE later.household_id = c.household_id
                        AND {same_recipient_sql("later", "c")}
                        AND later.id != c.id AND later.revoked_on IS NULL
                        AND later.given_on <= :consent_to
                        AND (later.expires_on IS NULL OR later.expires_on > c.expires_on))
            """,
            scope.params,
        )
    ]


def _no_contact(scope: Scope) -> list[dict[str, Any]]:
    """Households whose last contact (or, without any, the opening of the case) is
    ``windows.no_contact`` days old or more, dated the day a contact became due. Letters
    sent by the monthly batch (``automatic``) do not count as contact: nobody spoke to
    the family; nor do booked or cancelled contacts."""
    # Every open case is in view, with its last contact (``deadlines.LAST_HELD``), and
    # most of them are here: each entry is the first one ``entry`` made, copied, with
    # its own day, days left and days without contact (worked out once for each day a
    # case went quiet) and the case's fields.
    out: list[dict[str, Any]] = []
    silent_since = scope.params["silent_since"]
    as_of = scope.as_of
    window = timedelta(days=scope.windows.no_contact)
    dated: dict[str, tuple[str, int, int]] = {}
    first: dict[str, Any] = {}
    fields: list[str] = []
    for case in scope.households.values():
        since_on = case["last_held_on"] or case["opened_on"]
        if since_on is None or since_on > silent_since:
            continue
        days = dated.get(since_on)
        if days is None:
            since = date.fromisoformat(since_on)
            due = since + window
            days = dated[since_on] = (due.isoformat(), (due - as_of).days, (as_of - since).days)
        if not first:
            first = entry(DeadlineKind.no_contact, days[0], {}, as_of)
            fields = [k for k in case if k in DEADLINE_FIELDS]
        made = first.copy()
        made["due_on"], made["days_left"], made["quiet_days"] = days
        for k in fields:
            made[k] = case[k]
        made["last_contact_on"] = case["last_held_on"]
        out.append(made)
    return out


def _planned_contacts(scope: Scope) -> list[dict[str, Any]]:
    """Booked meetings, home visits and calls (contact add --planned) on their day; one
    whose day passed without being marked held or cancelled stays, as overdue, for
    ``DEADLINE_OVERDUE_VISIBLE_DAYS``."""
    return [
        entry(DeadlineKind.planned_contact, row["due_on"], row, scope.as_of)
        for row in rows(
            scope.db,
            f"""
            SELECT {HOUSEHOLD}, c.contact_on AS due_on, c.id AS contact_id,
                c.kind AS contact_kind, c.at_time
            FROM live_contacts c JOIN live_households h ON h.id = c.household_id
            WHERE {OPEN_CASE} AND c.status = 'planned'
                AND c.contact_on BETWEEN :from AND :legal_to
            """,
            scope.params,
        )
    ]


def _late_letters(scope: Scope) -> list[dict[str, Any]]:
    """Letters the daily or monthly run, or ``letter render``, flagged: they could not
    reach the family by post before the deadline (``letters.late_letters``), dated by
    that deadline, until someone has phoned, met or visited the family since the
    letter's day. It shows for ``DEADLINE_OVERDUE_VISIBLE_DAYS`` from the later of the
    deadline and the letter's day: a letter made today for a deadline passed long ago
    still needs its call."""
    return [
        entry(DeadlineKind.letter_late, row["due_on"], row, scope.as_of)
        for row in rows(
            scope.db,
            f"""
            SELECT {HOUSEHOLD}, ll.deadline AS due_on
            FROM late_letters ll JOIN live_households h ON h.id = ll.household_id
            WHERE {OPEN_CASE} AND ll.deadline <= :legal_to
                AND max(ll.deadline, ll.posted_on) >= :from
                AND NOT EXISTS (
                    SELECT 1 FROM live_contacts c WHERE c.household_id = h.id
                        AND c.automatic = 0 AND c.status = 'held'
                        AND c.kind IN ('phone', 'meeting', 'home_visit')
                        AND c.contact_on >= ll.posted_on AND c.contact_on <= :as_of)
            """,
            scope.params,
        )
    ]


# Every kind of entry, most severe first: the rank breaks ties between entries of the
# same band, date and children (``deadlines.deadlines``).
DEADLINE_SOURCES: tuple[Source, ...] = (
    _evictions,
    _decisions,
    _late_letters,
    _recovery_deadlines,
    _recovery_not_started,
    _earliest_decisions,
    _warnings,
    _meetings,
    _planned_contacts,
    _installments_overdue,
    _supports_ending,
    _consents_expiring,
    _no_contact,
)
