"""The ready-made Swedish catalog beside the .mo gives exactly gettext's translations,
and one that does not match its .mo, is damaged or missing is ignored."""

from __future__ import annotations

import gettext
import marshal
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bostadcli import i18n

MO = i18n.LOCALE_DIR / "sv" / "LC_MESSAGES" / f"{i18n.DOMAIN}.mo"


@pytest.fixture
def locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the locale folder, used instead of the package's."""
    copy = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, copy)
    monkeypatch.setattr(i18n, "LOCALE_DIR", copy)
    yield copy / "sv" / "LC_MESSAGES"
    i18n.setup("en")


def _messages() -> list[tuple[str, ...]]:
    parsed = gettext.GNUTranslations(MO.open("rb"))
    found: list[tuple[str, ...]] = []
    for key in parsed._catalog:  # type: ignore[attr-defined]
        if isinstance(key, tuple):
            found.append((key[0], key[0] + " (plural)"))
        elif "\x04" in key:
            found.append(tuple(key.split("\x04", 1)))
        else:
            found.append((key,))
    return found


def test_the_ready_catalog_is_used_and_says_what_gettext_says() -> None:
    ready = i18n._ready_catalog("sv")
    assert ready is not None, "the ready-made catalog is missing or out of step"
    parsed = gettext.GNUTranslations(MO.open("rb"))
    messages = _messages()
    assert len(messages) > 1000
    for message in messages:
        if len(message) == 1:
            assert ready.gettext(message[0]) == parsed.gettext(message[0])
        else:
            for n in (0, 1, 2, 5, 21):
                assert ready.ngettext(*message, n) == parsed.ngettext(*message, n), message
            assert ready.pgettext(*message) == parsed.pgettext(*message)
    assert ready.gettext("no such message") == "no such message"
    i18n.setup("sv")
    assert isinstance(i18n._state["translation"], gettext.GNUTranslations)
    assert i18n._("Case") == parsed.gettext("Case") != "Case"
    i18n.setup("en")


def test_a_catalog_of_another_mo_is_ignored(locale: Path) -> None:
    """A .mo changed after the ready-made file (a translator's own build): gettext
    reads the .mo, and its words are the ones shown."""
    mo = locale / MO.name
    mo.write_bytes(mo.read_bytes().replace("Ärende".encode(), "Ärend1".encode()))
    assert i18n._ready_catalog("sv") is None
    i18n.setup("sv")
    changed = gettext.GNUTranslations(mo.open("rb"))
    original = gettext.GNUTranslations(MO.open("rb"))
    singles = [m[0] for m in _messages() if len(m) == 1]
    assert all(i18n._(m) == changed.gettext(m) for m in singles)
    assert any(changed.gettext(m) != original.gettext(m) for m in singles)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not marshal at all",
        marshal.dumps([1, 2, 3]),
        marshal.dumps({"mo": [0, 0], "plural": "n != 1", "catalog": {}}),
        marshal.dumps({"mo": None, "plural": 1, "catalog": "x"}),
    ],
)
def test_a_damaged_catalog_is_ignored(locale: Path, content: bytes) -> None:
    (locale / MO.with_suffix(i18n.READY_SUFFIX).name).write_bytes(content)
    assert i18n._ready_catalog("sv") is None
    i18n.setup("sv")
    assert i18n._("Case") == gettext.GNUTranslations(MO.open("rb")).gettext("Case")


def test_a_catalog_with_a_bad_plural_rule_is_ignored(locale: Path) -> None:
    ready = locale / MO.with_suffix(i18n.READY_SUFFIX).name
    data = marshal.loads(ready.read_bytes())
    data["plural"] = "__import__('os')"
    ready.write_bytes(marshal.dumps(data))
    assert i18n._ready_catalog("sv") is None


def test_a_missing_catalog_is_no_problem(locale: Path) -> None:
    (locale / MO.with_suffix(i18n.READY_SUFFIX).name).unlink()
    assert i18n._ready_catalog("sv") is None
    i18n.setup("sv")
    assert i18n._("Case") == gettext.GNUTranslations(MO.open("rb")).gettext("Case")
