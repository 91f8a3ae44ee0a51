"""Typer's and Click's own words in the interface language.

Typer writes the frame of every help screen in English: "Usage:", the panel titles
"Arguments", "Options" and "Commands", "[default: …]", "[required]", "[env var: …]",
"[OPTIONS]", the help option's "Show this message and exit." and the completion
options' help. They live in module constants of ``typer.rich_utils``, in stdlib
``gettext`` calls in ``typer.core`` and in fixed strings in Click's formatter and in
``typer.completion``. ``install()`` puts our catalog in front of all of them, so a
Swedish screen has no English frame around Swedish text.

Everything is looked up with getattr and skipped when a Typer version lacks it: an
upgrade may leave a word in English, it must never break the CLI. The words are
looked up when a screen is drawn, not when this module is imported, so they follow the
language of the moment; and ``typer.rich_utils`` (which imports rich) is only touched
when help is actually shown.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any

from bostadcli.i18n import _

_INSTALLED = "_bostad_words"


def _rich_constants() -> dict[str, str]:
    """``typer.rich_utils`` constant name → the word in the interface language."""
    return {
        "ARGUMENTS_PANEL_TITLE": _("Arguments"),
        "OPTIONS_PANEL_TITLE": _("Options"),
        "COMMANDS_PANEL_TITLE": _("Commands"),
        "ERRORS_PANEL_TITLE": _("Error"),
        # TRANSLATORS: {} is the default value, shown after an option's help.
        "DEFAULT_STRING": _("[default: {}]"),
        # TRANSLATORS: {} is the name of an environment variable.
        "ENVVAR_STRING": _("[env var: {}]"),
        "REQUIRED_LONG_STRING": _("[required]"),
        "DEPRECATED_STRING": _("(deprecated) "),
        "ABORTED_TEXT": _("Aborted."),
        # TRANSLATORS: keep the rich markup [blue] … [/] around the command.
        "RICH_HELP": _("Try [blue]'{command_path} {help_option}'[/] for help."),
    }


def _typer_messages() -> dict[str, str]:
    """Typer's own gettext messages for help screens → ours.

    Error messages are left alone on purpose: ``cli/app.py`` recognises Click's English
    wording and translates the whole line.
    """
    return {
        "Arguments": _("Arguments"),
        "Options": _("Options"),
        "Commands": _("Commands"),
        "default: {default}": _("default: {default}"),
        "env var: {var}": _("env var: {var}"),
        "required": _("required"),
        "(dynamic)": _("(dynamic)"),
    }


def _usage_pieces() -> dict[str, str]:
    return {
        # TRANSLATORS: in the usage line, "bostad [OPTIONS] COMMAND [ARGS]...".
        "[OPTIONS]": _("[OPTIONS]"),
        "COMMAND [ARGS]...": _("COMMAND [ARGS]..."),
    }


def _type_names() -> dict[str, str]:
    """Typer's type labels (Python type names) → words a caseworker reads."""
    return {
        "<str>": _("<text>"),
        "<int>": _("<number>"),
        "<float>": _("<number>"),
        "<path>": _("<path>"),
        "<file>": _("<file>"),
    }


def _typer_gettext(message: str) -> str:
    return _typer_messages().get(message, message)


def type_label(shown: str | None, *, is_flag: bool, named: bool = False) -> str | None:
    """The type column of an option or argument as it should read.

    A switch shows no type: ``<bool>`` next to ``--dry-run`` invites ``--dry-run true``.
    Nor does an argument with a name of its own (``REF``) that takes text: the name says
    it. ``<list[a|b]>`` (a repeatable option) becomes ``<a|b>...``, the way Click marks
    repetition.
    """
    if shown is None:
        return None
    if (is_flag and shown == "<bool>") or (named and shown == "<str>"):
        return None
    if shown.startswith("<list[") and shown.endswith("]>"):
        shown = "<" + shown[len("<list[") : -len("]>")] + ">..."
    shown = _type_names().get(shown, shown)
    # A long list of choices may wrap in a narrow terminal: between choices, never
    # inside one ("<unpaid_rent | disturbance | …>" rather than "dis" / "turbance").
    if "|" in shown and len(shown) > CHOICES_ON_ONE_LINE:
        shown = " | ".join(part.strip() for part in shown.split("|"))
    return shown


# Up to this many characters a list of choices stays as it is ("<csv|json>").
CHOICES_ON_ONE_LINE = 16


