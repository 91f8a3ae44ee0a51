"""The municipality's settings: letterhead, and policy values that override ``rules``.

The file is TOML (``config.toml`` in the user's config folder, or ``--config`` /
``BOSTAD_CONFIG``). A missing file means the defaults; a broken one is an error that
names the file and the line.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from bostadcli import rules
from bostadcli.errors import BostadError
from bostadcli.i18n import _

CONFIG_FILENAME = "config.toml"


@dataclass(frozen=True)
class Letterhead:
    organisation: str = "Exempel kommun"
    unit: str = "Socialförvaltningen, Boendeenheten"
    street: str = ""
    postal_code: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    socialjouren_phone: str = ""
    default_caseworker: str = ""


@dataclass(frozen=True)
class Policy:
    plan_behind_days: int = rules.LATE_PAYMENT_DAYS
    plan_broken_after_missed: int = rules.PLAN_BROKEN_AFTER_MISSED
    emergency_housing_max_nights: int = rules.EMERGENCY_HOUSING_MAX_NIGHTS
    retention_years: int = rules.RETENTION_YEARS
    no_contact_warning_days: int = rules.NO_CONTACT_WARNING_DAYS
    recently_closed_months: int = rules.RECENTLY_CLOSED_MONTHS
    support_ending_warning_days: int = rules.SUPPORT_ENDING_WARNING_DAYS
    consent_expiry_warning_days: int = rules.CONSENT_EXPIRY_WARNING_DAYS
    part_time_child_norm_percent: int = rules.PART_TIME_CHILD_NORM_PERCENT
    post_working_days: int = rules.POST_WORKING_DAYS
    recent_contact_days: int = rules.RECENT_CONTACT_DAYS


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    letterhead: Letterhead = field(default_factory=Letterhead)
    policy: Policy = field(default_factory=Policy)
    language: str | None = None
    templates_dir: Path | None = None
    normalbelopp: dict[int, dict[str, int]] = field(
        default_factory=lambda: dict(rules.NORMALBELOPP)
    )
    priority_quota: dict[str, int] = field(default_factory=dict)
    # The CSV dialect of every CSV written (exports unless --dialect says otherwise,
    # listings and reports with --format csv, manifests; tabular.CSV_DIALECTS).
    csv_dialect: str = "standard"


def default_config_path() -> Path:
    import platformdirs

    return platformdirs.user_config_path("bostadcli", appauthor=False) / CONFIG_FILENAME


def config_path_from_env(explicit: str | Path | None) -> Path:
    if explicit:
        return Path(explicit)
    env = os.environ.get("BOSTAD_CONFIG")
    return Path(env) if env else default_config_path()


# The range each policy value may take. A value outside is a typing mistake in the file
# (an extra zero, days for years), refused with the key named rather than acted on: a
# retention period of 100 000 years would make every date computation fail.
POLICY_LIMITS: dict[str, tuple[int, int]] = {
    "plan_behind_days": (0, 365),
    "plan_broken_after_missed": (1, 36),
    "emergency_housing_max_nights": (1, 366),
    # Gallring: the municipality's decision under OSL and the archive rules; never
    # less than a year, and no record is kept for a working life.
    "retention_years": (1, 50),
    "no_contact_warning_days": (1, 3653),
    "support_ending_warning_days": (0, 3653),
    "consent_expiry_warning_days": (0, 3653),
    "part_time_child_norm_percent": (0, 100),
    "recently_closed_months": (0, 120),
    # The post's working days (postförordningen: two for first-class letters).
    "post_working_days": (0, 30),
    "recent_contact_days": (0, 3653),
}
SECTIONS = ("general", "letterhead", "policy", "normalbelopp", "priority_quota")
GENERAL_KEYS = ("language", "templates_dir", "csv_dialect")
LANGUAGES = ("sv", "en")
# Kronor a month (normalbelopp) and places a year (priority quota): generous bounds that
# still catch a value in öre or a stray row of digits.
NORMALBELOPP_MAX = 1_000_000
QUOTA_MAX = 1_000_000
CONFIG_MAX_BYTES = 1_000_000


class ConfigError(BostadError):
    """A config file that cannot be used: names the file, the key and the value."""


def _shown(value: object) -> str:
    from bostadcli.errors import shown

    return shown(value, 40)


def _bad(path: Path, key: str, value: object, reason: str) -> ConfigError:
    return ConfigError(
        _("{path}: {key} = {value}: {reason}").format(
            path=path, key=key, value=_shown(value), reason=reason
        )
    )


def _section(data: dict[str, Any], name: str, path: Path) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise BostadError(_("{path}: [{section}] must be a table").format(path=path, section=name))
    return value


def _whole(path: Path, key: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(path, key, value, _("must be a whole number"))
    if not low <= value <= high:
        raise _bad(
            path, key, value, _("must be between {low} and {high}").format(low=low, high=high)
        )
    return value


def _text(path: Path, key: str, value: object) -> str:
    from bostadcli import validate
    from bostadcli.errors import InvalidInput

    if not isinstance(value, str):
        raise _bad(path, key, value, _("must be text in quotes"))
    try:
        validate.clean_text(value, field=key)
    except InvalidInput as exc:
        raise _bad(path, key, value, exc.reason) from None
    return value


def _typed(cls: type[Any], values: dict[str, Any], section: str, path: Path) -> Any:
    known = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise BostadError(
                _("{path}: unknown setting '{key}' in [{section}]").format(
                    path=path, key=_shown(key), section=section
                )
            )
        expected = type(getattr(cls(), key))
        if not isinstance(value, expected) or isinstance(value, bool) != (expected is bool):
            raise BostadError(
                _("{path}: [{section}] {key} must be {kind}").format(
                    path=path,
                    section=section,
                    key=key,
                    kind=_("a whole number") if expected is int else _("text"),
                )
            )
        if expected is int and value < 0:
            raise BostadError(
                _("{path}: [{section}] {key} cannot be negative").format(
                    path=path, section=section, key=key
                )
            )
        if expected is int and key in POLICY_LIMITS:
            low, high = POLICY_LIMITS[key]
            _whole(path, f"[{section}] {key}", value, low, high)
        if expected is str:
            _text(path, f"[{section}] {key}", value)
        kwargs[key] = value
    return cls(**kwargs)


def _normalbelopp(section: dict[str, Any], path: Path) -> dict[int, dict[str, int]]:
    """The built-in years with the config file's on top. A year the rules do not have
    must give every amount: a missing one is an error, never taken from another year."""
    from bostadcli.dates import MAX_YEAR, MIN_YEAR

    table = {year: dict(amounts) for year, amounts in rules.NORMALBELOPP.items()}
    for year, amounts in section.items():
        if not str(year).isdigit() or not isinstance(amounts, dict):
            raise BostadError(
                _(
                    "{path}: [normalbelopp] needs tables named by year, e.g. [normalbelopp.2025]"
                ).format(path=path)
            )
        _whole(path, "[normalbelopp]", int(str(year)[:6]), MIN_YEAR, MAX_YEAR)
        where = f"[normalbelopp.{year}]"
        for key, value in amounts.items():
            if key not in rules.NORMALBELOPP_KEYS:
                raise BostadError(
                    _("{path}: unknown setting '{key}' in [{section}]").format(
                        path=path, key=key, section=where.strip("[]")
                    )
                )
            if (
                not isinstance(value, int)
                or isinstance(value, bool)
                or not 0 <= value <= NORMALBELOPP_MAX
            ):
                raise BostadError(
                    _("{path}: {section} {key} must be a whole number of kronor").format(
                        path=path, section=where, key=key
                    )
                )
        base = table.get(int(year), {})
        missing = [k for k in rules.NORMALBELOPP_KEYS if k not in amounts and k not in base]
        if missing:
            raise BostadError(
                _("{path}: {section} has no amount for {keys}").format(
                    path=path, section=where, keys=", ".join(missing)
                )
            )
        table[int(year)] = base | {str(k): int(v) for k, v in amounts.items()}
    return table


def _parse(resolved: Path) -> dict[str, Any]:
    from bostadcli.files import open_for_reading, read_bounded

    try:
        with open_for_reading(resolved, field="--config", limit=CONFIG_MAX_BYTES) as fh:
            raw = read_bounded(fh, limit=CONFIG_MAX_BYTES, field="--config")
    except OSError as exc:
        from bostadcli.os_errors import os_problem

        raise BostadError(
            _("cannot read {path}: {error}").format(
                path=resolved, error=os_problem(exc, resolved, writing=False)
            )
        ) from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(_("{path}: not UTF-8 text").format(path=resolved)) from None
    except tomllib.TOMLDecodeError as exc:
        raise BostadError(
            _("{path}: not valid TOML: {error}").format(path=resolved, error=exc)
        ) from None
    except RecursionError:
        raise ConfigError(_("{path}: nested too deeply").format(path=resolved)) from None
    except ValueError as exc:  # a number of thousands of digits
        raise ConfigError(
            _("{path}: not valid TOML: {error}").format(path=resolved, error=exc)
        ) from None


def load_config(path: str | Path | None = None) -> Config:
    """Read the config file; defaults where it is missing or silent.

    Every key is checked: its section must exist, its type match and its value lie in
    range (``POLICY_LIMITS``); anything else is one ``ConfigError`` naming the file, the
    key and the value.
    """
    from bostadcli.validate import path as checked_path

    resolved = checked_path(config_path_from_env(path), field="--config")
    if not resolved.exists():
        return Config(path=None)
    data = _parse(resolved)
    for name in data:
        if name not in SECTIONS:
            raise ConfigError(
                _("{path}: unknown section [{section}]; known: {known}").format(
                    path=resolved, section=_shown(name), known=", ".join(SECTIONS)
                )
            )
    letterhead = _typed(Letterhead, _section(data, "letterhead", resolved), "letterhead", resolved)
    policy = _typed(Policy, _section(data, "policy", resolved), "policy", resolved)
    normalbelopp = _normalbelopp(_section(data, "normalbelopp", resolved), resolved)
    quota = {
        str(k): _whole(resolved, f"[priority_quota] {_shown(k)}", v, 0, QUOTA_MAX)
        for k, v in _section(data, "priority_quota", resolved).items()
    }
    general = _section(data, "general", resolved)
    for key in general:
        if key not in GENERAL_KEYS:
            raise BostadError(
                _("{path}: unknown setting '{key}' in [{section}]").format(
                    path=resolved, key=_shown(key), section="general"
                )
            )
    templates = general.get("templates_dir")
    if templates is not None:
        _text(resolved, "[general] templates_dir", templates)
    language = general.get("language")
    if language is not None and language not in LANGUAGES:
        raise _bad(
            resolved,
            "[general] language",
            language,
            _("must be one of: {allowed}").format(allowed=", ".join(LANGUAGES)),
        )
    dialect = general.get("csv_dialect", "standard")
    if not isinstance(dialect, str) or dialect not in _csv_dialects():
        raise _bad(
            resolved,
            "[general] csv_dialect",
            dialect,
            _("must be one of: {allowed}").format(allowed=", ".join(_csv_dialects())),
        )
    return Config(
        path=resolved,
        letterhead=letterhead,
        policy=policy,
        language=str(language) if language else None,
        templates_dir=(resolved.parent / str(templates)) if templates else None,
        normalbelopp=normalbelopp,
        priority_quota=quota,
        csv_dialect=dialect,
    )


def _csv_dialects() -> tuple[str, ...]:
    from bostadcli.tabular import CSV_DIALECTS

    return tuple(CSV_DIALECTS)


CONFIG_TEMPLATE = """\
# bostadcli – inställningar för kommunen.
# Filen är TOML: text inom citattecken, tal utan. Rader som börjar med # är kommentarer.
# Ta bort # framför en rad för att använda den.

