"""The municipality's settings: letterhead, and policy values that override ``rules``.

The file is TOML (``config.toml`` in the user's config folder, or ``--config`` /
``BOSTAD_CONFIG``). A missing file means the defaults; a broken one is an error that
names the file and the line.
"""

from __future__ import annotations

import os
import tomllib
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
    support_ending_warning_days: int = rules.SUPPORT_ENDING_WARNING_DAYS
    consent_expiry_warning_days: int = rules.CONSENT_EXPIRY_WARNING_DAYS
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


def default_config_path() -> Path:
    import platformdirs

    return platformdirs.user_config_path("bostadcli", appauthor=False) / CONFIG_FILENAME


def config_path_from_env(explicit: str | Path | None) -> Path:
    if explicit:
        return Path(explicit)
    env = os.environ.get("BOSTAD_CONFIG")
    return Path(env) if env else default_config_path()


def _section(data: dict[str, Any], name: str, path: Path) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise BostadError(_("{path}: [{section}] must be a table").format(path=path, section=name))
    return value


def _typed(cls: type[Any], values: dict[str, Any], section: str, path: Path) -> Any:
    known = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise BostadError(
                _("{path}: unknown setting '{key}' in [{section}]").format(
                    path=path, key=key, section=section
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
        kwargs[key] = value
    return cls(**kwargs)


def load_config(path: str | Path | None = None) -> Config:
    """Read the config file; defaults where it is missing or silent."""
    from bostadcli.validate import path as checked_path

    resolved = checked_path(config_path_from_env(path), field="--config")
    if not resolved.exists():
        return Config(path=None)
    try:
        with resolved.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise BostadError(
            _("{path}: not valid TOML: {error}").format(path=resolved, error=exc)
        ) from None
    except OSError as exc:
        raise BostadError(
            _("cannot read {path}: {error}").format(path=resolved, error=exc.strerror)
        ) from None
    letterhead = _typed(Letterhead, _section(data, "letterhead", resolved), "letterhead", resolved)
    policy = _typed(Policy, _section(data, "policy", resolved), "policy", resolved)
    normalbelopp = dict(rules.NORMALBELOPP)
    for year, table in _section(data, "normalbelopp", resolved).items():
        if not str(year).isdigit() or not isinstance(table, dict):
            raise BostadError(
                _(
                    "{path}: [normalbelopp] needs tables named by year, e.g. [normalbelopp.2025]"
                ).format(path=resolved)
            )
        base = dict(normalbelopp.get(int(year), {}))
        base.update({str(k): int(v) for k, v in table.items()})
        normalbelopp[int(year)] = base
    quota = {str(k): int(v) for k, v in _section(data, "priority_quota", resolved).items()}
    general = _section(data, "general", resolved)
    templates = general.get("templates_dir")
    language = general.get("language")
    return Config(
        path=resolved,
        letterhead=letterhead,
        policy=policy,
        language=str(language) if language else None,
        templates_dir=(resolved.parent / str(templates)) if templates else None,
        normalbelopp=normalbelopp,
        priority_quota=quota,
    )


CONFIG_TEMPLATE = """\
# bostadcli – inställningar för kommunen.
# Filen är TOML: text inom citattecken, tal utan. Rader som börjar med # är kommentarer.
# Ta bort # framför en rad för att använda den.

[general]
# Språk för skärmar och meddelanden: "sv" eller "en". Breven skrivs alltid på svenska.
# language = "sv"
# En egen mall-mapp (relativ till den här filen), som används före de inbyggda mallarna.
# templates_dir = "mallar"

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
# Varna så här många dagar innan en insats upphör.
# support_ending_warning_days = 45
# Varna så här många dagar innan ett samtycke går ut.
# consent_expiry_warning_days = 30
# Arbetsdagar som posten behöver för att ett brev ska komma fram (postförordningen).
# post_working_days = 2
# Den som haft samtal, möte eller hembesök så här många dagar bakåt, eller har en
# avbetalningsplan, har redan kontakt med oss och får inget första brev.
# recent_contact_days = 30

# Kronofogdens normalbelopp per månad (kronor). 2024 års belopp är inbyggda;
# lägg till ett nytt år så här:
# [normalbelopp.2025]
# single = 6090
# couple = 10061
# child_0_6 = 3255
# child_7_10 = 3906
# child_11_14 = 4558
# child_15_plus = 5208

[priority_quota]
# Årets kvot för social förtur per bostadsbolag, t.ex.:
# "Exempelhem AB" = 40
"""


def write_default_config(path: Path) -> bool:
    """Write the commented default config unless a file exists. True when written."""
    from bostadcli.files import private_folder

    if path.exists():
        return False
    private_folder(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(CONFIG_TEMPLATE)
    return True
