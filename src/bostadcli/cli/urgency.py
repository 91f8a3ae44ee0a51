"""One colour scale for urgency, used by every screen that colours a date or a state.

The scale follows the deadline screen's bands (``deadline_bands.band``): a date that
has passed is bold red, one within the coming week yellow, a deadline that cannot start
yet magenta, a case gone quiet blue, and anything later plain. Listings, the case view,
plans and the deadline screen all take their colours from here, so "yellow" means the
same thing on every screen.
"""

from __future__ import annotations

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
