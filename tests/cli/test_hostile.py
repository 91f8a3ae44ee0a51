"""Hostile and broken input through the command line.

Every value a person can type goes in unchanged and comes out unchanged, or is refused
with one line on stderr, exit 1 or 2, no traceback and the database exactly as before.
Names and notes are data, never code: SQL, Jinja, Rich markup and HTML in them are
stored and shown as the characters they are. The corpus is partly written by hand
(the classics) and partly generated with Hypothesis.
"""

from __future__ import annotations

import itertools
import json
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Cli

AS_OF = "2026-11-16"
ASOF = ["--as-of", AS_OF]

CONFIG_TOML = """\
[letterhead]
organisation = "Ängby kommun"
unit = "Socialförvaltningen, Boendeenheten"
phone = "08-465 004 00"
email = "boende@angby.example"
socialjouren_phone = "08-465 004 01"
"""

# Text that must be refused wherever it is typed.
REFUSED_TEXT = {
    "nul": "a\x00b",
    "bell": "a\x07b",
    "escape": "\x1b[31mred",
    "delete": "a\x7fb",
    "c1_control": "a\x85b",
    "rtl_override": "\u202eevil.exe\u202c",
    "bidi_isolate": "Bo\u2066 AB\u2069",
}
# Text that is data like any other: stored and shown exactly as typed.
KEPT_TEXT = {
    "sql": "'; DROP TABLE households; --",
    "sql_quote": 'O\'Brien "Bob" ; --',
    "jinja": "{{ 7*7 }}",
    "jinja_block": "{% for x in range(3) %}{{ x }}{% endfor %}",
    "jinja_comment": "{# not a comment #}",
    "rtl_mark": "\u200fسارة\u200e",
    "zero_width": "a\u200bb\u200dc",
    "rich_markup": "[red]Evil[/red] [link=file:///etc/passwd]x[/link]",
    "html": "<script>alert('x')</script> &amp;",
    "formula": '=HYPERLINK("http://x")',
    "backslashes": "C:\\temp\\..\\x %s %(x)s {0}",
    "swedish": "Åsa Öberg-Ängström",
    "emoji": "👩‍👧 🏠",
    "combining": "Å vs Å",
    "padded": "  inner  spaces  ",
}
LONG = "x" * 10_000
_serial = itertools.count(1)  # new landlords need new names


@dataclass(frozen=True)
class Field:
    """A text option of a command, and where its value shows up again."""

    name: str
    args: Callable[[str, str], list[str]]  # (case reference, value) -> argv
    stored: Callable[[Cli, str, str], Any]  # (cli, case reference, stdout) -> the value
    max_length: int = 200
    multiline: bool = False


