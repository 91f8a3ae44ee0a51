"""The year report as one HTML page for the social welfare committee (socialnämnden).

The page is written in Swedish in ``templates/report_year.html.j2``, whatever the
interface language: it is a document for the committee, like a letter. The charts are
inline SVG drawn by the template, so the page needs nothing but a browser to view and
prints to PDF from there.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bostadcli.reports.year_tree import YearReport

TEMPLATE = "report_year.html.j2"


def render_year_html(
    report: YearReport,
    *,
    organisation: str,
    unit: str,
    generated_on: date,
    user_dir: Path | None = None,
) -> str:
    """Render ``reports.year_figures``'s tree with the letterhead's names.

    The same sandboxed environment as the letters, so a municipality can override the
    page the same way (``bostad template copy``).
    """
    from bostadcli.templating import environment, render_template

    env = environment(user_dir)
    return render_template(
        env,
        TEMPLATE,
        {"r": report, "organisation": organisation, "unit": unit, "generated_on": generated_on},
    )
