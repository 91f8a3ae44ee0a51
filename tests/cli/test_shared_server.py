"""One caseload on a shared server: two real caseworker accounts in one group write at
once and see each other's cases; an account outside the group is refused; every file
the tool makes is the group's to read and write and nobody else's, whatever umask each
caseworker has; the audit log names each one's own login.

The accounts are created for the test (useradd) and removed afterwards, so it needs
root (as in CI); elsewhere it is skipped.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

NEEDED = ("useradd", "userdel", "groupadd", "groupdel", "runuser")

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux")
    or os.geteuid() != 0
    or any(shutil.which(tool) is None for tool in NEEDED),
    reason="creates operating-system accounts: needs root on Linux with useradd and runuser",
)


@dataclass(frozen=True)
class Server:
    folder: Path
    db: Path
    config: Path
    group: str
    gid: int
    karin: str
    omar: str
    outsider: str


def _run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True, text=True)


@contextlib.contextmanager
def _reachable(paths: list[Path]) -> Iterator[None]:
    """Let other accounts reach the interpreter and the code (search permission, o+x, on
    each folder above them that lacks it), and put every folder back as it was."""
    changed: dict[Path, int] = {}
    for path in paths:
        for folder in [path, *path.parents] if path.is_dir() else list(path.parents):
            mode = folder.stat().st_mode
            if not mode & stat.S_IXOTH and folder not in changed:
                changed[folder] = stat.S_IMODE(mode)
                os.chmod(folder, stat.S_IMODE(mode) | stat.S_IXOTH)
    try:
        yield
    finally:
        for folder, mode in changed.items():
            os.chmod(folder, mode)


def _code_paths() -> list[Path]:
    import bostadcli

    return [
        Path(sys.executable).resolve(),
        Path(sys.prefix),
        Path(sys.base_prefix),
        Path(bostadcli.__file__).resolve().parent.parent,
    ]


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    tag = f"{os.getpid() % 100000}"
    group, karin, omar, outsider = (
        f"bostadg{tag}",
        f"bostadk{tag}",
        f"bostado{tag}",
        f"bostadx{tag}",
    )
    base = Path(tempfile.mkdtemp(prefix="bostad-shared-"))
    os.chmod(base, 0o755)  # like /srv: anyone may pass, the caseload folder decides
    made_users: list[str] = []
    made_group = False
    try:
        _run("groupadd", group)
        made_group = True
        for user, groups in ((karin, [group]), (omar, [group]), (outsider, [])):
            _run(
                "useradd",
                "-M",
                "-N",
                "-s",
                "/bin/sh",
                *(["-G", ",".join(groups)] * bool(groups)),
                user,
            )
            made_users.append(user)
        import grp

        folder = base / "bostad"
        with _reachable(_code_paths()):
            yield Server(
                folder=folder,
                db=folder / "bostad.sqlite",
                config=folder / "config.toml",
                group=group,
                gid=grp.getgrnam(group).gr_gid,
                karin=karin,
                omar=omar,
                outsider=outsider,
            )
    finally:
        for user in made_users:
            subprocess.run(["userdel", user], capture_output=True)
        if made_group:
            subprocess.run(["groupdel", group], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def bostad(
    server: Server, user: str | None, *args: str, umask: str = "022"
) -> subprocess.CompletedProcess[str]:
    """Run ``bostad`` as ``user`` (None: root, the administrator) with that umask."""
    env = {
        "BOSTAD_DB": str(server.db),
        "BOSTAD_CONFIG": str(server.config),
        "BOSTAD_LANG": "en",
        "PATH": "/usr/bin:/bin",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    command = [
        "sh",
        "-c",
        f'umask {umask}; exec "$@"',
        "sh",
        "env",
        *(f"{k}={v}" for k, v in env.items()),
        sys.executable,
        "-m",
        "bostadcli",
        *args,
    ]
    if user is not None:
        command = ["runuser", "-u", user, "--", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def ok(server: Server, user: str | None, *args: str, umask: str = "022") -> str:
    result = bostad(server, user, *args, umask=umask)
    assert result.returncode == 0, (args, result.stderr)
    return result.stdout


def _assert_the_groups(path: Path, server: Server) -> None:
    info = path.stat()
    mode = stat.S_IMODE(info.st_mode)
    assert info.st_gid == server.gid, (path, info.st_gid)
    assert not mode & 0o007, (path, oct(mode))  # nothing for others
    if path.is_dir():
        assert mode == 0o2770, (path, oct(mode))
    else:
        assert mode & 0o660 == 0o660, (path, oct(mode))


def test_a_caseload_shared_by_two_caseworkers(server: Server) -> None:
    # The administrator sets it up, then tells the tool who the caseworkers are.
    ok(server, None, "init", "--shared", server.group, umask="077")
    for path in (server.folder, server.db, server.config):
        _assert_the_groups(path, server)
    ok(server, None, "caseworker", "add", "Karin Ek", "--initials", "KE", "--login", server.karin)
    ok(server, None, "caseworker", "add", "Omar Berg", "--initials", "OB", "--login", server.omar)

    # Both write at once, one with a strict umask and one with a loose one, while the
    # test watches every file that appears in the folder (the -wal and -shm come and go).
    seen: dict[Path, tuple[int, int]] = {}
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            for path in server.folder.iterdir():
                with contextlib.suppress(FileNotFoundError):
                    info = path.stat()
                    seen[path] = (stat.S_IMODE(info.st_mode), info.st_gid)
            time.sleep(0.005)

    def caseworker(user: str, umask: str, names: list[str], failures: list[str]) -> None:
        for name in names:
            result = bostad(server, user, "household", "add", name, umask=umask)
            if result.returncode != 0:
                failures.append(result.stderr)

    watcher = threading.Thread(target=watch)
    watcher.start()
    failures: list[str] = []
    writers = [
        threading.Thread(
            target=caseworker,
            args=(server.karin, "077", [f"Karin {i}" for i in range(6)], failures),
        ),
        threading.Thread(
            target=caseworker, args=(server.omar, "000", [f"Omar {i}" for i in range(6)], failures)
        ),
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    stop.set()
    watcher.join()
    assert failures == []
    assert any(p.name.endswith("-wal") for p in seen), sorted(seen)
    for path, (mode, gid) in seen.items():
        assert gid == server.gid, (path, gid)
        assert not mode & 0o007, (path, oct(mode))

    # Each sees the other's cases, assigned to each by their login.
    for user in (server.karin, server.omar):
        listed = json.loads(ok(server, user, "household", "list", "--format", "json"))
        assert len(listed) == 12
        assert {r["caseworker"] for r in listed} == {"Karin Ek", "Omar Berg"}
        mine = json.loads(ok(server, user, "household", "list", "--mine", "-f", "json"))
        assert len(mine) == 6
    karins = {
        r["tenant"]
        for r in json.loads(ok(server, server.omar, "search", "karin", "--format", "json"))
    }
    assert karins == {f"Karin {i}" for i in range(6)}

    # Exports and new folders (a backup's) are the group's, whatever the umask.
    ok(
        server,
        server.omar,
        "export",
        "households",
        "--out",
        str(server.folder / "h.csv"),
        umask="077",
    )
    ok(
        server,
        server.karin,
        "backup",
        str(server.folder / "backups" / "nightly" / "b.sqlite"),
        umask="077",
    )
    for path in (
        server.folder / "h.csv",
        server.folder / "backups",
        server.folder / "backups" / "nightly",
        server.folder / "backups" / "nightly" / "b.sqlite",
        server.db,
    ):
        _assert_the_groups(path, server)

    # No warning while the file is the group's; one when others may read it.
    quiet = bostad(server, server.karin, "household", "list")
    assert quiet.returncode == 0 and "warning" not in quiet.stderr
    os.chmod(server.db, 0o664)
    try:
        loud = bostad(server, server.karin, "household", "list")
        assert f"is not the group {server.group}'s alone" in loud.stderr
    finally:
        os.chmod(server.db, 0o660)

    # Someone outside the group gets nothing, and nothing changes.
    before = server.db.read_bytes()
    for args in (("household", "list"), ("household", "add", "Intrång"), ("init",)):
        refused = bostad(server, server.outsider, *args)
        assert refused.returncode == 1, (args, refused.stdout)
        assert refused.stderr.count("\n") == 1 and "no permission" in refused.stderr
        assert "Traceback" not in refused.stderr
    assert server.db.read_bytes() == before
    peek = subprocess.run(
        ["runuser", "-u", server.outsider, "--", "cat", str(server.db)], capture_output=True
    )
    assert peek.returncode != 0

    # The audit log names each caseworker's own login, whatever $USER says.
    faked = bostad(server, server.omar, "household", "add", "Falsk")
    assert faked.returncode == 0
    audit = json.loads(ok(server, None, "audit", "--format", "json"))
    writers_seen = {r["os_user"] for r in audit if r["table_name"] == "households"}
    assert {server.karin, server.omar} <= writers_seen
    assert "root" not in {r["os_user"] for r in audit if r["command"] == "bostad household add"}
