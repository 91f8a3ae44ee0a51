"""Files and folders the tool writes: private, whole or not at all, and never the wrong one.

Private means readable by the owner only, whatever the umask, or by the owner and one
group when the caseload is shared (``share_with_group``, ``bostad init --shared``).

Folders: ``Path.mkdir(mode=0o700, parents=True)`` is not enough: the mode is filtered by
the umask, and the parents it makes get the default mode (``mkdir -p``), so a letter
folder could sit in a folder everyone may write to. ``private_folder`` makes each one.

Files: every file the tool writes (exports with ``--out``, reports, backups, the config,
the demo, letters, the monthly manifest and print file) goes through ``private_output``
or ``write_private_file``:

- ``check_target`` first: a target that is the database or one of SQLite's files beside
  it (same device and inode, or the same path once resolved), a folder, a device, a pipe,
  a socket or a symbolic link is refused, and an existing file is replaced only with
  ``--force``. One rule for every command.
- The content goes to a temporary file in the same folder, created owner-only (mode 0600,
  which the umask can only narrow; 0660 for the group when shared, but never in the
  user's own folders, see ``user_folders``) and never through a symbolic link; it is
  synced to disk, then renamed over the target and the folder synced, so a reader (or
  a rerun after a crash) sees the whole file or none of it.
- Temporaries are named ``.bostad-tmp-NAME-PID-RANDOM``. A run that is killed leaves
  one behind; ``remove_stale_temporaries`` deletes those whose process is gone (or that
  are older than a day), and every writer calls it for its folder, and ``bostad db
  check`` for every folder where temporaries were made (listed in the user's state
  folder) and the database's own.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, overload

from bostadcli.errors import BostadError, Conflict, InvalidInput
from bostadcli.file_reading import copy_bounded as copy_bounded
from bostadcli.file_reading import open_for_reading as open_for_reading
from bostadcli.file_reading import read_bounded as read_bounded
from bostadcli.i18n import _

if TYPE_CHECKING:
    from sqlite_utils import Database

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600
# A caseload shared by a group on one server (bostad init --shared GROUP): folders are
# setgid, so what is made inside belongs to the group, and group-writable; nothing is
# ever readable by others.
SHARED_FOLDER = 0o2770
SHARED_FILE = 0o660
SHARED_UMASK = 0o007


@dataclass
class _Sharing:
    gid: int | None = None
    umask: int | None = None  # the user's own, while a group's is in force


# Whether this process writes for a group. Set once, when the database is opened and
# says it is shared; a process works on one database.
_SHARING = _Sharing()


def share_with_group(gid: int | None) -> None:
    """Make every later file and folder of this process for group ``gid`` (None: owner).

    The umask is set too, so that files SQLite and libraries create keep the group's
    read and write bits whatever umask the user logged in with.
    """
    _SHARING.gid = gid
    if gid is not None:
        previous = os.umask(SHARED_UMASK)
        if _SHARING.umask is None:
            _SHARING.umask = previous
    elif _SHARING.umask is not None:
        os.umask(_SHARING.umask)
        _SHARING.umask = None


def file_mode() -> int:
    """The mode to create a file with: owner-only, or group-writable when shared."""
    return PRIVATE_FILE if _SHARING.gid is None else SHARED_FILE


def claim(fd: int, *, personal: bool = False) -> int:
    """A file just created: the shared group's, group-writable (no-op if not shared, or
    for a ``personal`` file: one in the user's own folders, see ``user_folders``).

    A file made outside the shared folder (an export to /tmp) would otherwise belong to
    the user's own group, which may hold other people.
    """
    if _SHARING.gid is not None and not personal:
        os.fchown(fd, -1, _SHARING.gid)
        os.fchmod(fd, SHARED_FILE)
    return fd


def _personal(path: Path) -> bool:
    """Whether the file or folder ``path`` stays the user's alone though the caseload is
    shared: the home folder and its hidden folders, the user's cache, config, state and
    data folders and what is in them (``user_folders``)."""
    if _SHARING.gid is None:
        return True
    from bostadcli.user_folders import is_users_own

    return is_users_own(path)


def give_to_group(path: Path, *, folder: bool) -> None:
    """Give a file or folder to the shared group with the shared mode (no-op if not shared)."""
    if _SHARING.gid is None:
        return
    os.chown(path, -1, _SHARING.gid)
    os.chmod(path, SHARED_FOLDER if folder else SHARED_FILE)


TEMP_PREFIX = ".bostad-tmp-"
# NAME is cut short so that the temporary's name stays within the file system's limit.
_TEMP_NAME_KEEP = 60
_TEMP_PATTERN = r"^\.bostad-tmp-(?P<name>.*)-(?P<pid>\d+)-(?P<token>[0-9a-f]{8})$"
# A temporary this old is a leftover even if a process of its number exists (the number
# may have been given to another process since).
STALE_AFTER_SECONDS = 24 * 3600
# Temporaries of letters under their old name (``.NAME.PID.bostad-tmp``): removed the
# same way. The old names of exports (``.NAME.PID.tmp``) and backups (``NAME.part``)
# are too common to be told from another program's files; they are left alone.
_OLD_TEMP_PATTERNS = (r"^\..+\.(?P<pid>\d+)\.bostad-tmp$",)
_REGISTRY_NAME = "temporary-folders"
_REGISTRY_MAX = 200

# Folders this process has already swept and noted: a monthly run writes thousands of
# letters into one folder, and looking through it once is enough.
_prepared_folders: set[str] = set()

_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


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
        # The user's own folders (~/.local, ~/.cache/bostadcli) stay owner-only when the
        # caseload is shared: only the unit's folders are the group's.
        shared = not _personal(path)
        try:
            path.mkdir(mode=SHARED_FOLDER & 0o777 if shared else PRIVATE_FOLDER)
        except FileExistsError:
            continue  # made meanwhile by another command, or a 'x/..' step
        if shared:
            give_to_group(path, folder=True)
        else:
            os.chmod(path, PRIVATE_FOLDER)
    return folder


# What must never be written over ------------------------------------------------------


def database_files(db: Database | None) -> list[Path]:
    """The database file of ``db`` and SQLite's files beside it (-wal, -shm, -journal)."""
    if db is None:
        return []
    found: list[Path] = []
    for row in db.execute("PRAGMA database_list").fetchall():
        if row[1] == "main" and row[2]:
            main = Path(row[2])
            found += [main] + [main.with_name(main.name + s) for s in ("-wal", "-shm", "-journal")]
    return found


