"""Documentation generated from the code, for cog: the command reference and the schema.

The Markdown files call these functions from ``[[[cog`` blocks, and CI runs
``cog --check`` on them, so the documentation cannot drift from the program. After a
change to a command, a help text, the Swedish catalog or a migration:

    cog -r README.md docs/cli-reference.md docs/cli-reference.sv.md

``cli_reference(lang)`` renders every command's ``--help`` as plain text. Help texts are
translated when the command modules are imported, so each language is rendered in a
process of its own (``python scripts/docgen.py help LANG``), with a fixed width, without
Rich's boxes and colours and without the caller's environment: the output is the same
on every machine.

``database_schema()`` applies the migrations to an in-memory database one at a time and
describes what each added, then every table and view as the last one leaves them.
"""

from __future__ import annotations

import json
import os
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


def _walk(command: Any, ctx: Any) -> list[tuple[str, str]]:
    found = [(ctx.command_path, command.get_help(ctx))]
    # Typer ships its own copy of Click: a group is whatever has subcommands.
    if hasattr(command, "list_commands"):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            sub_ctx = sub.make_context(name, [], parent=ctx, resilient_parsing=True)
            found.extend(_walk(sub, sub_ctx))
    return found


def _dump_helps(lang: str) -> None:
    """Runs in the child process: the language first, then the app (see the module doc)."""
    import typer

    from bostadcli import i18n

    i18n.setup(lang)
    from bostadcli.cli.app import app

    root = typer.main.get_command(app)
    ctx = root.make_context(
        "bostad",
        [],
        resilient_parsing=True,
        terminal_width=HELP_WIDTH,
        max_content_width=HELP_WIDTH,
    )
    json.dump(_walk(root, ctx), sys.stdout, ensure_ascii=False)


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


def _snapshot(db: Database) -> _Snapshot:
    tables: dict[str, list[str]] = {}
    views: list[str] = []
    for name, kind in db.execute(
        "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY rowid"
    ).fetchall():
        if name.startswith("sqlite_") or name == MIGRATIONS_TABLE:
            continue
        if kind == "view":
            views.append(name)
        else:
            tables[name] = [row[1] for row in db.execute(f"PRAGMA table_info([{name}])")]
    return _Snapshot(tables, views)


def _history() -> list[tuple[str, list[str], list[str], list[tuple[str, str]]]]:
    """Per migration, in order: the tables, views and (table, column)s it added."""
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
            new_tables = [t for t in after.tables if t not in before.tables]
            new_views = [v for v in after.views if v not in before.views]
            new_columns = [
                (table, column)
                for table, columns in after.tables.items()
                if table in before.tables
                for column in columns
                if column not in before.tables[table]
            ]
            history.append((name, new_tables, new_views, new_columns))
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
    for name, tables, views, columns in history:
        parts = []
        if tables:
            parts.append(
                ("tables " if len(tables) > 1 else "table ") + ", ".join(map(_code, tables))
            )
        if views:
            parts.append(("views " if len(views) > 1 else "view ") + ", ".join(map(_code, views)))
        if columns:
            parts.append(
                ("columns " if len(columns) > 1 else "column ")
                + ", ".join(_code(f"{t}.{c}") for t, c in columns)
            )
        out.append(f"| `{name}` | {'; '.join(parts) or '—'} |")
        for table in tables + views:
            created_by[table] = name
        for table, column in columns:
            added_later.setdefault(table, []).append((column, name))
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
        for view in final.views:
            out.extend(_view_section(db, view, created_by.get(view)))
    finally:
        db.close()
    return "\n".join(out)


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
