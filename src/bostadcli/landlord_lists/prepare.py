"""What the rows of a landlord's list add to the plan: each row parsed and checked, matched
with the case it is about, and its notice, new case or landlord added to the plan
(``plan.Snapshot``); nothing is written here."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.db import now_utc
from bostadcli.errors import InvalidInput
from bostadcli.i18n import _
from bostadcli.landlord_lists.headings import FIELDS, ListColumn, ListRow
from bostadcli.landlord_lists.plan import Case, Plan, Snapshot
from bostadcli.landlord_lists.rows import (
    children_of,
    clean_again,
    co_tenant_number,
    day_cell,
    ground_of,
    money_cell,
    one_line,
    recently_closed,
    refuse_future_children,
    row_fingerprint,
)
from bostadcli.landlord_lists.summary import ImportSummary
from bostadcli.pnr import parse_typed_pnr
from bostadcli.vocab import HousingSituation, NoticeKind, Reason, Role, Source

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlite_utils import Database

    from bostadcli.households import ChildSpec
    from bostadcli.money import Money
    from bostadcli.notices import NewNotice
    from bostadcli.pnr import IdentityNumber


_TERMINATION = NoticeKind.termination.value


@dataclass
class _Parsed:
    """A row's cells, parsed and checked."""

    name: str
    pnr: IdentityNumber | None
    pnr_text: str
    co_pnr_text: str
    street: str | None
    postal_code: str | None
    rent: Money | None
    amount: Money | None
    terminated_on: date | None
    served_on: date | None
    notified_on: date
    ground_text: str = ""
    ground: Reason | None = None
    children: list[ChildSpec] = field(default_factory=list)
    note_lines: list[str] = field(default_factory=list)
    landlord_name: str | None = None


def plan_row(
    snap: Snapshot,
    row: ListRow,
    *,
    landlord: str | None,
    create_landlord: bool,
    as_of: date,
    summary: ImportSummary,
    recently_closed_months: int,
    line: int,
) -> None:
    """Check a row and add what it writes to the plan; nothing is written here."""
    from bostadcli.notices import NewNotice

    parsed = _parse_row(row, as_of)
    _describe(row, parsed, summary, line)
    refuse_future_children(row, parsed.children, as_of)
    _find_landlord(snap, row, parsed, landlord, create_landlord, summary)
    fingerprint = _fingerprint(row, parsed)
    earlier = snap.row_imported(fingerprint)
    if earlier is not None:
        summary.unchanged += 1
        summary.unchanged_rows.append((line, earlier))
        return
    notice = NewNotice(
        kind=_TERMINATION,
        ground=parsed.ground.value if parsed.ground else None,
        notified_on=parsed.notified_on,
        terminated_on=parsed.terminated_on,
        served_on=parsed.served_on,
        amount=parsed.amount,
        note="\n".join(parsed.note_lines) or None,
    )
    pnr = parsed.pnr.digits if parsed.pnr else None
    known = snap.find_household(pnr=pnr, name=parsed.name, street=parsed.street)
    if known is not None:
        _notice_on_known(snap, known, parsed, notice, fingerprint, as_of, summary, line)
        return
    _new_case(
        snap,
        row,
        parsed,
        notice,
        fingerprint,
        as_of=as_of,
        create_landlord=create_landlord,
        recently_closed_months=recently_closed_months,
        summary=summary,
        line=line,
    )


