"""Dates typed by people and dates shown to them.

The command line takes ISO dates only, so a date means the same thing to everyone;
imported spreadsheets get a more forgiving parser (``parse_swedish_date``).
"""

from __future__ import annotations

import re
from datetime import date

from bostadcli.errors import InvalidInput
from bostadcli.i18n import _, current_language
from bostadcli.rules import CHILD_AGE_LIMIT, WRITE_AS_OF_DAYS_AHEAD, WRITE_AS_OF_YEARS_BACK

# A typo guard: a year outside this range is a slip of the keyboard, not a case date.
MIN_YEAR = 1900
MAX_YEAR = 2200

DATE_STYLES = ("long", "short", "month", "iso")

_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_ISO_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_COMPACT_DATE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_DAY_FIRST_DATE = re.compile(r"([0-9]{1,2})([/.])([0-9]{1,2})\2([0-9]{4})")

_BABEL_FORMATS = {"long": "d MMMM y", "short": "EEE d MMM", "month": "LLLL y"}

# The month names of the two interface locales, as Babel's CLDR data has them (formatted
# and stand-alone alike): "long" and "month" dates without loading Babel's locale data,
# which a command that prints one date in passing would otherwise pay for. A test holds
# them to Babel's output.
_MONTHS = {
    "sv_SE": [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ],
    "en_GB": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}
# The short weekday (Monday first) and month names of "short" dates, as Babel's CLDR
# data has them for the two locales: a screen that names a thousand days needs no
# locale data either. The same test holds them to Babel's output.
_SHORT_NAMES = {
    "sv_SE": (
        ["mån", "tis", "ons", "tors", "fre", "lör", "sön"],
        [
            "jan.",
            "feb.",
            "mars",
            "apr.",
            "maj",
            "juni",
            "juli",
            "aug.",
            "sep.",
            "okt.",
            "nov.",
            "dec.",
        ],
    ),
    "en_GB": (
        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec"],
    ),
}


