"""How the reports look: the deadline screen, caseload and year tables, CSV rows."""

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli.cli.output import Column
from bostadcli.cli.screen import days_text, since_text
from bostadcli.cli.urgency import BAND_STYLES, band_label, count_lines, heading_style, missable
from bostadcli.cli.year_views import Section as Section
from bostadcli.cli.year_views import print_year as print_year
from bostadcli.cli.year_views import write_year_xlsx as write_year_xlsx
from bostadcli.cli.year_views import year_columns as year_columns
from bostadcli.cli.year_views import year_sections as year_sections
from bostadcli.dates import format_date
from bostadcli.i18n import _, current_language, ngettext
from bostadcli.vocab import (
    ContactKind,
    DeadlineKind,
    HousingSituation,
    PlanState,
    Reason,
    Recipient,
    SupportKind,
    label,
)

if TYPE_CHECKING:
    pass

# The bands' colours: the one urgency scale of cli.urgency, bold for a band's heading.
BAND_STYLE = {band: heading_style(band) for band in BAND_STYLES}
KIND_STYLE = {
    "eviction": "bold red",
    "decision": "bold red",
    "recovery_deadline": "red",
    "recovery_not_started": "magenta",
    "eviction_decision": "red",
    "warning": "yellow",
    "meeting": "green",
    "installment_overdue": "magenta",
    "support_ending": "cyan",
    "consent_expiring": "yellow",
    "planned_contact": "green",
    "no_contact": "blue",
    "letter_late": "bold red",
}


def children_text(full: int, part: int) -> str:
    """``2 children``, ``2 + 1 part-time``, ``1 part-time``; empty without children."""
    if not full and not part:
        return ""
    if not part:
        return ngettext("{n} child", "{n} children", full).format(n=full)
    extra = _("{n} part-time").format(n=part)
    return f"{full} + {extra}" if full else extra


def children_count(full: int, part: int) -> str:
    """``2``, ``2 + 1``: children living there, plus those living there part-time."""
    if not full and not part:
        return ""
    return f"{full} + {part}" if part else str(full)


def what_text(entry: dict[str, Any]) -> str:
    """The entry in a few words: what it is and the one fact that matters for it."""
    from bostadcli.money import Money, format_money

    kind = entry["kind"]
    if kind == "eviction" and entry["eviction_at"] and "T" in entry["eviction_at"]:
        return _("eviction at {time}").format(time=entry["eviction_at"][11:16])
    if kind in ("recovery_deadline", "recovery_not_started") and entry["undertaking_on"]:
        return _("undertaking given {date}: no eviction for the rent").format(
            date=entry["undertaking_on"]
        )
    if kind == "recovery_deadline":
        text = (
            _("recovery deadline, {amount}").format(amount=format_money(Money(entry["amount_ore"])))
            if entry["amount_ore"]
            else label(DeadlineKind, kind)
        )
        return text + "; " + _("last day for an undertaking")
    if kind == "recovery_not_started":
        from bostadcli.cli.notices import recovery_text

        return recovery_text(entry)
    if kind == "decision":
        return _("decision to evict: paying no longer saves the lease")
    if kind == "warning" and entry["ground"]:
        return _("time to correct ends ({ground})").format(ground=label(Reason, entry["ground"]))
    if kind == "meeting" and entry["meeting_time"]:
        return _("meeting at {time}").format(time=entry["meeting_time"])
    if kind == "installment_overdue":
        return _("{plan} {state}, {amount} overdue").format(
            plan=entry["plan_ref"],
            state=label(PlanState, entry["plan_state"]),
            amount=format_money(Money(entry["amount_ore"])),
        )
    if kind == "support_ending":
        return _("#{id} {support} ends").format(
            id=entry["support_id"], support=label(SupportKind, entry["support_kind"])
        )
    if kind == "consent_expiring":
        return _("consent to {recipient} expires").format(
            recipient=label(Recipient, entry["recipient"])
        )
    if kind == "planned_contact":
        what = label(ContactKind, entry["contact_kind"])
        if entry["at_time"]:
            return _("#{id} {contact} at {time}").format(
                id=entry["contact_id"], contact=what, time=entry["at_time"]
            )
        return _("#{id} {contact} booked").format(id=entry["contact_id"], contact=what)
    if kind == "no_contact":
        return _quiet_text(entry["last_contact_on"])
    return label(DeadlineKind, kind)


