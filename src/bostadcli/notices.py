"""Notices: the milestones of a case, and the deadlines that follow from them.

termination (landlord's notice; for unpaid rent it starts the recovery period) →
warning to correct (disturbance, neglect) → application to Kronofogden → eviction date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from bostadcli import rules, validate
from bostadcli.dates import check_not_after_as_of
from bostadcli.db import insert, now_utc, one, rows, transaction
from bostadcli.errors import InvalidInput
from bostadcli.households import household_id
from bostadcli.i18n import _
from bostadcli.money import Money
from bostadcli.vocab import DecisionBy, NoticeKind, Reason, ServiceMethod
from bostadcli.workdays import earliest_eviction_decision, recovery_deadline

if TYPE_CHECKING:
    from sqlite_utils import Database


def parse_eviction_at(text: str, *, field: str = "eviction_at") -> str:
    """``YYYY-MM-DD`` or ``YYYY-MM-DD HH:MM`` (Kronofogden gives day and time)."""
    from bostadcli.dates import parse_date

    value = text.strip().replace("T", " ")
    day = parse_date(value[:10], field=field)
    rest = value[10:].strip()
    if not rest:
        return day.isoformat()
    try:
        moment = datetime.strptime(rest, "%H:%M")
    except ValueError:
        raise InvalidInput(field, text, _("expected a time as HH:MM")) from None
    return f"{day.isoformat()}T{moment:%H:%M}"


@dataclass
class NewNotice:
    kind: str
    ground: str | None = None
    # The day the landlord's notice (of a termination, of a warning) reached social
    # services; None: no record of it. ``received_on`` is its name before 0017 and
    # still works as an alias.
    notified_on: date | None = None
    served_on: date | None = None
    amount: Money | None = None
    eviction_at: str | None = None
    enforcement_case: str | None = None
    note: str | None = None
    received_on: date | None = None
    terminated_on: date | None = None
    service_method: str | None = None
    # A warning to correct: the day the tenant must have corrected it by.
    correct_by: date | None = None
    # A termination for disturbance or misconduct without a warning (12 kap. 42 § 4 st):
    # especially serious, and the day social services received its copy.
    especially_serious: bool = False
    copy_received_on: date | None = None
    # Kronofogden's steps: the day of the application, decision or request; who decided
    # and when the decision became final.
    step_on: date | None = None
    decision_by: str | None = None
    final_on: date | None = None
    # An eviction day that is not a working day, confirmed as Kronofogden gave it.
    confirm_non_working_day: bool = False


# Kronofogden's steps, which carry the day they were taken.
STEP_KINDS = (
    NoticeKind.enforcement_application,
    NoticeKind.decision,
    NoticeKind.enforcement_request,
)


def _only(kind: NoticeKind, allowed: tuple[NoticeKind, ...], option: str, value: object) -> None:
    if value is not None and value is not False and kind not in allowed:
        raise InvalidInput(
            option,
            value.isoformat() if isinstance(value, date) else str(value),
            _("not for a notice of kind {kind}").format(kind=kind.value),
        )


def _check_steps(db: Database, hid: int, kind: NoticeKind, notice: NewNotice) -> None:
    """A decision comes after the application, and becomes final after it is given."""
    step = notice.step_on
    if kind is NoticeKind.decision and step is not None:
        applied = one(
            db,
            "SELECT max(step_on) AS on_ FROM live_notices WHERE household_id = ?"
            " AND kind = 'enforcement_application' AND step_on IS NOT NULL",
            [hid],
        )
        if applied and applied["on_"] and step.isoformat() < applied["on_"]:
            raise InvalidInput(
                "--date",
                step.isoformat(),
                _("the decision is before the application ({date})").format(date=applied["on_"]),
            )
    if kind is NoticeKind.enforcement_application and step is not None:
        decided = one(
            db,
            "SELECT min(step_on) AS on_ FROM live_notices WHERE household_id = ?"
            " AND kind = 'decision' AND step_on IS NOT NULL",
            [hid],
        )
        if decided and decided["on_"] and step.isoformat() > decided["on_"]:
            raise InvalidInput(
                "--date",
                step.isoformat(),
                _("the application is after the decision ({date})").format(date=decided["on_"]),
            )
    if notice.final_on is not None and step is not None and notice.final_on < step:
        raise InvalidInput(
            "--final",
            notice.final_on.isoformat(),
            _("is before the decision ({date})").format(date=step.isoformat()),
        )


def _check_eviction_day(eviction_at: str, *, confirmed: bool) -> None:
    from bostadcli.workdays import non_working_reason

    reason = non_working_reason(date.fromisoformat(eviction_at[:10]))
    if reason is not None and not confirmed:
        raise InvalidInput(
            "--eviction-at",
            eviction_at.replace("T", " "),
            _(
                "is not a working day ({reason}); Kronofogden evicts on working days: check"
                " the date, or give --confirm-non-working-day"
            ).format(reason=reason),
        )


# Notices the landlord must send social services: their notified_on is a legal fact.
NOTIFIED_KINDS = (NoticeKind.termination, NoticeKind.warning)


def _check_dates(kind: NoticeKind, notice: NewNotice, notified: date | None, as_of: date) -> None:
    """The dates of a notice against today and against each other (one-line errors)."""
    _check_main_dates(kind, notice, notified, as_of)
    _check_kind_options(kind, notice, as_of)
    _check_correct_by(notice, notified)
    _check_especially_serious(notice)


def _check_main_dates(
    kind: NoticeKind, notice: NewNotice, notified: date | None, as_of: date
) -> None:
    """Notified, served and terminated: none in the future, none before the termination,
    and a service method only with the day of service."""
    said = "--received" if notice.notified_on is None and notice.received_on else "--notified"
    dated = (
        (said, notified),
        ("--served", notice.served_on),
        ("--terminated", notice.terminated_on),
    )
    for name, value in dated:
        if value is not None:
            check_not_after_as_of(value, as_of, field=name)
    if notice.terminated_on is not None and kind is not NoticeKind.termination:
        raise InvalidInput(
            "--terminated",
            notice.terminated_on.isoformat(),
            _("only a termination has a termination date"),
        )
    terminated = notice.terminated_on
    if terminated is not None:
        for name, value in dated[:2]:
            if value is not None and value < terminated:
                raise InvalidInput(
                    name,
                    value.isoformat(),
                    _("is before the termination ({date})").format(date=terminated.isoformat()),
                )
    if notice.service_method is not None and notice.served_on is None:
        raise InvalidInput(
            "--service-method", notice.service_method, _("needs the service date (--served)")
        )


def _check_kind_options(kind: NoticeKind, notice: NewNotice, as_of: date) -> None:
    """The options that belong to one kind of notice only, and their dates not ahead."""
    termination, warning = (NoticeKind.termination,), (NoticeKind.warning,)
    _only(kind, warning, "--correct-by", notice.correct_by)
    _only(kind, termination, "--especially-serious", notice.especially_serious)
    _only(kind, termination, "--copy-received", notice.copy_received_on)
    _only(kind, STEP_KINDS, "--date", notice.step_on)
    _only(kind, (NoticeKind.decision,), "--decision-by", notice.decision_by)
    _only(kind, (NoticeKind.decision,), "--final", notice.final_on)
    for name, value in (
        ("--copy-received", notice.copy_received_on),
        ("--date", notice.step_on),
        ("--final", notice.final_on),
    ):
        if value is not None:
            check_not_after_as_of(value, as_of, field=name)


def _check_correct_by(notice: NewNotice, notified: date | None) -> None:
    """A warning's time to correct ends after the warning and after it was served."""
    if notice.correct_by is not None and notified is not None and notice.correct_by < notified:
        raise InvalidInput(
            "--correct-by",
            notice.correct_by.isoformat(),
            _("is before the warning ({date})").format(date=notified.isoformat()),
        )
    if (
        notice.correct_by is not None
        and notice.served_on is not None
        and notice.correct_by < notice.served_on
    ):
        # The tenant cannot be given a time to correct that ended before they were told.
        raise InvalidInput(
            "--correct-by",
            notice.correct_by.isoformat(),
            _("is before the tenant was served the warning ({date})").format(
                date=notice.served_on.isoformat()
            ),
        )


