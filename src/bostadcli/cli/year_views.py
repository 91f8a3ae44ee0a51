"""How the year report looks in the terminal, and as CSV columns and an xlsx sheet."""

from datetime import date
from typing import IO, TYPE_CHECKING, Any

from bostadcli.cli.output import Column
from bostadcli.i18n import _, pgettext
from bostadcli.vocab import HousingSituation, Outcome, Reason, Source, SupportKind, label

if TYPE_CHECKING:
    from bostadcli.reports.year_tree import YearReport


def year_columns() -> list[Column]:
    return [
        Column("figure", _("Figure")),
        Column("value", _("Value"), justify="right"),
        # The same figure last year, over the same period (empty before the first year).
        Column("previous", _("Last year"), justify="right"),
    ]


def write_year_xlsx(report: "YearReport", out: IO[bytes]) -> int:
    """The year report as one sheet of an xlsx workbook: the CSV's rows and columns
    (figure, value, previous), counts and shares as numbers; returns the row count."""
    from bostadcli.reports import comparison_rows
    from bostadcli.xlsx import write_xlsx

    sheet = _("Year report {year}").format(year=report.year)
    return write_xlsx(comparison_rows(report), year_columns(), out, sheet=sheet)


# A section of the terminal's year report: its title and its (label, figure) rows.
Section = tuple[str, list[tuple[str, Any]]]


def year_sections(r: "YearReport") -> list[Section]:
    """The year report's figures as the terminal shows them, section by section."""
    return [*_reported_sections(r), *_outcome_sections(r), *_help_sections(r)]


def _share(value: float | None) -> str | None:
    return None if value is None else f"{round(value * 100)} %"


def _reported_sections(r: "YearReport") -> list[Section]:
    """Who was reported and helped: households, children, and the reports' sources,
    reasons and housing situations."""
    from bostadcli.year_words import children_title

    c = r.children
    return [
        (
            _("Households"),
            [
                (_("reported"), r.reported.households),
                (_("  with children"), r.reported.with_children),
                (_("helped"), r.helped.households),
                (_("  with a support"), r.helped.with_support),
                (_("  with a repayment plan"), r.helped.with_plan),
                (_("  closed: stayed or rehoused"), r.helped.closed_housed_only),
            ],
        ),
        (
            children_title(r),
            [
                (_("children"), c.children),
                (_("part-time children"), c.children_part_time),
                (_("in households"), c.households),
            ],
        ),
        (
            _("Reported by source"),
            [(label(Source, k), v) for k, v in r.reported.by_source.items()],
        ),
        (
            _("Reported by reason"),
            [(label(Reason, k), v) for k, v in r.reported.by_reason.items()],
        ),
        (
            _("Reported by situation"),
            [(label(HousingSituation, k), v) for k, v in r.reported.by_situation.items()],
        ),
    ]


def _outcome_sections(r: "YearReport") -> list[Section]:
    """How the cases ended, and the repayment plans agreed, paid off or broken."""
    from bostadcli.year_words import HOUSED_SHARE, STAYED_SHARE

    o, plans = r.outcomes, r.plans
    return [
        (
            _("Outcomes of closed cases"),
            [(label(Outcome, k), v) for k, v in o.by_outcome.items()]
            + [
                (_("all closed cases"), o.closed),
                (_(STAYED_SHARE), _share(o.stayed_share)),
                (_(HOUSED_SHARE), _share(o.housed_share)),
            ],
        ),
        (
            _("Repayment plans"),
            [
                (_("agreed"), plans.made),
                (_("  replacing an earlier plan"), plans.replacing),
                (_("paid off"), plans.completed),
                # TRANSLATORS: counts of plans in the year report (plural where it matters).
                (pgettext("plans counted", "broken"), plans.broken),
                (pgettext("plans counted", "cancelled"), plans.cancelled),
                (_("households with a plan"), plans.households),
            ],
        ),
    ]


def _help_sections(r: "YearReport") -> list[Section]:
    """Supports, emergency housing and the evictions carried out."""
    from bostadcli.money import Money, format_money

    e = r.emergency_housing
    return [
        (
            _("Supports (new / active / households)"),
            [
                (label(SupportKind, k), f"{v.started} / {v.active} / {v.households}")
                for k, v in r.supports.by_kind.items()
            ],
        ),
        (
            _("Emergency housing"),
            [
                (_("stays"), e.stays),
                (_("households"), e.households),
                (_("nights"), e.nights),
                (_("cost applied for"), format_money(Money(e.cost_ore))),
                (_("cost granted"), format_money(Money(e.cost_granted_ore))),
            ],
        ),
        (
            _("Evictions carried out"),
            [
                (_("households"), r.evictions.households),
                (_("children"), r.evictions.children),
                (_("part-time children"), r.evictions.children_part_time),
            ],
        ),
    ]


def print_year(report: "YearReport") -> None:
    """The year's figures in one table, a section at a time, each beside last year's."""
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from bostadcli.cli.rich_console import make_console
    from bostadcli.dates import format_date
    from bostadcli.year_words import previous_heading

    sections = year_sections(report)
    before = year_sections(report.previous) if report.previous is not None else []
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column()
    table.add_column(str(report.year), justify="right")
    if before:
        table.add_column(previous_heading(report), justify="right", style="dim")
    for index, (title, pairs) in enumerate(sections):
        table.add_row(Text(title, style="bold"))
        # Matched by label: a code only one of the years has gets a dash in the other.
        then = dict(before[index][1]) if before else {}
        for number, (name, value) in enumerate(pairs, 1):
            cells = [name, "–" if value is None else str(value)]
            if before:
                cells.append("–" if then.get(name) is None else str(then[name]))
            table.add_row(*cells, end_section=number == len(pairs))
    period = " – ".join(
        format_date(date.fromisoformat(day), "long")
        for day in (report.period_start, report.period_end)
    )
    if not report.complete:
        period += "  " + _("(the year is not over)")
    make_console().print(
        Panel(
            table,
            title=_("Annual report {year}").format(year=report.year),
            subtitle=period,
            title_align="left",
        )
    )
