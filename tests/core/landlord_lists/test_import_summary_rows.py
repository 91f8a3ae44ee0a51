"""The rows behind an import's counts are kept compactly and reported in full."""

from __future__ import annotations

import pytest

from bostadcli.landlord_lists.summary import ImportSummary, RowRefs


@pytest.mark.parametrize("n", [0, 1, 999, 1000, 1001, 2500, 4000, 5000, 5001, 12345])
def test_row_refs_keep_every_pair_in_order(n: int) -> None:
    refs = RowRefs()
    pairs = [(i + 2, f"2026-{i:04d}" if i % 7 else 'od"d\\ ref, ö\n') for i in range(n)]
    for pair in pairs:
        refs.append(pair)
    assert len(refs) == n and bool(refs) == bool(n)
    assert list(refs) == pairs
    assert refs == pairs


@pytest.mark.parametrize("n", [1, 1000, 2001])
def test_the_report_names_every_row(n: int, capsys: pytest.CaptureFixture[str]) -> None:
    from bostadcli.cli.importing import _report_rows

    summary = ImportSummary(source="x.csv")
    for i in range(n):
        summary.new_household_rows.append((i + 2, f"2026-{i + 1:04d}"))
    _report_rows(summary)
    err = capsys.readouterr().err
    entries = [f"line {i + 2}: 2026-{i + 1:04d}" for i in range(n)]
    assert err.endswith(", ".join(entries) + ".\n")
    assert err.count("\n") == 1


def test_the_plan_filter_never_forgets_what_it_holds() -> None:
    from bostadcli.landlord_lists.plan import _Filter

    seen = _Filter()
    keys = [("pnr", f"19{i:010d}") for i in range(20_000)] + [("tenant", "a b", "gatan 1")]
    for key in keys:
        seen.add(key)
    assert all(key in seen for key in keys)
    others = [("pnr", f"20{i:010d}") for i in range(20_000)]
    # A few may be taken for held (and asked about in SQL), not many.
    assert sum(key in seen for key in others) < 200