def _wrap(cls: type, name: str, make: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    original = getattr(cls, name, None)
    if original is None or getattr(original, _INSTALLED, False):
        return
    wrapper = make(original)
    setattr(wrapper, _INSTALLED, True)
    setattr(cls, name, wrapper)


def _with_rich_words(original: Callable[..., Any]) -> Callable[..., Any]:
    def format_help(self: Any, ctx: Any, formatter: Any) -> Any:
        apply_rich_words()
        return original(self, ctx, formatter)

    return format_help


def _with_help_option_text(original: Callable[..., Any]) -> Callable[..., Any]:
    def get_help_option(self: Any, ctx: Any) -> Any:
        option = original(self, ctx)
        if option is not None and hasattr(option, "help"):
            option.help = _("Show this help and exit.")
        return option

    return get_help_option


def _with_usage_words(original: Callable[..., Any]) -> Callable[..., Any]:
    def collect_usage_pieces(self: Any, ctx: Any) -> list[str]:
        pieces = _usage_pieces()
        return [pieces.get(piece, piece) for piece in original(self, ctx)]

    return collect_usage_pieces


def _with_usage_prefix(original: Callable[..., Any]) -> Callable[..., Any]:
    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> Any:
        return original(self, prog, args, _("Usage: ") if prefix is None else prefix)

    return write_usage


def _with_type_label(original: Callable[..., Any]) -> Callable[..., Any]:
    def display_type_rich(self: Any, ctx: Any) -> str | None:
        shown = original(self, ctx)
        named = getattr(self, "param_type_name", "") == "argument" and self.metavar is not None
        return type_label(shown, is_flag=bool(getattr(self, "is_flag", False)), named=named)

    return display_type_rich


def _help_formatter() -> type | None:
    # Typer 0.2x ships its own copy of Click; older versions use click itself.
    for module_name in ("typer._click.formatting", "click.formatting"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        found = getattr(module, "HelpFormatter", None)
        if isinstance(found, type):
            return found
    return None


def install() -> None:
    """Route Typer's words through our catalog; safe to call more than once."""
    import typer.core as core

    if hasattr(core, "_"):
        core._ = _typer_gettext
    for class_name in ("TyperCommand", "TyperGroup"):
        cls = getattr(core, class_name, None)
        if isinstance(cls, type):
            _wrap(cls, "format_help", _with_rich_words)
            _wrap(cls, "get_help_option", _with_help_option_text)
            _wrap(cls, "collect_usage_pieces", _with_usage_words)
    for class_name in ("TyperOption", "TyperArgument"):
        cls = getattr(core, class_name, None)
        if isinstance(cls, type):
            _wrap(cls, "display_type_rich", _with_type_label)
    formatter = _help_formatter()
    if formatter is not None:
        _wrap(formatter, "write_usage", _with_usage_prefix)


def apply_rich_words() -> None:
    """Set ``typer.rich_utils``' constants to the interface language (at draw time)."""
    try:
        rich_utils: Any = importlib.import_module("typer.rich_utils")
    except ImportError:
        # Typer without rich draws plain help, translated through typer.core's gettext.
        return
    for name, text in _rich_constants().items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, text)
    if hasattr(rich_utils, "_"):
        rich_utils._ = _typer_gettext
    _highlight_usage_prefix(rich_utils)
    _stack_secondary_options(rich_utils)


# Typer's options table: [required,] long, short, secondary long, secondary short, type,
# help. The secondary names (--without-children beside --with-children) take a column
# of their own that leaves too little for the type and the help at 80 columns; stacked
# under the primary names they cost no width.
_OPTION_CELLS = 6


def _stack_secondary_options(rich_utils: Any) -> None:
    table = getattr(rich_utils, "Table", None)
    if not isinstance(table, type) or getattr(table, _INSTALLED, False):
        return

    class OptionsTable(table):  # type: ignore[misc,valid-type]
        def add_row(self, *cells: Any, **options: Any) -> Any:
            base = len(cells) - _OPTION_CELLS
            if base not in (0, 1):
                return super().add_row(*cells, **options)
            long, short, other_long, other_short = cells[base : base + 4]
            row = [
                *cells[:base],
                _stacked(long, other_long),
                _stacked(short, other_short),
                *cells[base + 4 :],
            ]
            # A word too long for its column is folded onto the next line, never cut
            # to an ellipsis; option names give way last.
            for cell in row:
                # The help is a rich Columns of Texts (the text, a default, a range).
                for part in [cell, *getattr(cell, "renderables", [])]:
                    if hasattr(part, "overflow"):
                        part.overflow = "fold"
            done = super().add_row(*row, **options)
            for column in self.columns[base : base + 2]:
                column.no_wrap = True
            return done

    setattr(OptionsTable, _INSTALLED, True)
    rich_utils.Table = OptionsTable


def _stacked(first: Any, second: Any) -> Any:
    from rich.text import Text

    if not (isinstance(first, Text) and isinstance(second, Text)) or not second.plain:
        return first
    if not first.plain:
        return second
    return Text("\n").join([first, second])


def _highlight_usage_prefix(rich_utils: Any) -> None:
    # Typer colours "Usage: " with a regex; give the translated prefix the same colour.
    highlighter = getattr(rich_utils, "highlighter", None)
    patterns = getattr(type(highlighter), "highlights", None)
    if not isinstance(patterns, list):
        return
    pattern = r"(?P<usage>" + re.escape(_("Usage: ")) + ")"
    if pattern not in patterns:
        patterns.append(pattern)


def translate_root_options(command: Any) -> None:
    """The help of the options Typer adds to the root command (shell completion)."""
    texts = {
        "--install-completion": _("Install tab completion for the current shell."),
        "--show-completion": _(
            "Show the completion script for the current shell, to copy or adapt it."
        ),
    }
    for param in getattr(command, "params", []):
        for opt in getattr(param, "opts", []):
            if opt in texts and hasattr(param, "help"):
                param.help = texts[opt]
