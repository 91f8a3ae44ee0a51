"""The config file is read for its language only when nothing before it decides."""

from __future__ import annotations

import pytest

from bostadcli.i18n import detect_language


@pytest.mark.parametrize(
    ("argv", "env", "expected", "read"),
    [
        (["--lang", "en"], {"BOSTAD_LANG": "sv"}, "en", False),
        ([], {"BOSTAD_LANG": "en"}, "en", False),
        ([], {"BOSTAD_LANG": "xx"}, "en", True),  # not a language we have: the config's
        ([], {}, "en", True),
        ([], {"LANG": "sv_SE.UTF-8"}, "en", True),  # the config before the locale
    ],
)
def test_the_config_is_read_when_needed(
    argv: list[str], env: dict[str, str], expected: str, read: bool
) -> None:
    calls: list[int] = []

    def config_language() -> str:
        calls.append(1)
        return "en"

    assert detect_language(argv, env, config_language) == expected
    assert calls == ([1] if read else [])


def test_a_config_without_a_language_leaves_the_locale() -> None:
    assert detect_language([], {"LANG": "en_GB.UTF-8"}, lambda: None) == "en"
    assert detect_language([], {}, lambda: None) == "sv"
