"""The case view names letter kinds from letters/labels.py, not from the kinds
themselves: the table says what the registry says, in both languages."""

from __future__ import annotations

import pytest

from bostadcli import i18n, letters
from bostadcli.letters import labels, registry


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_table_is_the_registry(language: str) -> None:
    before = i18n.current_language()
    i18n.setup(language)
    try:
        assert set(labels.LABELS) == set(registry.KINDS)
        for code in registry.KINDS:
            assert labels.kind_label(code) == registry.kind_label(code)
        assert labels.kind_label("no_such_kind") == "no_such_kind"
    finally:
        i18n.setup(before)


def test_the_package_name_is_the_light_one() -> None:
    assert letters.kind_label is labels.kind_label
