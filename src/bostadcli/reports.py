"""What the unit reads every week and reports every year: plain data, no rendering.

- ``deadlines``: the caseworker's Monday-morning list of what needs action.
- ``caseload``: open cases per caseworker, landlord and reason.
- ``year_report``: the year's figures for the social welfare committee.
- ``homeless_count``: persons aged 18 and over, and children apart, per Socialstyrelsen
  homelessness situation on a date.

The counting rules are written out in each function's docstring; the tests in
``tests/test_reports.py`` pin them down.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from bostadcli import rules, undertakings, validate
from bostadcli.config import Policy
from bostadcli.dates import MIN_YEAR, age_on
from bostadcli.db import rows
from bostadcli.errors import InvalidInput
from bostadcli.households import child_cutoff
from bostadcli.i18n import _
from bostadcli.plans import list_plans, standing
from bostadcli.supports import EFFECTIVE_END, stay_nights, support_ending_candidates
from bostadcli.vocab import (
    DeadlineKind,
    HousingSituation,
    Outcome,
    PlanState,
    Reason,
    Source,
    SupportKind,
    TenancyType,
)

if TYPE_CHECKING:
    from sqlite_utils import Database

# ---------------------------------------------------------------------------------------
# The deadline view
# ---------------------------------------------------------------------------------------

# Dated entries fall in the bands by their date; a deadline that cannot be computed yet
# (a termination whose recovery period has not started) is urgent but has no date, and
# comes after this week's; cases that have gone quiet are a list of calls to make, not
# a date, and come last (longest silence first).
BANDS = ("overdue", "this_week", "not_started", "later", "no_contact")

# At equal date and equal children, the entry that costs a home first comes first.
_SEVERITY = {
    DeadlineKind.eviction: 0,
    DeadlineKind.decision: 1,
    DeadlineKind.letter_late: 2,
    DeadlineKind.recovery_deadline: 3,
    DeadlineKind.recovery_not_started: 4,
    DeadlineKind.eviction_decision: 5,
    DeadlineKind.warning: 6,
    DeadlineKind.meeting: 7,
    DeadlineKind.planned_contact: 8,
    DeadlineKind.installment_overdue: 9,
    DeadlineKind.support_ending: 10,
    DeadlineKind.consent_expiring: 11,
    DeadlineKind.no_contact: 12,
}

# The household columns every entry carries.
_HOUSEHOLD = """
    h.id AS household_id, h.ref, h.caseworker, h.arrears_ore,
    (SELECT m.name FROM members m WHERE m.household_id = h.id
     ORDER BY m.role != 'tenant', m.id LIMIT 1) AS tenant,
    (SELECT count(*) FROM members m WHERE m.household_id = h.id AND m.part_time = 0
     AND m.birth_date > :cutoff AND m.birth_date <= :as_of) AS children,
    (SELECT count(*) FROM members m WHERE m.household_id = h.id AND m.part_time = 1
     AND m.birth_date > :cutoff AND m.birth_date <= :as_of) AS children_part_time
"""
_OPEN = "h.status = 'open' AND h.opened_on <= :as_of"
# A termination for unpaid rent, as ``n``.
_RENT_TERMINATION = undertakings.RENT_TERMINATION
# The undertaking that stops an eviction for the rent of termination ``n``, if any.
_UNDERTAKING = f"""(SELECT min(u.given_on) FROM undertakings u WHERE u.notice_id = n.id
    AND {undertakings.STOPS_EVICTION})"""

# Every entry has all of these keys, so CSV and JSON have one fixed set of fields.
DEADLINE_FIELDS = (
    "band",
    "due_on",
    "days_left",
    "kind",
    "ref",
    "tenant",
    "children",
    "children_part_time",
    "caseworker",
    "arrears_ore",
    "eviction_at",
    "amount_ore",
    "support_id",
    "support_kind",
    "recipient",
    "last_contact_on",
    "quiet_days",
    "plan_ref",
    "plan_state",
    "contact_id",
    "contact_kind",
    "at_time",
    "notice_id",
    "recovery_missing",
    "earliest_decision_on",
    "undertaking_on",
    "ground",
    "decision_by",
    "case_number",
    "meeting_time",
)


@dataclass(frozen=True)
class DeadlineWindows:
    """How far ahead each kind of entry is looked for, in days.

    ``legal`` for recovery deadlines, eviction dates, warnings' time to correct,
    Kronofogden's dates and planned meetings; ``support`` for supports ending,
    ``consent`` for consents expiring; ``no_contact`` is how long a case may go without
    a contact. A dated entry or a consent that passed less than
    ``rules.DEADLINE_OVERDUE_VISIBLE_DAYS`` ago still shows, as overdue.
    """

    legal: int = rules.DEADLINE_VIEW_DAYS
    support: int = rules.SUPPORT_ENDING_WARNING_DAYS
    consent: int = rules.CONSENT_EXPIRY_WARNING_DAYS
    no_contact: int = rules.NO_CONTACT_WARNING_DAYS

    @classmethod
    def from_policy(cls, policy: Any, days: int | None = None) -> DeadlineWindows:
        """The policy's windows; ``days`` (the --days option) overrides all look-aheads."""
        if days is not None:
            validate.whole_number(days, field="days", low=0, high=rules.DEADLINE_VIEW_MAX_DAYS)
        return cls(
            legal=rules.DEADLINE_VIEW_DAYS if days is None else days,
            support=policy.support_ending_warning_days if days is None else days,
            consent=policy.consent_expiry_warning_days if days is None else days,
            no_contact=policy.no_contact_warning_days,
        )


