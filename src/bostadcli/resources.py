"""Where the files that ship with bostadcli are."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def templates_dir() -> Path:
    """The built-in templates folder.

    In an installed wheel it is ``bostadcli/templates`` (hatch force-includes the
    repository's top-level ``templates/`` there); in a source checkout it is that
    top-level folder itself.
    """
    packaged = Path(str(files("bostadcli"))) / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "templates"
