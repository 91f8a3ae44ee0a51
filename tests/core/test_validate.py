"""Checks for typed text: control characters, line breaks, lengths, codes."""

from __future__ import annotations

import pytest

from bostadcli import validate
from bostadcli.errors import InvalidInput
from bostadcli.vocab import Reason


def test_clean_text_keeps_what_was_typed() -> None:
    typed = " Ödegärd {name} \u200f'\"<b> "
    assert validate.clean_text(typed, field="name") == typed.strip()
    assert validate.clean_text("   ", field="name") is None
    assert validate.clean_text(None, field="name") is None


@pytest.mark.parametrize("value", ["a\x00b", "a\x07b", "a\x1b[31mb", "a\nb", "a\rb", "a\tb"])
def test_control_characters_are_refused_on_one_line(value: str) -> None:
    with pytest.raises(InvalidInput) as err:
        validate.clean_text(value, field="name")
    assert err.value.field == "name"
    assert "\n" not in str(err.value)


def test_multiline_text_takes_windows_line_breaks() -> None:
    assert validate.clean_text("one\r\ntwo\tthree\n", field="note", multiline=True) == (
        "one\ntwo\tthree"
    )
    with pytest.raises(InvalidInput):
        validate.clean_text("one\rtwo", field="note", multiline=True)
    with pytest.raises(InvalidInput):
        validate.clean_text("bell\x07", field="note", multiline=True)


def test_length_limit() -> None:
    assert validate.clean_text("x" * validate.NAME_MAX, field="name")
    with pytest.raises(InvalidInput, match="longer than 200"):
        validate.clean_text("x" * (validate.NAME_MAX + 1), field="name")


def test_required_text() -> None:
    with pytest.raises(InvalidInput, match="must not be empty"):
        validate.required_text(" ", field="tenant")


@pytest.mark.parametrize(("typed", "stored"), [("44130", "441 30"), ("441 30", "441 30")])
def test_postal_code(typed: str, stored: str) -> None:
    assert validate.postal_code(typed) == stored


@pytest.mark.parametrize("typed", ["4413", "441300", "44l30", "SE-441 30"])
def test_postal_code_rejects(typed: str) -> None:
    with pytest.raises(InvalidInput):
        validate.postal_code(typed)


def test_case_ref() -> None:
    assert validate.case_ref(" 2026-0042 ") == "2026-0042"
    for bad in ("2026-42", "26-0042", "2026_0042", "P-0001"):
        with pytest.raises(InvalidInput, match="2026-0042"):
            validate.case_ref(bad)


def test_choice() -> None:
    assert validate.choice(Reason, " neglect ", field="reason") is Reason.neglect
    assert validate.choice(Reason, Reason.other, field="reason") is Reason.other
    with pytest.raises(
        InvalidInput,
        match="unpaid_rent, disturbance, neglect, misconduct, neighbourhood_crime, serious_crime,"
        " other",
    ):
        validate.choice(Reason, "fire", field="reason")


def test_contact_details() -> None:
    assert validate.email("a@example.se") == "a@example.se"
    assert validate.phone("+46 322-61 71 00") == "+46 322-61 71 00"
    for bad in ("a@b", "a b@c.se"):
        with pytest.raises(InvalidInput):
            validate.email(bad)
    with pytest.raises(InvalidInput):
        validate.phone("ring mig")


def test_org_number() -> None:
    assert validate.org_number("5560356932") == "556035-6932"
    assert validate.org_number(None) is None
    with pytest.raises(InvalidInput, match="organisation number"):
        validate.org_number("556035-6930")


@pytest.mark.parametrize(
    "char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2069"]
)
@pytest.mark.parametrize("multiline", [False, True])
def test_bidi_embeddings_overrides_and_isolates_are_refused(char: str, multiline: bool) -> None:
    """They would show a name's letters in another order than stored (and a letter
    refuses them): refused with the character named, as a control character is."""
    from bostadcli.errors import InvalidInput
    from bostadcli.validate import clean_text

    with pytest.raises(InvalidInput) as info:
        clean_text(f"Anna {char}Berg", field="name", multiline=multiline)
    assert f"U+{ord(char):04X}" in info.value.message


def test_right_to_left_marks_and_scripts_are_kept() -> None:
    from bostadcli.validate import clean_text

    assert (
        clean_text("\u0633\u0627\u0631\u0627 Berg\u200f", field="name")
        == "\u0633\u0627\u0631\u0627 Berg\u200f"
    )
