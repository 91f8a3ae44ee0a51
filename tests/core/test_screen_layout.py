"""How a listing is laid out in a terminal: which columns give way, how wide each is, how
text wraps; and the one colour scale for urgency."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bostadcli.cli.output import (
    GAP,
    Column,
    fit_columns,
    share_widths,
    wrap_text,
)
from bostadcli.cli.urgency import BAND_STYLES, heading_style, urgency_band, urgency_style


def test_amounts_and_dates_are_never_broken_by_wrapping() -> None:
    text = "Plan agreed: 9\u00a0600\u00a0kr, 8 installments of 1\u00a0200\u00a0kr from 2026-08-31."
    for width in range(12, 40):
        lines = wrap_text(text, width).split("\n")
        assert any("9\u00a0600\u00a0kr" in line for line in lines)
        assert any("1\u00a0200\u00a0kr" in line for line in lines)
        assert any("2026-08-31." in line for line in lines)
        assert all(len(line) <= width for line in lines)


@given(st.text(alphabet="ab \u00a0", max_size=60), st.integers(min_value=1, max_value=30))
def test_wrapping_keeps_every_character_but_the_breaking_spaces(text: str, width: int) -> None:
    wrapped = wrap_text(text, width)
    assert all(len(line) <= width for line in wrapped.split("\n"))
    assert wrapped.replace("\n", "").replace(" ", "") == text.replace(" ", "")


@given(
    st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=8),
    st.lists(st.integers(min_value=0, max_value=80), min_size=8, max_size=8),
    st.integers(min_value=0, max_value=200),
)
def test_shared_widths_respect_floors_and_room(
    floors: list[int], extra: list[int], width: int
) -> None:
    naturals = [f + e for f, e in zip(floors, extra, strict=False)]
    widths = share_widths(floors, naturals, width)
    assert all(w >= f for w, f in zip(widths, floors, strict=True))
    assert all(w <= max(n, f) for w, n, f in zip(widths, naturals, floors, strict=True))
    if sum(floors) <= width:
        assert sum(widths) <= width


def test_a_short_column_gets_all_it_needs_before_a_long_text() -> None:
    # A name wants 4 more cells, a note 100: the name is not wrapped to feed the note.
    assert share_widths([9, 18], [13, 118], 60) == [13, 47]


def _listing() -> tuple[list[Column], list[list[str]]]:
    columns = [
        Column("ref", "Case"),
        Column("tenant", "Tenant"),
        Column("street", "Address"),
        Column("landlord", "Landlord"),
        Column("arrears_ore", "Arrears", kind="money"),
        Column("empty", "Nothing"),
        Column("due_on", "Deadline"),
    ]
    texts = [
        ["2026-0001"],
        ["Amira Hassan"],
        ["Björkvägen 12 lgh 1102"],
        ["Exempelhem AB"],
        ["14\u00a0900\u00a0kr"],
        [""],
        ["2026-12-11"],
    ]
    return columns, texts


def test_wide_terminal_shows_every_column() -> None:
    columns, texts = _listing()
    keep, widths = fit_columns(columns, texts, 200)
    assert keep == list(range(len(columns)))
    assert widths[4] == len("14\u00a0900\u00a0kr") and widths[6] == len("2026-12-11")


def test_narrow_terminal_drops_empty_then_low_value_columns_first() -> None:
    columns, texts = _listing()
    keep, widths = fit_columns(columns, texts, 60)
    kept = [columns[i].key for i in keep]
    assert "empty" not in kept and "street" not in kept
    assert {"ref", "arrears_ore", "due_on", "tenant"} <= set(kept)
    assert sum(widths) + GAP * (len(widths) - 1) <= 60
    # Money and dates keep their whole width.
    assert widths[kept.index("arrears_ore")] >= len("14 900 kr")
    assert widths[kept.index("due_on")] >= len("2026-12-11")


def test_a_terminal_too_narrow_for_the_values_drops_columns_rather_than_cut_them() -> None:
    columns, texts = _listing()
    keep, widths = fit_columns(columns, texts, 30)
    assert keep[0] == 0
    for i, w in zip(keep, widths, strict=True):
        if columns[i].kind == "money" or columns[i].key in ("ref", "due_on"):
            assert w >= max(len(t) for t in texts[i])


def test_one_urgency_scale() -> None:
    assert urgency_style(-1) == BAND_STYLES["overdue"] == "bold red"
    assert urgency_style(0) == urgency_style(6) == BAND_STYLES["this_week"] == "yellow"
    # The deadline screen's "this week" ends after six days; so does yellow everywhere.
    assert urgency_band(7) == "later" and urgency_style(7) == ""
    assert urgency_style(None) == ""
    assert heading_style("overdue") == "bold red"
    assert heading_style("later") == "bold"


def test_every_screen_takes_its_urgency_colours_from_one_place() -> None:
    from bostadcli.cli import output, report_views

    assert output.deadline_style(3) == urgency_style(3)
    assert report_views.BAND_STYLE["overdue"] == heading_style("overdue")
    assert set(report_views.BAND_STYLE) == set(BAND_STYLES)