def _quiet_text(last_contact_on: str | None) -> str:
    """``what_text`` of a case gone quiet, by its last contact."""
    if last_contact_on:
        return _("last contact {date}").format(date=_date_words(last_contact_on, "long"))
    return _("no contact since the case opened")


def when_text(entry: dict[str, Any]) -> str:
    if entry["days_left"] is None:
        return _("no date yet")
    if entry["kind"] == "no_contact":
        n = entry["quiet_days"]
        # Under the band "No contact" this reads "no contact … for 130 days"; short, so
        # the column stays narrow and leaves room for what the entry is about.
        return ngettext("for {n} day", "for {n} days", n).format(n=n)
    if missable(entry):
        return days_text(entry["days_left"])
    return since_text(entry["days_left"])


def deadline_columns() -> list[Column]:
    return [
        Column("band", _("Band")),
        Column("due_on", _("Date")),
        Column("days_left", _("Days left")),
        Column("kind", _("What")),
        Column("ref", _("Case")),
        Column("tenant", _("Tenant")),
        Column("children", _("Children")),
        Column("children_part_time", _("Part-time children")),
        Column("caseworker", _("Caseworker")),
        Column("arrears_ore", _("Arrears"), kind="money"),
        Column("eviction_at", _("Eviction")),
        Column("amount_ore", _("Amount"), kind="money"),
        Column("support_id", _("Support")),
        Column("support_kind", _("Support kind")),
        Column("recipient", _("Recipient")),
        Column("last_contact_on", _("Last contact")),
        Column("quiet_days", _("Days without contact")),
        Column("plan_ref", _("Plan")),
        Column("plan_state", _("Plan state")),
        Column("contact_id", _("Contact")),
        Column("contact_kind", _("Contact kind")),
        Column("at_time", _("Time")),
        Column("notice_id", _("Notice")),
        Column("recovery_missing", _("Period waits for")),
        Column("earliest_decision_on", _("Earliest eviction decision")),
        Column("undertaking_on", _("Undertaking given")),
        Column("ground", _("Ground")),
        Column("decision_by", _("Decided by")),
        Column("case_number", _("Kronofogden case")),
        Column("meeting_time", _("Meeting time")),
    ]


def _print_deadline_heading(console: Any, entries: list[dict[str, Any]], *, as_of: date) -> None:
    """The day, how many entries in each band, and what the children column means."""
    from rich.text import Text

    counts = _band_counts(entries)
    console.print(
        Text.assemble((_("What needs action"), "bold"), "  ", (format_date(as_of, "long"), "dim"))
    )
    for line in count_lines(counts, console.width):
        console.print(
            Text("  ·  ").join(
                Text(f"{band_label(b)} {counts[b]}", style=BAND_STYLE[b] if counts[b] else "dim")
                for b in line
            )
        )
    if any(e["children"] or e["children_part_time"] for e in entries):
        console.print(_("Children: full-time + part-time."), style="magenta")


def _plain_deadline_heading(entries: list[dict[str, Any]], *, as_of: date, width: int) -> list[str]:
    """``_print_deadline_heading``'s lines without colour, before they are wrapped."""
    from bostadcli.cli.table_lines import markup_plain

    counts = _band_counts(entries)
    lines = [_("What needs action") + "  " + format_date(as_of, "long")]
    lines += [
        "  ·  ".join(f"{band_label(b)} {counts[b]}" for b in line)
        for line in count_lines(counts, width)
    ]
    if any(e["children"] or e["children_part_time"] for e in entries):
        lines.append(markup_plain(_("Children: full-time + part-time.")))
    return lines


def _band_counts(entries: list[dict[str, Any]]) -> dict[str, int]:
    counts = dict.fromkeys(BAND_STYLE, 0)
    for e in entries:
        counts[e["band"]] += 1
    return counts


def deadline_day(due_on: str | None, *, as_of: date) -> str:
    """The entry's date, short ("fre 11 dec."), with the year when it is not this one."""
    if not due_on:
        return "—"
    text = _date_words(due_on, "short")
    year = int(due_on[:4])
    return text if year == as_of.year else f"{text} {year}"


