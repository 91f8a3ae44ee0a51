"""Characters that turn the rest of a line around on screen (bidirectional embeddings,
overrides and isolates) are refused in names and texts; right-to-left text and the
direction marks it may need are kept."""

from __future__ import annotations

import pytest

from bostadcli import validate
from bostadcli.errors import InvalidInput


@pytest.mark.parametrize("char", [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))])
@pytest.mark.parametrize("multiline", [False, True])
def test_a_character_that_turns_text_around_is_refused(char: str, multiline: bool) -> None:
    with pytest.raises(InvalidInput) as refused:
        validate.clean_text(f"Anna {char}nossraP", field="name", multiline=multiline)
    assert "name" in str(refused.value)


@pytest.mark.parametrize("text", ["محمد علي", "Anna\u200fسارا", "עברית\u200e 12", "Åsa Öberg"])
def test_right_to_left_text_and_marks_are_kept(text: str) -> None:
    assert validate.clean_text(text, field="name") == text
