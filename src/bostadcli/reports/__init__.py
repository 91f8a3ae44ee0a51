"""What the unit reads every week and reports every year: plain data, no rendering.

One module per report:

- ``deadlines`` (with its sources in ``deadline_sources``): the caseworker's
  Monday-morning list of what needs action.
- ``caseload``: open cases per caseworker, landlord and reason.
- ``year`` (its figures a tree of dataclasses in ``year_tree``): the year's figures for
  the social welfare committee.
- ``homeless``: persons aged 18 and over, and children apart, per Socialstyrelsen
  homelessness situation on a date.

``people.person_key`` says when two members are one person, for the year report and the
homelessness count alike. The names below are what callers import from
``bostadcli.reports``.
"""

from typing import TYPE_CHECKING, Any

from bostadcli.reports.caseload import caseload
from bostadcli.reports.deadline_sources import DEADLINE_SOURCES
from bostadcli.reports.deadlines import (
    BANDS,
    DEADLINE_FIELDS,
    DeadlineWindows,
    Scope,
    Source,
    band,
    deadlines,
    entry,
)

if TYPE_CHECKING:
    from bostadcli.reports.homeless import (
        HOMELESS_FIGURES,
        HOMELESS_SITUATIONS,
        LONG_TERM_MUNICIPAL_TENANCIES,
        homeless_count,
        homeless_situation,
    )
    from bostadcli.reports.year import (
        HOUSED_OUTCOMES,
        children_reached,
        year_figures,
        year_report,
    )
    from bostadcli.reports.year_tree import YearReport, as_dict, comparison_rows, figure_rows

# The year's and the homelessness reports load when one of their names is first used:
# every screen that colours a deadline imports this package (for ``band``), and the
# year report's tree of dataclasses is a good part of a short command's start. (The
# deadline names stay eager: ``deadlines`` and ``caseload`` are also submodules, which
# an import would otherwise put in the functions' place.)
_LAZY = {
    **dict.fromkeys(
        (
            "HOMELESS_FIGURES",
            "HOMELESS_SITUATIONS",
            "LONG_TERM_MUNICIPAL_TENANCIES",
            "homeless_count",
            "homeless_situation",
        ),
        "homeless",
    ),
    **dict.fromkeys(("HOUSED_OUTCOMES", "children_reached", "year_figures", "year_report"), "year"),
    **dict.fromkeys(("YearReport", "as_dict", "comparison_rows", "figure_rows"), "year_tree"),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "BANDS",
    "DEADLINE_FIELDS",
    "DEADLINE_SOURCES",
    "HOMELESS_FIGURES",
    "HOMELESS_SITUATIONS",
    "HOUSED_OUTCOMES",
    "LONG_TERM_MUNICIPAL_TENANCIES",
    "DeadlineWindows",
    "Scope",
    "Source",
    "YearReport",
    "as_dict",
    "band",
    "caseload",
    "children_reached",
    "comparison_rows",
    "deadlines",
    "entry",
    "figure_rows",
    "homeless_count",
    "homeless_situation",
    "year_figures",
    "year_report",
]
