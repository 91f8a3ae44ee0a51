"""Social services' written undertaking to pay the rent (socialnämndens förbindelse).

Jordabalken 12 kap. 44 § 4 st 1: a tenant whose lease was terminated for unpaid rent
cannot be evicted on that ground if, within the recovery period, social services told
the landlord in writing that it will pay the rent. An undertaking is recorded with the
day it was given, the landlord it was given to, what it covers and who decided it; it
answers a termination for unpaid rent (the household's latest one unless another is
named); one given before that termination or after its recovery deadline is refused.
It is recorded on the real date: one given before it is back-dated and, as a consent,
needs a reason (it moves whether the tenant can be evicted), stored and shown with it.
It stops the eviction only as ``STOPS_EVICTION`` says (to the landlord who terminated,
while the termination stands).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.dates import check_not_after_as_of, real_today
from bostadcli.db import insert, now_utc, one, rows, transaction
from bostadcli.errors import InvalidInput, NotFound
from bostadcli.households import household_id
from bostadcli.i18n import _
from bostadcli.money import Money

if TYPE_CHECKING:
    from sqlite_utils import Database

RENT_TERMINATION = "n.kind = 'termination' AND coalesce(n.ground, 'unpaid_rent') = 'unpaid_rent'"

# The one statement of when undertaking ``u`` stops the eviction (jordabalken 12 kap.
# 44 § 4 st 1), 1 or 0: the termination ``n`` it answers (a row of live_notices, so a
# voided one is none) is a termination for unpaid rent, and the undertaking was given to
# the landlord who terminated (the household's landlord), no earlier than the
# termination and no later than its recovery deadline (one given before the period
# starts counts as within it). Used by the list, the export, `household show` (through
# the list) and the deadline screen.
STOPS_EVICTION = f"""(CASE WHEN n.id IS NOT NULL AND {RENT_TERMINATION}
    AND u.notice_id = n.id
    AND u.landlord_id IS (SELECT sh.landlord_id FROM households sh WHERE sh.id = u.household_id)
    AND (n.terminated_on IS NULL OR u.given_on >= n.terminated_on)
    AND (n.recovery_deadline IS NULL OR u.given_on <= n.recovery_deadline)
    THEN 1 ELSE 0 END)"""
# The day the first undertaking that stops the eviction of termination ``n`` was given,
# or NULL (the deadline screen, the first letter).
STOPPED_ON = f"""(SELECT min(u.given_on) FROM undertakings u WHERE u.notice_id = n.id
    AND {STOPS_EVICTION})"""


@dataclass
class NewUndertaking:
    given_on: date
    covers: str
    decided_by: str
    landlord: str | None = None
    amount: Money | None = None
    notice_id: int | None = None
    note: str | None = None
    # Why one given before the day it is recorded is written down only now.
    reason: str | None = None


def record_day() -> date:
    """The real date an undertaking is recorded on (tests pin it)."""
    return real_today()


def _termination(db: Database, hid: int, notice_id: int | None) -> dict[str, Any] | None:
    """The rent termination an undertaking answers: the one named, else the latest."""
    if notice_id is not None:
        found = one(
            db,
            f"SELECT n.* FROM live_notices n WHERE n.id = ? AND n.household_id = ?"
            f" AND {RENT_TERMINATION}",
            [notice_id, hid],
        )
        if found is None:
            raise InvalidInput(
                "--notice", str(notice_id), _("not a termination for unpaid rent in this case")
            )
        return found
    return one(
        db,
        f"SELECT n.* FROM live_notices n WHERE n.household_id = ? AND {RENT_TERMINATION}"
        " ORDER BY n.id DESC LIMIT 1",
        [hid],
    )


def add_undertaking(
    db: Database, ref: str, new: NewUndertaking, *, as_of: date, today: date | None = None
) -> dict[str, Any]:
    """Record an undertaking on ``today`` (the real date: the command line passes
    ``record_day()``; default ``as_of``); refused when given after the recovery deadline
    or after ``today``. One given before ``today`` is back-dated and needs
    ``new.reason``, stored with it."""
    from bostadcli.landlords import get_landlord

    recorded_on = as_of if today is None else today
    check_not_after_as_of(new.given_on, as_of, field="--given")
    if new.given_on > recorded_on:
        raise InvalidInput(
            "--given",
            new.given_on.isoformat(),
            _("is after today: an undertaking cannot be dated ahead"),
        )
    if new.amount is not None and new.amount.ore <= 0:
        raise InvalidInput("--amount", str(new.amount), _("must be more than 0"))
    why = validate.clean_text(new.reason, field="--reason", max_length=validate.TEXT_MAX)
    record: dict[str, Any] = {
        "given_on": new.given_on.isoformat(),
        "recorded_on": recorded_on.isoformat(),
        "backdate_reason": why if new.given_on < recorded_on else None,
        "covers": validate.required_text(new.covers, field="--covers"),
        "decided_by": validate.required_text(new.decided_by, field="--decided-by"),
        "amount_ore": new.amount.ore if new.amount is not None else None,
        "note": validate.clean_text(
            new.note, field="--note", max_length=validate.TEXT_MAX, multiline=True
        ),
        "created_at": now_utc(),
    }
    with transaction(db):
        hid = household_id(db, ref)
        if new.landlord is not None:
            landlord_id = int(get_landlord(db, new.landlord)["id"])
        else:
            case = one(db, "SELECT landlord_id FROM households WHERE id = ?", [hid])
            if case is None or case["landlord_id"] is None:
                raise InvalidInput(
                    "--landlord",
                    "",
                    _("{ref} has no landlord: name the one it is given to").format(ref=ref),
                )
            landlord_id = int(case["landlord_id"])
        termination = _termination(db, hid, new.notice_id)
        deadline = termination["recovery_deadline"] if termination else None
        terminated = termination["terminated_on"] if termination else None
        if terminated is not None and new.given_on.isoformat() < terminated:
            raise InvalidInput(
                "--given",
                new.given_on.isoformat(),
                _("is before the termination it answers ({date})").format(date=terminated),
            )
        if deadline is not None and new.given_on.isoformat() > deadline:
            raise InvalidInput(
                "--given",
                new.given_on.isoformat(),
                _(
                    "is after the recovery deadline ({date}): it no longer stops the eviction"
                ).format(date=deadline),
            )
        if new.given_on < recorded_on and why is None:
            raise InvalidInput(
                "--given",
                new.given_on.isoformat(),
                _(
                    "is before today, the day the undertaking is recorded: say why with"
                    " --reason (e.g. 'sent to the landlord last week, written down afterwards')"
                ),
            )
        record |= {
            "household_id": hid,
            "landlord_id": landlord_id,
            "notice_id": termination["id"] if termination else None,
        }
        undertaking_id = insert(db, "undertakings", record)
        db.execute("UPDATE households SET updated_at = ? WHERE id = ?", [now_utc(), hid])
    return list_undertakings(db, as_of=as_of, undertaking_id=undertaking_id)[0]


def list_undertakings(
    db: Database,
    *,
    as_of: date,
    ref: str | None = None,
    undertaking_id: int | None = None,
) -> list[dict[str, Any]]:
    """Undertakings with the termination they answer and whether they stop the eviction.

    ``recovery_deadline`` is the last day the undertaking could be given (the answered
    termination's deadline; None when its period has not started or there is none);
    ``stops_eviction`` follows ``STOPS_EVICTION``. ``notice_id`` and the deadline are
    those of the termination for unpaid rent it answers while that stands (None once it
    is voided or changed to another ground).
    """
    where = ["1 = 1"]
    params: dict[str, Any] = {}
    if ref is not None:
        where.append("u.household_id = :hid")
        params["hid"] = household_id(db, ref)
    if undertaking_id is not None:
        where.append("u.id = :uid")
        params["uid"] = undertaking_id
    found = rows(
        db,
        f"""
        SELECT u.id, h.ref, u.given_on, l.name AS landlord, u.covers, u.amount_ore,
            u.decided_by, n.id AS notice_id, n.recovery_deadline, u.note, u.created_at,
            u.recorded_on, u.given_on < u.recorded_on AS backdated, u.backdate_reason,
            {STOPS_EVICTION} AS stops_eviction
        FROM undertakings u JOIN live_households h ON h.id = u.household_id
        JOIN landlords l ON l.id = u.landlord_id
        LEFT JOIN live_notices n ON n.id = u.notice_id AND {RENT_TERMINATION}
        WHERE {" AND ".join(where)}
        ORDER BY h.ref, u.given_on, u.id
        """,
        params,
    )
    for row in found:
        deadline = row["recovery_deadline"]
        row["stops_eviction"] = bool(row["stops_eviction"])
        row["backdated"] = bool(row["backdated"])
        row["days_left"] = (date.fromisoformat(deadline) - as_of).days if deadline else None
    return found


def get_undertaking(db: Database, undertaking_id: int, *, as_of: date) -> dict[str, Any]:
    found = list_undertakings(db, as_of=as_of, undertaking_id=undertaking_id)
    if not found:
        raise NotFound(_("no undertaking {id}").format(id=undertaking_id))
    return found[0]
