"""What an import of a landlord's list did."""

from __future__ import annotations

import itertools
import json
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any


class RowRefs:
    """The rows behind a count, (line, case reference) pairs in the order added: a
    summary of 100 000 rows names every row. Kept as JSON a thousand at a time, and
    past a few thousand in a temporary file, so that memory does not grow with the
    list."""

    _CHUNK = 1000
    # Chunks kept in memory before they go to the temporary file.
    _KEEP = 4

    def __init__(self) -> None:
        self._chunks: list[str] = []
        self._spilled: IO[str] | None = None
        self._open: list[tuple[int, str]] = []
        self._count = 0

    def append(self, pair: tuple[int, str]) -> None:
        self._open.append(pair)
        self._count += 1
        if len(self._open) < self._CHUNK:
            return
        self._chunks.append(json.dumps(self._open))
        self._open = []
        if len(self._chunks) > self._KEEP:
            if self._spilled is None:
                # Closed (and gone) with the summary.
                self._spilled = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
            self._spilled.seek(0, 2)
            self._spilled.writelines(chunk + "\n" for chunk in self._chunks)
            self._chunks = []

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[tuple[int, str]]:
        chunks: Iterable[str] = list(self._chunks)
        if self._spilled is not None:
            self._spilled.seek(0)
            chunks = itertools.chain(self._spilled, chunks)
        opened = list(self._open)
        for chunk in chunks:
            for line, ref in json.loads(chunk):
                yield int(line), str(ref)
        yield from opened

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RowRefs):
            return list(self) == list(other)
        if isinstance(other, list):
            return list(self) == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RowRefs({list(self)!r})"


# Rows one after the other that made cases numbered one after the other are named as
# one stretch from this many on ("lines 2–10001: 2026-0001–2026-10000").
RUN_MIN = 3


def _follows(ref: str, previous: str) -> bool:
    """Whether ``ref`` is the case number after ``previous`` (2026-0041, 2026-0042)."""
    head, _sep, number = previous.rpartition("-")
    if not head or not number.isdigit() or not number.isascii():
        return False
    return ref == f"{head}-{int(number) + 1:0{len(number)}d}"


def runs(pairs: Iterable[tuple[int, str]]) -> Iterator[tuple[int, int, str, str]]:
    """The (line, reference) pairs in their order as stretches: (first line, last line,
    first reference, last reference), each line one after the other and each reference
    the number after the one before; a pair alone is a stretch of one. Nothing is left
    out: every line and reference of a stretch follows from its ends."""
    start: tuple[int, str] | None = None
    last: tuple[int, str] | None = None
    for line, ref in pairs:
        if start is not None and last is not None:
            if line == last[0] + 1 and _follows(ref, last[1]):
                last = (line, ref)
                continue
            yield start[0], last[0], start[1], last[1]
        start = last = (line, ref)
    if start is not None and last is not None:
        yield start[0], last[0], start[1], last[1]


@dataclass
class ImportSummary:
    """What an import did (or, in a dry run, would do)."""

    source: str
    encoding: str = ""
    delimiter: str = ""
    dry_run: bool = False
    rows: int = 0
    new_households: int = 0
    notices_on_known: int = 0
    unchanged: int = 0
    blank_rows: int = 0
    children_without_birth_dates: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    new_landlords: list[str] = field(default_factory=list)
    first_ref: str | None = None
    last_ref: str | None = None
    # The rows behind each count: (line, case reference).
    new_household_rows: RowRefs = field(default_factory=RowRefs)
    known_rows: RowRefs = field(default_factory=RowRefs)
    unchanged_rows: RowRefs = field(default_factory=RowRefs)
    blank_lines: list[int] = field(default_factory=list)
    children_lines: list[int] = field(default_factory=list)
    # Rows for a person whose case closed lately: line, the closed case, the day it
    # closed, and the new case opened for the row.
    recently_closed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def new_notices(self) -> int:
        return self.new_households + self.notices_on_known
