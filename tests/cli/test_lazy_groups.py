"""A noun's commands are built when looked up (cli/lazy.py ``lazy_group``), and the
group is then the one Typer itself builds."""

from __future__ import annotations

from typing import Any

import pytest
import typer

from bostadcli.cli.app import NOUNS, app
from bostadcli.cli.lazy import LazyCommands


def eager(noun: Any) -> Any:
    import importlib

    holder = typer.Typer()
    holder.add_typer(getattr(importlib.import_module(noun.module), noun.attr), name=noun.name)
    info = holder.registered_groups[0]
    info.help = noun.help
    return typer.main.get_group_from_info(
        info,
        pretty_exceptions_short=app.pretty_exceptions_short,
        rich_markup_mode=app.rich_markup_mode,
        suggest_commands=app.suggest_commands,
    )


GROUPS = [noun for noun in NOUNS if noun.attr != noun.name]


@pytest.mark.parametrize("noun", GROUPS, ids=[noun.name for noun in GROUPS])
def test_a_lazy_group_is_typers_group(noun: Any) -> None:
    lazy = noun.build(app)
    assert isinstance(lazy.commands, LazyCommands)
    assert lazy.commands.built() == {}
    theirs = eager(noun)
    assert list(lazy.commands) == list(theirs.commands)
    root = typer.Context(typer.main.get_command(app), info_name="bostad")
    assert described(lazy, root) == described(theirs, root)


def described(group: Any, root: Any) -> list[Any]:
    """The group's help and each command's help and parameters."""
    ctx = typer.Context(group, parent=root, info_name=group.name)
    found: list[Any] = [group.get_help(ctx), [p.opts for p in group.params]]
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        sub = typer.Context(command, parent=ctx, info_name=name)
        found.append((name, type(command), command.get_help(sub)))
        found.append(
            [
                (p.name, p.opts, p.secondary_opts, p.default, p.required, p.multiple, p.nargs)
                for p in command.params
            ]
        )
    return found


def test_one_command_builds_one() -> None:
    (noun,) = [n for n in NOUNS if n.name == "household"]
    group = noun.build(app)
    group.commands["show"]
    assert set(group.commands.built()) == {"show"}
    assert group.get_command(None, "no-such-command") is None
