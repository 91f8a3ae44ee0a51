"""One gettext function for everything a person reads.

Source strings are English; the Swedish catalog lives in ``locale/sv``. The language
is chosen once per process, before the command modules are imported (help texts are
translated at import time): ``--lang``, ``BOSTAD_LANG``, the config file, the locale
variables, else Swedish.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

DOMAIN = "bostadcli"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"

_state: dict[str, gettext.NullTranslations | str] = {
    "translation": gettext.NullTranslations(),
    "language": "en",
}


def setup(language: str) -> None:
    """Make ``language`` the language of every later ``_()`` call."""
    if language == "en":
        translation: gettext.NullTranslations = gettext.NullTranslations()
    else:
        translation = gettext.translation(
            DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True
        )
    _state["translation"] = translation
    _state["language"] = language


def current_language() -> str:
    return str(_state["language"])


def _(message: str) -> str:
    translation = _state["translation"]
    assert isinstance(translation, gettext.NullTranslations)
    return translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    translation = _state["translation"]
    assert isinstance(translation, gettext.NullTranslations)
    return translation.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``_()`` for an English word that needs two translations, told apart by ``context``
    (a count row "broken" in a report is plural in Swedish, a plan's state is not)."""
    translation = _state["translation"]
    assert isinstance(translation, gettext.NullTranslations)
    return translation.pgettext(context, message)


def format_number(n: int) -> str:
    """A count in a sentence: ``323 584`` in Swedish (no-break space), ``323,584`` in
    English. Money has its own formatter (``money.format_money``)."""
    text = f"{n:,}"
    return text if current_language() == "en" else text.replace(",", "\u00a0")


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


def _normalise(value: str | None) -> str | None:
    if not value:
        return None
    code = value.strip().lower().replace("-", "_")
    for lang in LANGUAGES:
        if code == lang or code.startswith(lang + "_") or code.startswith(lang + "."):
            return lang
    return None


def detect_language(
    argv: Sequence[str],
    environ: Mapping[str, str] | None = None,
    config_language: str | Callable[[], str | None] | None = None,
) -> str:
    """Pick the interface language from the command line, environment and config.

    ``config_language`` may be a function that reads it: called only when neither the
    command line nor BOSTAD_LANG has decided (the config file is not read for nothing).
    """
    env = os.environ if environ is None else environ
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            found = _normalise(argv[i + 1])
            if found:
                return found
        elif arg.startswith("--lang="):
            found = _normalise(arg.split("=", 1)[1])
            if found:
                return found
    found = _normalise(env.get("BOSTAD_LANG"))
    if found:
        return found
    if callable(config_language):
        config_language = config_language()
    found = _normalise(config_language)
    if found:
        return found
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var)
        if value:
            # The first locale variable that is set decides, as in POSIX.
            return _normalise(value) or DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE
