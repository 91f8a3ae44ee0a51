"""The characters a screen never passes to the terminal.

The program checks what it is given (``validate``), but a database can hold text
written past it: by another tool, an older version, a repair by hand. On a screen such a
text could move the cursor, clear the screen, set the window title or hide a prompt (an
escape sequence), or show its letters in another order than they are stored (a bidi
override). Screens leave those characters out; they take no cell in rich
(``rich.cells.cell_len``), so a table is laid out the same with or without them. The
machine formats (CSV, JSON, xlsx) keep the data exactly as stored.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from typing import Any, TextIO

# The control characters but the tab and the newline (a screen lays those out), DEL,
# the C1 controls (U+0080-U+009F, which some terminals read as escapes), and the bidi
# embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069).
_RANGES = ((0x00, 0x08), (0x0B, 0x1F), (0x7F, 0x9F), (0x202A, 0x202E), (0x2066, 0x2069))
HIDDEN_CHARS = "".join(f"{chr(first)}-{chr(last)}" for first, last in _RANGES)
HIDDEN = re.compile(f"[{HIDDEN_CHARS}]")
# For ``str.translate``: each of them removed.
HIDDEN_REMOVED: dict[int, None] = {
    code: None for first, last in _RANGES for code in range(first, last + 1)
}


def shown(text: str) -> str:
    """``text`` as a screen shows it: without the characters of ``HIDDEN``."""
    return text.translate(HIDDEN_REMOVED) if HIDDEN.search(text) else text


class _ScreenBuffer:
    """Standard error's byte buffer, without the characters of ``HIDDEN`` (UTF-8)."""

    def __init__(self, buffer: Any) -> None:
        self._buffer = buffer

    def write(self, data: bytes) -> int:
        # Click writes UTF-8 here when the stream's own encoding is ASCII; bytes that
        # are not UTF-8 (or a character split between two writes) pass unchanged.
        text = data.decode("utf-8", "surrogateescape")
        self._buffer.write(shown(text).encode("utf-8", "surrogateescape"))
        return len(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._buffer, name)


class ScreenStream:
    """Standard error, which carries only messages for a person: what is written to it
    is left without the characters of ``HIDDEN``, so a message that quotes stored text
    (a name, a caseworker, a group) cannot send an escape sequence to the terminal.
    Rich's consoles write to the stream itself (``rich_proxied_file``): their text is
    already without them (``rich_console``) and their own control codes (a progress
    bar's cursor) must pass."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.rich_proxied_file = stream

    def write(self, text: str) -> int:
        # Bytes fail here as on any text stream (click tells the kinds apart so).
        self._stream.write(shown(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    @property
    def buffer(self) -> Any:
        buffer = getattr(self._stream, "buffer", None)
        return None if buffer is None else _ScreenBuffer(buffer)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def screen_stderr() -> None:
    """Standard error from now on a ``ScreenStream`` (once)."""
    stream = sys.stderr
    if stream is not None and not isinstance(stream, ScreenStream):
        sys.stderr = ScreenStream(stream)