def _parse_row(row: ListRow, as_of: date) -> _Parsed:
    """The tenant, the home and the termination of a row, each refused with its heading."""
    text = row.texts.get
    heading = row.headings
    name = one_line(text("tenant_name", "")) or one_line(
        f"{text('first_name', '')} {text('last_name', '')}"
    )
    name_heading = heading["tenant_name" if "tenant_name" in row.texts else "last_name"]
    name = validate.required_text(name, field=name_heading)
    pnr_text = text("pnr", "")
    pnr = parse_typed_pnr(pnr_text, as_of=as_of, field=heading["pnr"]) if pnr_text else None
    co_pnr_text = text("co_tenant_pnr", "")
    co_tenant_number(co_pnr_text, pnr, as_of, heading["co_tenant_pnr"])
    street = validate.clean_text(one_line(text("street", ""), ", "), field=heading["street"])
    postal_code = _postal_code(text("postal_code", ""), field=heading["postal_code"])
    rent = money_cell(text("rent", ""), heading["rent"])
    amount = money_cell(text("amount", ""), heading["amount"])
    terminated_on = day_cell(text("terminated_on", ""), heading["terminated_on"])
    served_on = day_cell(text("served_on", ""), heading["served_on"])
    # A landlord's list that social services imports has reached it today at the latest.
    notified_on = day_cell(text("notified_on", ""), heading["notified_on"]) or as_of
    dated = (
        ("terminated_on", terminated_on),
        ("served_on", served_on),
        ("notified_on", notified_on),
    )
    for key, day in dated:
        if day is not None and day > as_of:
            raise InvalidInput(row.heading(key), row.text(key), _("is in the future"))
        if key != "terminated_on" and day and terminated_on and day < terminated_on:
            raise InvalidInput(
                row.heading(key),
                row.text(key) or day.isoformat(),
                _("is before the termination ({date})").format(date=terminated_on.isoformat()),
            )
    return _Parsed(
        name=name,
        pnr=pnr,
        pnr_text=pnr_text,
        co_pnr_text=co_pnr_text,
        street=street,
        postal_code=postal_code,
        rent=rent,
        amount=amount,
        terminated_on=terminated_on,
        served_on=served_on,
        notified_on=notified_on,
    )


def _describe(row: ListRow, parsed: _Parsed, summary: ImportSummary, line: int) -> None:
    """The ground, the children and the note of a row; what the program cannot read as
    a value goes to the note as the list gave it."""
    text = row.texts.get
    parsed.ground_text = one_line(text("ground", ""))
    ground = parsed.ground = ground_of(parsed.ground_text)
    # An empty cell: no children (children_of of "").
    kids, kids_part_time = text("children", ""), text("children_part_time", "")
    children, reported = (
        children_of(kids, row.headings["children"], part_time=False) if kids else ([], False)
    )
    part_time, reported_pt = (
        children_of(kids_part_time, row.headings["children_part_time"], part_time=True)
        if kids_part_time
        else ([], False)
    )
    parsed.children = children + part_time
    note = text("note", "")
    note_lines = parsed.note_lines = [note] if note else []
    if parsed.ground_text and parsed.ground_text != (ground.value if ground else ""):
        note_lines.append(f"{row.heading('ground')}: {parsed.ground_text}")
    if reported or reported_pt:
        summary.children_without_birth_dates += 1
        summary.children_lines.append(line)
        for key, flag in (("children", reported), ("children_part_time", reported_pt)):
            if flag:
                note_lines.append(f"{row.heading(key)}: {row.text(key)}")


def _find_landlord(
    snap: Snapshot,
    row: ListRow,
    parsed: _Parsed,
    landlord: str | None,
    create_landlord: bool,
    summary: ImportSummary,
) -> None:
    """The row's landlord (its own column, else --landlord), known or to be added."""
    landlord_name = parsed.landlord_name = one_line(row.texts.get("landlord", "")) or landlord
    if landlord_name and not snap.landlord_exists(landlord_name):
        if not create_landlord:
            raise InvalidInput(
                row.heading("landlord") if row.text("landlord") else "--landlord",
                landlord_name,
                _("no such landlord: add it with 'bostad landlord add', or use --create-landlord"),
            )
        summary.new_landlords.append(landlord_name)


def _fingerprint(row: ListRow, parsed: _Parsed) -> str:
    text = row.texts.get
    return row_fingerprint(
        landlord=parsed.landlord_name,
        name=parsed.name,
        pnr=parsed.pnr.digits if parsed.pnr else None,
        co_tenant=(one_line(text("co_tenant_name", "")), parsed.co_pnr_text),
        street=parsed.street,
        postal_code=parsed.postal_code,
        city=one_line(text("city", "")),
        contract=one_line(text("contract_number", "")),
        rent=parsed.rent,
        amount=parsed.amount,
        terminated_on=parsed.terminated_on,
        served_on=parsed.served_on,
        # As the list gives it: a list without the column was notified on the day it
        # was imported, which is not what makes a row another row.
        notified_on=day_cell(text("notified_on", ""), row.headings["notified_on"]),
        ground=parsed.ground_text,
        children=[(c.birth_date, c.part_time) for c in parsed.children],
        note=text("note", ""),
    )


