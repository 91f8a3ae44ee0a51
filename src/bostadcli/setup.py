"""Creating, inspecting and checking the database file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bostadcli.db import rows
from bostadcli.i18n import _

if TYPE_CHECKING:
    from sqlite_utils import Database


def init_database(path: Path, opener: Callable[..., Database]) -> bool:
    """Create and migrate the database; False when it existed (it is still migrated)."""
    existed = path.exists()
    db = opener(path, create=True)
    db.close()
    return not existed


def migration_status(db: Database) -> list[dict[str, Any]]:
    from bostadcli.migrations import migrations

    applied = {m.name: m.applied_at for m in migrations.applied(db)}
    return [
        {"name": m.name, "applied_at": applied.get(m.name)}
        for m in migrations._migrations  # the registered order is the order of application
    ]


def integrity_check(db: Database) -> dict[str, Any]:
    problems = [r[0] for r in db.execute("PRAGMA integrity_check").fetchall() if r[0] != "ok"]
    problems += [
        f"foreign key: {r[0]} row {r[1]} -> {r[2]}"
        for r in db.execute("PRAGMA foreign_key_check").fetchall()
    ]
    # Personnummer read with the wrong century before folkbokföringslagen 18 § was coded
    # right: reported with the command that corrects each, never rewritten silently.
    from bostadcli.households import century_problems

    century = century_problems(db) if "members" in db.table_names() else []
    problems += [
        _(
            "{ref} member {member}: personnummer {pnr} has the wrong century ({stored},"
            " by the rule {year}); correct it with: {command}"
        ).format(
            ref=c["ref"],
            member=c["member"],
            pnr=c["pnr"],
            stored=c["stored_year"],
            year=c["rule_year"],
            command=c["command"],
        )
        for c in century
    ]
    counts = {
        table: rows(db, f"SELECT count(*) AS n FROM [{table}]")[0]["n"]
        for table in db.table_names()
        if not table.startswith(("_", "sqlite_"))
    }
    return {"ok": not problems, "problems": problems, "pnr_century": century, "counts": counts}
