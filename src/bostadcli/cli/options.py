"""Options shared by several commands, as Annotated aliases."""

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, Literal, overload

import typer

from bostadcli.cli.output import Format
from bostadcli.dates import MAX_YEAR, MIN_YEAR
from bostadcli.i18n import _
from bostadcli.vocab import IdentityLevel

if TYPE_CHECKING:
    from datetime import date

    from sqlite_utils import Database


def standard_output_dash(value: Path | None) -> Path | None:
    """``--out -`` is standard output, as if ``--out`` were not given: never a file
    named ``-`` in the current folder (a full path still writes one)."""
    if value is not None and value.parts == ("-",):
        return None
    return value


def out_option(help: str) -> Any:
    """The ``--out FILE|-`` option (``-o``) in its one form, with the command's own help:
    ``OutOpt = Annotated[Path | None, out_option(_("Write to ..."))]``. ``-`` and no
    ``--out`` both mean standard output; ``out_target`` opens what it names."""
    return typer.Option(
        "--out",
        "-o",
        metavar=_("FILE|-"),
        help=help,
        show_default=False,
        callback=standard_output_dash,
    )


@overload
def out_target(
    path: Path | None,
    *,
    force: bool,
    protect: Sequence[Path] = ...,
    utf8_stdout: bool = ...,
    binary: Literal[False] = ...,
) -> AbstractContextManager[IO[str]]: ...


@overload
def out_target(
    path: Path | None,
    *,
    force: bool,
    protect: Sequence[Path] = ...,
    utf8_stdout: bool = ...,
    binary: bool,
) -> AbstractContextManager[IO[Any]]: ...


def out_target(
    path: Path | None,
    *,
    force: bool,
    protect: Sequence[Path] = (),
    utf8_stdout: bool = False,
    binary: bool = False,
) -> AbstractContextManager[IO[Any]]:
    """What ``--out`` names, open for writing text: standard output, or a new owner-only
    file that appears whole or not at all (``files.private_output``), refused when it
    exists without ``--force`` or is one of the ``protect``ed files (the database's).
    ``utf8_stdout`` switches standard output to UTF-8 first, for data that must be.
    ``binary`` opens the file for bytes (standard output stays the text stream: a
    writer of bytes refuses it)."""
    return _out_target(path, force=force, protect=protect, utf8_stdout=utf8_stdout, binary=binary)


@contextmanager
def _out_target(
    path: Path | None, *, force: bool, protect: Sequence[Path], utf8_stdout: bool, binary: bool
) -> Iterator[IO[Any]]:
    if path is None:
        if utf8_stdout and (sys.stdout.encoding or "").lower().replace("-", "") != "utf8":
            reconfigure = getattr(sys.stdout, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(encoding="utf-8")
        yield sys.stdout
        return
    from bostadcli.files import private_output

    if binary:
        with private_output(path, field="--out", force=force, protect=protect, binary=True) as raw:
            yield raw
        return
    with private_output(path, field="--out", force=force, protect=protect) as fh:
        yield fh


FormatOpt = Annotated[
    Format,
    typer.Option(
        "--format", "-f", help=_("Output: table for a terminal, csv/json/jsonl for pipes.")
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar=_("YYYY-MM-DD"),
        help=_("Treat this date as today."),
        show_default=False,
    ),
]
# The letter commands: a recorded letter is dated the real date (dates.check_letter_day).
LetterAsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar=_("YYYY-MM-DD"),
        help=_(
            "Treat this date as today: only to look (--dry-run, a preview); a letter"
            " that is recorded is dated the day it is made."
        ),
        show_default=False,
    ),
]


def write_as_of(
    value: str | None, *, writes: bool = True, happened: bool = True, letters: str = ""
) -> "date":
    """``--as-of`` on a command that writes: the day it dates its records by (default
    today), refused in one line when it is not a day such a record can have on the real
    date. ``happened`` (the default): the day of what the command records, a contact, a
    payment, a case opened, a list that reached the unit, which cannot be after the real
    date (``dates.check_fact_day``); ``happened=False`` for what may be made or booked
    ahead, a letter or a booked contact (``dates.check_record_day``, the days ahead in
    rules.WRITE_AS_OF_DAYS_AHEAD). ``writes=False`` (a dry run, a letter not recorded)
    takes any day, as a listing does. ``letters``: the command records letters
    (``"one"``: ``letter render``, ``"run"``: a daily or monthly run), which are dated
    and posted on the day they are made: the real date (``dates.check_letter_day``)."""
    from bostadcli.cli.context import as_of

    day = as_of(value)
    if value is None or not writes:
        return day
    from bostadcli.dates import check_fact_day, check_record_day

    if letters:
        from bostadcli.dates import check_letter_day

        check_letter_day(day, run=letters == "run")
    return (check_fact_day if happened else check_record_day)(day, field="--as-of")


def record_date(value: str | None, *, field: str) -> "date | None":
    """A date option of a command that writes, for the day something happened (a
    contact, a payment, a service, a consent given): parsed, and refused like
    ``write_as_of`` when no such fact can have that day, after today among them
    (``dates.check_fact_day``). A birth date, a start or an end ahead, a deadline or an
    installment's day are not such days: they use ``context.optional_date``."""
    from bostadcli.cli.context import optional_date

    day = optional_date(value, field=field)
    if day is None:
        return None
    from bostadcli.dates import check_fact_day

    return check_fact_day(day, field=field)


