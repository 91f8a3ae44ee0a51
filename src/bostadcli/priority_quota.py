"""The yearly quota of priority allocations per housing company (``Config.priority_quota``):
how many were granted in a year, against the quota, and the warning when it is used up.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.dates import MAX_YEAR, MIN_YEAR
from bostadcli.db import rows
from bostadcli.i18n import _
from bostadcli.landlords import find_landlord

if TYPE_CHECKING:
    from sqlite_utils import Database


def quota_warnings(db: Database, company: str, year: int, quota: Mapping[str, int]) -> list[str]:
    usage = {validate.name_key(row["company"]): row for row in quota_usage(db, year, quota=quota)}
    row = usage[validate.name_key(company)]
    if row["quota"] is None:
        return [
            _(
                "no priority quota for {company} in the config ([priority_quota]);"
                " {used} allocated in {year}"
            ).format(company=company, used=row["used"], year=year)
        ]
    if row["used"] > row["quota"]:
        return [
            _(
                "{company}'s priority quota for {year} is exceeded: {used} allocated,"
                " quota {quota}; recorded anyway"
            ).format(company=company, year=year, used=row["used"], quota=row["quota"])
        ]
    return []


def quota_usage(
    db: Database, year: int, *, quota: Mapping[str, int] | None = None
) -> list[dict[str, Any]]:
    """Priority allocations granted in ``year`` per housing company, against the quota.

    An allocation withdrawn before it began (the family declined) uses no place.
    One row per company that has a quota in the config or an allocation in the year:
    ``company``, ``quota`` (None when the config has none), ``used``, ``left`` (None
    without a quota; negative when exceeded). Company names match as landlord names do
    (``landlords.find_landlord``: case and Å/Ä/Ö folded).
    """
    validate.whole_number(year, field="year", low=MIN_YEAR, high=MAX_YEAR)
    from bostadcli.support_rules import WITHDRAWN

    counted = rows(
        db,
        f"""
        SELECT l.name AS company, count(*) AS used
        FROM live_supports s JOIN landlords l ON l.id = s.landlord_id
        WHERE s.kind = 'priority_allocation' AND substr(s.granted_on, 1, 4) = ?
            AND NOT {WITHDRAWN}
        GROUP BY l.id
        """,
        [f"{year:04d}"],
    )
    by_name: dict[str, dict[str, Any]] = {}
    for name, allowed in (quota or {}).items():
        landlord = find_landlord(db, name)
        company = landlord["name"] if landlord else name
        by_name[validate.name_key(company)] = {
            "company": company,
            "quota": int(allowed),
            "used": 0,
        }
    for row in counted:
        entry = by_name.setdefault(
            validate.name_key(row["company"]),
            {"company": row["company"], "quota": None, "used": 0},
        )
        entry["used"] = int(row["used"])
    result = sorted(by_name.values(), key=lambda r: r["company"].casefold())
    for row in result:
        row["year"] = year
        row["left"] = None if row["quota"] is None else row["quota"] - row["used"]
    return result
