"""Folders the tool makes for personal data: readable by the owner only, whatever the umask,
or by the owner and one group when the caseload is shared (``share_with_group``).

``Path.mkdir(mode=0o700, parents=True)`` is not enough: the mode is filtered by the
umask, and the parents it makes get the default mode (``mkdir -p``), so a letter folder
could sit in a folder everyone may write to. Files are opened with mode 0600 where they
are written (``os.open``), which the umask can only narrow.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600
# A caseload shared by a group on one server (bostad init --shared GROUP): folders are
# setgid, so what is made inside belongs to the group, and group-writable; nothing is
# ever readable by others.
SHARED_FOLDER = 0o2770
SHARED_FILE = 0o660
SHARED_UMASK = 0o007


@dataclass
class _Sharing:
    gid: int | None = None
    umask: int | None = None  # the user's own, while a group's is in force


# Whether this process writes for a group. Set once, when the database is opened and
# says it is shared; a process works on one database.
_SHARING = _Sharing()


def share_with_group(gid: int | None) -> None:
    """Make every later file and folder of this process for group ``gid`` (None: owner).

    The umask is set too, so that files SQLite and libraries create keep the group's
    read and write bits whatever umask the user logged in with.
    """
    _SHARING.gid = gid
    if gid is not None:
        previous = os.umask(SHARED_UMASK)
        if _SHARING.umask is None:
            _SHARING.umask = previous
    elif _SHARING.umask is not None:
        os.umask(_SHARING.umask)
        _SHARING.umask = None


def shared_gid() -> int | None:
    return _SHARING.gid


def file_mode() -> int:
    """The mode to create a file with: owner-only, or group-writable when shared."""
    return PRIVATE_FILE if _SHARING.gid is None else SHARED_FILE


def claim(fd: int) -> int:
    """A file just created: the shared group's, group-writable (no-op if not shared).

    A file made outside the shared folder (an export to /tmp) would otherwise belong to
    the user's own group, which may hold other people.
    """
    if _SHARING.gid is not None:
        os.fchown(fd, -1, _SHARING.gid)
        os.fchmod(fd, SHARED_FILE)
    return fd


def give_to_group(path: Path, *, folder: bool) -> None:
    """Give a file or folder to the shared group with the shared mode (no-op if not shared)."""
    if _SHARING.gid is None:
        return
    os.chown(path, -1, _SHARING.gid)
    os.chmod(path, SHARED_FOLDER if folder else SHARED_FILE)


def private_folder(folder: Path) -> Path:
    """Make ``folder`` and every missing folder above it, owner-only.

    Folders that exist already are left as they are: they are the user's.
    """
    missing: list[Path] = []
    current = folder
    while not current.exists() and current.parent != current:
        missing.append(current)
        current = current.parent
    shared = _SHARING.gid is not None
    for path in reversed(missing):
        try:
            path.mkdir(mode=SHARED_FOLDER & 0o777 if shared else PRIVATE_FOLDER)
        except FileExistsError:
            continue  # made meanwhile by another command, or a 'x/..' step
        if shared:
            give_to_group(path, folder=True)
        else:
            os.chmod(path, PRIVATE_FOLDER)
    return folder
