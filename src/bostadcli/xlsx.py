"""Rows as an Excel workbook (.xlsx): typed cells, two header rows, one sheet.

Written with XlsxWriter in its constant-memory mode: each row goes to the sheet's
file as soon as it is written, so an export of any size runs in flat memory (and
about two and a half times faster than openpyxl's write-only mode on the same rows).

Cells are typed, so nothing a spreadsheet reads as a formula can come from the data:
text (names, notes, personnummer, case references, postal codes) is always written as
text, never parsed as a number, a date or a formula. Money is two columns like in CSV:
``<key>`` (``rent_ore``) in whole öre and ``<name>`` (``rent``) in kronor with a
krona number format; dates are dates. Row 1 holds the headings in the reader's
language, row 2 the stable field names of the CSV/JSON exports (visible, so that a
person can name a column to whoever reads the export with a script, and a script can
find its columns whatever the language); both are frozen, with a filter on row 2.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from enum import Enum
from math import isfinite
from typing import IO, Any

from bostadcli.errors import BostadError
from bostadcli.i18n import N_, _, format_number
from bostadcli.tabular import Column

# Excel's limits: 1 048 576 rows a sheet (two are headers), 32 767 characters a cell.
MAX_ROWS = 1_048_576 - 2
MAX_CELL_CHARS = 32_767
# Excel's number formats; Excel and LibreOffice show them with the reader's separators
# (14 900,50 kr in Swedish).
MONEY_FORMAT = '#,##0.00 "kr"'
ORE_FORMAT = "0"
DATE_FORMAT = "yyyy-mm-dd"
# The first day a spreadsheet's date serial numbers can show (the 1900 date system).
FIRST_DATE = date(1900, 3, 1)

# The headings of export fields (the export tables name their columns by field only).
# Listings' columns carry their own translated heading and do not need this.
LABELS: Mapping[str, str] = {
    "ref": N_("Case"),
    "status": N_("Status"),
    "opened_on": N_("Opened"),
    "closed_on": N_("Closed"),
    "outcome": N_("Outcome"),
    "tenant": N_("Tenant"),
    "tenant_pnr": N_("Tenant's personnummer"),
    "street": N_("Street address"),
    "postal_code": N_("Postal code"),
    "city": N_("City"),
    "landlord": N_("Landlord"),
    "contract_number": N_("Contract"),
    "rent": N_("Rent"),
    "arrears": N_("Arrears"),
    "reasons": N_("Reasons"),
    "source": N_("Source"),
    "housing_situation": N_("Situation"),
    "caseworker": N_("Caseworker"),
    "members": N_("Members"),
    "children": N_("Children"),
    "children_part_time": N_("Part-time children"),
    "next_deadline": N_("Next deadline"),
    "next_deadline_kind": N_("Deadline kind"),
    "days_left": N_("Days left"),
    "note": N_("Note"),
    "origin_ref": N_("Origin"),
    "letter_language": N_("Letter language"),
    "created_at": N_("Recorded"),
    "updated_at": N_("Changed"),
    "tenancy_type": N_("Tenancy"),
    "housing_allowance": N_("Housing allowance"),
    "id": N_("No."),
    "name": N_("Name"),
    "pnr": N_("Personnummer"),
    "birth_date": N_("Birth date"),
    "role": N_("Role"),
    "part_time": N_("Part-time"),
    "age": N_("Age"),
    "is_child": N_("Child"),
    "identity_level": N_("Identity level"),
    "partner_of_tenant": N_("Partner of the tenant"),
    "kind": N_("Kind"),
    "org_number": N_("Org. number"),
    "contact_person": N_("Contact person"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "open_cases": N_("Open cases"),
    "all_cases": N_("All cases"),
    "cooperation_agreement_on": N_("Housing First agreement"),
    "ground": N_("Ground"),
    "received_on": N_("Received"),
    "notified_on": N_("Notified"),
    "terminated_on": N_("Terminated"),
    "served_on": N_("Served"),
    "service_method": N_("Service method"),
    "amount": N_("Amount"),
    "recovery_deadline": N_("Recovery deadline"),
    "recovery_missing": N_("Period waits for"),
    "earliest_decision_on": N_("Earliest eviction decision"),
    "eviction_at": N_("Eviction"),
    "enforcement_case": N_("Kronofogden case"),
    "correct_by": N_("Correct by"),
    "especially_serious": N_("Especially serious"),
    "copy_received_on": N_("Copy received"),
    "step_on": N_("Step date"),
    "decision_by": N_("Decided by"),
    "final_on": N_("Final"),
    "barred_risk": N_("May be barred"),
    "deadline": N_("Deadline"),
    "contact_on": N_("Date"),
    "referral_to": N_("Referred to"),
    "text": N_("Text"),
    "automatic": N_("Automatic"),
    "corrects_id": N_("Corrects"),
    "at_time": N_("Time"),
    "recipient": N_("Recipient"),
    "recipient_name": N_("Recipient's name"),
    "given_on": N_("Given"),
    "expires_on": N_("Expires"),
    "revoked_on": N_("Revoked"),
    "valid": N_("Valid"),
    "plan": N_("Plan"),
    "debt": N_("Debt"),
    "installment": N_("Installment"),
    "months": N_("Months"),
    "start_month": N_("First month"),
    "due_rule": N_("Due day"),
    "whole_kronor": N_("Whole kronor"),
    "paid": N_("Paid"),
    "remaining": N_("Remaining"),
    "income": N_("Income"),
    "created_on": N_("Agreed"),
    "cancelled_on": N_("Cancelled"),
    "completed_on": N_("Completed"),
    "replaces": N_("Replaces"),
    "replaced_by": N_("Replaced by"),
    "checked_state": N_("Checked state"),
    "checked_on": N_("Checked"),
    "origin_plan": N_("Origin plan"),
    "seq": N_("No."),
    "month": N_("Month"),
    "due_on": N_("Due"),
    "days_overdue": N_("Days overdue"),
    "paid_on": N_("Paid on"),
    "applied": N_("Applied"),
    "excess": N_("Excess"),
    "period": N_("Period"),
    "dated_on": N_("Dated"),
    "address": N_("Address"),
    "format": N_("Format"),
    "params": N_("Parameters"),
    "template_version": N_("Template version"),
    "file": N_("File"),
    "start_on": N_("Start"),
    "end_on": N_("Planned end"),
    "ended_on": N_("Ended"),
    "withdrawn_on": N_("Withdrawn"),
    "end_reason": N_("End reason"),
    "effective_end": N_("End"),
    "cap": N_("Cap"),
    "cap_months": N_("Cap in months"),
    "cap_effective": N_("Cap in kronor"),
    "claimed": N_("Claimed"),
    "reclaimed": N_("Reclaimed"),
    "granted_on": N_("Granted"),
    "flat_offered": N_("Flat offered"),
    "place": N_("Place"),
    "nights_from": N_("Nights from"),
    "nights_to": N_("Nights to"),
    "nights": N_("Nights"),
    "cost": N_("Cost"),
    "cost_granted": N_("Cost granted"),
    "support_person": N_("Support person"),
    "state_grant_missed": N_("State grant conditions missed"),
    "state_grant_note": N_("State grant"),
    "covers": N_("Covers"),
    "decided_by": N_("Decided by"),
    "notice_id": N_("Notice"),
    "stops_eviction": N_("Stops eviction"),
    # The post room's letter manifest.
    "reference": N_("Case"),
    "pages": N_("Pages"),
}

# Column widths in characters, by kind; text columns by what they usually hold.
_WIDTHS = {"date": 11, "money": 14, "pnr": 14, "int": 8, "bool": 8}
_WIDE = {
    "note": 40,
    "text": 40,
    "address": 40,
    "state_grant_note": 40,
    "params": 30,
    # The year report's figure names: reported.by_situation.homeless_short_term.
    "figure": 40,
}
_NARROW_TEXT = 14
_MAX_WIDTH = 50


def column_label(column: Column) -> str:
    """The heading a reader sees: the column's own, or the export field's label."""
    if column.heading and column.heading != column.key:
        return column.heading
    name = column.formatted_name if column.kind == "money" else column.key
    label = LABELS.get(name)
    return _(label) if label else column.key


def _headers(columns: list[Column]) -> list[tuple[str, str, str]]:
    """(label, field name, kind of cell) per output column; money gives two."""
    out: list[tuple[str, str, str]] = []
    for c in columns:
        label = column_label(c)
        if c.kind == "money":
            out.append((_("{label}, öre").format(label=label), c.key, "ore"))
            out.append((label, c.formatted_name, "money"))
        else:
            out.append((label, c.key, c.kind))
    return out


def _width(label: str, field: str, kind: str) -> int:
    base = _WIDTHS.get("money" if kind == "ore" else kind, _WIDE.get(field, _NARROW_TEXT))
    return min(_MAX_WIDTH, max(base, len(label) + 2, len(field) + 2))


def _as_date(value: Any) -> date | None:
    """A date cell's value, or None when it is not a whole date a spreadsheet can show."""
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        day = value
    elif isinstance(value, str) and len(value) == 10:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    return day if day >= FIRST_DATE else None


