"""The Swedish catalog is complete, current and compiled; the language is chosen right."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from bostadcli.i18n import detect_language

ROOT = Path(__file__).resolve().parents[2]


def _i18n_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_swedish_catalog_is_complete_current_and_compiled() -> None:
    problems = _i18n_script().problems()
    assert problems == [], "\n".join(problems[:40])


@pytest.mark.parametrize(
    ("argv", "env", "config", "expected"),
    [
        (["--lang", "en", "household", "list"], {"BOSTAD_LANG": "sv"}, None, "en"),
        (["--lang=sv"], {"LANG": "en_GB.UTF-8"}, None, "sv"),
        ([], {"BOSTAD_LANG": "en"}, "sv", "en"),
        ([], {}, "en", "en"),
        ([], {"LC_ALL": "en_US.UTF-8", "LANG": "sv_SE.UTF-8"}, None, "en"),
        ([], {"LANG": "sv_SE.UTF-8"}, None, "sv"),
        ([], {"LANG": "C.UTF-8"}, None, "sv"),
        ([], {}, None, "sv"),
        (["--", "--lang", "en"], {}, None, "sv"),
    ],
)
def test_language_detection_order(
    argv: list[str], env: dict[str, str], config: str | None, expected: str
) -> None:
    assert detect_language(argv, env, config) == expected


def test_swedish_is_the_default_interface(tmp_path: Path) -> None:
    env = {
        "PATH": "",
        "BOSTAD_DB": str(tmp_path / "x.sqlite"),
        "BOSTAD_CONFIG": str(tmp_path / "c.toml"),
        "LANG": "C.UTF-8",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bostadcli", "household", "list"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 1
    assert "bostad init" in result.stderr
    assert "no database" not in result.stderr  # the message is in Swedish
