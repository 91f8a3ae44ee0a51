"""The year report's figures as a small tree of frozen dataclasses.

``year.year_figures`` builds a ``YearReport``; the renderers walk it: the terminal table
and the HTML page read its nodes by name, CSV is ``figure_rows`` (one row per leaf,
named by its path: ``reported.by_source.landlord``) and JSON is ``as_dict``. The field
names and their order are the CSV and JSON field names, which scripts rely on: add
fields, never rename or reorder them.

Counts by a vocabulary (``by_source``, ``by_outcome``, …) are read-only mappings from
every code of the vocabulary, in its order, to a count; months are a tuple of twelve.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields, is_dataclass
from types import MappingProxyType
from typing import Any

# A leaf of the tree: a count, a share, an ISO date, the year, or whether it is over.
Leaf = int | float | str | bool | None


def counts(values: Iterable[str | None], codes: Iterable[str]) -> Mapping[str, int]:
    """How many of ``values`` have each code, every code present (a code the vocabulary
    does not know, written by a newer version, is counted after them); None is left
    out."""
    out = dict.fromkeys(codes, 0)
    for v in values:
        if v is not None:
            out[v] = out.get(v, 0) + 1
    return MappingProxyType(out)


@dataclass(frozen=True)
class Reported:
    """Households whose case was opened in the period."""

    households: int
    with_children: int
    by_source: Mapping[str, int]
    by_reason: Mapping[str, int]
    by_situation: Mapping[str, int]
    by_month: tuple[int, ...]


@dataclass(frozen=True)
class Helped:
    """Households helped by a support, a plan, or a case closed with a home."""

    households: int
    with_support: int
    with_plan: int
    closed_housed_only: int


@dataclass(frozen=True)
class Outcomes:
    """Cases closed in the period; shares of ``closed``, rounded to three decimals."""

    closed: int
    by_outcome: Mapping[str, int]
    stayed_share: float | None
    housed_share: float | None


@dataclass(frozen=True)
class ChildrenReached:
    children: int
    children_part_time: int
    households: int


@dataclass(frozen=True)
class SupportFigures:
    started: int
    active: int
    households: int


@dataclass(frozen=True)
class Supports:
    by_kind: Mapping[str, SupportFigures]


@dataclass(frozen=True)
class EmergencyHousing:
    stays: int
    households: int
    nights: int
    cost_ore: int
    cost_granted_ore: int


@dataclass(frozen=True)
class Evictions:
    """Cases closed with the outcome *evicted*, and their children that day."""

    households: int
    children: int
    children_part_time: int


@dataclass(frozen=True)
class PlanFigures:
    made: int
    replacing: int
    completed: int
    cancelled: int
    broken: int
    households: int


@dataclass(frozen=True)
class YearReport:
    """The year's figures; the period is ``period_start`` to ``period_end`` (ISO dates),
    cut at the day of the report while the year is not over (``complete`` false).

    ``previous`` is the year before over the same period (the whole year, or 1 January
    to the same day a year earlier while this year is not over), for every figure to be
    read beside last year's; None before the first year the tool counts, and in
    ``previous`` itself."""

    year: int
    period_start: str
    period_end: str
    complete: bool
    reported: Reported
    helped: Helped
    outcomes: Outcomes
    children: ChildrenReached
    supports: Supports
    emergency_housing: EmergencyHousing
    evictions: Evictions
    plans: PlanFigures
    previous: YearReport | None = None


def _children(node: Any) -> Iterator[tuple[str, Any]]:
    """A node's named parts, in order: a dataclass's fields, a mapping's items, a
    sequence's items numbered from 01."""
    if is_dataclass(node) and not isinstance(node, type):
        for f in fields(node):
            yield f.name, getattr(node, f.name)
    elif isinstance(node, Mapping):
        yield from ((str(k), v) for k, v in node.items())
    elif isinstance(node, tuple | list):
        yield from ((f"{i:02d}", v) for i, v in enumerate(node, 1))


def _is_leaf(node: Any) -> bool:
    return node is None or isinstance(node, int | float | str | bool)


def figure_rows(node: Any, prefix: str = "") -> list[dict[str, Leaf]]:
    """The tree as ``figure``/``value`` rows, one per leaf: ``reported.by_month.01``."""
    if _is_leaf(node):
        return [{"figure": prefix, "value": node}]
    out: list[dict[str, Leaf]] = []
    for name, child in _children(node):
        out += figure_rows(child, f"{prefix}.{name}" if prefix else name)
    return out


def comparison_rows(report: YearReport) -> list[dict[str, Leaf]]:
    """``figure``/``value``/``previous`` rows: each figure of the year beside the same
    figure last year (``report.previous``; empty when there is none to compare with)."""
    own = [
        row
        for name, child in _children(report)
        if name != "previous"
        for row in figure_rows(child, name)
    ]
    before = {}
    if report.previous is not None:
        before = {row["figure"]: row["value"] for row in figure_rows(report.previous)}
    return [row | {"previous": before.get(str(row["figure"]))} for row in own]


def as_dict(node: Any) -> Any:
    """The tree as JSON-ready data: nodes and mappings as dicts, months as a list."""
    if _is_leaf(node):
        return node
    if isinstance(node, tuple | list):
        return [as_dict(v) for v in node]
    return {name: as_dict(child) for name, child in _children(node)}
