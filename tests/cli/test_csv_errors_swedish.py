"""A CSV file the csv module cannot read is named by file and line in the user's words,
never with the csv module's English reason (a field over 128 KB, a stray quote)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bostadcli import i18n
from conftest import Cli


@pytest.mark.parametrize(
    ("body", "swedish"),
    [
        ('x;"' + "y" * 140_000 + '";100\n', "ett fält är längre än 131072 tecken"),
        ("x;y" + "z" * 140_000 + ";100\n", "ett fält är längre än 131072 tecken"),
        ('x;"ab"c;100\n', "ett citattecken avslutar ett fält mitt i"),
        ('x;"open;100\n', "filen slutar inuti ett fält inom citattecken"),
    ],
)
def test_unreadable_csv_is_one_swedish_line(
    initialised: Cli, tmp_path: Path, body: str, swedish: str
) -> None:
    source = tmp_path / "avier.csv"
    source.write_text("namn;adress;belopp\n" + body, encoding="utf-8")
    before = initialised.dump()
    i18n.setup("sv")
    try:
        result = initialised("import", "notices", str(source))
    finally:
        i18n.setup("en")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("fel: avier.csv, rad 2: " + swedish), result.stderr
    for english in ("field limit", "expected after", "end of data", "CSV:"):
        assert english not in result.stderr
    assert initialised.dump() == before
