"""A fact cannot be dated after the real date (dates.check_fact_day).

A command that records what has happened (a contact logged, a payment made, a case
opened or closed, a consent given, a notice served…) refuses a day after today, by
--as-of or by its own date option, in one line that names the option, the day and
today, with the database untouched. What may be made or booked ahead keeps the days
ahead of rules.WRITE_AS_OF_DAYS_AHEAD: a letter, a booked contact, the demo; and a
deadline, a planned end or an installment's day ahead is no fact at all.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from bostadcli import dates, i18n
from conftest import Cli, sql_dump

# The real date of these tests (the demo's day, a Monday), a day ahead and one behind.
TODAY = date(2026, 11, 16)
AHEAD = (TODAY + timedelta(days=10)).isoformat()
TOMORROW = (TODAY + timedelta(days=1)).isoformat()
BEHIND = (TODAY - timedelta(days=3)).isoformat()
# The rules as the program has them (the suite's conftest lifts both).
_WINDOW, _FACT = dates.record_day_window, dates.latest_fact_day

PLANNED = ["contact", "add", "2026-0004", "--kind", "meeting", "--planned", "--at"]

# Every command that records a fact, with the steps that prepare it ({last}: the
# standard output of the step before); run on TODAY, each succeeds.
FACTS: dict[str, tuple[list[list[str]], list[str]]] = {
    "contact add": ([], ["contact", "add", "2026-0004", "--kind", "phone", "--text", "Samtal"]),
    "contact held": ([[*PLANNED, TODAY.isoformat()]], ["contact", "held", "{last}"]),
    "contact cancel": ([[*PLANNED, AHEAD]], ["contact", "cancel", "{last}"]),
    "contact correct": ([], ["contact", "correct", "1", "--text", "Rättad", "--reason", "r"]),
    "plan pay": ([], ["plan", "pay", "P-0001", "--amount", "100"]),
    "plan create": ([], ["plan", "create", "2026-0001", "--debt", "1000", "--installment", "100"]),
    "plan cancel": ([], ["plan", "cancel", "P-0002"]),
    "plan void-payment": ([], ["plan", "void-payment", "P-0001", "1", "--reason", "r"]),
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
    "consent add": ([], ["consent", "add", "2026-0004", "--recipient", "landlord"]),
    "consent revoke": (
        [["consent", "add", "2026-0004", "--recipient", "landlord"]],
        ["consent", "revoke", "2026-0004", "--recipient", "landlord"],
    ),
    "support add": ([], ["support", "add", "2026-0004", "--kind", "housing_support"]),
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
        ],
    ),
    "caseworker retire": ([], ["caseworker", "retire", "OB", "--move-to", "KE"]),
    "import notices": ([], ["import", "notices", "{tmp}/list.csv", "--landlord", "Exempelhem AB"]),
    "import household": (
        [["export", "household", "2026-0004", "--out", "{tmp}/case.json"]],
        ["import", "household", "{tmp}/case.json"],
    ),
}

# The day something happened, by the command's own option.
FACT_DATES: dict[str, list[str]] = {
    "contact add --date": [*FACTS["contact add"][1], "--date"],
    "contact correct --date": [*FACTS["contact correct"][1], "--date"],
    "plan pay --date": [*FACTS["plan pay"][1], "--date"],
    "plan cancel --date": [*FACTS["plan cancel"][1], "--date"],
    "household add --opened": [*FACTS["household add"][1], "--opened"],
    "household close --date": [*FACTS["household close"][1], "--date"],
    "notice add --served": [*FACTS["notice add"][1], "--served"],
    "notice add --notified": [*FACTS["notice add"][1], "--notified"],
    "notice add --terminated": [*FACTS["notice add"][1], "--terminated"],
    "notice edit --served": [*FACTS["notice edit"][1], "--served"],
    "consent add --given": [*FACTS["consent add"][1], "--given"],
    "support end --date": [*FACTS["support end"][1], "--date"],
    "support add --granted": [
        "support",
        "add",
        "2026-0004",
        "--kind",
        "priority_allocation",
        "--landlord",
        "Exempelhem AB",
        "--granted",
    ],
    "undertaking add --given": [*FACTS["undertaking add"][1], "--given"],
    "caseworker retire --date": [*FACTS["caseworker retire"][1], "--date"],
}


@pytest.fixture(autouse=True)
def real_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules in force, on a fixed real date."""
    monkeypatch.setattr(dates, "real_today", lambda: TODAY)
    monkeypatch.setattr(dates, "record_day_window", _WINDOW)
    monkeypatch.setattr(dates, "latest_fact_day", _FACT)
    # Consent and undertakings judge "given before it is recorded" on the real date.
    monkeypatch.setattr("bostadcli.consents.real_today", lambda: TODAY)
    monkeypatch.setattr("bostadcli.undertakings.record_day", lambda: TODAY)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bostadcli.demo import build_demo

    folder = tmp_path_factory.mktemp("future-facts") / "demo"
    build_demo(folder, as_of=TODAY)
    return folder


