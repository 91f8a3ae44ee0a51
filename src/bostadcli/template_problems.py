"""Where a user's template goes wrong while a letter is made: a template it names that
is not there, and a control character it writes (``templating``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bostadcli.i18n import _
from bostadcli.templating import TemplateProblem, _where

if TYPE_CHECKING:
    from jinja2 import Environment


def missing(env: Environment, name: str, missing: str) -> str:
    """'no template named X', from the file and line that names it when another
    template does (an include, an extends, an import)."""
    assert env.loader is not None
    quoted = (f'"{missing}"', f"'{missing}'")
    for candidate in (name, *_loadable_references(env, name)):
        try:
            source, filename, _uptodate = env.loader.get_source(env, candidate)
        except Exception:  # the one that cannot be read is the missing one
            continue
        for number, line in enumerate(source.splitlines(), start=1):
            if missing != candidate and any(q in line for q in quoted):
                where = _where(filename, candidate, number)
                return _(
                    "{where}: no template named {name} (a template can use those in its"
                    " own folder and the built-in ones)"
                ).format(where=where, name=missing)
    return _("no template named {name}").format(name=missing)


def _loadable_references(env: Environment, name: str) -> list[str]:
    """The templates ``name`` names, as far as they can be read."""
    from jinja2 import meta

    assert env.loader is not None
    try:
        source = env.loader.get_source(env, name)[0]
        return [r for r in meta.find_referenced_templates(env.parse(source)) if r]
    except Exception:
        return []


def refuse_written(part: str, filename: str | None, lineno: int | None, name: str) -> None:
    """A control character a template wrote (a string escape such as ``"\\x1b"``,
    ``"%c"|format(27)``, or stored text that holds one): the letter is refused, naming
    where the template wrote it."""
    from bostadcli.letters.address import UNPRINTABLE

    found = UNPRINTABLE.search(part)
    if found is None:  # written as an HTML character reference (&#x1b;)
        from bostadcli.templating import unescaped_references

        part = unescaped_references(part)
        found = UNPRINTABLE.search(part)
    assert found is not None
    if lineno is not None:
        # Jinja writes a run of text and values as one part, from the line it starts on.
        lineno += part.count("\n", 0, found.start())
    raise TemplateProblem(
        _(
            "{where}: writes a control character (U+{code}), which cannot go in a letter;"
            " remove it from the template, or correct the text it shows"
        ).format(where=_where(filename, name, lineno), code=f"{ord(found.group()):04X}")
    )
