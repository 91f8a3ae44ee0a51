"""When a support runs, the one rule: pure functions and the SQL fragments that say
the same (a property test checks that they agree). ``supports.py`` uses them and keeps
every name importable from there.
"""

from __future__ import annotations

from datetime import date
from typing import overload

# When a support runs, the one rule, in Python and as SQL over a support ``s`` (dates are
# ISO text, so the SQL compares them as text as Python compares the strings):
# - a planned support called off before it began (the family declined, the plan
#   changed) is *withdrawn*: withdrawn_on is the day it was called off (before start_on,
#   never after the real date), ended_on stays empty, and it never ran: ``WITHDRAWN``;
# - its effective end is the day it was withdrawn, else the earlier of the planned end
#   (end_on) and the day it actually ended (ended_on), either when only one is known,
#   none when neither is: ``effective_end`` / ``EFFECTIVE_END``;
# - on a day it is withdrawn from the day it was called off, planned before it starts,
#   ended after its effective end, else active: ``support_status`` /
#   ``support_status_sql``;
# - it is in force some time from ``first`` to ``last`` when it starts by ``last``, does
#   not end before ``first`` and was not withdrawn: ``in_force_between`` /
#   ``in_force_between_sql``;
# - it is still running (neither ended nor withdrawn) to a planned end that falls from
#   ``first`` to ``last`` (what the support_ending letter and the deadline view are
#   about): ``ending_between`` / ``ending_between_sql``;
# - an emergency stay's last morning is the earlier of nights_to and ended_on:
#   ``stay_left_on`` / ``STAY_LEFT_ON``, and its nights ``stay_nights`` / ``STAY_NIGHTS``.

# The day it was withdrawn, else the earlier of the planned and the actual end (SQLite's
# min() is NULL if either is).
EFFECTIVE_END = "coalesce(s.withdrawn_on, min(s.ended_on, s.end_on), s.ended_on, s.end_on)"

# True when support ``s`` was withdrawn: called off before it began.
WITHDRAWN = "(s.withdrawn_on IS NOT NULL)"

# The morning an emergency stay ended (nights_to, or ended_on when earlier), and the
# nights from nights_from to then; NULL without nights_from and nights_to.
STAY_LEFT_ON = "CASE WHEN s.ended_on < s.nights_to THEN s.ended_on ELSE s.nights_to END"
STAY_NIGHTS = f"CAST(julianday({STAY_LEFT_ON}) - julianday(s.nights_from) AS INTEGER)"


def effective_end(
    end_on: str | None, ended_on: str | None, *, withdrawn_on: str | None = None
) -> str | None:
    """Python for ``EFFECTIVE_END``: the day it was withdrawn, else the earlier of the
    planned and the actual end."""
    if withdrawn_on is not None:
        return withdrawn_on
    if end_on is None or ended_on is None:
        return ended_on if end_on is None else end_on
    return min(end_on, ended_on)


def support_status_sql(on: str = ":as_of") -> str:
    """SQL: 'withdrawn', 'planned', 'active' or 'ended' for support ``s`` on the ISO date
    ``on`` (an SQL expression, by default the parameter ``:as_of``)."""
    return (
        f"CASE WHEN s.withdrawn_on <= {on} THEN 'withdrawn'"
        f" WHEN s.start_on > {on} THEN 'planned'"
        f" WHEN {EFFECTIVE_END} < {on} THEN 'ended' ELSE 'active' END"
    )


def support_status(
    start_on: str, end: str | None, on: date, *, withdrawn_on: str | None = None
) -> str:
    """Python for ``support_status_sql``: 'withdrawn' (from the day it was called off),
    'planned', 'active' or 'ended' on ``on`` for a support starting ``start_on`` with the
    effective end ``end`` (ISO dates)."""
    day = on.isoformat()
    if withdrawn_on is not None and withdrawn_on <= day:
        return "withdrawn"
    if start_on > day:
        return "planned"
    if end is not None and end < day:
        return "ended"
    return "active"


def in_force_between_sql(first: str = ":start", last: str = ":end") -> str:
    """SQL condition: support ``s`` is in force some day from ``first`` to ``last`` (SQL
    expressions for ISO dates, by default the parameters ``:start`` and ``:end``)."""
    return (
        f"s.start_on <= {last} AND coalesce({EFFECTIVE_END}, {first}) >= {first}"
        " AND s.withdrawn_on IS NULL"
    )


def in_force_between(
    start_on: str, end: str | None, first: date, last: date, *, withdrawn_on: str | None = None
) -> bool:
    """Python for ``in_force_between_sql`` (``end`` is the effective end)."""
    return (
        start_on <= last.isoformat()
        and (end is None or end >= first.isoformat())
        and withdrawn_on is None
    )


def ending_between_sql(first: str = ":from", last: str = ":to") -> str:
    """SQL condition: support ``s`` has been neither ended nor withdrawn and its planned
    end falls from ``first`` to ``last`` (by default the parameters ``:from`` and
    ``:to``)."""
    return (
        "s.ended_on IS NULL AND s.withdrawn_on IS NULL AND s.end_on IS NOT NULL"
        f" AND s.end_on BETWEEN {first} AND {last}"
    )


def ending_between(
    end_on: str | None,
    ended_on: str | None,
    first: date,
    last: date | None = None,
    *,
    withdrawn_on: str | None = None,
) -> bool:
    """Python for ``ending_between_sql``; without ``last``, any planned end from ``first``."""
    return (
        ended_on is None
        and withdrawn_on is None
        and end_on is not None
        and first.isoformat() <= end_on
        and (last is None or end_on <= last.isoformat())
    )


@overload
def stay_left_on(nights_to: str, ended_on: str | None) -> str: ...
@overload
def stay_left_on(nights_to: None, ended_on: str | None) -> None: ...
def stay_left_on(nights_to: str | None, ended_on: str | None) -> str | None:
    """Python for ``STAY_LEFT_ON``: the morning an emergency stay ended."""
    if ended_on is not None and nights_to is not None and ended_on < nights_to:
        return ended_on
    return nights_to


def stay_nights(nights_from: date, nights_to: date) -> int:
    """Nights of an emergency stay: arriving on ``nights_from``, leaving ``nights_to``."""
    return (nights_to - nights_from).days
