"""The address block of a letter: the landlord's lines, the envelope window, and the
checks that a name or address can go on paper; and how a letter says "you"."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from bostadcli.errors import InvalidInput
from bostadcli.i18n import N_, _
from bostadcli.letters.words import swedish

# How a letter speaks to the household, by the du form: {{ t.Du }} har fått ett brev, hör
# av {{ t.dig }}, {{ t.din }} bostad, {{ t.ditt }} hem, {{ t.dina }} skulder, {{ t.själv }}.
_DU = {
    "du": "du", "Du": "Du", "dig": "dig", "Dig": "Dig", "din": "din", "Din": "Din",
    "ditt": "ditt", "Ditt": "Ditt", "dina": "dina", "Dina": "Dina", "själv": "själv",
}  # fmt: skip
_NI = {
    "du": "ni", "Du": "Ni", "dig": "er", "Dig": "Er", "din": "er", "Din": "Er",
    "ditt": "ert", "Ditt": "Ert", "dina": "era", "Dina": "Era", "själv": "själva",
}  # fmt: skip


def address_forms(adults: int) -> dict[str, str]:
    """The words a letter uses for "you": du to one adult, ni to several (and to a
    household whose names are not known)."""
    return dict(_DU if adults == 1 else _NI)


def landlord_lines(landlord: dict[str, Any] | None) -> list[str]:
    if landlord is None:
        return []
    lines = [landlord["name"]]
    if landlord["contact_person"]:
        lines.append(swedish(N_("Attn: {name}")).format(name=landlord["contact_person"]))
    if landlord["street"]:
        lines.append(landlord["street"])
    place = " ".join(x for x in (landlord["postal_code"], landlord["city"]) if x)
    if place:
        lines.append(place)
    return lines


# The envelope window (base.html.j2: an address box 85 mm wide and 35 mm high, 11 pt
# lines): six lines, five under the return address, of at most 36 characters each
# (the widest letters of DejaVu Sans at 11 pt; Posten's guidance is at most six lines).
# A longer address would be cut off at the window's edge, so such a letter is refused.
WINDOW_LINES = 6
WINDOW_LINE_CHARS = 36


def window_problem(lines: Sequence[str], *, return_line: bool) -> str | None:
    """Why an address block does not fit the envelope window, or None."""
    room = WINDOW_LINES - (1 if return_line else 0)
    if len(lines) > room:
        return _(
            "the address has {n} lines and the envelope window holds {room}: shorten it"
            " (fewer names on the letter, or a shorter street line)"
        ).format(n=len(lines), room=room)
    for line in lines:
        if len(line) > WINDOW_LINE_CHARS:
            return _(
                "the address line '{line}' has {n} characters and the envelope window holds"
                " {room}: shorten it"
            ).format(line=_shown(line, 50), n=len(line), room=WINDOW_LINE_CHARS)
    return None


def _shown(text: str, limit: int) -> str:
    from bostadcli.errors import shown

    return shown(text, limit)


# What cannot go on paper or into an e-mail: the control characters but the tab, the
# line feed and the carriage return, DEL, the C1 controls, the line and paragraph
# separators and the bidi embeddings, overrides and isolates. Also for a user's
# template (``template_loaders``).
UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def check_printable(context: dict[str, Any]) -> None:
    """A name or address with control characters (an escape sequence) was written past
    the program's checks: it must not reach a letter, on paper or in an e-mail."""
    lines = (line for copy in context["copies"] for line in copy["lines"])
    texts = [*context["recipient"]["names"], *lines]
    for text in texts:
        if UNPRINTABLE.search(text):
            raise InvalidInput(
                "address",
                text,
                _("the name or address holds control characters; correct the case"),
            )
    # Every other stored text the letter may quote (the landlord's name, a support's
    # place, a plan's note) no more: the letter text may go to a terminal (-o -), an
    # e-mail or an SMS.
    for where, text in _texts(context, ""):
        if UNPRINTABLE.search(text):
            raise InvalidInput(
                where, text, _("holds control characters; correct it in the case's records")
            )


def _texts(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """Each text in a letter's context, with where it is (``landlord.name``)."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _texts(item, where)
