"""Import and export of many rows, measured in CPU seconds next to their floors.

Not a test: run it by hand (about two minutes for 100 000 rows).

    python benchmarks/bulk_bench.py [--rows 100000] [--keep DIR] [--src DIR] [--growth]

The machine this runs on may be shared: each tool runs as its own process and is
measured by the CPU seconds it used (user + system, ``os.wait4``), which other people's
work disturbs far less than wall time; compare the ratios in one run.

- import: ``bostad import notices`` of a landlord's list of N rows (the file
  ``io_bench.py`` writes) into an empty database, next to ``sqlite-utils insert --csv``
  of the same file. A second process tries ``BEGIN IMMEDIATE`` every few milliseconds
  during the import and reports the longest stretch it could not get the write lock.
- export: ``bostad export households --format csv`` of those N households, next to the
  sqlite3 shell running the export's own query (printed below the table, derived from
  the export registry) and ``sqlite-utils rows --csv`` of the raw table.
- growth (``--growth``): the same import and export of a tenth as many rows first, and
  the peak memory of each at N next to that at N/10 (flat: at most 1.1x).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from io_bench import AS_OF, landlord_file

LOCK_TARGET = 2.0

_PROBE = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)
stop = sys.argv[2]
import os
longest = 0.0
blocked_since = None
tries = 0
while not os.path.exists(stop):
    now = time.monotonic()
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        if blocked_since is not None:
            longest = max(longest, now - blocked_since)
            blocked_since = None
    except sqlite3.OperationalError:
        if blocked_since is None:
            blocked_since = now
    tries += 1
    time.sleep(0.002)
if blocked_since is not None:
    longest = max(longest, time.monotonic() - blocked_since)
print(f"{longest:.3f} {tries}")
"""


@dataclass
class Run:
    tool: str
    wall: float
    cpu: float
    peak_mib: float


SRC: Path | None = None


