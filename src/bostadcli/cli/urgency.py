"""One colour scale for urgency, used by every screen that colours a date or a state.

The scale follows the deadline screen's bands (``deadline_bands.band``): a date that
has passed is bold red, one within the coming week yellow, a deadline that cannot start
yet magenta, a case gone quiet blue, and anything later plain. Listings, the case view,
plans and the deadline screen all take their colours from here, so "yellow" means the
same thing on every screen.

The words follow the same bands: the bands' names (``band_label``), and which entries of
the deadline screen are a deadline the unit can miss ("N days overdue") rather than a
milestone that simply passed ("N days ago", ``missable``).
"""

from __future__ import annotations

from typing import Any

from bostadcli.i18n import _, ngettext

# Band → style. The bands are those of the deadline screen; a listing colours a date by
# the band its days left put it in.
BAND_STYLES = {
    "overdue": "bold red",
    "this_week": "yellow",
    "not_started": "magenta",
    "later": "",
    "no_contact": "blue",
}

OVERDUE = BAND_STYLES["overdue"]
SOON = BAND_STYLES["this_week"]
DONE = "green"


def urgency_band(days_left: int | None) -> str | None:
    """The band a date falls in by its days left (None: no date)."""
    if days_left is None:
        return None
    from bostadcli.deadline_bands import band

    return band(days_left)


def urgency_style(days_left: int | None) -> str:
    """The style of a date that is ``days_left`` days away ('' for no colour)."""
    found = urgency_band(days_left)
    return BAND_STYLES[found] if found else ""


def heading_style(band: str) -> str:
    """A band's heading on the deadline screen: its colour, in bold."""
    style = BAND_STYLES[band]
    return f"bold {style.removeprefix('bold ')}".strip()


def marked(text: str, style: str) -> str:
    """Rich markup for ``text`` (already escaped) in ``style``; plain when no style."""
    return f"[{style}]{text}[/]" if style and text else text


# The deadline screen's entries whose day the unit can still miss, or has missed once it
# passed: a deadline to act on, "N days overdue". Any other entry's day (an eviction, a
# decision, the earliest eviction decision, a warning's time to correct, a support or a
# consent ending) is a milestone that simply passes: "9 days ago", never "late".
MISSABLE_KINDS = frozenset(
    {"recovery_deadline", "letter_late", "meeting", "planned_contact", "installment_overdue"}
)


def missable(entry: dict[str, Any]) -> bool:
    """Whether a deadline screen entry is a deadline to act on: one of ``MISSABLE_KINDS``,
    and not a recovery deadline already met by an undertaking that stops the eviction."""
    if entry["kind"] == "recovery_deadline" and entry.get("undertaking_on"):
        return False
    return entry["kind"] in MISSABLE_KINDS


def band_label(band: str) -> str:
    """A band's name on the deadline screen."""
    from bostadcli import rules

    week = rules.DEADLINE_THIS_WEEK_DAYS
    return {
        # Dates passed: deadlines missed and milestones that simply passed alike.
        "overdue": _("Passed"),
        # Today and the next six days: on a Saturday these are not "this week".
        "this_week": ngettext("Within {n} day", "Within {n} days", week).format(n=week),
        "not_started": _("Not started"),
        "later": _("Later"),
        "no_contact": _("No contact"),
    }[band]


def count_lines(counts: dict[str, int], width: int) -> list[list[str]]:
    """The bands of the counts line, a list per line: a narrow screen breaks the line
    between two counts, never inside one ("Within 7 days 2")."""
    lines: list[list[str]] = [[]]
    used = 0
    for b in counts:
        cells = len(f"{band_label(b)} {counts[b]}")
        if lines[-1] and used + 5 + cells > width:
            lines.append([])
            used = 0
        used += cells + (5 if lines[-1] else 0)
        lines[-1].append(b)
    return lines
