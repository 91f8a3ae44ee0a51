"""Swedish words where a code is typed: ``--reason störning`` is ``--reason disturbance``.

Every option whose type is an enumeration (a ``Vocab`` of ``bostadcli.vocab`` or an enum
of the CLI, such as ``--status``) takes its codes, its Swedish words from
``vocab.ALIASES``, and either one folded (case, å/ä/ö, '-' or '_' or a space). The
words are turned into the code before Click sees them, so whatever Typer version checks
the choice, it checks a code; and ``--help`` lists the Swedish words under the option.

Installed once (``install``) on Typer's command class: a wrapper around Click's
``parse_args`` and ``format_help``, both stable interfaces. The command's own
annotations say which options are enumerations.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable
from enum import Enum
from typing import Any

from bostadcli.i18n import _

_INSTALLED = "_bostad_aliases"
_ORIGINAL_HELP = "_bostad_help_without_aliases"


def enum_of(annotation: Any) -> type[Enum] | None:
    """The enumeration an annotation takes (through Annotated, Optional and list)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return enum_of(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list):
        for arg in typing.get_args(annotation):
            found = enum_of(arg)
            if found is not None:
                return found
        return None
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return annotation
    return None


def enum_options(command: Any) -> dict[str, type[Enum]]:
    """Each option string of a command (``--reason``, ``-f``) → the enum it takes."""
    cached = getattr(command, "_bostad_enum_options", None)
    if isinstance(cached, dict):
        return cached
    found: dict[str, type[Enum]] = {}
    callback = getattr(command, "callback", None)
    if callback is not None:
        try:
            hints = typing.get_type_hints(inspect.unwrap(callback), include_extras=True)
        except Exception:  # an annotation this Python cannot resolve: no aliases, no harm
            hints = {}
        for param in getattr(command, "params", []):
            if getattr(param, "param_type_name", "") != "option":
                continue
            enum = enum_of(hints.get(param.name))
            if enum is not None:
                for opt in getattr(param, "opts", []):
                    found[opt] = enum
    command._bostad_enum_options = found
    return found


def canonical(enum: type[Enum], text: str) -> str:
    """The code a typed word names, or the text unchanged (Click then says what is wrong)."""
    from bostadcli.vocab import lookup

    member = lookup(enum, text)
    return str(member.value) if member is not None else text


def rewrite(args: list[str], options: dict[str, type[Enum]]) -> list[str]:
    """The command line with every enumeration value as its code."""
    if not options:
        return args
    result: list[str] = []
    pending: type[Enum] | None = None
    for index, arg in enumerate(args):
        if pending is not None:
            result.append(canonical(pending, arg))
            pending = None
            continue
        if arg == "--":
            return result + args[index:]
        name, eq, value = arg.partition("=")
        if arg in options:
            pending = options[arg]
            result.append(arg)
        elif eq and arg.startswith("--") and name in options:
            result.append(f"{name}={canonical(options[name], value)}")
        else:
            result.append(arg)
    return result


def alias_help(enum: type[Enum]) -> str:
    """The line --help adds under an option: its Swedish words, one per code."""
    from bostadcli.vocab import aliases_of

    words = [f"{ws[0]} = {code}" for code, ws in aliases_of(enum).items() if ws]
    if not words:
        return ""
    return _("Swedish words work too: {words}.").format(words=", ".join(words))


def _with_aliases(original: Callable[..., Any]) -> Callable[..., Any]:
    def parse_args(self: Any, ctx: Any, args: list[str]) -> Any:
        try:
            return original(self, ctx, rewrite(list(args), enum_options(self)))
        except Exception as exc:
            _name_the_command(exc, ctx)
            raise

    return parse_args


def _with_the_command(original: Callable[..., Any]) -> Callable[..., Any]:
    """A group's parsing (``bostad household --help=x``), naming the group as a
    command's parsing names the command."""

    def parse_args(self: Any, ctx: Any, args: list[str]) -> Any:
        try:
            return original(self, ctx, args)
        except Exception as exc:
            _name_the_command(exc, ctx)
            raise

    return parse_args


def _name_the_command(exc: Exception, ctx: Any) -> None:
    # Click's parser raises some usage errors ("--flag=value" on a flag) without the
    # command's context, so they would name "bostad", not the command.
    if hasattr(exc, "cmd") and getattr(exc, "ctx", False) is None:
        setattr(exc, "ctx", ctx)  # noqa: B010 (an attribute of Click's errors)
        setattr(exc, "cmd", ctx.command)  # noqa: B010


def _with_alias_help(original: Callable[..., Any]) -> Callable[..., Any]:
    def format_help(self: Any, ctx: Any, formatter: Any) -> Any:
        options = enum_options(self)
        for param in getattr(self, "params", []):
            enum = next((options[o] for o in getattr(param, "opts", []) if o in options), None)
            if enum is None:
                continue
            if not hasattr(param, _ORIGINAL_HELP):
                setattr(param, _ORIGINAL_HELP, param.help or "")
            base = getattr(param, _ORIGINAL_HELP)
            extra = alias_help(enum)  # in the language of the moment
            param.help = f"{base} {extra}".strip() if extra else base
        return original(self, ctx, formatter)

    return format_help


def _wrap(cls: type, name: str, make: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    original = getattr(cls, name, None)
    if original is None or getattr(original, _INSTALLED, False):
        return
    wrapper = make(original)
    setattr(wrapper, _INSTALLED, True)
    setattr(cls, name, wrapper)


def install() -> None:
    """Accept the Swedish words on every command; safe to call more than once."""
    import typer.core as core

    cls = getattr(core, "TyperCommand", None)
    if isinstance(cls, type):
        _wrap(cls, "parse_args", _with_aliases)
        _wrap(cls, "format_help", _with_alias_help)
    group = getattr(core, "TyperGroup", None)
    if isinstance(group, type):
        _wrap(group, "parse_args", _with_the_command)
