"""The root command: global options, the noun groups, and the one error translator."""

import functools
import re
import sqlite3
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from bostadcli import __version__
from bostadcli.cli import aliases, completion, typer_coercion, typer_i18n
from bostadcli.cli.context import AppState
from bostadcli.cli.failures import database_problem, interrupt_code
from bostadcli.cli.lazy import LazyCommands, Noun
from bostadcli.cli.streams import os_error_line
from bostadcli.cli.streams import output_refused as _output_refused
from bostadcli.cli.streams import silence_stdout as _silence_stdout
from bostadcli.errors import BostadError, one_line, shown
from bostadcli.i18n import _

# A reader that stopped reading (`bostad export households | head`) is not an error: end
# quietly with the status a process killed by SIGPIPE has in the shell, 128 + 13.
EXIT_BROKEN_PIPE = 141


def _commits() -> int:
    """Write transactions committed so far (none when no command opened the database)."""
    db = sys.modules.get("bostadcli.db")
    return int(db.commits()) if db is not None else 0


def interrupted_message(command: str, *, saved: bool) -> str:
    """What an interrupt (Ctrl-C) says: whether the command's changes were saved.

    The exit code is 130 either way (CLI.md); the message tells a script's log, and
    the user, that a change committed before the interrupt stays saved.
    """
    if saved:
        return _(
            "interrupted after the changes were saved: {command}; what was saved stays saved"
        ).format(command=command)
    return _("interrupted: {command}; nothing was saved in the database").format(command=command)


# Usage errors come from Typer's Click in English; these are the common ones.
_CLICK_MESSAGES = [
    (r"^No such option: (.+?)(?: Did you mean (.+)\?| \(Possible options: (.+)\))?$", "no_option"),
    (r"^Invalid value for (.+?): (.+?) is not a valid integer\.?$", "not_integer"),
    (r"^Invalid value for (.+?): (.+?) is not one of (.+?)\.?$", "not_choice"),
    (r"^Invalid value for (.+?): (.+)$", "invalid"),
    (r"^Missing argument (.+?)\.?$", "missing_argument"),
    (r"^Missing parameter:? (.+?)\.?$", "missing_argument"),
    (r"^Missing option (\S+?)(?:\. Choose from: (.+?))?\.?$", "missing_option"),
    (r"^No such command (.+?)(?:\. Did you mean (.+?)\?)?\.?$", "no_command"),
    (r"^Got unexpected extra argument(?:s|\(s\))? \((.+)\)$", "extra"),
    (r"^Option (.+?) requires (?:an argument|\d+ arguments)\.?$", "needs_value"),
    (r"^Option (.+?) does not take a value\.?$", "takes_no_value"),
]


def translate_usage_message(message: str) -> str:
    # The patterns are compiled on the first usage error (re caches them), not at start.
    for pattern, key in _CLICK_MESSAGES:
        m = re.match(pattern, message.strip())
        if not m:
            continue
        g = m.groups()
        if key == "no_option":
            text = _("no such option: {option}").format(option=g[0])
            # Click suggests one option as "Did you mean", several as "Possible options".
            close = [o.strip() for o in (g[1] or g[2] or "").split(",") if o.strip()]
            if len(close) == 1:
                return text + _(" (did you mean {option}?)").format(option=close[0])
            if close:
                return text + _(" (did you mean one of {options}?)").format(
                    options=", ".join(close)
                )
            return text
        if key == "not_integer":
            return _("{option}: not a whole number: {value}").format(option=g[0], value=g[1])
        if key == "not_choice":
            return _("{option}: {value} is not one of {choices}").format(
                option=g[0], value=g[1], choices=g[2]
            )
        if key == "invalid":
            return _("invalid value for {option}: {reason}").format(option=g[0], reason=g[1])
        if key == "missing_argument":
            return _("missing argument {name}").format(name=g[0])
        if key == "missing_option":
            return _("missing option {name}").format(name=g[0]) + (f" ({g[1]})" if g[1] else "")
        if key == "no_command":
            text = _("no such command {name}").format(name=g[0])
            return text + (_(" (did you mean {option}?)").format(option=g[1]) if g[1] else "")
        if key == "extra":
            return _("unexpected extra argument: {args}").format(args=g[0])
        if key == "needs_value":
            return _("option {option} needs a value").format(option=g[0])
        if key == "takes_no_value":
            return _("option {option} takes no value").format(option=g[0])
    return message