def show(cli: Cli, ref: str) -> dict[str, Any]:
    result = cli.ok("household", "show", ref, "--format", "json", *ASOF)
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def latest(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The record added last, whatever order a listing sorts by."""
    return max(records, key=lambda r: int(r["id"]))


def exported(cli: Cli, table: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(
        cli.ok("export", table, "--format", "json", *ASOF).stdout
    )
    return rows


def new_case(stdout: str) -> str:
    return stdout.strip()


FIELDS = [
    Field(
        "household add NAME",
        lambda ref, v: ["household", "add", v, *ASOF],
        lambda cli, ref, out: show(cli, new_case(out))["tenant"],
    ),
    Field(
        "household add --street",
        lambda ref, v: ["household", "add", "Namn", "--street", v, *ASOF],
        lambda cli, ref, out: show(cli, new_case(out))["street"],
    ),
    Field(
        "household add --city",
        lambda ref, v: ["household", "add", "Namn", "--city", v, *ASOF],
        lambda cli, ref, out: show(cli, new_case(out))["city"],
    ),
    Field(
        "caseworker add NAME",
        lambda ref, v: ["caseworker", "add", v, "--initials", f"H{next(_serial)}"],
        lambda cli, ref, out: next(
            c["name"]
            for c in json.loads(cli.ok("caseworker", "list", "--format", "json").stdout)
            if c["initials"] == out.strip()
        ),
    ),
    Field(
        "household add --contract",
        lambda ref, v: ["household", "add", "Namn", "--contract", v, *ASOF],
        lambda cli, ref, out: show(cli, new_case(out))["contract_number"],
    ),
    Field(
        "household add --co-tenant",
        lambda ref, v: ["household", "add", "Namn", "--co-tenant", v, *ASOF],
        lambda cli, ref, out: show(cli, new_case(out))["member_list"][1]["name"],
    ),
    Field(
        "household add --child NAME",
        lambda ref, v: ["household", "add", "Namn", "--child", f"2015-03-02 {v}", *ASOF],
        lambda cli, ref, out: show(cli, new_case(out))["member_list"][1]["name"],
    ),
    Field(
        "household edit --note",
        lambda ref, v: ["household", "edit", ref, "--note", v],
        lambda cli, ref, out: show(cli, ref)["note"],
        max_length=10_000,
        multiline=True,
    ),
    Field(
        "member add --name",
        lambda ref, v: ["member", "add", ref, "--name", v, *ASOF],
        lambda cli, ref, out: latest(show(cli, ref)["member_list"])["name"],
    ),
    Field(
        "contact add --text",
        lambda ref, v: ["contact", "add", ref, "--kind", "note", "--text", v, *ASOF],
        lambda cli, ref, out: latest(show(cli, ref)["contacts"])["text"],
        max_length=10_000,
        multiline=True,
    ),
    Field(
        "contact add --caseworker",
        lambda ref, v: ["contact", "add", ref, "--kind", "phone", "--text", "t", "--caseworker", v],
        lambda cli, ref, out: latest(show(cli, ref)["contacts"])["caseworker"],
    ),
    Field(
        "notice add --note",
        lambda ref, v: ["notice", "add", ref, "--kind", "warning", "--note", v, *ASOF],
        lambda cli, ref, out: latest(show(cli, ref)["notices"])["note"],
        max_length=10_000,
        multiline=True,
    ),
    Field(
        "notice add --case-number",
        lambda ref, v: [
            "notice",
            "add",
            ref,
            "--kind",
            "enforcement_application",
            "--case-number",
            v,
            *ASOF,
        ],
        lambda cli, ref, out: latest(show(cli, ref)["notices"])["enforcement_case"],
    ),
    Field(
        "consent add --name",
        lambda ref, v: ["consent", "add", ref, "--recipient", "other", "--name", v, *ASOF],
        lambda cli, ref, out: latest(exported(cli, "consents"))["recipient_name"],
    ),
    Field(
        "support add --place",
        lambda ref, v: [
            "support",
            "add",
            ref,
            "--kind",
            "emergency_housing",
            "--place",
            v,
            "--start",
            "2026-11-10",
            "--nights-to",
            "2026-11-12",
            *ASOF,
        ],
        lambda cli, ref, out: latest(
            json.loads(cli.ok("support", "list", ref, "--all", "--format", "json", *ASOF).stdout)
        )["place"],
    ),
    Field(
        "plan pay --note",
        lambda ref, v: ["plan", "pay", "P-0001", "--amount", "1", "--note", v, *ASOF],
        # Payments are listed in the order they were paid: all on one day here.
        lambda cli, ref, out: json.loads(
            cli.ok("plan", "show", "P-0001", "--format", "json", *ASOF).stdout
        )["payments"][-1]["note"],
        max_length=10_000,
        multiline=True,
    ),
    Field(
        "landlord add NAME",
        lambda ref, v: ["landlord", "add", v],
        lambda cli, ref, out: latest(exported(cli, "landlords"))["name"],
    ),
    Field(
        "landlord add --contact",
        lambda ref, v: ["landlord", "add", f"Hyresvärd {next(_serial)}", "--contact", v],
        lambda cli, ref, out: latest(exported(cli, "landlords"))["contact_person"],
    ),
]


@pytest.fixture(autouse=True)
def build_the_command_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hundreds of commands run here: build Click's command tree from the app once, not
    on every invocation (that is most of the runner's time). Messages are English in
    every test of this module, so one tree serves all."""
    import functools

    import typer.testing

    monkeypatch.setattr(typer.testing, "_get_command", functools.cache(typer.testing._get_command))


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A case with a landlord, the landlord's consent and a repayment plan (made once)."""
    from bostadcli import i18n

    # The autouse fixtures are function-scoped: this one runs before them.
    previous = i18n.current_language()
    i18n.setup("en")
    folder = tmp_path_factory.mktemp("prepared")
    cli = Cli(db_path=folder / "bostad.sqlite", config_path=folder / "config.toml")
    try:
        cli.ok("init")
        cli.config_path.write_text(CONFIG_TOML, encoding="utf-8")
        cli.ok("landlord", "add", "Ängbyhem", "--street", "Box 5", "--postal-code", "44121")
        ref = cli.ok(
            "household",
            "add",
            "Grund Person",
            "--landlord",
            "Ängbyhem",
            "--street",
            "Storgatan 1",
            "--postal-code",
            "441 30",
            "--city",
            "Ängby",
            "--rent",
            "7 450",
            "--opened",
            "2026-11-01",
            *ASOF,
        ).stdout.strip()
        cli.ok(
            "consent",
            "add",
            ref,
            "--recipient",
            "landlord",
            "--given",
            "2026-11-01",
            "--reason",
            "skrivet i efterhand",
            *ASOF,
        )
        cli.ok("plan", "create", ref, "--debt", "3000", "--installment", "1000", *ASOF)
    finally:
        i18n.setup(previous)
    return folder, ref


@pytest.fixture
def case(prepared: tuple[Path, str], tmp_path: Path) -> tuple[Cli, str]:
    """A fresh copy of the prepared case for each test."""
    import shutil

    folder, ref = prepared
    for name in ("bostad.sqlite", "config.toml"):
        shutil.copy2(folder / name, tmp_path / name)
    return Cli(db_path=tmp_path / "bostad.sqlite", config_path=tmp_path / "config.toml"), ref


def assert_refused(cli: Cli, result: Any, before: list[str], exit_codes: tuple[int, ...]) -> None:
    """One line saying what is wrong (Click adds a 'Try --help' line), nothing changed."""
    assert result.exit_code in exit_codes, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert lines, "a refusal says why"
    assert len(lines) == 1 or (len(lines) == 2 and lines[1].startswith("Try ")), lines
    assert len(lines[0]) <= 600
    assert "Traceback" not in result.stderr
    assert cli.dump() == before


def expected(field: Field, value: str) -> str:
    """Text is kept as typed, but for the normalisation of names: a one-line field is
    stored in NFC without invisible characters and with single plain spaces (lookalike
    names are one name); free text of several lines is stored in NFC."""
    import unicodedata

    from bostadcli.validate import normalise_name

    if field.multiline:
        return unicodedata.normalize("NFC", value.replace("\r\n", "\n")).strip()
    return normalise_name(value)


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_text_is_kept_exactly_or_refused_cleanly(case: tuple[Cli, str], field: Field) -> None:
    cli, ref = case
    for name, value in KEPT_TEXT.items():
        result = cli(*field.args(ref, value))
        assert result.exit_code == 0, (name, result.stderr)
        assert field.stored(cli, ref, result.stdout) == expected(field, value), name
    for name, value in REFUSED_TEXT.items():
        before = cli.dump()
        result = cli(*field.args(ref, value))
        assert_refused(cli, result, before, (1,))
        assert "control character" in result.stderr, name
    # The longest text a field takes is kept; one character more is refused.
    longest = ("y" * (field.max_length - 1)) + "z"
    result = cli(*field.args(ref, longest))
    assert result.exit_code == 0, result.stderr
    assert field.stored(cli, ref, result.stdout) == longest
    before = cli.dump()
    assert_refused(cli, cli(*field.args(ref, longest + "!")), before, (1,))
    before = cli.dump()
    result = cli(*field.args(ref, LONG + "!"))
    assert_refused(cli, result, before, (1,))
    assert "longer than" in result.stderr
    # Line breaks: kept in free text, refused in a name or a one-line field.
    result = cli(*field.args(ref, "first line\r\nsecond line"))
    if field.multiline:
        assert result.exit_code == 0, result.stderr
        assert field.stored(cli, ref, result.stdout) == "first line\nsecond line"
    else:
        assert result.exit_code == 1 and "control character" in result.stderr


def test_bytes_that_are_not_utf8_in_an_argument(case: tuple[Cli, str]) -> None:
    # What Python makes of a Latin-1 "ä" typed in a UTF-8 terminal: a lone surrogate.
    cli, ref = case
    for args in (
        ["household", "add", "Bo\udce4rje", *ASOF],
        ["contact", "add", ref, "--kind", "note", "--text", "\udcff", *ASOF],
        ["landlord", "show", "H\udce4m"],
        ["export", "households", "--out", "ut\udce4.csv"],
    ):
        before = cli.dump()
        result = cli(*args)
        assert_refused(cli, result, before, (2,))
        assert "not valid UTF-8" in result.stderr


def test_core_refuses_text_that_cannot_be_stored(tmp_path: Path) -> None:
    from datetime import date

    from bostadcli.db import open_database
    from bostadcli.errors import InvalidInput
    from bostadcli.households import NewHousehold, add_household

    db = open_database(tmp_path / "c.sqlite", create=True)
    try:
        with pytest.raises(InvalidInput, match="not valid UTF-8"):
            add_household(db, NewHousehold(tenant_name="Bo\udce4rje"), as_of=date(2026, 11, 16))
        assert db.execute("SELECT count(*) FROM households").fetchone()[0] == 0
    finally:
        db.close()


# Numbers ---------------------------------------------------------------------------------

BAD_AMOUNTS = [
    "1e308",
    "1" + "0" * 30,
    "1e-308",
    "NaN",
    "inf",
    "-inf",
    "0x10",
    "１２３",  # full-width digits
    "٣",  # an Arabic-Indic three
    "12,345,50",
    "12 345.50.1",
    "--5",
    "5 €",
    "",
    "   ",
    "1\x00",
]

AMOUNT_FIELDS = {
    "household add --rent": lambda ref, v: ["household", "add", "Namn", "--rent", v, *ASOF],
    "household add --arrears": lambda ref, v: ["household", "add", "Namn", "--arrears", v, *ASOF],
    "household edit --rent": lambda ref, v: ["household", "edit", ref, "--rent", v],
    "notice add --amount": lambda ref, v: [
        "notice",
        "add",
        ref,
        "--kind",
        "termination",
        "--served",
        "2026-11-10",
        "--amount",
        v,
        *ASOF,
    ],
    "plan create --debt": lambda ref, v: [
        "plan",
        "create",
        ref,
        "--debt",
        v,
        "--installment",
        "100",
        "--replaces",
        "P-0001",
        *ASOF,
    ],
    "plan create --income": lambda ref, v: [
        "plan",
        "create",
        ref,
        "--debt",
        "3000",
        "--installment",
        "1000",
        "--income",
        v,
        "--replaces",
        "P-0001",
        *ASOF,
    ],
    "plan pay --amount": lambda ref, v: ["plan", "pay", "P-0001", "--amount", v, *ASOF],
    "support add --cap": lambda ref, v: [
        "support",
        "add",
        ref,
        "--kind",
        "rent_guarantee",
        "--cap",
        v,
        "--start",
        "2026-11-10",
        "--end",
        "2028-11-09",
        *ASOF,
    ],
    "support add --cost": lambda ref, v: [
        "support",
        "add",
        ref,
        "--kind",
        "emergency_housing",
        "--place",
        "Vandrarhemmet",
        "--cost",
        v,
        "--start",
        "2026-11-10",
        "--nights-to",
        "2026-11-12",
        *ASOF,
    ],
}


@pytest.mark.parametrize("name", list(AMOUNT_FIELDS))
def test_impossible_amounts_are_refused_cleanly(case: tuple[Cli, str], name: str) -> None:
    cli, ref = case
    build = AMOUNT_FIELDS[name]
    for value in BAD_AMOUNTS:
        before = cli.dump()
        result = cli(*build(ref, value))
        assert_refused(cli, result, before, (1, 2))
        option = name.split()[-1]
        assert option in result.stderr, (value, result.stderr)  # says which value is wrong


def test_the_largest_amount_is_kept_and_one_ore_more_refused(case: tuple[Cli, str]) -> None:
    from bostadcli.money import MAX_AMOUNT_ORE

    cli, _ref = case
    kronor, ore = divmod(MAX_AMOUNT_ORE, 100)
    largest = f"{kronor:,}".replace(",", " ") + f",{ore:02d}"
    new = cli.ok("household", "add", "Stor Skuld", "--arrears", largest, *ASOF).stdout.strip()
    assert show(cli, new)["arrears_ore"] == MAX_AMOUNT_ORE
    before = cli.dump()
    assert_refused(
        cli, cli("household", "edit", new, "--arrears", f"{largest[:-1]}1"), before, (1,)
    )


@pytest.mark.parametrize(
    "args",
    [
        ["member", "remove", "{ref}", str(10**30)],
        ["member", "remove", "{ref}", str(2**63)],
        ["member", "remove", "{ref}", "-1"],
        ["support", "end", str(10**30), *ASOF],
        ["support", "edit", str(2**63), "--note", "x"],
        ["support", "show", str(2**64)],
        ["plan", "create", "{ref}", "--debt", "3000", "--months", str(10**30), "--dry-run", *ASOF],
        ["plan", "create", "{ref}", "--debt", "3000", "--months", "0", "--dry-run", *ASOF],
        ["report", "deadlines", "--days", str(10**30), *ASOF],
        ["report", "deadlines", "--days", str(10**6), *ASOF],
        ["report", "deadlines", "--days", "-1", *ASOF],
        ["report", "year", "--year", str(10**30)],
        ["report", "year", "--year", "0"],
        ["support", "quota", "--year", str(10**30)],
        ["support", "list", "--year", str(-(10**30))],
        [
            "support",
            "add",
            "{ref}",
            "--kind",
            "rent_guarantee",
            "--cap-months",
            str(10**30),
            "--start",
            "2026-11-10",
            *ASOF,
        ],
        ["household", "list", "--format", "json", "--as-of", str(10**30)],
    ],
    ids=lambda a: " ".join(a[:2] + a[3:5]),
)
def test_huge_and_negative_whole_numbers(case: tuple[Cli, str], args: list[str]) -> None:
    cli, ref = case
    before = cli.dump()
    result = cli(*[a.format(ref=ref) for a in args])
    assert_refused(cli, result, before, (1, 2))


# Dates --------------------------------------------------------------------------------------

BAD_DATES = [
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "1899-12-31",
    "2201-01-01",
    "0000-00-00",
    "2026-02-30",
    "2026-13-01",
    "-2026-01-01",
    "２０２６-01-01",
    "2026-1-1",
    "2026-11-16T00:00",
    "",
]

DATE_FIELDS = {
    "--as-of": lambda ref, v: ["household", "add", "Namn", "--as-of", v],
    "household add --opened": lambda ref, v: ["household", "add", "Namn", "--opened", v, *ASOF],
    "household add --child": lambda ref, v: ["household", "add", "Namn", "--child", v, *ASOF],
    "household close --date": lambda ref, v: ["household", "close", ref, "--date", v, *ASOF],
    "member add --born": lambda ref, v: ["member", "add", ref, "--name", "M", "--born", v, *ASOF],
    "notice add --served": lambda ref, v: [
        "notice",
        "add",
        ref,
        "--kind",
        "termination",
        "--served",
        v,
        *ASOF,
    ],
    "notice add --eviction-at": lambda ref, v: [
        "notice",
        "add",
        ref,
        "--kind",
        "eviction",
        "--eviction-at",
        v,
        *ASOF,
    ],
    "contact add --date": lambda ref, v: [
        "contact",
        "add",
        ref,
        "--kind",
        "phone",
        "--text",
        "t",
        "--date",
        v,
        *ASOF,
    ],
    "consent add --expires": lambda ref, v: [
        "consent",
        "add",
        ref,
        "--recipient",
        "other",
        "--expires",
        v,
        *ASOF,
    ],
    "support add --end": lambda ref, v: [
        "support",
        "add",
        ref,
        "--kind",
        "housing_support",
        "--start",
        "2026-11-10",
        "--end",
        v,
        *ASOF,
    ],
    "plan create --first-due": lambda ref, v: [
        "plan",
        "create",
        ref,
        "--debt",
        "3000",
        "--installment",
        "1000",
        "--first-due",
        v,
        "--replaces",
        "P-0001",
        *ASOF,
    ],
    "plan pay --date": lambda ref, v: ["plan", "pay", "P-0001", "--amount", "1", "--date", v],
    "landlord add --cooperation-agreement": lambda ref, v: [
        "landlord",
        "add",
        "Ny Hyresvärd",
        "--cooperation-agreement",
        v,
    ],
    "export --since": lambda ref, v: ["export", "contacts", "--since", v],
    "audit --since": lambda ref, v: ["audit", "--since", v],
}


@pytest.mark.parametrize("name", list(DATE_FIELDS))
def test_dates_far_away_or_impossible_are_refused(case: tuple[Cli, str], name: str) -> None:
    cli, ref = case
    build = DATE_FIELDS[name]
    for value in BAD_DATES:
        if name == "notice add --eviction-at" and value == "2026-11-16T00:00":
            continue  # a day and a time, as Kronofogden writes them
        before = cli.dump()
        result = cli(*build(ref, value))
        assert_refused(cli, result, before, (1, 2))


@pytest.mark.parametrize(
    "month", ["0001-01", "9999-12", "2026-13", "2026-00", "26-11", "2026-11-01", "２０２６-11", ""]
)
def test_months_far_away_or_impossible_are_refused(
    case: tuple[Cli, str], month: str, tmp_path: Path
) -> None:
    cli, _ref = case
    before = cli.dump()
    args = ["letter", "monthly", "--month", month, "--out-dir", str(tmp_path / "brev"), *ASOF]
    assert_refused(cli, cli(*args), before, (1, 2))
    assert not (tmp_path / "brev").exists()


def test_the_oldest_and_latest_dates_allowed_are_kept(case: tuple[Cli, str]) -> None:
    cli, ref = case
    cli.ok("member", "add", ref, "--name", "Äldst", "--born", "1900-01-01", *ASOF)
    cli.ok(
        "consent", "add", ref, "--recipient", "other", "--name", "Hyresgästföreningen",
        "--expires", "2200-12-31", *ASOF,
    )  # fmt: skip
    case_ = show(cli, ref)
    assert latest(case_["member_list"])["birth_date"] == "1900-01-01"
    assert latest(case_["member_list"])["age"] == 126
    assert latest(exported(cli, "consents"))["expires_on"] == "2200-12-31"
    # Everything that reads the case copes with them, whatever day it is asked about.
    for as_of in ("1900-01-01", "2200-12-31"):
        for args in (
            ["household", "show", ref, "--format", "json"],
            ["household", "list"],
            ["report", "deadlines"],
            ["report", "caseload"],
            ["report", "year", "--format", "json"],
            ["export", "members"],
            ["plan", "check"],
            ["purge", "--dry-run"],
        ):
            result = cli(*args, "--as-of", as_of)
            assert result.exit_code == 0, (args, as_of, result.stderr)


# Names and notes are text in letters and reports, never templates ------------------------

JINJA_NAME = "{{ 7*7 }} {{ 7*191 }}"
# Short enough for the envelope window (36 characters a line): a longer address line is
# refused, never cut off.
JINJA_STREET = "{%for x in range(9)%}{{x}}{%endfor%}"


def test_jinja_in_names_is_printed_not_run(case: tuple[Cli, str], tmp_path: Path) -> None:
    cli, _ref = case
    cli.ok("caseworker", "add", "{{ caseworker }}", "--initials", "JJ")
    ref = cli.ok(
        "household",
        "add",
        JINJA_NAME,
        "--co-tenant",
        "{{ config }} {{ ''.__class__ }}",
        "--street",
        JINJA_STREET,
        "--postal-code",
        "441 30",
        "--city",
        "{# Ängby",
        "--note",
        "{% raw %}{{ 7*7 }}",
        "--caseworker",
        "JJ",
        "--opened",
        "2026-11-02",
        *ASOF,
    ).stdout.strip()
    cli.ok(
        "notice",
        "add",
        ref,
        "--kind",
        "termination",
        "--served",
        "2026-11-10",
        "--notified",
        "2026-11-10",
        *ASOF,
    )
    for fmt in ("html", "txt"):
        letter = cli.ok("letter", "render", ref, "outreach", "--format", fmt, "--out", "-", *ASOF)
        text = letter.stdout
        assert "{{ 7*7 }} {{ 7*191 }}" in text
        assert "1337" not in text  # 7*191, had it been evaluated
        assert "{{ caseworker }}" in text
        if fmt == "html":  # the address in the window of the envelope
            assert JINJA_STREET in text and "012345678" not in text
            assert "{# Ängby" in text
    # The monthly batch writes the same letter to a file.
    out = tmp_path / "brev"
    cli.ok("letter", "monthly", "--format", "html", "--out-dir", str(out), *ASOF)
    written = (out / f"{ref}-outreach.html").read_text(encoding="utf-8")
    assert "{{ 7*7 }} {{ 7*191 }}" in written and "1337" not in written
    # And every screen and report shows the characters as they are.
    for args in (
        ["household", "show", ref],
        ["household", "list"],
        ["report", "deadlines", "--days", "60"],
        ["export", "households"],
        # The audit's screen says what changed in words; its values are in the JSON.
        ["audit", "--household", ref, "--format", "json"],
    ):
        shown = cli.ok(*args, *(ASOF if args[0] in ("household", "report") else [])).stdout
        assert "{{ 7*7 }}" in shown, args
        assert "1337" not in shown, args


# Paths ---------------------------------------------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_paths_with_dot_dot_go_where_they_lead(case: tuple[Cli, str], tmp_path: Path) -> None:
    # The user names the place; '..' is a step up like in any other program, and what is
    # written there is written owner-only.
    cli, ref = case
    (tmp_path / "a").mkdir()
    up = tmp_path / "a" / ".."
    cli.ok("export", "households", "--out", str(up / "export.csv"))
    assert mode(tmp_path / "export.csv") == 0o600
    cli.ok("letter", "render", ref, "outreach", "--format", "html", "--out", str(up / "l.html"))
    assert mode(tmp_path / "l.html") == 0o600
    # The case is in contact (it has a plan): the month has no letter, and no folder.
    cli.ok("letter", "monthly", "--format", "html", "--out-dir", str(up / "brev"), *ASOF)
    assert not (tmp_path / "brev").exists()
    # A folder made for a file is owner-only.
    cli.ok("backup", str(up / "kopior" / "copy.sqlite"))
    assert mode(tmp_path / "kopior") == 0o700
    cli.ok("backup", str(up / "copy.sqlite"))
    assert mode(tmp_path / "copy.sqlite") == 0o600
    assert sorted(p.name for p in tmp_path.glob(".*")) == []  # no temporary file left


@pytest.mark.parametrize(
    "args",
    [
        ["template", "show", "../../../../etc/passwd"],
        ["template", "show", "../base"],
        ["template", "copy", "../../outreach", "{tmp}/mallar"],
        ["letter", "render", "{ref}", "../../etc/passwd", "--out", "-"],
        [
            "letter",
            "render",
            "{ref}",
            "outreach",
            "--out",
            "{tmp}/no/such/folder/x.html",
            "-f",
            "html",
        ],
        ["letter", "render", "{ref}", "outreach", "--out", "{tmp}/" + "x" * 300, "-f", "html"],
        ["letter", "render", "{ref}", "outreach", "--out", "{tmp}/a\x00b", "-f", "html"],
        ["letter", "render", "{ref}", "outreach", "--out", "{tmp}", "-f", "html"],
        ["letter", "monthly", "--out-dir", "{tmp}/" + "d" * 300, *ASOF],
        ["letter", "monthly", "--out-dir", "{tmp}/a\x00b", *ASOF],
        ["export", "households", "--out", ""],
        ["export", "households", "--out", "{tmp}"],
        ["export", "households", "--out", "{tmp}/" + "e" * 300],
        ["export", "households", "--out", "{tmp}/no/such/folder/e.csv"],
        ["report", "year", "--out", "{tmp}/" + "r" * 300, *ASOF],
        ["report", "year", "--out", "{tmp}/a\x00b", *ASOF],
        ["backup", "{tmp}/" + "b" * 300],
        ["backup", "{tmp}/a\x00b"],
        ["import", "notices", "{tmp}/../no-such-list.csv", *ASOF],
        ["import", "notices", "{tmp}/" + "i" * 300, *ASOF],
        ["import", "notices", "{tmp}", *ASOF],
        ["import", "household", "{tmp}/a\x00b"],
        ["--db", "{tmp}/" + "s" * 300, "household", "list"],
        ["--db", "{tmp}/a\x00b", "household", "list"],
        ["--config", "{tmp}/" + "c" * 300, "letter", "monthly", "--dry-run", *ASOF],
        ["letter", "monthly", "--dry-run", "--templates", "{tmp}/../../" + "t" * 300, *ASOF],
    ],
    ids=lambda a: " ".join(x[:24].replace("\x00", "NUL") for x in a[:4]),
)
def test_paths_that_cannot_be_used_are_refused(
    case: tuple[Cli, str], tmp_path: Path, args: list[str]
) -> None:
    cli, ref = case
    before = cli.dump()
    files = sorted(tmp_path.rglob("*"))
    result = cli(*[a.format(ref=ref, tmp=tmp_path) for a in args])
    assert_refused(cli, result, before, (1, 2))
    assert result.stdout == "" or args[0] == "template"
    assert "root:" not in result.stdout  # nothing of /etc/passwd
    assert sorted(tmp_path.rglob("*")) == files


# Landlords' lists ----------------------------------------------------------------------------


def test_invalid_utf8_in_a_landlords_list_names_the_line(
    case: tuple[Cli, str], tmp_path: Path
) -> None:
    cli, _ref = case
    good = b"Namn;Adress;Postnr;Skuld\r\nAnna Ek;Storgatan 2;441 30;1 000\r\n"
    broken = tmp_path / "lista.csv"
    broken.write_bytes(good + b"Bo B\xe4rje;Storgatan 3;441 30;2 000\r\n")
    before = cli.dump()
    result = cli("import", "notices", str(broken), "--encoding", "utf-8", "--landlord", "Ängbyhem")
    assert_refused(cli, result, before, (1,))
    assert "lista.csv, line 3:" in result.stderr
    assert "0xe4" in result.stderr and "cp1252" in result.stderr
    # A byte Windows-1252 does not have either, found without being told the encoding.
    broken.write_bytes(
        good + "Bo Bärje;Storgatan 3;441 30;2 000\r\n".encode("cp1252") + b"\x81\r\n"
    )
    result = cli("import", "notices", str(broken), "--landlord", "Ängbyhem")
    assert_refused(cli, result, before, (1,))
    assert "line 4:" in result.stderr and "0x81" in result.stderr
    # The same bytes through a pipe.
    from typer.testing import CliRunner

    from bostadcli.cli.app import app

    piped = CliRunner().invoke(
        app,
        ["import", "notices", "-", "--encoding", "utf-8", "--landlord", "Ängbyhem"],
        input=good + b"\xff\xfe\r\n",
        env={"BOSTAD_DB": str(cli.db_path), "BOSTAD_CONFIG": str(cli.config_path)},
    )
    assert piped.exit_code == 1 and "standard input, line 3:" in piped.stderr
    assert cli.dump() == before


def test_hostile_cells_in_a_landlords_list(case: tuple[Cli, str], tmp_path: Path) -> None:
    cli, _ref = case
    path = tmp_path / "lista.csv"
    header = "Namn;Adress;Postnr;Skuld\r\n"
    kept = [
        "'; DROP TABLE households; --",
        "{{ 7*7 }}",
        '=HYPERLINK("x")',
        "[red]x[/red]",
    ]
    body = "".join(
        f'"{v.replace(chr(34), chr(34) * 2)}";Gata {i};441 30;100\r\n' for i, v in enumerate(kept)
    )
    path.write_text(header + body, encoding="utf-8")
    cli.ok("import", "notices", str(path), "--landlord", "Ängbyhem", *ASOF)
    tenants = {row["tenant"] for row in exported(cli, "households")}
    assert set(kept) <= tenants
    for cell, reason in (
        ("Anna\x07", "control character"),
        ("\u202eevil", "control character (U+202E)"),
        ("x" * 10_000, "longer than"),
        ("Anna", None),
    ):
        path.write_text(header + f"{cell};Gata 99;441 30;1e308\r\n", encoding="utf-8")
        before = cli.dump()
        result = cli("import", "notices", str(path), "--landlord", "Ängbyhem", *ASOF)
        assert_refused(cli, result, before, (1,))
        assert "line 2:" in result.stderr
        assert (reason or "Skuld") in result.stderr


# Generated text and numbers ----------------------------------------------------------------

FRAGMENTS = [*KEPT_TEXT.values(), *REFUSED_TEXT.values(), "\n", "\r\n", "\r", "\t", " ", "-"]
# Any characters Python can hold as UTF-8 (lone surrogates are the argument check's), and
# runs of the hand-made fragments, which plain random text seldom hits.
TEXT = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=260),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=8).map("".join),
)
GENERATED = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def has_control(text: str, allowed: str = "") -> bool:
    import unicodedata

    # The bidi embeddings, overrides and isolates are refused as control characters.
    bidi = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    return any(
        (unicodedata.category(ch) == "Cc" or ch in bidi) and ch not in allowed for ch in text
    )


