"""The year report as one HTML page for the social welfare committee (socialnämnden).

The page is written in Swedish in ``templates/report_year.html.j2``, whatever the
interface language: it is a document for the committee, like a letter. The charts are
inline SVG drawn by the template, so the page needs nothing but a browser to view and
prints to PDF from there.
"""

from __future__ import annotations

from datetime import date
from typing import Any

TEMPLATE = "report_year.html.j2"


def _number(value: int) -> str:
    from babel.numbers import format_decimal

    return str(format_decimal(value, locale="sv_SE"))


def _sek(ore: int) -> str:
    from bostadcli.money import Money, format_money

    return format_money(Money(int(ore)))


def _percent(share: float | None) -> str:
    from babel.numbers import format_percent

    return "–" if share is None else str(format_percent(share, locale="sv_SE"))


def _datum(value: str | date) -> str:
    from bostadcli.dates import format_date

    day = date.fromisoformat(value) if isinstance(value, str) else value
    return format_date(day, "long", locale="sv_SE")


def render_year_html(
    report: dict[str, Any], *, organisation: str, unit: str, generated_on: date
) -> str:
    """Render ``reports.year_report``'s result with the letterhead's names."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from bostadcli.resources import templates_dir

    env = Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(tal=_number, sek=_sek, procent=_percent, datum=_datum)
    return env.get_template(TEMPLATE).render(
        r=report, organisation=organisation, unit=unit, generated_on=generated_on
    )
