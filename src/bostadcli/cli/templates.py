"""bostad template list|show|copy."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from bostadcli.cli.context import state
from bostadcli.cli.options import FormatOpt
from bostadcli.cli.output import Column, Format, emit
from bostadcli.i18n import _, ngettext
from bostadcli.templating import FORMATS

app = typer.Typer(no_args_is_help=True)

TemplatesOpt = Annotated[
    Path | None,
    typer.Option(
        "--templates",
        envvar="BOSTAD_TEMPLATES",
        metavar=_("DIR"),
        help=_("A folder of your own templates, used before the built-in ones."),
        show_default=False,
    ),
]


KIND_HELP = _("outreach, meeting, base, …; outreach.en for the English version.")


class TemplateFormat(StrEnum):
    """The versions a template comes in (``templating.FORMATS``)."""

    html, txt = FORMATS


KindArg = Annotated[str, typer.Argument(metavar=_("KIND"), help=KIND_HELP)]


def user_dir(ctx: typer.Context, explicit: Path | None) -> Path | None:
    """--templates / BOSTAD_TEMPLATES, else templates_dir from the config file."""
    from bostadcli.templating import user_templates_dir

    return user_templates_dir(explicit, state(ctx).config().templates_dir)


def _origin_text(value: object, _row: dict[str, Any]) -> str:
    """Where a template comes from, in words; CSV and JSON keep the code."""
    return {"built-in": _("built-in"), "user": _("yours")}.get(str(value), str(value))


def _language_text(value: object, _row: dict[str, Any]) -> str:
    from bostadcli.vocab import LetterLanguage, label

    return label(LetterLanguage, str(value))


@app.command(
    "list",
    help=_(
        "List the letter templates in effect: yours first, then the built-in ones.\n\n"
        "Example: bostad template list --templates ./mallar"
    ),
)
def list_(
    ctx: typer.Context, templates: TemplatesOpt = None, fmt: FormatOpt = Format.table
) -> None:
    from dataclasses import asdict

    from bostadcli.templating import list_templates

    found = list_templates(user_dir(ctx, templates))
    rows = [asdict(t) for t in found]
    columns = [
        Column("kind", _("Kind")),
        Column("language", _("Language"), show=_language_text),
        Column("format", _("Format")),
        Column("origin", _("Origin"), show=_origin_text),
        Column("version", _("Version")),
        Column("name", _("Name"), in_table=False),
        Column("file", _("File")),
        Column("problem", _("Problem"), in_table=False),
    ]
    emit(rows, columns, fmt, empty=_("No templates."))
    problems = [t.problem for t in found if t.problem]
    if problems:
        from bostadcli.errors import BostadError, one_line

        for problem in problems:
            typer.echo(one_line(problem), err=True)
        raise BostadError(
            ngettext(
                "{n} template cannot be used; letters from it would fail",
                "{n} templates cannot be used; letters from them would fail",
                len(problems),
            ).format(n=len(problems))
        )


@app.command(
    "show",
    help=_(
        "Print the source of the template in effect for a kind.\n\n"
        "Example: bostad template show outreach --format txt"
    ),
)
def show(
    ctx: typer.Context,
    kind: KindArg,
    fmt: Annotated[
        TemplateFormat, typer.Option("--format", "-f", help=_("The HTML or the text version."))
    ] = TemplateFormat.html,
    templates: TemplatesOpt = None,
) -> None:
    from bostadcli.templating import template_source

    source, filename = template_source(kind, fmt.value, user_dir(ctx, templates))
    typer.echo(source, nl=False)
    typer.echo(filename, err=True)


@app.command(
    "copy",
    help=_(
        "Copy a built-in template (HTML and text) into a folder to edit; never overwrites.\n\n"
        "Example: bostad template copy outreach ./mallar"
    ),
)
def copy(
    kind: KindArg,
    dest: Annotated[Path, typer.Argument(metavar=_("DIR"), help=_("The folder to copy into."))],
) -> None:
    from bostadcli.templating import copy_template

    for path in copy_template(kind, dest):
        typer.echo(str(path))
    typer.echo(
        _(
            "Edit the copies, then use them with --templates {dir}, BOSTAD_TEMPLATES={dir},"
            " or templates_dir in config.toml."
        ).format(dir=dest),
        err=True,
    )
