"""``import_notices``: a landlord's list imported in one transaction, all rows or none."""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
from datetime import date
from typing import IO, TYPE_CHECKING

from bostadcli import validate
from bostadcli.errors import BostadError, Conflict, InvalidInput
from bostadcli.files import copy_bounded
from bostadcli.i18n import _
from bostadcli.landlord_lists.headings import ListRow, parse_map, read_columns
from bostadcli.landlord_lists.rows import (
    children_of,
    day_cell,
    find_household,
    fingerprint_of,
    ground_of,
    money_cell,
    notice_recorded,
    one_line,
    recently_closed,
    remember_row,
    row_imported,
)
from bostadcli.landlord_lists.summary import ImportSummary
from bostadcli.landlord_lists.text import (
    DELIMITERS,
    IMPORT_MAX_BYTES,
    decode_error,
    detect_encoding,
    is_seekable,
    read_records,
    sniff_delimiter,
)
from bostadcli.rules import RECENTLY_CLOSED_MONTHS
from bostadcli.vocab import NoticeKind, Source

if TYPE_CHECKING:
    from sqlite_utils import Database


class _DryRun(Exception):
    """Raised at the end of a dry run so the transaction rolls back."""


def _import_row(
    db: Database,
    row: ListRow,
    *,
    landlord: str | None,
    create_landlord: bool,
    as_of: date,
    summary: ImportSummary,
    recently_closed_months: int,
    line: int,
) -> None:
    from dateutil.relativedelta import relativedelta

    from bostadcli.households import NewHousehold, add_household, edit_household, household_id
    from bostadcli.landlords import find_landlord
    from bostadcli.notices import NewNotice, record_notice
    from bostadcli.pnr import parse_pnr

    name = one_line(row.text("tenant_name")) or one_line(
        f"{row.text('first_name')} {row.text('last_name')}"
    )
    name_heading = row.heading("tenant_name" if "tenant_name" in row.values else "last_name")
    name = validate.required_text(name, field=name_heading)
    pnr_text = row.text("pnr")
    pnr = parse_pnr(pnr_text, as_of=as_of, field=row.heading("pnr")) if pnr_text else None
    co_pnr_text = row.text("co_tenant_pnr")
    if co_pnr_text:
        parse_pnr(co_pnr_text, as_of=as_of, field=row.heading("co_tenant_pnr"))
    street = validate.clean_text(one_line(row.text("street"), ", "), field=row.heading("street"))
    postal_code = validate.postal_code(row.text("postal_code"), field=row.heading("postal_code"))
    rent = money_cell(row.text("rent"), row.heading("rent"))
    amount = money_cell(row.text("amount"), row.heading("amount"))
    terminated_on = day_cell(row.text("terminated_on"), row.heading("terminated_on"))
    served_on = day_cell(row.text("served_on"), row.heading("served_on"))
    # A landlord's list that social services imports has reached it today at the latest.
    notified_on = day_cell(row.text("notified_on"), row.heading("notified_on")) or as_of
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
    ground_text = one_line(row.text("ground"))
    ground = ground_of(ground_text)
    children, reported = children_of(row.text("children"), row.heading("children"), part_time=False)
    part_time, reported_pt = children_of(
        row.text("children_part_time"), row.heading("children_part_time"), part_time=True
    )
    note_lines = [row.text("note")] if row.text("note") else []
    if ground_text and ground_text != (ground.value if ground else ""):
        note_lines.append(f"{row.heading('ground')}: {ground_text}")
    if reported or reported_pt:
        summary.children_without_birth_dates += 1
        summary.children_lines.append(line)
        for key, flag in (("children", reported), ("children_part_time", reported_pt)):
            if flag:
                note_lines.append(f"{row.heading(key)}: {row.text(key)}")
    landlord_name = one_line(row.text("landlord")) or landlord
    if landlord_name and find_landlord(db, landlord_name) is None:
        if not create_landlord:
            raise InvalidInput(
                row.heading("landlord") if row.text("landlord") else "--landlord",
                landlord_name,
                _("no such landlord: add it with 'bostad landlord add', or use --create-landlord"),
            )
        summary.new_landlords.append(landlord_name)

    fingerprint = fingerprint_of(
        landlord=landlord_name,
        name=name,
        pnr=pnr.digits if pnr else None,
        co_tenant=(one_line(row.text("co_tenant_name")), co_pnr_text),
        street=street,
        postal_code=postal_code,
        city=one_line(row.text("city")),
        contract=one_line(row.text("contract_number")),
        rent=rent,
        amount=amount,
        terminated_on=terminated_on,
        served_on=served_on,
        # As the list gives it: a list without the column was notified on the day it
        # was imported, which is not what makes a row another row.
        notified_on=day_cell(row.text("notified_on"), row.heading("notified_on")),
        ground=ground_text,
        children=[(c.birth_date, c.part_time) for c in children + part_time],
        note=row.text("note"),
    )
    earlier = row_imported(db, fingerprint)
    if earlier is not None:
        summary.unchanged += 1
        summary.unchanged_rows.append((line, earlier))
        return
    notice = NewNotice(
        kind=NoticeKind.termination.value,
        ground=ground.value if ground else None,
        notified_on=notified_on,
        terminated_on=terminated_on,
        served_on=served_on,
        amount=amount,
        note="\n".join(note_lines) or None,
    )
    known = find_household(db, pnr=pnr.digits if pnr else None, name=name, street=street)
    if known is not None:
        hid, ref = known
        if notice_recorded(db, hid, served_on, amount):
            summary.unchanged += 1
            summary.unchanged_rows.append((line, ref))
            return
        notice_id = record_notice(db, ref, notice, as_of=as_of)
        if amount is not None:
            edit_household(db, ref, changes={"arrears": amount})
        remember_row(db, fingerprint, hid, notice_id)
        summary.notices_on_known += 1
        summary.known_rows.append((line, ref))
        return
    from bostadcli.money import Money

    closed = recently_closed(
        db,
        pnr=pnr.digits if pnr else None,
        name=name,
        street=street,
        since=as_of - relativedelta(months=max(recently_closed_months, 0)),
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
    try:
        ref = add_household(
            db,
            NewHousehold(
                tenant_name=name,
                tenant_pnr=pnr_text or None,
                street=street,
                postal_code=postal_code,
                city=validate.clean_text(one_line(row.text("city")), field=row.heading("city")),
                landlord=landlord_name,
                contract_number=one_line(row.text("contract_number")) or None,
                rent=rent,
                arrears=amount or Money.zero(),
                reasons=[ground.value] if ground else [],
                source=Source.landlord.value,
                co_tenant_name=one_line(row.text("co_tenant_name")) or None,
                co_tenant_pnr=co_pnr_text or None,
                children=children + part_time,
            ),
            as_of=as_of,
            create_landlord=create_landlord,
        )
    except Conflict:
        # A co-tenant's personnummer already in another open case (the tenant's would
        # have found that case above).
        raise InvalidInput(
            row.heading("co_tenant_pnr"),
            parse_pnr(co_pnr_text, as_of=as_of).masked(),
            _("already in another open case: add this row by hand"),
        ) from None
    notice_id = record_notice(db, ref, notice, as_of=as_of, new_case=True)
    remember_row(db, fingerprint, household_id(db, ref), notice_id)
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


def import_notices(
    db: Database,
    raw: IO[bytes],
    *,
    source: str,
    as_of: date,
    landlord: str | None = None,
    create_landlord: bool = False,
    dry_run: bool = False,
    encoding: str = "auto",
    delimiter: str = "auto",
    mapping: list[str] | None = None,
    recently_closed_months: int = RECENTLY_CLOSED_MONTHS,
) -> ImportSummary:
    """Import a landlord's list; all rows or none. See the module docstring."""
    if delimiter not in DELIMITERS:
        raise InvalidInput("--delimiter", delimiter, _("use auto, ';', ',' or a tab"))
    columns_map = parse_map(mapping or [])
    summary = ImportSummary(source=source, dry_run=dry_run)
    with contextlib.ExitStack() as stack:
        stream = raw
        if not is_seekable(raw):
            # Detecting the encoding reads the whole file once; standard input cannot be
            # rewound, so it goes to a temporary file first (on disk, not in memory).
            stream = stack.enter_context(tempfile.TemporaryFile())
            copy_bounded(raw, stream, limit=IMPORT_MAX_BYTES, field=source)
            stream.seek(0)
        summary.encoding = detect_encoding(stream, encoding)
        text = io.TextIOWrapper(stream, encoding=summary.encoding, newline="")
        stack.callback(text.detach)
        try:
            _read(
                db,
                text,
                summary,
                columns_map,
                delimiter,
                landlord,
                create_landlord,
                as_of,
                recently_closed_months,
            )
        except UnicodeDecodeError:
            # The reader decodes ahead in blocks; find the line in the bytes themselves.
            raise decode_error(stream, summary.source, summary.encoding) from None
    return summary


def _read(
    db: Database,
    text: IO[str],
    summary: ImportSummary,
    columns_map: dict[str, str],
    delimiter: str,
    landlord: str | None,
    create_landlord: bool,
    as_of: date,
    recently_closed_months: int,
) -> None:
    source = summary.source
    first = text.readline()
    while first and not first.strip():
        first = text.readline()
    if not first:
        raise BostadError(
            _("{file} is empty: expected a heading row and one row per tenant").format(file=source)
        )
    skipped = 0
    match = re.fullmatch(r"sep=(.)\r?\n?", first)
    if match is not None:
        # Excel's own hint on the first line: "sep=;".
        summary.delimiter = match.group(1)
        skipped = 1
    else:
        summary.delimiter = sniff_delimiter(first)
        text.seek(0)
    if delimiter != "auto":
        summary.delimiter = delimiter
    _run(
        db,
        text,
        columns_map,
        summary,
        skipped,
        landlord,
        create_landlord,
        as_of,
        recently_closed_months,
    )


def _run(
    db: Database,
    text: IO[str],
    columns_map: dict[str, str],
    summary: ImportSummary,
    skipped: int,
    landlord: str | None,
    create_landlord: bool,
    as_of: date,
    recently_closed_months: int,
) -> None:
    from bostadcli.db import transaction

    records = read_records(text, summary.delimiter, skipped + 1, summary.source)
    try:
        try:
            while True:
                header_line, header = next(records)
                if any(cell.strip() for cell in header):
                    break
        except StopIteration:
            raise BostadError(
                _("{file} is empty: expected a heading row and one row per tenant").format(
                    file=summary.source
                )
            ) from None
        columns = read_columns(
            header,
            columns_map,
            summary,
            _("{file}, line {line}").format(file=summary.source, line=header_line),
        )
        with transaction(db):
            for line, record in records:
                if not any(cell.strip() for cell in record):
                    summary.blank_rows += 1
                    summary.blank_lines.append(line)
                    continue
                row = ListRow(
                    line=line,
                    values={
                        c.field: (record[c.index] if c.index < len(record) else "", c.heading)
                        for c in columns
                    },
                )
                try:
                    _import_row(
                        db,
                        row,
                        landlord=landlord,
                        create_landlord=create_landlord,
                        as_of=as_of,
                        summary=summary,
                        recently_closed_months=recently_closed_months,
                        line=line,
                    )
                except InvalidInput as exc:
                    raise exc.located(
                        _("{file}, line {line}").format(file=summary.source, line=line)
                    ) from None
                summary.rows += 1
            if summary.dry_run:
                raise _DryRun
    except _DryRun:
        pass