def band(days_left: int) -> str:
    """overdue (passed), this_week (today and the next six days), later."""
    if days_left < 0:
        return "overdue"
    if days_left < rules.DEADLINE_THIS_WEEK_DAYS:
        return "this_week"
    return "later"


def _entry(
    kind: DeadlineKind, due_on: str | None, row: dict[str, Any], as_of: date
) -> dict[str, Any]:
    """One entry of the view; ``due_on`` None for a deadline that cannot be computed yet."""
    entry: dict[str, Any] = dict.fromkeys(DEADLINE_FIELDS)
    entry.update({k: v for k, v in row.items() if k in DEADLINE_FIELDS})
    if due_on is None:
        entry.update(kind=kind.value, due_on=None, days_left=None, band="not_started")
        return entry
    days_left = (date.fromisoformat(due_on[:10]) - as_of).days
    in_band = "no_contact" if kind is DeadlineKind.no_contact else band(days_left)
    entry.update(kind=kind.value, due_on=due_on[:10], days_left=days_left, band=in_band)
    return entry


@dataclass(frozen=True)
class _Scope:
    """What every source of the deadline view reads: the database, the day, the windows,
    the plan policy, the SQL parameters and the open households by id."""

    db: Database
    as_of: date
    windows: DeadlineWindows
    policy: Policy | None
    params: dict[str, Any]
    households: dict[int, dict[str, Any]]


def _recovery_deadlines(scope: _Scope) -> list[dict[str, Any]]:
    """Recovery deadlines of rent terminations, with the earliest eviction decision and
    the undertaking that stops the eviction, if one was given."""
    from bostadcli.workdays import earliest_eviction_decision

    out = []
    for row in rows(
        scope.db,
        f"""
        SELECT {_HOUSEHOLD}, n.id AS notice_id, n.recovery_deadline AS due_on, n.amount_ore,
            {_UNDERTAKING} AS undertaking_on
        FROM live_notices n JOIN live_households h ON h.id = n.household_id
        WHERE {_OPEN} AND n.recovery_deadline BETWEEN :from AND :legal_to
        """,
        scope.params,
    ):
        earliest = earliest_eviction_decision(date.fromisoformat(row["due_on"]))
        row["earliest_decision_on"] = earliest.isoformat()
        out.append(_entry(DeadlineKind.recovery_deadline, row["due_on"], row, scope.as_of))
    return out


def _earliest_decisions(scope: _Scope) -> list[dict[str, Any]]:
    """The first day Kronofogden may decide on an eviction for the rent, after a recovery
    deadline that passed without an undertaking (12 kap. 44 § 2 st)."""
    from bostadcli.workdays import earliest_eviction_decision

    out = []
    for row in rows(
        scope.db,
        f"""
        SELECT {_HOUSEHOLD}, n.id AS notice_id, n.recovery_deadline, n.amount_ore
        FROM live_notices n JOIN live_households h ON h.id = n.household_id
        WHERE {_OPEN} AND n.recovery_deadline < :as_of AND n.recovery_deadline >= :decision_from
            AND {_UNDERTAKING} IS NULL
        """,
        scope.params,
    ):
        due = earliest_eviction_decision(date.fromisoformat(row["recovery_deadline"]))
        if scope.params["from"] <= due.isoformat() <= scope.params["legal_to"]:
            row["earliest_decision_on"] = due.isoformat()
            out.append(_entry(DeadlineKind.eviction_decision, due.isoformat(), row, scope.as_of))
    return out


def _recovery_not_started(scope: _Scope) -> list[dict[str, Any]]:
    """Rent terminations whose recovery period has not started: no service date, or no
    record that social services was notified. No date to show; they need finding out."""
    out = []
    for row in rows(
        scope.db,
        f"""
        SELECT {_HOUSEHOLD}, n.id AS notice_id, n.amount_ore, n.served_on, n.notified_on,
            {_UNDERTAKING} AS undertaking_on
        FROM live_notices n JOIN live_households h ON h.id = n.household_id
        WHERE {_OPEN} AND {_RENT_TERMINATION} AND n.recovery_deadline IS NULL
            AND NOT EXISTS (SELECT 1 FROM live_notices d WHERE d.household_id = n.household_id
                AND d.kind = 'decision')
        """,
        scope.params,
    ):
        row["recovery_missing"] = [k for k in ("served_on", "notified_on") if not row[k]]
        out.append(_entry(DeadlineKind.recovery_not_started, None, row, scope.as_of))
    return out


def _evictions(scope: _Scope) -> list[dict[str, Any]]:
    """Eviction days Kronofogden has set."""
    return [
        _entry(DeadlineKind.eviction, row["eviction_at"], row, scope.as_of)
        for row in rows(
            scope.db,
            f"""
            SELECT {_HOUSEHOLD}, n.id AS notice_id, n.eviction_at, n.amount_ore,
                n.enforcement_case AS case_number
            FROM live_notices n JOIN live_households h ON h.id = n.household_id
            WHERE {_OPEN} AND n.kind = 'eviction'
                AND substr(n.eviction_at, 1, 10) BETWEEN :from AND :legal_to
            """,
            scope.params,
        )
    ]


