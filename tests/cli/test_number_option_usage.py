"""A number option out of its limits is a usage error (exit 2), as one that is no number."""

from __future__ import annotations

import pytest

from bostadcli import i18n
from conftest import Cli

CASES = [
    (["household", "list", "--within"], "-5", "--within: must be between 0 and"),
    (["household", "list", "--within"], "99999999999999999", "--within: must be between 0 and"),
    (["notice", "list", "--upcoming"], "-1", "--upcoming: must be between 0 and"),
    (["report", "deadlines", "--days"], "-3", "--days: must be between 0 and"),
    (["report", "year", "--year"], "1066", "--year: must be between"),
    (["plan", "create", "2026-0001", "--months"], "0", "--months: must be between 1 and"),
]


@pytest.mark.parametrize(("args", "value", "said"), CASES)
def test_out_of_limits_is_a_usage_error(
    initialised: Cli, args: list[str], value: str, said: str
) -> None:
    before = initialised.dump()
    result = initialised(*args, value)
    assert result.exit_code == 2, result.stderr
    assert said in result.stderr
    assert value[:10] in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert initialised.dump() == before


def test_the_same_code_and_shape_as_no_number(initialised: Cli) -> None:
    # Both bad values of the same option: the same exit code, the same "option: what" form.
    negative = initialised("household", "list", "--within", "-5")
    underscored = initialised("household", "list", "--within", "1_0")
    assert negative.exit_code == underscored.exit_code == 2
    assert negative.stderr.startswith("error: --within: ")
    assert underscored.stderr.startswith("error: --within: ")


def test_swedish(initialised: Cli) -> None:
    i18n.setup("sv")
    result = initialised("household", "list", "--within", "-5")
    assert result.exit_code == 2
    assert "--within: måste ligga mellan 0 och" in result.stderr