[general]
# Språk för skärmar och meddelanden: "sv" eller "en". Breven skrivs alltid på svenska.
# language = "sv"
# En egen mall-mapp (relativ till den här filen), som används före de inbyggda mallarna.
# templates_dir = "mallar"
# Alla CSV-filer och all CSV-utdata (export, listor och rapporter med --format csv,
# brevens manifest): "standard" (kommatecken, för program och skript) eller "excel-sv"
# (semikolon, BOM och decimalkomma: öppnas rätt i svenskt Excel).
# csv_dialect = "standard"

[letterhead]
# Brevhuvudet i alla brev.
organisation = "Exempel kommun"
unit = "Socialförvaltningen, Boendeenheten"
street = ""
postal_code = ""
city = ""
phone = ""
email = ""
# Socialjourens nummer, för kvällar och helger.
socialjouren_phone = ""
# Handläggare som skrivs in när ingen annan anges.
default_caseworker = ""

[policy]
# Dagar efter förfallodagen innan en avbetalning räknas som sen (jfr 12 kap. 42 § JB).
# plan_behind_days = 7
# Antal missade avbetalningar innan en plan räknas som bruten.
# plan_broken_after_missed = 2
# Högsta antal nätter tillfälligt boende åt gången.
# emergency_housing_max_nights = 7
# Gallring: år efter sista anteckningen.
# retention_years = 5
# Varna när ett öppet ärende inte haft kontakt på så här många dagar.
# no_contact_warning_days = 30
# Vid import: visa ett ärende som avslutades för högst så här många månader sedan.
# recently_closed_months = 12
# Varna så här många dagar innan en insats upphör.
# support_ending_warning_days = 45
# Varna så här många dagar innan ett samtycke går ut.
# consent_expiry_warning_days = 30
# Barn som bor här en del av tiden: hur stor del (procent) av barnets normalbelopp
# som räknas i rådet om avbetalningsplanen. Kronofogden räknar även barn som bor här
# en del av tiden; 100 räknar dem fullt ut, så att planen aldrig ser rymligare ut än den är.
# part_time_child_norm_percent = 100
# Arbetsdagar som posten behöver för att ett brev ska komma fram (postförordningen).
# post_working_days = 2
# Den som haft samtal, möte eller hembesök så här många dagar bakåt, eller har en
# avbetalningsplan, har redan kontakt med oss och får inget första brev.
# recent_contact_days = 30

