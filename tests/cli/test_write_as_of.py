"""--as-of on a command that writes: one rule for every writer (dates.check_record_day).

A command that writes dates what it records by --as-of, so a day no record can have on
the real date (2200-12-31, 1900-01-01, a month and a day ahead, more than the retention
years back) is refused in one line, with the database untouched and no folder made.
Commands that only read, and dry runs, take any day.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import typer

from bostadcli import dates, i18n
from conftest import Cli, sql_dump

# The real date of these tests (the demo's day, a Monday); the window around it.
REAL = date(2026, 11, 16)
FIRST, LAST = "2021-11-16", "2026-12-17"
TOO_EARLY, TOO_LATE = "2021-11-15", "2026-12-18"
BAD_DAYS = ("2200-12-31", "1900-01-01", TOO_LATE, TOO_EARLY)
_RULE = dates.record_day_window

# Every command that writes and takes --as-of: the steps that prepare its case on a
# copy of the demo (``{last}`` is the standard output of the step before), then the
# command. Run on REAL, each succeeds: a refusal is the date's doing.
WRITES: dict[str, tuple[list[list[str]], list[str]]] = {
    "household add": ([], ["household", "add", "Test Testsson"]),
    "household close": ([], ["household", "close", "2026-0004", "--outcome", "stays"]),
    "household reopen": (
        [["household", "close", "2026-0004", "--outcome", "stays"]],
        ["household", "reopen", "2026-0004"],
    ),
    "member add": ([], ["member", "add", "2026-0004", "--name", "Kim", "--born", "2010-01-01"]),
    "member edit": ([], ["member", "edit", "2026-0004", "9", "--name", "Erik J", "--reason", "r"]),
    "notice add": (
        [],
        ["notice", "add", "2026-0004", "--kind", "termination", "--ground", "unpaid_rent"],
    ),
    "notice edit": ([], ["notice", "edit", "3", "--note", "x", "--reason", "r"]),
    "contact add": ([], ["contact", "add", "2026-0004", "--kind", "phone", "--text", "Samtal"]),
    "contact held": (
        [
            [
                "contact",
                "add",
                "2026-0004",
                "--kind",
                "meeting",
                "--planned",
                "--at",
                "2026-11-16 09:00",
                "--text",
                "Möte",
            ]
        ],
        ["contact", "held", "{last}"],
    ),
    "contact cancel": (
        [
            [
                "contact",
                "add",
                "2026-0004",
                "--kind",
                "meeting",
                "--planned",
                "--at",
                "2026-11-20 09:00",
                "--text",
                "Möte",
            ]
        ],
        ["contact", "cancel", "{last}"],
    ),
    "contact correct": ([], ["contact", "correct", "1", "--text", "Rättad", "--reason", "r"]),
    "plan create": ([], ["plan", "create", "2026-0001", "--debt", "1000", "--installment", "100"]),
    "plan pay": ([], ["plan", "pay", "P-0001", "--amount", "100"]),
    "plan cancel": ([], ["plan", "cancel", "P-0002"]),
    "plan void-payment": ([], ["plan", "void-payment", "P-0001", "1", "--reason", "r"]),
    "support add": (
        [],
        [
            "support",
            "add",
            "2026-0004",
            "--kind",
            "emergency_housing",
            "--nights-from",
            "2026-11-16",
            "--nights-to",
            "2026-11-18",
        ],
    ),
    "support end": ([], ["support", "end", "1"]),
    "support edit": ([], ["support", "edit", "1", "--note", "x"]),
    "undertaking add": (
        [],
        [
            "undertaking",
            "add",
            "2026-0001",
            "--covers",
            "hyran",
            "--decided-by",
            "Karin Ek",
            "--amount",
            "7450",
            # The window's days are before the real date: a back-dated undertaking says why.
            "--reason",
            "r",
        ],
    ),
    "caseworker retire": ([], ["caseworker", "retire", "OB", "--move-to", "KE"]),
    "consent add": ([], ["consent", "add", "2026-0004", "--recipient", "landlord"]),
    "consent revoke": (
        [["consent", "add", "2026-0004", "--recipient", "landlord"]],
        ["consent", "revoke", "2026-0004", "--recipient", "landlord"],
    ),
    "import notices": ([], ["import", "notices", "{tmp}/list.csv", "--landlord", "Exempelhem AB"]),
    "import household": (
        [["export", "household", "2026-0004", "--out", "{tmp}/case.json"]],
        ["import", "household", "{tmp}/case.json"],
    ),
    "letter render": (
        [],
        [
            "letter",
            "render",
            "2026-0001",
            "meeting",
            "--param",
            "date=2026-11-30",
            "--param",
            "time=10:00",
            "--param",
            "place=Stora torget 1",
            "-f",
            "html",
            "--out",
            "{tmp}/m.html",
        ],
    ),
    "letter monthly": ([], ["letter", "monthly", "-f", "html", "--out-dir", "{tmp}/brev"]),
    "letter daily": ([], ["letter", "daily", "-f", "html", "--out-dir", "{tmp}/brev"]),
    "demo": ([], ["demo", "--out", "{tmp}/demo2"]),
}

# Commands with --as-of that only read, and writers' ways of only reading: any day.
READS: dict[str, list[str]] = {
    "household list": ["household", "list"],
    "household show": ["household", "show", "2026-0001"],
    "notice list": ["notice", "list"],
    "consent list": ["consent", "list"],
    "plan show": ["plan", "show", "P-0001"],
    "plan list": ["plan", "list"],
    # It records states on the real date only: any other --as-of only shows.
    "plan check": ["plan", "check"],
    "support list": ["support", "list"],
    "support quota": ["support", "quota"],
    "undertaking list": ["undertaking", "list"],
    "report deadlines": ["report", "deadlines"],
    "report caseload": ["report", "caseload"],
    "report year": ["report", "year", "--format", "json"],
    "export": ["export", "households"],
    "export household": ["export", "household", "2026-0001", "--out", "-"],
    "purge": ["purge", "--dry-run"],
}
DRY_RUNS: dict[str, list[str]] = {
    "plan create": [*WRITES["plan create"][1], "--dry-run"],
    "import notices": [*WRITES["import notices"][1], "--dry-run"],
    "letter render": ["letter", "render", "2026-0001", "outreach", "-f", "html", "--out", "-"],
    "letter monthly": [*WRITES["letter monthly"][1], "--dry-run"],
    "letter daily": [*WRITES["letter daily"][1], "--dry-run"],
}


@pytest.fixture(autouse=True)
def real_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rule in force, on a fixed real date (the suite's conftest lifts it)."""
    monkeypatch.setattr(dates, "record_day_window", lambda today=None: _RULE(today or REAL))


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bostadcli.demo import build_demo

    folder = tmp_path_factory.mktemp("write-as-of") / "demo"
    build_demo(folder, as_of=REAL)
    return folder


