"""A notice whose kind is corrected loses the fields its new kind cannot have; the
command says which, and the old values stay in the case's history."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli

AS_OF = "2026-11-16"
# The demo's notices: 1 a termination (2026-0001), 2 a warning (2026-0002), 3-5
# Kronofogden's steps and 6 the eviction day (2026-0003).


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bostadcli.demo import build_demo

    folder = tmp_path_factory.mktemp("kinds") / "demo"
    build_demo(folder, as_of=date.fromisoformat(AS_OF))
    return folder


@pytest.fixture
def demo(pristine: Path, tmp_path: Path) -> Iterator[Cli]:
    for name in ("bostad.sqlite", "config.toml"):
        shutil.copy(pristine / name, tmp_path / name)
    yield Cli(db_path=tmp_path / "bostad.sqlite", config_path=tmp_path / "config.toml")


def _notice(cli: Cli, notice_id: int) -> dict[str, Any]:
    listed = json.loads(cli.ok("notice", "list", "-f", "json", "--as-of", AS_OF).stdout)
    [found] = [n for n in listed if n["id"] == notice_id]
    return dict(found)


def _audited(cli: Cli, notice_id: int) -> dict[str, list[Any]]:
    conn = sqlite3.connect(cli.db_path)
    try:
        row = conn.execute(
            "SELECT changes FROM audit_log WHERE table_name = 'notices' AND row_id = ?"
            " ORDER BY id DESC LIMIT 1",
            [notice_id],
        ).fetchone()
    finally:
        conn.close()
    return dict(json.loads(row[0]))


@pytest.mark.parametrize(
    "notice_id,kind,extra,cleared",
    [
        (1, "enforcement_application", [], {"terminated_on": "2026-10-30", "notified_on": None}),
        (4, "termination", [], {"step_on": "2026-10-22", "final_on": "2026-11-06"}),
        (2, "termination", [], {"correct_by": "2026-11-25"}),
        (6, "decision", [], {"eviction_at": "2026-12-16T09:00"}),
        (5, "warning", [], {"step_on": "2026-11-08"}),
        (1, "eviction", ["--eviction-at", "2026-12-21 09:00"], {"terminated_on": "2026-10-30"}),
    ],
)
def test_a_new_kind_clears_what_it_cannot_have(
    demo: Cli, notice_id: int, kind: str, extra: list[str], cleared: dict[str, Any]
) -> None:
    before = _notice(demo, notice_id)
    result = demo.ok(
        "notice", "edit", str(notice_id), "--kind", kind, *extra, "--reason", "fel typ",
        "--as-of", AS_OF,
    )  # fmt: skip
    after = _notice(demo, notice_id)
    assert after["kind"] == kind
    audited = _audited(demo, notice_id)
    for name, old in cleared.items():
        if old is None:
            old = before[name]
        assert before[name] == old and after[name] is None, name
        assert audited[name] == [old, None], (name, audited)
    for option in ("--terminated", "--date", "--final", "--correct-by", "--eviction-at"):
        said = [line for line in result.stderr.splitlines() if line.startswith("Cleared")]
        names = {"--terminated": "terminated_on", "--date": "step_on", "--final": "final_on",
                 "--correct-by": "correct_by", "--eviction-at": "eviction_at"}  # fmt: skip
        expected = names[option] in cleared
        assert any(f"Cleared {option} (was " in line for line in said) == expected, said
    # What the new kind has, given in the same command, is kept.
    if kind == "eviction":
        assert after["eviction_at"] == "2026-12-21T09:00"
    # The fields of other kinds are never carried into the new kind's checks: correcting
    # it back works.
    demo.ok(
        "notice", "edit", str(notice_id), "--kind", before["kind"],
        *(["--eviction-at", "2026-12-16 09:00"] if before["kind"] == "eviction" else []),
        "--reason", "tillbaka", "--as-of", AS_OF,
    )  # fmt: skip


def test_the_message_is_swedish_in_swedish(demo: Cli) -> None:
    from bostadcli import i18n

    i18n.setup("sv")
    try:
        result = demo.ok(
            "notice", "edit", "1", "--kind", "enforcement_application", "--reason", "fel",
            "--as-of", AS_OF,
        )  # fmt: skip
    finally:
        i18n.setup("en")
    assert (
        "Tömde --terminated (var 2026-10-30): en underrättelse av typen ansökan till"
        " Kronofogden har inget sådant; det gamla värdet finns kvar i ärendets historik."
    ) in result.stderr
