"""Letters in English for the households that ask for it: the household setting, the
choice of template (an English variant where a kind has one, else Swedish), and the
templates' English variants in listings."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bostadcli import letters, templating
from bostadcli.db import open_database, rows
from bostadcli.errors import InvalidInput
from bostadcli.households import NewHousehold, add_household, edit_household, show_household
from golden_letters import AS_OF, CONFIG, build_households

if TYPE_CHECKING:
    from sqlite_utils import Database

    from conftest import Cli

Dump = Callable[[str | Path], list[str]]


@pytest.fixture
def letter_db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "t.sqlite", create=True)
    yield database
    database.close()


@pytest.fixture
def refs(letter_db: Database) -> dict[str, str]:
    found = build_households(letter_db)
    edit_household(letter_db, found["tricky"], changes={"letter_language": "en"})
    return found


def render(db: Database, ref: str, kind: str = "outreach", **kwargs: Any) -> letters.Rendered:
    options: dict[str, Any] = {"config": CONFIG, "as_of": AS_OF, "fmt": "txt"}
    return letters.render_letter(db, ref, kind, **(options | kwargs))


def text_of(letter: letters.Rendered) -> str:
    return " ".join(letter.content.decode("utf-8").split())


# The household setting ------------------------------------------------------------------


def test_swedish_unless_asked(letter_db: Database, dump: Dump, tmp_path: Path) -> None:
    ref = add_household(letter_db, NewHousehold(tenant_name="Anna"), as_of=AS_OF)
    assert show_household(letter_db, ref, as_of=AS_OF)["letter_language"] == "sv"
    english = add_household(
        letter_db, NewHousehold(tenant_name="Grace", letter_language="en"), as_of=AS_OF
    )
    assert show_household(letter_db, english, as_of=AS_OF)["letter_language"] == "en"
    assert edit_household(letter_db, english, changes={"letter_language": "sv"}) == {
        "letter_language": ("en", "sv")
    }
    before = dump(tmp_path / "t.sqlite")
    with pytest.raises(InvalidInput, match="must be one of: sv, en") as caught:
        edit_household(letter_db, ref, changes={"letter_language": "de"})
    assert caught.value.field == "letter_language"
    with pytest.raises(InvalidInput, match="letter_language"):
        add_household(letter_db, NewHousehold(tenant_name="X", letter_language="fr"), as_of=AS_OF)
    assert dump(tmp_path / "t.sqlite") == before


def test_the_column_refuses_other_languages(letter_db: Database) -> None:
    import sqlite3

    ref = add_household(letter_db, NewHousehold(tenant_name="Anna"), as_of=AS_OF)
    with pytest.raises(sqlite3.IntegrityError):
        letter_db.execute("UPDATE households SET letter_language = 'de' WHERE ref = ?", [ref])


def test_cli_add_edit_show(initialised: Cli) -> None:
    ref = initialised.ok(
        "household", "add", "Grace Okafor", "--letter-language", "en", "--as-of", "2026-11-16"
    ).stdout.strip()
    shown = json.loads(initialised.ok("household", "show", ref, "--format", "json").stdout)
    assert shown["letter_language"] == "en"
    assert re.search(r"Letter language\s+English", initialised.ok("household", "show", ref).stdout)
    edited = initialised.ok("household", "edit", ref, "--letter-language", "sv")
    assert edited.stderr.strip() == f"Changed letter language of {ref}."
    assert re.search(r"Letter language\s+Swedish", initialised.ok("household", "show", ref).stdout)
    swedish = initialised.ok("household", "add", "Anna", "--as-of", "2026-11-16").stdout.strip()
    assert "Swedish" in initialised.ok("household", "show", swedish).stdout
    before = initialised.dump()
    bad = initialised("household", "edit", ref, "--letter-language", "de")
    assert bad.exit_code == 2 and "--letter-language" in bad.stderr
    assert initialised.dump() == before


# Which template -------------------------------------------------------------------------


def test_an_english_household_gets_the_english_outreach(
    letter_db: Database, refs: dict[str, str]
) -> None:
    letter = render(letter_db, refs["tricky"])
    assert (letter.language, letter.swedish_instead) == ("en", False)
    text = text_of(letter)
    assert text.startswith("Ängby kommun, Socialförvaltningen, Boendeenheten 16 November 2026")
    assert "We would like to help you keep your home" in text
    assert "If you pay 14 900 kr to your landlord by 1 December 2026" in text
    assert "Socialjouren" in text and "voluntary" in text
    for swedish in ("Vi vill", "november", "Vårt ärende", "Med vänliga"):
        assert swedish not in text, swedish
    html = render(letter_db, refs["tricky"], fmt="html").content.decode()
    assert '<html lang="en">' in html and "<th>Our reference</th>" in html


def test_a_swedish_household_gets_the_swedish_outreach(
    letter_db: Database, refs: dict[str, str]
) -> None:
    letter = render(letter_db, refs["plain"])
    assert (letter.language, letter.swedish_instead) == ("sv", False)
    assert "Vi vill hjälpa dig att få bo kvar" in text_of(letter)  # one adult: "du"
    assert "16 november 2026" in text_of(letter)


def test_no_english_variant_means_swedish(letter_db: Database, refs: dict[str, str]) -> None:
    letter = render(
        letter_db,
        refs["tricky"],
        "meeting",
        params={"date": "2026-11-25", "time": "10:00", "place": "Stadshuset"},
    )
    assert (letter.language, letter.swedish_instead) == ("sv", True)
    text = text_of(letter)
    assert "Inbjudan till möte" in text and "25 november 2026" in text  # Swedish dates too


def test_the_users_folder_comes_first_for_variants(
    letter_db: Database, refs: dict[str, str], tmp_path: Path
) -> None:
    mine = tmp_path / "mallar"
    mine.mkdir()
    # An edited Swedish outreach does not hide the built-in English one ...
    (mine / "outreach.txt.j2").write_text("Eget brev\n", encoding="utf-8")
    assert render(letter_db, refs["tricky"], user_dir=mine).language == "en"
    assert render(letter_db, refs["plain"], user_dir=mine).content == b"Eget brev\n"
    # ... an English one of the user's own replaces it, and a kind may get one.
    (mine / "outreach.en.txt.j2").write_text("Own letter {{ today|datum }}\n", encoding="utf-8")
    assert render(letter_db, refs["tricky"], user_dir=mine).content == (
        b"Own letter 16 November 2026\n"
    )
    (mine / "meeting.en.txt.j2").write_text("Meeting {{ params.date|datum }}\n", encoding="utf-8")
    meeting = render(
        letter_db,
        refs["tricky"],
        "meeting",
        user_dir=mine,
        params={"date": "2026-12-03", "time": "10:00", "visit": "yes"},
    )
    assert meeting.content == b"Meeting 3 December 2026\n" and not meeting.swedish_instead


def test_the_recorded_version_is_the_english_templates(
    letter_db: Database, refs: dict[str, str], tmp_path: Path
) -> None:
    english = letters.make_letter(
        letter_db,
        refs["tricky"],
        "outreach",
        config=CONFIG,
        as_of=AS_OF,
        fmt="html",
        out=tmp_path / "en.html",
        record=True,
    )
    swedish = render(letter_db, refs["plain"], fmt="html")
    env = templating.environment()
    assert english.letter.template_version == templating.template_version(
        env, ["outreach.en.html.j2"]
    )
    assert english.letter.template_version != swedish.template_version
    assert rows(letter_db, "SELECT template_version FROM letters") == [
        {"template_version": english.letter.template_version}
    ]


def test_the_batch_writes_each_household_in_its_language(
    letter_db: Database, refs: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "brev"
    # Without its repayment plan the tricky household is not in contact yet, and gets
    # the first letter (a plan ended within the policy's recent days would be contact).
    with letter_db.conn:
        letter_db.execute("UPDATE plans SET status = 'cancelled', cancelled_on = '2026-01-01'")
    result = letters.run_monthly(
        letter_db, config=CONFIG, month=date(2026, 11, 1), as_of=AS_OF, out_dir=out, fmt="txt"
    )
    assert len(result.made) == 3 and result.swedish_instead == {}
    assert "We would like to help you" in (out / f"{refs['tricky']}-outreach.txt").read_text()
    assert "Vi vill hjälpa dig" in (out / f"{refs['plain']}-outreach.txt").read_text()
    versions = {
        r["ref"]: r["template_version"]
        for r in rows(
            letter_db,
            "SELECT h.ref, l.template_version FROM letters l"
            " JOIN households h ON h.id = l.household_id",
        )
    }
    assert versions[refs["tricky"]] != versions[refs["plain"]]
    with letter_db.conn:
        letter_db.execute("UPDATE plans SET status = 'active', cancelled_on = NULL")
    # The reminder has no English variant: Swedish, and counted for the note.
    reminders = letters.run_monthly(
        letter_db,
        config=CONFIG,
        month=date(2027, 1, 1),
        as_of=date(2027, 1, 20),
        out_dir=tmp_path / "jan",
        fmt="txt",
        only="plan_reminder",
    )
    assert [i.ref for i in reminders.made] == [refs["tricky"]]
    assert reminders.swedish_instead == {"plan_reminder": 1}
    assert (
        "Påminnelse om avbetalningsplanen"
        in (tmp_path / "jan" / f"{refs['tricky']}-plan_reminder.txt").read_text()
    )


# Through the command line ---------------------------------------------------------------

CONFIG_TOML = """\
[letterhead]
organisation = "Ängby kommun"
phone = "08-465 004 00"
socialjouren_phone = "08-465 004 01"
default_caseworker = "Karin Ek"
"""


@pytest.fixture
def bostad(cli: Cli) -> dict[str, str]:
    cli.config_path.write_text(CONFIG_TOML, encoding="utf-8")
    db = open_database(cli.db_path, create=True)
    try:
        found = build_households(db)
        for ref in (found["tricky"], found["enforcement"]):
            edit_household(db, ref, changes={"letter_language": "en"})
    finally:
        db.close()
    return found


def test_cli_says_once_when_english_is_missing(
    cli: Cli, bostad: dict[str, str], tmp_path: Path
) -> None:
    english = cli.ok(
        "letter",
        "render",
        bostad["tricky"],
        "outreach",
        "-f",
        "txt",
        "-o",
        "-",
        "--as-of",
        "2026-11-16",
    )
    assert "We would like to help you" in english.stdout and english.stderr == ""
    args = ["-f", "txt", "-o", "-", "--as-of", "2026-11-16"]
    meeting = cli.ok(
        "letter",
        "render",
        bostad["tricky"],
        "meeting",
        "--param",
        "date=2026-11-25",
        "--param",
        "time=10:00",
        "--param",
        "visit=yes",
        *args,
    )
    assert "Inbjudan till hembesök" in meeting.stdout
    assert meeting.stderr.splitlines() == [
        "Note: there is no English meeting template, so this letter is in Swedish."
    ]
    db = open_database(cli.db_path)
    try:
        # A second English household with a plan behind: two Swedish reminders, one note.
        from bostadcli.money import Money
        from bostadcli.plans import NewPlan, create_plan

        edit_household(
            db, bostad["enforcement"], changes={"landlord": 'Bostäder i Ängby & Co "Hem" <AB>'}
        )
        create_plan(
            db,
            bostad["enforcement"],
            NewPlan(
                debt=Money.kronor(3_000), installment=Money.kronor(1_000), start=date(2026, 12, 1)
            ),
            as_of=AS_OF,
        )
    finally:
        db.close()
    out = tmp_path / "jan"
    monthly = cli.ok(
        "letter",
        "monthly",
        "--month",
        "2027-01",
        "--as-of",
        "2027-01-20",
        "--only",
        "plan_reminder",
        "-f",
        "txt",
        "--out-dir",
        str(out),
    )
    notes = [line for line in monthly.stderr.splitlines() if line.startswith("Note:")]
    assert notes == [
        "Note: there is no English template for plan_reminder, so 2 letters to households"
        " that asked for English are in Swedish."
    ]


def test_template_list_show_copy_variants(cli: Cli, tmp_path: Path) -> None:
    listed = {(t.kind, t.language, t.format): t for t in templating.list_templates()}
    assert listed[("outreach", "en", "html")].name == "outreach.en.html.j2"
    assert listed[("base", "en", "txt")].name == "base.en.txt.j2"
    assert listed[("outreach", "sv", "txt")].name == "outreach.txt.j2"
    assert ("meeting", "en", "html") not in listed
    table = csv.DictReader(io.StringIO(cli.ok("template", "list", "--format", "csv").stdout))
    found = {(r["kind"], r["language"], r["format"]): r["name"] for r in table}
    assert found[("outreach", "en", "txt")] == "outreach.en.txt.j2"
    assert found[("support_ending", "sv", "html")] == "support_ending.html.j2"
    shown = cli.ok("template", "show", "outreach.en", "--format", "txt")
    assert "WHAT HAPPENS NOW?" in shown.stdout
    assert shown.stderr.strip().endswith("outreach.en.txt.j2")
    dest = tmp_path / "mallar"
    copied = cli.ok("template", "copy", "outreach.en", str(dest))
    assert copied.stdout.splitlines() == [
        str(dest / "outreach.en.html.j2"),
        str(dest / "outreach.en.txt.j2"),
    ]
    unknown = cli("template", "show", "meeting.en")
    assert unknown.exit_code == 1 and "outreach.en" in unknown.stderr


def test_english_dates_in_english_templates_only() -> None:
    env = templating.environment()
    day = date(2026, 11, 21)
    render_ = lambda src, **ctx: env.from_string(src).render(d=day, **ctx)  # noqa: E731
    assert render_("{{ d|datum }}", language="en") == "21 November 2026"
    assert render_('{{ d|datum("month") }}', language="en") == "November 2026"
    assert render_("{{ d|datum }}", language="sv") == "21 november 2026"
    assert render_("{{ d|datum }}") == "21 november 2026"


def _style(name: str) -> str:
    source = (Path(str(templating.packaged_templates())) / name).read_text(encoding="utf-8")
    found = re.search(r"<style>.*</style>", source, re.S)
    assert found is not None
    return found.group(0)


def test_the_english_layout_is_the_swedish_one() -> None:
    # The window-envelope layout must not drift between the two languages.
    swedish = _style("base.html.j2").replace('"Sida " counter(page) " av "', "PAGE")
    english = _style("base.en.html.j2").replace('"Page " counter(page) " of "', "PAGE")
    assert swedish == english
