"""Swedish words where codes are typed: accepted on every enumeration, stored as codes."""

from __future__ import annotations

import json
from enum import Enum

import pytest

from bostadcli import vocab
from bostadcli.cli.aliases import enum_options, rewrite
from bostadcli.errors import InvalidInput
from bostadcli.validate import choice
from bostadcli.vocab import ContactKind, Outcome, Reason, fold
from conftest import Cli


def _vocabularies() -> list[type[Enum]]:
    return [
        cls
        for cls in vars(vocab).values()
        if isinstance(cls, type) and issubclass(cls, vocab.Vocab) and cls is not vocab.Vocab
    ]


def test_fold_is_swedish_lenient() -> None:
    assert fold("Östlund") == fold("ostlund") == "ostlund"
    assert fold("Bor-kvar") == fold("bor kvar") == fold(" BOR_KVAR ") == "bor_kvar"
    assert fold("hembesök") == "hembesok"


def test_every_word_names_one_code_of_its_vocabulary() -> None:
    for name, table in vocab.ALIASES.items():
        seen: dict[str, str] = {}
        for code, words in table.items():
            for word in (code, *words):
                assert seen.setdefault(fold(word), code) == code, (name, word)
    for cls in _vocabularies():
        table = vocab.ALIASES.get(cls.__name__, {})
        assert set(table) <= {m.value for m in cls}, cls
        for code, words in table.items():
            for word in words:
                assert cls(word).value == code


def test_core_parse_accepts_the_words_and_keeps_the_code() -> None:
    assert choice(Reason, "störning", field="reason") is Reason.disturbance
    assert choice(Outcome, "Bor-Kvar", field="outcome") is Outcome.stays
    assert choice(ContactKind, "HEMBESÖK", field="kind").value == "home_visit"
    assert choice(ContactKind, "home-visit", field="kind") is ContactKind.home_visit
    with pytest.raises(InvalidInput):
        choice(Reason, "storm", field="reason")


def test_rewrite_only_touches_enumeration_values() -> None:
    options: dict[str, type[Enum]] = {"--reason": Reason, "--outcome": Outcome}
    args = ["--text", "störning", "--reason", "störning", "--outcome=bor-kvar", "--", "vräkt"]
    assert rewrite(args, options) == [
        "--text",
        "störning",
        "--reason",
        "disturbance",
        "--outcome=stays",
        "--",
        "vräkt",
    ]


def test_cli_accepts_swedish_words_and_stores_codes(initialised: Cli) -> None:
    ref = initialised.ok(
        "household",
        "add",
        "Anna Östlund",
        "--reason",
        "störning",
        "--reason",
        "hyresskuld",
        "--source",
        "kronofogden",
        "--situation",
        "hotat-boende",
        "--as-of",
        "2026-03-01",
    ).stdout.strip()
    initialised.ok("contact", "add", ref, "--kind", "hembesök", "--as-of", "2026-03-02")
    initialised.ok(
        "household",
        "close",
        ref,
        "--outcome",
        "bor-kvar",
        "--date",
        "2026-03-02",
        "--as-of",
        "2026-03-02",
    )
    listed = json.loads(
        initialised.ok("household", "list", "--status", "avslutade", "--format", "json").stdout
    )
    assert listed[0]["reasons"] == ["disturbance", "unpaid_rent"]
    assert listed[0]["source"] == "enforcement"
    assert listed[0]["outcome"] == "stays"
    contacts = json.loads(initialised.ok("contact", "list", "--format", "json").stdout)
    assert contacts[0]["kind"] == "home_visit"


def test_an_unknown_word_is_a_usage_error_naming_it(initialised: Cli) -> None:
    result = initialised("household", "list", "--reason", "storm")
    assert result.exit_code == 2
    assert "--reason" in result.stderr and "storm" in result.stderr


def test_help_shows_the_words(initialised: Cli) -> None:
    shown = initialised.ok("household", "close", "--help").stdout
    assert "bor-kvar = stays" in " ".join(shown.split())


def test_every_enumeration_option_is_found() -> None:
    from typer.main import get_command

    from bostadcli.cli.app import app

    root = get_command(app)
    contact_add = root.commands["contact"].commands["add"]  # type: ignore[attr-defined]
    assert enum_options(contact_add)["--kind"] is ContactKind
