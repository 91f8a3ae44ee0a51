"""Numbers, files and config fail cleanly; personnummer can stay off the command line.

The numeric options are found by walking the command tree, so an option added later is
attacked too (and must be given a base command line here before this test passes).
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bostadcli.errors import BostadError
from conftest import Cli

AS_OF = ["--as-of", "2026-11-16"]
SEED = 20261204

# A command line that reaches the numeric option: the option's value is appended.
BASE: dict[tuple[str, str], list[str]] = {
    ("household list", "--within"): ["household", "list", "--within"],
    ("member remove", "member"): ["member", "remove", "2026-0001"],
    ("notice list", "--upcoming"): ["notice", "list", "--upcoming"],
    ("support add", "--cap-months"): ["support", "add", "2026-0001", "--kind", "rent_guarantee",
                                      "--end", "2027-01-01", *AS_OF, "--cap-months"],
    ("support end", "support_id"): ["support", "end"],
    ("support edit", "support_id"): ["support", "edit"],
    ("support edit", "--cap-months"): ["support", "edit", "1", "--cap-months"],
    ("support list", "--year"): ["support", "list", "--year"],
    ("support quota", "--year"): ["support", "quota", "--year"],
    ("plan create", "--months"): ["plan", "create", "2026-0001", "--debt", "1000", "--months"],
    ("report deadlines", "--days"): ["report", "deadlines", "--days"],
    ("report year", "--year"): ["report", "year", "--year"],
    ("contact cancel", "contact_id"): ["contact", "cancel"],
    ("contact held", "contact_id"): ["contact", "held"],
    ("contact correct", "contact_id"): ["contact", "correct", "--reason", "typo", "--text", "x"],
    ("member edit", "member"): ["member", "edit", "--reason", "typo", "--name", "X", "2026-0001"],
    ("member fix-century", "member"): ["member", "fix-century", "2026-0001"],
    ("notice edit", "notice_id"): ["notice", "edit", "--reason", "typo", "--amount", "100"],
    ("notice void", "notice_id"): ["notice", "void", "--reason", "duplicate"],
    ("plan void-payment", "payment"): ["plan", "void-payment", "--reason", "typo", "P-0001"],
    ("undertaking add", "--notice"): ["undertaking", "add", "2026-0001", "--covers", "Hyran",
                                      "--decided-by", "KE", *AS_OF, "--notice"],
}  # fmt: skip
# Every option that takes an amount (parsed by money.parse_money).
MONEY: list[list[str]] = [
    ["household", "add", "X", "--rent"],
    ["household", "add", "X", "--arrears"],
    ["household", "edit", "2026-0001", "--rent"],
    ["household", "edit", "2026-0001", "--arrears"],
    ["notice", "add", "2026-0001", "--kind", "notice", "--amount"],
    ["plan", "create", "2026-0001", "--debt"],
    ["plan", "create", "2026-0001", "--debt", "1000", "--installment"],
    ["plan", "pay", "P-0001", "--amount"],
    ["support", "add", "2026-0001", "--kind", "rent_guarantee", "--cap"],
    ["support", "add", "2026-0001", "--kind", "emergency_housing", "--cost"],
]

HOSTILE_NUMBERS = [
    str(2**63),
    str(-(2**63)),
    str(2**64 + 1),
    "9" * 5000,
    "1" + "0" * 4400,
    "1e9",
    "0x10",
    "١٢",  # Arabic-Indic digits: int() would take them
    "1_000",
    "",
    " ",
    "NaN",
    "inf",
    "12abc",
    "--1",
]


def _int_params() -> Iterator[tuple[str, str]]:
    import typer

    from bostadcli.cli.app import app

    def walk(cmd: Any, path: list[str]) -> Iterator[tuple[str, str]]:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                yield from walk(sub, [*path, name])
            return
        for param in cmd.params:
            annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
            ptype = getattr(param, "type", None)
            is_int = annotation is int or getattr(ptype, "name", "") == "integer"
            if is_int and not getattr(param, "is_flag", False):
                opts = [o for o in param.opts if o.startswith("--")]
                yield " ".join(path), opts[0] if opts else str(param.name)

    yield from walk(typer.main.get_command(app), [])


def test_every_numeric_option_is_attacked() -> None:
    found = set(_int_params())
    assert found, "no numeric option found: the walk no longer sees the command tree"
    assert found <= set(BASE), f"give these a base command line: {sorted(found - set(BASE))}"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    folder = tmp_path_factory.mktemp("numbers")
    cli = Cli(db_path=folder / "bostad.sqlite", config_path=folder / "config.toml")
    cli.ok("init")
    cli.ok("household", "add", "Anna Andersson", *AS_OF)
    return cli


def _one_line_failure(result: Any) -> None:
    assert result.exit_code in (1, 2), (result.exit_code, result.stdout[:200])
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.strip() and result.stderr.count("\n") <= 2  # usage errors add a hint


@pytest.mark.parametrize("key", sorted(BASE), ids=lambda k: f"{k[0]} {k[1]}")
def test_hostile_numbers_fail_in_one_line(seeded: Cli, key: tuple[str, str]) -> None:
    rng = random.Random(SEED)
    corpus = HOSTILE_NUMBERS + [
        str(rng.randrange(10**20, 10**40)) for _ in range(3)
    ]  # seeded: the same values on every run
    before = seeded.dump()
    for value in corpus:
        result = seeded(*BASE[key], value)
        _one_line_failure(result)
    assert seeded.dump() == before


@pytest.mark.parametrize("base", MONEY, ids=lambda b: " ".join(b[:2] + b[-1:]))
def test_hostile_amounts_fail_in_one_line(seeded: Cli, base: list[str]) -> None:
    before = seeded.dump()
    for value in ["9" * 5000, "1" + "0" * 20 + ",00", "-" + "9" * 400, "1e400", "١٢٣", "12,345"]:
        result = seeded(*base, value, *AS_OF)
        _one_line_failure(result)
    assert seeded.dump() == before


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="0123456789-+ ,.\u00a0e_x", max_size=60) | st.integers().map(str))
def test_the_number_parser_never_escapes(text: str) -> None:
    from bostadcli.money import MAX_AMOUNT_ORE, parse_money
    from bostadcli.validate import bounded_int

    try:
        n = bounded_int(text, field="--n", low=0, high=3653)
    except BostadError:
        pass
    else:
        assert 0 <= n <= 3653
    try:
        m = parse_money(text, field="--amount", allow_negative=True)
    except BostadError:
        pass
    else:
        assert abs(m.ore) <= MAX_AMOUNT_ORE


# Special files as an import ---------------------------------------------------------


@pytest.fixture
def alarm() -> Iterator[None]:
    """A hang fails the test instead of stopping the suite."""

    def timeout(signum: int, frame: object) -> None:
        raise TimeoutError("the command hung")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("kind", ["notices", "household"])
@pytest.mark.parametrize("special", ["/dev/zero", "fifo", "folder", "socket", "/dev/null"])
def test_special_files_are_refused_as_imports(
    seeded: Cli, tmp_path: Path, kind: str, special: str, alarm: None
) -> None:
    if special == "fifo":
        target = tmp_path / "list.csv"
        os.mkfifo(target)  # no writer: opening it would wait for ever
    elif special == "folder":
        target = tmp_path
    elif special == "socket":
        target = tmp_path / "s.sock"
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(target))
        sock.close()
    else:
        target = Path(special)
    before = seeded.dump()
    result = seeded("import", kind, str(target), *AS_OF)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and str(target) in result.stderr
    assert seeded.dump() == before


def test_an_endless_stream_on_standard_input_is_cut_off(tmp_path: Path, seeded: Cli) -> None:
    from bostadcli.files import copy_bounded, read_bounded

    with open("/dev/zero", "rb") as zero, open(tmp_path / "sink", "wb") as sink:
        with pytest.raises(BostadError, match="larger than"):
            copy_bounded(zero, sink, limit=5_000_000, field="standard input")
        with pytest.raises(BostadError, match="larger than"):
            read_bounded(zero, limit=1_000_000, field="standard input")


@pytest.mark.parametrize(
    "document",
    ["[" * 100_000 + "]" * 100_000, '{"a": ' + "9" * 5000 + "}", '{"a": ' * 50_000],
    ids=["deep", "huge number", "unfinished"],
)
def test_hostile_case_documents_fail_in_one_line(
    seeded: Cli, tmp_path: Path, document: str
) -> None:
    path = tmp_path / "case.json"
    path.write_text(document)
    result = seeded("import", "household", str(path))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1


# The config ----------------------------------------------------------------------------


CONFIG_CASES = {
    "absurd retention": ("[policy]\nretention_years = 100000\n", "retention_years"),
    "negative retention": ("[policy]\nretention_years = -1\n", "retention_years"),
    "zero retention": ("[policy]\nretention_years = 0\n", "retention_years"),
    "huge warning": ("[policy]\nno_contact_warning_days = 9223372036854775807\n", "no_contact"),
    "wrong type": ('[policy]\nplan_behind_days = "7"\n', "plan_behind_days"),
    "float": ("[policy]\nplan_behind_days = 7.5\n", "plan_behind_days"),
    "unknown key": ("[policy]\nretention = 5\n", "retention"),
    "unknown section": ("[polcy]\nretention_years = 5\n", "polcy"),
    "section not a table": ("policy = 5\n", "policy"),
    "deep nesting": ("a = " + "[" * 5000 + "]" * 5000 + "\n", "nested"),
    "deep tables": ("[" + ".".join(["a"] * 3000) + "]\n", "[a]"),
    "invalid toml": ("[policy\n", "TOML"),
    "huge integer": ("[policy]\nretention_years = " + "9" * 5000 + "\n", "config.toml"),
    "normalbelopp text": ('[normalbelopp.2026]\nsingle = "many"\n', "single"),
    "normalbelopp unknown": ("[normalbelopp.2026]\nsingel = 6000\n", "singel"),
    "normalbelopp year": ("[normalbelopp.99999999]\nsingle = 6000\n", "normalbelopp"),
    "quota float": ('[priority_quota]\n"Exempelhem AB" = 1e9\n', "Exempelhem"),
    "quota text": ('[priority_quota]\n"Exempelhem AB" = "40"\n', "Exempelhem"),
    "language": ('[general]\nlanguage = "klingon"\n', "language"),
    "general unknown": ('[general]\ntemplate_dir = "x"\n', "template_dir"),
    "control character": ('[letterhead]\nphone = "08\\u001b[31m"\n', "phone"),
    "not utf-8": (b'[letterhead]\nunit = "\xe5\xe4\xf6"\n', "UTF-8"),
}


@pytest.mark.parametrize("case", CONFIG_CASES)
def test_a_broken_config_is_one_line_naming_the_file_and_key(cli: Cli, case: str) -> None:
    text, named = CONFIG_CASES[case]
    cli.config_path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        cli.config_path.write_bytes(text)
    else:
        cli.config_path.write_text(text, encoding="utf-8")
    cli.ok("init")
    result = cli("report", "deadlines", *AS_OF)
    assert result.exit_code == 1, result.stdout
    assert result.stderr.count("\n") == 1, result.stderr
    assert str(cli.config_path.name) in result.stderr
    assert named in result.stderr


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_a_config_that_is_a_device_or_pipe_does_not_hang(
    tmp_path: Path, special: str, alarm: None
) -> None:
    if special == "fifo":
        config = tmp_path / "config.toml"
        os.mkfifo(config)
    else:
        config = tmp_path / "config.toml"
        config.symlink_to(special)
    env = os.environ | {"BOSTAD_CONFIG": str(config), "BOSTAD_DB": str(tmp_path / "x.sqlite")}
    for command, code in (["init"], 0), (["report", "deadlines"], 1):
        done = subprocess.run(
            [sys.executable, "-m", "bostadcli", "--lang", "en", *command],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == code, done.stderr
    assert "config.toml" in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f'"{k}" = {_toml_value(v)}' for k, v in value.items()) + "}"
    return repr(value)


SECTION_NAMES = ["general", "letterhead", "policy", "priority_quota", "normalbelopp", "other"]
KEYS = ["retention_years", "plan_behind_days", "language", "templates_dir", "phone",
        "single", "2026", "Exempelhem AB", "x"]  # fmt: skip
scalars = (
    st.integers(min_value=-(2**70), max_value=2**70)
    | st.booleans()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner),
    max_leaves=10,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(SECTION_NAMES),
        st.dictionaries(st.sampled_from(KEYS), values, max_size=4),
        max_size=4,
    )
)
def test_generated_configs_load_or_fail_in_one_line(sections: dict[str, dict[str, Any]]) -> None:
    import tempfile

    from bostadcli.config import load_config

    text = "".join(
        f"[{name}]\n" + "".join(f'"{k}" = {_toml_value(v)}\n' for k, v in body.items())
        for name, body in sections.items()
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.toml"
        path.write_text(text, encoding="utf-8")
        try:
            config = load_config(path)
        except BostadError as exc:
            assert "\n" not in exc.message.strip() or "TOML" in exc.message
            assert str(path) in exc.message
        else:
            policy = config.policy
            assert 1 <= policy.retention_years <= 50
            assert all(0 <= v <= 1_000_000 for v in config.priority_quota.values())


# Personnummer on standard input -------------------------------------------------------


def test_pnr_from_standard_input(initialised: Cli) -> None:
    from typer.testing import CliRunner

    from bostadcli.cli.app import app

    env = {"BOSTAD_DB": str(initialised.db_path), "BOSTAD_CONFIG": str(initialised.config_path)}
    runner = CliRunner()
    made = runner.invoke(
        app,
        ["household", "add", "Anna Andersson", "--pnr", "-", "--co-tenant", "Bo Berg",
         "--co-tenant-pnr", "-", *AS_OF],
        input="811218-9876\n19790223-1005\n",
        env=env,
    )  # fmt: skip
    assert made.exit_code == 0, made.stderr
    shown = initialised.ok("household", "show", "2026-0001", "--include-pnr").stdout
    assert "19811218-9876" in shown and "19790223-1005" in shown
    member = runner.invoke(
        app,
        ["member", "add", "2026-0001", "--name", "Alva", "--pnr", "-", *AS_OF],
        input="20150302-1238\n",
        env=env,
    )
    assert member.exit_code == 0, member.stderr
    assert "20150302" in initialised.ok("household", "show", "2026-0001", "--include-pnr").stdout


@pytest.mark.parametrize(
    ("stdin", "message"),
    [("", "no personnummer"), ("\n", "no personnummer"), ("1" * 500 + "\n", "too long")],
)
def test_pnr_from_standard_input_refused(initialised: Cli, stdin: str, message: str) -> None:
    from typer.testing import CliRunner

    from bostadcli.cli.app import app

    before = initialised.dump()
    result = CliRunner().invoke(
        app,
        ["household", "add", "Anna", "--pnr", "-"],
        input=stdin,
        env={"BOSTAD_DB": str(initialised.db_path), "BOSTAD_CONFIG": str(initialised.config_path)},
    )
    assert result.exit_code == 1
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert initialised.dump() == before


def test_pnr_prompt_on_a_terminal_is_not_echoed(initialised: Cli) -> None:
    import pty

    env = os.environ | {
        "BOSTAD_DB": str(initialised.db_path),
        "BOSTAD_CONFIG": str(initialised.config_path),
        "BOSTAD_LANG": "en",
    }
    pid, fd = pty.fork()
    if pid == 0:  # the child: bostad on a terminal
        os.execve(
            sys.executable,
            [sys.executable, "-m", "bostadcli", "household", "add", "Anna", "--pnr", "-"],
            env,
        )
    seen = b""
    deadline = time.monotonic() + 30
    answered = False
    while time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if not answered and b"Personnummer" in seen:
            os.write(fd, b"811218-9876\n")
            answered = True
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert answered and os.waitstatus_to_exitcode(status) == 0, seen
    assert b"9876" not in seen  # typed, not shown
    shown = initialised.ok("household", "show", "2026-0001", "--include-pnr").stdout
    assert "19811218-9876" in shown