# Dates in words by (ISO date, style, language): the screen names the same few days
# over and over.
_DATE_WORDS: dict[tuple[str, str, str], str] = {}


def _date_words(iso: str, style: str) -> str:
    key = (iso, style, current_language())
    found = _DATE_WORDS.get(key)
    if found is None:
        found = format_date(date.fromisoformat(iso), style)
        if len(_DATE_WORDS) < 10_000:
            _DATE_WORDS[key] = found
    return found


# Below this many cells for what an entry is about, the screen stacks its columns: the
# date over the days left, and the case over the tenant and the caseworker.
WHAT_MIN = 30


@dataclass(frozen=True)
class _DeadlineTexts:
    """What the deadline screen shows of each entry, one list a column."""

    days: list[str]
    whens: list[str]
    whats: list[str]
    refs: list[str]
    tenants: list[str]
    children: list[str]
    workers: list[str]


@dataclass
class _DeadlineLayout:
    """The table's columns: stacked or side by side, their headings and widths."""

    stacked: bool
    headings: list[str]
    widths: list[int]
    what_at: int


def print_deadlines(entries: list[dict[str, Any]], *, as_of: date, days: int) -> None:
    """The Monday-morning screen: one table, a section per urgency band.

    Dates, days left, amounts and case numbers are never broken; what an entry is about
    wraps at words. In a narrow terminal (80 columns) the date stands over the days left
    and the tenant and caseworker under the case, so the text keeps room to be read.
    Piped without colour (``table_lines.plain_pipe``) the same lines are written without
    rich's console.
    """
    import sys

    from bostadcli.cli.plain_text import console_width, wrapped_lines
    from bostadcli.cli.table_lines import plain_pipe

    console: Any = None
    if plain_pipe(sys.stdout):
        width = console_width()
        heading = _plain_deadline_heading(entries, as_of=as_of, width=width)
        if not entries:
            heading.append(_("Nothing needs action in the next {n} days.").format(n=days))
        sys.stdout.write("".join(f"{ln}\n" for t in heading for ln in wrapped_lines(t, width)))
    else:
        from bostadcli.cli.rich_console import make_console

        console = make_console()
        width = console.width
        _print_deadline_heading(console, entries, as_of=as_of)
        if not entries:
            console.print(
                _("Nothing needs action in the next {n} days.").format(n=days), style="green"
            )
    if not entries:
        return
    titles = {b: band_label(b) for b in BAND_STYLE}
    texts = _deadline_texts(entries, as_of=as_of)
    layout = _deadline_layout(texts, titles, width=width)
    grid = _deadline_grid(layout)
    if console is None and grid.fits(width):
        from bostadcli.cli.deadline_table import add_plain_rows

        columns = add_plain_rows(grid, entries, texts, layout, titles)
        if grid.fits(width):
            grid.write(sys.stdout, columns=columns)
            return
        # A tab in the text: rich draws the screen, from the rows with their colours.
        grid = _deadline_grid(layout)
    if grid.fits(width):
        for i, entry in enumerate(entries):
            band = entry["band"]
            if i == 0 or entries[i - 1]["band"] != band:
                grid.add_row([(titles[band], "")], bases=[BAND_STYLE[band]])
            last = i + 1 == len(entries) or entries[i + 1]["band"] != band
            cells, bases = _deadline_runs(entry, texts, i, layout)
            grid.add_row(*cells, end_section=last, bases=bases)
        if console is None and grid.fits(width):
            grid.write(sys.stdout)
        else:
            from bostadcli.cli.rich_console import make_console

            grid.print(console or make_console())
        return
    from bostadcli.cli.deadline_table import print_deadline_table

    print_deadline_table(entries, texts, layout, titles, console)


