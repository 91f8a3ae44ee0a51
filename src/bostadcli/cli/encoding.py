"""What the CLI writes when its output cannot carry every character.

Two kinds of output, two rules:

* Screens and messages (tables, one-screen views, notes and errors on stderr) are read
  by a person. On a terminal or pipe whose encoding cannot write a character (a
  Latin-1 or ASCII locale, ``PYTHONIOENCODING=ascii``) the character is shown as "?"
  and the command goes on; a note at the end says so once and names the way out.
* Data (CSV, JSON, JSON Lines, JSON documents, HTML reports) on standard output is
  always written in UTF-8, whatever the locale, as the same data written to a file
  with ``--out`` is: a character is never replaced or lost.

An encoding error that still reaches the error translator is never the database's:
``problem`` words it as what it is.
"""

from __future__ import annotations

import sys
from typing import Any

# The error handler of standard output and standard error for a screen: "?" for what
# the encoding cannot write (as errors="replace"), and a note at exit that it happened.
HANDLER = "bostad-screen"
_replaced: set[str] = set()
_guarded = False


def _replace(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    _replaced.add(exc.encoding)
    return "?" * (exc.end - exc.start), exc.end


def _is_utf8(stream: Any) -> bool:
    import codecs

    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name == "utf-8"
    except LookupError:
        return False


def _buffer_stdout() -> None:
    """Standard output with a buffer, also under ``PYTHONUNBUFFERED``.

    Unbuffered, the text layer writes straight to the file and drops what a short
    write left over: a reader that stops early (``| head``) would cut the output
    without the error that ends the command as a closed pipe (exit 141). A buffer
    writes the whole text or fails. On a terminal it still writes each line at once.
    """
    import io

    stream = sys.stdout
    if not isinstance(getattr(stream, "buffer", None), io.FileIO):
        return
    try:
        stream.flush()
        raw = io.FileIO(stream.fileno(), "w", closefd=False)
        sys.stdout = io.TextIOWrapper(
            io.BufferedWriter(raw),
            encoding=stream.encoding,
            errors=stream.errors,
            line_buffering=stream.isatty(),
        )
    except (OSError, ValueError):
        return


def guard_streams() -> None:
    """Standard output and standard error in an encoding other than UTF-8 write "?"
    for a character they cannot carry instead of failing the command."""
    global _guarded
    _buffer_stdout()
    streams = [s for s in (sys.stdout, sys.stderr) if s is not None and not _is_utf8(s)]
    if not streams:
        return
    if not _guarded:
        import atexit
        import codecs

        codecs.register_error(HANDLER, _replace)
        atexit.register(_note)
        _guarded = True
    for stream in streams:
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", "strict") == "strict":
            reconfigure(errors=HANDLER)


def _note() -> None:
    """Once, at exit: some characters were shown as "?", and how to see them."""
    if not _replaced:
        return
    from bostadcli.i18n import _

    message = _(
        "note: the output's character encoding ({encoding}) cannot show every character;"
        " those shown as '?' are whole in the database. Use a UTF-8 terminal or set"
        " PYTHONIOENCODING=utf-8 to see them, or --format csv or json (always UTF-8)."
    ).format(encoding=", ".join(sorted(_replaced)))
    _replaced.clear()
    import contextlib

    import typer

    with contextlib.suppress(OSError, ValueError):
        # As every other message on stderr (click writes UTF-8 to an ASCII stream).
        typer.echo(message, err=True)


def data_stdout() -> None:
    """Standard output in UTF-8 for data that must arrive whole (CSV, JSON, HTML):
    never a character replaced, whatever the locale."""
    stream = sys.stdout
    if _is_utf8(stream) and getattr(stream, "errors", "strict") == "strict":
        return
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        stream.flush()
        reconfigure(encoding="utf-8", errors="strict")


def problem(exc: UnicodeError) -> str:
    """An encoding error in the program's words: text that cannot be written or read in
    an encoding, and what to do. Never a fault of the database."""
    from bostadcli.errors import shown
    from bostadcli.i18n import _

    text = getattr(exc, "object", None)
    start, end = getattr(exc, "start", 0), getattr(exc, "end", 0)
    character = text[start:end] if isinstance(text, str) else ""
    if not isinstance(exc, UnicodeDecodeError):
        return _(
            "text cannot be written in the character encoding {encoding} (the character"
            " {character}); the database is not affected. Use a UTF-8 terminal or set"
            " PYTHONIOENCODING=utf-8"
        ).format(encoding=getattr(exc, "encoding", "?"), character=ascii(character))
    return _("text cannot be read as {encoding} ({error}); the database is not affected").format(
        encoding=getattr(exc, "encoding", "?"), error=shown(str(exc), 120)
    )
