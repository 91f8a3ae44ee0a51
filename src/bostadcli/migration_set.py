"""The migration set of bostadcli and how a migration runs its SQL.

The migrations themselves are in ``migrations.py`` (which imports the first ones, up to
``0015b_normalise_names``, from ``migrations_0001_0015.py``): importing it registers
them all, in their order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlite_utils.migrations import Migrations

if TYPE_CHECKING:
    from sqlite_utils import Database

migrations = Migrations("bostadcli")


def run_statements(db: Database, script: str) -> None:
    """Run a script of statements separated by ``;`` at a line's end, one by one."""
    # executescript() would commit the migration's transaction; run one by one instead.
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)
