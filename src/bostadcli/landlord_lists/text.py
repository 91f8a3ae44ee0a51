"""A landlord's list as text: its size bounded, its encoding and delimiter found, its
records with the line each starts on."""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from typing import IO

from bostadcli.errors import InvalidInput
from bostadcli.i18n import _

# A landlord's list of 100 000 tenants is some 20 MB; a file far beyond that is a
# mistake (a disk image, /dev/zero through a pipe), refused before it fills the disk.
IMPORT_MAX_BYTES = 500_000_000

ENCODINGS = ("auto", "utf-8", "cp1252")
DELIMITERS = ("auto", ";", ",", "\t")


def is_seekable(raw: IO[bytes]) -> bool:
    try:
        return bool(raw.seekable())
    except (AttributeError, ValueError):
        return False


def is_utf8(raw: IO[bytes]) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := raw.read(1 << 20):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        raw.seek(0)
    return True


def detect_encoding(raw: IO[bytes], encoding: str = "auto") -> str:
    """auto: a BOM means UTF-8; a file that is valid UTF-8 is UTF-8; else Windows-1252."""
    if encoding not in ENCODINGS:
        raise InvalidInput(
            "--encoding",
            encoding,
            _("must be one of: {allowed}").format(allowed="auto, utf-8, cp1252"),
        )
    if encoding == "cp1252":
        return "cp1252"
    if encoding == "utf-8":
        return "utf-8-sig"  # tolerates a BOM, and does not need one
    head = raw.read(3)
    raw.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    return "utf-8" if is_utf8(raw) else "cp1252"


def sniff_delimiter(header_line: str) -> str:
    # Headings rarely contain separators, while data has decimal commas: decide on the
    # heading row alone.
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_records(
    text: IO[str], delimiter: str, first_line: int, source: str
) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the physical line each starts on (quoted fields may span lines)."""
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    start = first_line
    try:
        for record in reader:
            yield start, record
            start = first_line + reader.line_num
    except csv.Error as exc:
        where = _("{file}, line {line}").format(file=source, line=start)
        err = InvalidInput("CSV", "", csv_problem(exc))
        err.message = f"{where}: {err.reason}"
        raise err from None


def csv_problem(exc: csv.Error) -> str:
    """The csv module's English reason in the user's words, with what usually caused it."""
    text = str(exc)
    limit = re.search(r"field larger than field limit \((\d+)\)", text)
    if limit:
        return _(
            "a field is longer than {limit} characters (is a quotation mark left open?)"
        ).format(limit=limit.group(1))
    if "expected after" in text:
        return _(
            "a quotation mark ends a field in the middle; write a quotation mark inside"
            ' a field twice ("")'
        )
    if "unexpected end of data" in text:
        return _("the file ends inside a quoted field (a quotation mark is not closed)")
    if "NUL" in text:
        return _("the line contains a NUL character; the file is not plain text")
    if "new-line character" in text:
        return _("a line break inside a field that is not in quotation marks")
    return _("the line cannot be read as CSV ({error})").format(error=text)


def decode_error(raw: IO[bytes], source: str, encoding: str) -> InvalidInput:
    """The first line of ``raw`` that is not text in ``encoding``, named with its byte."""
    shown = "utf-8" if encoding.startswith("utf-8") else encoding
    hint = (
        _("a file saved by Excel on Windows is usually --encoding cp1252")
        if shown == "utf-8"
        else _("the file is neither UTF-8 nor Windows-1252 text")
    )
    raw.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    # A line break byte is never part of a multi-byte character in either encoding.
    for line, data in enumerate(iter(raw.readline, b""), start=1):
        try:
            decoder.decode(data, final=not data.endswith(b"\n"))
        except UnicodeDecodeError as exc:
            reason = _("byte 0x{byte:02x} at position {column} is not {encoding} text; {hint}")
            return InvalidInput(
                "--encoding",
                shown,
                reason.format(
                    byte=data[exc.start], column=exc.start + 1, encoding=shown, hint=hint
                ),
            ).located(_("{file}, line {line}").format(file=source, line=line))
    return InvalidInput(
        "--encoding", shown, _("{file} cannot be read as this encoding").format(file=source)
    )