def _decisions(scope: _Scope) -> list[dict[str, Any]]:
    """Decisions to evict given lately (or becoming final): paying no longer restores the
    lease, only a new agreement with the landlord does."""
    return [
        _entry(DeadlineKind.decision, row["due_on"], row, scope.as_of)
        for row in rows(
            scope.db,
            f"""
            SELECT {_HOUSEHOLD}, n.id AS notice_id, coalesce(n.final_on, n.step_on) AS due_on,
                n.decision_by, n.enforcement_case AS case_number
            FROM live_notices n JOIN live_households h ON h.id = n.household_id
            WHERE {_OPEN} AND n.kind = 'decision'
                AND coalesce(n.final_on, n.step_on) BETWEEN :from AND :legal_to
            """,
            scope.params,
        )
    ]


def _warnings(scope: _Scope) -> list[dict[str, Any]]:
    """Warnings to correct, by the day the tenant was given to correct it by."""
    return [
        _entry(DeadlineKind.warning, row["due_on"], row, scope.as_of)
        for row in rows(
            scope.db,
            f"""
            SELECT {_HOUSEHOLD}, n.id AS notice_id, n.correct_by AS due_on, n.ground
            FROM live_notices n JOIN live_households h ON h.id = n.household_id
            WHERE {_OPEN} AND n.kind = 'warning'
                AND n.correct_by BETWEEN :from AND :legal_to
            """,
            scope.params,
        )
    ]


def _meetings(scope: _Scope) -> list[dict[str, Any]]:
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
            out.append(_entry(DeadlineKind.meeting, on.isoformat(), case | extra, scope.as_of))
    return out


def _installments_overdue(scope: _Scope) -> list[dict[str, Any]]:
    """Active plans with an installment overdue, dated by the oldest unpaid one."""
    by_ref = {case["ref"]: case for case in scope.households.values()}
    out = []
    for plan in list_plans(scope.db, as_of=scope.as_of, policy=scope.policy):
        case = by_ref.get(plan["household"])
        if case is not None and plan["overdue_ore"] and plan["next_due_on"]:
            extra = {
                "plan_ref": plan["ref"],
                "plan_state": plan["state"],
                "amount_ore": plan["overdue_ore"],
            }
            out.append(
                _entry(
                    DeadlineKind.installment_overdue, plan["next_due_on"], case | extra, scope.as_of
                )
            )
    return out


def _supports_ending(scope: _Scope) -> list[dict[str, Any]]:
    out = []
    for support in support_ending_candidates(scope.db, scope.as_of, scope.windows.support):
        case = scope.households.get(support["household_id"])
        if case is not None:
            extra = {"support_id": support["id"], "support_kind": support["kind"]}
            out.append(
                _entry(DeadlineKind.support_ending, support["end_on"], case | extra, scope.as_of)
            )
    return out


def _consents_expiring(scope: _Scope) -> list[dict[str, Any]]:
    return [
        _entry(DeadlineKind.consent_expiring, row["due_on"], row, scope.as_of)
        for row in rows(
            scope.db,
            f"""
            SELECT {_HOUSEHOLD}, c.expires_on AS due_on, c.recipient
            FROM consents c JOIN live_households h ON h.id = c.household_id
            WHERE {_OPEN} AND c.revoked_on IS NULL
                AND c.expires_on BETWEEN :from AND :consent_to
                AND NOT EXISTS (
                    SELECT 1 FROM consents later
                    WHERE later.household_id = c.household_id
                        AND later.recipient = c.recipient
                        AND later.id != c.id AND later.revoked_on IS NULL
                        AND later.given_on <= :consent_to
                        AND (later.expires_on IS NULL OR later.expires_on > c.expires_on))
            """,
            scope.params,
        )
    ]


def _no_contact(scope: _Scope) -> list[dict[str, Any]]:
    out = []
    for row in rows(
        scope.db,
        f"""
        SELECT * FROM (
            SELECT {_HOUSEHOLD}, h.opened_on,
                (SELECT max(c.contact_on) FROM live_contacts c WHERE c.household_id = h.id
                 AND c.automatic = 0 AND c.status = 'held' AND c.contact_on <= :as_of)
                 AS last_contact_on
            FROM live_households h WHERE {_OPEN})
        WHERE coalesce(last_contact_on, opened_on) <= :silent_since
        """,
        scope.params,
    ):
        since = date.fromisoformat(row["last_contact_on"] or row["opened_on"])
        due = (since + timedelta(days=scope.windows.no_contact)).isoformat()
        row["quiet_days"] = (scope.as_of - since).days
        out.append(_entry(DeadlineKind.no_contact, due, row, scope.as_of))
    return out


def _planned_contacts(scope: _Scope) -> list[dict[str, Any]]:
    """Booked meetings, home visits and calls (contact add --planned) on their day."""
    return [
        _entry(DeadlineKind.planned_contact, row["due_on"], row, scope.as_of)
        for row in rows(
            scope.db,
            f"""
            SELECT {_HOUSEHOLD}, c.contact_on AS due_on, c.id AS contact_id,
                c.kind AS contact_kind, c.at_time
            FROM live_contacts c JOIN live_households h ON h.id = c.household_id
            WHERE {_OPEN} AND c.status = 'planned'
                AND c.contact_on BETWEEN :from AND :legal_to
            """,
            scope.params,
        )
    ]


