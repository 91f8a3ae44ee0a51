"""The words of the year report, one set for the terminal table and the committee's page.

Both say what each figure counts and over what base in the same words (the page is
rendered with the Swedish catalog whatever the interface language: ``in_swedish``).
Where a word follows a number it goes through ``ngettext``: "1 verkställd vräkning",
"2 verkställda vräkningar".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING

from bostadcli.i18n import N_, _, current_language, format_number, ngettext, setup

if TYPE_CHECKING:
    from bostadcli.reports.year_tree import YearReport

# The two shares of closed cases, named by what they count and over what base.
STAYED_SHARE = N_("stayed in the home, share of closed cases")
HOUSED_SHARE = N_("stayed or rehoused, share of closed cases")


@contextmanager
def in_swedish() -> Iterator[None]:
    """Translate into Swedish inside the block, then back to the interface language."""
    before = current_language()
    setup("sv")
    try:
        yield
    finally:
        setup(before)


def share_text(share: float | None) -> str:
    """``43 %``; a dash when nothing closed."""
    return "–" if share is None else f"{round(share * 100)}\u00a0%"


def children_title(report: YearReport) -> str:
    """The children's heading: "so far this year" while the year is not over (the period,
    up to the day of the report, is said beside it)."""
    if report.complete:
        return _("Children reached")
    return _("Children reached so far this year")


def previous_heading(report: YearReport) -> str:
    """What the comparison column is: last year, or the same period of last year."""
    if report.previous is None:
        return ""
    if report.complete:
        return str(report.previous.year)
    return _("{year}, same period").format(year=report.previous.year)


def _short_day(iso: str) -> str:
    from bostadcli.dates import format_date

    return format_date(date.fromisoformat(iso), "long")


def n(value: int) -> str:
    return format_number(value)


def key_figure_words(r: YearReport) -> dict[str, str]:
    """The words beside the key figures of the committee's page, in agreement with the
    figures they follow."""
    o, c, e, ev, p = r.outcomes, r.children, r.emergency_housing, r.evictions, r.plans
    housed = o.by_outcome.get("stays", 0) + o.by_outcome.get("rehoused", 0)
    stays = o.by_outcome.get("stays", 0)
    words = {
        "reported": ngettext("household came in", "households came in", r.reported.households),
        "reported_children": _("{n} of them with children").format(n=n(r.reported.with_children)),
        "helped": ngettext("household helped", "households helped", r.helped.households),
        "helped_how": _("{support} with a support, {plan} with a repayment plan").format(
            support=n(r.helped.with_support), plan=n(r.helped.with_plan)
        ),
        "children": ngettext("child reached", "children reached", c.children),
        "children_when": ""
        if r.complete
        else _("so far this year, to {date}").format(date=_short_day(r.period_end)),
        "children_part_time": ngettext(
            "and {n} living there part-time, in {households} household",
            "and {n} living there part-time, in {households} households",
            c.households,
        ).format(n=n(c.children_part_time), households=n(c.households)),
        "stayed": _(STAYED_SHARE),
        "stayed_base": ngettext(
            "In {stays} of {closed} closed case the household stayed in its home.",
            "In {stays} of {closed} closed cases the household stayed in its home.",
            o.closed,
        ).format(stays=n(stays), closed=n(o.closed))
        if o.closed
        else _("No case was closed in the period."),
        "housed": ngettext(
            "Stayed or rehoused: {housed} of {closed} ({share}).",
            "Stayed or rehoused: {housed} of {closed} ({share}).",
            o.closed,
        ).format(housed=n(housed), closed=n(o.closed), share=share_text(o.housed_share))
        if o.closed
        else "",
        "evictions": ngettext("eviction carried out", "evictions carried out", ev.households),
        "evictions_children": ngettext(
            "{n} child affected", "{n} children affected", ev.children
        ).format(n=n(ev.children))
        + ", "
        + ngettext(
            "{n} child living there part-time",
            "{n} children living there part-time",
            ev.children_part_time,
        ).format(n=n(ev.children_part_time)),
        "nights": ngettext("night in emergency housing", "nights in emergency housing", e.nights),
        "nights_households": ngettext("{n} household", "{n} households", e.households).format(
            n=n(e.households)
        ),
        "stays_nights": ngettext("{n} stay", "{n} stays", e.stays).format(n=n(e.stays))
        + ", "
        + ngettext("{n} night", "{n} nights", e.nights).format(n=n(e.nights)),
        "plans_made": ngettext("new plan", "new plans", p.made),
        "plans_replacing": ngettext(
            "of them {n} renegotiated", "of them {n} renegotiated", p.replacing
        ).format(n=n(p.replacing)),
        "plans_completed": ngettext("plan paid off", "plans paid off", p.completed),
        "plans_broken": ngettext("plan broken", "plans broken", p.broken),
        "plans_cancelled": ngettext("plan cancelled", "plans cancelled", p.cancelled),
        "plans_households": ngettext(
            "household with a plan", "households with a plan", p.households
        ),
    }
    return words


def previous_text(report: YearReport, value: int | str) -> str:
    """Last year's figure as it stands beside this year's: ``2025: 12`` (the page says
    once, at the top, which period of that year it is)."""
    if report.previous is None:
        return ""
    shown = n(value) if isinstance(value, int) else value
    return f"{report.previous.year}: {shown}"
