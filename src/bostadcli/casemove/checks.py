"""The rules the commands keep between fields, checked on a household document before
anything is written."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bostadcli import validate
from bostadcli.errors import InvalidInput
from bostadcli.i18n import _


def check_vocab(values: dict[str, Any], vocab: Mapping[str, Any], where: str) -> None:
    for key, enum in vocab.items():
        value = values.get(key)
        if value is not None:
            try:
                validate.choice(enum, value, field=key)
            except InvalidInput as exc:
                raise exc.located(where) from None


def _day_or_none(value: Any) -> date | None:
    """A well-formed ISO date, or None: a malformed one is refused by the row's own
    check (``_checked_row``), which names it better."""
    from bostadcli.dates import parse_date

    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse_date(value)
    except InvalidInput:
        return None


def _rows_of(document: Mapping[str, Any], part: str) -> list[dict[str, Any]] | None:
    """A part's rows when every one is a JSON object, else None (refused later)."""
    items = document.get(part) or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        return None
    return items


# The options of 'bostad notice add' and the notice fields of a document they set.
_NOTICE_OPTIONS = {
    "--notified": "notified_on",
    "--received": "received_on",
    "--served": "served_on",
    "--terminated": "terminated_on",
    "--service-method": "service_method",
    "--correct-by": "correct_by",
    "--especially-serious": "especially_serious",
    "--copy-received": "copy_received_on",
    "--date": "step_on",
    "--decision-by": "decision_by",
    "--final": "final_on",
}
_NOTICE_DATES = (
    "notified_on",
    "received_on",
    "served_on",
    "terminated_on",
    "correct_by",
    "copy_received_on",
    "step_on",
    "final_on",
)


def _check_notice_rules(notice: dict[str, Any], at: str, today: date) -> None:
    """A moved notice's dates against each other and today, by 'notice add''s rules."""
    from bostadcli.notices import NewNotice, _check_dates
    from bostadcli.vocab import NoticeKind

    kind_text = notice.get("kind")
    if kind_text not in {k.value for k in NoticeKind}:
        return
    days = {key: _day_or_none(notice.get(key)) for key in _NOTICE_DATES}
    if any(notice.get(key) not in (None, "") and days[key] is None for key in _NOTICE_DATES):
        return
    texts = {key: notice.get(key) for key in ("ground", "service_method", "decision_by")}
    if any(v is not None and not isinstance(v, str) for v in texts.values()):
        return
    serious = notice.get("especially_serious")
    new = NewNotice(
        kind=str(kind_text),
        ground=texts["ground"] or None,
        notified_on=days["notified_on"],
        served_on=days["served_on"],
        received_on=days["received_on"],
        terminated_on=days["terminated_on"],
        service_method=texts["service_method"] or None,
        correct_by=days["correct_by"],
        especially_serious=serious in (True, 1),
        copy_received_on=days["copy_received_on"],
        step_on=days["step_on"],
        decision_by=texts["decision_by"] or None,
        final_on=days["final_on"],
    )
    notified = new.notified_on or new.received_on
    try:
        _check_dates(NoticeKind(kind_text), new, notified, today)
    except InvalidInput as exc:
        key = _NOTICE_OPTIONS.get(exc.field, exc.field)
        if exc.field == "--notified" and new.notified_on is None:
            key = "received_on"
        raise InvalidInput(f"{at}.{key}", exc.value, exc.reason) from None


def check_document_rules(document: Mapping[str, Any], source: str, today: date) -> None:
    """The rules the commands keep between fields, which a row-by-row check cannot see:
    one named tenant, no personnummer twice, no birth or opening after ``today`` (the
    real date), a notice's dates in order, a plan with installments 1..n. Values of the
    wrong shape are left to the rows' own checks."""
    _check_household_dates(document, source, today)
    _check_members(document, source, today)
    _check_fact_days(document, source, today)
    _check_stamps(document, source, today)
    _check_withdrawn(document, source)
    for i, notice in enumerate(_rows_of(document, "notices") or []):
        _check_notice_rules(notice, f"{source}: notices[{i}]", today)
    _check_plans(document, source)