def _late_letters(scope: _Scope) -> list[dict[str, Any]]:
    """Letters the daily or monthly run flagged: they could not reach the family by
    post before the deadline (``letters.late_letters``), dated by that deadline, until
    someone has phoned, met or visited the family since the letter's day."""
    return [
        _entry(DeadlineKind.letter_late, row["due_on"], row, scope.as_of)
        for row in rows(
            scope.db,
            f"""
            SELECT {_HOUSEHOLD}, ll.deadline AS due_on
            FROM late_letters ll JOIN live_households h ON h.id = ll.household_id
            WHERE {_OPEN} AND ll.deadline BETWEEN :from AND :legal_to
                AND NOT EXISTS (
                    SELECT 1 FROM live_contacts c WHERE c.household_id = h.id
                        AND c.automatic = 0 AND c.status = 'held'
                        AND c.kind IN ('phone', 'meeting', 'home_visit')
                        AND c.contact_on >= ll.posted_on AND c.contact_on <= :as_of)
            """,
            scope.params,
        )
    ]


# The deadline view is the entries of all of these, one function per kind of entry.
DEADLINE_SOURCES = (
    _recovery_deadlines,
    _recovery_not_started,
    _earliest_decisions,
    _evictions,
    _decisions,
    _warnings,
    _late_letters,
    _meetings,
    _planned_contacts,
    _installments_overdue,
    _supports_ending,
    _consents_expiring,
    _no_contact,
)


def deadlines(
    db: Database,
    *,
    as_of: date,
    windows: DeadlineWindows | None = None,
    policy: Policy | None = None,
    caseworker_id: int | None = None,
) -> list[dict[str, Any]]:
    """What needs action, most urgent first (only the cases of ``caseworker_id`` if given).

    Open cases only, except that a plan or support kept running when its case was
    closed still shows. Entries (``DEADLINE_SOURCES``): recovery deadlines (with the earliest
    eviction decision and the undertaking to pay the rent when one stops the eviction),
    rent terminations whose recovery period has not started (no date: band
    ``not_started``, with what is missing), the earliest eviction decision after a
    recovery deadline that passed without an undertaking, eviction dates, decisions to
    evict (dated the day they became final, else the day given), warnings by the day
    the tenant must have corrected it by, and meetings planned with an invitation letter,
    all from ``windows.legal`` days ahead back to ``DEADLINE_OVERDUE_VISIBLE_DAYS`` ago
    (meetings from today); active repayment plans with an installment overdue (one
    entry per plan, dated by its oldest unpaid installment, with the amount overdue and
    the plan's state under ``policy``); supports whose planned end falls within
    ``windows.support`` days (``supports.support_ending_candidates``); consents that
    expire within ``windows.consent`` days or expired lately, unless a later consent
    for the same recipient takes over; households whose last contact (or, without any,
    the opening of the case) is ``windows.no_contact`` days old or more; their due date
    is the day a contact became due, and they form their own band, ``no_contact``, after
    the dated ones. Letters sent by the monthly batch (``automatic``) do not count as
    contact: nobody spoke to the family; nor do booked or cancelled contacts. Booked
    contacts (meetings, home visits, calls) within ``windows.legal`` days show on their
    day; one whose day passed without being marked held or cancelled stays, as overdue,
    for ``DEADLINE_OVERDUE_VISIBLE_DAYS``.

    Order: band (overdue, this week, not started, later, no contact), then date, then
    households with children first, then what costs a home first (eviction, decision,
    recovery deadline, …), then case reference.
    """
    w = windows or DeadlineWindows()
    visible_from = as_of - timedelta(days=rules.DEADLINE_OVERDUE_VISIBLE_DAYS)
    params: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "cutoff": child_cutoff(as_of),
        "from": visible_from.isoformat(),
        "legal_to": (as_of + timedelta(days=w.legal)).isoformat(),
        "consent_to": (as_of + timedelta(days=w.consent)).isoformat(),
        "silent_since": (as_of - timedelta(days=w.no_contact)).isoformat(),
        # A decision may come a week after the deadline at most (two working days and
        # the holidays between); older deadlines cannot give a decision day in view.
        "decision_from": (visible_from - timedelta(days=10)).isoformat(),
    }
    # Open cases, and closed ones whose plan or support was kept running at closing.
    households = {
        r["household_id"]: r
        for r in rows(
            db,
            f"""
            SELECT {_HOUSEHOLD} FROM live_households h
            WHERE ({_OPEN}) OR (h.opened_on <= :as_of AND (
                EXISTS (SELECT 1 FROM plans p WHERE p.household_id = h.id
                    AND p.status = 'active')
                OR EXISTS (SELECT 1 FROM supports s WHERE s.household_id = h.id
                    AND s.ended_on IS NULL)))
            """,
            params,
        )
    }
    scope = _Scope(db, as_of, w, policy, params, households)
    entries = [entry for source in DEADLINE_SOURCES for entry in source(scope)]
    if caseworker_id is not None:
        theirs = {
            r["ref"]
            for r in rows(
                db, "SELECT ref FROM live_households WHERE caseworker_id = ?", [caseworker_id]
            )
        }
        entries = [e for e in entries if e["ref"] in theirs]
    entries.sort(
        key=lambda e: (
            BANDS.index(e["band"]),
            e["due_on"] or "",
            (e["children"] + e["children_part_time"]) == 0,
            _SEVERITY[DeadlineKind(e["kind"])],
            e["ref"],
        )
    )
    return entries


# ---------------------------------------------------------------------------------------
# Caseload
# ---------------------------------------------------------------------------------------