def _notice_on_known(
    snap: Snapshot,
    known: Case,
    parsed: _Parsed,
    notice: NewNotice,
    fingerprint: str,
    as_of: date,
    summary: ImportSummary,
    line: int,
) -> None:
    """The row's notice on the open case already known for the person, unless there."""
    amount = parsed.amount.ore if parsed.amount is not None else None
    if snap.notice_recorded(known, parsed.served_on, amount):
        summary.unchanged += 1
        summary.unchanged_rows.append((line, known.ref))
        return
    snap.add_notice(known, fingerprint, _notice_record(notice, as_of), new_case=False)
    if amount is not None and amount != snap.arrears_of(known):
        # As 'bostad household edit --arrears': the list's amount is what is owed now.
        snap.set_arrears(known, amount)
    summary.notices_on_known += 1
    summary.known_rows.append((line, known.ref))


def _new_case(
    snap: Snapshot,
    row: ListRow,
    parsed: _Parsed,
    notice: NewNotice,
    fingerprint: str,
    *,
    as_of: date,
    create_landlord: bool,
    recently_closed_months: int,
    summary: ImportSummary,
    line: int,
) -> None:
    """A new case for the row, with its notice; an earlier case of the person closed
    lately is named in the note and in the summary."""
    closed = None
    if snap.has_closed:
        closed = recently_closed(
            snap.db,
            pnr=parsed.pnr.digits if parsed.pnr else None,
            name=parsed.name,
            street=parsed.street,
            since=_months_before(as_of, recently_closed_months),
        )
    if closed is not None:
        # A new case, with the earlier one named in its note and in the summary: the
        # caseworker decides whether to reopen that one instead.
        notice.note = "\n".join(
            [
                *([notice.note] if notice.note else []),
                _("Earlier case {ref}, closed {day}.").format(
                    ref=closed["ref"], day=closed["closed_on"]
                ),
            ]
        )
    case = _add_household(snap, row, parsed, as_of=as_of, create_landlord=create_landlord)
    snap.add_notice(case, fingerprint, _notice_record(notice, as_of), new_case=True)
    ref = case.ref
    if closed is not None:
        summary.recently_closed.append(
            {
                "line": line,
                "closed_ref": closed["ref"],
                "closed_on": closed["closed_on"],
                "ref": ref,
            }
        )
    summary.new_households += 1
    summary.new_household_rows.append((line, ref))
    summary.first_ref = summary.first_ref or ref
    summary.last_ref = ref


# The second now_utc was last asked in, and what it gave.
_clock: list[Any] = [-1, ""]


def _now() -> str:
    """``now_utc``, asked again only when the second has changed: rows made within the
    same second carry the same time, to the second, as now_utc gives it."""
    second = time.time_ns() // 1_000_000_000
    if second != _clock[0]:
        _clock[1] = now_utc()
        _clock[0] = second
    return str(_clock[1])


def _notice_record(notice: NewNotice, as_of: date) -> dict[str, Any]:
    """``notices.notice_record`` of a row's notice. Its checks and columns but the
    amount and the time are those of the row's days, ground and note, which a list
    repeats: they are made once for each (``_notice_columns``), the amount and the time
    then set. A negative amount (which the list's reading refuses before) takes the
    whole check, for its message."""
    from bostadcli.notices import notice_record

    amount = notice.amount
    if notice.kind != _TERMINATION or (amount is not None and amount.ore < 0):
        return notice_record(notice, as_of=as_of)
    record = dict(
        _notice_columns(
            notice.ground,
            notice.notified_on,
            notice.terminated_on,
            notice.served_on,
            notice.note,
            as_of,
        )
    )
    record["amount_ore"] = amount.ore if amount is not None else None
    record["created_at"] = _now()
    return record