def with_partner_of_tenant(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """The document with ``partner_of_tenant`` on every member: one written before the
    field existed marks the first member with the role ``partner``, as the migration
    that added it did."""
    from bostadcli.vocab import Role

    members = document.get("members")
    if not isinstance(members, list) or all(
        not isinstance(m, dict) or "partner_of_tenant" in m for m in members
    ):
        return document
    marked = any(isinstance(m, dict) and m.get("partner_of_tenant") in (True, 1) for m in members)
    filled: list[Any] = []
    for member in members:
        if isinstance(member, dict) and "partner_of_tenant" not in member:
            partner = member.get("role") == Role.partner.value and not marked
            marked = marked or partner
            member = {**member, "partner_of_tenant": partner}
        filled.append(member)
    return {**document, "members": filled}


def _check_household_dates(document: Mapping[str, Any], source: str, today: date) -> None:
    household = document.get("household")
    if isinstance(household, dict):
        where = f"{source}: household"
        opened = _day_or_none(household.get("opened_on"))
        closed = _day_or_none(household.get("closed_on"))
        for key, day in (("opened_on", opened), ("closed_on", closed)):
            if day is not None and day > today:
                raise InvalidInput(f"{where}.{key}", day.isoformat(), _("is in the future"))
        if opened is not None and closed is not None and closed < opened:
            raise InvalidInput(
                f"{where}.closed_on", closed.isoformat(), _("is before the case was opened")
            )


# The days of what has happened, by part, as the commands that record them refuse a day
# after today (``dates.check_fact_day``). A booked contact's day, a due day, a planned
# start or end, a consent's expiry lie ahead and are not here.
_FACT_DAYS = {
    "payments": ("paid_on",),
    "consents": ("given_on", "revoked_on", "recorded_on"),
    "plans": ("created_on", "cancelled_on", "completed_on", "checked_on"),
    "letters": ("dated_on",),
    "supports": ("granted_on", "ended_on", "withdrawn_on"),
    "undertakings": ("given_on", "recorded_on"),
    "landlords": ("cooperation_agreement_on",),
}


def _check_fact_days(document: Mapping[str, Any], source: str, today: date) -> None:
    """No payment, consent, plan, letter, support decision, undertaking, landlord
    agreement or held contact dated after ``today``: what has not happened cannot have
    been recorded where the case comes from."""
    from bostadcli.vocab import ContactStatus

    dated: list[tuple[str, dict[str, Any], tuple[str, ...]]] = [
        (f"{part}[{i}]", row, keys)
        for part, keys in _FACT_DAYS.items()
        for i, row in enumerate(_rows_of(document, part) or [])
    ]
    dated += [
        (f"contacts[{i}]", row, ("contact_on",))
        for i, row in enumerate(_rows_of(document, "contacts") or [])
        # A document written before contacts were booked has no status: all were held.
        if row.get("status") in (None, ContactStatus.held.value)
    ]
    landlord = document.get("landlord")
    if isinstance(landlord, dict):
        dated.append(("landlord", landlord, ("cooperation_agreement_on",)))
    for at, row, keys in dated:
        for key in keys:
            day = _day_or_none(row.get(key))
            if day is not None and day > today:
                raise _after_today(f"{source}: {at}.{key}", day.isoformat(), today)


def _after_today(field: str, value: str, today: date) -> InvalidInput:
    """The refusal of a moved case's record dated after ``today``."""
    return InvalidInput(
        field,
        value,
        _(
            "is after today ({today}): what has happened cannot be dated ahead;"
            " correct the document where it was exported"
        ).format(today=today.isoformat()),
    )


def _check_stamps(document: Mapping[str, Any], source: str, today: date) -> None:
    """No payment voided after ``today`` and no letter of a month after today's: a
    correction and a month's letters are written when they happen."""
    from datetime import datetime

    for i, row in enumerate(_rows_of(document, "payments") or []):
        stamp = row.get("voided_at")
        try:
            moment = datetime.fromisoformat(stamp) if isinstance(stamp, str) else None
        except ValueError:
            continue  # refused by the row's own check
        # A stamp is written in UTC: its day is the day here (the real date is local).
        day = (
            None
            if moment is None
            else moment.astimezone().date()
            if moment.tzinfo
            else moment.date()
        )
        if day is not None and day > today:
            raise _after_today(f"{source}: payments[{i}].voided_at", str(stamp), today)
    from bostadcli.dates import parse_month

    month = today.strftime("%Y-%m")
    for i, row in enumerate(_rows_of(document, "letters") or []):
        period = row.get("period")
        try:
            first = parse_month(period) if isinstance(period, str) and len(period) == 7 else None
        except InvalidInput:
            continue  # refused by the row's own check
        if first is not None and first.strftime("%Y-%m") > month:
            raise InvalidInput(
                f"{source}: letters[{i}].period",
                period,
                _(
                    "is after this month ({month}): a letter is written in its month or later;"
                    " correct the document where it was exported"
                ).format(month=month),
            )


def _check_withdrawn(document: Mapping[str, Any], source: str) -> None:
    """A withdrawn support was called off before it began (``support_rules``): its
    ``withdrawn_on`` is before its start, and it has no ``ended_on``."""
    for i, row in enumerate(_rows_of(document, "supports") or []):
        withdrawn = _day_or_none(row.get("withdrawn_on"))
        if withdrawn is None:
            continue
        at = f"{source}: supports[{i}]"
        if row.get("ended_on") not in (None, ""):
            raise InvalidInput(
                f"{at}.ended_on",
                str(row["ended_on"]),
                _(
                    "a support withdrawn on {date} never began, so it cannot have ended;"
                    " keep withdrawn_on or ended_on, not both"
                ).format(date=withdrawn.isoformat()),
            )
        start = _day_or_none(row.get("start_on"))
        if start is not None and withdrawn >= start:
            raise InvalidInput(
                f"{at}.withdrawn_on",
                withdrawn.isoformat(),
                _(
                    "is not before the start ({start}): a support is withdrawn only before it"
                    " begins; one that began has ended_on instead"
                ).format(start=start.isoformat()),
            )


def _check_members(document: Mapping[str, Any], source: str, today: date) -> None:
    """One tenant, a name for every adult, no birth after today, no personnummer
    twice, and a birth date that matches the personnummer."""
    from bostadcli.pnr import parse_pnr
    from bostadcli.vocab import Role

    members = _rows_of(document, "members")
    if members is None or not all(m.get("role") in {r.value for r in Role} for m in members):
        return
    tenants = [i for i, m in enumerate(members) if m["role"] == Role.tenant.value]
    if not tenants:
        raise InvalidInput(
            f"{source}: members", len(members), _("a case needs one member with role tenant")
        )
    if len(tenants) > 1:
        raise InvalidInput(
            f"{source}: members[{tenants[1]}].role",
            Role.tenant.value,
            _("a case has one tenant; members[{i}] is the tenant").format(i=tenants[0]),
        )
    _check_partners(members, source)
    seen: dict[str, int] = {}
    pnr_included = document.get("pnr_included") is True
    for i, member in enumerate(members):
        at = f"{source}: members[{i}]"
        name = member.get("name")
        if member["role"] != Role.child.value and (
            name is None or (isinstance(name, str) and not name.strip())
        ):
            raise InvalidInput(f"{at}.name", name or "", _("must not be empty"))
        born = _day_or_none(member.get("birth_date"))
        if born is not None and born > today:
            raise InvalidInput(f"{at}.birth_date", born.isoformat(), _("is in the future"))
        pnr = member.get("pnr")
        if not pnr_included or not isinstance(pnr, str) or not pnr.strip():
            continue
        try:
            number = parse_pnr(pnr, as_of=today, field=f"{at}.pnr")
        except InvalidInput:
            continue
        if number.digits in seen:
            raise InvalidInput(
                f"{at}.pnr",
                number.masked(),
                _("the same personnummer as members[{i}]").format(i=seen[number.digits]),
            )
        seen[number.digits] = i
        if born is not None and born != number.birth_date:
            # As member add refuses: one person, one birth date.
            raise InvalidInput(
                f"{at}.birth_date", born.isoformat(), _("does not match the personnummer")
            )


def _check_partners(members: list[dict[str, Any]], source: str) -> None:
    """At most one partner of the tenant, never the tenant or a child (as member add)."""
    from bostadcli.vocab import Role

    partners = [i for i, m in enumerate(members) if m.get("partner_of_tenant") in (True, 1)]
    for i in partners:
        if members[i]["role"] in (Role.tenant.value, Role.child.value):
            raise InvalidInput(
                f"{source}: members[{i}].partner_of_tenant",
                "true",
                _("a child cannot be the tenant's partner")
                if members[i]["role"] == Role.child.value
                else _("the tenant cannot be their own partner"),
            )
    if len(partners) > 1:
        raise InvalidInput(
            f"{source}: members[{partners[1]}].partner_of_tenant",
            "true",
            _("a case has at most one partner of the tenant; members[{i}] is one").format(
                i=partners[0]
            ),
        )


def _check_plans(document: Mapping[str, Any], source: str) -> None:
    """Every plan with installments numbered 1..n."""
    plans = _rows_of(document, "plans")
    installments = _rows_of(document, "installments")
    if plans is None or installments is None:
        return
    if not all(type(r.get("plan_id")) is int and type(r.get("seq")) is int for r in installments):
        return
    for i, plan in enumerate(plans):
        plan_id = plan.get("id")
        if type(plan_id) is not int:
            continue
        numbered = [(r["seq"], k) for k, r in enumerate(installments) if r["plan_id"] == plan_id]
        if not numbered:
            raise InvalidInput(
                f"{source}: plans[{i}]",
                str(plan.get("ref", plan_id)),
                _("a plan needs at least one installment"),
            )
        for expected, (seq, k) in enumerate(sorted(numbered), start=1):
            if seq != expected:
                raise InvalidInput(
                    f"{source}: installments[{k}].seq",
                    seq,
                    _("a plan's installments are numbered 1 to {n} without gaps").format(
                        n=len(numbered)
                    ),
                )