RefArg = Annotated[
    str,
    typer.Argument(metavar=_("REF"), help=_("Case reference, e.g. 2026-0042."), show_default=False),
]
IncludePnrOpt = Annotated[
    bool,
    typer.Option(
        "--include-pnr", help=_("Show full personal identity numbers (masked otherwise).")
    ),
]
ReasonOpt = Annotated[
    str,
    typer.Option(
        "--reason",
        help=_("Why the record is corrected (required; kept with who and when)."),
        show_default=False,
    ),
]
MineOpt = Annotated[
    bool,
    typer.Option(
        "--mine",
        help=_("Only the cases of the caseworker whose login runs the command."),
    ),
]


def my_caseworker_id(db: "Database") -> int:
    """The caseworker record of the login running the command (for ``--mine``)."""
    from bostadcli.audit import os_user
    from bostadcli.caseworkers import me

    return int(me(db, os_user())["id"])


ForceOpt = Annotated[
    bool,
    typer.Option("--force", help=_("Replace the file named by --out if it exists.")),
]


def whole(field: str, *, low: int, high: int) -> Callable[[str], int]:
    """The parser of a whole-number option or argument (``typer.Option(parser=...)``):
    ``validate.bounded_int`` with the option's limits, so every number typed on the
    command line is checked the same way, before any command runs."""

    def parse(text: str) -> int:
        from bostadcli.errors import InvalidInput, UsageError, shown
        from bostadcli.validate import bounded_int

        digits = text.strip().removeprefix("-").removeprefix("+")
        if not digits or not all("0" <= ch <= "9" for ch in digits):
            # Not a number at all: a usage error (exit 2), as Click words it.
            raise UsageError(
                _("{option}: not a whole number: {value}").format(option=field, value=shown(text))
            )
        try:
            return bounded_int(text, field=field, low=low, high=high)
        except InvalidInput as exc:
            # Out of its limits (a negative count, too many days): as much a bad value
            # for the option as one that is no number, so a usage error (exit 2) too.
            raise UsageError(exc.message) from None

    parse.__name__ = "integer"  # the type's name in usage messages
    return parse


# A personnummer read from standard input: one line, far shorter than this.
_PNR_LINE_MAX = 100


def pnr_option(value: str | None, *, field: str) -> str | None:
    """A personnummer option: as typed, or with ``-`` read from standard input.

    Typed on the command line a personnummer shows in the process list and the shell
    history; ``--pnr -`` keeps it out of both: from a terminal it is asked for without
    being shown, from a pipe or a file it is one line. Several options given ``-``
    in one command read one line each, in the order of the command's help.
    """
    if value != "-":
        return value
    import sys

    from bostadcli.errors import InvalidInput

    if sys.stdin is None:
        raise InvalidInput(field, "-", _("no standard input to read the personnummer from"))
    if sys.stdin.isatty():
        import getpass

        try:
            text = getpass.getpass(_("Personnummer ({option}): ").format(option=field))
        except EOFError:
            text = ""
    else:
        text = sys.stdin.readline(_PNR_LINE_MAX + 1)
        if len(text) > _PNR_LINE_MAX:
            raise InvalidInput(field, "-", _("the line on standard input is too long"))
    text = text.strip()
    if not text:
        raise InvalidInput(field, "-", _("no personnummer on standard input"))
    return text


class StatusFilter(StrEnum):
    """Which cases a listing or a search takes (``--status``)."""

    open = "open"
    closed = "closed"
    all = "all"


StatusOpt = Annotated[
    StatusFilter, typer.Option("--status", metavar="open|closed|all", help=_("Which cases."))
]
ShowFormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help=_("table, or json for everything."))
]
CaseArg = Annotated[str, typer.Argument(metavar=_("REF"), help=_("Case reference."))]
CaseFilterArg = Annotated[str | None, typer.Argument(metavar=_("REF"), help=_("Only this case."))]
HouseholdFilterOpt = Annotated[
    str | None, typer.Option("--household", metavar=_("REF"), help=_("Only this case."))
]
SinceOpt = Annotated[
    str | None,
    typer.Option("--since", metavar=_("YYYY-MM-DD"), help=_("From this date.")),
]
DateOpt = Annotated[
    str | None,
    typer.Option("--date", metavar=_("YYYY-MM-DD"), help=_("Date (default: today).")),
]
YearOpt = Annotated[
    int | None,
    typer.Option(
        "--year",
        metavar=_("YEAR"),
        help=_("The year (default: this year)."),
        parser=whole("--year", low=MIN_YEAR, high=MAX_YEAR),
    ),
]
NoteOpt = Annotated[str | None, typer.Option("--note", help=_("A free-text note."))]
StreetOpt = Annotated[str | None, typer.Option("--street", help=_("Street address."))]
CityOpt = Annotated[str | None, typer.Option("--city", help=_("City."))]
EmailAddressOpt = Annotated[str | None, typer.Option("--email", help=_("E-mail address."))]
IdentityLevelOpt = Annotated[
    IdentityLevel | None,
    typer.Option(
        "--identity-level",
        help=_(
            "For a samordningsnummer: how sure the identity is (confirmed = styrkt,"
            " probable = sannolik, uncertain = osäker)."
        ),
        show_default=False,
    ),
]
DuplicateReasonOpt = Annotated[
    str | None, typer.Option("--reason", help=_("Why the duplicate is accepted."))
]
