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
        translation = _ready_catalog(language) or gettext.translation(
            DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True
        )
    _state["translation"] = translation
    _state["language"] = language


# Beside each compiled catalog (.mo), the same messages as gettext reads them from it,
# written by ``scripts/i18n.py compile`` with ``marshal``: reading that is a fifth of
# the time of gettext's own reading of the .mo, which every command in Swedish paid
# (about 4 ms of a 150 ms start). It names the .mo it was made from (length and CRC-32);
# one that does not match, cannot be read or is not there is ignored, and gettext reads
# the .mo as before.
READY_SUFFIX = ".catalog"


def ready_catalog_data(mo: bytes) -> dict[str, object]:
    """What ``scripts/i18n.py compile`` writes beside a .mo of content ``mo``."""
    import io
    import zlib

    parsed = gettext.GNUTranslations(io.BytesIO(mo))
    header = str(parsed.info().get("plural-forms", ""))
    # The plural expression as gettext takes it from the header, "n != 1" without one.
    plural = header.split(";")[1].split("plural=")[1] if header else "n != 1"
    return {
        "mo": [len(mo), zlib.crc32(mo)],
        "plural": plural,
        "catalog": dict(parsed._catalog),  # type: ignore[attr-defined]
    }


def _ready_catalog(language: str) -> gettext.GNUTranslations | None:
    """The catalog of ``language`` from its ready-made file, None when there is none
    that matches its .mo."""
    import marshal
    import zlib

    mo_file = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        mo = mo_file.read_bytes()
        data = marshal.loads(mo_file.with_suffix(READY_SUFFIX).read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("mo") != [len(mo), zlib.crc32(mo)]:
        return None
    catalog, plural = data.get("catalog"), data.get("plural")
    if not isinstance(catalog, dict) or not isinstance(plural, str):
        return None
    try:
        choose = gettext.c2py(plural)
    except (ValueError, RecursionError):
        return None
    translation = gettext.GNUTranslations()  # an empty one: nothing is parsed
    translation._catalog = catalog  # type: ignore[attr-defined]
    translation.plural = choose  # type: ignore[attr-defined]
    return translation


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
