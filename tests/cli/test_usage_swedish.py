"""Every usage error Click raises reads in Swedish when Swedish is the language: no
"Possible options", "Did you mean", "No such option" or "Missing argument" left in
English inside a Swedish line."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bostadcli import i18n
from conftest import Cli

ENGLISH = (
    "Possible",
    "Did you mean",
    "did you mean",
    "No such",
    "no such",
    "Missing",
    "missing",
    "Option",
    "option ",
    "requires",
    "not take",
    "takes no",
    "unexpected",
    "Invalid",
    "Try ",
)


@pytest.fixture
def swedish() -> Iterator[None]:
    i18n.setup("sv")
    yield
    i18n.setup("en")


@pytest.mark.parametrize(
    "args",
    [
        ("household", "add", "Anna", "--nte", "x"),  # several close options
        ("household", "add", "Anna", "--phon", "x"),  # close options again
        ("household", "add", "Anna", "--zzzzzz", "x"),  # none close
        (
            "household",
            "lst",
        ),  # no such command, one suggestion
        (
            "household",
            "add",
        ),  # missing argument
        ("household", "list", "--with-children=3"),  # a flag given a value
        ("household", "add", "Anna", "--note"),  # an option without its value
        ("household", "list", "extra"),  # an extra argument
        ("household", "list", "--reason", "foo"),  # not one of the choices
        ("--db",),  # a root option without its value
        ("household", "show"),  # missing argument again, deeper
    ],
)
def test_usage_errors_are_swedish(initialised: Cli, swedish: None, args: tuple[str, ...]) -> None:
    result = initialised(*args)
    assert result.exit_code == 2
    first = result.stderr.splitlines()[0]
    for word in ENGLISH:
        assert word not in first, first
    assert result.stderr.splitlines()[1].startswith("Skriv ")


def test_close_options_are_named(initialised: Cli, swedish: None) -> None:
    first = initialised("household", "add", "Anna", "--nte", "x").stderr.splitlines()[0]
    assert "okänd flagga: --nte (menade du någon av --note" in first


@pytest.mark.parametrize(
    ("args", "command"),
    [
        (("household", "list", "--with-children=3"), "bostad household list"),
        (("household", "show", "2026-0001", "--include-pnr=ja"), "bostad household show"),
        (("household", "list", "--nosuch"), "bostad household list"),
    ],
)
def test_a_usage_error_names_its_command(
    initialised: Cli, swedish: None, args: tuple[str, ...], command: str
) -> None:
    """Also the errors Click's parser raises without the command's context."""
    lines = initialised(*args).stderr.splitlines()
    assert lines[0].startswith(f"{command}: "), lines
    assert lines[1] == f"Skriv '{command} --help' för hjälp.", lines
