"""No text from the database reaches the terminal with an escape sequence, a C1 control
or a bidi override: a name written past the program (another tool, a repair by hand)
cannot clear the screen, set the window title or show its letters reordered. Screens
leave those characters out, piped and in a terminal, and a table is laid out as it would
be without them; the machine formats keep the data exactly."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
from datetime import date
from pathlib import Path

import pytest
from test_screen_widths import AS_OF, _base, terminal_output

from bostadcli.cli.terminal_text import HIDDEN, shown

# Clear the screen, set the window title, a C1 "CSI", a bidi override and its end, NUL.
NAME = "Anna\x1b[2J Berg\x1b]0;kapad\x07 \u202eabc\u202c\x9b31m\x00x"
STREET = "Storgatan\x1b[8m 1\u2066"
NOTE = "Not\x1b[1A\x1b[K om\x7f\x85 skulden"
CONTACT = "Ringde\x1b]8;;https://example.org\x07 hem\x1b]8;;\x07"
LANDLORD = "Bo\x1b[5m AB"
# What each shows as on a screen.
SHOWN = {
    NAME: "Anna[2J Berg]0;kapad abc31mx",
    STREET: "Storgatan[8m 1",
    NOTE: "Not[1A[K om skulden",
    CONTACT: "Ringde]8;;https://example.org hem]8;;",
    LANDLORD: "Bo[5m AB",
}
# Sequences of the data that must never be written, even in a terminal (the console's
# own colours are escape sequences too, so these are checked as they are stored).
NEVER = ["\x1b[2J", "\x1b]0;", "\x9b", "\u202e", "\u202c", "\u2066", "\x00", "\x1b[8m"]
NEVER += ["\x1b[1A", "\x1b[K", "\x7f", "\x85", "\x1b]8;;https", "\x1b[5m"]

SCREENS: list[tuple[list[str], list[str]]] = [
    (["household", "list", "--as-of", AS_OF], [NAME, STREET, LANDLORD]),
    (["household", "show", "2026-0001"], [NAME, STREET, NOTE, CONTACT, LANDLORD]),
    (["household", "history", "2026-0001"], [NAME]),
    (["search", "Anna"], [NAME, STREET]),
    (["contact", "list"], [CONTACT]),
    (["contact", "list", "2026-0001"], [CONTACT]),
    (["report", "deadlines", "--as-of", AS_OF], []),
    (["report", "caseload", "--as-of", AS_OF], [LANDLORD]),
    (["landlord", "list"], [LANDLORD]),
    (["landlord", "show", LANDLORD], [LANDLORD]),
    (["audit"], []),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bostadcli import i18n
    from bostadcli.demo import build_demo

    previous = i18n.current_language()
    i18n.setup("sv")
    try:
        folder = tmp_path_factory.mktemp("controls") / "demo"
        build_demo(folder, as_of=date.fromisoformat(AS_OF))
    finally:
        i18n.setup(previous)
    with sqlite3.connect(folder / "bostad.sqlite") as db:
        one = "(SELECT id FROM households WHERE ref = '2026-0001')"
        db.execute(
            "UPDATE households SET street = ?, note = ? WHERE ref = '2026-0001'", (STREET, NOTE)
        )
        db.execute(
            f"UPDATE members SET name = ? WHERE role = 'tenant' AND household_id = {one}", (NAME,)
        )
        db.execute(f"UPDATE contacts SET text = ? WHERE household_id = {one}", (CONTACT,))
        db.execute(
            "UPDATE landlords SET name = ? WHERE id = (SELECT landlord_id FROM households"
            " WHERE ref = '2026-0001')",
            (LANDLORD,),
        )
    return folder


def _raw_terminal(args: list[str], columns: int) -> str:
    """Everything a terminal of ``columns`` receives for ``args``, colour codes too."""
    env = dict(os.environ, COLUMNS=str(columns), LINES="50")
    out, code = terminal_output(args, columns, env)
    assert code == 0, out.decode("utf-8", "replace")
    return out.decode("utf-8")


def _check(screen: list[str], out: str, texts: list[str]) -> None:
    for sequence in NEVER:
        assert sequence not in out, (screen, sequence, out)
    for text in texts:
        # The rest of the text is shown (a table may wrap it at its spaces).
        for word in SHOWN[text].split():
            assert word in out, (screen, word, out)


@pytest.mark.parametrize(("screen", "texts"), SCREENS, ids=lambda s: " ".join(s))
def test_piped_screens_leave_controls_out(demo: Path, screen: list[str], texts: list[str]) -> None:
    done = subprocess.run(_base(demo, "sv") + screen, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert not HIDDEN.search(done.stdout), (screen, done.stdout)
    _check(screen, done.stdout, texts)


@pytest.mark.parametrize(("screen", "texts"), SCREENS, ids=lambda s: " ".join(s))
def test_terminal_screens_leave_controls_out(
    demo: Path, screen: list[str], texts: list[str]
) -> None:
    _check(screen, _raw_terminal(_base(demo, "sv") + screen, 200), texts)


def test_the_export_keeps_the_data_exactly(demo: Path) -> None:
    """A machine format is the data, not a screen: the name as stored."""
    done = subprocess.run(
        [*_base(demo, "sv"), "export", "members", "--format", "csv"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    names = [row.get("name") or row.get("namn") for row in csv.DictReader(io.StringIO(done.stdout))]
    assert NAME in names


def test_table_drawers_agree_without_controls() -> None:
    """The line drawer (piped) and rich (a terminal) lay out a table holding control
    characters alike: as if they were not there."""
    from bostadcli.cli.rich_console import make_console
    from bostadcli.cli.table_lines import Grid, GridColumn

    for width in (8, 12, 30):
        grid = Grid([GridColumn("Namn", width, ellipsis=True), GridColumn("Text", 40)])
        grid.add_row(NAME, NOTE)
        grid.add_row(LANDLORD, [(CONTACT, "bold")])
        grid.add_row(f"{STREET}\n{NAME}", f"{NOTE}\n{CONTACT}")
        drawn = io.StringIO()
        grid.write(drawn)
        console = make_console(file=io.StringIO(), width=120, color_system=None)
        console.print(grid.as_rich_table())
        assert drawn.getvalue() == console.file.getvalue()  # type: ignore[attr-defined]
        assert not HIDDEN.search(drawn.getvalue())


@pytest.mark.parametrize("text", [NAME, STREET, NOTE, CONTACT, LANDLORD, "a\x1bb c" * 9])
def test_wrapped_text_is_the_consoles(text: str) -> None:
    from rich.text import Text

    from bostadcli.cli.plain_text import wrapped_lines
    from bostadcli.cli.rich_console import make_console

    for width in (1, 5, 10, 20, 80):
        console = make_console(file=io.StringIO(), width=width, color_system=None)
        console.print(Text(text))
        mine = "".join(f"{line}\n" for line in wrapped_lines(text, width))
        assert mine == console.file.getvalue(), (text, width)  # type: ignore[attr-defined]


def test_shown_leaves_out_exactly_the_hidden_characters() -> None:
    for code in range(0x3000):
        char = chr(code)
        hidden = (code <= 0x1F and char not in "\t\n") or 0x7F <= code <= 0x9F
        hidden = hidden or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069
        assert shown(f"a{char}b") == ("ab" if hidden else f"a{char}b"), hex(code)
    assert SHOWN[NAME] == shown(NAME)


def test_rich_text_leaves_them_out_as_it_is_made() -> None:
    """Rich measures and wraps the text without them (its own table of codes to strip,
    added to by the console), so a terminal's table is laid out as a piped one."""
    from rich.text import Text

    from bostadcli.cli.rich_console import make_console

    make_console()
    assert Text(NAME).plain == SHOWN[NAME]
    assert Text.from_markup("[bold]a\x1b[/bold]\u202eb").plain == "ab"


