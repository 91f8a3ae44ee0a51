"""How fast bostadcli imports and exports, next to sqlite3 and sqlite-utils on the same data.

Not a test: run it by hand and copy the table into docs/io.md.

    PYTHONPATH=src python benchmarks/io_bench.py [--rows 100000] [--keep DIR]

It writes a landlord's list of N tenants (semicolon-separated, Windows-1252, the same
file every time), imports it with ``bostad import notices`` (which builds the N
households), loads the same file with ``sqlite-utils insert --csv``, and exports the
households with ``bostad export``, ``sqlite3 -csv`` and ``sqlite-utils rows --csv``.
Every tool runs as its own process; its peak memory is that process's maximum resident
set size (``os.wait4``). sqlite3 and sqlite-utils copy a table as it is stored, while
bostadcli validates every row (personnummer, amounts, dates), computes deadlines and
counts, and writes each case through the same code as ``bostad household add``.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

AS_OF = "2026-11-02"
HEADER = ["Namn", "Personnummer", "Adress", "Postnr", "Ort", "Hyra", "Skuld", "Delgiven"]


def luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 0:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return str((10 - total % 10) % 10)


def landlord_file(path: Path, n: int) -> None:
    """N distinct tenants with valid personnummer, deterministic."""
    with path.open("w", encoding="cp1252", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        for i in range(n):
            born = f"{60 + i % 40:02d}{1 + (i // 28_000) % 12:02d}{1 + (i // 1000) % 28:02d}"
            serial = f"{i % 1000:03d}"
            writer.writerow(
                [
                    f"Hyresgäst Nummer {i}",
                    f"{born}-{serial}{luhn_digit(born + serial)}",
                    f"Storgatan {i}",
                    "441 30",
                    "Alingsås",
                    "7 450,00",
                    f"{1000 + i % 9000},50",
                    "20/10/2026",
                ]
            )


@dataclass
class Result:
    task: str
    tool: str
    rows: int
    seconds: float
    peak_mib: float

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def measure(
    task: str, tool: str, rows: int, argv: list[str], *, stdout: Path | None = None
) -> Result:
    env = os.environ | {"BOSTAD_LANG": "en"}
    out = stdout.open("wb") if stdout else subprocess.DEVNULL
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE, env=env)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if stdout:
        out.close()  # type: ignore[union-attr]
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{tool} failed:\n{stderr}")
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    divisor = 1024 * 1024 if sys.platform == "darwin" else 1024
    return Result(task, tool, rows, seconds, usage.ru_maxrss / divisor)


def find(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="keep the files in this folder")
    args = parser.parse_args()
    n: int = args.rows
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bostad-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    bostad = [sys.executable, "-m", "bostadcli"]
    sqlite3 = shutil.which("sqlite3")
    sqlite_utils = find("sqlite-utils")

    source = folder / "landlord.csv"
    landlord_file(source, n)
    db = folder / "bostad.sqlite"
    for stale in folder.glob("*.sqlite*"):
        stale.unlink()
    results: list[Result] = []

    # Keep the benchmark's config file out of the user's config folder.
    os.environ["BOSTAD_CONFIG"] = str(folder / "config.toml")
    subprocess.run([*bostad, "--db", str(db), "init"], check=True, capture_output=True)
    results.append(
        measure(
            "import",
            "bostad import notices",
            n,
            [*bostad, "--db", str(db), "import", "notices", str(source), "--as-of", AS_OF],
        )
    )
    if sqlite_utils:
        results.append(
            measure(
                "import",
                "sqlite-utils insert --csv",
                n,
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
    for fmt in ("csv", "jsonl"):
        results.append(
            measure(
                "export",
                f"bostad export households --format {fmt}",
                n,
                [
                    *bostad,
                    "--db",
                    str(db),
                    "export",
                    "households",
                    "--format",
                    fmt,
                    "--as-of",
                    AS_OF,
                ],
                stdout=folder / f"households.{fmt}",
            )
        )
    if sqlite3:
        results.append(
            measure(
                "export",
                "sqlite3 -csv (households table)",
                n,
                [sqlite3, "-csv", "-header", str(db), "SELECT * FROM households"],
                stdout=folder / "sqlite3.csv",
            )
        )
    if sqlite_utils:
        results.append(
            measure(
                "export",
                "sqlite-utils rows --csv (households table)",
                n,
                [sqlite_utils, "rows", str(db), "households", "--csv"],
                stdout=folder / "sqlite-utils.csv",
            )
        )

    print(f"{n:,} households, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n")
    print("| task | tool | rows | seconds | rows/s | peak memory |")
    print("|---|---|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r.task} | {r.tool} | {r.rows:,} | {r.seconds:.1f} | {r.rate:,.0f}"
            f" | {r.peak_mib:.0f} MiB |"
        )
    if not sqlite3:
        print("\n(sqlite3 is not on PATH: skipped)")
    if not sqlite_utils:
        print("\n(sqlite-utils not found: skipped)")
    if args.keep is None:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
