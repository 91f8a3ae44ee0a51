"""Retention deletion: what is due goes, with everything in it; nothing else is touched."""

import json
from datetime import date
from pathlib import Path

from sqlite_utils import Database

from bostadcli.contacts import add_contact
from bostadcli.db import open_database
from bostadcli.households import NewHousehold, add_household, close_household
from bostadcli.purge import plan_purge, run_purge
from conftest import Cli

AS_OF = date(2026, 11, 21)
SECRET_NAME = "Zacharias Purgeson"


def _case(
    db: Database,
    name: str,
    *,
    opened: date,
    closed: date | None,
    pnr: str | None = None,
    child: date | None = None,
) -> str:
    from bostadcli.households import ChildSpec

    ref = add_household(
        db,
        NewHousehold(
            tenant_name=name,
            tenant_pnr=pnr,
            opened_on=opened,
            children=[ChildSpec(child)] if child else [],
        ),
        as_of=opened,
    )
    add_contact(db, ref, kind="phone", on=opened, text=f"Samtal med {name}", as_of=opened)
    if closed:
        close_household(db, ref, outcome="stays", closed_on=closed, as_of=closed)
    # The entries were made on their own days, not today: move the timestamps back.
    stamp = f"{closed or opened}T10:00:00+00:00"
    hid = db.execute("SELECT id FROM households WHERE ref = ?", [ref]).fetchone()[0]
    db.execute(
        "UPDATE households SET created_at = ?, updated_at = ? WHERE id = ?", [stamp, stamp, hid]
    )
    for table in ("members", "contacts"):
        db.execute(f"UPDATE {table} SET created_at = ? WHERE household_id = ?", [stamp, hid])
    db.conn.commit()
    return ref


def _build(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    path = tmp_path / "p.sqlite"
    db = open_database(path, create=True)
    refs = {
        "due": _case(db, SECRET_NAME, opened=date(2019, 2, 1), closed=date(2019, 5, 2)),
        "research": _case(
            db,
            "Kept Forresearch",
            opened=date(2019, 2, 1),
            closed=date(2019, 5, 2),
            child=date(2012, 4, 15),
        ),
        "open": _case(db, "Still Open", opened=date(2019, 2, 1), closed=None),
        "recent": _case(db, "Recently Closed", opened=date(2019, 2, 1), closed=date(2024, 1, 10)),
    }
    db.close()
    return path, refs


def test_plan_lists_due_cases_and_keeps_research_births(tmp_path: Path) -> None:
    path, refs = _build(tmp_path)
    plan = plan_purge(open_database(path), as_of=AS_OF)
    assert [c["ref"] for c in plan.delete] == [refs["due"]]
    # An open case whose last entry is as old is due too, listed apart.
    assert [c["ref"] for c in plan.open_cases] == [refs["open"]]
    assert plan.delete[0]["last_entry"] == "2019-05-02"
    assert plan.delete[0]["due_by"] == "2025-12-31"
    assert plan.kept_for_research == [refs["research"]]
    # One day inside the retention period: nothing is due.
    assert plan_purge(open_database(path), as_of=date(2024, 5, 1)).delete == []


def test_purge_removes_everything_of_the_case_and_nothing_else(tmp_path: Path) -> None:
    path, refs = _build(tmp_path)
    db = open_database(path)
    before = {
        table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("households", "members", "contacts")
    }
    record = run_purge(db, plan_purge(db, as_of=AS_OF, today=AS_OF))
    # The closed case, and the open one without an entry for five years.
    assert record["deleted"] == 2
    assert json.loads(record["refs"]) == [refs["due"], refs["open"]]
    assert SECRET_NAME not in json.dumps(record)
    after = {
        table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("households", "members", "contacts")
    }
    assert after == {t: n - 2 for t, n in before.items()}
    remaining = {r[0] for r in db.execute("SELECT ref FROM households")}
    assert remaining == {refs["research"], refs["recent"]}
    db.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("p.sqlite*"))
    assert SECRET_NAME.encode() not in raw
    assert b"Purgeson" not in raw