@pytest.fixture
def demo(pristine: Path, tmp_path: Path) -> Iterator[Cli]:
    for name in ("bostad.sqlite", "config.toml"):
        shutil.copy(pristine / name, tmp_path / name)
    (tmp_path / "list.csv").write_text("Namn;Personnummer;Adress;Skuld\n", encoding="utf-8")
    yield Cli(db_path=tmp_path / "bostad.sqlite", config_path=tmp_path / "config.toml")


def _fill(args: list[str], tmp: Path, last: str = "") -> list[str]:
    return [a.replace("{tmp}", str(tmp)).replace("{last}", last) for a in args]


def test_the_window() -> None:
    assert _RULE(REAL) == (date.fromisoformat(FIRST), date.fromisoformat(LAST))
    # 29 February: five years back has no such day; the 28th is the first.
    assert _RULE(date(2028, 2, 29))[0] == date(2023, 2, 28)


@pytest.mark.parametrize("name", sorted(WRITES))
def test_a_writer_refuses_a_day_far_from_the_real_one(demo: Cli, tmp_path: Path, name: str) -> None:
    setup, command = WRITES[name]
    last = ""
    for step in setup:
        last = demo.ok(*_fill(step, tmp_path), "--as-of", REAL.isoformat()).stdout.strip()
    args = _fill(command, tmp_path, last)
    before = sql_dump(demo.db_path)
    files = sorted(tmp_path.rglob("*"))
    for day in BAD_DAYS:
        result = demo(*args, "--as-of", day)
        assert result.exit_code == 1, (day, result.stdout, result.stderr)
        assert result.stderr.count("\n") == 1, result.stderr
        for part in ("--as-of", day, FIRST, LAST):
            assert part in result.stderr, (part, result.stderr)
        assert sql_dump(demo.db_path) == before
        assert sorted(tmp_path.rglob("*")) == files  # no folder, no file
    # The same command on a day in the window does its work.
    assert demo(*args, "--as-of", REAL.isoformat()).exit_code in (0,), name


