"""Swedish working days (vardagar), for deadlines and due dates.

A working day is not a Saturday, Sunday or public holiday (lag 1989:253), and not
midsommarafton, julafton or nyårsafton; see ``rules.HOLIDAY_CATEGORIES``.
"""

from __future__ import annotations

import functools
import json
import os
import stat
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from types import MappingProxyType

from bostadcli.i18n import _
from bostadcli.rules import (
    EVICTION_DECISION_WORKING_DAYS,
    HOLIDAY_CATEGORIES,
    RECOVERY_PERIOD_DAYS,
)

_SATURDAY = 5
_SUNDAY = 6
_ONE_DAY = timedelta(days=1)


@functools.lru_cache(maxsize=64)
def _holidays(year: int) -> Mapping[date, str]:
    table = _cached_holidays(year)
    if table is None:
        import holidays

        calendar = holidays.country_holidays(
            "SE", years=year, categories=HOLIDAY_CATEGORIES, language="sv"
        )
        table = dict(calendar)
        _store_holidays(year, table)
    # A read-only copy: the cached value is shared by every caller.
    return MappingProxyType(table)


# The holidays library builds every country's calendar class when it is imported, which
# costs more than the rest of a command's start. A year's Swedish holidays are kept in
# the user's cache folder, keyed by the installed library's files, so that a new release
# of it (a corrected holiday) is read afresh; any fault with the cache means asking the
# library again, never a wrong day. A cache file someone else could have written (not the
# user's own, or writable by the group or others) counts as a fault.
_CACHE_FORMAT = 1


def _cache_file(year: int) -> Path | None:
    import importlib.util
    import zlib

    try:
        spec = importlib.util.find_spec("holidays")
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None:
        return None
    package = Path(spec.origin).parent
    key = [str(_CACHE_FORMAT), str(package), repr(HOLIDAY_CATEGORIES), "sv"]
    for part in ("__init__.py", "version.py", "countries/sweden.py"):
        try:
            st = (package / part).stat()
        except OSError:
            return None
        key.append(f"{part}:{st.st_size}:{st.st_mtime_ns}")
    # A cache key, not a secret: two checksums (64 bits) need no OpenSSL loaded at start.
    data = "\n".join(key).encode()
    digest = f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"
    return _cache_folder() / f"holidays-SE-{year}-{digest}.json"


def _cache_folder() -> Path:
    """The user's cache folder for the program (``platformdirs.user_cache_path``). On
    Linux platformdirs' rule, $XDG_CACHE_HOME when absolute, else ~/.cache, without
    loading platformdirs (with what it loads, several milliseconds of a short command's
    start, for one path)."""
    import sys

    if sys.platform == "linux" and not hasattr(sys, "getandroidapilevel"):
        for base, below in (
            (os.environ.get("XDG_CACHE_HOME", ""), ()),
            (os.environ.get("HOME", ""), (".cache",)),
        ):
            if os.path.isabs(base):
                return Path(base, *below, "bostadcli")
    import platformdirs

    return platformdirs.user_cache_path("bostadcli", appauthor=False)


def _cached_holidays(year: int) -> dict[date, str] | None:
    path = _cache_file(year)
    if path is None:
        return None
    try:
        # Never through a symbolic link: the file itself must be the user's.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with open(fd, encoding="utf-8") as fh:
            if not _trusted(os.fstat(fh.fileno())):
                return None
            data = json.load(fh)
        if not isinstance(data, dict) or data.get("year") != year:
            return None
        days = data["holidays"]
        table = {date.fromisoformat(day): name for day, name in days.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if not all(d.year == year and isinstance(n, str) and n for d, n in table.items()):
        return None
    return table


def _trusted(st: os.stat_result) -> bool:
    """A cache file only its user could have written: theirs, an ordinary file, and
    writable by no one else (a file a colleague could edit would move deadlines)."""
    return (
        stat.S_ISREG(st.st_mode)
        and st.st_uid == os.getuid()
        and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


def _store_holidays(year: int, table: Mapping[date, str]) -> None:
    path = _cache_file(year)
    if path is None:
        return
    from bostadcli.errors import BostadError
    from bostadcli.files import write_private_file

    data = {"year": year, "holidays": {d.isoformat(): n for d, n in sorted(table.items())}}
    try:
        write_private_file(
            path,
            json.dumps(data, ensure_ascii=False),
            field="holiday cache",
            force=True,
            make_folder=True,
        )
    except (BostadError, OSError):
        # A read-only or full cache folder only costs the next command the library.
        return


def non_working_reason(d: date) -> str | None:
    """Why ``d`` is not a working day: the holiday's Swedish name, or the weekday."""
    name = _holidays(d.year).get(d)
    if name is not None:
        return name
    if d.weekday() == _SATURDAY:
        return _("Saturday")
    if d.weekday() == _SUNDAY:
        return _("Sunday")
    return None


def is_working_day(d: date) -> bool:
    return non_working_reason(d) is None


def next_working_day(d: date) -> date:
    """``d`` itself if it is a working day, else the first working day after it."""
    while not is_working_day(d):
        d += _ONE_DAY
    return d


def previous_working_day(d: date) -> date:
    """``d`` itself if it is a working day, else the last working day before it."""
    while not is_working_day(d):
        d -= _ONE_DAY
    return d


def last_working_day_before(d: date) -> date:
    """The last working day strictly before ``d``.

    With ``d`` the first of a month, this is the default rent due date for that month
    (jordabalken 12 kap. 20 §).
    """
    return previous_working_day(d - _ONE_DAY)


def statutory_deadline(start: date, days: int) -> date:
    """``start`` plus ``days``, moved to the next working day (lag 1930:173)."""
    return next_working_day(start + timedelta(days=days))


def recovery_deadline(served_on: date | None, notified_on: date | None) -> date | None:
    """Last day to pay and keep the lease after termination for unpaid rent.

    Three weeks from the later of the day the tenant was served and the day social
    services was notified of the termination (jordabalken 12 kap. 44 § 1 st), moved to
    the next working day (lag 1930:173). None while either date is missing: the period
    has not started. This is the one computation of the deadline; ``notices`` stores
    its result in ``notices.recovery_deadline``, which everything else reads.
    """
    if served_on is None or notified_on is None:
        return None
    return statutory_deadline(max(served_on, notified_on), RECOVERY_PERIOD_DAYS)


def earliest_eviction_decision(deadline: date) -> date:
    """The first day a decision to evict for the unpaid rent may be given.

    Not until two more working days have passed after the recovery period ran out
    (jordabalken 12 kap. 44 § 2 st): the working day after the second working day that
    follows ``deadline``.
    """
    day = deadline
    passed = 0
    while passed < EVICTION_DECISION_WORKING_DAYS:
        day += _ONE_DAY
        passed += is_working_day(day)
    return next_working_day(day + _ONE_DAY)


def add_working_days(d: date, n: int) -> date:
    """The ``n``-th working day after ``d`` (``d`` itself when ``n`` is 0): the day a
    letter posted on ``d`` arrives, with ``n`` the post's working days (rules 14)."""
    if n < 0:
        raise ValueError("add_working_days: n must not be negative")
    while n > 0:
        d += _ONE_DAY
        if is_working_day(d):
            n -= 1
    return d