def caseload(db: Database, *, as_of: date) -> dict[str, Any]:
    """Cases open on ``as_of`` per caseworker, per landlord and per reason.

    A case is open on a day when it was opened on or before it and not closed on or
    before it. Each row: ``key`` (None for "none recorded"), ``open_cases``,
    ``with_children`` (households with a member under 18, part-time or not),
    ``children``, ``children_part_time``, ``arrears_ore`` (sum), and ``urgent``
    (cases with a recovery deadline or eviction date within
    ``rules.DEADLINE_VIEW_DAYS`` days, not yet passed). A case with two reasons is in
    both reason rows, so those rows can add up to more than ``total``.
    """
    params = {
        "as_of": as_of.isoformat(),
        "cutoff": child_cutoff(as_of),
        "urgent_to": (as_of + timedelta(days=rules.DEADLINE_VIEW_DAYS)).isoformat(),
    }
    cases = rows(
        db,
        """
        SELECT h.id, h.caseworker, l.name AS landlord, h.arrears_ore,
            (SELECT count(*) FROM members m WHERE m.household_id = h.id AND m.part_time = 0
             AND m.birth_date > :cutoff AND m.birth_date <= :as_of) AS children,
            (SELECT count(*) FROM members m WHERE m.household_id = h.id AND m.part_time = 1
             AND m.birth_date > :cutoff AND m.birth_date <= :as_of) AS children_part_time,
            EXISTS (SELECT 1 FROM household_deadlines d WHERE d.household_id = h.id
                AND d.due_on BETWEEN :as_of AND :urgent_to) AS urgent
        FROM live_households h LEFT JOIN landlords l ON l.id = h.landlord_id
        WHERE h.opened_on <= :as_of AND (h.closed_on IS NULL OR h.closed_on > :as_of)
        """,
        params,
    )
    reasons: dict[int, list[str | None]] = {}
    for r in rows(db, "SELECT household_id, reason FROM household_reasons ORDER BY reason"):
        reasons.setdefault(r["household_id"], []).append(r["reason"])

    def group(keys: Iterable[tuple[str | None, dict[str, Any]]]) -> list[dict[str, Any]]:
        out: dict[str | None, dict[str, Any]] = {}
        for key, case in keys:
            g = out.setdefault(
                key,
                {
                    "key": key,
                    "open_cases": 0,
                    "with_children": 0,
                    "children": 0,
                    "children_part_time": 0,
                    "arrears_ore": 0,
                    "urgent": 0,
                },
            )
            g["open_cases"] += 1
            g["with_children"] += int(case["children"] + case["children_part_time"] > 0)
            g["children"] += case["children"]
            g["children_part_time"] += case["children_part_time"]
            g["arrears_ore"] += case["arrears_ore"]
            g["urgent"] += int(bool(case["urgent"]))
        return sorted(out.values(), key=lambda g: (-g["open_cases"], g["key"] is None, g["key"]))

    return {
        "as_of": as_of.isoformat(),
        "total": len(cases),
        "by_caseworker": group((c["caseworker"], c) for c in cases),
        "by_landlord": group((c["landlord"], c) for c in cases),
        "by_reason": group((reason, c) for c in cases for reason in reasons.get(c["id"]) or [None]),
    }


# ---------------------------------------------------------------------------------------
# The year report
# ---------------------------------------------------------------------------------------

HOUSED_OUTCOMES = (Outcome.stays.value, Outcome.rehoused.value)


def _check_year(year: int, as_of: date) -> tuple[date, date]:
    if year > as_of.year:
        raise InvalidInput(
            "year",
            str(year),
            _("is in the future (it is {year} now)").format(year=as_of.year),
        )
    if year < MIN_YEAR:
        raise InvalidInput("year", str(year), _("is before {year}").format(year=MIN_YEAR))
    start = date(year, 1, 1)
    end = min(date(year, 12, 31), as_of)
    return start, end


def _plans_in_period(db: Database, start: date, end: date) -> list[dict[str, Any]]:
    """Repayment plans in force at some time in the period: agreed on or before its end,
    and not completed, cancelled or replaced before its start."""
    return rows(
        db,
        """
        SELECT p.* FROM live_plans p
        WHERE p.created_on <= :end
            AND coalesce(p.completed_on, p.cancelled_on, :start) >= :start
        ORDER BY p.id
        """,
        {"start": start.isoformat(), "end": end.isoformat()},
    )


def _help_dates(db: Database, start: date, end: date) -> dict[int, list[date]]:
    """Per household, the days in the period it was helped by a support or a plan.

    A support helps on its start date and a repayment plan on the day it was agreed, or
    either on the first day of the period if it began before and was still in force then.
    """
    found: dict[int, list[date]] = {}
    for s in rows(
        db,
        f"""
        SELECT s.household_id, s.start_on FROM live_supports s
        WHERE s.start_on <= :end AND coalesce({EFFECTIVE_END}, :start) >= :start
        """,
        {"start": start.isoformat(), "end": end.isoformat()},
    ):
        day = max(date.fromisoformat(s["start_on"]), start)
        found.setdefault(s["household_id"], []).append(day)
    for p in _plans_in_period(db, start, end):
        day = max(date.fromisoformat(p["created_on"]), start)
        found.setdefault(p["household_id"], []).append(day)
    return found