def _check_especially_serious(notice: NewNotice) -> None:
    """An especially serious termination is not for unpaid rent and needs the day social
    services received its copy, which comes no earlier than the termination."""
    terminated = notice.terminated_on
    if notice.especially_serious and notice.ground in (None, Reason.unpaid_rent.value):
        raise InvalidInput(
            "--especially-serious",
            notice.ground or Reason.unpaid_rent.value,
            _("a termination for unpaid rent has a recovery period instead"),
        )
    if notice.especially_serious and notice.copy_received_on is None:
        raise InvalidInput(
            "--especially-serious",
            "",
            _(
                "needs the day social services received the copy of the termination"
                " (--copy-received)"
            ),
        )
    if (
        notice.copy_received_on is not None
        and terminated is not None
        and notice.copy_received_on < terminated
    ):
        raise InvalidInput(
            "--copy-received",
            notice.copy_received_on.isoformat(),
            _("is before the termination ({date})").format(date=terminated.isoformat()),
        )


def add_notice(db: Database, ref: str, notice: NewNotice, *, as_of: date) -> dict[str, Any]:
    """Record a milestone; computes the recovery deadline of a rent termination."""
    notice_id = record_notice(db, ref, notice, as_of=as_of)
    return list_notices(db, ref=ref, as_of=as_of, notice_id=notice_id)[0]


