"""Long listings drawn line by line (``cli.table_lines``): the layout rules of a screen
hold on 2 000 rows at 80 and 120 columns, in Swedish and English, and the lines are
rich's own for the same table, colour codes and all.

The screens are drawn in this process into a stand-in terminal (a text buffer that says
it is a terminal, with COLUMNS and TERM set as a terminal would), or a pipe.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from bostadcli import i18n
from bostadcli.cli import table_lines

AS_OF = date(2026, 11, 16)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
CUT_AMOUNT = re.compile(r"\d\s*\n\s*(?:kr\b|\d{3}\b)")
REF = re.compile(r"(?<![\d-])\d{4}-\d{4}(?![\d-])")
AMOUNT = re.compile("(?<![\\d\u00a0,.])\\d{1,3}(?:[\u00a0,]\\d{3})*(?:[,.]\\d{2})?\u00a0kr")
CUT_DATE = re.compile(r"\b\d{4}-\d{2}-?(?:\n|…)|\b\d{4}-\d{2}-\d…")

FIRST = ["Anna", "Märta", "Linnéa", "Ömer", "Mohammed", "Anna-Karin", "Åsa", "Jean-Baptiste"]
LAST = ["Johansson", "Öberg", "Ahmed Hussein", "Åberg", "Lindqvist-Gustafsson", "Ek"]
LANDLORDS = ["Exempelbyhem", "Bostadsbolag 07 AB", "Fastighets AB Långgatan i Exempelby"]
STREETS = ["Storgatan 1", "Östra Långgatan 117 B", "Åsvägen 3"]
REASONS = [["unpaid_rent"], ["unpaid_rent", "disturbance"], []]


class _Screen(io.StringIO):
    def __init__(self, terminal: bool) -> None:
        super().__init__()
        self.terminal = terminal

    def isatty(self) -> bool:
        return self.terminal


@pytest.fixture(params=["sv", "en"])
def lang(request: pytest.FixtureRequest) -> Iterator[str]:
    previous = i18n.current_language()
    i18n.setup(request.param)
    yield str(request.param)
    i18n.setup(previous)


def _draw(monkeypatch: pytest.MonkeyPatch, draw: Callable[[], None], *, columns: int | None) -> str:
    """What ``draw`` prints: in a terminal of ``columns``, or piped (None)."""
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", str(columns))
    screen = _Screen(terminal=columns is not None)
    monkeypatch.setattr(sys, "stdout", screen)
    draw()
    monkeypatch.undo()
    return screen.getvalue()


def _households(n: int) -> list[dict[str, Any]]:
    rows = []
    for i in range(n):
        days = (i * 7) % 90 - 20 if i % 5 else None
        deadline = (AS_OF + timedelta(days=days)).isoformat() if days is not None else None
        rows.append(
            {
                "ref": f"2026-{i + 1:04d}",
                "status": "open",
                "tenant": f"{FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]}",
                "street": STREETS[i % len(STREETS)],
                "landlord": LANDLORDS[i % len(LANDLORDS)],
                # Up to 1 234 567 kr: amounts of every width.
                "arrears_ore": (i * 7919) % 123_456_700 + 100,
                "reasons": REASONS[i % len(REASONS)],
                "children": i % 4,
                "children_part_time": i % 3 == 0,
                "next_deadline": deadline,
                "next_deadline_kind": "recovery_deadline" if i % 2 else "eviction_at",
                "days_left": days,
            }
        )
    return rows


def _entries(n: int) -> list[dict[str, Any]]:
    from bostadcli.reports.deadlines import BANDS, entry

    kinds = [
        ("eviction", {"eviction_at": "2026-11-20T09:00"}),
        ("recovery_deadline", {"amount_ore": 1_490_000}),
        ("recovery_not_started", {"recovery_missing": ["served_on"]}),
        ("installment_overdue", {"plan_ref": "P-0042", "plan_state": "behind", "amount_ore": 9900}),
        ("support_ending", {"support_id": 7, "support_kind": "housing_first"}),
        ("consent_expiring", {"recipient": "landlord"}),
        ("planned_contact", {"contact_id": 12, "contact_kind": "meeting", "at_time": "10:30"}),
        ("no_contact", {"last_contact_on": "2026-06-01", "quiet_days": 168}),
        ("letter_late", {}),
    ]
    out = []
    for i in range(n):
        kind, extra = kinds[i % len(kinds)]
        row = {
            "ref": f"2026-{i + 1:04d}",
            "tenant": f"{FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]}",
            "children": i % 3,
            "children_part_time": i % 4 == 0,
            "caseworker": "Karin Lindqvist-Gustafsson" if i % 2 else "Per Ek",
            "arrears_ore": 100_000,
            **extra,
        }
        due = None if kind == "recovery_not_started" else (AS_OF + timedelta(days=i % 400 - 30))
        out.append(entry(kind, due.isoformat() if due else None, row, AS_OF))
    out.sort(key=lambda e: (BANDS.index(e["band"]), e["due_on"] or ""))
    return out


def _screens(n: int) -> dict[str, Callable[[], None]]:
    from bostadcli.cli import search as cli_search
    from bostadcli.cli.output import Format, emit
    from bostadcli.cli.report_views import print_deadlines
    from bostadcli.cli.views.households import household_columns

    households = _households(n)
    found = [
        {
            **{k: h[k] for k in ("ref", "status", "tenant", "street")},
            "tenant_pnr": "19811218-****",
            "members": [h["tenant"]],
            "matched": ["name"],
            "city": "Exempelby",
            "opened_on": "2026-01-02",
            "closed_on": None,
        }
        for h in households
    ]
    entries = _entries(n)
    return {
        "list": lambda: emit([dict(h) for h in households], household_columns(), Format.table),
        "search": lambda: emit([dict(f) for f in found], cli_search.columns(), Format.table),
        "deadlines": lambda: print_deadlines(entries, as_of=AS_OF, days=30),
    }


def _money(ore: int) -> str:
    from bostadcli.cli.screen import kr

    return kr(ore)


@pytest.mark.parametrize("columns", [80, 120])
def test_two_thousand_rows_keep_the_layout_rules(
    monkeypatch: pytest.MonkeyPatch, lang: str, columns: int
) -> None:
    from rich.cells import cell_len

    households = _households(2000)
    for name, draw in _screens(2000).items():
        shown = ANSI.sub("", _draw(monkeypatch, draw, columns=columns))
        lines = shown.splitlines()
        assert len(lines) > 2000, name
        assert max(cell_len(line) for line in lines) <= columns, name
        plain = "\n".join(line.strip() for line in lines)
        assert not CUT_DATE.search(plain), name
        # Every reference whole (the deadline screen has one for each entry).
        assert set(REF.findall(shown)) >= {f"2026-{i + 1:04d}" for i in range(2000)}, name
        if name == "deadlines":
            # The amount in what an entry is about stays whole; a long name in the
            # narrow case column ends in "…" by design.
            assert _money(1_490_000) in shown
            continue
        assert not CUT_AMOUNT.search(plain), name
        assert "…" not in shown, name
        if name == "list":
            # Each amount whole, on one line, in the arrears column.
            assert set(AMOUNT.findall(shown)) >= {_money(r["arrears_ore"]) for r in households}
            assert _("Arrears") in "\n".join(lines[:3])


def _(text: str) -> str:
    return i18n._(text)


def test_piped_two_thousand_rows_are_whole_and_plain(
    monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    households = _households(2000)
    for name, draw in _screens(2000).items():
        shown = _draw(monkeypatch, draw, columns=None)
        assert "\x1b" not in shown, name
        assert set(REF.findall(shown)) >= {r["ref"] for r in households}, name
        if name == "deadlines":
            continue
        assert "…" not in shown, name
        # Names whole: a pipe has room for them.
        assert all(t in shown for t in {r["tenant"] for r in households}), name
        if name == "list":
            assert set(AMOUNT.findall(shown)) >= {_money(r["arrears_ore"]) for r in households}


@pytest.mark.parametrize("columns", [None, 60, 80, 120, 200])
def test_drawn_as_rich_draws_it(monkeypatch: pytest.MonkeyPatch, lang: str, columns: int) -> None:
    """The same characters and the same colour codes as rich's table, in a terminal of
    every width and piped."""
    for name, draw in _screens(150).items():
        fast = _draw(monkeypatch, draw, columns=columns)
        monkeypatch.setattr(table_lines.Grid, "fits", lambda self, console: False)
        slow = _draw(monkeypatch, draw, columns=columns)
        assert fast == slow, (name, columns)


def test_a_table_wider_than_the_terminal_is_left_to_rich(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Columns that do not fit (values that must not break, a terminal of 30 columns):
    rich squeezes the table as it always has, and it still fits."""
    from rich.cells import cell_len

    i18n.setup("sv")
    try:
        for name, draw in _screens(20).items():
            shown = ANSI.sub("", _draw(monkeypatch, draw, columns=30))
            assert max(cell_len(line) for line in shown.splitlines()) <= 30, name
    finally:
        i18n.setup("en")