def _text(value: Any) -> str:
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, list):
        return ",".join(str(_text(v)) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    # XML reads a bare CR as a line break anyway; say so, as the CSV writer does.
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def write_xlsx(
    rows: Iterable[dict[str, Any]],
    columns: list[Column],
    out: IO[bytes],
    *,
    sheet: str = "",
) -> int:
    """Write rows as one sheet of an .xlsx workbook to ``out``; returns how many.

    Raises ``BostadError`` when there are more rows than a sheet holds or a cell is
    longer than a spreadsheet allows (nothing is cut off silently); the caller's
    output then does not appear.
    """
    with _scratch_beside(out) as scratch:
        return _write_book(rows, columns, out, sheet=sheet, scratch=scratch)


def _write_book(
    rows: Iterable[dict[str, Any]],
    columns: list[Column],
    out: IO[bytes],
    *,
    sheet: str,
    scratch: str | None,
) -> int:
    workbook_class = _workbook_class()
    book = workbook_class(
        out,
        {
            # Its rows and parts on disk, beside the workbook (``_scratch_beside``).
            "tmpdir": scratch,
            "constant_memory": True,
            # Strings stay strings: never turned into numbers, formulas or links.
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "default_date_format": DATE_FORMAT,
        },
    )
    try:
        count = _fill(book, rows, columns, sheet)
    except BaseException:
        # Remove the sheet's temporary file now; the output itself is abandoned.
        _discard(book)
        raise
    book.close()
    return count


def _fill(book: Any, rows: Iterable[dict[str, Any]], columns: list[Column], sheet: str) -> int:
    ws = book.add_worksheet(_sheet_name(sheet))
    bold = book.add_format({"bold": True, "bottom": 1})
    grey = book.add_format({"font_color": "#595959", "italic": True})
    money = book.add_format({"num_format": MONEY_FORMAT})
    ore = book.add_format({"num_format": ORE_FORMAT})
    day = book.add_format({"num_format": DATE_FORMAT})
    headers = _headers(columns)
    # Constant-memory mode writes a row out when the next one starts: row by row.
    for i, (label, field, kind) in enumerate(headers):
        ws.set_column(i, i, _width(label, field, kind))
        ws.write_string(0, i, label, bold)
    for i, (_label, field, _kind) in enumerate(headers):
        ws.write_string(1, i, field, grey)
    ws.freeze_panes(2, 0)
    writers = _cell_writers(ws, columns, money=money, ore=ore, day=day)
    r = 1
    for row in rows:
        r += 1
        if r - 1 > MAX_ROWS:
            raise BostadError(
                _(
                    "more than {n} rows: too many for one spreadsheet; export as CSV, or"
                    " fewer rows with --since or --status"
                ).format(n=format_number(MAX_ROWS))
            )
        c = 0
        for write in writers:
            c = write(r, c, row)
    ws.autofilter(1, 0, max(r, 1), max(len(headers) - 1, 0))
    return r - 1


def _cell_writers(
    ws: Any, columns: list[Column], *, money: Any, ore: Any, day: Any
) -> list[Callable[[int, int, dict[str, Any]], int]]:
    """One function per column: writes the row's cells from column ``c`` on, returns the
    next column. Prepared once per sheet."""

    def text(r: int, c: int, value: Any, key: str) -> None:
        shown = _text(value)
        if len(shown) > MAX_CELL_CHARS:
            raise BostadError(
                _("{field}: more than {n} characters, too long for a spreadsheet cell").format(
                    field=key, n=format_number(MAX_CELL_CHARS)
                )
            )
        if shown:
            ws.write_string(r, c, shown)

    def make(column: Column) -> Callable[[int, int, dict[str, Any]], int]:
        key, kind = column.key, column.kind

        if kind == "money":

            def write_money(r: int, c: int, row: dict[str, Any]) -> int:
                value = row.get(key)
                if isinstance(value, int) and not isinstance(value, bool):
                    ws.write_number(r, c, value, ore)
                    # Kronor as a double, as every spreadsheet holds numbers.
                    ws.write_number(r, c + 1, value / 100, money)
                elif value is not None:
                    text(r, c, value, key)
                return c + 2

            return write_money

        def write_one(r: int, c: int, row: dict[str, Any]) -> int:
            value = row.get(key)
            if value is None or value == "":
                return c + 1
            if kind in ("date", "deadline"):
                found = _as_date(value)
                if found is not None:
                    ws.write_datetime(r, c, found, day)
                    return c + 1
            elif kind == "bool" and isinstance(value, bool):
                ws.write_boolean(r, c, value)
                return c + 1
            if isinstance(value, int | float) and not isinstance(value, bool) and isfinite(value):
                # A number the program counted (a listing's figures too), never text
                # someone typed: strings stay strings, whatever they look like.
                ws.write_number(r, c, value)
                return c + 1
            text(r, c, value, key)
            return c + 1

        return write_one

    return [make(c) for c in columns]


def _sheet_name(name: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip(" '")
    return cleaned[:31] or "Blad1"


@contextlib.contextmanager
def _scratch_beside(out: IO[bytes]) -> Iterator[str | None]:
    """A private folder for XlsxWriter's own temporary files (the rows, then each part
    of the workbook: every cell of the export), beside the workbook being written,
    named as the program's temporaries are (``files.temporary_path``): removed when the
    workbook is done or fails, and by the next command that writes there, or by ``bostad
    db check``, when the process was killed. Not the system's temporary folder, where a
    killed export would leave the names and personnummer it held. None for an output
    that is no file (the system's folder then, as XlsxWriter does)."""
    import os
    import shutil
    from pathlib import Path

    from bostadcli.files import temporary_path

    name = getattr(out, "name", None)
    if not isinstance(name, str) or not os.path.isfile(name):
        yield None
        return
    folder = temporary_path(Path(name).parent / "xlsx")
    os.mkdir(folder, 0o700)
    try:
        yield str(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _discard(book: Any) -> None:
    import contextlib
    import os

    for sheet in getattr(book, "worksheets_objs", []):
        handle = getattr(sheet, "row_data_fh", None)
        name = getattr(sheet, "row_data_filename", None)
        with contextlib.suppress(Exception):
            if handle is not None:
                handle.close()
        with contextlib.suppress(OSError, TypeError):
            if name:
                os.unlink(name)


def _workbook_class() -> Any:
    try:
        from xlsxwriter import Workbook  # type: ignore[import-untyped]
    except ImportError:  # a broken installation: XlsxWriter is a dependency
        raise BostadError(
            _("--format xlsx needs the Python package XlsxWriter: pip install XlsxWriter")
        ) from None
    return Workbook
