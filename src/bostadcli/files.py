"""Folders the tool makes for personal data: readable by the owner only, whatever the umask.

``Path.mkdir(mode=0o700, parents=True)`` is not enough: the mode is filtered by the
umask, and the parents it makes get the default mode (``mkdir -p``), so a letter folder
could sit in a folder everyone may write to. Files are opened with mode 0600 where they
are written (``os.open``), which the umask can only narrow.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600


def private_folder(folder: Path) -> Path:
    """Make ``folder`` and every missing folder above it, owner-only.

    Folders that exist already are left as they are: they are the user's.
    """
    missing: list[Path] = []
    current = folder
    while not current.exists() and current.parent != current:
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=PRIVATE_FOLDER)
        except FileExistsError:
            continue  # made meanwhile by another command, or a 'x/..' step
        os.chmod(path, PRIVATE_FOLDER)
    return folder
