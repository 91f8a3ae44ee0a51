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
