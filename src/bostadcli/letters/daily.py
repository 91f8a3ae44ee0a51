"""Daily batches: each day's run is a batch of its own, with its own print file and
manifest; a run that died before writing them has them written by the next."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bostadcli.db import insert, now_utc, rows, transaction
from bostadcli.errors import BostadError
from bostadcli.letters.claims import RunOwner, _claim_alive
from bostadcli.letters.manifest import _manifest_letters, _not_sent_rows, _write_outputs

if TYPE_CHECKING:
    from sqlite_utils import Database

    from bostadcli.letters.batch import BatchResult

# Daily batches ----------------------------------------------------------------------


def _batch_files(folder: Path, name: str) -> tuple[Path, Path]:
    return folder / f"manifest-{name}.csv", folder / f"utskrift-{name}.pdf"


def _open_batch(db: Database, owner: RunOwner, *, day: date, folder: Path, fmt: str) -> str:
    """A new batch, named by the day and, from the second run of a day on, a number:
    a name no batch has had and whose files do not exist in ``folder``."""
    with transaction(db):
        taken = {
            r["name"]
            for r in rows(db, "SELECT name FROM letter_batches WHERE day = ?", [day.isoformat()])
        }
        number = 1
        while True:
            name = day.isoformat() if number == 1 else f"{day.isoformat()}-{number}"
            if name not in taken and not any(p.exists() for p in _batch_files(folder, name)):
                break
            number += 1
        insert(
            db,
            "letter_batches",
            {
                "name": name,
                "day": day.isoformat(),
                "out_dir": str(folder),
                "format": fmt,
                "run_id": owner.run_id,
                "host": owner.host,
                "pid": owner.pid,
                "pid_started": owner.pid_started,
                "started_utc": now_utc(),
            },
        )
    return name


def finish_dead_batches(
    db: Database, owner: RunOwner, *, pages: dict[str, int], csv_dialect: str = "standard"
) -> list[str]:
    """Write the print file and manifest of daily runs that died before writing them
    (their process is gone), so their letters reach the post room, the manifest in the
    unit's CSV dialect. Returns their names."""
    from datetime import UTC

    now = datetime.now(UTC).replace(microsecond=0)
    done = []
    for batch in rows(db, "SELECT * FROM letter_batches WHERE finished_utc IS NULL"):
        if _claim_alive(batch | {"claimed_utc": batch["started_utc"]}, owner, now=now):
            continue
        from bostadcli.letters.batch import BatchResult

        folder = Path(batch["out_dir"])
        result = BatchResult(
            period="", out_dir=folder, items=[], batch=batch["name"], csv_dialect=csv_dialect
        )
        try:
            _finish_daily(db, result, pages)
        except BostadError:
            continue  # the folder has gone or cannot be written: tried again next run
        done.append(batch["name"])
    return done


def _finish_daily(db: Database, result: BatchResult, pages_made: dict[str, int]) -> None:
    """The run's own print file and manifest: its letters, the letters it could not
    send (too late) and its failures. Never over an existing file; none when the run
    had nothing to say."""
    name = result.batch
    assert name is not None
    letters = _manifest_letters(db, "l.batch = ?", [name])
    not_sent = _not_sent_rows(db, "ll.batch = ?", [name])
    if not letters and not not_sent and not result.failed:
        with transaction(db):
            db.execute("DELETE FROM letter_batches WHERE name = ?", [name])
        result.batch = None
        return
    manifest, combined = _batch_files(result.out_dir, name)
    if not manifest.exists():
        _write_outputs(
            db, result, letters, not_sent, pages_made, manifest=manifest, combined=combined
        )
    with transaction(db):
        db.execute("UPDATE letter_batches SET finished_utc = ? WHERE name = ?", [now_utc(), name])
