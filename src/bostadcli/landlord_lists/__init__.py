"""Landlords' lists of tenants at risk: ``bostad import notices``.

A landlord's list is whatever their system or Excel wrote: semicolons or commas,
Windows-1252 or UTF-8 with or without a byte-order mark, decimal commas, Swedish
headings in many spellings. Each row becomes a new case with its termination notice,
or a new notice on the open case already known for that person; a row already
recorded changes nothing, so importing the same list twice adds nothing.

All or nothing: the whole file is one transaction, and the first bad row stops it
with the file, line and column named. A dry run does the same work and rolls back.

The parts: ``text`` reads the file (encoding, delimiter, bounded size), ``headings``
maps its columns to fields, ``rows`` parses a row's cells and finds the case it is
about, ``prepare`` checks each row and adds what it writes to the ``plan``, ``importer``
runs the whole file in one transaction.
"""

from bostadcli.landlord_lists.headings import FIELDS, HEADINGS, headings_markdown, normalise_heading
from bostadcli.landlord_lists.importer import import_notices
from bostadcli.landlord_lists.summary import ImportSummary
from bostadcli.landlord_lists.text import DELIMITERS, ENCODINGS, IMPORT_MAX_BYTES, detect_encoding

__all__ = [
    "DELIMITERS",
    "ENCODINGS",
    "FIELDS",
    "HEADINGS",
    "IMPORT_MAX_BYTES",
    "ImportSummary",
    "detect_encoding",
    "headings_markdown",
    "import_notices",
    "normalise_heading",
]
