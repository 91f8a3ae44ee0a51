"""The export log: every export is a disclosure of the cases it carried."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

    from bostadcli.vocab import Recipient


def os_user() -> str:
    # The same login as the audit log names: the process's own, not $USER.
    from bostadcli.audit import os_user as login

    return login()


def record_export(
    db: Database,
    *,
    command: str,
    table_name: str,
    row_count: int,
    include_pnr: bool,
    recipient: Recipient | None = None,
    recipient_name: str | None = None,
    refs: Iterable[str] = (),
    household_ids: Iterable[int] = (),
    ref_batches: Iterable[str] = (),
) -> None:
    """Log an export as a disclosure of the cases it carried (``audit.record_disclosure``)."""
    from bostadcli.audit import record_disclosure

    record_disclosure(
        db,
        what=table_name,
        row_count=row_count,
        include_pnr=include_pnr,
        refs=refs,
        ref_batches=ref_batches,
        household_ids=household_ids,
        recipient=recipient.value if recipient else None,
        recipient_name=recipient_name,
        command=command,
    )