@functools.lru_cache(maxsize=1024)
def _notice_columns(
    ground: str | None,
    notified_on: date | None,
    terminated_on: date | None,
    served_on: date | None,
    note: str | None,
    as_of: date,
) -> dict[str, Any]:
    from bostadcli.notices import NewNotice, notice_record

    return notice_record(
        NewNotice(
            kind=_TERMINATION,
            ground=ground,
            notified_on=notified_on,
            terminated_on=terminated_on,
            served_on=served_on,
            note=note,
        ),
        as_of=as_of,
    )


@functools.cache
def _months_before(day: date, months: int) -> date:
    from dateutil.relativedelta import relativedelta

    result: date = day - relativedelta(months=max(months, 0))
    return result


def _add_household(
    snap: Snapshot, row: ListRow, parsed: _Parsed, *, as_of: date, create_landlord: bool
) -> Case:
    """The checks and rows of ``households.add_household`` for a row of a list (opened
    today, from the landlord, nobody's yet), added to the plan."""
    # _parse_row checked the name: required_text again gives it back (clean_again).
    tenant_name = clean_again(parsed.name, field="tenant") or validate.required_text(
        parsed.name, field="tenant"
    )
    co_name, co_pnr = _co_tenant(row, parsed, as_of)
    arrears, reasons = _arrears_and_reasons(parsed)
    # _find_landlord refused an unknown landlord without --create-landlord.
    landlord_key = snap.add_landlord(parsed.landlord_name) if parsed.landlord_name else None
    _refuse_co_tenant_elsewhere(snap, row, parsed, co_pnr, as_of)
    record = _household_record(snap, row, parsed, arrears, as_of)
    members = _member_records(tenant_name, parsed, co_name, co_pnr, as_of)
    return snap.open_case(record, landlord_key, sorted(set(reasons)), members)


def _co_tenant(
    row: ListRow, parsed: _Parsed, as_of: date
) -> tuple[str | None, IdentityNumber | None]:
    """The co-tenant's name and personnummer; a personnummer needs a name."""
    co_name = validate.clean_text(one_line(row.text("co_tenant_name")) or None, field="co_tenant")
    co_pnr = (
        parse_typed_pnr(parsed.co_pnr_text, as_of=as_of, field="co_tenant_pnr")
        if parsed.co_pnr_text
        else None
    )
    if co_pnr is not None and co_name is None:
        raise InvalidInput("co_tenant_pnr", co_pnr.masked(), _("give the co-tenant's name too"))
    return co_name, co_pnr


def _arrears_and_reasons(parsed: _Parsed) -> tuple[int, list[str]]:
    """The arrears in öre and the reasons of the new case; rent and arrears not negative."""
    arrears = parsed.amount.ore if parsed.amount is not None else 0
    reasons = [parsed.ground.value] if parsed.ground else []
    if not reasons and arrears:
        # households.add_household: a tenancy at risk with arrears is at risk for them.
        reasons = [Reason.unpaid_rent.value]
    if parsed.rent is not None and parsed.rent.ore < 0:
        raise InvalidInput("rent", str(parsed.rent), _("cannot be negative"))
    if arrears < 0:
        raise InvalidInput("arrears", str(parsed.amount), _("cannot be negative"))
    return arrears, reasons


def _refuse_co_tenant_elsewhere(
    snap: Snapshot, row: ListRow, parsed: _Parsed, co_pnr: IdentityNumber | None, as_of: date
) -> None:
    """Refuse a co-tenant whose personnummer is in another open case already."""
    # The tenant's personnummer is in no open case: find_household looked for it.
    for number in (co_pnr,):
        if number is not None and snap.other_open_cases(number.digits):
            # A co-tenant's personnummer already in another open case.
            raise InvalidInput(
                row.heading("co_tenant_pnr"),
                parse_typed_pnr(parsed.co_pnr_text, as_of=as_of).masked(),
                _("already in another open case: add this row by hand"),
            )


