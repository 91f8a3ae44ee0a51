"""The letter templates: where they are, the sandboxed Jinja environment, and its errors.

Templates are ``<kind>.html.j2`` (HTML, and PDF through WeasyPrint) and
``<kind>.txt.j2`` (plain text), in Swedish. A kind may also have an English variant,
``<kind>.en.html.j2`` and ``<kind>.en.txt.j2``, used for households whose letters go out
in English (see ``letters.letter_template``). The built-in ones ship inside the package
(``bostadcli/templates``; in a source checkout they are the repository's top-level
``templates/``). A municipality's own folder (``--templates`` / ``BOSTAD_TEMPLATES`` /
``templates_dir`` in config.toml) is searched first, so a copied and edited template
replaces the built-in one of the same name.

User-edited templates are code from outside the program: they run in Jinja's sandbox,
a missing variable is an error rather than a blank in a letter to a family, and every
error names the template file and line.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from bostadcli import validate
from bostadcli.errors import BostadError, Conflict, NotFound
from bostadcli.i18n import _
from bostadcli.template_bounds import MAX_LETTER_CHARS as MAX_LETTER_CHARS
from bostadcli.template_bounds import (
    RENDER_SECONDS,
    LetterTooLong,
    TooLarge,
    TooLong,
    bounded,
    bounded_environment,
    bounded_lipsum,
    generator_where,
    time_limit,
)

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from jinja2 import Environment, Template

TEMPLATE_SUFFIX = ".j2"
FORMATS = ("html", "txt")
BASE_TEMPLATES = ("base",)
VERSION_LENGTH = 12

# Letters go out in Swedish whatever language the screens use; a letter rendered from an
# English variant of a template (``language`` "en" in its context) in English.
LETTER_LOCALE = "sv_SE"
DEFAULT_LANGUAGE = "sv"
VARIANT_LANGUAGES = ("en",)
_LOCALES = {"sv": LETTER_LOCALE, "en": "en_GB"}


class TemplateProblem(BostadError):
    """A template that cannot be compiled or rendered; the message names file and line."""


class TemplateTimeout(TemplateProblem):
    """A letter that took too long to make: the template loops, whatever the case."""


def template_name(kind: str, fmt: str, language: str | None = None) -> str:
    """``outreach.html.j2``; with a variant language, ``outreach.en.html.j2``."""
    if language is None or language == DEFAULT_LANGUAGE:
        return f"{kind}.{fmt}{TEMPLATE_SUFFIX}"
    return f"{kind}.{language}.{fmt}{TEMPLATE_SUFFIX}"


# Which template serves (kind, format, language), per environment: a batch asks for
# every letter, and the answer cannot change while the environment lives (the loaders
# read each folder as it is, and auto_reload is off).
_VARIANTS: WeakKeyDictionary[Environment, dict[tuple[str, str, str], tuple[str, str]]] = (
    WeakKeyDictionary()
)


def variant_template(env: Environment, kind: str, fmt: str, language: str) -> tuple[str, str]:
    """``kind``'s template in ``language`` when there is one (the user's folder first,
    then the built-in ones), else the Swedish one. Returns (name, language of it)."""
    known = _VARIANTS.setdefault(env, {})
    key = (kind, fmt, language)
    if key not in known:
        name = template_name(kind, fmt, language)
        if language != DEFAULT_LANGUAGE and not has_template(env, name):
            name, language = template_name(kind, fmt), DEFAULT_LANGUAGE
        known[key] = (name, language)
    return known[key]


def has_template(env: Environment, name: str) -> bool:
    """Whether the user's folder or the built-in ones have ``name``."""
    from jinja2 import TemplateNotFound

    assert env.loader is not None
    try:
        env.loader.get_source(env, name)
    except TemplateNotFound:
        return False
    return True


