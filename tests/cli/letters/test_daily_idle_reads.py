"""`letter daily` with nothing due writes nothing and reads little: no file, no folder,
not a byte of the database changed, and the plans' standing not worked out at all when
no plan has an installment overdue that no reminder this month has covered. With a plan
behind, the reminder is made as before."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import ON_ANY_DAY, Cli

LETTERHEAD = '[letterhead]\nphone = "08-1"\nsocialjouren_phone = "08-2"\n'

PROBE = """
import json, sys
sys.argv = ["bostad", *json.loads(sys.argv[1])]
from bostadcli.cli import main
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code or 0
print(json.dumps([code, "bostadcli.plans" in sys.modules]), file=sys.stderr)
"""


def _daily(cli: Cli, out: Path, day: str) -> tuple[int, bool, str]:
    """Exit code, whether the plans module was loaded, and what the run said."""
    args = ["letter", "daily", "--format", "html", "--out-dir", str(out), "--as-of", day]
    result = subprocess.run(
        [sys.executable, "-c", ON_ANY_DAY + PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "BOSTAD_DB": str(cli.db_path),
            "BOSTAD_CONFIG": str(cli.config_path),
            "BOSTAD_LANG": "en",
        },
        timeout=120,
    )
    lines = result.stderr.strip().splitlines()
    code, plans_loaded = json.loads(lines[-1])
    return code, plans_loaded, "\n".join(lines[:-1])


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_nothing_due_reads_no_plan_and_writes_nothing(initialised: Cli, tmp_path: Path) -> None:
    cli = initialised
    cli.config_path.write_text(LETTERHEAD, encoding="utf-8")
    ref = cli.ok(
        "household", "add", "Anna Andersson", "--street", "Storgatan 1", "--postal-code",
        "441 30", "--city", "Ängby", "--landlord", "Ängbyhem AB", "--create-landlord",
        "--source", "landlord", "--as-of", "2026-09-01", "--opened", "2026-09-01",
    ).stdout.strip()  # fmt: skip
    cli.ok(
        "plan", "create", ref, "--debt", "6000", "--installment", "1000",
        "--as-of", "2026-09-01",
    )  # fmt: skip
    first = tmp_path / "first"
    # The case's first letter (and its plan's reminder, if behind) are made once.
    code, _loaded, said = _daily(cli, first, "2026-09-02")
    assert code == 0, said
    for paid_on in ("2026-09-25", "2026-10-25", "2026-11-10"):
        cli.ok("plan", "pay", "P-0001", "--amount", "1000", "--date", paid_on, "--as-of", paid_on)
    db = Path(cli.db_path)
    before = _digest(db)
    out = tmp_path / "out"
    code, loaded, said = _daily(cli, out, "2026-11-16")
    assert code == 0, said
    assert "0 new" in said and "no folder made" in said
    assert not loaded  # the plan is paid up: its standing is not worked out
    assert not out.exists()
    assert _digest(db) == before


def test_a_plan_behind_gets_its_reminder(initialised: Cli, tmp_path: Path) -> None:
    cli = initialised
    cli.config_path.write_text(LETTERHEAD, encoding="utf-8")
    ref = cli.ok(
        "household", "add", "Anna Andersson", "--street", "Storgatan 1", "--postal-code",
        "441 30", "--city", "Ängby", "--landlord", "Ängbyhem AB", "--create-landlord",
        "--source", "landlord", "--as-of", "2026-09-01", "--opened", "2026-09-01",
    ).stdout.strip()  # fmt: skip
    cli.ok(
        "plan", "create", ref, "--debt", "6000", "--installment", "1000",
        "--as-of", "2026-09-01",
    )  # fmt: skip
    code, _loaded, said = _daily(cli, tmp_path / "first", "2026-09-02")
    assert code == 0, said
    out = tmp_path / "out"
    code, loaded, said = _daily(cli, out, "2026-11-16")  # nothing paid: behind or broken
    assert code == 0, said
    assert loaded
    assert (out / f"{ref}-plan_reminder.html").exists()
    # Reminded this month: the next run does not remind again, nor work the plan out.
    code, loaded, said = _daily(cli, tmp_path / "again", "2026-11-17")
    assert code == 0, said
    assert "0 new" in said and not loaded
