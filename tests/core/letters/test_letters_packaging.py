"""The built wheel carries the templates: the demo runs from it, not from the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.slow


def test_demo_runs_from_the_built_wheel(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next(tmp_path.glob("bostadcli-*.whl"))
    site = tmp_path / "site"
    # No dependencies from the network: they are in this environment already.
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), wheel],
        capture_output=True,
        text=True,
        check=False,
    )
    assert pip.returncode == 0, pip.stderr[-2000:]
    assert (site / "bostadcli" / "templates" / "outreach.html.j2").is_file()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BOSTAD_TEMPLATES")}
    env["PYTHONPATH"] = str(site)
    out = tmp_path / "demo"
    demo = subprocess.run(
        [sys.executable, "-m", "bostadcli", "demo", "--out", str(out), "--as-of", "2026-11-16"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert demo.returncode == 0, demo.stderr
    where = subprocess.run(
        [sys.executable, "-c", "import bostadcli.templating as t; print(t.packaged_templates())"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.strip() == str(site / "bostadcli" / "templates")
    letters = sorted(p.name for p in (out / "brev-2026-11").iterdir())
    assert "2026-0001-outreach.pdf" in letters or "2026-0001-outreach.html" in letters
