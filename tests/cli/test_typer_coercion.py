"""Parameters are converted as Typer converts them, without building a pydantic adapter
for each (cli/typer_coercion.py).

Every parameter of every command is run through both: the quick coercion and Typer's
own (``build_runtime_param``), on the values a user types, good and bad. The results,
or the errors word for word, must be the same. If Typer's internals change under us,
``test_the_typer_internals_are_there`` says so first.
"""

from __future__ import annotations

import inspect
import os
from pathlib import Path
from typing import Any

import typer
from typer import _coercion, core

from bostadcli.cli import typer_coercion
from bostadcli.cli.app import app

VALUES: list[Any] = [
    "",
    " ",
    "x",
    "-",
    "Anna Öberg",
    "0",
    "1",
    "12",
    "007",
    "-3",
    "+4",
    " 5",
    "5 ",
    "1_000",
    "1e3",
    "2.5",
    "٣",
    "9" * 19,
    "9" * 30,
    "2026-11-16",
    "2026-0042",
    "P-0001",
    "a/b",
    "a//b/",
    "/nonexistent/folder/file.csv",
    "csv",
    "CSV",
    "json",
    "table",
    "html",
    "pdf",
    "sv",
    "landlord",
    "Landlord",
    "child",
    "unpaid_rent",
    "nope",
    "\ud800",
    "a\x00b",
    0,
    7,
    True,
    Path("some/file"),
]


def all_params() -> list[tuple[str, Any, Any]]:
    root = typer.main.get_command(app)
    found: list[tuple[str, Any, Any]] = []

    def walk(command: Any, path: str) -> None:
        for param in getattr(command, "params", []):
            if isinstance(param, core._TyperParameter):
                found.append((f"{path} {param.name}", command, param))
        commands = getattr(command, "commands", {})
        for name in commands:
            walk(commands[name], f"{path} {name}")

    walk(root, "bostad")
    return found


def outcome(coercion: Any, value: Any, param: Any, ctx: Any) -> tuple[str, Any]:
    try:
        value = coercion.coerce(value, param=param, ctx=ctx)
    except Exception as exc:
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        return ("error", (type(exc), message, getattr(exc, "exit_code", None)))
    return ("value", (type(value), value))


def test_the_typer_internals_are_there() -> None:
    """The quick coercion leans on these; a Typer without them must be noticed here
    (install() then does nothing and every command is as slow as before)."""
    assert typer_coercion.supported()
    assert typer_coercion.install()
    assert "_runtime_param" in inspect.getsource(core._TyperParameter.process_value) or (
        "get_runtime_param" in inspect.getsource(core._TyperParameter.process_value)
    )
    assert {"annotation", "parameter_info"} <= set(_coercion.RuntimeParam.__dataclass_fields__)
    assert list(inspect.signature(_coercion.RuntimeParam.coerce).parameters) == [
        "self",
        "value",
        "param",
        "ctx",
    ]
    # Typer's own coercion of None, the case the quick one answers without an adapter.
    assert "if value is None" in inspect.getsource(_coercion.RuntimeParam.coerce)


def test_every_parameter_is_coerced_as_typer_does(tmp_path: Path) -> None:
    a_file = tmp_path / "file.csv"
    a_file.write_text("x", encoding="utf-8")
    values = [*VALUES, str(a_file), str(tmp_path), a_file]
    params = all_params()
    assert len(params) > 300
    checked = 0
    for where, command, param in params:
        descriptor = param.type_descriptor
        quick = typer_coercion.quick_runtime_param(descriptor)
        theirs = _coercion.build_runtime_param(descriptor)
        ctx = typer.Context(command)
        candidates = [None, param.default, *values]
        if param.multiple:
            candidates += [(), tuple(v for v in values if isinstance(v, str))[:4], ("csv",)]
        for value in candidates:
            if param.multiple and isinstance(value, str):
                continue
            mine = outcome(quick, value, param, ctx)
            typers = outcome(theirs, value, param, ctx)
            assert mine == typers, (where, value)
            checked += 1
    assert checked > 10_000


def test_a_command_builds_no_adapter(tmp_path: Path) -> None:
    """`household show` converts its parameters without pydantic."""
    import json
    import subprocess
    import sys

    probe = (
        "import json, sys\n"
        "sys.argv = ['bostad', 'household', 'show', '2026-0001']\n"
        "from bostadcli.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic')),"
        " file=sys.stderr)\n"
    )
    env = {
        **os.environ,
        "BOSTAD_DB": str(tmp_path / "none.sqlite"),
        "BOSTAD_CONFIG": str(tmp_path / "config.toml"),
        "BOSTAD_LANG": "sv",
    }
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    assert json.loads(result.stderr.strip().splitlines()[-1]) == []
