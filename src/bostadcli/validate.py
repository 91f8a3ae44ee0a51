"""Checks for free text, references and enumerations typed by a user or read from a file."""

from __future__ import annotations

import re
import unicodedata
from enum import Enum
from pathlib import Path
from typing import TypeVar

from bostadcli.errors import InvalidInput
from bostadcli.i18n import _

E = TypeVar("E", bound=Enum)

NAME_MAX = 200
TEXT_MAX = 10_000
CASE_REF = re.compile(r"^(\d{4})-(\d{4,6})$")
PLAN_REF = re.compile(r"^P-(\d{4,6})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()\-/]{5,30}$")


# Characters that show as nothing: zero-width space, non-joiner and joiner, word joiner,
# byte-order mark, soft hyphen, Mongolian vowel separator. In a name they only make a
# lookalike ("Exempel\u200bhem AB" is not "Exempelhem AB" to a computer).
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"))
_SPACES = re.compile(r"[^\S\n\t]+|\t+")
_HAS_INVISIBLE = re.compile("[" + "".join(map(chr, _INVISIBLE)) + "]")
# Control characters (Unicode category Cc), surrogates (Cs) and the bidi embeddings,
# overrides and isolates (U+202A-U+202E, U+2066-U+2069: they show the letters of what
# follows in another order than they are stored, and no screen or letter shows them);
# with line breaks and tabs allowed.
_BIDI = "\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f\ud800-\udfff{_BIDI}]")
_CONTROL_MULTILINE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{_BIDI}]")


def normalise_name(text: str) -> str:
    """A single line of text as it is stored and compared: Unicode NFC (a decomposed
    ö is the ö), invisible characters removed, every kind of space (no-break, thin,
    ideographic, tab) a plain space, runs of spaces one, no space at either end.

    The one normalisation of names: every name input (``clean_text``) and every lookup
    by name (``name_key``) goes through it.
    """
    text = unicodedata.normalize("NFC", text)
    if not text.isascii() and _HAS_INVISIBLE.search(text):
        text = text.translate(_INVISIBLE)
    return _SPACES.sub(" ", text).strip()


def name_key(text: str) -> str:
    """What names are compared by: normalised and case-folded."""
    return normalise_name(text).casefold()


def clean_text(
    value: str | None, *, field: str, max_length: int = NAME_MAX, multiline: bool = False
) -> str | None:
    """Trimmed text, or None when empty. Control characters are refused, not stripped.

    A single line (a name, an address) is normalised (``normalise_name``); text of
    several lines is put in NFC. Bidi embeddings, overrides and isolates are refused
    like control characters. Everything else (any script, right-to-left marks, quotes,
    braces) is kept as typed: names are rendered as text everywhere, never
    evaluated.
    """
    if value is None:
        return None
    # Windows line breaks are line breaks, not control characters to refuse.
    text = value.replace("\r\n", "\n") if multiline else value
    found = (_CONTROL_MULTILINE if multiline else _CONTROL).search(text)
    if found is not None:
        if unicodedata.category(found.group()) == "Cc":
            raise InvalidInput(field, value, _("contains a control character"))
        if unicodedata.category(found.group()) == "Cf":
            raise InvalidInput(
                field,
                value,
                _("contains a control character (U+{code}) that reorders the text").format(
                    code=f"{ord(found.group()):04X}"
                ),
            )
        # What Python makes of bytes that are not UTF-8 (a mis-set terminal).
        raise InvalidInput(field, value, _("is not valid UTF-8 text"))
    if len(text) > max_length * 4:
        # Far too long whatever normalising would remove: no need to look closer.
        raise InvalidInput(field, value, _("longer than {n} characters").format(n=max_length))
    text = unicodedata.normalize("NFC", text).strip() if multiline else normalise_name(text)
    if len(text) > max_length:
        raise InvalidInput(field, value, _("longer than {n} characters").format(n=max_length))
    if not text and value.strip():
        raise InvalidInput(field, value, _("has only invisible characters"))
    return text or None


def required_text(value: str | None, *, field: str, max_length: int = NAME_MAX) -> str:
    text = clean_text(value, field=field, max_length=max_length)
    if text is None:
        raise InvalidInput(field, value or "", _("must not be empty"))
    return text


def email(value: str | None, *, field: str = "email") -> str | None:
    text = clean_text(value, field=field)
    if text is not None and not _EMAIL.match(text):
        raise InvalidInput(field, value, _("not an e-mail address"))
    return text


def phone(value: str | None, *, field: str = "phone") -> str | None:
    text = clean_text(value, field=field)
    if text is not None and not _PHONE.match(text):
        raise InvalidInput(field, value, _("not a phone number"))
    return text


