"""What an import of a landlord's list did."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
    new_household_rows: list[tuple[int, str]] = field(default_factory=list)
    known_rows: list[tuple[int, str]] = field(default_factory=list)
    unchanged_rows: list[tuple[int, str]] = field(default_factory=list)
    blank_lines: list[int] = field(default_factory=list)
    children_lines: list[int] = field(default_factory=list)
    # Rows for a person whose case closed lately: line, the closed case, the day it
    # closed, and the new case opened for the row.
    recently_closed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def new_notices(self) -> int:
        return self.new_households + self.notices_on_known
