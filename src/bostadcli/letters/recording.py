"""Writing and recording letters: the output folder, the letter record (with its
contact log entry), one letter made by hand, and the letter history."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.config import Config
from bostadcli.db import insert, now_utc, one, rows, transaction
from bostadcli.errors import BostadError, Conflict, InvalidInput
from bostadcli.files import (
    check_target,
    claim,
    database_files,
    file_mode,
    private_folder,
    remove_stale_temporaries,
    temporary_path,
    write_private_file,
)
from bostadcli.households import household_id
from bostadcli.i18n import _
from bostadcli.vocab import ContactKind, Recipient

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlite_utils import Database

    from bostadcli.letters.late import LateLetter
    from bostadcli.letters.rendering import Rendered


def prepare_out_dir(folder: Path) -> Path:
    """Create the output folder owner-only and prove it is writable, before any letter."""
    folder = validate.path(folder.expanduser(), field="--out-dir")
    try:
        if not folder.exists():
            private_folder(folder)
        elif not folder.is_dir():
            raise BostadError(_("--out-dir is not a folder: {path}").format(path=folder))
        probe = temporary_path(folder / "probe")
        fd = claim(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, file_mode()))
        os.close(fd)
        probe.unlink()
    except OSError as exc:
        from bostadcli.os_errors import os_problem

        raise BostadError(
            _("cannot write letters to {path}: {error}").format(
                path=folder, error=os_problem(exc, folder)
            )
        ) from None
    remove_stale_temporaries(folder)
    return folder.resolve()


# Recording --------------------------------------------------------------------------


def record_letter(
    db: Database,
    letter: Rendered,
    *,
    period: str | None,
    file: Path,
    params: dict[str, Any] | None,
    caseworker: str | None,
    as_of: date,
    claim_run: str | None = None,
    batch: str | None = None,
    late: LateLetter | None = None,
    made_before: Callable[[], bool] | None = None,
) -> int:
    """Record a letter whose file exists, and log it in the household's contacts; a
    batch letter's claim (held by run ``claim_run``) goes in the same transaction.
    ``made_before``: asked in that transaction, whether a letter recorded meanwhile
    makes this one needless (``MadeElsewhere``, nothing recorded)."""
    import json

    from bostadcli.contacts import add_contact
    from bostadcli.letters.late import record_late
    from bostadcli.letters.registry import kind_label

    if not file.exists():
        raise BostadError(f"record_letter: {file} does not exist")
    with transaction(db):
        if made_before is not None and made_before():
            raise MadeElsewhere(letter.ref, letter.kind)
        letter_id = insert(
            db,
            "letters",
            {
                "household_id": household_id(db, letter.ref),
                "kind": letter.kind,
                "period": period,
                "dated_on": letter.dated_on.isoformat(),
                "recipient": letter.recipient,
                "address": letter.address,
                "format": letter.format,
                "file": str(file),
                "template_version": letter.template_version,
                "params": json.dumps(params, ensure_ascii=False) if params else None,
                "created_at": now_utc(),
                "batch": batch,
            },
        )
        if late is not None:
            record_late(db, late, letter_id=letter_id, batch=batch)
        add_contact(
            db,
            letter.ref,
            kind=ContactKind.letter.value,
            on=letter.dated_on,
            text=_("Letter: {kind} ({file})").format(kind=kind_label(letter.kind), file=file.name),
            caseworker=caseworker,
            as_of=max(as_of, letter.dated_on),
            automatic=True,
        )
        if claim_run is not None:
            db.execute(
                "DELETE FROM letter_claims WHERE household_id = ? AND kind = ? AND period = ?"
                " AND run_id = ?",
                [household_id(db, letter.ref), letter.kind, period, claim_run],
            )
    return letter_id


class MadeElsewhere(Exception):
    """A letter made once whatever the month was recorded by another run, or by hand,
    since this one was chosen: it is not recorded again."""

    def __init__(self, ref: str, kind: str) -> None:
        super().__init__(f"{ref} {kind}")
        self.ref, self.kind = ref, kind


@dataclass(frozen=True)
class OneOff:
    letter: Rendered
    file: Path | None
    letter_id: int | None
    # Set when the letter cannot reach the family by post before its deadline (recorded
    # in late_letters when the letter is recorded): the caseworker phones or visits.
    late: LateLetter | None = None


def default_file_name(ref: str, kind: str, fmt: str) -> str:
    from bostadcli.letters.rendering import EXTENSIONS

    return f"{ref}-{kind}.{EXTENSIONS[fmt]}"


def _file_safe(ref: str) -> str:
    # A reference is YYYY-NNNN; one written into the database past the program could
    # hold a path: never let it name a file outside the letters' folder.
    if re.fullmatch(r"[0-9A-Za-z-]{1,40}", ref):
        return ref
    import hashlib

    return "ogiltig-" + hashlib.sha256(ref.encode("utf-8", "replace")).hexdigest()[:10]


def make_letter(
    db: Database,
    ref: str,
    kind: str,
    *,
    config: Config,
    as_of: date,
    fmt: str,
    out: Path | None,
    record: bool,
    overwrite: bool = False,
    params: dict[str, str] | None = None,
    plan: str | None = None,
    user_dir: Path | None = None,
    today: date | None = None,
) -> OneOff:
    """Render one letter; with ``out``, write it (owner-only) and, with ``record``,
    record it and log it. Without ``out`` the caller shows the content (a preview)."""
    from bostadcli.letters.kind import Addressee
    from bostadcli.letters.registry import KINDS
    from bostadcli.letters.rendering import render_letter

    if record and out is None:
        raise InvalidInput("--record", "-", _("only a letter written to a file is recorded"))
    if out is not None:
        check_target(out, field="--out", force=overwrite, protect=database_files(db))
    letter = render_letter(
        db,
        ref,
        kind,
        config=config,
        as_of=as_of,
        fmt=fmt,
        params=params,
        plan=plan,
        user_dir=user_dir,
        today=today,
    )
    made_before = _made_once(db, letter, config=config, as_of=as_of) if record else None
    if made_before is not None and made_before():
        raise _made_already(letter)
    late = _one_off_late(db, letter, config=config, as_of=as_of, params=params)
    if out is not None:
        write_private_file(out, letter.content, force=overwrite, protect=database_files(db))
    if not record:
        # Shown or written without a letter record (which would log it as a contact):
        # still a disclosure of the case, logged as one.
        from bostadcli.audit import record_disclosure

        record_disclosure(
            db,
            what=f"letter {letter.kind}",
            row_count=1,
            refs=[letter.ref],
            # Logged as going to the landlord when the kind says the letter goes there:
            # a copy to the landlord, or (an undertaking) to a landlord alone.
            recipient=(
                None
                if KINDS[letter.kind].addressed_to is Addressee.household
                else Recipient.landlord.value
            ),
            recipient_name=None if out is None else str(out),
        )
    if out is None:
        return OneOff(letter, None, None, late)
    letter_id = None
    if record:
        letter_id = _record_one_off(
            db,
            letter,
            out,
            config=config,
            as_of=as_of,
            params=params,
            made_before=made_before,
            late=late,
        )
    return OneOff(letter, out, letter_id, late)


def _record_one_off(
    db: Database,
    letter: Rendered,
    out: Path,
    *,
    config: Config,
    as_of: date,
    params: dict[str, str] | None,
    made_before: Callable[[], bool] | None,
    late: LateLetter | None,
) -> int:
    case = one(db, "SELECT caseworker FROM households WHERE ref = ?", [letter.ref])
    try:
        return record_letter(
            db,
            letter,
            period=None,
            file=out.resolve(),
            params=(params or {}) | dict(letter.about),
            caseworker=(case or {}).get("caseworker") or config.letterhead.default_caseworker,
            as_of=as_of,
            late=late,
            made_before=made_before,
        )
    except MadeElsewhere:
        # A run recorded it while this one was written: nothing is left behind.
        out.unlink(missing_ok=True)
        raise _made_already(letter) from None


def _made_once(
    db: Database, letter: Rendered, *, config: Config, as_of: date
) -> Callable[[], bool] | None:
    """For a kind made once per household (the first letter): whether it has been."""
    from bostadcli.letters.registry import KINDS

    kind = KINDS[letter.kind]
    rule = kind.made_before
    if not kind.once_ever or rule is None:
        return None
    hid = household_id(db, letter.ref)
    return lambda: rule(db, hid, letter.about, as_of, config.policy)


def _made_already(letter: Rendered) -> Conflict:
    from bostadcli.letters.registry import kind_label

    return Conflict(
        _(
            "{ref} has had a letter “{kind}” already, and it is recorded once:"
            " --no-record writes it again without recording it"
        ).format(ref=letter.ref, kind=kind_label(letter.kind))
    )


def _one_off_late(
    db: Database,
    letter: Rendered,
    *,
    config: Config,
    as_of: date,
    params: dict[str, str] | None,
) -> LateLetter | None:
    """Whether a letter made by hand on ``as_of`` cannot reach the family in time, as
    the daily and monthly runs judge theirs (``late.one_off_late``)."""
    from bostadcli.letters.late import one_off_late

    if letter.deadline is None:
        return None
    return one_off_late(
        household_id(db, letter.ref),
        letter.kind,
        letter.deadline,
        made_on=as_of,
        policy=config.policy,
        params=(params or {}) | dict(letter.about),
    )


def list_letters(
    db: Database, *, ref: str | None = None, month: date | None = None
) -> list[dict[str, Any]]:
    """The letter history, newest first: with template version and file."""
    where: list[str] = ["1 = 1"]
    params: dict[str, Any] = {}
    if ref is not None:
        where.append("l.household_id = :hid")
        params["hid"] = household_id(db, ref)
    if month is not None:
        where.append("coalesce(l.period, substr(l.dated_on, 1, 7)) = :month")
        params["month"] = month.strftime("%Y-%m")
    result = rows(
        db,
        f"""
        SELECT l.id, h.ref, l.kind, l.period, l.dated_on, l.recipient, l.format, l.file,
            l.template_version, l.created_at
        FROM letters l JOIN live_households h ON h.id = l.household_id
        WHERE {" AND ".join(where)}
        ORDER BY l.dated_on DESC, l.id DESC
        """,
        params,
    )
    for row in result:
        row["file_exists"] = bool(row["file"]) and Path(row["file"]).exists()
    return result
