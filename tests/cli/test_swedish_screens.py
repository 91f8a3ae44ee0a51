"""Every screen a caseworker reads, in Swedish, over the demo's caseload: no English code
word (an outcome, a reason, a role, a letter kind, …) may show where a Swedish word
belongs. CSV and JSON keep the codes, by design: they are for scripts."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from enum import Enum
from pathlib import Path

import pytest

from bostadcli import i18n
from conftest import BOSTAD_ON_ANY_DAY

AS_OF = "2026-12-04"
# A file name carries a letter kind on purpose ("2026-0001-outreach.pdf"): not a word.
FILE_NAME = re.compile(r"\S+\.(?:pdf|html|txt|csv|sqlite|toml)\b")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bostadcli.demo import build_demo

    previous = i18n.current_language()
    i18n.setup("sv")
    try:
        folder = tmp_path_factory.mktemp("sv-screens") / "demo"
        build_demo(folder, as_of=date.fromisoformat(AS_OF))
    finally:
        i18n.setup(previous)
    return folder


def code_words() -> dict[str, str]:
    """Every code of the vocabularies and letter kinds whose Swedish word differs from
    it, mapped to where it comes from."""
    from bostadcli import vocab
    from bostadcli.letters import KINDS, kind_label

    previous = i18n.current_language()
    i18n.setup("sv")
    try:
        found: dict[str, str] = {}
        for name in dir(vocab):
            enum = getattr(vocab, name)
            if not (isinstance(enum, type) and issubclass(enum, vocab.Vocab)):
                continue
            if enum is vocab.Vocab:
                continue
            for member in enum:
                code = str(member.value)
                if code != member.label and len(code) > 2:
                    found[code] = f"{name}.{code}"
        for code in KINDS:
            if code != kind_label(code):
                found[code] = f"letter kind {code}"
        return found
    finally:
        i18n.setup(previous)


def run(demo: Path, *args: str) -> str:
    done = subprocess.run(
        [
            sys.executable,
            *BOSTAD_ON_ANY_DAY,
            "--db",
            str(demo / "bostad.sqlite"),
            "--config",
            str(demo / "config.toml"),
            "--lang",
            "sv",
            *args,
        ],
        capture_output=True,
        text=True,
        env={"COLUMNS": "120", "PATH": "/usr/bin:/bin", "HOME": str(demo)},
    )
    assert done.returncode == 0, (args, done.stderr)
    return done.stdout + done.stderr


def screens(demo: Path) -> list[list[str]]:
    refs = [
        h["ref"]
        for h in json.loads(run(demo, "household", "list", "--status", "all", "-f", "json"))
    ]
    plans = [p["ref"] for p in json.loads(run(demo, "plan", "list", "-f", "json"))]
    found = [
        ["household", "list", "--status", "all"],
        ["report", "deadlines", "--as-of", AS_OF],
        ["report", "caseload", "--as-of", AS_OF],
        ["report", "year", "--year", "2026", "--as-of", AS_OF],
        ["report", "homeless", "--date", AS_OF],
        ["search", "Hassan"],
        ["plan", "list"],
        ["letter", "list"],
        ["audit"],
        ["contact", "list"],
        ["support", "list", "--all", "--as-of", AS_OF],
        ["notice", "list", "--as-of", AS_OF],
        ["consent", "list"],
        ["landlord", "list"],
        ["caseworker", "list"],
        ["undertaking", "list"],
    ]
    for ref in refs:
        found += [["household", "show", ref], ["household", "history", ref]]
    for plan in plans:
        found.append(["plan", "show", plan, "--as-of", AS_OF])
    return found


# Codes that are Swedish words too ("plan").
SWEDISH_TOO = {"plan"}


def test_no_english_code_on_a_swedish_screen(demo: Path) -> None:
    from test_screen_widths import in_terminal

    words = {code: where for code, where in code_words().items() if code not in SWEDISH_TOO}
    assert {"outreach", "unpaid_rent", "tenant", "stays"} <= set(words)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, words)) + r")(?![\w-])")
    problems = []
    for screen in screens(demo):
        shown = FILE_NAME.sub("", run(demo, *screen))
        problems += [(screen, m.group(1)) for m in pattern.finditer(shown)]
    # The daily run's plan is a table only on a terminal (piped, it is CSV); a new
    # case with a termination gives it a letter to plan.
    ref = run(
        demo,
        "household",
        "add",
        "Fatima Ali",
        "--street",
        "Ekgatan 5",
        "--postal-code",
        "44131",
        "--city",
        "Exempelby",
        "--landlord",
        "Exempelhem AB",
        "--arrears",
        "13800",
        "--as-of",
        "2026-12-07",
    ).split()[0]
    run(
        demo,
        "notice",
        "add",
        ref,
        "--kind",
        "termination",
        "--notified",
        "2026-12-04",
        "--served",
        "2026-12-03",
        "--amount",
        "13800",
        "--as-of",
        "2026-12-07",
    )
    daily = ["letter", "daily", "--dry-run", "--as-of", "2026-12-08"]
    base = [sys.executable, *BOSTAD_ON_ANY_DAY, "--db", str(demo / "bostad.sqlite")]
    base += ["--config", str(demo / "config.toml"), "--lang", "sv"]
    shown = FILE_NAME.sub("", in_terminal([*base, *daily], 120))
    problems += [(daily, m.group(1)) for m in pattern.finditer(shown)]
    assert ref in shown and "ska skrivas" in shown, shown
    assert not problems, problems


def test_csv_and_json_keep_the_codes(demo: Path) -> None:
    listed = json.loads(run(demo, "letter", "list", "-f", "json"))
    assert {"outreach"} <= {row["kind"] for row in listed}
    cases = json.loads(run(demo, "household", "list", "-f", "json"))
    assert any("unpaid_rent" in row["reasons"] for row in cases)


def test_enums_are_all_vocab() -> None:
    # The test above finds vocabularies by their base class: a new one is covered too.
    from bostadcli import vocab

    plain = [
        name
        for name in dir(vocab)
        if isinstance(getattr(vocab, name), type)
        and issubclass(getattr(vocab, name), Enum)
        and getattr(vocab, name).__module__ == vocab.__name__
        and not issubclass(getattr(vocab, name), vocab.Vocab)
    ]
    assert plain == [], plain


def test_the_demos_summary_names_letters_in_swedish(tmp_path: Path) -> None:
    words = {code: where for code, where in code_words().items() if code not in SWEDISH_TOO}
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, words)) + r")(?![\w-])")
    done = subprocess.run(
        [
            sys.executable,
            *BOSTAD_ON_ANY_DAY,
            "--lang",
            "sv",
            "demo",
            "--out",
            str(tmp_path / "d"),
            "--as-of",
            AS_OF,
        ],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    shown = FILE_NAME.sub("", done.stdout + done.stderr)
    assert "första brev" in shown
    assert not pattern.findall(shown), shown
