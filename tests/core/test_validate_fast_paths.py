"""The checks of free text find control characters and invisible ones in C: they refuse
and keep exactly what the character-by-character definition does."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bostadcli import validate
from bostadcli.errors import InvalidInput


def test_every_control_character_surrogate_and_bidi_control_is_found_and_nothing_else() -> None:
    for code in range(0x110000):
        ch = chr(code)
        # And the bidi embeddings, overrides and isolates, refused as control characters.
        bidi = 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069
        refused = unicodedata.category(ch) in ("Cc", "Cs") or bidi
        assert (validate._CONTROL.search(ch) is not None) == refused, hex(code)
        assert (validate._CONTROL_MULTILINE.search(ch) is not None) == (
            refused and ch not in "\n\t"
        ), hex(code)


def reference_name(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(validate._INVISIBLE)
    return validate._SPACES.sub(" ", text).strip()


TEXT = st.text(
    alphabet=st.sampled_from(
        [*"abc ÅäöO\t\n\r\x00\x1f\x7f\x85 ", "\u200b", "\u00ad", "\ufeff", "\u0308", "\u00a0"]
    ),
    max_size=12,
)


@given(TEXT)
def test_names_are_normalised_as_defined(text: str) -> None:
    assert validate.normalise_name(text) == reference_name(text)


@given(TEXT, st.booleans())
def test_control_characters_are_refused_as_before(text: str, multiline: bool) -> None:
    allowed = {"\n", "\t"} if multiline else set()
    checked = text.replace("\r\n", "\n") if multiline else text
    first = next(
        (ch for ch in checked if ch not in allowed and unicodedata.category(ch) in ("Cc", "Cs")),
        None,
    )
    if first is None:
        try:
            validate.clean_text(text, field="f", multiline=multiline)
        except InvalidInput as other:  # empty, too long: not about control characters
            assert "control character" not in str(other) and "UTF-8" not in str(other)
        return
    with pytest.raises(InvalidInput) as refused:
        validate.clean_text(text, field="f", multiline=multiline)
    expected = "control character" if unicodedata.category(first) == "Cc" else "UTF-8"
    assert expected in str(refused.value)
