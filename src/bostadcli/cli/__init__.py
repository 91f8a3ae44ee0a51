"""The command-line face of bostadcli: thin Typer modules over the plain core.

Importing this package does no work; ``main`` picks the language first (help texts are
translated when the command modules are imported), then builds and runs the app.
"""

from __future__ import annotations

import os
import sys


def _config_language(argv: list[str]) -> str | None:
    """The language set in the config file, read cheaply before anything else."""
    import tomllib
    from pathlib import Path

    path: str | None = None
    for i, arg in enumerate(argv):
        if arg == "--config" and i + 1 < len(argv):
            path = argv[i + 1]
        elif arg.startswith("--config="):
            path = arg.split("=", 1)[1]
    if path is None:
        path = os.environ.get("BOSTAD_CONFIG")
    if path is None:
        from bostadcli.config import default_config_path

        candidate = default_config_path()
    else:
        candidate = Path(path)
    from bostadcli.errors import BostadError
    from bostadcli.file_reading import open_for_reading, read_bounded

    try:
        # A pipe or a device named as the config must not hang the start: refused here
        # quietly, and with a message when the config is read for the command.
        with open_for_reading(candidate, field="--config", limit=1_000_000) as fh:
            data = read_bounded(fh, limit=1_000_000, field="--config")
        value = tomllib.loads(data.decode("utf-8")).get("general", {}).get("language")
    except (OSError, ValueError, RecursionError, AttributeError, BostadError):
        return None
    return str(value) if value else None


def main() -> None:
    from bostadcli import i18n

    argv = sys.argv[1:]
    i18n.setup(i18n.detect_language(argv, os.environ, lambda: _config_language(argv)))
    from bostadcli.cli.app import app

    app(prog_name="bostad")
