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
    # A metavar (INITIALS|LOGIN) stays as its author wrote it.
    if shown.startswith("<") and "|" in shown and len(shown) > CHOICES_ON_ONE_LINE:
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
        prefix = _("Usage: ") if prefix is None else prefix
        head = f"{prefix:>{self.current_indent}}{prog} "
        room = self.width - self.current_indent
        longest = max((len(word) for word in args.split()), default=0)
        if longest <= room - len(head):
            return original(self, prog, args, prefix)
        # Click would put the arguments beside a long command and cut one that does
        # not fit there ("{INITIALS|" / "LOGIN}"); they go on the lines beneath instead.
        from textwrap import fill

        indent = " " * (max(self.current_indent, len(prefix)) + 4)
        self.write(head.rstrip() + "\n")
        lines = fill(
            args, room, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
        )
        self.write(lines + "\n")
        return None

    return write_usage


def _with_type_label(original: Callable[..., Any]) -> Callable[..., Any]:
    def display_type_rich(self: Any, ctx: Any) -> str | None:
        shown = original(self, ctx)
        named = getattr(self, "param_type_name", "") == "argument" and self.metavar is not None
        return type_label(shown, is_flag=bool(getattr(self, "is_flag", False)), named=named)

    return display_type_rich


def _help_formatter() -> type | None:
    return _click_module("formatting", "HelpFormatter")


def _click_module(module: str, name: str) -> type | None:
    # Typer 0.2x ships its own copy of Click; older versions use click itself.
    for module_name in (f"typer._click.{module}", f"click.{module}"):
        try:
            found = getattr(importlib.import_module(module_name), name, None)
        except ImportError:
            continue
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
        from bostadcli.cli import help_panels

        _wrap(formatter, "write_usage", _with_usage_prefix)
        _wrap(formatter, "write_dl", help_panels.plain_write_dl)
        wrapper = _click_module("_textwrap", "TextWrapper")
        if wrapper is not None:
            _wrap(wrapper, "__init__", help_panels.plain_wrapper_without_hyphen_breaks)


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
    _draw_option_panels(rich_utils)


def _draw_option_panels(rich_utils: Any) -> None:
    """Our own Arguments and Options panels (help_panels), which never break a word."""
    original = getattr(rich_utils, "_print_options_panel", None)
    if original is None or getattr(original, _INSTALLED, False):
        return
    from bostadcli.cli import help_panels

    def print_options_panel(**kwargs: Any) -> None:
        help_panels.print_options_panel(**kwargs, rich_utils=rich_utils)

    setattr(print_options_panel, _INSTALLED, True)
    rich_utils._print_options_panel = print_options_panel


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
