"""Creating, inspecting and checking the database file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bostadcli.db import rows

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


def _visible(text: str) -> str:
    """A name with its lookalike characters spelled out (\\u00a0), to tell two apart."""
    import unicodedata

    return "".join(
        ch
        if ch == " "
        or (
            (ch.isprintable() and not ch.isspace() and not unicodedata.combining(ch))
            and unicodedata.category(ch) != "Cf"
        )
        else f"\\u{ord(ch):04x}"
        for ch in text
    )


def integrity_check(db: Database) -> dict[str, Any]:
    problems = [r[0] for r in db.execute("PRAGMA integrity_check").fetchall() if r[0] != "ok"]
    problems += [
        f"foreign key: {r[0]} row {r[1]} -> {r[2]}"
        for r in db.execute("PRAGMA foreign_key_check").fetchall()
    ]
    from bostadcli import audit
    from bostadcli.i18n import _

    if not audit.guard_intact(db):
        problems.append(
            _(
                "the audit log's guard triggers are missing or changed: the database was"
                " altered outside bostadcli; restore it from a backup"
            )
        )
    # Two landlords the same but for spaces, invisible characters or composed letters
    # (kept apart when names were normalised): one of them should be renamed or merged.
    for pair in rows(
        db,
        "SELECT group_concat(name, ' | ') AS names FROM landlords"
        " GROUP BY casefold(name) HAVING count(*) > 1",
    ):
        problems.append(
            _(
                "landlords with the same name once spaces and invisible characters are"
                " normalised: {names}; rename one with 'bostad landlord edit NAME --name NEW'"
            ).format(names=_visible(pair["names"]))
        )
    counts = {
        table: rows(db, f"SELECT count(*) AS n FROM [{table}]")[0]["n"]
        for table in db.table_names()
        if not table.startswith(("_", "sqlite_"))
    }
    return {"ok": not problems, "problems": problems, "counts": counts}