def database_files_at(path: Path) -> list[Path]:
    """The same for a database named by its path (before it is opened)."""
    return [path] + [path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal")]


def _same_file(st: os.stat_result, other: Path) -> bool:
    try:
        theirs = os.stat(other)
    except OSError:
        return False
    return (st.st_dev, st.st_ino) == (theirs.st_dev, theirs.st_ino)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def check_target(
    path: Path, *, field: str, force: bool = False, protect: Sequence[Path] = ()
) -> Path:
    """Refuse a file no command may write; return ``path`` as given.

    Refused: a folder, a device, a pipe or a socket; a symbolic link (the file would go
    wherever it points, perhaps outside the folder named); a file in ``protect`` (the
    database and SQLite's files beside it), compared by device and inode, or by the
    resolved path when it does not exist yet; and an existing file unless ``force``.
    """
    from bostadcli import validate

    validate.path(path, field=field)
    text = str(path)
    try:
        st: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        from bostadcli.os_errors import os_problem

        raise InvalidInput(field, text, os_problem(exc, path, writing=None)) from None
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise InvalidInput(
                field, text, _("is a symbolic link; name the file itself, not a link to it")
            )
        if stat.S_ISDIR(st.st_mode):
            raise InvalidInput(field, text, _("is a folder; give a file name"))
        if not stat.S_ISREG(st.st_mode):
            raise InvalidInput(
                field, text, _("is not an ordinary file (a device, a pipe or a socket)")
            )
    target = _resolved(path)
    for protected in protect:
        if (st is not None and _same_file(st, protected)) or target == _resolved(protected):
            raise InvalidInput(
                field, text, _("is the database or one of its files; it is never written over")
            )
    if st is not None and not force:
        raise Conflict(_("{path} exists already; add --force to replace it").format(path=path))
    return path


# Temporaries -------------------------------------------------------------------------


def temporary_path(target: Path) -> Path:
    """A new temporary's name beside ``target``: ``.bostad-tmp-NAME-PID-RANDOM``."""
    name = target.name[:_TEMP_NAME_KEEP]
    # os.urandom is what secrets.token_hex uses, without importing hmac and OpenSSL.
    return target.with_name(f"{TEMP_PREFIX}{name}-{os.getpid()}-{os.urandom(4).hex()}")


def is_temporary(path: Path) -> bool:
    """True for a name this module (or an older version of the tool) gives temporaries."""
    return _temporary_pid(path.name) is not None


def _temporary_pid(name: str) -> int | None:
    # Compiled (and cached by re) on first use: most commands never look at a temporary.
    for pattern in (_TEMP_PATTERN, *_OLD_TEMP_PATTERNS):
        m = re.match(pattern, name)
        if m:
            return int(m.group("pid"))
    return None


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine (one we may not signal counts)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def remove_stale_temporaries(folder: Path, *, now: float | None = None) -> list[Path]:
    """Delete the temporaries in ``folder`` that no running command is writing.

    Stale: its process is gone, or it is older than ``STALE_AFTER_SECONDS``. Returns
    what was removed. A folder that cannot be read is passed over.
    """
    removed: list[Path] = []
    moment = time.time() if now is None else now
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        pid = _temporary_pid(entry.name)
        if pid is None:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        folder_of_parts = stat.S_ISDIR(st.st_mode)  # a spreadsheet's parts (xlsx.py)
        if not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode) or folder_of_parts):
            continue
        too_old = moment - st.st_mtime > STALE_AFTER_SECONDS
        if pid == os.getpid() and not too_old:
            continue
        if too_old or not process_alive(pid):
            with contextlib.suppress(OSError):
                if folder_of_parts:
                    import shutil

                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _registry() -> Path:
    import platformdirs

    return platformdirs.user_state_path("bostadcli", appauthor=False) / _REGISTRY_NAME