@pytest.fixture
def demo(pristine: Path, tmp_path: Path) -> Iterator[Cli]:
    for name in ("bostad.sqlite", "config.toml"):
        shutil.copy(pristine / name, tmp_path / name)
    (tmp_path / "list.csv").write_text("Namn;Personnummer;Adress;Skuld\n", encoding="utf-8")
    yield Cli(db_path=tmp_path / "bostad.sqlite", config_path=tmp_path / "config.toml")


def _fill(args: list[str], tmp: Path, last: str = "") -> list[str]:
    return [a.replace("{tmp}", str(tmp)).replace("{last}", last) for a in args]


def _prepared(demo: Cli, tmp_path: Path, name: str) -> list[str]:
    setup, command = FACTS[name]
    last = ""
    for step in setup:
        last = demo.ok(*_fill(step, tmp_path), "--as-of", TODAY.isoformat()).stdout.strip()
    return _fill(command, tmp_path, last)


def _refused(demo: Cli, args: list[str], option: str, day: str) -> None:
    before = sql_dump(demo.db_path)
    result = demo(*args)
    assert result.exit_code == 1, (args, result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"error: {option}: is after today ({TODAY.isoformat()})")
    assert result.stderr.rstrip().endswith(f"'{day}'"), result.stderr
    assert sql_dump(demo.db_path) == before


@pytest.mark.parametrize("name", sorted(FACTS))
def test_a_fact_is_not_dated_after_today(demo: Cli, tmp_path: Path, name: str) -> None:
    args = _prepared(demo, tmp_path, name)
    for day in (TOMORROW, AHEAD):
        _refused(demo, [*args, "--as-of", day], "--as-of", day)
    # Today itself is a day a fact can have.
    demo.ok(*args, "--as-of", TODAY.isoformat())


@pytest.mark.parametrize("name", sorted(FACT_DATES))
def test_the_day_it_happened_is_not_after_today(demo: Cli, name: str) -> None:
    args = FACT_DATES[name]
    option = args[-1]
    for day in (TOMORROW, AHEAD):
        # Even with --as-of back-dated, and with no --as-of at all.
        _refused(demo, [*args, day, "--as-of", BEHIND], option, day)
        _refused(demo, [*args, day], option, day)


def test_today_itself_is_allowed_as_the_day_it_happened(demo: Cli) -> None:
    day = TODAY.isoformat()
    demo.ok("contact", "add", "2026-0004", "--kind", "phone", "--date", day, "--as-of", day)
    demo.ok("plan", "pay", "P-0001", "--amount", "100", "--date", day, "--as-of", day)
    demo.ok("household", "add", "Test Testsson", "--opened", day, "--as-of", day)
    demo.ok("notice", "add", "2026-0004", "--kind", "termination", "--served", day,
            "--as-of", day)  # fmt: skip
    demo.ok("consent", "add", "2026-0004", "--recipient", "landlord", "--given", day,
            "--as-of", day)  # fmt: skip
    demo.ok("household", "close", "2026-0004", "--outcome", "stays", "--date", day,
            "--as-of", day)  # fmt: skip


