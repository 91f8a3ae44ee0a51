"""Every command's and group's --help in a real terminal (a pseudo-terminal of 40 to
200 columns), in Swedish and English, and piped: no line wider than the terminal, and
no option name, choice code, metavar or command name broken across lines or cut."""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
from enum import Enum
from typing import Annotated

import pytest
import typer
from rich.cells import cell_len
from test_screen_widths import ANSI, in_terminal

MARK = "\x1e=== "

# Runs in the terminal: walks the command tree (building every lazy group), prints a
# marker line with the command's path and the words its help must keep whole, then the
# command's --help as `bostad … --help` prints it.
CHILD = r"""
import json, sys
from bostadcli import i18n
i18n.setup(sys.argv[1])
import typer
from bostadcli.cli.app import app
from bostadcli.cli.help_panels import choice_codes

root = typer.main.get_command(app)

def words(command, ctx):
    found = set()
    for param in command.get_params(ctx):
        if getattr(param, "hidden", False):
            continue
        found.update(param.opts if param.param_type_name == "option" else ())
        found.update(getattr(param, "secondary_opts", []) or [])
        found.update(choice_codes(param))
        if param.metavar:
            found.add(param.metavar)
        if param.param_type_name == "argument":
            found.add(param.display_name_raw)
    if hasattr(command, "list_commands"):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                found.add(name)
    return sorted(found)

def walk(command, ctx, path):
    yield path, words(command, ctx)
    if hasattr(command, "list_commands"):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None:
                continue
            sub_ctx = sub.make_context(name, [], parent=ctx, resilient_parsing=True)
            yield from walk(sub, sub_ctx, (*path, name))

screens = list(walk(root, root.make_context("bostad", [], resilient_parsing=True), ()))
for path, found in screens:
    sys.stdout.write("\x1e=== " + json.dumps({"path": path, "words": found}) + "\n")
    sys.stdout.flush()
    try:
        root.main(args=[*path, "--help"], prog_name="bostad")
    except SystemExit as exc:
        assert exc.code in (0, None), (path, exc.code)
    sys.stdout.flush()
"""


def _screens(output: str) -> list[tuple[str, list[str], str]]:
    """(command path, words to keep whole, help text) for each screen of the output."""
    found = []
    for chunk in output.split(MARK)[1:]:
        head, _, text = chunk.partition("\n")
        data = json.loads(head)
        found.append((" ".join(["bostad", *data["path"]]), data["words"], text))
    return found


def _boundary_before(line: str, at: int) -> bool:
    return at == 0 or not re.match(r"[\w-]", line[at - 1])


def _boundary_after(line: str, at: int) -> bool:
    return at >= len(line) or not re.match(r"[\w-]", line[at])


def _content(line: str) -> str:
    return line.strip().strip("│").strip()


def broken_words(text: str, words: list[str]) -> list[str]:
    """Words of ``words`` that ``text`` shows broken across two lines.

    Two ways a word breaks: rich folds it inside a table cell (the rest starts the next
    line in the same column), or a wrapper ends a line with its first part and starts
    the next with the rest.
    """
    lines = text.split("\n")
    broken = set()
    for word in words:
        if len(word) < 2:
            continue
        for i, (line, following) in enumerate(itertools.pairwise(lines)):
            for k in range(1, len(word)):
                head, rest = word[:k], word[k:]
                for m in re.finditer(re.escape(head), line):
                    start, end = m.start(), m.end()
                    if not _boundary_before(line, start):
                        continue
                    if end < len(line) and not re.match(r"[\s│]", line[end]):
                        continue
                    same_column = following[start : start + len(rest)] == rest and (
                        _boundary_after(following, start + len(rest))
                    )
                    at_line_end = not _content(line[end:])
                    next_starts = _content(following).startswith(rest) and _boundary_after(
                        _content(following), len(rest)
                    )
                    if same_column or (at_line_end and next_starts):
                        broken.add(f"{word!r} at line {i + 1}: {head!r} / {rest!r}")
    return sorted(broken)


def missing_words(text: str, words: list[str]) -> list[str]:
    """Words that appear nowhere whole (cut to an ellipsis, or folded)."""
    plain = text.replace("\u00a0", " ")
    return [
        w
        for w in words
        if " " not in w and not re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", plain)
    ]


def check(output: str, columns: int) -> list[str]:
    problems = []
    screens = _screens(output)
    assert len(screens) > 80, len(screens)
    for path, words, text in screens:
        assert text.strip(), path
        for number, line in enumerate(text.split("\n"), 1):
            if cell_len(line) > columns:
                problems.append(f"{path}: line {number} is {cell_len(line)} wide: {line!r}")
        problems += [f"{path}: broken {b}" for b in broken_words(text, words)]
        problems += [f"{path}: {w!r} not shown whole" for w in missing_words(text, words)]
    return problems


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_help_screen_keeps_words_whole(lang: str, columns: int) -> None:
    output = in_terminal([sys.executable, "-c", CHILD, lang], columns)
    assert check(output, columns) == []