def record_notice(
    db: Database, ref: str, notice: NewNotice, *, as_of: date, new_case: bool = False
) -> int:
    """``add_notice`` without reading the notice back, for a landlord's list of many.

    ``new_case``: the household was opened in this same transaction, so its
    ``updated_at`` is this moment already and is not written (and audited) again.
    """
    record = notice_record(notice, as_of=as_of)
    ground = record["ground"]
    with transaction(db):
        hid = household_id(db, ref)
        _check_steps(db, hid, NoticeKind(record["kind"]), notice)
        record["household_id"] = hid
        notice_id = insert(db, "notices", record)
        if ground is not None:
            db.execute(
                "INSERT OR IGNORE INTO household_reasons (household_id, reason) VALUES (?, ?)",
                [hid, ground],
            )
        if not new_case:
            db.execute("UPDATE households SET updated_at = ? WHERE id = ?", [now_utc(), hid])
    return notice_id


def notice_record(notice: NewNotice, *, as_of: date) -> dict[str, Any]:
    """The columns of a notice, checked, with its recovery deadline computed."""
    kind = validate.choice(NoticeKind, notice.kind, field="kind")
    ground = validate.choice(Reason, notice.ground, field="ground") if notice.ground else None
    if kind is NoticeKind.termination and ground is None:
        ground = Reason.unpaid_rent
    if (
        notice.notified_on is not None
        and notice.received_on is not None
        and notice.notified_on != notice.received_on
    ):
        raise InvalidInput(
            "--received",
            notice.received_on.isoformat(),
            _("is another name for --notified; give one of them"),
        )
    notified = notice.notified_on or notice.received_on
    _check_dates(kind, notice, notified, as_of)
    method = None
    if notice.served_on is not None:
        method = validate.choice(
            ServiceMethod,
            notice.service_method or ServiceMethod.unknown.value,
            field="--service-method",
        )
    if notice.amount is not None and notice.amount.ore < 0:
        raise InvalidInput("amount", str(notice.amount), _("cannot be negative"))
    if kind is NoticeKind.eviction and not notice.eviction_at:
        raise InvalidInput("eviction_at", "", _("an eviction notice needs the date (and time)"))
    if kind is not NoticeKind.eviction and notice.eviction_at:
        raise InvalidInput(
            "eviction_at", notice.eviction_at, _("only an eviction notice has an eviction date")
        )
    eviction_at = (
        parse_eviction_at(notice.eviction_at, field="--eviction-at") if notice.eviction_at else None
    )
    if eviction_at is not None:
        _check_eviction_day(eviction_at, confirmed=notice.confirm_non_working_day)
    decision_by = None
    if kind is NoticeKind.decision:
        decision_by = validate.choice(
            DecisionBy, notice.decision_by or DecisionBy.enforcement.value, field="--decision-by"
        )
    deadline = None
    if kind is NoticeKind.termination and ground is Reason.unpaid_rent:
        found = recovery_deadline(notice.served_on, notified)
        deadline = found.isoformat() if found else None
    record = {
        "kind": kind.value,
        "ground": ground.value if ground else None,
        "received_on": (notified or as_of).isoformat(),
        "notified_on": (
            notified.isoformat() if notified is not None and kind in NOTIFIED_KINDS else None
        ),
        "terminated_on": notice.terminated_on.isoformat() if notice.terminated_on else None,
        "served_on": notice.served_on.isoformat() if notice.served_on else None,
        "service_method": method.value if method else None,
        "correct_by": notice.correct_by.isoformat() if notice.correct_by else None,
        "especially_serious": int(notice.especially_serious),
        "copy_received_on": (
            notice.copy_received_on.isoformat() if notice.copy_received_on else None
        ),
        "step_on": notice.step_on.isoformat() if notice.step_on else None,
        "decision_by": decision_by.value if decision_by else None,
        "final_on": notice.final_on.isoformat() if notice.final_on else None,
        "amount_ore": notice.amount.ore if notice.amount is not None else None,
        "recovery_deadline": deadline,
        "eviction_at": eviction_at,
        "enforcement_case": validate.clean_text(notice.enforcement_case, field="case_number"),
        "note": validate.clean_text(
            notice.note, field="note", max_length=validate.TEXT_MAX, multiline=True
        ),
        "created_at": now_utc(),
    }
    return record


# A termination on a ground that needs a warning first (rules.WARNING_GROUNDS), not
# especially serious, may be barred (12 kap. 42 § 3 st): 'no_warning' when the case has
# no warning on that ground dated on or before the termination, 'warning_not_notified'
# when there is one but no record that social services was notified of it (12 kap. 25 a
# §, for disturbance and misconduct), 'before_correct_by' when every such warning gave the
# tenant time to correct up to or past the day of the termination: the landlord may
# terminate only when the tenant has not corrected in the time given (12 kap. 42 § 3
# st), so not before that time has run out. A warning without a correct_by day, or one
# whose time ran out before the termination, lifts this risk. NULL otherwise.
_WARNED = """EXISTS (SELECT 1 FROM live_notices w WHERE w.household_id = n.household_id
    AND w.kind = 'warning' AND (w.ground IS NULL OR w.ground = n.ground)
    AND coalesce(w.notified_on, w.received_on) <= coalesce(n.terminated_on, n.received_on)
    {extra})"""