def usage_message(exc: Exception) -> str:
    """A usage error as one line, worded the way the patterns above expect.

    Newer Typer validates values with pydantic, whose messages leave out what was
    typed; put it back in Click's wording so every version reads the same.
    """
    message = str(getattr(exc, "format_message", exc.__str__)())
    errors = getattr(exc.__cause__, "errors", None)
    if callable(errors):
        first = (errors() or [{}])[0]
        if first.get("type") == "int_parsing":
            head = message.partition(": ")[0]
            message = f"{head}: {first.get('input')!r} is not a valid integer."
    message = message.replace(": Value error, ", ": ", 1)
    # Click lists choices one per line; an error stays on one line.
    return " ".join(message.split())


def _refuse_undecodable_arguments(args: Any) -> None:
    """Arguments must be text: the database stores them as UTF-8.

    Bytes that are not UTF-8 (a terminal set to another encoding, a file named in
    Latin-1) reach Python as lone surrogates, which no command can store or print.
    """
    for arg in sys.argv[1:] if args is None else args:
        if isinstance(arg, str) and any("\ud800" <= ch <= "\udfff" for ch in arg):
            typer.echo(
                "bostad: "
                + _("an argument is not valid UTF-8 text: '{value}'").format(value=shown(arg)),
                err=True,
            )
            sys.exit(2)


def _field_labels() -> dict[str, str]:
    """Fields that are not an option of their own: a positional argument by the name the
    help gives it, a value with an option of another name in words."""
    return {
        "name": _("NAME"),
        "tenant": _("NAME"),
        "reference": _("REF"),
        "plan": _("PLAN"),
        "kind": _("KIND"),
        "ID": _("ID"),
        "address": _("address"),
        "birth_date": _("birth date"),
        "contact_person": _("contact person"),
    }


def _option_names(command: Any) -> set[str]:
    names: set[str] = set()
    for param in getattr(command, "params", []):
        names.update(opt for opt in getattr(param, "opts", []) if opt.startswith("--"))
    commands = getattr(command, "commands", {})
    # Only the commands built for this run: building the others to look at their
    # options would import every noun on every error.
    built = commands.built() if isinstance(commands, LazyCommands) else commands
    for sub in built.values():
        names |= _option_names(sub)
    return names


def name_the_field(exc: BostadError, root: Any) -> str:
    """The message of an InvalidInput with its field as the user knows it.

    The core names a field as it knows it (``postal_code``); say it as it was typed
    (``--postal-code``), or in words for a value that has no option of that name. A
    message that starts with a place (file, line) names a column of that file: kept.
    """
    field = getattr(exc, "field", None)
    prefix = f"{field}: "
    if not isinstance(field, str) or field.startswith("-") or not exc.message.startswith(prefix):
        return exc.message
    rest = exc.message[len(prefix) :]
    labels = _field_labels()
    if field in labels:
        return f"{labels[field]}: {rest}"
    option = "--" + field.replace("_", "-")
    return f"{option}: {rest}" if option in _option_names(root) else exc.message