def _build(text: str, field: str, year: int, month: int, day: int) -> date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput(
            field,
            text,
            _("year must be between {low} and {high}").format(low=MIN_YEAR, high=MAX_YEAR),
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput(field, text, _("no such date")) from None


def real_today() -> date:
    """The real date on this machine: the day a document is made or a record is written.

    ``--as-of`` replays what a case looked like on a day; whether personal data may leave
    (consent) and whether a case may be deleted (retention) are judged on this date.
    """
    return date.today()


def record_day_window(today: date | None = None) -> tuple[date, date]:
    """The first and last day a command that writes may date its records by (its
    ``--as-of``), on the real date ``today`` (default: this machine's):
    ``rules.WRITE_AS_OF_YEARS_BACK`` years before it to ``rules.WRITE_AS_OF_DAYS_AHEAD``
    days after it."""
    from datetime import timedelta

    real = real_today() if today is None else today
    back = real.year - WRITE_AS_OF_YEARS_BACK
    # 29 February has no day of its own in most years: the day before counts.
    first = (
        real.replace(year=back, day=28)
        if (real.month, real.day) == (2, 29)
        else real.replace(year=back)
    )
    return first, real + timedelta(days=WRITE_AS_OF_DAYS_AHEAD)


def check_record_day(day: date, *, field: str = "--as-of") -> date:
    """``day`` when a command that writes may date its records by it (``--as-of``) on
    the real date: in ``record_day_window``, days ahead included (a letter made ahead, a
    booked contact); otherwise an ``InvalidInput`` naming the option, the day and the
    days allowed. The day something happened is checked by ``check_fact_day``.
    Reading (a listing, a report, a dry run) takes any day and never asks this."""
    first, last = record_day_window()
    return _in_window(day, field, first, last)


def latest_fact_day() -> date:
    """The last day a fact a command records can have happened on: the real date.
    (The test suite lifts it, as it lifts ``record_day_window``.)"""
    return real_today()


def check_fact_day(day: date, *, field: str = "--as-of") -> date:
    """``day`` when a command that writes may record it as the day something happened
    (a contact held, a payment made, a case opened or closed, a consent given, a notice
    served…): in ``record_day_window`` and not after today, since what has not happened
    cannot be recorded (a letter, a booked contact, a deadline or a planned end may be
    ahead: ``check_record_day``). Otherwise an ``InvalidInput`` that names the option,
    the day and today (or the days allowed)."""
    check_happened(day, field=field)
    first, last = record_day_window()
    return _in_window(day, field, first, min(last, latest_fact_day()))


def check_happened(day: date, *, field: str) -> date:
    """``day`` when it is not after today (``latest_fact_day``), as the day something
    happened must not be, however long ago (a landlord's agreement signed years back);
    otherwise an ``InvalidInput`` naming the option, the day and today."""
    today = latest_fact_day()
    if day > today:
        reason = (
            _(
                "is after today ({today}): a command that records what has happened is dated"
                " today or earlier (a listing, a report or --dry-run accepts any date)"
            )
            if field == "--as-of"
            else _("is after today ({today}): give the day it happened, today or earlier")
        )
        raise InvalidInput(field, day.isoformat(), reason.format(today=today.isoformat()))
    return day


def check_not_after_as_of(day: date, as_of: date, *, field: str) -> date:
    """``day`` when it is not after ``as_of``, the day a command dates its records by;
    otherwise an ``InvalidInput`` that says which of the two it is after: the real date
    ("in the future"), or only a back-dated ``--as-of``, which it names with its day."""
    if day <= as_of:
        return day
    if as_of < real_today() and day <= real_today():
        reason = _("is after --as-of ({day})").format(day=as_of.isoformat())
    else:
        reason = _("is in the future")
    raise InvalidInput(field, day.isoformat(), reason)


def _in_window(day: date, field: str, first: date, last: date) -> date:
    if not first <= day <= last:
        reason = (
            _(
                "a command that writes accepts a date from {first} to {last}"
                " (a listing, a report or --dry-run accepts any date)"
            )
            if field == "--as-of"
            else _("the day of what is recorded must be from {first} to {last}")
        )
        raise InvalidInput(
            field, day.isoformat(), reason.format(first=first.isoformat(), last=last.isoformat())
        )
    return day


def letter_days() -> tuple[date, date]:
    """The first and last day a recorded letter may be dated by: the real date, both. A
    letter is dated and posted on the day it is made, and whether it reaches the family
    before its deadline is counted from that day (``letters.late``). Dated on a day gone
    by, it would be judged by a post that has gone; dated ahead, a run would decide on a
    day that has not come what cannot be undone (a first letter used up, a letter
    recorded as not sent), and a letter to a landlord would be judged by a consent on a
    day it may no longer hold."""
    today = real_today()
    return today, today


def check_letter_day(day: date, *, run: bool) -> date:
    """``day`` when a letter that is recorded may be dated by it (``--as-of`` of ``letter
    render`` or, ``run``, of a daily or monthly run): one of ``letter_days``. A preview,
    ``--no-record`` and ``--dry-run`` take any day and never ask this."""
    first, last = letter_days()
    if not first <= day <= last:
        reason = (
            _(
                "a run that records letters dates them by the day it runs, today ({today}):"
                " leave out --as-of (--dry-run shows what any day would make)"
            )
            if run
            else _(
                "a recorded letter is dated the day it is made, today ({today}): leave out"
                " --as-of (a preview, --out -, or a letter not recorded, --no-record, takes"
                " any date)"
            )
        )
        raise InvalidInput(
            "--as-of", day.isoformat(), reason.format(today=real_today().isoformat())
        )
    return day


def parse_date(text: str, *, field: str = "date") -> date:
    """Parse a strict ISO date, ``YYYY-MM-DD``."""
    match = _ISO_DATE.fullmatch(text.strip())
    if match is None:
        raise InvalidInput(field, text, _("expected YYYY-MM-DD"))
    year, month, day = (int(g) for g in match.groups())
    return _build(text, field, year, month, day)


def parse_month(text: str, *, field: str = "month") -> date:
    """Parse ``YYYY-MM`` and return the first day of that month."""
    match = _ISO_MONTH.fullmatch(text.strip())
    if match is None:
        raise InvalidInput(field, text, _("expected YYYY-MM"))
    year, month = (int(g) for g in match.groups())
    if not 1 <= month <= 12:
        raise InvalidInput(field, text, _("no such month"))
    return _build(text, field, year, month, 1)


def parse_swedish_date(text: str, *, field: str = "date") -> date:
    """Parse a date from an imported spreadsheet.

    Accepted: ISO ``2026-03-05``, compact ``20260305``, and day first with slashes or
    points, ``5/3/2026`` or ``05.03.2026``, as Swedish Excel writes dates. Day first is
    never guessed from the numbers: ``3/5/2026`` is 3 May, not 5 March.
    """
    s = text.strip()
    for pattern in (_ISO_DATE, _COMPACT_DATE):
        match = pattern.fullmatch(s)
        if match is not None:
            year, month, day = (int(g) for g in match.groups())
            return _build(text, field, year, month, day)
    match = _DAY_FIRST_DATE.fullmatch(s)
    if match is not None:
        day_text, _sep, month_text, year_text = match.groups()
        return _build(text, field, int(year_text), int(month_text), int(day_text))
    raise InvalidInput(field, text, _("expected YYYY-MM-DD, YYYYMMDD or D/M/YYYY"))


def age_on(birth: date, on: date) -> int:
    """Age in whole years on ``on``; someone born on 29 February turns a year older
    on 1 March in other years."""
    if on < birth:
        raise ValueError("age_on: the date is before the birth date")
    # Tuple comparison puts (2, 28) before (2, 29) and (3, 1) after it, which gives
    # the 1 March rule for leap-day births without a special case.
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def is_child(birth: date, on: date) -> bool:
    """Under the age limit on ``on`` (rules.CHILD_AGE_LIMIT)."""
    return age_on(birth, on) < CHILD_AGE_LIMIT


def format_date(d: date, style: str = "long", locale: str | None = None) -> str:
    """Format ``d`` for people: ``21 november 2026`` (long), ``lör 26 dec.`` (short),
    ``november 2026`` (month) or ``2026-11-21`` (iso).

    Without ``locale``, the interface language decides (English → en_GB, otherwise
    sv_SE). Letters pass ``locale="sv_SE"`` since they always go out in Swedish.
    """
    if style == "iso":
        return d.isoformat()
    if style not in _BABEL_FORMATS:
        raise ValueError(f"unknown date style {style!r}; expected one of {DATE_STYLES}")
    if locale is None:
        locale = "en_GB" if current_language() == "en" else "sv_SE"
    months = _MONTHS.get(locale)
    if months is not None and style == "long":
        return f"{d.day} {months[d.month - 1]} {d.year}"
    if months is not None and style == "month":
        return f"{months[d.month - 1]} {d.year}"
    short = _SHORT_NAMES.get(locale)
    if short is not None and style == "short":
        return f"{short[0][d.weekday()]} {d.day} {short[1][d.month - 1]}"
    from babel.dates import format_date as babel_format_date

    return str(babel_format_date(d, format=_BABEL_FORMATS[style], locale=locale))


def add_months(d: date, n: int) -> date:
    """``d`` moved by ``n`` calendar months; the 31st becomes the month's last day."""
    from dateutil.relativedelta import relativedelta

    result: date = d + relativedelta(months=n)
    return result