def test_a_plan_payment_ahead_cannot_put_a_plan_on_time(demo: Cli) -> None:
    """The harm: a payment not made yet would count towards the plan's installments."""
    before = sql_dump(demo.db_path)
    result = demo("plan", "pay", "P-0001", "--amount", "5000", "--date", AHEAD, "--as-of", AHEAD)
    assert result.exit_code == 1 and "--as-of: is after today (2026-11-16)" in result.stderr
    assert sql_dump(demo.db_path) == before


def test_a_booked_contact_may_lie_ahead(demo: Cli) -> None:
    booked = demo.ok(*PLANNED, f"{AHEAD} 10:00", "--as-of", TODAY.isoformat()).stdout.strip()
    assert booked.isdigit()
    # Booked as on a day ahead too: the window's days ahead hold for what is planned.
    demo.ok(*PLANNED, f"{AHEAD} 11:00", "--as-of", TOMORROW)
    # It cannot be marked held before its day has come, nor on a day to come.
    _refused(demo, ["contact", "held", booked, "--as-of", AHEAD], "--as-of", AHEAD)
    _refused(demo, ["contact", "held", booked, "--date", AHEAD], "--date", AHEAD)


def test_a_letter_may_be_made_ahead(demo: Cli, tmp_path: Path) -> None:
    demo.ok(
        "letter", "render", "2026-0001", "meeting", "--param", f"date={AHEAD}",
        "--param", "time=10:00", "--param", "place=Stora torget 1", "-f", "html",
        "--out", str(tmp_path / "m.html"), "--as-of", TOMORROW,
    )  # fmt: skip
    demo.ok("letter", "daily", "-f", "html", "--out-dir", str(tmp_path / "d"), "--as-of", AHEAD)
    demo.ok("letter", "monthly", "-f", "html", "--out-dir", str(tmp_path / "m"), "--as-of", AHEAD)


def test_what_is_planned_may_lie_ahead(demo: Cli) -> None:
    """A deadline, a planned start or end and an installment's day are no facts."""
    day = TODAY.isoformat()
    demo.ok("support", "add", "2026-0004", "--kind", "housing_support", "--start", AHEAD, "--end",
            "2027-03-01", "--as-of", day)  # fmt: skip
    demo.ok("plan", "create", "2026-0001", "--debt", "1000", "--installment", "100",
            "--first-due", "2026-12-15", "--as-of", day)  # fmt: skip
    demo.ok("consent", "add", "2026-0004", "--recipient", "landlord", "--expires", "2027-11-16",
            "--as-of", day)  # fmt: skip
    demo.ok("notice", "add", "2026-0004", "--kind", "warning", "--ground", "disturbance",
            "--correct-by", AHEAD, "--as-of", day)  # fmt: skip


def test_reading_and_a_dry_run_take_a_day_ahead(demo: Cli) -> None:
    before = sql_dump(demo.db_path)
    demo.ok("plan", "create", "2026-0001", "--debt", "1000", "--installment", "100",
            "--dry-run", "--as-of", AHEAD)  # fmt: skip
    demo.ok("household", "list", "--as-of", AHEAD)
    assert sql_dump(demo.db_path) == before


def test_a_day_far_back_still_names_the_window_up_to_today(demo: Cli) -> None:
    result = demo("contact", "add", "2026-0004", "--kind", "phone", "--date", "2020-01-01")
    assert result.exit_code == 1
    assert "must be from 2021-11-16 to 2026-11-16" in result.stderr


def test_the_message_is_swedish_in_swedish(demo: Cli) -> None:
    i18n.setup("sv")
    result = demo("contact", "add", "2026-0004", "--kind", "phone", "--as-of", AHEAD)
    assert result.exit_code == 1
    assert result.stderr == (
        "fel: --as-of: är efter dagens datum (2026-11-16): ett kommando som sparar något som"
        " har hänt kan ha dagens datum eller ett tidigare (listor, rapporter och --dry-run"
        f" godtar vilket datum som helst): '{AHEAD}'\n"
    )
