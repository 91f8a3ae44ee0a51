"""A record's number out of range (0, negative, beyond what SQLite holds) is refused
with a message that says what a record's number is, not SQLite's limit."""

from __future__ import annotations

import pytest

from conftest import Cli


@pytest.mark.parametrize("typed", ["0", "99999999999999999999", "9223372036854775808"])
def test_a_records_number_out_of_range(initialised: Cli, typed: str) -> None:
    result = initialised("support", "end", typed)
    assert result.exit_code == 2
    assert result.stderr.strip().endswith(
        f"ID: is not a record's number: a number from 1 up: '{typed}'"
    ), result.stderr
    assert "9223372036854775807" not in result.stderr


def test_other_limits_keep_their_range(initialised: Cli) -> None:
    result = initialised("plan", "create", "2026-0001", "--months", "0")
    assert "--months: must be between 1 and 360: '0'" in result.stderr
