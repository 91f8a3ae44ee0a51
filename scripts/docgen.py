"""Documentation generated from the code, for cog: the command reference, the schema and
the terminal screens shown in the README and the guides.

The Markdown files call these functions from ``[[[cog`` blocks, and CI runs
``cog --check`` on them, so the documentation cannot drift from the program. After a
change to a command, a help text, a screen, the Swedish catalog or a migration:

    cog -r README.md docs/*.md docs/sv/*.md docs/sv/*/*.md

``cli_reference(lang)`` renders every command's ``--help`` as plain text. Help texts are
translated when the command modules are imported, so each language is rendered in a
process of its own (``python scripts/docgen.py help LANG``), with a fixed width, without
Rich's boxes and colours and without the caller's environment: the output is the same
on every machine.

``database_schema()`` applies the migrations to an in-memory database one at a time and
describes what each added, then every table and view as the last one leaves them.

``transcript(steps)`` and ``demo_transcript(steps)`` run real commands, each in a process
of its own on a pseudo-terminal of a fixed width (as a caseworker's terminal shows them,
colours removed), against a new empty database or a fresh copy of the demo database
(``bostad demo --as-of DEMO_DAY``), and return the session as text. Every command gives
its own ``--as-of``, so the screens are the same whenever they are made.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database

ROOT = Path(__file__).resolve().parent.parent

# Click's own default: help is wrapped at 80 columns however wide the terminal is.
HELP_WIDTH = 80

# The internal bookkeeping of sqlite-utils' migrations, not part of bostadcli's schema.
MIGRATIONS_TABLE = "_sqlite_migrations"


# --- the command reference -------------------------------------------------------------


def _help_environment(lang: str) -> dict[str, str]:
    """The caller's environment without anything that could change the help text."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BOSTAD_", "LC_", "TYPER_", "_TYPER", "_BOSTAD"))
        and key not in {"LANG", "LANGUAGE", "COLUMNS", "LINES", "TERMINAL_WIDTH"}
    }
    src = str(ROOT / "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    env.update(
        {
            "BOSTAD_LANG": lang,
            "TYPER_USE_RICH": "0",
            "_TYPER_FORCE_DISABLE_TERMINAL": "1",
            "NO_COLOR": "1",
            "COLUMNS": str(HELP_WIDTH),
            "TERMINAL_WIDTH": str(HELP_WIDTH),
            "PYTHONIOENCODING": "utf-8",
        }
    )
    return env


def command_helps(lang: str) -> list[tuple[str, str]]:
    """(command path, help text) for every visible command, in a fresh process."""
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "help", lang],
        env=_help_environment(lang),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"rendering the {lang} help failed:\n{result.stderr}")
    return [(path, text) for path, text in json.loads(result.stdout)]


