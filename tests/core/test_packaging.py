"""The built wheel works on its own: installed into a fresh virtual environment."""

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload, no-any-return]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel built from this checkout (not an editable install)."""
    work = tmp_path_factory.mktemp("wheel")
    built = _run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(work / "dist"),
            str(ROOT),
        ]
    )
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next((work / "dist").glob("bostadcli-*.whl"))
    env_dir = work / "venv"
    venv.create(env_dir, with_pip=True)
    # With the pdf extra, as the README's first command installs it.
    pip = _run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", f"{wheel}[pdf]"])
    assert pip.returncode == 0, pip.stderr[-2000:]
    return env_dir


def test_wheel_installs_and_records_a_household(installed: Path, tmp_path: Path) -> None:
    bostad = str(installed / "bin" / "bostad")
    env = {
        **os.environ,
        "BOSTAD_DB": str(tmp_path / "b.sqlite"),
        "BOSTAD_CONFIG": str(tmp_path / "config.toml"),
        "BOSTAD_LANG": "sv",
    }
    env.pop("PYTHONPATH", None)
    init = _run([bostad, "init"], env=env, cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    assert "Skapade databasen" in init.stderr  # the Swedish catalog is in the wheel
    added = _run(
        [
            bostad,
            "household",
            "add",
            "Anna Andersson",
            "--pnr",
            "811218-9876",
            "--landlord",
            "Exempelhem AB",
            "--create-landlord",
            "--arrears",
            "14 900",
            "--child",
            "2015-03-02",
            "--as-of",
            "2026-12-05",
        ],
        env=env,
        cwd=tmp_path,
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "2026-0001"
    listed = _run(
        [bostad, "household", "list", "--format", "csv", "--as-of", "2026-12-05"],
        env=env,
        cwd=tmp_path,
    )
    assert listed.returncode == 0, listed.stderr
    assert "19811218-****" in listed.stdout and "9876" not in listed.stdout


def test_wheel_with_the_pdf_extra_makes_the_demo_as_pdf(installed: Path, tmp_path: Path) -> None:
    env = {**os.environ, "BOSTAD_LANG": "sv"}
    env.pop("PYTHONPATH", None)
    out = tmp_path / "demo"
    demo = _run(
        [str(installed / "bin" / "bostad"), "demo", "--out", str(out), "--as-of", "2026-11-16"],
        env=env,
        cwd=tmp_path,
    )
    assert demo.returncode == 0, demo.stderr
    assert "HTML" not in demo.stderr, demo.stderr
    letters = sorted(p.name for p in (out / "brev-2026-11").iterdir())
    assert "utskrift-2026-11.pdf" in letters
    assert any(name.endswith("-outreach.pdf") for name in letters)


def test_the_ready_catalog_is_in_the_wheel_and_used(installed: Path) -> None:
    """The Swedish catalog's ready-made copy ships beside the .mo and matches it."""
    done = _run(
        [
            str(installed / "bin" / "python"),
            "-c",
            "from bostadcli import i18n; print(i18n._ready_catalog('sv') is not None)",
        ],
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
