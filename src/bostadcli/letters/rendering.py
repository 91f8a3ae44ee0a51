"""Rendering a letter: its template (a kind's variant in the household's language where
there is one), its text, and a PDF laid out copy by copy."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bostadcli import templating
from bostadcli.config import Config
from bostadcli.errors import InvalidInput
from bostadcli.i18n import _
from bostadcli.letters.words import joined_names

if TYPE_CHECKING:
    from jinja2 import Environment
    from sqlite_utils import Database

LETTER_FORMATS = ("pdf", "html", "txt")
EXTENSIONS = {"pdf": "pdf", "html": "html", "txt": "txt"}


def letter_format(value: str, *, field: str = "--format") -> str:
    if value not in LETTER_FORMATS:
        raise InvalidInput(
            field, value, _("must be one of: {allowed}").format(allowed=", ".join(LETTER_FORMATS))
        )
    return value


@dataclass(frozen=True)
class Rendered:
    ref: str
    kind: str
    format: str
    content: bytes
    recipient: str
    address: str
    template_version: str
    dated_on: date
    pages: int | None = None
    # What the letter is about beyond the case, recorded with it (the kind's ``about``:
    # a plan, supports).
    about: Mapping[str, Any] = field(default_factory=dict)
    # The language of the template used, and whether it is Swedish although the
    # household's letters go out in another language (the kind has no variant for it).
    language: str = templating.DEFAULT_LANGUAGE
    swedish_instead: bool = False
    # The day the letter must reach the family before (the kind's deadline rule), or
    # None: what a letter made by hand is judged late against.
    deadline: date | None = None
    # What that day is (``late.DEADLINE_NAMES``), named in the warning.
    deadline_of: str | None = None
    # What the kind warns about this letter (``LetterKind.warn``), one line each.
    warnings: tuple[str, ...] = ()

    @property
    def plan(self) -> str | None:
        plan = self.about.get("plan")
        return str(plan) if plan is not None else None

    @property
    def supports(self) -> tuple[int, ...]:
        return tuple(self.about.get("supports", ()))


def _template_for(fmt: str) -> str:
    return "txt" if fmt == "txt" else "html"


def letter_template(env: Environment, kind: str, fmt: str, language: str) -> tuple[str, str]:
    """The template of a ``kind`` letter in ``fmt`` for a household whose letters go out
    in ``language``: the kind's variant in that language when the user's folder or the
    built-in templates have one, else the Swedish template. Returns (name, language)."""
    return templating.variant_template(env, kind, _template_for(fmt), language)


def _chosen(env: Environment, kind: str, fmt: str, context: dict[str, Any]) -> tuple[str, str]:
    return letter_template(env, kind, fmt, context["household"]["letter_language"])


def prepare_templates(env: Environment, kinds: Iterable[str], fmt: str) -> dict[str, str]:
    """Compile the templates a run needs before anything is written: a broken template
    stops the run with its file and line. Returns the version of each template by name:
    each kind's, and its variants in other languages where there are any."""
    versions = {}
    for kind in kinds:
        for language in (templating.DEFAULT_LANGUAGE, *templating.VARIANT_LANGUAGES):
            name, found = letter_template(env, kind, fmt, language)
            if found != language or name in versions:
                continue
            templating.load_template(env, name)
            versions[name] = templating.template_version(env, [name])
    return versions


def _base_url(user_dir: Path | None) -> str | None:
    if user_dir is not None:
        return str(user_dir.resolve()) + os.sep
    root = templating.packaged_templates()
    return str(root) + os.sep if isinstance(root, Path) else None


def render_text(
    env: Environment, kind: str, fmt: str, context: dict[str, Any], *, multipage: bool = False
) -> str:
    """The letter's text: plain text, or the HTML that a PDF is made from."""
    name, language = _chosen(env, kind, fmt, context)
    if fmt != "txt" and context["address_problem"]:
        raise InvalidInput("address", context["ref"], context["address_problem"])
    extra: dict[str, Any] = {"language": language}
    if multipage:
        extra["multipage"] = True
    return templating.render_template(env, name, context | extra)


def render_context(
    env: Environment,
    kind: str,
    fmt: str,
    context: dict[str, Any],
    *,
    base_url: str | None = None,
) -> tuple[bytes, int | None]:
    """Render a built context to the bytes of a file, and the number of pages of a PDF.

    A PDF letter with several copies (a plan agreement: the tenant's and the
    landlord's) is laid out copy by copy in one document, so that each copy is numbered
    by itself ("Sida 1 av 2" on each) and can be sent on its own, and the file stays one
    tagged PDF/A document."""
    text = render_text(env, kind, fmt, context)
    if fmt != "pdf":
        return text.encode("utf-8"), None
    from bostadcli.letters.registry import KINDS
    from bostadcli.pdf import copies_to_pdf, letter_meta, letter_pdf

    meta = letter_meta(context, KINDS[kind].label)
    if len(context["copies"]) > 1:
        # Each copy numbered by itself, and only when it is longer than a page.
        copies = [context | {"copies": [copy]} for copy in context["copies"]]
        return copies_to_pdf(
            [render_text(env, kind, fmt, one) for one in copies],
            base_url=base_url,
            meta=meta,
            numbered=[render_text(env, kind, fmt, one, multipage=True) for one in copies],
        )
    # Page numbers only on letters that need them (``letter_pdf``).
    numbered = render_text(env, kind, fmt, context, multipage=True)
    return letter_pdf(text, numbered, base_url=base_url, meta=meta)


def render_letter(
    db: Database,
    ref: str,
    kind: str,
    *,
    config: Config,
    as_of: date,
    fmt: str,
    params: dict[str, str] | None = None,
    plan: str | None = None,
    user_dir: Path | None = None,
    env: Environment | None = None,
    today: date | None = None,
) -> Rendered:
    """Render one letter for a case (nothing is written or recorded); ``today`` is the
    real date consent is judged on (see ``build_context``)."""
    from bostadcli.letters.context import build_context, check_letterhead, check_plan_option
    from bostadcli.letters.kind import LetterRequest
    from bostadcli.letters.late import letter_deadline
    from bostadcli.letters.registry import letter_kind

    kind_ = letter_kind(kind)
    fmt = letter_format(fmt)
    check_plan_option(kind_, plan)
    check_letterhead(config)
    env = env or templating.environment(user_dir)
    versions = prepare_templates(env, [kind_.code], fmt)
    request = LetterRequest(as_of=as_of, today=today, about={"plan": plan} if plan else {})
    context = build_context(db, ref, kind_, config=config, params=params, request=request)
    name, language = _chosen(env, kind_.code, fmt, context)
    content, pages = render_context(env, kind_.code, fmt, context, base_url=_base_url(user_dir))
    return Rendered(
        ref=context["ref"],
        kind=kind_.code,
        format=fmt,
        content=content,
        recipient=joined_names(context["recipient"]["names"]),
        address="\n".join(context["recipient"]["lines"]),
        template_version=versions[name],
        dated_on=as_of,
        pages=pages,
        about=kind_.about(context),
        language=language,
        swedish_instead=language != context["household"]["letter_language"],
        deadline=(deadline := letter_deadline(kind_.code, context)),
        deadline_of=(
            kind_.deadline_of(context, deadline)
            if deadline is not None and kind_.deadline_of is not None
            else None
        ),
        warnings=tuple(kind_.warn(context)) if kind_.warn is not None else (),
    )