class BostadGroup(TyperGroup):
    """Turns every error into one line on stderr and the documented exit code.

    Its nouns are built when looked up (``lazy.LazyCommands``): a command imports the
    modules it runs, not every command's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pending = {noun.name: functools.partial(noun.build, app) for noun in NOUNS}
        self.commands = LazyCommands(self.commands, pending)

    def list_commands(self, ctx: Any) -> list[str]:
        # Typer's own lists the names through ``commands.items()``, which would build
        # every noun to complete one.
        return list(self.commands)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        # The list of nouns needs their names and summaries, not the nouns built.
        self._listing = {noun.name: noun for noun in NOUNS}
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = {}

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        noun = getattr(self, "_listing", {}).get(cmd_name)
        commands = self.commands
        if noun is not None and isinstance(commands, LazyCommands):
            built = commands.built().get(cmd_name)
            return built if built is not None else noun.listing()
        return super().get_command(ctx, cmd_name)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        from typer import _click

        kwargs["standalone_mode"] = False
        from bostadcli.cli.encoding import guard_streams

        guard_streams()
        from bostadcli.cli.terminal_text import screen_stderr

        screen_stderr()
        _refuse_undecodable_arguments(kwargs.get("args", args[0] if args else None))
        typer_i18n.translate_root_options(self)
        completion.localise_installer(self)
        self._commits_before = _commits()
        try:
            result = super().main(*args, **kwargs)
        except _click.exceptions.UsageError as exc:
            no_args = getattr(_click.exceptions, "NoArgsIsHelpError", None)
            if no_args is not None and isinstance(exc, no_args):
                # A group run without a command: its help is the answer, already shown.
                if exc.format_message().strip():
                    typer.echo(exc.format_message())
                sys.exit(2)
            command = exc.ctx.command_path if exc.ctx else "bostad"
            typer.echo(f"{command}: {translate_usage_message(usage_message(exc))}", err=True)
            typer.echo(_("Try '{command} --help' for help.").format(command=command), err=True)
            sys.exit(2)
        except _click.exceptions.ClickException as exc:
            typer.echo(f"bostad: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except typer.Abort as exc:
            saved = _commits() > self._commits_before
            typer.echo(interrupted_message("bostad", saved=saved), err=True)
            sys.exit(interrupt_code(exc))
        except BrokenPipeError:
            _silence_stdout()
            sys.exit(EXIT_BROKEN_PIPE)
        except OSError as exc:
            # Output written before any command runs (--help, --version) or a usage
            # error's own lines: the same one line as a command's (invoke below).
            _output_refused(exc)
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _silence_stdout()
            sys.exit(EXIT_BROKEN_PIPE)
        except OSError as exc:
            _output_refused(exc)
        sys.exit(result if isinstance(result, int) else 0)

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except BostadError as exc:
            exc.message = name_the_field(exc, ctx.command)
            typer.echo(_("error: {message}").format(message=one_line(exc.message)), err=True)
            raise typer.Exit(exc.exit_code) from None
        except sqlite3.DatabaseError as exc:
            from bostadcli.db import damaged, is_damage

            if is_damage(exc):
                where = ctx.obj.resolved_db_path() if isinstance(ctx.obj, AppState) else "--db"
                message = damaged(where, exc).message
                typer.echo(_("error: {message}").format(message=one_line(message)), err=True)
            elif "locked" in str(exc) or "busy" in str(exc):
                # Waited the whole busy timeout: someone holds a long write (a big import).
                typer.echo(
                    _(
                        "error: the database is busy with another command (a large import"
                        " or letter run?); nothing was changed, try again in a minute"
                    ),
                    err=True,
                )
            else:
                typer.echo(database_problem(ctx, exc), err=True)
            raise typer.Exit(1) from None
        except (KeyboardInterrupt, typer.Abort) as exc:
            # Abort: Ctrl-C at a question the command asked (click's prompt).
            saved = _commits() > getattr(self, "_commits_before", 0)
            command = ctx.obj.command if isinstance(ctx.obj, AppState) else "bostad"
            typer.echo(interrupted_message(command, saved=saved), err=True)
            raise typer.Exit(interrupt_code(exc)) from None
        except BrokenPipeError:
            _silence_stdout()
            raise typer.Exit(EXIT_BROKEN_PIPE) from None
        except OSError as exc:
            # The system refused a file no check could foresee (a full disk, a folder
            # made read-only meanwhile): one line, not a traceback.
            if not exc.filename:  # the output itself: said once, not again at exit
                _output_refused(exc)
            typer.echo(os_error_line(exc), err=True)
            raise typer.Exit(1) from None
        except UnicodeError as exc:
            # The output's encoding (or a file's), never the database: said as it is.
            from bostadcli.cli.encoding import problem

            message = problem(exc)
            typer.echo(_("error: {message}").format(message=one_line(message)), err=True)
            raise typer.Exit(1) from None
        except (ValueError, TypeError, KeyError, IndexError, ArithmeticError) as exc:
            # Data no check lets in: a record written past the program (an impossible
            # date, a damaged row). One line that says so, never a traceback that could
            # print a resident's data; the command's transaction has been rolled back.
            from bostadcli.errors import shown

            typer.echo(
                _(
                    "error: a record in the database cannot be read ({error}); run"
                    " 'bostad db check', and correct the case"
                ).format(error=shown(f"{type(exc).__name__}: {exc}", 160)),
                err=True,
            )
            raise typer.Exit(1) from None
        finally:
            if isinstance(ctx.obj, AppState):
                ctx.obj.close()


typer_i18n.install()
typer_coercion.install()
aliases.install()
completion.install()

app = typer.Typer(
    cls=BostadGroup,
    name="bostad",
    help=_(
        "Eviction prevention casework: households at risk, repayment plans, letters."
        "\n\nExample: bostad household list --with-children"
    ),
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    pretty_exceptions_short=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=True,
)


def _language(ctx: typer.Context, value: str | None) -> str | None:
    """An unknown --lang is refused; an unknown BOSTAD_LANG is named once and passed over.

    The language itself was chosen before the commands were built (i18n.detect_language,
    which skips what it does not know); this only says so instead of falling back in
    silence. The environment warns rather than refuses: it is set once for every run.
    """
    from typer import _click

    from bostadcli.i18n import LANGUAGES, _normalise

    if value is None or _normalise(value) is not None or ctx.resilient_parsing:
        return value  # completing a word in the shell: nothing may be said
    languages = ", ".join(LANGUAGES)
    source = ctx.get_parameter_source("lang")
    if source is not None and source.name == "ENVIRONMENT":
        typer.echo(
            "bostad: "
            + _(
                "warning: BOSTAD_LANG={value} is not a language of bostad ({languages});"
                " it is passed over"
            ).format(value=shown(value), languages=languages),
            err=True,
        )
        return None
    raise _click.exceptions.UsageError(
        _("--lang: unknown language '{value}'; the languages are {languages}").format(
            value=shown(value), languages=languages
        ),
        ctx,
    )


def _version(value: bool) -> None:
    if value:
        typer.echo(f"bostadcli {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            envvar="BOSTAD_DB",
            metavar=_("PATH"),
            help=_("The database file (default: in your data folder)."),
            show_default=False,
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            envvar="BOSTAD_CONFIG",
            metavar=_("PATH"),
            help=_("The config file (default: in your config folder)."),
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            envvar="BOSTAD_LANG",
            metavar="sv|en",
            callback=_language,
            is_eager=True,
            help=_("Language of screens and messages."),
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help=_("Show the version and exit.")
        ),
    ] = False,
) -> None:
    ctx.obj = AppState(db_path=db, config_path=config)


# The root's nouns in the order `bostad --help` lists them (single commands first, as
# Typer lists them). Each module is imported only when its name is looked up (see
# lazy.py); the help lists them from their summaries (a group's is the first paragraph
# of its help), which tests/cli/test_root_help.py holds to the built commands'.
NOUNS = (
    Noun(
        "init",
        "bostadcli.cli.database",
        "init",
        help_attr="INIT_HELP",
        summary=_(
            "Create the database and a config file to edit. Running it again changes nothing."
            " With --shared GROUP the database folder is set up for the caseworkers of that"
            " group on one server: theirs and nobody else's."
        ),
    ),
    Noun(
        "backup",
        "bostadcli.cli.backup",
        "backup",
        help_attr="BACKUP_HELP",
        summary=_("Make a consistent, verified copy of the database, even while others use it."),
    ),
    Noun(
        "audit",
        "bostadcli.cli.audit",
        "audit",
        help_attr="AUDIT_HELP",
        summary=_("Show who changed or exported what, and when. Nobody can edit the log."),
    ),
    Noun(
        "purge",
        "bostadcli.cli.purge",
        "purge",
        help_attr="PURGE_HELP",
        summary=_(
            "Delete case files whose retention period has run out (gallring): closed cases"
            " and open ones, five years after their last entry."
        ),
    ),
    Noun(
        "demo",
        "bostadcli.cli.demo",
        "demo",
        help_attr="DEMO_HELP",
        summary=_(
            "Make a demo: a fictional caseload and this month's letters in a folder of its own."
        ),
    ),
    Noun(
        "search",
        "bostadcli.cli.search",
        "search",
        help_attr="SEARCH_HELP",
        summary=_(
            "Find cases by name, personnummer (any form, or its last four digits), address,"
            " contract number or case reference; open and closed cases. Names match without"
            " regard to case or accents: ostlund finds Östlund."
        ),
    ),
    Noun(
        "household",
        "bostadcli.cli.households",
        help=_(
            "Households at risk: the cases.\n\nCorrections: household edit changes details;"
            " a case opened by mistake is voided with household void --reason; household"
            " history shows every correction."
        ),
    ),
    Noun(
        "member",
        "bostadcli.cli.members",
        help=_(
            "Adults and children of a household.\n\nCorrections: member edit REF MEMBER"
            " --reason (name, personnummer, birth date, role, part-time)."
        ),
    ),
    Noun(
        "caseworker",
        "bostadcli.cli.caseworkers",
        help=_("The unit's caseworkers: initials, login, phone."),
    ),
    Noun("landlord", "bostadcli.cli.landlords", help=_("Landlords and housing companies.")),
    Noun(
        "notice",
        "bostadcli.cli.notices",
        help=_(
            "Notices, warnings, Kronofogden, eviction dates.\n\nCorrections: notice edit"
            " NOTICE --reason (dates, amount, kind); notice void NOTICE --reason (a duplicate)."
        ),
    ),
    Noun(
        "undertaking",
        "bostadcli.cli.undertakings",
        help=_("Social services' written undertakings to pay the rent."),
    ),
    Noun(
        "contact",
        "bostadcli.cli.contacts",
        help=_(
            "The contact log.\n\nCorrections: contact correct CONTACT --reason adds an entry"
            " that corrects the old one, which stays, marked as corrected."
        ),
    ),
    Noun("consent", "bostadcli.cli.consents", help=_("Consent per recipient.")),
    Noun("support", "bostadcli.cli.supports", help=_("Support measures (insatser).")),
    Noun(
        "plan",
        "bostadcli.cli.plans",
        help=_(
            "Repayment plans and payments.\n\nCorrections: plan void-payment PLAN PAYMENT"
            " --reason, then plan pay with the right amount; plan cancel ends a plan."
        ),
    ),
    Noun(
        "report",
        "bostadcli.cli.reports",
        help=_("Deadlines, caseload, the annual figures, homelessness."),
    ),
    Noun(
        "export",
        "bostadcli.cli.exporting",
        help=_("Tables as CSV or JSON; one case as a JSON document."),
    ),
    Noun(
        "import",
        "bostadcli.cli.importing",
        help=_("Landlords' lists of tenants at risk; cases moved from another installation."),
    ),
    Noun("db", "bostadcli.cli.database", "db_app", help=_("Database status and integrity.")),
    Noun(
        "letter",
        "bostadcli.cli.letters",
        help=_("Letters from templates; the daily and monthly batches."),
    ),
    Noun(
        "template",
        "bostadcli.cli.templates",
        help=_("The built-in letter templates, and your own."),
    ),
)
