"""Creating, inspecting and checking the database file."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bostadcli.db import one, rows, transaction
from bostadcli.errors import BostadError, Conflict, InvalidInput, shown
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
    from bostadcli import audit

    if not audit.guard_intact(db):
        problems.append(
            _(
                "the audit log's guard triggers are missing or changed: the database was"
                " altered outside bostadcli; restore it from a backup"
            )
        )
    # Two landlords the same but for spaces, invisible characters, composed letters or
    # accents (landlords.landlord_key; kept apart when names were compared otherwise):
    # one of them should be renamed or merged.
    from bostadcli.landlords import landlord_key_sql

    for pair in rows(
        db,
        "SELECT group_concat(name, ' | ') AS names FROM landlords"
        f" GROUP BY {landlord_key_sql('name')} HAVING count(*) > 1",
    ):
        problems.append(
            _(
                "landlords with the same name once case, accents, spaces and invisible"
                " characters are set aside: {names}; rename one with"
                " 'bostad landlord edit NAME --name NEW'"
            ).format(names=_visible(pair["names"]))
        )
    counts = {
        table: rows(db, f"SELECT count(*) AS n FROM [{table}]")[0]["n"]
        for table in db.table_names()
        if not table.startswith(("_", "sqlite_"))
    }
    return {"ok": not problems, "problems": problems, "pnr_century": century, "counts": counts}


SHARED_GROUP = "shared_group"


def group_id(name: str, *, field: str = "--shared") -> int:
    """The id of an operating-system group, by name."""
    import grp

    try:
        return grp.getgrnam(name.strip()).gr_gid
    except (KeyError, ValueError):
        raise InvalidInput(field, name, _("no such group on this machine")) from None


def shared_group(db: Database) -> str | None:
    """The group the database is shared with (``init --shared``), or None."""
    if not one(db, "SELECT 1 AS x FROM sqlite_master WHERE name = 'settings'"):
        return None
    found = one(db, "SELECT value FROM settings WHERE name = ?", [SHARED_GROUP])
    return str(found["value"]) if found else None


def apply_sharing(db: Database, path: Path) -> tuple[str, int] | None:
    """Make this process write for the database's group, if it has one.

    Returns (group, gid). A group that no longer exists on the machine is taken from the
    database file itself, so files keep going to the group that has the data.
    """
    from bostadcli.files import share_with_group

    group = shared_group(db)
    if group is None:
        share_with_group(None)
        return None
    try:
        gid = group_id(group)
    except InvalidInput:
        gid = os.stat(path).st_gid
    share_with_group(gid)
    from bostadcli.user_folders import take_back

    # Earlier versions gave the user's own folders (~/.local) to the group too.
    take_back(gid)
    return group, gid


def init_shared(path: Path, group: str, opener: Callable[..., Database]) -> bool:
    """Create (or convert) the database at ``path`` for a group of caseworkers.

    The folder becomes the group's (setgid, rwx for owner and group, nothing for
    others), so it must be the database's own: a home folder, one of the user's own
    folders or one with hidden files in it is refused (``user_folders.not_its_own``);
    the database, its -wal and -shm and the config made beside it rw for both;
    the group is recorded in the database, so every later command, whoever runs it and
    whatever their umask, makes its files for the group. Returns True when the database
    was created.
    """
    from bostadcli.files import give_to_group, private_folder, share_with_group
    from bostadcli.user_folders import not_its_own

    gid = group_id(group)
    folder = path.parent
    reason = not_its_own(folder)
    if reason is not None:
        raise Conflict(
            _(
                "cannot share {folder} with the group {group}: {reason}; put the database"
                " in a folder of its own, such as /srv/bostad"
            ).format(folder=shown(folder, 200), group=shown(group), reason=reason)
        )
    share_with_group(gid)
    try:
        private_folder(folder)
        give_to_group(folder, folder=True)
        existed = path.exists()
        db = opener(path, create=True)
        try:
            with transaction(db):
                db.execute(
                    "INSERT INTO settings (name, value) VALUES (?, ?)"
                    " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    [SHARED_GROUP, group.strip()],
                )
        finally:
            db.close()
        for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
            if (folder / name).exists():
                give_to_group(folder / name, folder=False)
    except PermissionError as exc:
        from bostadcli.os_errors import os_problem

        raise BostadError(
            _(
                "cannot give {path} to the group {group}: {error}; run this as the"
                " folder's owner (a member of the group) or as root"
            ).format(path=exc.filename or folder, group=group, error=os_problem(exc))
        ) from None
    return not existed


def sharing_problem(path: Path, shared: tuple[str, int] | None) -> str | None:
    """What is wrong with who may read the database file, in words (None: nothing)."""
    import stat

    try:
        info = os.stat(path)
    except OSError:
        return None
    mode = info.st_mode
    others = stat.S_IROTH | stat.S_IWOTH
    group_bits = stat.S_IRGRP | stat.S_IWGRP
    if shared is None:
        if mode & (others | group_bits):
            return _("warning: {path} can be read by other users; run: chmod 600 {path}").format(
                path=path
            )
        return None
    group, gid = shared
    if mode & others or info.st_gid != gid:
        return _(
            "warning: {path} is not the group {group}'s alone; run:"
            " chgrp {group} {path} && chmod 660 {path}"
        ).format(path=path, group=group)
    if mode & group_bits != group_bits:
        return _("warning: the group {group} cannot write {path}; run: chmod 660 {path}").format(
            path=path, group=group
        )
    return None
