"""Export tables as streams of rows: from the database cursor to CSV, JSON, JSON Lines or
an xlsx workbook.

Rows come straight from the cursor, one at a time: an export of any size runs in
constant memory. Personnummer are masked unless asked for, and every export is written
to ``export_log`` (who, when, which command, how many rows, with or without
personnummer) for the audit log, even when writing stops half-way.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from bostadcli.errors import InvalidInput, UsageError
from bostadcli.export.consent import (
    cases_without_consent,
    for_landlord,
    name_of_landlord,
    recipient_choice,
    recipient_landlord,
    refuse_without_consent,
)
from bostadcli.export.log import record_export
from bostadcli.export.registry import ExportTable, get_table, query
from bostadcli.i18n import _
from bostadcli.tabular import (
    Column,
    CsvDialect,
    resolve_dialect,
    write_csv,
    write_json,
    write_jsonl,
)
from bostadcli.vocab import Recipient

if TYPE_CHECKING:
    from sqlite_utils import Database

FORMATS = ("csv", "json", "jsonl")
# Formats written to a binary stream (a file named by --out), never to standard output.
FILE_FORMATS = ("xlsx",)
CSV_DELIMITERS = (",", ";", "\t")


def show_pnr(digits: str, *, include_pnr: bool) -> str:
    from bostadcli.pnr import IdentityNumber

    number = IdentityNumber(digits)
    return number.formatted() if include_pnr else number.masked()


def iter_rows(
    db: Database,
    name: str,
    *,
    as_of: date,
    include_pnr: bool = False,
    since: date | None = None,
    status: str | None = None,
    landlord_id: int | None = None,
    today: date | None = None,
) -> Iterator[dict[str, Any]]:
    """The rows of an export table, one at a time from the cursor.

    ``status`` is open, closed or all (None: all); ``since`` keeps rows whose date
    (the table's ``since_meaning``) is on or after it. ``landlord_id`` keeps the rows of
    that landlord's tenants who consent to their landlord on the real date ``today``.
    """
    from bostadcli.consents import consent_day

    table = get_table(name)
    sql, params = query(table, as_of=as_of, since=since, status=status)
    sql, params = for_landlord(table, sql, params, landlord_id, consent_day(today))
    return _stream(db, table, sql, params, as_of, include_pnr)


def _stream(
    db: Database,
    table: ExportTable,
    sql: str,
    params: dict[str, Any],
    as_of: date,
    include_pnr: bool,
) -> Iterator[dict[str, Any]]:
    # Validation above runs when iter_rows is called; only the reading is lazy.
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    pnr_keys = [c.key for c in table.columns if c.kind == "pnr" and c.key in names]
    bool_keys = [c.key for c in table.columns if c.kind == "bool" and c.key in names]
    list_keys = [c.key for c in table.columns if c.kind == "list" and c.key in names]

    def generate() -> Iterator[dict[str, Any]]:
        try:
            for values in cursor:
                row = dict(zip(names, values, strict=True))
                for key in pnr_keys:
                    if row[key]:
                        row[key] = show_pnr(row[key], include_pnr=include_pnr)
                for key in bool_keys:
                    if row[key] is not None:
                        row[key] = bool(row[key])
                for key in list_keys:
                    row[key] = row[key].split(",") if row[key] else []
                if table.derive is not None:
                    table.derive(row, as_of)
                yield row
        finally:
            cursor.close()

    return generate()


class _Counted:
    """Counts the rows that pass through, so a cut-short export is logged truthfully."""

    def __init__(self, rows: Iterator[dict[str, Any]]) -> None:
        self.rows = rows
        self.count = 0
        # The cases whose rows left, for the disclosure log.
        self.refs: set[str] = set()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for row in self.rows:
            self.count += 1
            ref = row.get("ref")
            if isinstance(ref, str):
                self.refs.add(ref)
            yield row

    def close(self) -> None:
        # Ends the cursor now, not whenever the generator is collected (the database
        # may be closed by then).
        close = getattr(self.rows, "close", None)
        if close is not None:
            close()


def _check_format(
    fmt: str, out: IO[Any], *, bom: bool | None, delimiter: str | None, dialect: str
) -> CsvDialect:
    """The CSV dialect to write in, once the format and its options are checked."""
    if fmt not in FORMATS + FILE_FORMATS:
        raise InvalidInput(
            "--format",
            fmt,
            _("must be one of: {allowed}").format(allowed=", ".join(FORMATS + FILE_FORMATS)),
        )
    if fmt != "csv" and (bom or delimiter not in (None, ",")):
        raise InvalidInput("--format", fmt, _("--bom and --delimiter apply to CSV only"))
    style = resolve_dialect(dialect, delimiter=delimiter, bom=bom)
    if style.delimiter not in CSV_DELIMITERS:
        raise InvalidInput("--delimiter", style.delimiter, _("use ',', ';' or a tab"))
    if fmt in FILE_FORMATS and hasattr(out, "encoding"):  # a text stream: standard output
        raise UsageError(_("--format xlsx writes a file: add --out FILE.xlsx"))
    return style


def export_table(
    db: Database,
    name: str,
    out: IO[Any],
    *,
    fmt: str = "csv",
    as_of: date,
    include_pnr: bool = False,
    since: date | None = None,
    status: str | None = None,
    bom: bool | None = None,
    delimiter: str | None = None,
    dialect: str = "standard",
    recipient: str | None = None,
    landlord: str | None = None,
    command: str,
    today: date | None = None,
) -> int:
    """Write one table to ``out`` as CSV, JSON, JSON Lines or xlsx; returns the row count.

    CSV is written in ``dialect`` (``tabular.CSV_DIALECTS``), with ``delimiter`` and
    ``bom`` instead of the dialect's where given. xlsx needs a binary ``out`` (a file).

    With a ``recipient`` outside social services, consent is judged on the real date
    ``today`` (default: the machine's date), whatever ``as_of`` replays. For Kronofogden
    or a debt collector every case in the export must have valid consent, or nothing is
    written (ConsentRequired names the cases without it). For a landlord, ``landlord``
    names which one, and the export holds only that landlord's tenants who consent to
    their landlord (``cases_without_consent`` with ``landlord_id`` lists those left out).
    The export is logged even when writing stops half-way (a closed pipe): the log
    says how many rows left the database, and for whom.
    """
    from bostadcli.consents import consent_day

    style = _check_format(fmt, out, bom=bom, delimiter=delimiter, dialect=dialect)
    table = get_table(name)
    who = recipient_choice(recipient)
    landlord_id = recipient_landlord(db, who, landlord)
    landlord_name = name_of_landlord(db, landlord_id)
    on = consent_day(today)
    if who is not None and who is not Recipient.landlord:
        refuse_without_consent(
            cases_without_consent(db, name, who, as_of=as_of, since=since, status=status, today=on),
            who,
            on,
        )
    columns = list(table.columns)
    rows = _Counted(
        iter_rows(
            db,
            name,
            as_of=as_of,
            include_pnr=include_pnr,
            since=since,
            status=status,
            landlord_id=landlord_id,
            today=on,
        )
    )
    try:
        if fmt == "csv":
            write_csv(
                rows,
                columns,
                out,
                delimiter=style.delimiter,
                bom=style.bom,
                plain_money=style.plain_money,
            )
        elif fmt == "xlsx":
            from bostadcli.xlsx import write_xlsx

            write_xlsx(rows, columns, out, sheet=name)
        elif fmt == "json":
            write_json(rows, columns, out)
        else:
            write_jsonl(rows, columns, out)
        out.flush()
    finally:
        rows.close()
        record_export(
            db,
            command=command,
            table_name=name,
            row_count=rows.count,
            include_pnr=include_pnr and table.has_pnr,
            recipient=who,
            recipient_name=landlord_name,
            refs=rows.refs,
        )
    return rows.count


def write_rows_csv(
    path: Path,
    fields: Sequence[str],
    rows: Iterable[Mapping[str, Any] | Sequence[Any]],
    *,
    field: str = "--out",
    force: bool = False,
    protect: Sequence[Path] = (),
) -> int:
    """Write ``rows`` as CSV with a header of ``fields`` to ``path``, a private file that
    appears whole or not at all (``files.write_private_file``); returns the row count.

    The cells go through the exports' CSV writer (``tabular.write_csv``): text that a
    spreadsheet would run as a formula is made inert, ``None`` is empty, booleans are
    true/false. A row is a mapping by field, or a sequence of cells in ``fields`` order.
    For small files (a batch's manifest): the CSV is built in memory, then written.
    """
    from bostadcli.files import write_private_file

    names = list(fields)
    columns = [Column(key=name, heading=name) for name in names]

    def by_field() -> Iterator[dict[str, Any]]:
        for row in rows:
            if isinstance(row, Mapping):
                yield {name: row.get(name) for name in names}
            else:
                yield dict(zip(names, row, strict=True))

    buffer = io.StringIO()
    count = write_csv(by_field(), columns, buffer)
    write_private_file(path, buffer.getvalue(), field=field, force=force, protect=protect)
    return count