def packaged_templates() -> Traversable:
    """The built-in templates: inside the installed package, else the source checkout's."""
    from importlib import resources

    inside = resources.files("bostadcli").joinpath("templates")
    if inside.is_dir():
        return inside
    # An editable install or PYTHONPATH=src: the package is src/bostadcli, and hatch's
    # force-include only happens when a wheel is built.
    checkout = Path(__file__).resolve().parent.parent.parent / "templates"
    if checkout.is_dir():
        return checkout
    raise BostadError(
        _("the built-in letter templates are missing from this installation: reinstall bostadcli")
    )


def user_templates_dir(explicit: Path | None, configured: Path | None) -> Path | None:
    """The user's template folder: the option (or BOSTAD_TEMPLATES), else config.toml."""
    folder = explicit or configured
    if folder is None:
        return None
    checked = validate.path(folder, field="--templates")
    if checked.exists() and not checked.is_dir():
        raise BostadError(
            _("the template folder is a file, not a folder: {path}").format(path=folder)
        )
    if not checked.is_dir():
        raise NotFound(_("the template folder does not exist: {path}").format(path=folder))
    return folder


def _autoescape(name: str | None) -> bool:
    return name is not None and name.removesuffix(TEMPLATE_SUFFIX).endswith((".html", ".htm"))


# The environment -------------------------------------------------------------------


