"""What the operating system refused, said in the user's language.

An ``OSError`` carries the system's own text (``strerror``), in English whatever the
user reads; a message shows this module's words instead, chosen by the error's number
(``errno``), and names the path the user gave. A number without words of its own is
shown by its code (``EBUSY``), which is a name, not English prose.
"""

from __future__ import annotations

import errno
from pathlib import Path

from bostadcli.i18n import _


def first_missing_folder(path: Path) -> Path | None:
    """The first folder of ``path``'s parents that does not exist (None: all do)."""
    missing = None
    for folder in [path.parent, *path.parent.parents]:
        try:
            if folder.exists():
                break
        except OSError:
            break
        missing = folder
    return missing


def os_problem(exc: OSError, path: Path | None = None, *, writing: bool | None = True) -> str:
    """What is wrong, from ``exc``'s number: a fragment for "cannot write PATH: …".
    ``writing``: True to write, False to read, None only to look the path up."""
    code = exc.errno
    if code == errno.ENOENT:
        missing = first_missing_folder(path) if path is not None else None
        if missing is not None:
            return _("the folder {folder} does not exist").format(folder=missing)
        return _("no such file or folder")
    if code in (errno.EACCES, errno.EPERM):
        if writing is None:
            return _("your login has no permission to reach it")
        if writing:
            return _("your login has no permission to write there")
        return _("your login has no permission to read it")
    if code == errno.EROFS:
        return _("the file system is read-only")
    if code == errno.EISDIR:
        return _("is a folder; give a file name")
    if code == errno.ENOTDIR:
        return _("a part of the path is a file, not a folder")
    if code == errno.ENOSPC:
        return _("the disk is full")
    if code == getattr(errno, "EDQUOT", -1):
        return _("your disk quota is used up")
    if code == errno.ENAMETOOLONG:
        return _("the name is too long for the file system")
    if code == errno.ELOOP:
        return _("too many symbolic links in the path")
    if code == errno.EEXIST:
        return _("exists already")
    if code == errno.EIO:
        return _("the disk or the network share could not be read or written (EIO)")
    if code == errno.EXDEV:
        return _("the file cannot be moved to another file system")
    if code in (errno.ETXTBSY, errno.EBUSY):
        return _("is in use by another program")
    name = errno.errorcode.get(code, "") if code is not None else ""
    if name:
        return _("the operating system refused ({code})").format(code=name)
    return _("the operating system refused")
