"""The migration set of bostadcli and how a migration runs its SQL.

The migrations themselves are in ``migrations.py`` (which imports the first ones, up to
``0015b_normalise_names``, from ``migrations_0001_0015.py``): importing it registers
them all, in their order.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

Fn = TypeVar("Fn", bound=Callable[..., Any])


@dataclass(frozen=True)
class Registered:
    name: str
    fn: Callable[..., Any]
    transactional: bool = True


class MigrationSet:
    """sqlite-utils' ``Migrations`` for our set, registered without importing sqlite-utils.

    Every command checks that its database is up to date (``applied_names``, one query
    on the connection); sqlite-utils' own ``Migrations`` is built only to look closer
    or to apply (``pending``, ``applied``, ``apply``), with the same migrations in the
    same order.
    """

    migrations_table = "_sqlite_migrations"

    def __init__(self, name: str) -> None:
        self.name = name
        self._migrations: list[Registered] = []
        self._built: dict[int, Migrations] = {}

    def __call__(
        self, *, name: str | None = None, transactional: bool = True
    ) -> Callable[[Fn], Fn]:
        def register(fn: Fn) -> Fn:
            found = name or fn.__name__
            if any(m.name == found for m in self._migrations):
                raise ValueError(f"Migration '{found}' is already registered in set '{self.name}'")
            self._migrations.append(Registered(found, fn, transactional))
            return fn

        return register

    def names(self) -> list[str]:
        """The registered migrations' names, in the order they apply."""
        return [m.name for m in self._migrations]

    def applied_names(self, conn: sqlite3.Connection) -> list[str]:
        """The names applied to the database, in the order applied (``applied``, in SQL)."""
        table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
            [self.migrations_table],
        ).fetchone()
        if table is None:
            return []
        found = conn.execute(
            f"SELECT name FROM [{self.migrations_table}] WHERE migration_set = ? ORDER BY rowid",
            [self.name],
        )
        return [str(row[0]) for row in found]

    def sqlite_utils(self) -> Migrations:
        """The set as sqlite-utils' ``Migrations`` (built once for what is registered)."""
        count = len(self._migrations)
        if count not in self._built:
            from sqlite_utils.migrations import Migrations

            built = Migrations(self.name)
            for m in self._migrations:
                built(name=m.name, transactional=m.transactional)(m.fn)
            self._built = {count: built}
        return self._built[count]

    def pending(self, db: Database) -> list[Any]:
        return self.sqlite_utils().pending(_full(db))

    def applied(self, db: Database) -> list[Any]:
        return self.sqlite_utils().applied(_full(db))

    def apply(self, db: Database, *, stop_before: str | Iterable[str] | None = None) -> None:
        self.sqlite_utils().apply(_full(db), stop_before=stop_before)


def _full(db: Database) -> Database:
    """sqlite-utils' own ``Database`` behind ``db`` (see ``db.LazyDatabase``)."""
    full = getattr(type(db), "full", None)
    return full(db) if callable(full) else db


migrations = MigrationSet("bostadcli")


def run_statements(db: Database, script: str) -> None:
    """Run a script of statements separated by ``;`` at a line's end, one by one."""
    # executescript() would commit the migration's transaction; run one by one instead.
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)
