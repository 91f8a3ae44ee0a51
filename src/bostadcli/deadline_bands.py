"""The urgency band of a date by its days left: the deadline screen's bands, which every
screen's colours follow (``cli.urgency``).

A module of its own, so that a listing can colour its dates without loading the
reports.
"""

from __future__ import annotations

from bostadcli import rules


def band(days_left: int) -> str:
    """overdue (passed), this_week (today and the next six days), later."""
    if days_left < 0:
        return "overdue"
    if days_left < rules.DEADLINE_THIS_WEEK_DAYS:
        return "this_week"
    return "later"
