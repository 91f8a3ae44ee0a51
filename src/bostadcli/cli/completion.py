"""Tab completion of the things a caseworker names, not only of commands.

Case references, plan references, landlords, caseworkers and letter kinds complete from
the database (and the letter registry) in bash, zsh and fish. Installed once
(``install``) on Typer's parameter class: a parameter is recognised by its name or
option (``REF``/``--household``, ``PLAN``/``--plan``, ``--landlord``, ``--caseworker``,
a template's ``KIND``), so every command that takes one completes it.

Completion runs the program at every Tab, so it must be fast and must never do harm:
the database is opened read-only through SQLite alone (no migrations, no sqlite-utils),
a missing or busy database completes nothing, and no personal data is offered: case
references and plan references, never names or personnummer.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

_INSTALLED = "_bostad_completion"
# More would not fit a screen; the caseworker types another character.
LIMIT = 200

Lister = Callable[[sqlite3.Connection, str], list[str]]


def _refs(conn: sqlite3.Connection, prefix: str) -> list[str]:
    rows = conn.execute(
        "SELECT ref FROM live_households WHERE ref LIKE ? ESCAPE '\\'"
        " ORDER BY status != 'open', ref DESC LIMIT ?",
        [_like(prefix), LIMIT],
    )
    return [str(r[0]) for r in rows]


def _plans(conn: sqlite3.Connection, prefix: str) -> list[str]:
    rows = conn.execute(
        "SELECT ref FROM live_plans WHERE ref LIKE ? ESCAPE '\\'"
        " ORDER BY status != 'active', ref DESC LIMIT ?",
        [_like(prefix), LIMIT],
    )
    return [str(r[0]) for r in rows]


def _landlords(conn: sqlite3.Connection, prefix: str) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM landlords WHERE name LIKE ? ESCAPE '\\' ORDER BY name LIMIT ?",
        [_like(prefix), LIMIT],
    )
    return [str(r[0]) for r in rows]


def _caseworkers(conn: sqlite3.Connection, prefix: str) -> list[str]:
    rows = conn.execute(
        "SELECT initials FROM caseworkers WHERE retired_on IS NULL"
        " AND initials LIKE ? ESCAPE '\\' ORDER BY initials LIMIT ?",
        [_like(prefix), LIMIT],
    )
    return [str(r[0]) for r in rows]


def _like(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _letter_kinds(prefix: str) -> list[str]:
    from bostadcli.letters import KINDS

    return [code for code in KINDS if code.startswith(prefix)]


def _database_path(ctx: Any) -> Path:
    """The database the command would open: ``--db`` (or BOSTAD_DB, which Click reads
    into the same parameter), else the default, as the commands resolve it."""
    from bostadcli.cli.context import AppState

    root = ctx.find_root() if ctx is not None else None
    explicit = root.params.get("db") if root is not None else None
    return AppState(db_path=Path(explicit) if explicit else None).resolved_db_path()


def from_database(ctx: Any, lister: Lister, prefix: str) -> list[str]:
    """What ``lister`` finds, or nothing: completion never creates, migrates or waits."""
    path = _database_path(ctx)
    try:
        uri = "file:" + path.resolve().as_posix().replace("?", "%3f").replace("#", "%23")
        conn = sqlite3.connect(uri + "?mode=ro", uri=True, timeout=0.2)
    except (OSError, sqlite3.Error, RuntimeError):
        return []
    try:
        return lister(conn, prefix)
    except sqlite3.Error:
        # Not a bostad database, an older schema, or busy: no suggestions.
        return []
    finally:
        conn.close()


def kind_of(param: Any, ctx: Any) -> Lister | str | None:
    """What a parameter names: a lister over the database, "letter_kind", or None."""
    name = getattr(param, "name", None)
    opts = set(getattr(param, "opts", ()))
    is_argument = getattr(param, "param_type_name", "") == "argument"
    if (is_argument and name == "ref") or "--household" in opts:
        return _refs
    if (is_argument and name == "plan") or "--plan" in opts:
        return _plans
    if "--landlord" in opts:
        return _landlords
    if "--caseworker" in opts:
        return _caseworkers
    path = getattr(ctx, "command_path", "").split()
    if is_argument and name == "kind" and path[1:2] == ["template"]:
        return "letter_kind"
    return None


def _shown(values: list[str]) -> list[str]:
    # A stored value with a control character, a line break or a bidi override
    # (written past the program) is not offered: the shell would put its escape
    # sequence on the terminal, a line break would make it two suggestions, and what
    # the line showed could not be typed back.
    from bostadcli.cli.terminal_text import HIDDEN

    values = [v for v in values if "\n" not in v and "\t" not in v and not HIDDEN.search(v)]
    # bash puts a suggestion on the line as it is: quote one with a space in it.
    if os.environ.get("_BOSTAD_COMPLETE", "").endswith("bash"):
        return [shlex.quote(v) if v != shlex.quote(v) else v for v in values]
    return values


def suggestions(param: Any, ctx: Any, incomplete: str) -> list[str] | None:
    """The values to offer for ``param``, or None when it is not one of ours."""
    kind = kind_of(param, ctx)
    if kind is None:
        return None
    if kind == "letter_kind":
        return _letter_kinds(incomplete)
    assert callable(kind)
    return _shown(from_database(ctx, kind, incomplete))


def install() -> None:
    """Make every Typer parameter that names one of our things complete it."""
    from typer import core
    from typer._click.shell_completion import CompletionItem

    base: Any = core._TyperParameter
    if getattr(base, _INSTALLED, False):
        return
    original = base.shell_complete

    def shell_complete(self: Any, ctx: typer.Context, incomplete: str) -> list[Any]:
        if getattr(self, "_custom_shell_complete", None) is None:
            found = suggestions(self, ctx, incomplete)
            if found is not None:
                return [CompletionItem(value) for value in found]
        return list(original(self, ctx, incomplete))

    base.shell_complete = shell_complete
    setattr(base, _INSTALLED, True)


def _install_callback(ctx: Any, param: Any, value: Any) -> Any:
    """Typer's ``--install-completion``, reporting in the interface language."""
    if not value or ctx.resilient_parsing:
        return value
    import sys

    from typer._completion_shared import _get_shell_name, install

    from bostadcli.i18n import _

    shell = value if isinstance(value, str) else _shell_name(_get_shell_name())
    if shell not in SHELLS:
        typer.echo(
            "bostad: "
            + _(
                "cannot tell which shell this is ({shell}); run it from bash, zsh or fish,"
                " or use --show-completion and install the script by hand"
            ).format(shell=shell or "?"),
            err=True,
        )
        sys.exit(1)
    shell, path = install(shell=shell)
    typer.secho(
        _("Tab completion for {shell} is installed in {path}.").format(shell=shell, path=path),
        fg="green",
    )
    typer.echo(_("It works in terminals you open from now on."))
    sys.exit(0)


SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


def _shell_name(detected: str | None) -> str | None:
    """The shell Typer detected from the process tree, or failing that, the user's login
    shell ($SHELL): a cron job or an IDE's terminal may hide the first."""
    if detected:
        return detected
    login = os.environ.get("SHELL", "")
    return os.path.basename(login) or None


def localise_installer(command: Any) -> None:
    """Give the root's ``--install-completion`` the callback above."""
    for param in getattr(command, "params", []):
        if "--install-completion" in getattr(param, "opts", ()):
            param.callback = _install_callback
