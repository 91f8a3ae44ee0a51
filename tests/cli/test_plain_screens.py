"""Screens piped without colour are written without rich's console, line for line as
rich writes them: the wrapping of plain text, the console's width, the deadline screen."""

from __future__ import annotations

import io
import sys
from datetime import date, timedelta
from typing import Any

import pytest
from rich.console import Console
from rich.text import Text

from bostadcli import i18n
from bostadcli.cli import report_views, table_lines
from bostadcli.cli.plain_text import console_width, wrapped_lines
from bostadcli.cli.rich_console import make_console
from bostadcli.reports import entry
from bostadcli.vocab import DeadlineKind
from conftest import Cli

TEXTS = [
    "",
    "kort",
    "Förfallet 204  ·  Denna vecka 42  ·  Inte börjat 0  ·  Senare 38  ·  Ingen kontakt 1404",
    "What needs action  16 November 2026",
    "ett_mycket_långt_ord_utan_mellanslag_som_måste_vikas_flera_gånger",
    "trailing spaces   ",
    "   leading spaces",
    "två  mellanslag  mellan  orden och några fler ord på raden",
    "漢字の名前と長い説明文 wide characters 漢字",
    "emoji 👨‍👩‍👧 family and ❤️ heart",
    "a\x07bell and\rreturn",
    "line one\nline two is a little longer than the first",
    "Barn: boende + delvis boende.",
]


def _rich(text: str, width: int) -> str:
    out = io.StringIO()
    Console(file=out, width=width, color_system=None, emoji=False).print(Text(text))
    return out.getvalue()


@pytest.mark.parametrize("text", TEXTS)
def test_wrapped_lines_are_richs(text: str) -> None:
    for width in [*range(1, 40), 60, 79, 80, 81, 120]:
        mine = "".join(f"{line}\n" for line in wrapped_lines(text, width))
        assert mine == _rich(text, width), (text, width)


@pytest.mark.parametrize("columns", [None, "1", "40", "80", "133", "1000"])
def test_console_width_is_richs(monkeypatch: pytest.MonkeyPatch, columns: str | None) -> None:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert console_width() == make_console().width


def _entries(n: int) -> list[dict[str, Any]]:
    as_of = date(2026, 11, 16)
    kinds = [
        (DeadlineKind.no_contact, {"quiet_days": 40, "last_contact_on": "2026-10-07"}),
        (DeadlineKind.recovery_deadline, {"amount_ore": 1_250_000, "undertaking_on": None}),
        (DeadlineKind.eviction, {"eviction_at": "2026-11-20T09:30"}),
        (DeadlineKind.installment_overdue, {"plan_ref": "P-0001", "plan_state": "broken"}),
    ]
    out = []
    for i in range(n):
        kind, extra = kinds[i % len(kinds)]
        row = {
            "ref": f"2026-{i:04d}",
            "tenant": ["Åsa Öberg", "Mohammed Lindqvist-Andersson", "", "漢字 名前"][i % 4],
            "children": i % 3,
            "children_part_time": i % 2,
            "caseworker": ["KE", "", "Karin Ek Lång"][i % 3],
            "amount_ore": 500_000,
            **extra,
        }
        due = (as_of + timedelta(days=i * 3 - 20)).isoformat()
        out.append(entry(kind, due, row, as_of))
    order = ("overdue", "this_week", "not_started", "later", "no_contact")
    return sorted(out, key=lambda e: order.index(e["band"]))


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("count", [0, 1, 30])
@pytest.mark.parametrize("columns", ["20", "40", "80", "120", "200"])
def test_the_deadline_screen_piped_is_as_rich_writes_it(
    monkeypatch: pytest.MonkeyPatch, language: str, count: int, columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    i18n.setup(language)
    entries = _entries(count)
    as_of = date(2026, 11, 16)

    def screen(plain: bool) -> str:
        monkeypatch.setattr(table_lines, "plain_pipe", lambda _file: plain)
        out = io.StringIO()
        monkeypatch.setattr(sys, "stdout", out)
        report_views._DATE_WORDS.clear()
        report_views.print_deadlines(entries, as_of=as_of, days=14)
        monkeypatch.setattr(sys, "stdout", sys.__stdout__)
        return out.getvalue()

    assert screen(True) == screen(False)


def test_widths_without_rich_are_richs() -> None:
    from rich.cells import cell_len

    from bostadcli.cli.table_lines import text_width, widest

    for code in range(0x2FFF):
        char = chr(code)
        assert text_width(char) == cell_len(char), hex(code)
        assert text_width(f"a{char}\xa0b") == cell_len(f"a{char}\xa0b"), hex(code)
    texts = ["Åsa Öberg", "12\xa0500\xa0kr", "漢字", "e\u0301", "", "a\tb"]
    for n in range(len(texts)):
        assert widest(texts[n:]) == max(map(cell_len, texts[n:]), default=0)


@pytest.mark.parametrize("columns", ["40", "200"])
def test_a_tab_in_the_deadline_screen_is_left_to_rich(
    monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    i18n.setup("sv")
    entries = _entries(5)
    entries[2]["tenant"] = "Anna\tTab"
    entries[3]["caseworker"] = "K\tE"
    outputs = []
    for plain in (True, False):
        monkeypatch.setattr(table_lines, "plain_pipe", lambda _file, plain=plain: plain)
        out = io.StringIO()
        monkeypatch.setattr(sys, "stdout", out)
        report_views.print_deadlines(entries, as_of=date(2026, 11, 16), days=14)
        monkeypatch.setattr(sys, "stdout", sys.__stdout__)
        outputs.append(out.getvalue())
    assert "Anna" in outputs[0]
    assert outputs[0] == outputs[1]


def test_the_child_cutoff_is_relativedeltas() -> None:
    from dateutil.relativedelta import relativedelta

    from bostadcli.households import child_cutoff

    day = date(2019, 1, 1)
    while day < date(2034, 1, 1):
        assert child_cutoff(day) == (day - relativedelta(years=18)).isoformat()
        day += timedelta(days=1)
    for day in (date(1918, 2, 28), date(2096, 2, 29), date(2200, 2, 28)):
        assert child_cutoff(day) == (day - relativedelta(years=18)).isoformat()


PROBE = """
import json, sys
sys.argv = ["bostad", *json.loads(sys.argv[1])]
from bostadcli.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args",
    [
        ["report", "deadlines", "--as-of", "2026-11-16"],
        ["household", "list", "--as-of", "2026-11-16"],
        ["search", "Östlund"],
    ],
)
def test_a_screen_piped_loads_no_console(initialised: Cli, args: list[str]) -> None:
    """Piped, the screens need neither rich's console nor Babel's or dateutil's data."""
    import json
    import os
    import subprocess

    cli = initialised
    ref = cli.ok(
        "household", "add", "Anna Östlund", "--pnr", "811218-9876", "--as-of", "2026-03-01"
    ).stdout.strip()
    assert ref
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "BOSTAD_DB": str(cli.db_path),
            "BOSTAD_CONFIG": str(cli.config_path),
            "BOSTAD_LANG": "sv",
        },
        check=True,
    )
    assert "2026-" in result.stdout
    modules = set(json.loads(result.stderr.strip().splitlines()[-1]))
    for heavy in ("rich.console", "rich.table", "rich.text", "babel", "dateutil", "pydantic"):
        assert heavy not in modules, heavy
