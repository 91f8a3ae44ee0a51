"""Exports: every table as a stream of rows (``bostad export TABLE``).

The parts: ``registry`` declares what an export table is and how its rows travel in a
household document; ``tables`` and ``plan_tables`` hold the tables themselves (loaded
here, in the order of the commands); ``stream`` writes a table's rows as CSV, JSON,
JSON Lines or an xlsx workbook (``derived_sql``: the derived fields its CSV computes in
SQL); ``consent`` judges an export for someone outside social services; ``log``
records every export as a disclosure. The household document itself
(``bostad export household``) is ``bostadcli.casemove``.

The names below are the package's public face, for the CLI and the other modules.
"""

# Loading the tables registers them: plan_tables imports tables first, so TABLES (and
# the commands, the schema and a document's parts) keep the order of the entries.
from bostadcli.export import plan_tables, tables
from bostadcli.export.consent import cases_without_consent, recipient_choice, recipient_landlord
from bostadcli.export.log import record_export
from bostadcli.export.registry import (
    DOCUMENT_FORMAT,
    DOCUMENT_VERSION,
    TABLES,
    ExportTable,
    Part,
    col,
    document_parts,
    get_table,
    register,
    schema_markdown,
)
from bostadcli.export.stream import (
    CSV_DELIMITERS,
    FILE_FORMATS,
    FORMATS,
    export_table,
    iter_rows,
    show_pnr,
    write_rows_csv,
)

__all__ = [
    "CSV_DELIMITERS",
    "DOCUMENT_FORMAT",
    "DOCUMENT_VERSION",
    "FILE_FORMATS",
    "FORMATS",
    "TABLES",
    "ExportTable",
    "Part",
    "cases_without_consent",
    "col",
    "document_parts",
    "export_table",
    "get_table",
    "iter_rows",
    "plan_tables",
    "recipient_choice",
    "recipient_landlord",
    "record_export",
    "register",
    "schema_markdown",
    "show_pnr",
    "tables",
    "write_rows_csv",
]
