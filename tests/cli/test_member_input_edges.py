"""Members typed on the command line: --child takes its date and name as one quoted
value, its errors name the option, and a role the birth date disagrees with is warned
about (not refused)."""

from __future__ import annotations

import csv
import io

from conftest import Cli


def members(cli: Cli) -> dict[str, str]:
    out = cli.ok("export", "members", "--format", "csv").stdout
    return {r["name"]: r["role"] for r in csv.DictReader(io.StringIO(out))}


def test_the_help_shows_one_quoted_value(initialised: Cli) -> None:
    text = " ".join(initialised.ok("household", "add", "--help").stdout.split())
    assert '--child "YYYY-MM-DD NAME"' in text
    assert '--child "2015-03-02 Alva Andersson"' in text
    assert '--part-time-child "YYYY-MM-DD NAME"' in text
    # What the help shows works.
    initialised.ok(
        "household", "add", "B", "--child", "2015-03-02 Alva Andersson", "--as-of", "2026-12-05"
    )
    assert members(initialised) == {"B": "tenant", "Alva Andersson": "child"}


def test_a_future_child_names_the_option(initialised: Cli) -> None:
    for option in ("--child", "--part-time-child"):
        before = initialised.dump()
        result = initialised(
            "household", "add", "B", option, "2031-01-01 Alva", "--as-of", "2026-12-05"
        )
        assert result.exit_code == 1
        assert result.stderr == f"error: {option}: is in the future: '2031-01-01'\n"
        assert initialised.dump() == before


def test_an_adult_under_18_is_warned_about(initialised: Cli) -> None:
    ref = initialised.ok("household", "add", "C", "--as-of", "2026-12-05").stdout.strip()
    result = initialised.ok(
        "member", "add", ref, "--name", "Bebis", "--pnr", "201201-1231", "--as-of", "2026-12-05"
    )
    member = result.stdout.strip()
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith("Added member")
    assert lines[1] == (
        f"warning: member {member} is under 18 by the birth date 2020-12-01 but was added as"
        f" adult; if this is a child, set the role: bostad member edit {ref} {member} --role"
        " child --reason TEXT"
    )
    # Stored as typed: the caseworker decides.
    assert members(initialised)["Bebis"] == "adult"
    initialised.ok("member", "edit", ref, member, "--role", "child", "--reason", "a baby")
    assert members(initialised)["Bebis"] == "child"


def test_a_child_18_or_older_is_warned_about(initialised: Cli) -> None:
    result = initialised.ok(
        "household",
        "add",
        "D",
        "--child",
        "2000-01-01 Stor",
        "--child",
        "2015-01-01 Liten",
        "--as-of",
        "2026-12-05",
    )
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert "18 or older by the birth date 2000-01-01" in warnings[0]
    assert "--role adult --reason TEXT" in warnings[0]
    ref = result.stdout.strip()
    added = initialised.ok(
        "member",
        "add",
        ref,
        "--name",
        "Ola",
        "--born",
        "1990-01-01",
        "--role",
        "child",
        "--as-of",
        "2026-12-05",
    )
    assert "warning: member" in added.stderr and "--role adult" in added.stderr


def test_the_age_is_on_the_day_of_the_record(initialised: Cli) -> None:
    # 18 on 2026-12-05, 17 on the day before: the warning follows --as-of.
    ref = initialised.ok("household", "add", "E", "--as-of", "2026-12-05").stdout.strip()
    quiet = initialised.ok(
        "member", "add", ref, "--name", "Myndig", "--born", "2008-12-05", "--as-of", "2026-12-05"
    )
    assert "warning" not in quiet.stderr
    loud = initialised.ok(
        "member", "add", ref, "--name", "Nastan", "--born", "2008-12-05", "--as-of", "2026-12-04"
    )
    assert "warning: member" in loud.stderr


def test_no_warning_without_a_birth_date_or_for_the_right_role(initialised: Cli) -> None:
    ref = initialised.ok(
        "household", "add", "F", "--child", "2015-01-01", "--as-of", "2026-12-05"
    ).stdout
    result = initialised.ok(
        "member", "add", ref.strip(), "--name", "Vuxen", "--as-of", "2026-12-05"
    )
    assert "warning" not in result.stderr