@pytest.mark.parametrize("day", [FIRST, LAST])
def test_the_window_holds_its_first_and_last_day(demo: Cli, day: str) -> None:
    demo.ok("household", "add", "Test Testsson", "--as-of", day)


@pytest.mark.parametrize("name", sorted(READS) + [f"{n} (dry run)" for n in sorted(DRY_RUNS)])
def test_reading_takes_any_day(demo: Cli, tmp_path: Path, name: str) -> None:
    args = DRY_RUNS[name.removesuffix(" (dry run)")] if name.endswith("(dry run)") else READS[name]
    before = sql_dump(demo.db_path)
    # (2199: a plan made on 2200-12-31 would start in 2201, past the years dates take.)
    for day in ("2199-12-31", "1900-01-01", TOO_LATE):
        result = demo(*_fill(args, tmp_path), "--as-of", day)
        assert result.exit_code == 0, (name, day, result.stderr)
    if not name.startswith(("export", "letter render")):
        assert sql_dump(demo.db_path) == before


def test_the_message_is_swedish_in_swedish(demo: Cli) -> None:
    i18n.setup("sv")
    result = demo("letter", "daily", "--as-of", "2200-12-31")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "fel: --as-of: ett kommando som sparar något godtar ett datum från och med 2021-11-16"
        " till och med 2026-12-17 (listor, rapporter och --dry-run godtar vilket datum som"
        " helst): '2200-12-31'"
    )


def _commands(command: Any, ctx: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    # Typer ships its own copy of Click: a group is whatever has subcommands.
    if hasattr(command, "list_commands"):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                sub_ctx = sub.make_context(name, [], parent=ctx, resilient_parsing=True)
                yield from _commands(sub, sub_ctx, (*path, name))
    elif any("--as-of" in getattr(p, "opts", ()) for p in command.params):
        yield path


def test_every_command_with_as_of_is_known_to_write_or_read() -> None:
    """A new command with --as-of must say here which it is, so a writer cannot slip past
    the rule."""
    from bostadcli.cli.app import app

    root = typer.main.get_command(app)
    ctx = root.make_context("bostad", [], resilient_parsing=True)
    found = {" ".join(path) for path in _commands(root, ctx)}
    # export's tables are commands of their own, one per table.
    found = {"export" if n.startswith("export ") and n != "export household" else n for n in found}
    assert found == set(WRITES) | set(READS)


# The day something happened, given to a command that writes: the same window.
RECORD_DATES: list[list[str]] = [
    ["household", "add", "Test Testsson", "--opened", "{day}"],
    ["household", "close", "2026-0004", "--outcome", "stays", "--date", "{day}"],
    ["contact", "add", "2026-0004", "--kind", "phone", "--text", "Samtal", "--date", "{day}"],
    ["notice", "add", "2026-0004", "--kind", "termination", "--served", "{day}"],
    ["notice", "edit", "1", "--served", "{day}", "--reason", "r"],
    ["plan", "pay", "P-0001", "--amount", "100", "--date", "{day}"],
    ["plan", "cancel", "P-0002", "--date", "{day}"],
    ["consent", "add", "2026-0004", "--recipient", "landlord", "--given", "{day}", "--reason", "r"],
    ["undertaking", "add", "2026-0001", "--covers", "hyran", "--decided-by", "Karin Ek",
     "--given", "{day}", "--reason", "r"],
    ["support", "end", "1", "--date", "{day}"],
]  # fmt: skip


@pytest.mark.parametrize("args", RECORD_DATES, ids=lambda a: " ".join(a[:2]))
def test_the_day_of_what_is_recorded_is_in_the_window(demo: Cli, args: list[str]) -> None:
    before = sql_dump(demo.db_path)
    for day in ("1900-01-02", TOO_EARLY):
        result = demo(*[a.replace("{day}", day) for a in args], "--as-of", REAL.isoformat())
        assert result.exit_code == 1, (day, result.stderr)
        assert f"the day of what is recorded must be from {FIRST} to {LAST}" in result.stderr
        assert f"'{day}'" in result.stderr and result.stderr.count("\n") == 1
        assert sql_dump(demo.db_path) == before


def test_a_birth_date_is_no_day_of_a_record(demo: Cli) -> None:
    demo.ok("member", "add", "2026-0004", "--name", "Gammal", "--born", "1931-05-01",
            "--as-of", REAL.isoformat())  # fmt: skip
