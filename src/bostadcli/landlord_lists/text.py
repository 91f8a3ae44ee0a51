"""A landlord's list as text: its size bounded, its encoding and delimiter found, its
records with the line each starts on."""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from typing import IO

from bostadcli.errors import BostadError, InvalidInput
from bostadcli.i18n import _, ngettext

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


def detect_encoding(raw: IO[bytes], encoding: str = "auto", source: str = "-") -> str:
    """auto: a BOM means UTF-8; a file that is valid UTF-8 is UTF-8; else Windows-1252."""
    if encoding not in ENCODINGS:
        raise InvalidInput(
            "--encoding",
            encoding,
            _("must be one of: {allowed}").format(allowed="auto, utf-8, cp1252"),
        )
    head = raw.read(4)
    raw.seek(0)
    refuse_binary(head, source)
    if encoding == "cp1252":
        return "cp1252"
    if encoding == "utf-8":
        return "utf-8-sig"  # tolerates a BOM, and does not need one
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    return "utf-8" if is_utf8(raw) else "cp1252"


# What a file that is no CSV text starts with: a workbook (.xlsx is a zip file, .xls an
# OLE2 compound file), or UTF-16 text (with its byte-order mark).
_WORKBOOK = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
_UTF16 = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def refuse_binary(head: bytes, source: str) -> None:
    """Refuse a workbook or UTF-16 text by its first bytes, saying how to save it."""
    if head.startswith(_WORKBOOK):
        reason = _("this is an Excel workbook: save it as CSV UTF-8 (in Excel: Save As)")
    elif head.startswith(_UTF16) or (
        # UTF-16 without a byte-order mark: every other byte of Latin text is zero.
        len(head) == 4 and (head[1] == head[3] == 0 or head[0] == head[2] == 0) and any(head)
    ):
        reason = _("this is UTF-16 text: save it as CSV UTF-8 (in Excel: Save As)")
    else:
        return
    raise BostadError(f"{source}: {reason}")


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


def heading_width(header: list[str]) -> int:
    """The fields a row must have: up to the last heading that is not empty."""
    width = len(header)
    while width and not header[width - 1].strip():
        width -= 1
    return width


def checked_widths(
    records: Iterator[tuple[int, list[str]]], width: int, source: str
) -> Iterator[tuple[int, list[str]]]:
    """The records after the heading row; a row with fewer fields than the heading (a
    file cut off, a separator missing) or with something in fields beyond it is refused,
    so that no value is read from another column. A blank row passes (it is skipped)."""
    for line, record in records:
        size = len(record)
        if size != width and (
            any(cell.strip() for cell in record[width:])
            if size > width
            else "".join(record).strip()
        ):
            where = _("{file}, line {line}").format(file=source, line=line)
            reason = ngettext(
                "{n} field, the heading has {width}",
                "{n} fields, the heading has {width}",
                size,
            ).format(n=size, width=width)
            err = InvalidInput("CSV", "", reason)
            err.message = f"{where}: {reason}"
            raise err
        yield line, record


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