@GENERATED
@given(value=TEXT)
def test_generated_names_are_kept_or_refused(case: tuple[Cli, str], value: str) -> None:
    cli, _ref = case
    before = cli.dump()
    # '--' ends the options: a name may start with a dash.
    from bostadcli.validate import normalise_name

    result = cli("household", "add", *ASOF, "--", value)
    stored = normalise_name(value)
    if has_control(value):
        assert_refused(cli, result, before, (1,))
        assert "control character" in result.stderr
    elif not value.strip():
        assert_refused(cli, result, before, (1,))
        assert "must not be empty" in result.stderr
    elif len(value) > 800 or len(stored) > 200:
        assert_refused(cli, result, before, (1,))
        assert "longer than 200" in result.stderr
    elif not stored:
        assert_refused(cli, result, before, (1,))
        assert "invisible" in result.stderr
    else:
        assert result.exit_code == 0, result.stderr
        assert show(cli, result.stdout.strip())["tenant"] == stored


@GENERATED
@given(value=TEXT)
def test_generated_notes_are_kept_or_refused(case: tuple[Cli, str], value: str) -> None:
    cli, ref = case
    before = cli.dump()
    result = cli("contact", "add", ref, "--kind", "note", "--text", value, *ASOF)
    text = value.replace("\r\n", "\n")
    if has_control(text, allowed="\n\t"):
        assert_refused(cli, result, before, (1,))
        assert "control character" in result.stderr
    else:  # an empty text is allowed: the kind of contact says enough
        assert result.exit_code == 0, result.stderr
        assert latest(show(cli, ref)["contacts"])["text"] == text.strip()


