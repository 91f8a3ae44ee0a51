"""Data is shown exactly as stored: an emoji code (":house:") or rich markup ("[bold]",
"[/]", "[link=...]") in a name, an address, a note or a contact's text is neither turned
into an emoji nor read as markup, on every screen, piped and in a terminal."""

from __future__ import annotations

import sqlite3
import subprocess
from datetime import date
from pathlib import Path

import pytest
from test_screen_widths import AS_OF, _base, in_terminal

NAME = "Anna :house: [bold]x[/bold]"
STREET = "Storgatan 1 :house: [/]"
NOTE = "Not :smile: [bold]x[/bold] [link=https://example.org]y[/link]"
CONTACT = "Ringde :house: [/] [bold]x[/bold]"
LANDLORD = "Bo :house: [/]"
# What rich would have made of the codes.
EMOJI = ("\U0001f3e0", "\U0001f604")

# Each screen and the stored texts it must show as they are (words, as a table may
# wrap a text at its spaces).
SCREENS: list[tuple[list[str], list[str]]] = [
    (["household", "list", "--as-of", AS_OF], [NAME, STREET, LANDLORD]),
    (["household", "show", "2026-0001"], [NAME, STREET, NOTE, CONTACT, LANDLORD]),
    (["household", "history", "2026-0001"], [NAME, CONTACT]),
    (["search", "Anna"], [NAME, STREET]),
    (["contact", "list"], [CONTACT]),
    (["contact", "list", "2026-0001"], [CONTACT]),
    (["report", "deadlines", "--as-of", AS_OF], [":house:"]),
    (["report", "caseload", "--as-of", AS_OF], [LANDLORD]),
    (["plan", "show", "P-0001", "--as-of", AS_OF], [LANDLORD]),
    (["landlord", "list"], [LANDLORD]),
    (["audit"], []),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bostadcli import i18n
    from bostadcli.demo import build_demo

    previous = i18n.current_language()
    i18n.setup("sv")
    try:
        folder = tmp_path_factory.mktemp("literal") / "demo"
        build_demo(folder, as_of=date.fromisoformat(AS_OF))
    finally:
        i18n.setup(previous)
    # The texts written as a program past the CLI (an import, another tool) could.
    with sqlite3.connect(folder / "bostad.sqlite") as db:
        db.execute(
            "UPDATE households SET street = ?, note = ? WHERE ref = '2026-0001'", (STREET, NOTE)
        )
        db.execute(
            "UPDATE members SET name = ? WHERE role = 'tenant' AND household_id ="
            " (SELECT id FROM households WHERE ref = '2026-0001')",
            (NAME,),
        )
        db.execute(
            "UPDATE contacts SET text = ? WHERE household_id ="
            " (SELECT id FROM households WHERE ref = '2026-0001')",
            (CONTACT,),
        )
        db.execute(
            "UPDATE landlords SET name = ? WHERE id ="
            " (SELECT landlord_id FROM households WHERE ref = '2026-0001')",
            (LANDLORD,),
        )
    return folder


def _check(screen: list[str], shown: str, texts: list[str], *, whole: bool = True) -> None:
    """Each text on the screen as stored: whole (its words in a row, lines and panel
    borders aside), or, where a terminal's table wraps a cell, word by word."""
    for emoji in EMOJI:
        assert emoji not in shown, (screen, shown)
    words = " ".join(" ".join(line.strip(" │").split()) for line in shown.splitlines())
    for text in texts:
        if whole:
            assert text in words, (screen, text, shown)
        for word in text.split():
            assert word in shown, (screen, word, shown)


@pytest.mark.parametrize(("screen", "texts"), SCREENS, ids=lambda s: " ".join(s))
def test_piped_screens_show_data_as_stored(demo: Path, screen: list[str], texts: list[str]) -> None:
    done = subprocess.run(_base(demo, "sv") + screen, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    _check(screen, done.stdout, texts)


@pytest.mark.parametrize(("screen", "texts"), SCREENS, ids=lambda s: " ".join(s))
def test_terminal_screens_show_data_as_stored(
    demo: Path, screen: list[str], texts: list[str]
) -> None:
    _check(screen, in_terminal(_base(demo, "sv") + screen, 160), texts, whole=False)


def test_table_drawers_agree_on_data_with_codes() -> None:
    """The line drawer and rich draw a cell holding codes and markup the same way."""
    import io

    from bostadcli.cli.rich_console import make_console
    from bostadcli.cli.table_lines import Grid, GridColumn

    grid = Grid([GridColumn("Namn", 30), GridColumn("Text", 70)])
    grid.add_row(NAME, CONTACT)
    grid.add_row(LANDLORD, [(NOTE, "bold")])
    drawn = io.StringIO()
    grid.write(drawn)
    console = make_console(file=io.StringIO(), width=120, color_system=None)
    console.print(grid.as_rich_table())
    assert drawn.getvalue() == console.file.getvalue()  # type: ignore[attr-defined]
    assert NAME in drawn.getvalue() and NOTE in drawn.getvalue()