# A list repeats its towns and postal codes: each distinct one is checked once here (one
# refused is refused again on every row, with that row's line).
_postal_code = functools.lru_cache(maxsize=4096)(validate.postal_code)


@functools.lru_cache(maxsize=4096)
def _city(text: str, heading: str) -> str | None:
    return validate.clean_text(validate.clean_text(text, field=heading), field="city")


@functools.lru_cache(maxsize=4096)
def _contract(text: str | None) -> str | None:
    return validate.clean_text(text, field="contract")


def _household_record(
    snap: Snapshot, row: ListRow, parsed: _Parsed, arrears: int, as_of: date
) -> dict[str, Any]:
    """The new case's household row: open today, from the landlord, at risk."""
    now = _now()
    return {
        "ref": snap.next_ref(as_of.year),
        "status": "open",
        "opened_on": as_of.isoformat(),
        "street": clean_again(parsed.street, field="street"),
        "postal_code": _postal_code(parsed.postal_code),
        "city": _city(one_line(row.text("city")), row.headings["city"]),
        "contract_number": _contract(one_line(row.text("contract_number")) or None),
        "rent_ore": parsed.rent.ore if parsed.rent is not None else None,
        "arrears_ore": arrears,
        "source": Source.landlord.value,
        "housing_situation": HousingSituation.tenancy_at_risk.value,
        "note": None,
        "created_at": now,
        "updated_at": now,
    }


def _member_records(
    tenant_name: str,
    parsed: _Parsed,
    co_name: str | None,
    co_pnr: IdentityNumber | None,
    as_of: date,
) -> list[dict[str, Any]]:
    """The tenant, the co-tenant if any, and the children, as member rows."""
    from bostadcli.households.case import member_record

    members = [
        member_record(
            household=0,
            name=tenant_name,
            pnr=parsed.pnr,
            birth_date=None,
            role=Role.tenant,
            part_time=False,
            as_of=as_of,
        )
    ]
    if co_name is not None:
        members.append(
            member_record(
                household=0,
                name=co_name,
                pnr=co_pnr,
                birth_date=None,
                role=Role.co_tenant,
                part_time=False,
                as_of=as_of,
            )
        )
    for child in parsed.children:
        members.append(
            member_record(
                household=0,
                name=child.name,
                pnr=None,
                birth_date=child.birth_date,
                role=Role.child,
                part_time=child.part_time,
                as_of=as_of,
            )
        )
    return members


@dataclass
class ListRows:
    """The rows of a list after its heading row, and how to read them."""

    records: Iterator[tuple[int, list[str]]]
    columns: list[ListColumn]
    summary: ImportSummary
    landlord: str | None
    create_landlord: bool
    as_of: date
    recently_closed_months: int

    def plan(self, db: Database) -> Plan:
        """Every row checked and matched, and what it writes (in the current transaction)."""
        summary = self.summary
        snap = Snapshot(db, counter=f"case:{self.as_of.year}")
        # Every field's heading in the list, or its own name when the list has no such
        # column (what the messages name).
        headings = dict(zip(FIELDS, FIELDS, strict=True)) | {
            c.field: c.heading for c in self.columns
        }
        places = [(c.field, c.index) for c in self.columns]
        for line, record in self.records:
            # No cell with more than spaces: nothing but spaces in them all.
            if not "".join(record).strip():
                summary.blank_rows += 1
                summary.blank_lines.append(line)
                continue
            size = len(record)
            row = ListRow(
                line,
                {name: record[index].strip() if index < size else "" for name, index in places},
                headings,
            )
            try:
                plan_row(
                    snap,
                    row,
                    landlord=self.landlord,
                    create_landlord=self.create_landlord,
                    as_of=self.as_of,
                    summary=summary,
                    recently_closed_months=self.recently_closed_months,
                    line=line,
                )
            except InvalidInput as exc:
                raise exc.located(
                    _("{file}, line {line}").format(file=summary.source, line=line)
                ) from None
            summary.rows += 1
        snap.ready()
        return snap.plan
