"""Screens piped without colour, written without rich's console: whether the output
is such a pipe (``plain_pipe``), the width rich would give it (``console_width``) and
plain text wrapped as rich wraps it (``wrapped_lines``). Tests compare each with rich.
"""

from __future__ import annotations

import re
import sys
from itertools import pairwise
from typing import Any


def plain_pipe(file: Any) -> bool:
    """Whether a rich console writing to ``file`` would have no colour and the plain
    box, so that ``Grid.write`` may write to it without loading rich's console: not a
    terminal, nothing in the environment that makes rich treat it as one (FORCE_COLOR,
    TTY_COMPATIBLE, TTY_INTERACTIVE, a notebook), and UTF-8. In doubt, no."""
    import builtins
    import os

    if sys.platform == "win32" or hasattr(builtins, "get_ipython"):
        return False
    environ = os.environ
    if any(
        name in environ
        for name in (
            "FORCE_COLOR",
            "TTY_COMPATIBLE",
            "TTY_INTERACTIVE",
            "DATABRICKS_RUNTIME_VERSION",
        )
    ):
        return False
    try:
        if file.isatty():
            return False
    except (AttributeError, ValueError):
        return False
    encoding = getattr(file, "encoding", None) or "utf-8"
    return str(encoding).lower().startswith("utf")


def console_width() -> int:
    """The width a rich console made without one would have (``Console.size``): the
    terminal's of standard input, output or error, the first that is one; ``COLUMNS``
    when it is a number; else 80. For the plain path of ``plain_pipe``."""
    import os

    width = 0
    for descriptor in (0, 1, 2):
        try:
            width = os.get_terminal_size(descriptor).columns
        except (AttributeError, ValueError, OSError):
            continue
        break
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        width = int(columns)
    return width or 80


# Whitespace at the end of a line (rich.text._re_whitespace).
_TRAILING_SPACE = re.compile(r"\s+$")


def wrapped_lines(text: str, width: int) -> list[str]:
    """The lines rich's console prints for plain ``text`` (no markup, no tabs) ``width``
    cells wide, without colour: broken at words (``rich._wrap.divide_line``), a word
    wider than a line folded, spaces past the width dropped (``Text.wrap``)."""
    from bostadcli.cli.table_lines import _CONTROL, _STRIPPED, text_width

    if _CONTROL.search(text):
        text = text.translate(_STRIPPED)
    out: list[str] = []
    for line in text.split("\n"):
        if text_width(line) <= width:
            out.append(line)
            continue
        from rich._wrap import divide_line
        from rich.cells import cell_len, set_cell_size

        offsets = [0, *divide_line(line, width, fold=True), len(line)]
        for start, end in pairwise(offsets):
            piece = line[start:end]
            if len(piece) > width:
                space = _TRAILING_SPACE.search(piece)
                if space is not None:
                    piece = piece[: len(piece) - min(len(space.group()), len(piece) - width)]
            if cell_len(piece) > width:
                piece = set_cell_size(piece, width)
            out.append(piece)
    return out
