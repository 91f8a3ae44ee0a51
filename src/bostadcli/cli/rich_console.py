"""The one way the CLI makes a rich console, so that data is shown as it is stored.

Rich reads emoji codes (":house:") in any string it is given and shows them as emoji; a
note or a name holding one would be shown changed. Every console of the CLI is made
here, without emoji codes. Markup stays on for the program's own strings ("[bold]"):
data reaches rich escaped (``rich.markup.escape``) or as ``rich.text.Text``, never as
markup. The line drawer of ``table_lines`` follows the same rule (``markup_plain``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


def make_console(**options: Any) -> Console:
    """A rich console with ``options``, which never turns an emoji code into an emoji.

    A reader that went away (``| head``) ends the command as it does for every other
    writer (exit 141, nothing on stderr; cli/app.py), not with rich's own exit 1."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError

    return _Console(emoji=False, **options)
