"""Export tables as streams of rows: from the database cursor to CSV, JSON, JSON Lines or
an xlsx workbook.

Rows come straight from the cursor, one at a time: an export of any size runs in
constant memory. Personnummer are masked unless asked for, and every export is written
to ``export_log`` (who, when, which command, how many rows, with or without
personnummer) for the audit log, even when writing stops half-way.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from bostadcli.errors import InvalidInput, UsageError
from bostadcli.export.consent import (
    cases_without_consent,
    for_landlord,
    for_named,
    name_of_landlord,
    recipient_choice,
    recipient_landlord,
    recipient_named,
    recorded_name,
    refuse_without_consent,
)
from bostadcli.export.csv_sql import _money_cell as _money_cell
from bostadcli.export.csv_sql import csv_sql as csv_sql
from bostadcli.export.csv_sql import export_sql as export_sql
from bostadcli.export.log import record_export
from bostadcli.export.registry import ExportTable, get_table, query
from bostadcli.i18n import _
from bostadcli.tabular import (
    _FORMULA_START,
    Column,
    CsvDialect,
    _csv_cell,
    data_fields,
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
    recipient: Recipient | None = None,
    recipient_name: str | None = None,
) -> Iterator[dict[str, Any]]:
    """The rows of an export table, one at a time from the cursor.

    ``status`` is open, closed or all (None: all); ``since`` keeps rows whose date
    (the table's ``since_meaning``) is on or after it. ``landlord_id`` keeps the rows of
    that landlord's tenants who consent to their landlord on the real date ``today``;
    ``recipient_name`` the rows of the cases that consent to ``recipient`` of that name.
    """
    from bostadcli.consents import consent_day

    table = get_table(name)
    sql, params = query(table, as_of=as_of, since=since, status=status)
    sql, params = for_landlord(table, sql, params, landlord_id, consent_day(today))
    sql, params = for_named(table, sql, params, recipient, recipient_name, consent_day(today))
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
        # The cases whose rows left, for the disclosure log: a JSON array of them a
        # chunk (a few bytes a case, where a set of strings grows by 70), whether the
        # rows are computed in Python one by one or written straight from the query.
        self.refs: set[str] = set()
        self.ref_batches: list[str] = []
        self._pending: list[str] = []

    def __iter__(self) -> Iterator[dict[str, Any]]:
        pending = self._pending
        for row in self.rows:
            self.count += 1
            ref = row.get("ref")
            if isinstance(ref, str):
                pending.append(ref)
                if len(pending) >= _CHUNK:
                    self.add_refs(pending)
                    pending.clear()
            yield row

    def add_refs(self, refs: Iterable[Any]) -> None:
        import json

        # Each case once a chunk: the rows of a case come together (every table is
        # ordered by case first), and the log names cases, not rows.
        batch = list(dict.fromkeys(refs))
        try:
            self.ref_batches.append(json.dumps(batch))
        except TypeError:  # a cell that is no JSON value names no case
            self.ref_batches.append(json.dumps([r for r in batch if isinstance(r, str)]))

    def close(self) -> None:
        # Ends the cursor now, not whenever the generator is collected (the database
        # may be closed by then), and keeps the references of the last chunk of rows,
        # also of one cut short, before the export is logged.
        close = getattr(self.rows, "close", None)
        if close is not None:
            close()
        if self._pending:
            self.add_refs(self._pending)
            self._pending.clear()


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
    recipient_name: str | None = None,
    partial_leaves: bool = True,
) -> int:
    """Write one table to ``out`` as CSV, JSON, JSON Lines or xlsx; returns the row count.

    CSV is written in ``dialect`` (``tabular.CSV_DIALECTS``), with ``delimiter`` and
    ``bom`` instead of the dialect's where given. xlsx needs a binary ``out`` (a file).

    With a ``recipient`` outside social services, consent is judged on the real date
    ``today`` (default: the machine's date), whatever ``as_of`` replays. For Kronofogden
    every case in the export must have valid consent, or nothing is written
    (ConsentRequired names the cases without it). For a landlord (``landlord``), a debt
    collector or another recipient (``recipient_name``), the export holds only the
    cases that consent to the one named (``cases_without_consent`` lists the others).
    The export is logged even when writing stops half-way (a closed pipe): the log
    says how many rows left the database, and for whom. Not so with ``partial_leaves``
    false, for an ``out`` that reaches no one unless it is finished (a file put in place
    only when whole): an export that fails there disclosed nothing, and is not logged.
    """
    style = _check_format(fmt, out, bom=bom, delimiter=delimiter, dialect=dialect)
    table = get_table(name)
    audience = _audience(
        db,
        name,
        recipient,
        landlord,
        recipient_name,
        as_of=as_of,
        since=since,
        status=status,
        today=today,
    )
    columns = list(table.columns)
    fast, rows = _source(
        db,
        table,
        name,
        fmt=fmt,
        style=style,
        audience=audience,
        as_of=as_of,
        since=since,
        status=status,
        include_pnr=include_pnr,
    )
    finished = False
    try:
        if fast is not None:
            sql, params = fast
            _write_csv_query(db, sql, params, columns, out, rows, style=style)
        else:
            _write_rows(rows, columns, out, fmt=fmt, style=style, sheet=name)
        out.flush()
        finished = True
    finally:
        rows.close()
        if finished or partial_leaves:
            _log(db, rows, command, name, table, audience, include_pnr=include_pnr)
    return rows.count


def _log(
    db: Database,
    rows: _Counted,
    command: str,
    name: str,
    table: ExportTable,
    audience: _Audience,
    *,
    include_pnr: bool,
) -> None:
    record_export(
        db,
        command=command,
        table_name=name,
        row_count=rows.count,
        include_pnr=include_pnr and table.has_pnr,
        recipient=audience.who,
        recipient_name=audience.landlord_name or audience.named,
        refs=rows.refs,
        ref_batches=rows.ref_batches,
    )


class _Audience(NamedTuple):
    """Whom an export is for, once consent allows it."""

    who: Recipient | None
    landlord_id: int | None
    landlord_name: str | None
    on: date  # the real date consent is judged on
    named: str | None = None  # the debt collector or other recipient, by name


def _audience(
    db: Database,
    name: str,
    recipient: str | None,
    landlord: str | None,
    recipient_name: str | None,
    *,
    as_of: date,
    since: date | None,
    status: str | None,
    today: date | None,
) -> _Audience:
    """The recipient of an export of table ``name`` and, for a landlord, a debt collector
    or another recipient, which one; for Kronofogden every case must have valid consent."""
    from bostadcli.consents import consent_day

    who = recipient_choice(recipient)
    landlord_id = recipient_landlord(db, who, landlord)
    landlord_name = name_of_landlord(db, landlord_id)
    named = recipient_named(who, recipient_name)
    on = consent_day(today)
    if who is not None and named is not None:
        named = recorded_name(db, who, named, today=on)
    elif who is not None and who is not Recipient.landlord:
        refuse_without_consent(
            cases_without_consent(db, name, who, as_of=as_of, since=since, status=status, today=on),
            who,
            on,
        )
    return _Audience(who, landlord_id, landlord_name, on, named)


def _source(
    db: Database,
    table: ExportTable,
    name: str,
    *,
    fmt: str,
    style: CsvDialect,
    audience: _Audience,
    as_of: date,
    since: date | None,
    status: str | None,
    include_pnr: bool,
) -> tuple[tuple[str, dict[str, Any]] | None, _Counted]:
    """Where the rows come from: for CSV, when SQLite can compute the cells
    (``csv_sql``), that query and its parameters, and no rows to count from Python;
    otherwise the rows from ``iter_rows``."""
    if fmt == "csv":
        sql, params = query(table, as_of=as_of, since=since, status=status)
        sql, params = for_landlord(table, sql, params, audience.landlord_id, audience.on)
        sql, params = for_named(table, sql, params, audience.who, audience.named, audience.on)
        fast = csv_sql(table, sql, include_pnr=include_pnr, plain_money=style.plain_money)
        if fast is not None:
            return (fast, params), _Counted(iter(()))
    rows = iter_rows(
        db,
        name,
        as_of=as_of,
        include_pnr=include_pnr,
        since=since,
        status=status,
        landlord_id=audience.landlord_id,
        today=audience.on,
        recipient=audience.who,
        recipient_name=audience.named,
    )
    return None, _Counted(rows)


def _write_rows(
    rows: _Counted, columns: list[Column], out: IO[Any], *, fmt: str, style: CsvDialect, sheet: str
) -> None:
    """Rows computed in Python, written in ``fmt``."""
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

        write_xlsx(rows, columns, out, sheet=sheet)
    elif fmt == "json":
        write_json(rows, columns, out)
    else:
        write_jsonl(rows, columns, out)


def _write_csv_query(
    db: Database,
    sql: str,
    params: dict[str, Any],
    columns: list[Column],
    out: IO[str],
    counted: _Counted,
    *,
    style: CsvDialect,
) -> None:
    """A CSV export whose cells SQLite computes (``csv_sql``): the rows go from the
    cursor to the csv module in chunks, as they are, but for the few that hold text
    the formula guard looks at; ``counted`` counts them and keeps their case
    references for the disclosure log.

    Which rows need the guard is found a chunk at a time, in C: whether any text cell
    of the chunk (in the columns of ``_guarded_keys``) starts with a character a
    formula starts with, or has a carriage return. Only in a chunk that has one is
    every row looked at, and only the rows found go through the guard
    (``tabular._csv_cell``, as the row-by-row writer does).
    """
    import csv
    from operator import itemgetter

    if style.bom:
        out.write("\ufeff")
    writer = csv.writer(out, delimiter=style.delimiter, lineterminator="\n")
    writer.writerow(data_fields(columns))
    cursor = db.conn.execute(sql, params)
    starts = _FORMULA_START

    def risky(cells: Iterable[Any]) -> bool:
        return any(type(v) is str and (v.startswith(starts) or "\r" in v) for v in cells)

    def guarded(row: tuple[Any, ...]) -> list[Any]:
        return [_csv_cell(v) if type(v) is str else v for v in row]

    try:
        names = [d[0] for d in cursor.description]
        watched = [names.index(key) for key in _guarded_keys(columns) if key in names]
        # A row's cells to look at, as a tuple (itemgetter of one index gives the cell).
        cells = itemgetter(*watched, *watched[:1]) if watched else None
        ref = itemgetter(names.index("ref")) if "ref" in names else None
        while chunk := cursor.fetchmany(_CHUNK):
            # Counted as they leave the database, before they are written (as the rows
            # computed in Python are): a write that fails half-way through a chunk
            # (a closed pipe) may have passed some of its rows on.
            counted.count += len(chunk)
            if ref is not None:
                counted.add_refs(map(ref, chunk))
            if cells is not None and _chunk_may_need_guard(chunk, cells):
                writer.writerows([guarded(r) if risky(cells(r)) else r for r in chunk])
            else:
                writer.writerows(chunk)
    finally:
        cursor.close()


def _chunk_may_need_guard(
    chunk: list[tuple[Any, ...]], cells: Callable[[tuple[Any, ...]], tuple[Any, ...]]
) -> bool:
    """Whether a text cell of ``chunk`` (the cells ``cells`` picks from each row) starts
    with a character a formula starts with or holds a carriage return: a few passes in
    C over the chunk, where a test of each cell in Python would cost more than writing
    it."""
    from itertools import chain
    from operator import itemgetter

    picked = list(filter(None, chain.from_iterable(map(cells, chunk))))
    try:
        return not _FIRST_OF_FORMULA.isdisjoint(map(itemgetter(0), picked)) or (
            "\r" in "".join(picked)
        )
    except TypeError:  # not only text: the rows are looked at one by one
        return True


# The first characters of a cell a spreadsheet may read as a formula (every entry of
# _FORMULA_START is one character, which the chunk test relies on).
_FIRST_OF_FORMULA = frozenset(_FORMULA_START)
assert all(len(c) == 1 for c in _FORMULA_START)


# Rows read from the cursor at a time by the CSV export: memory does not grow with the
# number of rows, and the per-chunk work (the guard's search, the case references) is
# done in C over a chunk at a time.
_CHUNK = 500


def _guarded_keys(columns: Sequence[Column]) -> list[str]:
    """The columns of a CSV export (``csv_sql``) whose text may need the formula guard:
    the text the export writes as it is stored, not the numbers and not the cells the
    export makes itself (personnummer, amounts, true/false)."""
    return [c.key for c in columns if c.kind not in ("int", "money", "pnr", "bool")]


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