def _remember_folder(folder: Path) -> None:
    """Note where temporaries are made, for ``bostad db check`` to look there later."""
    line = str(_resolved(folder))
    if "\n" in line:
        return
    registry = _registry()
    try:
        known = set(registry.read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        known = set()
    if line in known:
        return
    with contextlib.suppress(OSError):
        private_folder(registry.parent)
        fd = os.open(
            registry, os.O_WRONLY | os.O_CREAT | os.O_APPEND | _O_NOFOLLOW | _O_CLOEXEC, 0o600
        )
        try:
            os.write(fd, (line + "\n").encode("utf-8", "surrogateescape"))
        finally:
            os.close(fd)


def sweep_temporaries(extra: Sequence[Path] = ()) -> list[Path]:
    """Remove stale temporaries in ``extra`` and in every folder that ever held one.

    The list of folders is then trimmed to those that still exist (and at most the
    last ``_REGISTRY_MAX``).
    """
    registry = _registry()
    try:
        listed = registry.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        listed = []
    folders = list(dict.fromkeys([*(str(_resolved(f)) for f in extra), *listed]))
    removed: list[Path] = []
    for folder in folders:
        removed += remove_stale_temporaries(Path(folder))
    keep = [f for f in dict.fromkeys(listed) if Path(f).is_dir()][-_REGISTRY_MAX:]
    if keep != listed and registry.exists():
        with contextlib.suppress(OSError, BostadError):
            _atomic_write(registry, ("".join(f + "\n" for f in keep)).encode("utf-8"))
    return removed


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (it is only once the folder is synced)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# Writing ----------------------------------------------------------------------------


def _cannot_write(path: Path, exc: OSError) -> BostadError:
    from bostadcli.os_errors import os_problem

    return BostadError(
        _("cannot write {path}: {error}").format(path=path, error=os_problem(exc, path))
    )


def _publish(tmp: Path, path: Path, *, force: bool) -> None:
    """Move the finished temporary to its name: replacing only with ``force``."""
    if force:
        os.replace(tmp, path)
        return
    try:
        # A hard link never replaces: a file that appeared meanwhile is not lost.
        os.link(tmp, path, follow_symlinks=False)
    except FileExistsError:
        raise Conflict(
            _("{path} exists already; add --force to replace it").format(path=path)
        ) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV):
            raise
        # A file system without hard links (some network shares): look, then rename.
        if os.path.lexists(path):
            raise Conflict(
                _("{path} exists already; add --force to replace it").format(path=path)
            ) from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