@GENERATED
@given(ore=st.integers(min_value=0, max_value=10**9 * 100), style=st.sampled_from(range(4)))
def test_amounts_come_back_as_typed(case: tuple[Cli, str], ore: int, style: int) -> None:
    from bostadcli.money import MAX_AMOUNT_ORE

    cli, ref = case
    kronor, rest = divmod(ore, 100)
    typed = [
        f"{kronor:,}".replace(",", " ") + f",{rest:02d}",
        f"{kronor}.{rest:02d}",
        f"{kronor:,}".replace(",", "\u00a0") + f",{rest:02d} kr",
        f"{kronor},{rest:02d}",
    ][style]
    before = cli.dump()
    result = cli("household", "edit", ref, "--arrears", typed)
    if ore > MAX_AMOUNT_ORE:
        assert_refused(cli, result, before, (1,))
    else:
        assert result.exit_code == 0, (typed, result.stderr)
        assert show(cli, ref)["arrears_ore"] == ore


@GENERATED
@given(value=TEXT)
def test_generated_amounts_are_parsed_or_refused(case: tuple[Cli, str], value: str) -> None:
    from bostadcli.errors import InvalidInput
    from bostadcli.money import parse_money

    cli, ref = case
    try:
        expected_ore: int | None = parse_money(value, field="--arrears").ore
    except InvalidInput:
        expected_ore = None
    before = cli.dump()
    result = cli("household", "edit", ref, "--arrears", value)
    if expected_ore is None:
        assert_refused(cli, result, before, (1,))
        assert "--arrears" in result.stderr
    else:
        assert result.exit_code == 0, result.stderr
        assert show(cli, ref)["arrears_ore"] == expected_ore
