"""Letters that cannot reach the family by post before their deadline: the post's
working days, recording a late letter, and the note for the manifest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli import rules
from bostadcli.config import Policy
from bostadcli.db import now_utc
from bostadcli.errors import BostadError
from bostadcli.i18n import N_, _
from bostadcli.letters.words import swedish

if TYPE_CHECKING:
    from sqlite_utils import Database

    from bostadcli.letters.batch import BatchItem


@dataclass(frozen=True)
class LateLetter:
    """A letter that cannot reach the family by post before its deadline."""

    household_id: int
    kind: str
    period: str
    deadline: date
    posted_on: date
    arrives_on: date
    sent: bool
    params: dict[str, Any] | None = None


def post_days(policy: Policy) -> int:
    """The working days the post needs (rules.POST_WORKING_DAYS, or the policy's)."""
    days = policy.post_working_days
    if not 0 <= days <= rules.POST_WORKING_DAYS_MAX:
        raise BostadError(
            _("[policy] post_working_days must be between 0 and {most}, not {days}").format(
                most=rules.POST_WORKING_DAYS_MAX, days=days
            )
        )
    return days


# What a deadline day is, for the notes on a late letter (a kind's ``deadline_of``).
DEADLINE_NAMES = {
    "recovery_deadline": N_("the recovery deadline"),
    "eviction": N_("the eviction"),
    "support_end": N_("the support's end"),
    "meeting": N_("the meeting"),
}


def arrives_by_post(made_on: date, days: int) -> date:
    """The day a letter made on ``made_on`` reaches the family: posted that day, or on
    the first working day after it when the post does not go (a Saturday, a holiday),
    it arrives ``days`` working days later (rules 14)."""
    from bostadcli.workdays import add_working_days, next_working_day

    return add_working_days(next_working_day(made_on), days)


def arrives_too_late(arrives_on: date, deadline: date) -> bool:
    """Whether a letter arriving on ``arrives_on`` is late for ``deadline``: in time
    only when it arrives before the deadline day (the family has a day to act)."""
    return arrives_on >= deadline


def one_off_late(
    household_id: int,
    kind: str,
    deadline: date | None,
    *,
    made_on: date,
    policy: Policy,
    params: dict[str, Any] | None = None,
) -> LateLetter | None:
    """A letter made by hand (``letter render``) on ``made_on`` that cannot reach the
    family by post before its ``deadline``, judged as the daily and monthly runs judge
    theirs; None when it arrives in time or has no deadline. It is keyed by its
    deadline (one-off letters have no period): the same letter made again for the same
    deadline is flagged once. ``posted_on`` is the letter's day, so that a call or a
    visit from that day on clears the flag."""
    if deadline is None:
        return None
    arrives_on = arrives_by_post(made_on, post_days(policy))
    if not arrives_too_late(arrives_on, deadline):
        return None
    return LateLetter(
        household_id=household_id,
        kind=kind,
        period=deadline.isoformat(),
        deadline=deadline,
        posted_on=made_on,
        arrives_on=arrives_on,
        sent=True,
        params=params or None,
    )


def letter_deadline(kind: str, context: dict[str, Any]) -> date | None:
    """The day a letter of ``kind`` must reach the family before (the kind's rule:
    a recovery deadline, an eviction, a support's end), or None."""
    from bostadcli.letters.registry import KINDS

    rule = KINDS[kind].deadline
    return rule(context) if rule is not None else None


def judge_post(
    item: BatchItem, context: dict[str, Any], *, as_of: date, policy: Policy
) -> str | None:
    """Set a new batch letter's deadline, what that day is, the day it arrives by post
    posted on ``as_of``, and whether that is late (the family has a day to act); return
    why it is not sent at all (N_(): a day passed that makes it pointless, or it would
    arrive after a deadline its kind does not post past), or None."""
    from bostadcli.letters.registry import KINDS

    kind = KINDS[item.kind]
    passed = kind.unsent_after(context) if kind.unsent_after is not None else None
    item.deadline = passed or letter_deadline(item.kind, context)
    if item.deadline is None:
        return None
    if kind.deadline_of is not None:
        item.deadline_of = kind.deadline_of(context, item.deadline)
    item.arrives_on = arrives_by_post(as_of, post_days(policy))
    item.late = arrives_too_late(item.arrives_on, item.deadline)
    if passed is not None:
        return kind.unsent_after_reason
    if kind.unsent_when_late and item.arrives_on > item.deadline:
        return kind.unsent_when_late
    return None


class _TooLateToPost(BostadError):
    """A batch letter not sent: it would arrive after its deadline (a support's end),
    or a day has passed that makes it pointless (an eviction)."""


def record_late(
    db: Database, late: LateLetter, *, letter_id: int | None, batch: str | None
) -> None:
    """Record a letter that cannot arrive in time (once per household, kind and
    period), in the caller's transaction, for the deadline screen."""
    import json

    db.execute(
        "INSERT OR IGNORE INTO late_letters (household_id, kind, period, letter_id, deadline,"
        " posted_on, arrives_on, sent, batch, params, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            late.household_id,
            late.kind,
            late.period,
            letter_id,
            late.deadline.isoformat(),
            late.posted_on.isoformat(),
            late.arrives_on.isoformat(),
            int(late.sent),
            batch,
            json.dumps(late.params, ensure_ascii=False) if late.params else None,
            now_utc(),
        ],
    )


