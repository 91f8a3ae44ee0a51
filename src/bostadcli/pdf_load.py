"""Importing WeasyPrint without starting a compiler.

WeasyPrint opens Pango, HarfBuzz, fontconfig and GObject with cffi as it is imported,
trying several names for each library: the Windows and generic names first, the Linux
file name (``libpango-1.0.so.0``) later. cffi hands a name it cannot open to ctypes'
``find_library``, which on Linux runs ``ldconfig`` and then ``gcc`` and ``ld`` to look
for it: some 200 short processes and about half a second of CPU in every run that makes
a PDF, in each of its workers, and compilers started by a letters program in the
process accounting of a council's server.

On Linux the import therefore first runs with ``find_library`` answering "not found"
without looking: every generic name fails at once and WeasyPrint goes on to the Linux
file names, which the dynamic loader opens itself from its usual places. Only when that
import fails (a library that only ``find_library``'s search finds, say on a path given
to the compiler) is it made again the usual way, so nothing that worked before stops
working. What WeasyPrint prints when a library is missing (to standard output, which
may be a letter on its way to a printer) is held back: ``pdf.weasyprint`` says what to
install.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from types import ModuleType
from typing import Any, TextIO

# One import at a time: two threads making their first PDF at once would otherwise
# each swap ``ctypes.util.find_library`` and standard output, and one of them could put
# back what the other had put in (standard output left pointing at nothing).
_IMPORTING = threading.Lock()


def import_weasyprint() -> ModuleType:
    """The ``weasyprint`` module (ImportError or OSError as its import raises them)."""
    module = sys.modules.get("weasyprint")
    if module is not None and not getattr(
        getattr(module, "__spec__", None), "_initializing", False
    ):
        return module
    with _IMPORTING, _held_back():
        if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
            return _imported()
        import ctypes.util

        looking = ctypes.util.find_library
        ctypes.util.find_library = _not_looked_for
        before = set(sys.modules)
        try:
            return _imported()
        except OSError:
            _forget_weasyprint(before)
        finally:
            ctypes.util.find_library = looking
        return _imported()


@contextlib.contextmanager
def _held_back() -> Iterator[None]:
    """What this thread writes to standard output meanwhile is left out: WeasyPrint's
    words on a missing library, where a letter may be going (the caller says what to
    install instead, ``pdf.weasyprint``). Other threads' output passes."""
    stream = sys.stdout
    sys.stdout = _OtherThreads(stream, threading.current_thread())
    try:
        yield
    finally:
        sys.stdout = stream


class _OtherThreads:
    """Standard output for every thread but ``held``, whose writes are dropped."""

    def __init__(self, stream: TextIO, held: threading.Thread) -> None:
        self._stream = stream
        self._held = held

    def write(self, text: str) -> int:
        if threading.current_thread() is self._held:
            return len(text)
        return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _imported() -> ModuleType:
    import weasyprint

    module: ModuleType = weasyprint
    return module


def _not_looked_for(name: str) -> str | None:
    """``ctypes.util.find_library`` that finds nothing and starts no process."""
    return None


def _forget_weasyprint(before: set[str]) -> None:
    """The modules of WeasyPrint a failed import added to those ``before``, so that the
    next import runs them again (none that were there before: their objects are in use)."""
    for name in [n for n in sys.modules if n not in before]:
        if name == "weasyprint" or name.startswith("weasyprint."):
            del sys.modules[name]
