"""The first letter to a household a landlord or Kronofogden told us about: how we can
help. Once per household, ever; not to a household already in contact with the unit."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli.i18n import N_, _
from bostadcli.letters.kind import Candidate, LetterKind

if TYPE_CHECKING:
    from sqlite_utils import Database

    from bostadcli.config import Policy

_CONTACT_WORDS = {
    "phone": N_("a call"),
    "meeting": N_("a meeting"),
    "home_visit": N_("a home visit"),
}


def select(
    db: Database, as_of: date, period: str, policy: Policy, daily: bool = False
) -> list[Candidate]:
    # Once per household, ever: a one-off outreach letter counts as well. The daily run
    # (in the morning) writes to the cases that arrived before that day: a case opened
    # today gets its letter on the next working day.
    #
    # A household already in contact with the unit (a repayment plan in force or ended
    # within the policy's recent_contact_days: paid off, cancelled, ended with the case;
    # or a call, a meeting or a home visit within those days) gets no "your landlord
    # has told us" letter: it would tell the family what they know, as if nobody had
    # spoken to them. The dry run says why. One not sent because the eviction had
    # taken place (``evicted``) counts as its letter: the caseworker phones or visits.
    from datetime import timedelta

    from bostadcli.db import rows

    # The plans of a live household are live: ``plans``, not the view ``live_plans``,
    # whose list of every live household would be built for the few cases left.
    found = rows(
        db,
        """
        SELECT h.id, h.ref,
            (SELECT p.ref FROM plans p WHERE p.household_id = h.id AND (p.status = 'active'
                OR coalesce(p.cancelled_on, p.completed_on) >= :since)
             ORDER BY p.status != 'active', p.id LIMIT 1) AS plan,
            (SELECT c.kind || ' ' || c.contact_on FROM live_contacts c
             WHERE c.household_id = h.id AND c.automatic = 0 AND c.status = 'held'
                AND c.kind IN ('phone', 'meeting', 'home_visit')
                AND c.contact_on BETWEEN :since AND :as_of
             ORDER BY c.contact_on DESC, c.id DESC LIMIT 1) AS contact
        FROM live_households h
        WHERE h.status = 'open' AND h.source IN ('landlord', 'enforcement')
            AND (h.opened_on < :as_of OR (h.opened_on = :as_of AND NOT :daily))
            AND NOT EXISTS (SELECT 1 FROM letters l
                            WHERE l.household_id = h.id AND l.kind = 'outreach')
            AND NOT EXISTS (SELECT 1 FROM late_letters ll
                            WHERE ll.household_id = h.id AND ll.kind = 'outreach'
                                AND ll.sent = 0)
        ORDER BY h.ref
        """,
        {
            "as_of": as_of.isoformat(),
            "daily": int(daily),
            "since": (as_of - timedelta(days=policy.recent_contact_days)).isoformat(),
        },
    )
    return [Candidate(r["id"], r["ref"], skip=_in_contact(r)) for r in found]


def _in_contact(row: dict[str, Any]) -> str | None:
    """Why a household is in contact with the unit already, or None."""
    from bostadcli.dates import format_date

    if row["plan"]:
        return _("already in contact: repayment plan {plan}").format(plan=row["plan"])
    if not row["contact"]:
        return None
    kind, _sep, on = str(row["contact"]).partition(" ")
    try:
        when = format_date(date.fromisoformat(on), "long")
    except ValueError:
        when = on
    return _("already in contact: {contact} on {date}").format(
        contact=_(_CONTACT_WORDS[kind]), date=when
    )


def made_before(
    db: Database, household_id: int, about: Mapping[str, Any], as_of: date, policy: Policy
) -> bool:
    """Whether the household has had its first letter: by any run, of any month, or by
    hand."""
    from bostadcli.db import one

    sql = "SELECT 1 AS x FROM letters WHERE household_id = ? AND kind = 'outreach' LIMIT 1"
    return one(db, sql, [household_id]) is not None


def deadline(context: dict[str, Any]) -> date | None:
    """The recovery deadline or the eviction, whichever comes first, or, when neither is
    ahead, the one that passed recently (it cannot be met by post: the letter is late)."""
    found: list[date] = [
        x["date"] for x in (context.get("deadline"), context.get("eviction")) if x is not None
    ]
    if found:
        return min(found)
    passed: date | None = context.get("passed_deadline")
    return passed


def deadline_of(context: dict[str, Any], day: date) -> str | None:
    """What the deadline day is: the eviction or the recovery deadline."""
    eviction = context.get("eviction")
    if day == context.get("passed_eviction") or (eviction and eviction["date"] == day):
        return "eviction"
    recovery = context.get("deadline")
    if recovery and recovery["date"] == day:
        return "recovery_deadline"
    if day == context.get("passed_deadline"):
        found: str | None = context.get("passed_deadline_of")
        return found
    return None


def evicted(context: dict[str, Any]) -> date | None:
    """The eviction day, when Kronofogden's day has passed and none is ahead: a letter
    about keeping the home would reach a family that has lost it, at the address they
    had to leave. The batch does not send it; the caseworker phones or visits."""
    passed: date | None = context.get("passed_eviction")
    return passed


KIND = LetterKind(
    code="outreach",
    label=N_("first letter: how we can help"),
    select=select,
    deadline=deadline,
    made_before=made_before,
    once_ever=True,
    deadline_of=deadline_of,
    unsent_after=evicted,
    unsent_after_reason=N_("the eviction has taken place: not sent"),
    when="once per household reported by a landlord or Kronofogden, unless already in contact",
)
