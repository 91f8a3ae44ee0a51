"""What an import of a landlord's list did."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


class RowRefs:
    """The rows behind a count, (line, case reference) pairs in the order added, kept
    as JSON a thousand at a time: a summary of 100 000 rows names every row, and a
    tuple of two objects a row would be most of the import's memory."""

    _CHUNK = 1000

    def __init__(self) -> None:
        self._chunks: list[str] = []
        self._open: list[tuple[int, str]] = []
        self._count = 0

    def append(self, pair: tuple[int, str]) -> None:
        self._open.append(pair)
        self._count += 1
        if len(self._open) >= self._CHUNK:
            self._chunks.append(json.dumps(self._open))
            self._open = []

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[tuple[int, str]]:
        for chunk in self._chunks:
            for line, ref in json.loads(chunk):
                yield int(line), str(ref)
        yield from list(self._open)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RowRefs):
            return list(self) == list(other)
        if isinstance(other, list):
            return list(self) == other
        return NotImplemented

    def __repr__(self) -> str:
        return f"RowRefs({list(self)!r})"


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
