"""The user's own folders, which are never given to a shared caseload's group.

When a caseload is shared (``bostad init --shared GROUP``), only what the tool writes for
the unit belongs to the group: the database folder, the database and SQLite's files,
exports, backups and letter folders. What it keeps for the user alone (the holiday cache,
the list of folders with temporaries, a config in the user's config folder) stays
owner-only, and so do the folders above them: a group-writable ``~/.local`` would let a
colleague make ``~/.local/bin`` (on the PATH of most logins) and put programs there that
run as the user; a group-writable cache would let one change the holidays the user's
deadlines are counted with.

A path is the user's own when it is the home folder or a folder above it, the cache,
config, state or data folder (``platformdirs``) or a folder above one of them, inside the
cache, config or state folder, or inside a hidden folder of the home folder (``~/.ssh``,
``~/.local``).
"""

from __future__ import annotations

import functools
import os
import stat
from dataclasses import dataclass
from pathlib import Path


def _resolved(path: Path) -> Path:
    try:
        return path.expanduser().resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def homes() -> list[Path]:
    """The user's home folder: $HOME and the account's, resolved (one or two)."""
    found: list[Path] = []
    with_env = os.environ.get("HOME", "")
    if os.path.isabs(with_env):
        found.append(_resolved(Path(with_env)))
    try:
        import pwd

        found.append(_resolved(Path(pwd.getpwuid(os.getuid()).pw_dir)))
    except (ImportError, KeyError, OSError):
        pass
    return list(dict.fromkeys(found))


_XDG = ("HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME")


@dataclass(frozen=True)
class _Roots:
    homes: tuple[Path, ...]
    above: tuple[Path, ...]  # private with every folder above them
    trees: tuple[Path, ...]  # private with everything in them


def _roots() -> _Roots:
    """The user's own folders, worked out once for the user and environment they depend
    on: a monthly run asks for every letter it writes."""
    return _roots_for(os.getuid(), tuple(os.environ.get(name) for name in _XDG))


@functools.lru_cache(maxsize=4)
def _roots_for(uid: int, env: tuple[str | None, ...]) -> _Roots:
    import platformdirs

    trees = (
        _resolved(platformdirs.user_cache_path()),
        _resolved(platformdirs.user_config_path()),
        _resolved(platformdirs.user_state_path()),
    )
    home = tuple(homes())
    return _Roots(home, (*home, *trees, _resolved(platformdirs.user_data_path())), trees)


def _inside(child: str, parent: str) -> bool:
    """Whether the resolved path ``child`` is below ``parent`` (not the same)."""
    return child != parent and child.startswith(parent.rstrip(os.sep) + os.sep)


def is_users_own(path: Path) -> bool:
    """Whether ``path`` (a folder, or a file's folder) is one of the user's own."""
    target = str(_resolved(path))
    roots = _roots()
    if any(target == str(root) or _inside(str(root), target) for root in roots.above):
        return True
    if any(_inside(target, str(tree)) for tree in roots.trees):
        return True
    for home in map(str, roots.homes):
        if _inside(target, home) and target[len(home.rstrip(os.sep)) + 1 :].startswith("."):
            return True
    return False


def owners_home(folder: Path) -> bool:
    """Whether ``folder`` is the home folder of its owner (or a folder above it)."""
    try:
        import pwd

        home = _resolved(Path(pwd.getpwuid(folder.stat().st_uid).pw_dir))
    except (ImportError, KeyError, OSError):
        return False
    target = _resolved(folder)
    return target == home or target in home.parents


def not_its_own(folder: Path) -> str | None:
    """Why ``folder`` may not be given to a group as the database's folder, or None.

    Refused: one of the user's own folders (see ``is_users_own``), the home folder of
    its owner or a folder above one, a folder everyone may write to (``/tmp``), and a
    folder that holds hidden files or folders (``.bashrc``, ``.ssh``) or someone's home
    folder (``/home``): a group-writable folder lets every member delete or replace what
    is in it.
    """
    from bostadcli.errors import shown
    from bostadcli.i18n import _

    if is_users_own(folder) or owners_home(folder):
        return _(
            "it is a home folder, a folder above one, or one of your own folders"
            " (settings, cache, data)"
        )
    try:
        mode = folder.stat().st_mode
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return None  # missing (made for the database) or unreadable (refused later)
    if mode & (stat.S_ISVTX | stat.S_IWOTH):
        return _("everyone may write to it, like /tmp")
    from bostadcli.files import is_temporary

    for entry in entries:
        hidden = entry.name.startswith(".") and not is_temporary(Path(entry.name))
        if hidden or (entry.is_dir(follow_symlinks=False) and owners_home(Path(entry.path))):
            return _("it holds {name}, which is not the database's").format(name=shown(entry.name))
    return None


def take_back(gid: int) -> list[Path]:
    """Make the tool's own folders private again where an earlier version gave them to
    the shared group ``gid``: the cache, state and config folders of bostadcli and the
    folders above them inside the home folder, when they are the user's, the group's and
    exactly setgid and group-writable (2770) as that version made them. Returns them."""
    import platformdirs

    own = [
        _resolved(platformdirs.user_cache_path("bostadcli", appauthor=False)),
        _resolved(platformdirs.user_state_path("bostadcli", appauthor=False)),
        _resolved(platformdirs.user_config_path("bostadcli", appauthor=False)),
    ]
    inside = homes()
    candidates: list[Path] = []
    for folder in own:
        candidates.append(folder)
        candidates += [p for p in folder.parents if any(h in p.parents for h in inside)]
    taken: list[Path] = []
    for folder in dict.fromkeys(candidates):
        try:
            st = os.lstat(folder)
            if (
                stat.S_ISDIR(st.st_mode)
                and st.st_uid == os.getuid()
                and st.st_gid == gid
                and stat.S_IMODE(st.st_mode) == 0o2770
            ):
                os.chmod(folder, 0o700)
                taken.append(folder)
        except OSError:
            continue
    return taken