def _deadline_texts(entries: list[dict[str, Any]], *, as_of: date) -> _DeadlineTexts:
    # Each distinct date, count of days, quiet case and count of children worded once:
    # most entries are cases gone quiet, which share a few dates.
    days_of: dict[str | None, str] = {}
    whens_of: dict[tuple[bool, int | None], str] = {}
    quiet: dict[str | None, str] = {}
    counts: dict[tuple[int, int], str] = {}
    days: list[str] = []
    whens: list[str] = []
    whats: list[str] = []
    children: list[str] = []
    for e in entries:
        due = e["due_on"]
        day = days_of.get(due)
        if day is None:
            day = days_of[due] = deadline_day(due, as_of=as_of)
        days.append(day)
        key = _when_key(e)
        when = whens_of.get(key)
        if when is None:
            when = whens_of[key] = when_text(e)
        whens.append(when)
        if e["kind"] == "no_contact":
            what = quiet.get(e["last_contact_on"])
            if what is None:
                what = quiet[e["last_contact_on"]] = _quiet_text(e["last_contact_on"])
        else:
            what = what_text(e)
        whats.append(what)
        count = (e["children"], e["children_part_time"])
        child = counts.get(count)
        if child is None:
            child = counts[count] = children_count(*count)
        children.append(child)
    return _DeadlineTexts(
        days=days,
        whens=whens,
        whats=whats,
        refs=[e["ref"] for e in entries],
        tenants=[e["tenant"] or "" for e in entries],
        children=children,
        workers=[e["caseworker"] or "" for e in entries],
    )


def _when_key(entry: dict[str, Any]) -> tuple[bool, int | None]:
    """What ``when_text`` reads of an entry."""
    if entry["kind"] == "no_contact" and entry["days_left"] is not None:
        return True, entry["quiet_days"]
    return False, entry["days_left"]


def _widest(heading: str, texts: list[str]) -> int:
    from bostadcli.cli.table_lines import text_width, widest

    return max(text_width(heading), widest(list(dict.fromkeys(texts))))


def _longest_word(texts: list[str]) -> int:
    from bostadcli.cli.table_lines import widest

    return widest([w for t in dict.fromkeys(texts) for w in t.split(" ")])


def _deadline_layout(t: _DeadlineTexts, titles: dict[str, str], *, width: int) -> _DeadlineLayout:
    """Side by side when what an entry is about keeps WHAT_MIN cells, else stacked."""
    from rich.cells import cell_len

    from bostadcli.cli.output import share_widths

    gap = 2
    title_width = max(map(cell_len, titles.values()))
    wide = [
        max(_widest(_("Date"), t.days), title_width),
        _widest(_("When"), t.whens),
        0,
        _widest(_("Case"), t.refs),
        min(_widest(_("Tenant"), t.tenants), 16),
        _widest(_("Children"), t.children),
        min(_widest(_("Caseworker"), t.workers), 14),
    ]
    what_room = width - sum(wide) - gap * (len(wide) - 1)
    stacked = what_room < WHAT_MIN
    if stacked:
        headings = [_("When"), _("What"), _("Case"), _("Children")]
        fixed = [
            max(_widest(headings[0], [*t.days, *t.whens]), title_width),
            0,
            min(max(_widest(headings[2], [*t.refs, *t.tenants, *t.workers]), 9), 16),
            _widest(headings[3], t.children),
        ]
    else:
        headings = [_("Date"), _("When"), _("What"), _("Case"), _("Tenant"), _("Children")]
        headings.append(_("Caseworker"))
        fixed = wide
    what_at = 1 if stacked else 2
    floor = max(_longest_word(t.whats), 12)
    room = width - sum(fixed) - gap * (len(fixed) - 1)
    # Even in a very narrow terminal what the entry is about keeps a column to be read
    # in; the table then narrows the others.
    fixed[what_at] = max(
        share_widths([min(floor, max(room, 1))], [_widest("", t.whats)], room)[0], 12
    )
    return _DeadlineLayout(stacked=stacked, headings=headings, widths=fixed, what_at=what_at)


def _deadline_grid(layout: _DeadlineLayout) -> Any:
    """The table of ``_deadline_table``, to be drawn line by line (``cli.table_lines``)."""
    from bostadcli.cli.output import wrap_text
    from bostadcli.cli.table_lines import Grid, GridColumn, markup_plain

    child_at = len(layout.headings) - (1 if layout.stacked else 2)
    last = len(layout.headings) - 1
    return Grid(
        [
            GridColumn(
                markup_plain(wrap_text(heading, layout.widths[i])),
                layout.widths[i],
                ellipsis=i != layout.what_at,
                style="bold magenta"
                if i == child_at
                else "dim"
                if i == last and not layout.stacked
                else "",
            )
            for i, heading in enumerate(layout.headings)
        ],
        collapse_padding=True,
    )


