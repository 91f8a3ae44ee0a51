"""The letter steps of ``run.py`` alone: the daily run (nothing due, and a few letters
due) and the monthly PDF letters next to WeasyPrint on its own.

    python benchmarks/letters_bench.py [--households N] [--pdf N] [--runs N] [--keep DIR]
                                       [--no-daily] [--no-pdf]

Quicker to repeat than the whole benchmark while working on the letters; the figures
are measured the same way (``run.py``'s helpers) and printed as the same table.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import run as bench

JOIN_PRINT_FILE = """
import sys
from pathlib import Path
from bostadcli import pdf
pdf.worker_count = lambda: 1
letters = sorted(Path(sys.argv[1]).glob("*-outreach.pdf"))
pdf.combine(letters, title="print file", bookmarks=[p.stem for p in letters])
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=10_000, help="for the daily run")
    parser.add_argument("--pdf", type=int, default=1_000, help="PDF letters in the month")
    parser.add_argument("--runs", type=int, default=2, help="runs of each slow step")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--no-daily", action="store_true")
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args()
    folder = (args.keep or Path(tempfile.mkdtemp(prefix="bostad-letters-"))).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    plan = bench.Plan(
        (args.households,) * 3, 0, args.pdf, fast_runs=10, runs=args.runs, slow_runs=args.runs
    )
    started = time.perf_counter()
    cores_before = bench.cores_free()
    try:
        rows = run(plan, folder, daily=not args.no_daily, pdf=not args.no_pdf)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    cores_after = bench.cores_free()
    bench.print_table(
        rows,
        f"bostadcli letters: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs,"
        f" {time.perf_counter() - started:.0f} s in all; cores free for this run:"
        f" {cores_before:.1f} at the start, {cores_after:.1f} at the end",
    )


def run(plan: bench.Plan, folder: Path, *, daily: bool, pdf: bool) -> list[bench.Row]:
    env = os.environ | {
        "BOSTAD_LANG": "sv",
        "BOSTAD_CONFIG": str(folder / "config.toml"),
        "PYTHONPATH": os.pathsep.join(
            p for p in (str(bench.ROOT / "src"), os.environ.get("PYTHONPATH")) if p
        ),
    }
    for name in ("BOSTAD_DB", "BOSTAD_TEMPLATES", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    (folder / "config.toml").write_text(bench.CONFIG, encoding="utf-8")
    rows: list[bench.Row] = []

    def build(path: Path, n: int, *, fresh: bool = False) -> Path:
        if not path.exists():
            bench.log(f"building {n:,} households{' due a letter' if fresh else ''} …")
            command = [sys.executable, bench.__file__, "--build", str(path), str(n)]
            subprocess.run([*command, *(["--fresh"] if fresh else [])], env=env, check=True)
        return path

    if daily:
        mini = folder / "minimal_typer_app.py"
        mini.write_text(bench.MINIMAL_TYPER_APP, encoding="utf-8")
        typer_app = bench.measure(
            "minimal Typer app",
            [sys.executable, str(mini), "--name", "x"],
            runs=plan.fast_runs,
            env=env,
            warmup=True,
        )
        households = plan.sizes[1]
        source = build(folder / f"households-{households}.sqlite", households)
        rows.append(bench.Row("start-up", "a minimal one-command Typer app", typer_app))
        rows += bench.daily_rows(
            source,
            households,
            folder,
            plan=plan,
            bostad=bench.on_the_day(folder),
            env=env,
            typer_app=typer_app,
            peer=[sys.executable, str(mini), "--name", "x"],
        )
    if pdf:
        n = plan.pdf_letters
        source = build(folder / f"letters-{n}.sqlite", n, fresh=True)
        work, out, html_out = folder / "letters.sqlite", folder / "out", folder / "html"
        alone_out, alone = folder / "pdf-alone", folder / "weasyprint_alone.py"
        alone.write_text(bench.WEASYPRINT_ALONE, encoding="utf-8")

        def monthly(fmt: str, out_dir: Path) -> list[str]:
            return [
                *(*bench.on_the_day(folder), "--db", str(work), "letter", "monthly"),
                *("--only", "outreach"),
                *("--format", fmt, "--out-dir", str(out_dir), "--month", bench.MONTH),
                *("--as-of", bench.AS_OF.isoformat()),
            ]

        def fresh(out_dir: Path) -> None:
            bench.copy_database(source, work)
            shutil.rmtree(out_dir, ignore_errors=True)

        def fresh_alone() -> None:
            shutil.rmtree(alone_out, ignore_errors=True)
            alone_out.mkdir()

        fresh(html_out)
        bench.run_once(monthly("html", html_out), env=env)
        weasy_argv = [sys.executable, str(alone), str(html_out), str(alone_out)]
        weasy_argv.append(str(bench.ROOT / "templates") + "/")
        # Side by side, one after the other, so that both see the same load.
        made: list[bench.Sample] = []
        alone_samples: list[bench.Sample] = []
        for _i in range(plan.slow_runs):
            bench.log(f"  monthly pdf ({n:,}) and WeasyPrint alone")
            fresh(out)
            made.append(bench.run_once(monthly("pdf", out), env=env))
            fresh_alone()
            alone_samples.append(bench.run_once(weasy_argv, env=env))
        # The print file by itself, from the letters of the last run: pypdf reading and
        # joining them in one process (the batch joins them as it stores each letter).
        joined = bench.run_once([sys.executable, "-c", JOIN_PRINT_FILE, str(out)], env=env)
        pdf_m, weasy = bench.Measured(made), bench.Measured(alone_samples)
        pdf_ratio = bench.ratio(pdf_m, weasy)
        rows += [
            bench.Row(
                "letters",
                f"`bostad letter monthly --format pdf` ({n:,} letters and the combined PDF)",
                pdf_m,
                bench.times(pdf_ratio, "WeasyPrint alone"),
                f"≤ 0.55× WeasyPrint alone: {bench.verdict(pdf_ratio, 0.55)}",
            ),
            bench.Row(
                "letters",
                f"WeasyPrint alone, one process, the same HTML ({n:,} letters)",
                weasy,
                f"{weasy.seconds / n * 1000:.0f} ms a letter",
            ),
            bench.Row(
                "letters",
                f"the print file alone: pypdf joining the {n:,} PDF letters, one process",
                bench.Measured([joined]),
                f"{joined.cpu_seconds / n * 1000:.1f} ms CPU a letter",
            ),
        ]
    return rows


if __name__ == "__main__":
    main()