def _person_key(member: dict[str, Any]) -> tuple[Any, ...]:
    # The same child in two households is one child when the personnummer says so;
    # without one, the household, name and birth date are all there is. An unnamed
    # child without a number is its own person (two unnamed twins are two children).
    if member["pnr"]:
        return ("pnr", member["pnr"])
    if member["name"]:
        return ("name", member["household_id"], member["name"].casefold(), member["birth_date"])
    return ("member", member["id"])


def children_reached(db: Database, help_dates: dict[int, list[date]]) -> dict[str, int]:
    """Distinct children among the members of the households helped.

    A member counts when they were under 18 (``rules.CHILD_AGE_LIMIT``) on at least one
    day their household was helped, and born by then. Each person counts once however
    many households or supports they appear in (``_person_key``). A child who lives
    full-time in any of those households is counted in ``children``; one who only ever
    lives somewhere part-time is counted in ``children_part_time``, as Kronofogden does.
    """
    if not help_dates:
        return {"children": 0, "children_part_time": 0, "households": 0}
    marks = ",".join("?" * len(help_dates))
    members = rows(
        db,
        f"SELECT id, household_id, name, pnr, birth_date, part_time FROM members"
        f" WHERE birth_date IS NOT NULL AND household_id IN ({marks})",
        list(help_dates),
    )
    full: set[tuple[Any, ...]] = set()
    part: set[tuple[Any, ...]] = set()
    households: set[int] = set()
    for m in members:
        birth = date.fromisoformat(m["birth_date"])
        if not any(
            birth <= day and age_on(birth, day) < rules.CHILD_AGE_LIMIT
            for day in help_dates[m["household_id"]]
        ):
            continue
        (part if m["part_time"] else full).add(_person_key(m))
        households.add(m["household_id"])
    return {
        "children": len(full),
        "children_part_time": len(part - full),
        "households": len(households),
    }


def _counts(values: Iterable[str | None], codes: Iterable[str]) -> dict[str, int]:
    out = dict.fromkeys(codes, 0)
    for v in values:
        if v is not None:
            out[v] = out.get(v, 0) + 1
    return out


def year_report(
    db: Database, *, year: int, as_of: date, policy: Policy | None = None
) -> dict[str, Any]:
    """The year's figures. The period is the calendar year, cut at ``as_of`` for the
    current year (``complete`` is then false); a year after ``as_of`` is an error.

    Counting rules:

    - **reported**: households whose case was opened in the period, by ``source``, by
      ``reason`` (a case with two reasons counts under both), by ``situation`` and by
      month; ``with_children``: with a member under 18 on the day the case opened.
    - **helped**: households with a support active or a repayment plan in force at some
      time in the period, or whose case closed in the period with the outcome *stays*
      or *rehoused*. Each household once; ``with_support`` and ``with_plan`` overlap,
      ``closed_housed_only`` are those helped by neither.
    - **outcomes**: cases closed in the period, by outcome; ``stayed_share`` is
      stays / closed and ``housed_share`` (stays + rehoused) / closed (None when
      nothing closed).
    - **children**: ``children_reached`` over the households helped by a support or a
      plan in the period, each support helping on its start date and each plan on the day
      it was agreed, clamped to the period.
    - **supports**: per kind, ``started`` in the period, ``active`` at some time in it,
      and distinct ``households`` with an active one.
    - **emergency_housing**: stays with a night in the period; ``nights`` counts only the
      nights inside the period (up to the day the stay ended, if earlier than planned);
      ``cost_ore`` is the cost applied for of stays that began in the period,
      ``cost_granted_ore`` the part of it that was granted.
    - **evictions**: cases closed in the period with the outcome *evicted*, with the
      children under 18 on the closing day (full-time and part-time apart).
    - **plans**: see ``_plan_figures``.
    """
    start, end = _check_year(year, as_of)
    p = {"start": start.isoformat(), "end": end.isoformat()}
    in_period = "BETWEEN :start AND :end"

    opened = rows(
        db,
        f"""
        SELECT h.id, h.opened_on, h.source, h.housing_situation,
            EXISTS (SELECT 1 FROM members m WHERE m.household_id = h.id
                AND m.birth_date <= h.opened_on
                AND date(m.birth_date, '+{rules.CHILD_AGE_LIMIT} years') > h.opened_on)
                AS with_children
        FROM live_households h WHERE h.opened_on {in_period}
        """,
        p,
    )
    opened_ids = {o["id"] for o in opened}
    reasons = [
        r["reason"]
        for r in rows(db, "SELECT household_id, reason FROM household_reasons")
        if r["household_id"] in opened_ids
    ]
    by_month = [0] * 12
    for o in opened:
        by_month[int(o["opened_on"][5:7]) - 1] += 1
    reported = {
        "households": len(opened),
        "with_children": sum(1 for o in opened if o["with_children"]),
        "by_source": _counts((o["source"] for o in opened), [s.value for s in Source]),
        "by_reason": _counts(reasons, [r.value for r in Reason]),
        "by_situation": _counts(
            (o["housing_situation"] for o in opened), [s.value for s in HousingSituation]
        ),
        "by_month": by_month,
    }

    closed = rows(
        db, f"SELECT id, outcome, closed_on FROM live_households WHERE closed_on {in_period}", p
    )
    by_outcome = _counts((c["outcome"] for c in closed), [o.value for o in Outcome])
    n_closed = len(closed)
    outcomes = {
        "closed": n_closed,
        "by_outcome": by_outcome,
        "stayed_share": round(by_outcome["stays"] / n_closed, 3) if n_closed else None,
        "housed_share": (
            round(sum(by_outcome[o] for o in HOUSED_OUTCOMES) / n_closed, 3) if n_closed else None
        ),
    }

    help_dates = _help_dates(db, start, end)
    plans = _plan_figures(db, start, end, policy=policy)
    with_plan = set(plans.pop("household_ids"))
    supported = _supported(db, start, end)
    housed = {c["id"] for c in closed if c["outcome"] in HOUSED_OUTCOMES}
    helped = {
        "households": len(supported | with_plan | housed),
        "with_support": len(supported),
        "with_plan": len(with_plan),
        "closed_housed_only": len(housed - supported - with_plan),
    }

    supports = _support_figures(db, p)
    emergency = _emergency_figures(db, start, end)

    evicted_ids = [c["id"] for c in closed if c["outcome"] == Outcome.evicted.value]
    evicted_children = {"children": 0, "children_part_time": 0}
    for c in closed:
        if c["outcome"] != Outcome.evicted.value:
            continue
        cutoff = child_cutoff(date.fromisoformat(c["closed_on"]))
        for m in rows(
            db,
            "SELECT part_time FROM members WHERE household_id = ? AND birth_date > ?"
            " AND birth_date <= ?",
            [c["id"], cutoff, c["closed_on"]],
        ):
            evicted_children["children_part_time" if m["part_time"] else "children"] += 1

    return {
        "year": year,
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "complete": end == date(year, 12, 31),
        "reported": reported,
        "helped": helped,
        "outcomes": outcomes,
        "children": children_reached(db, help_dates),
        "supports": supports,
        "emergency_housing": emergency,
        "evictions": {"households": len(evicted_ids), **evicted_children},
        "plans": plans,
    }