def test_drawers_agree_on_random_text_with_controls() -> None:
    """Tables and wrapped text of random mixes of letters, wide characters, spaces,
    newlines and hidden characters: piped exactly as the console draws them."""
    import random

    from rich.text import Text

    from bostadcli.cli.plain_text import wrapped_lines
    from bostadcli.cli.rich_console import make_console
    from bostadcli.cli.table_lines import Grid, GridColumn

    pieces = ["a", "Å", " ", "\n", "-", "漢", "\x1b", "\u202e", "\x85", "\x00", "\x1c", "\r"]
    rnd = random.Random(18)
    for _ in range(600):
        texts = ["".join(rnd.choices(pieces, k=rnd.randint(0, 25))) for _k in range(4)]
        grid = Grid(
            [
                GridColumn("Namn", rnd.randint(1, 12), ellipsis=rnd.random() < 0.5),
                GridColumn("Text", rnd.randint(1, 12), justify=rnd.choice(["left", "right"])),
            ]
        )
        grid.add_row(texts[0], texts[1])
        grid.add_row(texts[2], [(texts[3], "bold")])
        drawn = io.StringIO()
        grid.write(drawn)
        console = make_console(file=io.StringIO(), width=120, color_system=None)
        console.print(grid.as_rich_table())
        assert drawn.getvalue() == console.file.getvalue(), texts  # type: ignore[attr-defined]
        width = rnd.randint(1, 15)
        console = make_console(file=io.StringIO(), width=width, color_system=None)
        console.print(Text(texts[0] + " " + texts[1]))
        mine = "".join(f"{line}\n" for line in wrapped_lines(texts[0] + " " + texts[1], width))
        assert mine == console.file.getvalue(), (texts, width)  # type: ignore[attr-defined]
