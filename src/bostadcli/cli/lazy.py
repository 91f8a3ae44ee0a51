"""Command groups built only when they run.

``bostad household show`` needs the household group, not the letters, exports or
reports. The root group knows each noun by name, the module that holds it and its help;
the module is imported and turned into a Click command the first time that name is
looked up (to run it, or to complete its words on Tab). ``bostad --help`` lists the
nouns from their ``summary`` alone, without building any.

The commands stay a mapping, as Click expects: iterating gives every name in the order
they were declared without building any; ``commands[name]`` builds that one.
"""

from __future__ import annotations

import copy
import functools
import importlib
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

import typer

Builder = Callable[[], Any]


@dataclass(frozen=True)
class Noun:
    """One entry of the root group: a sub-app (``attr`` names a ``typer.Typer``) or a
    single command (``attr`` names its function, ``help_attr`` its help text).

    ``summary`` is what ``bostad --help`` shows for it: the first paragraph of its
    help (a test holds it to the built command's), so the list needs no module."""

    name: str
    module: str
    attr: str = "app"
    help: str | None = None
    help_attr: str | None = None
    summary: str | None = None

    def listing(self) -> Any:
        """A stand-in command for the root's help: the name and the summary."""
        from typer.core import TyperCommand

        return TyperCommand(self.name, help=self.summary or self.help)

    def build(self, parent: typer.Typer) -> Any:
        module = importlib.import_module(self.module)
        target = getattr(module, self.attr)
        holder = typer.Typer()
        if isinstance(target, typer.Typer):
            holder.add_typer(target, name=self.name, help=self.help)
            return lazy_group(holder.registered_groups[0], parent)
        help_text = getattr(module, self.help_attr) if self.help_attr else self.help
        holder.command(self.name, help=help_text)(target)
        return typer.main.get_command_from_info(
            holder.registered_commands[0],
            pretty_exceptions_short=parent.pretty_exceptions_short,
            rich_markup_mode=parent.rich_markup_mode,
        )


def lazy_group(info: Any, parent: typer.Typer) -> Any:
    """The Click group of a sub-app (``info``, as ``add_typer`` registered it) whose
    commands are built when looked up, as Typer's ``get_group_from_info`` builds them:
    ``household show`` does not build ``household add`` and its 35 options. Sub-groups,
    which no noun has today, are built with the group."""
    from typer import main

    options: dict[str, Any] = {
        "pretty_exceptions_short": parent.pretty_exceptions_short,
        "rich_markup_mode": parent.rich_markup_mode,
    }
    target = info.typer_instance
    # The group itself (its callback, options and help) from a copy without commands.
    shell = copy.copy(target)
    shell.registered_commands = []
    shell_info = copy.copy(info)
    shell_info.typer_instance = shell
    group = main.get_group_from_info(
        shell_info, suggest_commands=parent.suggest_commands, **options
    )
    pending: dict[str, Builder] = {}
    for command in target.registered_commands:
        name = command.name or main.get_command_name(command.callback.__name__)
        pending[name] = functools.partial(
            main.get_command_from_info, command_info=command, **options
        )
    # Typer lists a group's commands first, then its sub-groups: so do these.
    group.commands = LazyCommands(group.commands, pending)
    return group


class LazyCommands(MutableMapping[str, Any]):
    """A group's commands: those already built, and the names still to be built."""

    def __init__(self, built: Mapping[str, Any], pending: Mapping[str, Builder]) -> None:
        self._built = dict(built)
        self._pending = dict(pending)
        self._order = [*self._pending, *(n for n in self._built if n not in self._pending)]

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            builder = self._pending.pop(name)  # KeyError: no such command
            self._built[name] = builder()
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._pending.pop(name, None)
        if name not in self._built and name not in self._order:
            self._order.append(name)
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self._built and name not in self._pending:
            raise KeyError(name)
        self._built.pop(name, None)
        self._pending.pop(name, None)
        self._order.remove(name)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._order))

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, name: object) -> bool:
        return name in self._built or name in self._pending

    def built(self) -> dict[str, Any]:
        """The commands built so far (looking at them builds nothing more)."""
        return dict(self._built)
