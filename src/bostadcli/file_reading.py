"""Files someone names for the tool to read: ordinary files only, and never more than a
limit (``files.py`` writes; it keeps these names importable from there too).

``/dev/zero`` would be read for ever and a named pipe would wait for a writer for ever:
both are refused at once. A file or a stream longer than its limit is refused rather
than read whole into memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO

from bostadcli.errors import BostadError, InvalidInput
from bostadcli.i18n import _

_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def open_for_reading(
    path: Path, *, field: str, limit: int | None = None, stdin_hint: bool = False
) -> IO[bytes]:
    """Open a file someone named to read it: an ordinary file, never a device or a pipe.

    ``/dev/zero`` would be read for ever and a named pipe would wait for a writer for
    ever: both are refused at once (a pipe is read as standard input, ``-``). A file
    larger than ``limit`` bytes is refused before it is read.
    """
    from bostadcli import validate

    validate.path(path, field=field)
    try:
        # Non-blocking, so that opening a named pipe does not wait for its writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | _O_CLOEXEC)
    except OSError as exc:
        from bostadcli.os_errors import os_problem

        raise BostadError(
            _("cannot read {path}: {error}").format(
                path=path, error=os_problem(exc, Path(path), writing=False)
            )
        ) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise InvalidInput(field, str(path), _("is a folder; give a file"))
        if not stat.S_ISREG(st.st_mode):
            reason = _("is not an ordinary file (a device, a pipe or a socket)")
            if stdin_hint:
                reason = _(
                    "is not an ordinary file (a device, a pipe or a socket);"
                    " to read from a pipe, give - and redirect it"
                )
            raise InvalidInput(field, str(path), reason)
        if limit is not None and st.st_size > limit:
            raise InvalidInput(field, str(path), _too_large(limit))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _too_large(limit: int) -> str:
    return _("larger than {n} MB").format(n=limit // 1_000_000)


def read_bounded(stream: IO[bytes], *, limit: int, field: str) -> bytes:
    """All of ``stream``, refused when it is longer than ``limit`` bytes."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(field, "", _too_large(limit))
    return data


def copy_bounded(source: IO[bytes], target: IO[bytes], *, limit: int, field: str) -> int:
    """Copy ``source`` into ``target``; refused when it is longer than ``limit`` bytes."""
    copied = 0
    while chunk := source.read(1 << 20):
        copied += len(chunk)
        if copied > limit:
            raise InvalidInput(field, "", _too_large(limit))
        target.write(chunk)
    return copied
