"""A case closed (ending or keeping what still runs) and reopened."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.dates import check_not_after_as_of
from bostadcli.db import now_utc, one, rows, transaction
from bostadcli.errors import Conflict, InvalidInput
from bostadcli.households.case import household_id, other_open_cases
from bostadcli.i18n import _
from bostadcli.pnr import IdentityNumber
from bostadcli.vocab import CaseStatus, Outcome

if TYPE_CHECKING:
    from sqlite_utils import Database


class RunningOnClose(Conflict):
    """A case to close still has active plans or supports, and no choice was given."""

    def __init__(self, ref: str, running: list[dict[str, Any]]) -> None:
        self.running = running
        super().__init__(
            _(
                "{ref} still has {items} running: say what to do with --end-running"
                " (end them on the close date) or --keep-running (they go on after the case"
                " is closed)"
            ).format(ref=ref, items=", ".join(r["label"] for r in running))
        )


class Running(StrEnum):
    """What closing a case does with its active plans and supports."""

    end = "end"
    keep = "keep"


def running_items(db: Database, hid: int, *, on: date) -> list[dict[str, Any]]:
    """The active repayment plans and the supports not ended (nor ended by ``on``) of a
    case: what keeps going when it closes, or is still going when it reopens."""
    from bostadcli.supports import support_status_sql
    from bostadcli.vocab import SupportKind

    found: list[dict[str, Any]] = [
        {"type": "plan", "id": r["id"], "ref": r["ref"], "label": r["ref"]}
        for r in rows(
            db,
            "SELECT id, ref FROM plans WHERE household_id = ? AND status = 'active' ORDER BY id",
            [hid],
        )
    ]
    # Not ended on ``on`` (planned or active), and no end nor withdrawal recorded yet.
    for r in rows(
        db,
        "SELECT s.id, s.kind, s.start_on FROM supports s WHERE s.household_id = :hid"
        " AND s.ended_on IS NULL AND s.withdrawn_on IS NULL"
        f" AND {support_status_sql(':on')} != 'ended' ORDER BY s.id",
        {"hid": hid, "on": on.isoformat()},
    ):
        label = _("support {id} ({kind})").format(id=r["id"], kind=SupportKind(r["kind"]).label)
        found.append(
            {
                "type": "support",
                "id": r["id"],
                "ref": str(r["id"]),
                "label": label,
                "start_on": r["start_on"],
            }
        )
    return found


def close_household(
    db: Database,
    ref: str,
    *,
    outcome: str,
    closed_on: date,
    as_of: date,
    running: Running | str | None = None,
    reason: str | None = None,
) -> list[dict[str, Any]]:
    """Close a case. Its active plans and supports are ended on the close date
    (``running="end"``; a support planned to start later is withdrawn that day, and its
    item says ``withdrawn``) or go on (``"keep"``); without a choice, a case with any is
    refused (``RunningOnClose``, which lists them). The choice is recorded in the
    case's corrections. Returns the plans and supports that were running."""
    from bostadcli import corrections

    result = validate.choice(Outcome, outcome, field="outcome")
    choice = validate.choice(Running, running, field="running") if running else None
    check_not_after_as_of(closed_on, as_of, field="date")
    why = corrections.reason_text(reason) if reason is not None else None
    with transaction(db):
        hid = household_id(db, ref)
        case = one(db, "SELECT status, opened_on FROM households WHERE id = ?", [hid])
        assert case is not None
        if case["status"] == CaseStatus.closed.value:
            raise Conflict(_("{ref} is already closed").format(ref=ref))
        if closed_on.isoformat() < case["opened_on"]:
            raise InvalidInput("date", closed_on.isoformat(), _("is before the case was opened"))
        items = running_items(db, hid, on=closed_on)
        if items and choice is None:
            raise RunningOnClose(ref, items)
        if choice is Running.end:
            _check_begun(items, on=closed_on, as_of=as_of)
        db.table("households").update(
            hid,
            {
                "status": CaseStatus.closed.value,
                "closed_on": closed_on.isoformat(),
                "outcome": result.value,
                "updated_at": now_utc(),
            },
        )
        if items:
            assert choice is not None
            if choice is Running.end:
                _end_running(db, items, on=closed_on, as_of=as_of, ref=ref)
            corrections.log(
                db,
                household=hid,
                action=corrections.Action.end_running
                if choice is Running.end
                else corrections.Action.keep_running,
                table="households",
                row_id=hid,
                reason=why
                or _("Case closed on {day}: {outcome}").format(
                    day=closed_on.isoformat(), outcome=result.label
                ),
                changes={"running": [r["label"] for r in items]},
            )
    return items


def _check_begun(items: list[dict[str, Any]], *, on: date, as_of: date) -> None:
    """A support that began after the close day but by ``as_of`` can neither end before
    it began nor be withdrawn as if it never did: such a close is refused."""
    for item in items:
        start = item.get("start_on")
        if item["type"] != "plan" and start and on.isoformat() < start <= as_of.isoformat():
            raise InvalidInput(
                "date",
                on.isoformat(),
                _(
                    "is before support {id} began ({start}): it cannot end before it"
                    " began, nor be withdrawn as if it never did; close on {start} or"
                    " later, or keep it running with --keep-running"
                ).format(id=item["id"], start=start),
            )


def _end_running(
    db: Database, items: list[dict[str, Any]], *, on: date, as_of: date, ref: str
) -> None:
    from bostadcli.plans import cancel_plan

    for item in items:
        if item["type"] == "plan":
            cancel_plan(
                db,
                item["ref"],
                cancelled_on=on,
                as_of=as_of,
                note=_("The case {ref} was closed.").format(ref=ref),
            )
        else:
            # A support planned to start after the close never begins: it is withdrawn
            # on the close day (support_rules.WITHDRAWN).
            item["withdrawn"] = item["start_on"] > on.isoformat()
            db.table("supports").update(
                item["id"],
                {("withdrawn_on" if item["withdrawn"] else "ended_on"): on.isoformat()}
                | {
                    "end_reason": _("The case {ref} was closed.").format(ref=ref),
                    "updated_at": now_utc(),
                },
            )


def reopen_household(
    db: Database,
    ref: str,
    *,
    as_of: date | None = None,
    allow_duplicate: bool = False,
    reason: str | None = None,
) -> list[dict[str, Any]]:
    """Reopen a closed case; returns the plans and supports still running on ``as_of``
    (every one not ended, without it). An adult of the case who has another open case
    by now is refused unless ``allow_duplicate`` with a ``reason``."""
    from bostadcli.corrections import check_duplicate

    with transaction(db):
        hid = household_id(db, ref)
        case = one(db, "SELECT status FROM households WHERE id = ?", [hid])
        assert case is not None
        if case["status"] == CaseStatus.open.value:
            raise Conflict(_("{ref} is already open").format(ref=ref))
        for member in rows(
            db,
            "SELECT pnr FROM members WHERE household_id = ? AND pnr IS NOT NULL"
            " AND role != 'child' ORDER BY id",
            [hid],
        ):
            number = IdentityNumber(member["pnr"])
            check_duplicate(
                db,
                number,
                household=hid,
                allow=allow_duplicate,
                field=ref,
                reason=reason,
                others=other_open_cases(db, number, exclude=hid),
            )
        db.table("households").update(
            hid,
            {
                "status": CaseStatus.open.value,
                "closed_on": None,
                "outcome": None,
                "updated_at": now_utc(),
            },
        )
        return running_items(db, hid, on=as_of or date.min)