def test_grid_cuts_and_pads_as_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    """Odd cells: too long for their column, wide characters, control codes, trailing
    spaces in a right-justified column, emoji codes and markup in a heading."""
    from rich.console import Console

    from bostadcli.cli.table_lines import Grid, GridColumn

    def grid() -> Grid:
        g = Grid(
            [
                GridColumn("Ref", 6, ellipsis=True),
                GridColumn("Namn\nlångt", 5),
                GridColumn("Belopp", 7, justify="right", style="bold magenta"),
            ]
        )
        g.add_row("2026-00042", "漢字漢字漢字", [("12 kr  ", "red")], bases=["", "", "dim"])
        g.add_row("a\x07b\rc", [("x\ny", ""), ("z", "blue")], "", end_section=True)
        g.add_row([("Ab", "bold"), ("cdefghij", "red")], "", "1")
        g.add_row("", "abcdefgh", "99999999")
        return g

    for terminal in (True, False):
        out: list[str] = []
        for fits in (True, False):
            monkeypatch.setattr(Grid, "fits", lambda self, console, f=fits: f)
            buffer = _Screen(terminal)
            console = Console(
                file=buffer,
                width=40,
                force_terminal=terminal,
                color_system=("truecolor" if terminal else None),
            )
            grid().print(console)
            out.append(buffer.getvalue())
        assert out[0] == out[1], terminal


def test_deadline_dates_in_words_are_babels(lang: str) -> None:
    """The deadline screen names its days itself from babel's names of weekdays and
    months: the same words as ``dates.format_date``, every day of two years."""
    from bostadcli.cli import report_views
    from bostadcli.dates import format_date

    report_views._DATE_WORDS.clear()
    day = date(2025, 1, 1)
    while day < date(2027, 1, 1):
        for style in ("short", "long"):
            assert report_views._date_words(day.isoformat(), style) == format_date(day, style)
        day += timedelta(days=1)