def run(tool: str, argv: list[str], *, stdout: Path | None = None) -> Run:
    env = os.environ | {"BOSTAD_LANG": "en"}
    if SRC is not None and "bostadcli" in argv:
        env["PYTHONPATH"] = str(SRC)
    out = stdout.open("wb") if stdout else subprocess.DEVNULL
    # Standard error to a file: a pipe nobody reads while waiting fills up and stops the
    # tool (an import's summary names every row).
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=errors, env=env)
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        if stdout:
            out.close()  # type: ignore[union-attr]
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")[-4000:]
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{tool} failed:\n{stderr}")
    return Run(tool, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def find(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def export_sql() -> str:
    """The export's own query for ``export households``, as one SQL statement."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from datetime import date

    from bostadcli.export.stream import export_sql as build

    return build("households", as_of=date.fromisoformat(AS_OF))


def _smaller(folder: Path, n: int, bostad: list[str]) -> dict[str, Run]:
    """The import and the export of ``n`` rows, for their peak memory."""
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.sqlite*"):
        stale.unlink()
    source = folder / "landlord.csv"
    landlord_file(source, n)
    db = folder / "bostad.sqlite"
    env = os.environ | ({"PYTHONPATH": str(SRC)} if SRC else {})
    subprocess.run([*bostad, "--db", str(db), "init"], check=True, capture_output=True, env=env)
    imported = run(
        "bostad import notices",
        [*bostad, "--db", str(db), "import", "notices", str(source), "--as-of", AS_OF],
    )
    exported = run(
        "bostad export households --format csv",
        [*bostad, "--db", str(db), "export", "households", "--format", "csv", "--as-of", AS_OF],
        stdout=folder / "households.csv",
    )
    return {r.tool: r for r in (imported, exported)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="keep the files in this folder")
    parser.add_argument(
        "--src", type=Path, help="run bostad from this source folder (an older version)"
    )
    parser.add_argument(
        "--growth", action="store_true", help="also a tenth as many rows: is memory flat?"
    )
    args = parser.parse_args()
    global SRC
    SRC = args.src
    n: int = args.rows
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bostad-bulk-"))
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.sqlite*"):
        stale.unlink()
    os.environ["BOSTAD_CONFIG"] = str(folder / "config.toml")
    bostad = [sys.executable, "-m", "bostadcli"]
    smaller = _smaller(folder / "tenth", n // 10, bostad) if args.growth else None
    sqlite3_cli = shutil.which("sqlite3")
    sqlite_utils = find("sqlite-utils")
    source = folder / "landlord.csv"
    landlord_file(source, n)
    db = folder / "bostad.sqlite"
    env = os.environ | ({"PYTHONPATH": str(SRC)} if SRC else {})
    subprocess.run([*bostad, "--db", str(db), "init"], check=True, capture_output=True, env=env)

    stop = folder / "stop-probe"
    stop.unlink(missing_ok=True)
    probe = subprocess.Popen(
        [sys.executable, "-c", _PROBE, str(db), str(stop)], stdout=subprocess.PIPE, text=True
    )
    time.sleep(0.3)
    imported = run(
        "bostad import notices",
        [*bostad, "--db", str(db), "import", "notices", str(source), "--as-of", AS_OF],
    )
    stop.touch()
    probe_out, _ = probe.communicate()
    locked = float(probe_out.split()[0])
    results = [imported]
    if sqlite_utils:
        results.append(
            run(
                "sqlite-utils insert --csv",
                [
                    sqlite_utils,
                    "insert",
                    str(folder / "plain.sqlite"),
                    "landlord_list",
                    str(source),
                    "--csv",
                    "--delimiter",
                    ";",
                    "--encoding",
                    "cp1252",
                ],
            )
        )
    results.append(
        run(
            "bostad export households --format csv",
            [*bostad, "--db", str(db), "export", "households", "--format", "csv", "--as-of", AS_OF],
            stdout=folder / "households.csv",
        )
    )
    sql = export_sql()
    if sqlite3_cli and sql:
        results.append(
            run(
                "sqlite3 -csv, the export's query",
                [sqlite3_cli, "-csv", "-header", str(db), sql],
                stdout=folder / "sqlite3-export.csv",
            )
        )
    if sqlite_utils:
        results.append(
            run(
                "sqlite-utils rows --csv (households table)",
                [sqlite_utils, "rows", str(db), "households", "--csv"],
                stdout=folder / "sqlite-utils.csv",
            )
        )

    print(f"{n:,} rows, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n")
    print("| tool | CPU s | wall s | peak memory |")
    print("|---|---:|---:|---:|")
    for r in results:
        print(f"| {r.tool} | {r.cpu:.2f} | {r.wall:.2f} | {r.peak_mib:.0f} MiB |")
    by = {r.tool: r for r in results}
    print()
    peer = by.get("sqlite-utils insert --csv")
    if peer:
        ratio = imported.cpu / peer.cpu
        verdict = "met" if ratio < 1 else "not met"
        print(f"import / sqlite-utils insert (CPU): {ratio:.2f}x (faster: {verdict})")
    print(
        f"longest stretch without the write lock during the import: {locked:.2f} s"
        f" (<= {LOCK_TARGET:.0f} s write lock: {'met' if locked <= LOCK_TARGET else 'not met'})"
    )
    exported = by["bostad export households --format csv"]
    floor = by.get("sqlite3 -csv, the export's query")
    if floor:
        ratio = exported.cpu / floor.cpu
        verdict = "met" if ratio <= 2 else "not met"
        print(f"export / sqlite3 on its query (CPU): {ratio:.2f}x (<= 2x: {verdict})")
    raw = by.get("sqlite-utils rows --csv (households table)")
    if raw:
        ratio = exported.cpu / raw.cpu
        print(
            f"export / sqlite-utils rows (CPU): {ratio:.2f}x ({'met' if ratio < 1 else 'not met'})"
        )
    if smaller is not None:
        for r in (imported, exported):
            small = smaller[r.tool]
            ratio = r.peak_mib / small.peak_mib
            print(
                f"{r.tool}: peak memory {r.peak_mib:.0f} MiB at {n:,} rows,"
                f" {small.peak_mib:.0f} MiB at {n // 10:,}: {ratio:.2f}x"
                f" (flat: {'met' if ratio <= 1.1 else 'not met'})"
            )
    if sql:
        print("\nThe export's query:\n")
        print(sql)
    if args.keep is None:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
