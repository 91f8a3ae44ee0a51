"""Migration 0023: the batch runs' questions about the letters of a kind are answered by
the index ``letters_kind``, not by reading every letter; letters recorded before the
migration are kept."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from bostadcli.db import open_database, rows

DATA = Path(__file__).resolve().parent.parent / "data" / "release-before-0017.sqlite"


def _plan(db: object, sql: str, params: list[str] | None = None) -> str:
    found = rows(db, f"EXPLAIN QUERY PLAN {sql}", params or [])  # type: ignore[arg-type]
    return " | ".join(str(r["detail"]) for r in found)


def test_the_kinds_questions_use_the_index(tmp_path: Path) -> None:
    db = open_database(tmp_path / "bostad.sqlite", create=True)
    assert "letters_kind" in _plan(
        db,
        "SELECT DISTINCT j.value FROM letters l, json_each(l.params, '$.supports') j"
        " WHERE l.kind = 'support_ending' AND json_valid(l.params)",
    )
    assert "letters_kind" in _plan(
        db,
        "SELECT household_id FROM letters WHERE kind = 'plan_reminder' AND period = ?",
        ["2026-11"],
    )


def test_letters_recorded_before_are_kept(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite"
    shutil.copy(DATA, old)
    conn = sqlite3.connect(old)
    with conn:
        conn.executemany(
            "INSERT INTO letters (household_id, kind, period, dated_on, recipient, format,"
            " template_version, params, created_at) VALUES (?, ?, ?, '2026-11-02', 'Anna',"
            " 'pdf', 'v1', ?, 'x')",
            [
                (1, "outreach", "2026-10", None),
                (1, "support_ending", "2026-11", '{"supports": [1]}'),
                (2, "plan_reminder", "2026-11", '{"plan": "P-0001"}'),
                (2, "outreach", None, None),
            ],
        )
    conn.close()
    before = rows(open_database(old, migrate=False), "SELECT * FROM letters ORDER BY id")
    assert len(before) == 4
    db = open_database(old)
    names = {r["name"] for r in rows(db, "SELECT name FROM _sqlite_migrations")}
    assert "0023_letter_selection_index" in names
    after = rows(db, "SELECT * FROM letters ORDER BY id")
    assert [{k: r[k] for k in before[0]} for r in after] == before
    assert [
        r["household_id"]
        for r in rows(
            db,
            "SELECT household_id FROM letters WHERE kind = 'plan_reminder' AND period = '2026-11'",
        )
    ] == [2]
