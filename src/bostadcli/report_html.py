"""The year report as one HTML page for the social welfare committee (socialnämnden).

The page is written in Swedish in ``templates/report_year.html.j2``, whatever the
interface language: it is a document for the committee, like a letter. Its words come
from ``year_words`` in the Swedish catalog, the same words as the terminal's table. The
charts are inline SVG drawn by the template, so the page needs nothing but a browser to
view and prints to PDF from there.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    page the same way (``bostad template copy``). Besides ``r`` (the tree, last year's
    figures in ``r.previous``) the template gets ``ord``: the words of the page, in
    Swedish, in agreement with the numbers they follow.
    """
    from bostadcli.templating import environment, render_template
    from bostadcli.year_words import in_swedish

    with in_swedish():
        words = page_words(report)
    env = environment(user_dir)
    return render_template(
        env,
        TEMPLATE,
        {
            "r": report,
            "ord": words,
            "organisation": organisation,
            "unit": unit,
            "generated_on": generated_on,
        },
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def page_words(report: YearReport) -> dict[str, Any]:
    """Every word of the page that the terminal's table has too, and those that follow
    a number, in the current language (``in_swedish`` for the page)."""
    from bostadcli.i18n import _
    from bostadcli.vocab import Outcome, Reason, Source, SupportKind, label
    from bostadcli.year_words import (
        children_title,
        key_figure_words,
        previous_heading,
        previous_text,
    )

    r, before = report, report.previous
    o = r.outcomes

    def was(figure: Callable[[YearReport], int | str]) -> str:
        return "" if before is None else previous_text(r, figure(before))

    return key_figure_words(r) | {
        "children_title": children_title(r),
        "previous_heading": previous_heading(r),
        "previous": {
            "reported": was(lambda y: y.reported.households),
            "helped": was(lambda y: y.helped.households),
            "children": was(lambda y: y.children.children),
            "stayed": was(lambda y: _share(y.outcomes.stayed_share)),
            "evictions": was(lambda y: y.evictions.households),
            "nights": was(lambda y: y.emergency_housing.nights),
        },
        "stayed_share": _share(o.stayed_share),
        "by_source": _("Reported by source"),
        "by_reason": _("Reported by reason"),
        "supports": _("Supports"),
        "outcomes": _("Outcomes of closed cases"),
        "plans": _("Repayment plans"),
        "emergency": _("Emergency housing"),
        "per_month": _("Cases opened per month"),
        "total": _("Total"),
        "households": _("Households"),
        "new": _("New"),
        "active": _("Active"),
        "sources": {k: _capital(label(Source, k)) for k in r.reported.by_source},
        "reasons": {k: _capital(label(Reason, k)) for k in r.reported.by_reason},
        "support_kinds": {k: _capital(label(SupportKind, k)) for k in r.supports.by_kind},
        "outcome_names": {k: _capital(label(Outcome, k)) for k in o.by_outcome},
    }


def _share(share: float | None) -> str:
    from bostadcli.year_words import share_text

    return share_text(share)