def postal_code(value: str | None, *, field: str = "postal_code") -> str | None:
    """Swedish postal codes are five digits, written 'NNN NN'."""
    text = clean_text(value, field=field)
    if text is None:
        return None
    digits = text.replace(" ", "")
    if not (len(digits) == 5 and digits.isdigit()):
        raise InvalidInput(field, value, _("a postal code has five digits"))
    return f"{digits[:3]} {digits[3:]}"


def case_ref(value: str, *, field: str = "reference") -> str:
    text = value.strip()
    if not CASE_REF.match(text):
        raise InvalidInput(field, value, _("a case reference looks like 2026-0042"))
    return text


def plan_ref(value: str, *, field: str = "plan") -> str:
    text = value.strip().upper()
    if not PLAN_REF.match(text):
        raise InvalidInput(field, value, _("a plan reference looks like P-0001"))
    return text


def path(value: Path, *, field: str) -> Path:
    """A path someone typed that the system can look up: no NUL byte, no name longer
    than the file system takes. Where it leads (``..`` included) is the user's choice."""
    text = str(value)
    if "\x00" in text:
        raise InvalidInput(field, text, _("contains a NUL byte"))
    try:
        value.exists()
    except OSError as exc:  # a name too long, a loop of links
        from bostadcli.os_errors import os_problem

        raise InvalidInput(field, text, os_problem(exc, value, writing=None)) from None
    return value


def file_path(value: Path, *, field: str) -> Path:
    """A path to write a file to: as ``path``, and not a folder."""
    path(value, field=field)
    if value.is_dir():
        raise InvalidInput(field, str(value), _("is a folder; give a file name"))
    return value


# The largest number a SQLite INTEGER holds: a number beyond it names no row.
ROW_ID_MAX = 2**63 - 1


def _out_of_range(field: str, typed: str, low: int, high: int) -> InvalidInput:
    """The refusal of ``typed``, a number outside ``low``..``high``."""
    if (low, high) == (1, ROW_ID_MAX):
        # A record's number: SQLite's limit means nothing to the one who typed it.
        return InvalidInput(field, typed, _("is not a record's number: a number from 1 up"))
    return InvalidInput(
        field, typed, _("must be between {low} and {high}").format(low=low, high=high)
    )


def whole_number(value: int, *, field: str, low: int, high: int) -> int:
    """A whole number typed by someone, within what makes sense for ``field``."""
    if not low <= value <= high:
        raise _out_of_range(field, str(value), low, high)
    return value


def bounded_int(value: str | int, *, field: str, low: int, high: int) -> int:
    """A whole number as typed (or read from a file), checked before it is converted.

    The one parser for every number a user gives: ASCII digits with an optional sign,
    no more digits than the limits have (so a pasted wall of digits is refused without
    being converted), and within ``low``..``high``. Every refusal is one InvalidInput
    that names ``field``.
    """
    if isinstance(value, bool):
        raise InvalidInput(field, str(value), _("not a whole number"))
    if isinstance(value, int):
        return whole_number(value, field=field, low=low, high=high)
    text = str(value).strip()
    digits = text[1:] if text[:1] in ("-", "+") else text
    if not digits or not all("0" <= ch <= "9" for ch in digits):
        raise InvalidInput(field, value, _("not a whole number"))
    widest = max(len(str(abs(low))), len(str(abs(high))))
    if len(digits.lstrip("0")) > widest:
        raise _out_of_range(field, value, low, high)
    return whole_number(int(text), field=field, low=low, high=high)


def row_id(value: int, *, field: str) -> int:
    """A record's number (a member, a support): positive, and one SQLite can hold."""
    return whole_number(value, field=field, low=1, high=ROW_ID_MAX)


def choice(enum: type[E], value: str | E, *, field: str) -> E:
    if isinstance(value, enum):
        return value
    try:
        return enum(str(value).strip())
    except ValueError:
        allowed = ", ".join(str(m.value) for m in enum)
        raise InvalidInput(
            field, value, _("must be one of: {allowed}").format(allowed=allowed)
        ) from None


def org_number(value: str | None, *, field: str = "org_number") -> str | None:
    """A Swedish organisation number (or a sole trader's personnummer), as NNNNNN-NNNN."""
    text = clean_text(value, field=field)
    if text is None:
        return None
    from stdnum.exceptions import ValidationError
    from stdnum.se import orgnr, personnummer

    try:
        return str(orgnr.format(orgnr.validate(text)))
    except ValidationError:
        pass
    try:
        # A sole trader (enskild firma) uses the owner's personnummer.
        digits = personnummer.compact(text)[-10:]
        personnummer.validate(digits)
        return f"{digits[:6]}-{digits[6:]}"
    except ValidationError:
        raise InvalidInput(field, value, _("not a valid organisation number")) from None
