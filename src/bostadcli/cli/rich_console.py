"""The one way the CLI makes a rich console, so that data is shown as it is stored.

Rich reads emoji codes (":house:") in any string it is given and shows them as emoji; a
note or a name holding one would be shown changed. Every console of the CLI is made
here, without emoji codes. Markup stays on for the program's own strings ("[bold]"):
data reaches rich escaped (``rich.markup.escape``) or as ``rich.text.Text``, never as
markup. The line drawer of ``table_lines`` follows the same rule (``markup_plain``).

No text reaches the terminal with a character ``terminal_text`` leaves out (an escape
sequence, a bidi override): the console removes them from what it renders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rich.console import Console


def make_console(**options: Any) -> Console:
    """A rich console with ``options``, which never turns an emoji code into an emoji.

    A reader that went away (``| head``) ends the command as it does for every other
    writer (exit 141, nothing on stderr; cli/app.py), not with rich's own exit 1."""
    from rich.console import Console
    from rich.segment import Segment

    from bostadcli.cli.terminal_text import HIDDEN, HIDDEN_REMOVED

    _hide_in_rich_text()

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError

        def render(self, renderable: Any, options: Any = None) -> Iterator[Segment]:
            # Text without the characters a screen leaves out, made before
            # ``_hide_in_rich_text``; the console's own control segments (cursor,
            # title) pass as they are.
            for segment in super().render(renderable, options):
                text = segment.text
                if segment.control is None and HIDDEN.search(text):
                    yield Segment(text.translate(HIDDEN_REMOVED), segment.style)
                else:
                    yield segment

    if options.get("stderr") and options.get("file") is None:
        import sys

        # Standard error itself, not the ``ScreenStream`` over it (``terminal_text``):
        # rich's text is already without those characters, and its own control codes
        # (a progress bar's) must pass, also through the proxy rich's live display
        # puts over standard error, which looks through one proxy only.
        options["file"] = getattr(sys.stderr, "rich_proxied_file", sys.stderr)
    return _Console(emoji=False, **options)


def _hide_in_rich_text() -> None:
    """Rich's text leaves out every character a screen leaves out (``terminal_text``)
    as it is made, as it does its own five control codes: measured, wrapped and cut
    without them, as the line drawer of ``table_lines`` does (``_STRIPPED``). Rich's
    ``strip_control_codes`` takes that very table as its default argument: adding to it
    is enough (a test checks it still does)."""
    from rich import control

    from bostadcli.cli.terminal_text import HIDDEN_REMOVED

    control._CONTROL_STRIP_TRANSLATE.update(HIDDEN_REMOVED)
