"""The small state a command needs: where the database and config are, opened lazily."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, overload

import typer

if TYPE_CHECKING:
    from sqlite_utils import Database

    from bostadcli.config import Config
    from bostadcli.money import Money


@dataclass
class AppState:
    db_path: Path | None = None
    config_path: Path | None = None
    command: str = "bostad"
    _db: Database | None = field(default=None, repr=False)
    _config: Config | None = field(default=None, repr=False)

    def resolved_db_path(self) -> Path:
        if self.db_path is not None:
            return self.db_path
        from bostadcli.db import default_db_path

        return default_db_path()

    def config(self) -> Config:
        if self._config is None:
            from bostadcli.config import load_config

            self._config = load_config(self.config_path)
        return self._config

    def database(self, *, create: bool = False) -> Database:
        if self._db is None:
            from bostadcli.db import MEMORY, open_database

            path = self.resolved_db_path()
            from bostadcli.audit import set_actor

            self._db = open_database(path, create=create)
            set_actor(self._db, command=self.command)
            if str(path) != MEMORY:
                from bostadcli.database_file import apply_sharing, sharing_problem

                # A shared caseload: this command's files are the group's too.
                problem = sharing_problem(path, apply_sharing(self._db, path))
                if problem:
                    typer.echo(problem, err=True)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def state(ctx: typer.Context) -> AppState:
    root = ctx.find_root()
    if not isinstance(root.obj, AppState):
        root.obj = AppState(
            db_path=Path(os.environ["BOSTAD_DB"]) if os.environ.get("BOSTAD_DB") else None
        )
    # The audit log names the command that wrote ("bostad household add").
    root.obj.command = ctx.command_path
    return root.obj


def as_of(value: str | None) -> date:
    """The --as-of option: a date, or today."""
    if value is None:
        return date.today()
    from bostadcli.dates import parse_date

    return parse_date(value, field="--as-of")


def optional_date(value: str | None, *, field: str) -> date | None:
    if value is None:
        return None
    from bostadcli.dates import parse_date

    return parse_date(value, field=field)


@overload
def money(value: str, *, field: str, allow_zero: bool = True) -> Money: ...
@overload
def money(value: str | None, *, field: str, allow_zero: bool = True) -> Money | None: ...
def money(value: str | None, *, field: str, allow_zero: bool = True) -> Money | None:
    """Parse an amount option: a ``Money``, or None when the option was not given."""
    if value is None:
        return None
    from bostadcli.money import parse_money

    return parse_money(value, field=field, allow_zero=allow_zero)