def _supported(db: Database, start: date, end: date) -> set[int]:
    return {
        r["household_id"]
        for r in rows(
            db,
            f"""
            SELECT DISTINCT s.household_id FROM live_supports s
            WHERE s.start_on <= :end AND coalesce({EFFECTIVE_END}, :start) >= :start
            """,
            {"start": start.isoformat(), "end": end.isoformat()},
        )
    }


def _plan_figures(db: Database, start: date, end: date, *, policy: Policy | None) -> dict[str, Any]:
    """Repayment plans in the period.

    ``made``: agreed in the period, ``replacing`` of them a new plan in place of an
    earlier one; ``completed``: paid off in the period; ``cancelled``: cancelled (not
    replaced) in the period; ``broken``: plans in force in the period that stood broken
    (``plans.standing`` under ``policy``) on its last day, or on the day before they were
    cancelled or replaced if that happened in the period; ``households``: with a plan in
    force at some time in the period. ``household_ids`` is for the caller.
    """
    p = {"start": start.isoformat(), "end": end.isoformat()}
    in_force = _plans_in_period(db, start, end)
    ids = [plan["id"] for plan in in_force]
    installments: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    payments: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    if ids:
        marks = ",".join("?" * len(ids))
        for row in rows(db, f"SELECT * FROM installments WHERE plan_id IN ({marks})", ids):
            installments[row["plan_id"]].append(row)
        for row in rows(db, f"SELECT * FROM live_payments WHERE plan_id IN ({marks})", ids):
            payments[row["plan_id"]].append(row)
    broken = 0
    for plan in in_force:
        day = end
        if plan["cancelled_on"] and plan["cancelled_on"] <= p["end"]:
            day = date.fromisoformat(plan["cancelled_on"]) - timedelta(days=1)
        position = standing(
            plan, installments[plan["id"]], payments[plan["id"]], as_of=day, policy=policy
        )
        broken += position.state is PlanState.broken

    def count(where: str) -> int:
        return int(rows(db, f"SELECT count(*) AS n FROM live_plans WHERE {where}", p)[0]["n"])

    return {
        "made": count("created_on BETWEEN :start AND :end"),
        "replacing": count("created_on BETWEEN :start AND :end AND replaces_plan_id IS NOT NULL"),
        "completed": count("completed_on BETWEEN :start AND :end"),
        "cancelled": count("status = 'cancelled' AND cancelled_on BETWEEN :start AND :end"),
        "broken": broken,
        "households": len({plan["household_id"] for plan in in_force}),
        "household_ids": sorted({plan["household_id"] for plan in in_force}),
    }


def _support_figures(db: Database, p: dict[str, str]) -> dict[str, Any]:
    by_kind: dict[str, dict[str, int]] = {
        k.value: {"started": 0, "active": 0, "households": 0} for k in SupportKind
    }
    for r in rows(
        db,
        f"""
        SELECT s.kind,
            sum(s.start_on BETWEEN :start AND :end) AS started,
            count(*) AS active,
            count(DISTINCT s.household_id) AS households
        FROM live_supports s
        WHERE s.start_on <= :end AND coalesce({EFFECTIVE_END}, :start) >= :start
        GROUP BY s.kind
        """,
        p,
    ):
        by_kind[r["kind"]] = {
            "started": int(r["started"]),
            "active": int(r["active"]),
            "households": int(r["households"]),
        }
    return {"by_kind": by_kind}