def _deadline_runs(
    entry: dict[str, Any], t: _DeadlineTexts, i: int, layout: _DeadlineLayout
) -> tuple[list[list[tuple[str, str]]], list[str]]:
    """``_deadline_cells`` as runs of text for ``_deadline_grid``, and each cell's own
    style: the same texts in the same colours."""
    from bostadcli.cli.output import wrap_text
    from bostadcli.cli.table_lines import markup_plain

    band_style = BAND_STYLES[entry["band"]]
    what_width = layout.widths[layout.what_at]
    what = [(wrap_text(t.whats[i], what_width), "")]
    kind_style = KIND_STYLE.get(entry["kind"], "")
    if layout.stacked:
        head = [(t.days[i] + "\n", ""), (t.whens[i], band_style)]
        ref = [(t.refs[i], "")]
        for extra, extra_style in ((t.tenants[i], ""), (t.workers[i], "dim")):
            if extra:
                ref.append(("\n" + extra, extra_style))
        children = [(markup_plain(t.children[i]), "")]
        return [head, what, ref, children], ["", kind_style, "", ""]
    cells = [
        [(markup_plain(t.days[i]), "")],
        [(t.whens[i], "")],
        what,
        [(t.refs[i], "")],
        [(t.tenants[i], "")],
        [(markup_plain(t.children[i]), "")],
        [(t.workers[i], "")],
    ]
    return cells, ["", band_style, kind_style, "", "", "", ""]


# --- caseload ----------------------------------------------------------------------------

CASELOAD_DIMENSIONS = ("by_caseworker", "by_landlord", "by_reason")


def caseload_rows(load: dict[str, Any]) -> list[dict[str, Any]]:
    """One flat row per group, for CSV and JSON."""
    return [
        {"dimension": dim.removeprefix("by_"), **row}
        for dim in CASELOAD_DIMENSIONS
        for row in load[dim]
    ]


def caseload_columns() -> list[Column]:
    return [
        Column("dimension", _("By")),
        Column("key", _("Group")),
        Column("open_cases", _("Open cases"), justify="right"),
        Column("with_children", _("With children"), justify="right"),
        Column("children", _("Children"), justify="right"),
        Column("children_part_time", _("Part-time children"), justify="right"),
        Column("arrears_ore", _("Arrears"), kind="money", justify="right"),
        Column("urgent", _("Deadline within 14 days"), justify="right"),
    ]


def print_caseload(load: dict[str, Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    from bostadcli.cli.rich_console import make_console
    from bostadcli.money import Money, format_money

    console = make_console()
    heading = _("Open cases")
    console.print(f"[bold]{heading}[/] {load['total']}  [dim]{escape(load['as_of'])}[/]")
    headings = {
        "by_caseworker": _("Caseworker"),
        "by_landlord": _("Landlord"),
        "by_reason": _("Reason"),
    }

    def name(dim: str, key: str | None) -> str:
        if key is None:
            return _("(none)")
        return label(Reason, key) if dim == "by_reason" else key

    for dim in CASELOAD_DIMENSIONS:
        heading = headings[dim]
        table = Table(header_style="bold", title_justify="left", pad_edge=False)
        table.add_column(heading)
        for h in (_("Open"), _("With children"), _("Children"), _("Arrears"), _("Urgent")):
            table.add_column(h, justify="right")
        for row in load[dim]:
            table.add_row(
                escape(name(dim, row["key"])),
                str(row["open_cases"]),
                str(row["with_children"]),
                children_text(row["children"], row["children_part_time"]),
                format_money(Money(row["arrears_ore"])),
                str(row["urgent"]) if row["urgent"] else "",
            )
        console.print(table)


def homeless_columns() -> list[Column]:
    def situation(value: str, _row: dict[str, Any]) -> str:
        return _("Total") if value == "total" else label(HousingSituation, value)

    return [
        Column("situation", _("Situation"), show=situation),
        Column("households", _("Households"), justify="right"),
        Column("persons_18_plus", _("Persons 18 and over"), justify="right"),
        # The same figure as persons_18_plus, kept in CSV and JSON under its old name.
        Column("adults", _("Adults"), justify="right", in_table=False),
        Column("children", _("Children under 18 (not in persons)"), justify="right"),
        Column(
            "children_part_time",
            _("Part-time children under 18 (not in persons)"),
            justify="right",
        ),
    ]
