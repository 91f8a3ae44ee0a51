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
        # Every other line: no two rows one after the other.
        summary.new_household_rows.append((2 * i + 2, f"2026-{i + 1:04d}"))
    _report_rows(summary)
    err = capsys.readouterr().err
    entries = [f"line {2 * i + 2}: 2026-{i + 1:04d}" for i in range(n)]
    assert err.endswith(", ".join(entries) + ".\n")
    assert err.count("\n") == 1


@pytest.mark.parametrize("n", [2, 3, 1000, 100_000])
def test_rows_one_after_the_other_are_one_stretch(
    n: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fresh list of many rows, each a new case: one stretch a caseworker can read."""
    from bostadcli.cli.importing import _report_rows

    summary = ImportSummary(source="x.csv")
    for i in range(n):
        summary.new_household_rows.append((i + 2, f"2026-{i + 1:04d}"))
    _report_rows(summary)
    err = capsys.readouterr().err
    if n == 2:
        assert err == "  New households: line 2: 2026-0001, line 3: 2026-0002.\n"
    else:
        assert err == f"  New households: lines 2–{n + 1}: 2026-0001–2026-{n:04d}.\n"


def _named(report: str) -> list[tuple[int, str]]:
    """Every (line, reference) pair a report line names, stretches spelt out."""
    import re

    pairs: list[tuple[int, str]] = []
    body = report.split(": ", 1)[1].rstrip(".\n")
    for part in body.split(", "):
        found = re.fullmatch(r"lines (\d+)–(\d+): (\d{4})-(\d+)–\d{4}-\d+", part)
        if found is None:
            line, ref = part.removeprefix("line ").split(": ")
            pairs.append((int(line), ref))
            continue
        first, last, year, number = found.groups()
        for k in range(int(last) - int(first) + 1):
            pairs.append((int(first) + k, f"{year}-{int(number) + k:0{len(number)}d}"))
    return pairs


def test_a_mixed_list_names_every_row_once(capsys: pytest.CaptureFixture[str]) -> None:
    """Rows and case numbers with gaps, numbers past 9999, another year: spelt out again,
    the report gives back every pair in order."""
    from bostadcli.cli.importing import _report_rows

    pairs: list[tuple[int, str]] = []
    line, number = 2, 9990
    for i in range(400):
        line += 1 + (i % 7 == 0) + (i % 31 == 0) * 3
        number += 1 + (i % 5 == 0)
        year = 2025 if i % 50 == 49 else 2026
        pairs.append((line, f"{year}-{number:04d}"))
    summary = ImportSummary(source="x.csv")
    for pair in pairs:
        summary.known_rows.append(pair)
    _report_rows(summary)
    assert _named(capsys.readouterr().err) == pairs


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