def environment(user_dir: Path | None = None) -> Environment:
    """A sandboxed Jinja environment: the user's folder first, then the built-in one."""
    from jinja2 import ChoiceLoader, StrictUndefined, pass_context

    from bostadcli.template_filters import FILTERS, datum
    from bostadcli.template_loaders import checked_loader, traversable_loader

    loaders: list[Any] = []
    if user_dir is not None:
        loaders.append(checked_loader()(str(user_dir)))
    loaders.append(traversable_loader()(packaged_templates()))
    env = bounded_environment()(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=_autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    # datum follows the language of the template being rendered (see _letter_locale).
    env.filters["datum"] = pass_context(datum)
    env.filters = {name: bounded(f) for name, f in env.filters.items()}
    env.globals["lipsum"] = bounded_lipsum
    result: Environment = env
    return result


def _where(filename: str | None, name: str | None, lineno: int | None) -> str:
    place = filename or name or "?"
    return f"{place}:{lineno}" if lineno else place


# Templates whose whole family (what they extend, include, import) compiled, per
# environment: a batch of letters then reuses the compiled template instead of parsing
# the sources again for every letter.
_CHECKED: WeakKeyDictionary[Environment, set[str]] = WeakKeyDictionary()


def load_template(env: Environment, name: str) -> Template:
    """Compile a template (and what it extends), or say where it is broken.

    The environment keeps what it compiled (``auto_reload`` is off), so asking again
    for the same template costs nothing.
    """
    from jinja2 import TemplateNotFound, TemplateSyntaxError

    checked = _CHECKED.setdefault(env, set())
    if name in checked:
        return env.get_template(name)
    try:
        _refuse_cycles(env, name)
        template = env.get_template(name)
        for other in referenced_templates(env, name):
            env.get_template(other)
    except RecursionError:
        raise TemplateProblem(
            _("{where}: the template is nested too deeply to read").format(
                where=_filename(env, name)
            )
        ) from None
    except TemplateSyntaxError as exc:
        raise TemplateProblem(
            _("{where}: template syntax error: {message}").format(
                where=_where(exc.filename, exc.name, exc.lineno), message=exc.message
            )
        ) from None
    except TemplateNotFound as exc:
        from bostadcli.template_problems import missing

        raise NotFound(missing(env, name, str(exc.name))) from None
    checked.add(name)
    return template


def _filename(env: Environment, name: str) -> str:
    assert env.loader is not None
    try:
        return env.loader.get_source(env, name)[1] or name
    except Exception:
        return name


def _refuse_cycles(env: Environment, name: str) -> None:
    """Templates that extend, include or import each other in a circle would call each
    other for ever: a one-line problem naming the circle, before anything is rendered."""
    from jinja2 import meta

    assert env.loader is not None
    references: dict[str, list[str]] = {}

    def refs(current: str) -> list[str]:
        if current not in references:
            source, filename, _uptodate = env.loader.get_source(env, current)  # type: ignore[union-attr]
            parsed = env.parse(source, name=current, filename=filename)
            references[current] = [r for r in meta.find_referenced_templates(parsed) if r]
        return references[current]

    path: list[str] = []
    done: set[str] = set()

    def visit(current: str) -> None:
        if current in path:
            circle = [*path[path.index(current) :], current]
            raise TemplateProblem(
                _(
                    "{file}: the templates include or extend each other in a circle: {circle}"
                ).format(file=_filename(env, current), circle=" → ".join(circle))
            )
        if current in done:
            return
        path.append(current)
        for other in refs(current):
            visit(other)
        path.pop()
        done.add(current)

    visit(name)


_UNDEFINED = (
    re.compile(r"^'([^']+)' is undefined$"),
    re.compile(r"has no attribute '([^']+)'$"),
    re.compile(r"^'[^']+' has no attribute '([^']+)'$"),
)


def _template_frame(exc: BaseException) -> tuple[str | None, int | None]:
    # Jinja rewrites the traceback so that frames of template code carry the template's
    # file name and line; the innermost such frame is where the error happened.
    # An exception Jinja did not rewrite (a BaseException) still runs through the
    # compiled template code, which knows its template and maps the line.
    found: tuple[str | None, int | None] = (None, None)
    tb = exc.__traceback__
    while tb is not None:
        template = tb.tb_frame.f_globals.get("__jinja_template__")
        if template is not None:
            found = (template.filename, template.get_corresponding_lineno(tb.tb_lineno))
        elif tb.tb_frame.f_code.co_filename.endswith(TEMPLATE_SUFFIX):
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def render_template(env: Environment, name: str, context: dict[str, Any]) -> str:
    """Render ``name``; every failure becomes a TemplateProblem naming file and line."""
    from jinja2 import TemplateError, UndefinedError

    template = load_template(env, name)
    try:
        with time_limit(RENDER_SECONDS):
            return _bounded_text(template, name, context)
    except TooLong as exc:
        filename, lineno = _template_frame(exc)
        raise TemplateTimeout(
            _(
                "{where}: too long: the letter took more than {seconds} seconds to make"
                " (a loop in the template?)"
            ).format(where=_where(filename, name, lineno), seconds=f"{RENDER_SECONDS:g}")
        ) from None
    except LetterTooLong as exc:
        filename, lineno = exc.where if exc.where[0] else _template_frame(exc)
        raise TemplateProblem(
            _(
                "{where}: too large: the letter is longer than {n} characters"
                " (a loop in the template?)"
            ).format(where=_where(filename, name, lineno), n=MAX_LETTER_CHARS)
        ) from None
    except (TooLarge, MemoryError, OverflowError) as exc:
        filename, lineno = _template_frame(exc)
        raise TemplateProblem(
            _("{where}: too large: a value too large for a letter ({value})").format(
                where=_where(filename, name, lineno), value=str(exc)[:60] or type(exc).__name__
            )
        ) from None
    except RecursionError as exc:
        filename, lineno = _template_frame(exc)
        raise TemplateProblem(
            _("{where}: the template calls itself without end (recursion)").format(
                where=_where(filename, name, lineno)
            )
        ) from None
    except UndefinedError as exc:
        filename, lineno = _template_frame(exc)
        message = str(exc.message or exc)
        variable = next(
            (m.group(1) for p in _UNDEFINED if (m := p.search(message)) is not None), message
        )
        raise TemplateProblem(
            _("{where}: the template uses '{name}', which this letter does not have").format(
                where=_where(filename, name, lineno), name=variable
            )
        ) from None
    except (TemplateError, ArithmeticError, LookupError, TypeError, ValueError) as exc:
        filename, lineno = _template_frame(exc)
        raise TemplateProblem(
            _("{where}: the template failed: {error}").format(
                where=_where(filename, name, lineno), error=exc
            )
        ) from None


def _bounded_text(template: Template, name: str, context: dict[str, Any]) -> str:
    """The rendered text, piece by piece, stopped past MAX_LETTER_CHARS (where the
    template was writing then is named)."""
    parts: list[str] = []
    size = 0
    stream: Any = template.generate(context)
    from bostadcli.letters.address import UNPRINTABLE
    from bostadcli.template_problems import refuse_written

    try:
        for part in stream:
            size += len(part)
            if UNPRINTABLE.search(part) is not None or (
                "&#" in part and UNPRINTABLE.search(unescaped_references(part)) is not None
            ):
                refuse_written(part, *generator_where(stream), name)
            if size > MAX_LETTER_CHARS:
                filename, lineno = generator_where(stream)
                raise TemplateProblem(
                    _(
                        "{where}: too large: the letter is longer than {n} characters"
                        " (a loop in the template?)"
                    ).format(where=_where(filename, name, lineno), n=MAX_LETTER_CHARS)
                )
            parts.append(part)
    finally:
        stream.close()
    return "".join(parts)


def unescaped_references(part: str) -> str:
    """``part`` with its numeric HTML character references read (``&#x1b;``,
    ``&#8238;``) as the PDF renderer reads them: a control character too (Python's
    ``html.unescape`` drops those, the renderer keeps them)."""
    import re

    def character(found: re.Match[str]) -> str:
        code = int(found.group(1), 16) if found.group(1) else int(found.group(2))
        return chr(code) if code < 0x110000 else ""

    return re.sub(r"&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));?", character, part)


def referenced_templates(env: Environment, name: str) -> list[str]:
    """Every template that ``name`` extends, includes or imports, transitively."""
    from jinja2 import meta

    assert env.loader is not None
    seen: list[str] = []
    todo = [name]
    while todo:
        current = todo.pop()
        source, filename, _uptodate = env.loader.get_source(env, current)
        parsed = env.parse(source, name=current, filename=filename)
        for other in meta.find_referenced_templates(parsed):
            if other is not None and other not in seen and other != name:
                seen.append(other)
                todo.append(other)
    return sorted(seen)


def template_version(env: Environment, names: Iterable[str]) -> str:
    """A short hash of the sources of ``names`` and everything they use.

    Stored with each letter, so a letter can be traced to the exact template text.
    """
    assert env.loader is not None
    closure: set[str] = set()
    for name in names:
        closure.add(name)
        closure.update(referenced_templates(env, name))
    import hashlib  # when a letter is made, not when a command that makes none starts

    digest = hashlib.sha256()
    for name in sorted(closure):
        source, _filename, _uptodate = env.loader.get_source(env, name)
        digest.update(name.encode() + b"\0" + source.encode("utf-8") + b"\0")
    return digest.hexdigest()[:VERSION_LENGTH]


# Listing, showing and copying ----------------------------------------------------------


@dataclass(frozen=True)
class TemplateInfo:
    kind: str
    format: str
    name: str
    origin: str
    file: str
    version: str
    language: str = DEFAULT_LANGUAGE
    # Why the template cannot be used (syntax, not UTF-8, a circle of includes), or "".
    problem: str = ""


def _split(name: str) -> tuple[str, str, str] | None:
    """(kind, language, format) of a template's file name, or None for another file."""
    stem = name.removesuffix(TEMPLATE_SUFFIX)
    if stem == name:
        return None
    parts = stem.split(".")
    if len(parts) == 2 and parts[1] in FORMATS:
        return parts[0], DEFAULT_LANGUAGE, parts[1]
    if len(parts) == 3 and parts[1] in VARIANT_LANGUAGES and parts[2] in FORMATS:
        return parts[0], parts[1], parts[2]
    return None


def split_kind(text: str) -> tuple[str, str]:
    """``outreach`` is the Swedish template of a kind, ``outreach.en`` its English variant."""
    kind, dot, language = text.partition(".")
    if dot and language in VARIANT_LANGUAGES:
        return kind, language
    return text, DEFAULT_LANGUAGE


def _kind_text(kind: str, language: str) -> str:
    return kind if language == DEFAULT_LANGUAGE else f"{kind}.{language}"


def _name_of(kind_text: str, fmt: str) -> str:
    kind, language = split_kind(kind_text)
    return template_name(kind, fmt, language)


def list_templates(user_dir: Path | None = None) -> list[TemplateInfo]:
    """The templates in effect: a user's copy shadows the built-in one of the same name."""
    env = environment(user_dir)
    builtin = packaged_templates()
    names: dict[str, tuple[str, str]] = {}
    for node in builtin.iterdir():
        if node.is_file() and _split(node.name):
            names[node.name] = ("built-in", str(node))
    if user_dir is not None:
        for path in user_dir.iterdir():
            if path.is_file() and _split(path.name):
                names[path.name] = ("user", str(path))
    result = []
    for name in sorted(names):
        kind, language, fmt = _split(name) or ("", DEFAULT_LANGUAGE, "")
        origin, file = names[name]
        # Every template is checked, and each problem is one line naming its file: the
        # list is how a folder is checked before the letters are made from it.
        version, problem = "", ""
        try:
            load_template(env, name)
            version = template_version(env, [name])
        except BostadError as exc:
            problem = exc.message
        except RecursionError:
            problem = _("{file}: the template is nested too deeply to read").format(file=file)
        result.append(
            TemplateInfo(
                kind=kind,
                format=fmt,
                name=name,
                origin=origin,
                file=file,
                version=version,
                language=language,
                problem=problem,
            )
        )
    # A kind's Swedish templates, then its variants.
    result.sort(key=lambda t: (t.kind, t.language != DEFAULT_LANGUAGE, t.language, t.format))
    return result


def _known(user_dir: Path | None) -> list[TemplateInfo]:
    return list_templates(user_dir)


def template_source(kind: str, fmt: str, user_dir: Path | None = None) -> tuple[str, str]:
    """The source text of the template in effect for ``kind`` (``outreach``, or
    ``outreach.en`` for its English variant) and its file."""
    env = environment(user_dir)
    assert env.loader is not None
    name = _name_of(kind, fmt)
    from jinja2 import TemplateNotFound

    try:
        source, filename, _uptodate = env.loader.get_source(env, name)
    except TemplateNotFound:
        raise NotFound(_unknown_template(kind, user_dir)) from None
    return source, filename or name


def _unknown_template(kind: str, user_dir: Path | None) -> str:
    kinds = sorted({_kind_text(t.kind, t.language) for t in _known(user_dir)})
    return _("no template for '{kind}'; there are: {kinds}").format(
        kind=kind, kinds=", ".join(kinds)
    )


def copy_template(kind: str, dest: Path) -> list[Path]:
    """Copy the built-in templates of ``kind`` (both formats) into ``dest`` to edit;
    ``outreach.en`` copies the English variant.

    Refuses to overwrite: nothing is copied when any target exists.
    """
    builtin = packaged_templates()
    sources = [
        builtin.joinpath(_name_of(kind, fmt))
        for fmt in FORMATS
        if builtin.joinpath(_name_of(kind, fmt)).is_file()
    ]
    if not sources:
        raise NotFound(_unknown_template(kind, None))
    if validate.path(dest, field="DIR").exists() and not dest.is_dir():
        raise BostadError(_("not a folder: {path}").format(path=dest))
    targets = [dest / s.name for s in sources]
    existing = [t for t in targets if os.path.lexists(t)]
    if existing:
        raise Conflict(_("{path} exists already; it was not overwritten").format(path=existing[0]))
    from bostadcli.files import check_target

    for target in targets:
        # The rule every writer follows; a template is no personal data, so it keeps the
        # user's usual file mode, and "xb" below never replaces or follows a link.
        check_target(target, field="DIR")
    try:
        dest.mkdir(parents=True, exist_ok=True)
        for source, target in zip(sources, targets, strict=True):
            with source.open("rb") as fin, target.open("xb") as fout:
                shutil.copyfileobj(fin, fout)
    except OSError as exc:
        from bostadcli.os_errors import os_problem

        raise BostadError(
            _("cannot copy into {path}: {error}").format(path=dest, error=os_problem(exc, dest))
        ) from None
    return targets
