"""The deadline screen: what needs action, most urgent first (``bostad report deadlines``).

The entries come from the sources in ``deadline_sources.DEADLINE_SOURCES``, one function
per kind of entry, each reading a ``Scope`` and returning entries made by ``entry``.
This module holds what they share (the bands, the fields, the windows, the household
columns) and ``deadlines``, which runs every source and puts the entries in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from bostadcli import rules, undertakings, validate
from bostadcli.config import Policy
from bostadcli.db import rows
from bostadcli.deadline_bands import band as band
from bostadcli.households import child_cutoff, tenant_sql
from bostadcli.vocab import DeadlineKind

if TYPE_CHECKING:
    from sqlite_utils import Database

# Dated entries fall in the bands by their date; a deadline that cannot be computed yet
# (a termination whose recovery period has not started) is urgent but has no date, and
# comes after this week's; cases that have gone quiet are a list of calls to make, not
# a date, and come last (longest silence first).
BANDS = ("overdue", "this_week", "not_started", "later", "no_contact")

# The household columns every entry carries.
HOUSEHOLD = f"""
    h.id AS household_id, h.ref, h.caseworker, h.arrears_ore,
    {tenant_sql("name")} AS tenant,
    (SELECT count(*) FROM members m WHERE m.household_id = h.id AND m.part_time = 0
     AND m.birth_date > :cutoff AND m.birth_date <= :as_of) AS children,
    (SELECT count(*) FROM members m WHERE m.household_id = h.id AND m.part_time = 1
     AND m.birth_date > :cutoff AND m.birth_date <= :as_of) AS children_part_time
"""
OPEN = "h.status = 'open' AND h.opened_on <= :as_of"
# OPEN in a source that joins the case to its notices, consents, contacts or letters:
# the unary plus keeps SQLite from starting at the open cases (the status index) and
# looking through each one's rows; the other table's own conditions (an indexed date, a
# kind) pick far fewer rows, each then checked against its case. The same rows either way.
OPEN_CASE = "+h.status = 'open' AND h.opened_on <= :as_of"
# A termination for unpaid rent, as ``n``.
RENT_TERMINATION = undertakings.RENT_TERMINATION
# The undertaking that stops an eviction for the rent of termination ``n``, if any.
UNDERTAKING = undertakings.STOPPED_ON

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

# An entry before its values: every field None.
_BLANK: dict[str, Any] = dict.fromkeys(DEADLINE_FIELDS)


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


def entry(kind: str, due_on: str | None, row: dict[str, Any], as_of: date) -> dict[str, Any]:
    """One entry of the view, of ``kind`` (a ``DeadlineKind``), for the household columns
    and the kind's own fields in ``row``; ``due_on`` None for a deadline that cannot be
    computed yet. Keys of ``row`` that are not ``DEADLINE_FIELDS`` are left out."""
    out = _BLANK.copy()
    out.update({k: v for k, v in row.items() if k in _BLANK})
    if due_on is None:
        out.update(kind=str(kind), due_on=None, days_left=None, band="not_started")
        return out
    days_left = (date.fromisoformat(due_on[:10]) - as_of).days
    in_band = "no_contact" if kind == DeadlineKind.no_contact else band(days_left)
    out.update(kind=str(kind), due_on=due_on[:10], days_left=days_left, band=in_band)
    return out


@dataclass(frozen=True)
class Scope:
    """What every source of the deadline view reads: the database, the day, the windows,
    the plan policy, the SQL parameters (``as_of``, ``cutoff`` for the children's birth
    dates, ``from`` the first day still shown as overdue, ``legal_to``, ``consent_to``,
    ``silent_since``, ``decision_from``) and the households in view by id, each with the
    ``HOUSEHOLD`` columns."""

    db: Database
    as_of: date
    windows: DeadlineWindows
    policy: Policy | None
    params: dict[str, Any]
    households: dict[int, dict[str, Any]]


# A source of the deadline view: the entries of one kind in view on the scope's day.
Source = Callable[[Scope], list[dict[str, Any]]]


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
    closed still shows. The entries are those of every source in
    ``deadline_sources.DEADLINE_SOURCES``; each source's docstring says what it finds.
    Dated entries show from ``windows.legal`` days ahead (supports ``windows.support``,
    consents ``windows.consent``) back to ``DEADLINE_OVERDUE_VISIBLE_DAYS`` ago;
    rent terminations whose recovery period has not started have no date (band
    ``not_started``); households whose last contact (or, without any, the opening of the
    case) is ``windows.no_contact`` days old or more form their own band, ``no_contact``,
    dated the day a contact became due.

    Order: band (overdue, this week, not started, later, no contact), then date, then
    households with children first, then what costs a home first (the order of the
    sources: eviction, decision, late letter, recovery deadline, …), then case reference.
    """
    from bostadcli.reports import deadline_sources

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
    scope = Scope(db, as_of, w, policy, params, _households_in_view(db, params))
    ranked = [
        (rank, found)
        for rank, source in enumerate(deadline_sources.DEADLINE_SOURCES)
        for found in source(scope)
    ]
    if caseworker_id is not None:
        theirs = {
            r["ref"]
            for r in rows(
                db, "SELECT ref FROM live_households WHERE caseworker_id = ?", [caseworker_id]
            )
        }
        ranked = [(rank, e) for rank, e in ranked if e["ref"] in theirs]
    band_order = {b: i for i, b in enumerate(BANDS)}
    ranked.sort(
        key=lambda pair: (
            band_order[pair[1]["band"]],
            pair[1]["due_on"] or "",
            (pair[1]["children"] + pair[1]["children_part_time"]) == 0,
            pair[0],
            pair[1]["ref"],
        )
    )
    return [e for _rank, e in ranked]


# An open case's last contact held by someone of the unit: not a letter of the monthly
# batch, not one booked or cancelled. The newest one by the index, not by a max().
LAST_HELD = """
    (SELECT c.contact_on FROM live_contacts c WHERE c.household_id = h.id
     AND c.automatic = 0 AND c.status = 'held' AND c.contact_on <= :as_of
     ORDER BY c.contact_on DESC LIMIT 1)"""


def _households_in_view(db: Database, params: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """Open cases, and closed ones whose plan or support was kept running at closing.

    Besides the ``HOUSEHOLD`` columns, an open case has the day it opened
    (``opened_on``) and its last contact (``last_held_on``, ``LAST_HELD``), for the
    cases gone quiet; a closed one None in both. (Neither is a field of an entry:
    ``entry`` leaves them out.)"""
    return {
        r["household_id"]: r
        for r in rows(
            db,
            f"""
            SELECT {HOUSEHOLD}, h.opened_on, {LAST_HELD} AS last_held_on
            FROM live_households h WHERE {OPEN}
            UNION ALL
            SELECT {HOUSEHOLD}, NULL, NULL FROM live_households h
            WHERE h.id IN (
                SELECT p.household_id FROM plans p WHERE p.status = 'active'
                UNION SELECT s.household_id FROM supports s
                    WHERE s.ended_on IS NULL AND s.withdrawn_on IS NULL)
                AND h.opened_on <= :as_of AND NOT ({OPEN})
            """,
            params,
        )
    }