def _late_of(item: BatchItem, posted_on: date, *, sent: bool) -> LateLetter:
    assert item.deadline is not None and item.arrives_on is not None
    params = item.params()
    if item.deadline_of is not None:
        # What the deadline is, for the notes (the manifest names it).
        params = (params or {}) | {"deadline_of": item.deadline_of}
    return LateLetter(
        household_id=item.household_id,
        kind=item.kind,
        period=item.period,
        deadline=item.deadline,
        posted_on=posted_on,
        arrives_on=item.arrives_on,
        sent=sent,
        params=params,
    )


def deadline_words(deadline: date, what: str | None, *, locale: str | None = None) -> str:
    """A deadline day with what it is ("the eviction 16 December 2026"), in the
    program's language, or with ``locale`` in that one (Swedish: the manifest)."""
    from bostadcli.dates import format_date

    when = format_date(deadline, "long", locale=locale)
    name = DEADLINE_NAMES.get(what or "")
    if name is None:
        return when
    if locale:
        return swedish(N_("{what} on {day}")).format(what=swedish(name), day=when)
    return _("{what} on {day}").format(what=_(name), day=when)


def late_params_deadline_of(params: str | None) -> str | None:
    """What a late letter's deadline is, from its recorded parameters."""
    import json

    try:
        found = json.loads(params) if params else None
    except ValueError:
        return None
    what = found.get("deadline_of") if isinstance(found, dict) else None
    return what if isinstance(what, str) else None


def call_note(deadline: date, arrives_on: date, *, sent: bool, what: str | None = None) -> str:
    """The manifest's note for a letter that cannot arrive in time, naming the deadline
    (``what``, a key of DEADLINE_NAMES). In Swedish, like the letters and the
    manifest's other text meant for the post room and the unit."""
    from bostadcli.dates import format_date

    when = deadline_words(deadline, what, locale="sv_SE")
    arrives = format_date(arrives_on, "long", locale="sv_SE")
    if sent:
        note = N_("call or visit: the letter arrives {arrives}, too late for {deadline}")
    elif not_sent_for_month(deadline, arrives_on):
        note = N_(
            "call or visit: the letter was not sent, the household has had this month's"
            " letter of this kind and next month's would come too late for {deadline}"
        )
    else:
        note = N_(
            "call or visit: the letter was not sent, it would arrive {arrives}, after {deadline}"
        )
    return swedish(note).format(arrives=arrives, deadline=when)


def not_sent_for_month(deadline: date, arrives_on: date) -> bool:
    """Whether a letter not sent would have arrived in time: then it was not sent
    because the household had the month's letter of its kind already (a letter that
    would arrive after its deadline is not sent for that reason alone)."""
    return arrives_on <= deadline