def test_cli_needs_yes_off_a_terminal_and_dry_run_changes_nothing(
    initialised: Cli, tmp_path: Path
) -> None:
    db = open_database(initialised.db_path)
    ref = _case(db, SECRET_NAME, opened=date(2019, 2, 1), closed=date(2019, 5, 2))
    db.close()
    before = initialised.dump()
    dry = initialised("purge", "--dry-run", "--as-of", "2026-11-21", "--format", "csv")
    assert dry.exit_code == 0 and ref in dry.stdout
    refused = initialised("purge")
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    assert initialised.dump() == before
    done = initialised("purge", "--yes")
    assert done.exit_code == 0, done.stderr
    assert initialised("household", "show", ref).exit_code == 1


def test_a_purge_interrupted_before_its_files_is_finished_by_the_next(
    initialised: Cli, tmp_path: Path
) -> None:
    # The cases went, the process died before removing their letter files: the record
    # still lists them, and the next purge removes them though no case is due.
    left = tmp_path / "2019-0001-outreach.html"
    left.write_text("<p>brev</p>", encoding="utf-8")
    db = open_database(initialised.db_path)
    with db.conn:
        db.execute(
            "INSERT INTO purge_log (as_of, retention_years, deleted, refs, kept_for_research,"
            " files_pending) VALUES ('2026-11-21', 5, 1, '[\"2019-0001\"]', 0, ?)",
            [json.dumps([str(left), str(tmp_path / "already-gone.html")])],
        )
    db.close()
    dry = initialised("purge", "--dry-run", "--as-of", "2026-11-21")
    assert dry.exit_code == 0 and left.exists()
    done = initialised("purge")  # nothing to confirm
    assert done.exit_code == 0, done.stderr
    assert "Finished an interrupted purge: removed 1 letter file." in done.stderr
    assert not left.exists()
    db = open_database(initialised.db_path)
    [entry] = db.execute("SELECT files_pending FROM purge_log").fetchall()
    db.close()
    assert entry == ("[]",)


def test_purge_removes_the_cases_letters_and_the_months_post_room_files(
    initialised: Cli, tmp_path: Path
) -> None:
    config = initialised.config_path.read_text(encoding="utf-8")
    config = config.replace('phone = ""', 'phone = "08-465 004 00"', 1).replace(
        'socialjouren_phone = ""', 'socialjouren_phone = "08-465 004 01"'
    )
    initialised.config_path.write_text(config, encoding="utf-8")
    initialised.ok(
        "household",
        "add",
        SECRET_NAME,
        "--street",
        "Storgatan 1",
        "--postal-code",
        "44130",
        "--city",
        "Alingsås",
        "--landlord",
        "Exempelhem AB",
        "--create-landlord",
        "--arrears",
        "5000",
        "--opened",
        "2019-02-01",
        "--as-of",
        "2019-02-01",
    )
    out = tmp_path / "brev"
    initialised.ok(
        "letter", "monthly", "--format", "html", "--out-dir", str(out), "--as-of", "2019-02-04"
    )
    initialised.ok(
        "household",
        "close",
        "2019-0001",
        "--outcome",
        "stays",
        "--date",
        "2019-05-02",
        "--as-of",
        "2019-05-02",
    )
    written = sorted(p.name for p in out.rglob("*") if p.is_file())
    assert any(name.startswith("manifest-2019-02") for name in written), written
    db = open_database(initialised.db_path)
    stamp = "2019-05-02T10:00:00+00:00"
    for table in ("households", "members", "contacts", "notices", "letters"):
        columns = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
        for column in ("created_at", "updated_at"):
            if column in columns:
                db.execute(f"UPDATE {table} SET {column} = ?", [stamp])
    db.conn.commit()
    db.close()
    initialised.ok("purge", "--yes")
    assert [p for p in out.rglob("*") if p.is_file()] == []