# Kronofogdens normalbelopp per månad (kronor). 2023 och 2024 års belopp är inbyggda.
# Saknas årets belopp använder programmet det senaste året som finns och säger det.
# Lägg till ett nytt år med alla sex beloppen ur Kronofogdens föreskrifter för året
# (KFMFS) så här, med årets belopp i stället för NNNN:
# [normalbelopp.2026]
# single = NNNN          # ensamstående
# couple = NNNN          # makar och sambor tillsammans
# child_0_6 = NNNN       # barn 0–6 år
# child_7_10 = NNNN      # barn 7–10 år
# child_11_14 = NNNN     # barn 11–14 år
# child_15_plus = NNNN   # barn 15 år och äldre

[priority_quota]
# Årets kvot för social förtur per bostadsbolag, t.ex.:
# "Exempelhem AB" = 40
"""


def write_default_config(path: Path, *, protect: Sequence[Path] = ()) -> bool:
    """Write the commented default config unless a file exists. True when written."""
    from bostadcli.errors import Conflict
    from bostadcli.files import write_private_file

    if os.path.lexists(path):
        return False
    try:
        write_private_file(
            path, CONFIG_TEMPLATE, field="--config", protect=protect, make_folder=True
        )
    except Conflict:
        return False  # written a moment ago by another 'bostad init'
    return True