@overload
def private_output(
    path: Path,
    *,
    field: str,
    force: bool = ...,
    protect: Sequence[Path] = ...,
    binary: Literal[False] = ...,
    make_folder: bool = ...,
) -> contextlib.AbstractContextManager[IO[str]]: ...


@overload
def private_output(
    path: Path,
    *,
    field: str,
    force: bool = ...,
    protect: Sequence[Path] = ...,
    binary: Literal[True],
    make_folder: bool = ...,
) -> contextlib.AbstractContextManager[IO[bytes]]: ...


def private_output(
    path: Path,
    *,
    field: str,
    force: bool = False,
    protect: Sequence[Path] = (),
    binary: bool = False,
    make_folder: bool = False,
) -> contextlib.AbstractContextManager[Any]:
    """Open ``path`` to write a private file that appears whole or not at all.

    Text is UTF-8 with line endings as written. When the block raises, nothing appears
    and the temporary is removed. ``make_folder`` makes missing folders owner-only.
    """
    check_target(path, field=field, force=force, protect=protect)
    return _private_output(path, force=force, binary=binary, make_folder=make_folder)


def _prepare_folder(folder: Path) -> None:
    """Once per folder and process: remove stale temporaries, note the folder."""
    key = str(_resolved(folder))
    if key in _prepared_folders:
        return
    remove_stale_temporaries(folder)
    _remember_folder(folder)
    _prepared_folders.add(key)


@contextlib.contextmanager
def _private_output(path: Path, *, force: bool, binary: bool, make_folder: bool) -> Iterator[Any]:
    folder = path.parent
    try:
        if make_folder:
            private_folder(folder)
        _prepare_folder(folder)
        tmp = temporary_path(path)
        personal = _personal(path)
        fd = claim(
            os.open(
                tmp,
                os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_CLOEXEC,
                PRIVATE_FILE if personal else file_mode(),
            ),
            personal=personal,
        )
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    try:
        if binary:
            fh: IO[Any] = os.fdopen(fd, "wb")
            raw: Any = fh.raw  # type: ignore[attr-defined]
        else:
            fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
            raw = fh.buffer.raw  # type: ignore[attr-defined]
        # Named by its path, as a file opened by name is (not by its descriptor): a
        # writer that keeps its own scratch files beside it finds the folder (xlsx.py).
        raw.name = str(tmp)
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        _publish(tmp, path, force=force)
        fsync_folder(folder)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _atomic_write(path: Path, data: bytes, *, force: bool = True) -> None:
    with _private_output(path, force=force, binary=True, make_folder=False) as fh:
        fh.write(data)


def write_private_file(
    path: Path,
    data: bytes | str,
    *,
    field: str = "--out",
    force: bool = False,
    protect: Sequence[Path] = (),
    make_folder: bool = False,
) -> Path:
    """Write ``data`` to ``path`` as a private file, whole or not at all (see above)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        with private_output(
            path, field=field, force=force, protect=protect, binary=True, make_folder=make_folder
        ) as fh:
            fh.write(payload)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    return path


@contextlib.contextmanager
def private_temporary(target: Path) -> Iterator[Path]:
    """A temporary's path beside ``target`` for a writer that fills it itself (SQLite's
    backup): created empty and owner-only, removed when the block fails or leaves it."""
    folder = target.parent
    try:
        _prepare_folder(folder)
        tmp = temporary_path(target)
        personal = _personal(target)
        os.close(
            claim(
                os.open(
                    tmp,
                    os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_CLOEXEC,
                    PRIVATE_FILE if personal else file_mode(),
                ),
                personal=personal,
            )
        )
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    try:
        yield tmp
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def publish_file(tmp: Path, path: Path, *, force: bool) -> None:
    """Put a finished temporary (from ``private_temporary``) in place, synced."""
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    _publish(tmp, path, force=force)
    fsync_folder(path.parent)
