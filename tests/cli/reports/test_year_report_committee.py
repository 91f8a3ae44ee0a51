"""The year report a committee reads: each figure beside last year's, shares that say
what they count and over what base, Swedish number agreement, the terminal's words, and
the children reached so far this year."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bostadcli import i18n
from bostadcli.db import open_database
from bostadcli.reports import as_dict, year_figures
from conftest import Cli

AS_OF = "2026-03-02"


@pytest.fixture
def unit(initialised: Cli) -> Cli:
    initialised.ok("landlord", "add", "Exempelhem AB", "--kind", "municipal")
    return initialised


def household(cli: Cli, name: str, opened: str, *extra: str) -> str:
    out = cli.ok(
        "household", "add", name, "--landlord", "Exempelhem AB", "--opened", opened,
        "--as-of", opened, *extra,
    )  # fmt: skip
    return str(out.stdout.strip().split()[-1])


def close(cli: Cli, ref: str, outcome: str, on: str) -> None:
    cli.ok("household", "close", ref, "--outcome", outcome, "--date", on, "--as-of", on)


def report(cli: Cli, fmt: str, *args: str) -> str:
    return str(cli.ok("report", "year", "--format", fmt, *args).stdout)


# --- each figure beside last year's -----------------------------------------------------


def test_each_figure_beside_the_same_period_last_year(unit: Cli) -> None:
    early = household(unit, "Anna Andersson", "2025-02-01")
    household(unit, "Bo Berg", "2025-05-01")  # after 2 March: not in last year's period
    close(unit, early, "evicted", "2025-02-20")
    household(unit, "Cecilia Carlsson", "2026-01-15")

    found = json.loads(report(unit, "json", "--as-of", AS_OF))
    before = found["previous"]
    assert (before["period_start"], before["period_end"]) == ("2025-01-01", "2025-03-02")
    assert before["complete"] is False and before["previous"] is None
    assert (found["reported"]["households"], before["reported"]["households"]) == (1, 1)
    assert (found["evictions"]["households"], before["evictions"]["households"]) == (0, 1)
    # The same figures, field for field, as the report of that period on its own.
    db = open_database(unit.db_path)
    try:
        alone = as_dict(year_figures(db, year=2025, as_of=date(2025, 3, 2)))
    finally:
        db.close()
    assert before == alone | {"previous": None}

    rows = list(csv.DictReader(io.StringIO(report(unit, "csv", "--as-of", AS_OF))))
    by_figure = {r["figure"]: r for r in rows}
    assert list(rows[0]) == ["figure", "value", "previous"]
    assert not any(r["figure"].startswith("previous") for r in rows)
    assert (by_figure["year"]["value"], by_figure["year"]["previous"]) == ("2026", "2025")
    assert by_figure["evictions.households"]["previous"] == "1"
    assert by_figure["outcomes.stayed_share"]["value"] == ""  # nothing closed this year

    table = unit.ok("report", "year", "--as-of", AS_OF).stdout
    assert "2026" in table and "2025, same period" in table
    html = report(unit, "html", "--as-of", AS_OF)
    assert "2025, samma period (1 januari 2025 – 2 mars 2025)" in html
    assert '<div class="fjol">2025: 1</div>' in html


def test_a_year_that_is_over_is_read_beside_the_whole_year_before(unit: Cli) -> None:
    household(unit, "Anna Andersson", "2024-11-01")
    found = json.loads(report(unit, "json", "--year", "2025", "--as-of", AS_OF))
    assert found["previous"]["period_end"] == "2024-12-31" and found["previous"]["complete"]
    assert found["previous"]["reported"]["households"] == 1
    table = unit.ok("report", "year", "--year", "2025", "--as-of", AS_OF).stdout
    assert "2024" in table and "same period" not in table
    assert "2024, hela året" in report(unit, "html", "--year", "2025", "--as-of", AS_OF)


def test_the_first_year_has_nothing_to_compare_with(unit: Cli) -> None:
    found = json.loads(report(unit, "json", "--year", "1900", "--as-of", AS_OF))
    assert found["previous"] is None
    rows = list(csv.DictReader(io.StringIO(report(unit, "csv", "--year", "1900"))))
    assert {r["previous"] for r in rows} == {""}
    html = report(unit, "html", "--year", "1900", "--as-of", AS_OF)
    assert "I grått" not in html and 'class="fjol"></div>' in html


def test_a_leap_day_is_compared_with_the_28th(db: Any) -> None:
    found = year_figures(db, year=2028, as_of=date(2028, 2, 29))
    assert found.previous is not None and found.previous.period_end == "2027-02-28"


# --- shares that say what they are ------------------------------------------------------


def test_shares_name_what_is_counted_and_over_what(unit: Cli) -> None:
    for name, outcome in (("A", "stays"), ("B", "rehoused"), ("C", "moved")):
        close(unit, household(unit, name, "2026-01-10"), outcome, "2026-02-10")
    html = report(unit, "html", "--as-of", AS_OF)
    assert '<div class="siffra">33\u00a0%</div>' in html
    assert '<div class="rubrik">bor kvar, andel av avslutade ärenden</div>' in html
    assert "I 1 av 3 avslutade ärenden bor hushållet kvar." in html
    assert "Bor kvar eller har fått ny bostad: 2 av 3 (67\u00a0%)." in html
    assert "med ny bostad" not in html
    table = unit.ok("report", "year", "--as-of", AS_OF).stdout
    assert "stayed in the home, share of closed cases" in table
    assert "stayed or rehoused, share of closed cases" in table
    assert "share that stayed" not in table


def test_no_share_without_a_closed_case(unit: Cli) -> None:
    household(unit, "A", "2026-01-10")
    html = report(unit, "html", "--as-of", AS_OF)
    assert "Inget ärende avslutades under perioden." in html
    assert '<div class="siffra">–</div>' in html


# --- number agreement --------------------------------------------------------------------


def _box(html: str, figure: str) -> str:
    """The heading that follows the key figure ``figure`` on the page."""
    start = html.index(f'<div class="siffra">{figure}</div>')
    return html[start:].split('<div class="rubrik">', 1)[1].split("</div>", 1)[0]


def test_one_eviction_and_two_evictions(unit: Cli) -> None:
    first = household(unit, "A", "2026-01-10")
    close(unit, first, "evicted", "2026-02-01")
    html = report(unit, "html", "--as-of", AS_OF)
    assert (
        '<div class="siffra">1</div>\n      <div class="rubrik">verkställd vräkning</div>' in html
    )
    assert _box(html, "1") == "inkommet hushåll"
    close(unit, household(unit, "B", "2026-01-11"), "evicted", "2026-02-02")
    html = report(unit, "html", "--as-of", AS_OF)
    assert '<div class="rubrik">verkställda vräkningar</div>' in html
    assert "inkomna hushåll" in html and "inkommet" not in html
    # Nothing is plural in Swedish too.
    empty = report(unit, "html", "--year", "2025", "--as-of", AS_OF)
    assert "verkställda vräkningar" in empty and "0 barn berörda" in empty


def test_nights_and_plans_agree_with_their_numbers(unit: Cli) -> None:
    ref = household(unit, "A", "2026-01-10")
    unit.ok(
        "support", "add", ref, "--kind", "emergency_housing", "--start", "2026-01-20",
        "--nights-to", "2026-01-21", "--cost", "450", "--as-of", AS_OF,
    )  # fmt: skip
    unit.ok(
        "plan", "create", ref, "--debt", "3000", "--installment", "1000", "--start", "2026-02",
        "--as-of", "2026-01-12",
    )  # fmt: skip
    html = report(unit, "html", "--as-of", AS_OF)
    assert "natt i tillfälligt boende" in html and "1 vistelse, 1 natt" in html
    assert "<b>1</b> ny plan" in html and "<b>0</b> fullbetalda" in html


# --- the terminal's words ---------------------------------------------------------------


def test_the_page_uses_the_terminals_words(unit: Cli) -> None:
    from bostadcli.cli.report_views import year_sections

    household(unit, "A", "2026-01-10", "--reason", "unpaid_rent")
    html = report(unit, "html", "--as-of", AS_OF)
    db = open_database(unit.db_path)
    try:
        figures = year_figures(db, year=2026, as_of=date(2026, 3, 2))
    finally:
        db.close()
    i18n.setup("sv")
    try:
        titles = [title for title, _pairs in year_sections(figures)]
        labels = [name for _title, pairs in year_sections(figures) for name, _v in pairs]
    finally:
        i18n.setup("en")
    for title in ("Inkomna per källa", "Inkomna per skäl", "Avbetalningsplaner"):
        assert title in titles and title.upper() not in html and title in html
    assert "Utfall för avslutade ärenden" in titles and "Utfall för avslutade ärenden" in html
    for label in ("underrättelse från hyresvärd", "egen ansökan", "obetald hyra"):
        assert label in labels and label[0].upper() + label[1:] in html
    assert "anmäl" not in html.lower()
    assert i18n.current_language() == "en"  # the page's Swedish does not leak


# --- children reached so far this year --------------------------------------------------


def test_children_reached_so_far_this_year(unit: Cli) -> None:
    early = household(unit, "A", "2026-01-10", "--child", "2018-04-01")
    late = household(unit, "B", "2026-01-10", "--child", "2019-04-01")
    unit.ok("support", "add", early, "--kind", "financial_aid", "--start", "2026-02-01")
    unit.ok("support", "add", late, "--kind", "financial_aid", "--start", "2026-04-01")

    def reached(as_of: str) -> int:
        found = json.loads(report(unit, "json", "--year", "2026", "--as-of", as_of))
        return int(found["children"]["children"])

    assert [reached(d) for d in ("2026-01-31", AS_OF, "2026-03-31", "2026-04-01")] == [
        0,
        1,
        1,
        2,
    ]
    html = report(unit, "html", "--as-of", AS_OF)
    assert (
        '<div class="rubrik">barn som nåtts <span class="nar">hittills i år, till och med'
        " 2 mars 2026</span></div>"
    ) in html
    table = unit.ok("report", "year", "--as-of", AS_OF).stdout
    assert "Children reached so far this year" in table
    over = report(unit, "html", "--year", "2026", "--as-of", "2027-01-10")
    assert '<div class="rubrik">barn som nåtts</div>' in over and "hittills" not in over


# --- the page in a browser --------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_the_page_prints_on_one_a4_page(tmp_path: Path) -> None:
    from pypdf import PdfReader

    from golden_reports import GOLDEN_DIR

    assert CHROMIUM is not None
    for name in ("year-2025.html", "year-2026.html"):
        page = tmp_path / name
        page.write_text((GOLDEN_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
        pdf, png = page.with_suffix(".pdf"), page.with_suffix(".png")
        common = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu"]
        subprocess.run(
            [*common, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
            capture_output=True,
            timeout=120,
            check=False,
        )
        subprocess.run(
            [*common, "--window-size=900,1250", f"--screenshot={png}", page.as_uri()],
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert len(PdfReader(pdf).pages) == 1, name
        text = PdfReader(pdf).pages[0].extract_text()
        assert "Vräkningsförebyggande arbete" in text and "Så räknas siffrorna" in text
        assert png.stat().st_size > 10_000