def _command_paths(command: Any, ctx: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    # Typer ships its own copy of Click: a group is whatever has subcommands.
    if hasattr(command, "list_commands"):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            sub_ctx = sub.make_context(name, [], parent=ctx, resilient_parsing=True)
            found.extend(_command_paths(sub, sub_ctx, (*path, name)))
    return found


def _dump_helps(lang: str) -> None:
    """Runs in the child process: the language first, then the app (see the module doc).

    Each help screen comes from the program's own entry point, ``bostad … --help``, so it
    has whatever the program adds to Click's help on the way (translated frame words).
    """
    import io
    from contextlib import redirect_stdout

    import typer

    from bostadcli import i18n

    i18n.setup(lang)
    from bostadcli.cli.app import app

    root = typer.main.get_command(app)
    ctx = root.make_context("bostad", [], resilient_parsing=True)
    helps = []
    for path in _command_paths(root, ctx):
        screen = io.StringIO()
        with redirect_stdout(screen):
            try:
                root.main(args=[*path, "--help"], prog_name="bostad")
            except SystemExit as exc:
                if exc.code not in (0, None):
                    raise
        helps.append((" ".join(("bostad", *path)), screen.getvalue()))
    json.dump(helps, sys.stdout, ensure_ascii=False)


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading made of a command path."""
    return heading.lower().replace(" ", "-")


def cli_reference(lang: str) -> str:
    """Every command's help as Markdown: a list of contents, then one section each."""
    helps = command_helps(lang)
    lines: list[str] = []
    for path, _text in helps[1:]:
        depth = path.count(" ")
        lines.append(f"{'  ' * (depth - 1)}- [`{path}`](#{_anchor(path)})")
    lines.append("")
    for path, text in helps:
        depth = path.count(" ")
        lines.append(f"{'#' * min(2 + max(depth - 1, 0), 4)} {path}")
        lines.append("")
        lines.append("```text")
        lines.extend(line.rstrip() for line in text.rstrip().splitlines())
        lines.append("```")
        lines.append("")
    return "\n".join(lines)


# --- the database schema ---------------------------------------------------------------


@dataclass
class _Snapshot:
    tables: dict[str, list[str]]
    views: list[str]
    indexes: dict[str, tuple[str, str]]  # name: (table, SQL)


@dataclass
class _Step:
    """What one migration changed."""

    name: str
    tables: list[str]
    views: list[str]
    columns: list[tuple[str, str]]
    indexes: list[str]
    dropped: list[str]


def _snapshot(db: Database) -> _Snapshot:
    tables: dict[str, list[str]] = {}
    views: list[str] = []
    indexes: dict[str, tuple[str, str]] = {}
    for name, kind, table, sql in db.execute(
        "SELECT name, type, tbl_name, sql FROM sqlite_master"
        " WHERE type IN ('table', 'view', 'index') ORDER BY rowid"
    ).fetchall():
        if name.startswith("sqlite_") or MIGRATIONS_TABLE in (name, table):
            continue
        if kind == "view":
            views.append(name)
        elif kind == "index":
            # Indexes made by UNIQUE and PRIMARY KEY constraints have no SQL of their own.
            if sql:
                indexes[name] = (table, " ".join(sql.split()))
        else:
            tables[name] = [row[1] for row in db.execute(f"PRAGMA table_info([{name}])")]
    return _Snapshot(tables, views, indexes)


def _history() -> list[_Step]:
    """What each migration added (and which indexes it dropped), in order."""
    from bostadcli.db import MEMORY, open_database
    from bostadcli.migrations import migrations

    db = open_database(MEMORY, migrate=False)
    try:
        names = [m.name for m in migrations.pending(db)]
        history = []
        before = _snapshot(db)
        for i, name in enumerate(names):
            migrations.apply(db, stop_before=names[i + 1 :])
            after = _snapshot(db)
            history.append(
                _Step(
                    name=name,
                    tables=[t for t in after.tables if t not in before.tables],
                    views=[v for v in after.views if v not in before.views],
                    columns=[
                        (table, column)
                        for table, columns in after.tables.items()
                        if table in before.tables
                        for column in columns
                        if column not in before.tables[table]
                    ],
                    indexes=[x for x in after.indexes if x not in before.indexes],
                    dropped=[x for x in before.indexes if x not in after.indexes],
                )
            )
            before = after
        return history
    finally:
        db.close()


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|")


def _code(value: Any) -> str:
    return f"`{_cell(value)}`"


def database_schema() -> str:
    """The migrations in order, then every table and view, as Markdown."""
    from bostadcli.db import MEMORY, open_database

    history = _history()
    created_by: dict[str, str] = {}
    added_later: dict[str, list[tuple[str, str]]] = {}
    out = ["| migration | adds |", "|---|---|"]
    for step in history:
        parts = [
            _names(kind, names)
            for kind, names in (
                ("table", step.tables),
                ("view", step.views),
                ("column", [f"{t}.{c}" for t, c in step.columns]),
                ("index", step.indexes),
            )
            if names
        ]
        if step.dropped:
            parts.append("drops " + _names("index", step.dropped))
        out.append(f"| `{step.name}` | {'; '.join(parts) or '—'} |")
        for table in step.tables + step.views:
            created_by[table] = step.name
        for table, column in step.columns:
            added_later.setdefault(table, []).append((column, step.name))
    out.append("")

    db = open_database(MEMORY)
    try:
        listing = {
            row[1]: row for row in db.execute("PRAGMA table_list").fetchall() if row[0] == "main"
        }
        final = _snapshot(db)
        for table in final.tables:
            out.extend(_table_section(db, table, listing[table], created_by.get(table)))
            later = added_later.get(table)
            if later:
                out.append(
                    "Added later: "
                    + ", ".join(f"{_code(column)} by `{name}`" for column, name in later)
                    + "."
                )
                out.append("")
            indexes = [(n, sql) for n, (t, sql) in final.indexes.items() if t == table]
            if indexes:
                out.append("Indexes: " + ", ".join(_index(n, sql) for n, sql in indexes) + ".")
                out.append("")
        for view in final.views:
            out.extend(_view_section(db, view, created_by.get(view)))
    finally:
        db.close()
    return "\n".join(out)


def _names(kind: str, names: list[str]) -> str:
    plural = {"index": "indexes"}.get(kind, kind + "s")
    return f"{plural if len(names) > 1 else kind} " + ", ".join(map(_code, names))


def _index(name: str, sql: str) -> str:
    """`name` (columns) from CREATE [UNIQUE] INDEX name ON table (columns) [WHERE …]."""
    on = re.search(r"\bON\s+\S+?\s*(\(.*)$", sql, re.IGNORECASE)
    what = on.group(1) if on else sql
    unique = "unique " if sql.upper().startswith("CREATE UNIQUE") else ""
    return f"{_code(name)} {unique}{_code(what)}"


def _table_section(db: Database, table: str, listing: Any, migration: str | None) -> list[str]:
    # PRAGMA table_list: schema, name, type, ncol, wr (WITHOUT ROWID), strict.
    flags = [flag for flag, on in (("STRICT", listing[5]), ("WITHOUT ROWID", listing[4])) if on]
    info = ", ".join([*flags, f"created by `{migration}`."])
    info = info[0].upper() + info[1:]
    references = {
        row[3]: (row[2], row[4], row[6])
        for row in db.execute(f"PRAGMA foreign_key_list([{table}])")
    }
    out = [
        f"### `{table}`",
        "",
        info,
        "",
        "| column | type | NOT NULL | default | key |",
        "|---|---|---|---|---|",
    ]
    for _cid, name, kind, notnull, default, pk in db.execute(f"PRAGMA table_info([{table}])"):
        keys = []
        if pk:
            keys.append("primary key")
        if name in references:
            target, column, on_delete = references[name]
            ref = f"→ `{target}.{column}`"
            if on_delete and on_delete != "NO ACTION":
                ref += f", on delete {on_delete.lower()}"
            keys.append(ref)
        out.append(
            f"| {_code(name)} | {kind} | {'yes' if notnull else ''} | "
            f"{_code(default) if default is not None else ''} | {'; '.join(keys)} |"
        )
    out.append("")
    return out


def _view_section(db: Database, view: str, migration: str | None) -> list[str]:
    (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", [view]).fetchone()
    columns = [row[1] for row in db.execute(f"PRAGMA table_info([{view}])")]
    return [
        f"### `{view}` (view)",
        "",
        f"Created by `{migration}`. Columns: {', '.join(map(_code, columns))}.",
        "",
        "```sql",
        sql.strip(),
        "```",
        "",
    ]


# --- terminal screens ------------------------------------------------------------------

# The demo's day: its cases, deadlines and letters are dated from it.
DEMO_DAY = "2026-11-16"

# Colour, bold and cursor sequences that Rich writes to a terminal.
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")

_demo_cache: dict[str, Path] = {}


def _screen_environment(home: Path, lang: str, width: int) -> dict[str, str]:
    """A clean environment: the language, the width, no colour, a home of its own."""
    env = _help_environment(lang)
    for key in [k for k in env if k.startswith("XDG_")]:
        del env[key]
    env.pop("NO_COLOR", None)
    env.pop("_TYPER_FORCE_DISABLE_TERMINAL", None)
    env.update(
        {
            "HOME": str(home),
            "PATH": os.pathsep.join((str(home / "bin"), env.get("PATH", os.defpath))),
            "NO_COLOR": "1",
            "TERM": "dumb",
            "COLUMNS": str(width),
            "LINES": "50",
            "PYTHONUNBUFFERED": "1",
            "TZ": "Europe/Stockholm",
        }
    )
    return env


def _make_home(prefix: str) -> Path:
    """A temporary home folder with a ``bostad`` that runs this checkout's code."""
    import tempfile

    # Always the same length ("/tmp/" + prefix + 8 random characters): a path in a table
    # is cut to the column's width, so its length decides what the screen shows.
    home = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    (home / "bin").mkdir()
    (home / "bin" / "bostad.py").write_text(_LAUNCHER, "utf-8")
    launcher = home / "bin" / "bostad"
    launcher.write_text(
        f'#!/bin/sh\nexec "{sys.executable}" "{home}/bin/bostad.py" "$@"\n', "utf-8"
    )
    launcher.chmod(0o755)
    return home


# The screens must not depend on the day they are made. To check that, run cog with
# DOCGEN_PRETEND_TODAY=YYYY-MM-DD: the program then takes that day as the machine's date
# (for what it judges on the real date) and for the timestamps it records.
_LAUNCHER = """\
import datetime
import os
import sys

import bostadcli.dates

# The screens replay fixed days, as the tests do: a command that writes takes any
# --as-of here, a day after the real one too, and letters are recorded on it (the rules
# have their own tests).
bostadcli.dates.record_day_window = lambda today=None: (datetime.date.min, datetime.date.max)
bostadcli.dates.latest_fact_day = lambda: datetime.date.max
bostadcli.dates.letter_days = lambda: (datetime.date.min, datetime.date.max)
day = os.environ.get("DOCGEN_PRETEND_TODAY")
if day:
    import bostadcli.dates
    import bostadcli.db

    today = datetime.date.fromisoformat(day)
    bostadcli.dates.real_today = lambda: today
    bostadcli.db.now_utc = lambda: day + "T12:00:00+00:00"
sys.argv[0] = "bostad"
from bostadcli.cli import main

main()
"""


def _run_on_terminal(command: str, env: dict[str, str], cwd: Path, width: int) -> tuple[str, int]:
    """Run a shell command with stdout and stderr on a pseudo-terminal WIDTH columns wide."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, width, 0, 0))
    attrs = termios.tcgetattr(slave)
    attrs[1] &= ~termios.ONLCR  # no carriage returns added to the output
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    process = subprocess.Popen(
        ["/bin/sh", "-c", command],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=cwd,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closes when the last writer has gone
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    status = process.wait()
    text = _ANSI.sub("", b"".join(chunks).decode("utf-8")).replace("\r", "")
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n"), status


def _home_as_tilde(line: str, home: str) -> str:
    """The temporary home folder shown as ``~``, as a shell prompt shows it.

    In a table row the cell keeps its width (the characters taken out are put back as
    spaces before the cell's border), so the columns stay in line.
    """
    while home in line:
        at = line.index(home)
        line = line[:at] + "~" + line[at + len(home) :]
        border = line.find("│", at)
        if border != -1:
            line = line[:border] + " " * (len(home) - 1) + line[border:]
    return line


def _session(home: Path, cwd: Path, steps: list[str], env: dict[str, str], width: int) -> str:
    """Each step is a shell command line, shown as typed (a backslash-newline continues it).

    A step that starts with ``!`` is meant to fail: its exit status is shown. Any other
    step that fails stops the documentation build with its output.
    """
    out = []
    for step in steps:
        expect_failure = step.startswith("!")
        shown = step.removeprefix("!")
        text, status = _run_on_terminal(shown.replace("\\\n", " "), env, cwd, width)
        text = "\n".join(_home_as_tilde(line, str(home)) for line in text.split("\n"))
        if status != 0 and not expect_failure:
            raise RuntimeError(f"{shown!r} failed with exit status {status}:\n{text}")
        if status == 0 and expect_failure:
            raise RuntimeError(f"{shown!r} was meant to fail and did not:\n{text}")
        out.append(f"$ {shown}")
        if text:
            out.append(text)
        if status != 0:
            out.append(f"(exit status {status})")
    return "\n".join(out) + "\n"


def transcript(steps: list[str], *, lang: str = "sv", width: int = 80) -> str:
    """A session from ``bostad init`` on: a new home folder, database and config."""
    home = _make_home("bostad-doc-")
    try:
        env = _screen_environment(home, lang, width)
        return _session(home, home, steps, env, width)
    finally:
        import shutil

        shutil.rmtree(home, ignore_errors=True)


def _pristine_demo() -> Path:
    """The demo, made once per process (it writes a month of letters)."""
    if "demo" not in _demo_cache:
        import atexit
        import shutil

        home = _make_home("bostad-demo-")
        atexit.register(shutil.rmtree, home, True)
        env = _screen_environment(home, "sv", 80)
        command = f"bostad demo --out demo --as-of {DEMO_DAY}"
        text, status = _run_on_terminal(command, env, home, 80)
        if status != 0:
            raise RuntimeError(f"{command} failed with exit status {status}:\n{text}")
        _demo_cache["demo"] = home / "demo"
    return _demo_cache["demo"]


class DemoSession:
    """A fresh copy of the demo database (made with ``--as-of DEMO_DAY``) to run on.

    The copy is the demo as made, whatever other pages did to theirs, so a page's screens
    are the same whichever files cog is given. A page makes one session and runs its
    steps in it block by block, so a case opened in one block is there in the next.
    ``$BOSTAD_DB`` and ``$BOSTAD_CONFIG`` name the copy; the steps run in its folder.
    """

    def __init__(self, *, lang: str = "sv") -> None:
        import atexit
        import shutil

        pristine = _pristine_demo()
        self.home = _make_home("bostad-doc-")
        atexit.register(shutil.rmtree, self.home, True)
        self.work = self.home / "bostad"
        shutil.copytree(pristine, self.work)
        self.lang = lang

    def run(self, steps: list[str], *, width: int = 80) -> str:
        env = _screen_environment(self.home, self.lang, width)
        env["BOSTAD_DB"] = str(self.work / "bostad.sqlite")
        env["BOSTAD_CONFIG"] = str(self.work / "config.toml")
        return _session(self.home, self.work, steps, env, width)


def demo_transcript(steps: list[str], *, lang: str = "sv", width: int = 80) -> str:
    """A session on a fresh copy of the demo database (see ``DemoSession``)."""
    return DemoSession(lang=lang).run(steps, width=width)


def console(text: str) -> str:
    """A transcript as a Markdown code block."""
    return f"```console\n{text}```\n"


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "help":
        _dump_helps(argv[1])
        return 0
    if len(argv) == 2 and argv[0] == "reference":
        print(cli_reference(argv[1]))
        return 0
    if argv == ["schema"]:
        print(database_schema())
        return 0
    print("usage: docgen.py reference sv|en | docgen.py schema", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