_NOTIFIED = "AND (w.notified_on IS NOT NULL OR n.ground NOT IN ('disturbance', 'misconduct'))"
_TIME_RUN_OUT = (
    "AND (w.correct_by IS NULL OR w.correct_by < coalesce(n.terminated_on, n.received_on))"
)
BARRED_RISK = f"""(CASE WHEN n.kind = 'termination' AND n.especially_serious = 0
    AND n.ground IN ({", ".join(f"'{g}'" for g in rules.WARNING_GROUNDS)}) THEN
    CASE WHEN NOT {_WARNED.format(extra="")} THEN 'no_warning'
        WHEN NOT {_WARNED.format(extra=_NOTIFIED)} THEN 'warning_not_notified'
        WHEN NOT {_WARNED.format(extra=_NOTIFIED + " " + _TIME_RUN_OUT)}
        THEN 'before_correct_by' END END)"""


def list_notices(
    db: Database,
    *,
    as_of: date,
    ref: str | None = None,
    notice_id: int | None = None,
    upcoming_within: int | None = None,
) -> list[dict[str, Any]]:
    """Notices with their deadline and days left (negative when passed)."""
    if upcoming_within is not None and upcoming_within < 0:
        raise InvalidInput("upcoming", str(upcoming_within), _("cannot be negative"))
    if upcoming_within is not None:
        validate.whole_number(
            upcoming_within, field="upcoming", low=0, high=rules.DEADLINE_VIEW_MAX_DAYS
        )
    where: list[str] = ["1 = 1"]
    params: dict[str, Any] = {}
    if ref is not None:
        where.append("n.household_id = :hid")
        params["hid"] = household_id(db, ref)
    if notice_id is not None:
        where.append("n.id = :nid")
        params["nid"] = notice_id
    result = rows(
        db,
        f"""
        SELECT n.id, h.ref, n.kind, n.ground, n.received_on, n.notified_on, n.terminated_on,
            n.served_on, n.service_method, n.amount_ore, n.recovery_deadline, n.eviction_at,
            n.enforcement_case, n.correct_by, n.especially_serious, n.copy_received_on,
            n.step_on, n.decision_by, n.final_on, n.note,
            {BARRED_RISK} AS barred_risk
        FROM live_notices n JOIN live_households h ON h.id = n.household_id
        WHERE {" AND ".join(where)}
        ORDER BY coalesce(n.recovery_deadline, substr(n.eviction_at, 1, 10), n.correct_by,
            n.step_on, n.received_on),
            n.id
        """,
        params,
    )
    out = []
    for row in result:
        deadline = notice_deadline(row)
        row["deadline"] = deadline
        row["especially_serious"] = bool(row["especially_serious"])
        row.update(recovery_facts(row))
        row["days_left"] = (date.fromisoformat(deadline) - as_of).days if deadline else None
        if upcoming_within is not None and (
            row["days_left"] is None or not 0 <= row["days_left"] <= upcoming_within
        ):
            continue
        out.append(row)
    return out


def recovery_facts(notice: dict[str, Any]) -> dict[str, Any]:
    """What the recovery period of a stored notice is: ``recovery_missing`` names the
    dates it waits for (``served_on``, ``notified_on``: the period has not started),
    empty for a period that runs or a notice without one; ``earliest_decision_on`` is
    the first day a decision to evict may be given (jordabalken 12 kap. 44 § 2 st)."""
    rent_termination = (
        notice["kind"] == NoticeKind.termination.value
        and (notice["ground"] or Reason.unpaid_rent.value) == Reason.unpaid_rent.value
    )
    missing = [
        key
        for key in ("served_on", "notified_on")
        if rent_termination and not notice["recovery_deadline"] and not notice[key]
    ]
    deadline = notice["recovery_deadline"]
    earliest = earliest_eviction_decision(date.fromisoformat(deadline)) if deadline else None
    return {
        "recovery_missing": missing,
        "earliest_decision_on": earliest.isoformat() if earliest else None,
    }


def notice_deadline(notice: dict[str, Any]) -> str | None:
    """The date a notice is due: its recovery deadline, its eviction day, or the day a
    warning gives the tenant to correct it by."""
    eviction = notice.get("eviction_at")
    found = notice.get("recovery_deadline") or (eviction[:10] if eviction else None)
    return found or notice.get("correct_by")
