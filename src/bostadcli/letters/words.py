"""The words of a letter's address block, its record and the manifest, from the catalog.

They are Swedish whatever language the program speaks (a caseworker may run it in
English): the post room and the envelope window read Swedish. Each is marked with
``N_()`` where it is used, so that ``scripts/i18n.py`` finds it."""

from __future__ import annotations

import gettext
from collections.abc import Sequence
from functools import lru_cache, reduce

from bostadcli.i18n import DOMAIN, LOCALE_DIR, N_


@lru_cache(maxsize=1)
def _catalog() -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=["sv"], fallback=True)


def swedish(message: str) -> str:
    """The Swedish of a catalog message (marked with ``N_()``)."""
    return _catalog().gettext(message)


def joined_names(names: Sequence[str]) -> str:
    """The recipients as a letter record and the manifest name them: "A och B"."""
    if not names:
        return ""
    pair = swedish(N_("{first} and {second}"))
    return reduce(
        lambda first, second: pair.format(first=first, second=second), names[1:], names[0]
    )