def _emergency_figures(db: Database, start: date, end: date) -> dict[str, int]:
    stays = rows(
        db,
        """
        SELECT household_id, nights_from, nights_to, ended_on, cost_ore, cost_granted
        FROM live_supports
        WHERE kind = 'emergency_housing' AND nights_from <= :end AND nights_to > :start
        """,
        {"start": start.isoformat(), "end": end.isoformat()},
    )
    nights = cost = granted = 0
    for s in stays:
        first = date.fromisoformat(s["nights_from"])
        leave = date.fromisoformat(s["nights_to"])
        if s["ended_on"]:
            leave = min(leave, date.fromisoformat(s["ended_on"]))
        # Nights are counted by the evening they begin: those from the later of arrival
        # and the period's first day, to the earlier of leaving and the day after its end.
        nights += max(0, stay_nights(max(first, start), min(leave, end + timedelta(days=1))))
        if start <= first <= end:
            cost += s["cost_ore"] or 0
            granted += (s["cost_ore"] or 0) if s["cost_granted"] == 1 else 0
    return {
        "stays": len(stays),
        "households": len({s["household_id"] for s in stays}),
        "nights": nights,
        "cost_ore": cost,
        "cost_granted_ore": granted,
    }


# ---------------------------------------------------------------------------------------
# Homelessness (Socialstyrelsen's national mapping)
# ---------------------------------------------------------------------------------------

HOMELESS_SITUATIONS = (
    HousingSituation.homeless_acute,
    HousingSituation.homeless_institution,
    HousingSituation.homeless_long_term,
    HousingSituation.homeless_short_term,
)


# Socialstyrelsen's situation 3: long-term housing solutions the municipality arranges
# (social contract, municipal sublet, training flat on the secondary housing market).
LONG_TERM_MUNICIPAL_TENANCIES = (
    TenancyType.social_contract.value,
    TenancyType.municipal_sublet.value,
    TenancyType.training_flat.value,
)


def homeless_situation(recorded: str, tenancy_type: str | None) -> str | None:
    """The situation a household is counted in: the recorded homelessness situation, or
    situation 3 when it lives on a long-term municipal tenancy, whichever is more acute
    (the lower number). None: not homeless by Socialstyrelsen's definition."""
    order = [s.value for s in HOMELESS_SITUATIONS]
    candidates = [recorded] if recorded in order else []
    if tenancy_type in LONG_TERM_MUNICIPAL_TENANCIES:
        candidates.append(HousingSituation.homeless_long_term.value)
    return min(candidates, key=order.index) if candidates else None


def homeless_count(db: Database, *, on: date) -> list[dict[str, Any]]:
    """Socialstyrelsen's count on ``on``: persons aged 18 and over per situation, and
    children in their own columns, never added into the persons; a ``total`` row last.

    From the households whose case was open that day (opened on or before it, not closed
    on or before it) and that are homeless by ``homeless_situation``: a recorded
    homelessness situation, or a long-term municipal tenancy (situation 3). The
    situation is the one recorded now: the database keeps no history of it, so run the
    count on (or soon after) the mapping's date. Members born after ``on`` are left out;
    a member under 18 that day is a child (``children``, or ``children_part_time`` if
    they live there part of the time); everyone else, a member without a birth date
    included, is a person aged 18 or over (``persons_18_plus``; ``adults`` is the same
    figure under its old name). A person in two such households counts once, in the
    more acute situation (the lower number), identified as in the year report.
    """
    params = {"on": on.isoformat(), "cutoff": child_cutoff(on)}
    placeholders = ", ".join(f"'{t}'" for t in LONG_TERM_MUNICIPAL_TENANCIES)
    members = rows(
        db,
        f"""
        SELECT m.id, m.household_id, m.name, m.pnr, m.birth_date, m.part_time,
            h.housing_situation, h.tenancy_type,
            (m.birth_date IS NOT NULL AND m.birth_date > :cutoff) AS is_child
        FROM members m JOIN live_households h ON h.id = m.household_id
        WHERE (h.housing_situation LIKE 'homeless_%' OR h.tenancy_type IN ({placeholders}))
            AND h.opened_on <= :on AND (h.closed_on IS NULL OR h.closed_on > :on)
            AND (m.birth_date IS NULL OR m.birth_date <= :on)
        """,
        params,
    )
    order = [s.value for s in HOMELESS_SITUATIONS]
    for m in members:
        m["situation"] = homeless_situation(m["housing_situation"], m["tenancy_type"])
    members = [m for m in members if m["situation"] is not None]
    members.sort(key=lambda m: (order.index(m["situation"]), m["id"]))
    figures = HOMELESS_FIGURES
    result: dict[str, dict[str, Any]] = {
        s: {"situation": s} | dict.fromkeys(figures, 0) for s in order
    }
    seen: set[tuple[Any, ...]] = set()
    households: dict[str, set[int]] = {s: set() for s in order}
    for m in members:
        households[m["situation"]].add(m["household_id"])
        key = _person_key(m)
        if key in seen:
            continue
        seen.add(key)
        row = result[m["situation"]]
        if not m["is_child"]:
            row["persons_18_plus"] += 1
            row["adults"] += 1
        elif m["part_time"]:
            row["children_part_time"] += 1
        else:
            row["children"] += 1
    for s in order:
        result[s]["households"] = len(households[s])
    total = {"situation": "total"} | {k: sum(r[k] for r in result.values()) for k in figures}
    return [*result.values(), total]


# The figures of each row of the count, in column order. ``persons_18_plus`` is
# Socialstyrelsen's "persons"; ``adults`` the same number under the name it had before;
# children are never added into either.
HOMELESS_FIGURES = ("households", "persons_18_plus", "adults", "children", "children_part_time")