@pytest.mark.parametrize(("lang", "columns"), [("sv", 40), ("en", 60), ("sv", 200)])
def test_narrow_and_very_wide_terminals(lang: str, columns: int) -> None:
    output = in_terminal([sys.executable, "-c", CHILD, lang], columns)
    assert check(output, columns) == []


def piped(lang: str, **env: str) -> str:
    keep = {k: v for k, v in os.environ.items() if k not in {"COLUMNS", "TERMINAL_WIDTH"}}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, lang],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**keep, **env},
        check=True,
    )
    return result.stdout


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_piped_help_is_plain_and_whole(lang: str) -> None:
    output = piped(lang)
    assert not ANSI.search(output)
    # Not a terminal: rich draws 80 columns.
    assert check(output, 80) == []


@pytest.mark.parametrize(("lang", "columns"), [("sv", 80), ("en", 80), ("sv", 60)])
def test_help_without_rich_keeps_words_whole(lang: str, columns: int) -> None:
    # Click's own help (TYPER_USE_RICH=0), as the command reference in docs/ is made:
    # a list of choices too long for the line breaks between choices, and no line
    # breaks after the hyphen of an option name (--copy- / received).
    output = piped(lang, TYPER_USE_RICH="0", COLUMNS=str(columns))
    assert check(output, columns) == []


def test_the_detector_finds_a_folded_code() -> None:
    # The screen this test was written for: a code folded inside a table cell.
    folded = (
        "│ *  --kind   <termination |        What kind │\n"
        "│             enforcement_applicat  of notice │\n"
        "│             ion | decision>                 │"
    )
    assert broken_words(folded, ["enforcement_application", "--kind"]) != []
    wrapped = "  matter is especially serious (needs --copy-\n  received)."
    assert broken_words(wrapped, ["--copy-received"]) != []
    whole = "│ --kind <choice>   Choices: enforcement |\n│                   enforcement_request │"
    assert broken_words(whole, ["enforcement", "enforcement_request", "--kind"]) == []


# Forty codes of 8 to 16 characters.
MANY_CODES = [f"code_{i:02d}_{'x' * (i % 9)}" for i in range(40)]
Many = Enum("Many", {code: code for code in MANY_CODES})  # type: ignore[misc]


def _odd_app() -> typer.Typer:
    """A command with what the real ones lack: forty choices, an option without help,
    a hidden one, a long switch pair in a panel of its own, a range."""
    import bostadcli.cli.app  # noqa: F401  (draws the help panels)

    app = typer.Typer()

    @app.command()
    def cmd(
        ref: Annotated[str, typer.Argument(metavar="REF", help="A reference.")],
        pick: Annotated[Many | None, typer.Option(help="Pick one of many.")] = None,
        several: Annotated[list[Many] | None, typer.Option()] = None,
        bare: Annotated[str, typer.Option("--no-help-at-all")] = "",
        secret: Annotated[str, typer.Option("--secret-hidden-option", hidden=True)] = "",
        switch: Annotated[
            bool,
            typer.Option(
                "--a-long-option-name-for-testing/--not-a-long-option-name",
                rich_help_panel="Odd ones",
                help="A switch.",
            ),
        ] = False,
        number: Annotated[int, typer.Option("--number", min=1, max=99)] = 5,
    ) -> None:
        """Do a thing."""

    @app.command()
    def other() -> None:
        """Another."""

    return app


@pytest.mark.parametrize("columns", [40, 60, 80, 120, 200])
def test_odd_options_at_every_width(columns: int) -> None:
    from typer.testing import CliRunner

    app = _odd_app()
    result = CliRunner().invoke(app, ["cmd", "--help"], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    shown = result.output
    codes = MANY_CODES
    names = ["--pick", "--several", "--no-help-at-all", "--number", "--help", "REF"]
    names += ["--a-long-option-name-for-testing", "--not-a-long-option-name"]
    assert broken_words(shown, codes + names) == []
    assert missing_words(shown, codes + names) == []
    assert max(cell_len(line) for line in shown.splitlines()) <= columns
    assert "--secret-hidden-option" not in shown
    assert "Odd ones" in shown
    # An option without help leaves no empty line in its panel.
    inside = [line for line in shown.splitlines() if line.startswith("│")]
    assert not [line for line in inside if not line.strip("│ ")], shown
