"""A template folder that is a file is called a file, not a folder that does not exist."""

from __future__ import annotations

from pathlib import Path

import pytest

from bostadcli import i18n
from conftest import Cli


@pytest.mark.parametrize("how", ["env", "option"])
def test_a_file_as_template_folder_is_named_a_file(
    initialised: Cli, tmp_path: Path, how: str
) -> None:
    plain = tmp_path / "passwd"
    plain.write_text("root:x:0:0\n", encoding="utf-8")
    args = ["template", "list"]
    env = {"BOSTAD_TEMPLATES": str(plain)} if how == "env" else {}
    if how == "option":
        args += ["--templates", str(plain)]
    i18n.setup("sv")
    try:
        result = initialised(*args, env=env)
    finally:
        i18n.setup("en")
    assert result.exit_code == 1
    assert result.stderr == f"fel: mallmappen är en fil, inte en mapp: {plain}\n"


def test_a_missing_template_folder_is_still_missing(initialised: Cli, tmp_path: Path) -> None:
    result = initialised("template", "list", env={"BOSTAD_TEMPLATES": str(tmp_path / "none")})
    assert result.exit_code == 1
    assert "the template folder does not exist" in result.stderr
