"""An invitation to a meeting at the office or a home visit."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli.i18n import N_, _
from bostadcli.letters.kind import LetterKind

if TYPE_CHECKING:
    from sqlite_utils import Database

    from bostadcli.letters.kind import LetterRequest

_TIME = re.compile(r"([01][0-9]|2[0-3])[:.]([0-5][0-9])")


def check_params(params: dict[str, str], as_of: date, caseworker: str | None) -> dict[str, Any]:
    from bostadcli.dates import parse_date
    from bostadcli.errors import InvalidInput

    on = parse_date(params["date"], field="--param date")
    if on < as_of:
        raise InvalidInput("--param date", params["date"], _("is in the past"))
    match = _TIME.fullmatch(params["time"])
    if match is None:
        raise InvalidInput("--param time", params["time"], _("expected a time as HH:MM"))
    visit = params.get("visit", "no").lower() in ("yes", "ja", "1", "true")
    if not visit and not params.get("place"):
        raise InvalidInput(
            "--param place", "", _("say where: place=..., or visit=yes for a home visit")
        )
    with_whom = params.get("with") or caseworker
    if not with_whom:
        raise InvalidInput("--param with", "", _("say whom they will meet: with=..."))
    return params | {
        "date": on,
        "time": f"{match.group(1)}:{match.group(2)}",
        "visit": visit,
        "place": params.get("place", ""),
        "with": with_whom,
    }


def check_visit(db: Database, context: dict[str, Any], request: LetterRequest) -> None:
    """A home visit needs the household's home: none for a household in one of the
    homelessness situations, or without a street address (a c/o address is someone
    else's home). A missing value is an error, never a blank."""
    from bostadcli.errors import InvalidInput
    from bostadcli.vocab import HousingSituation

    params = context["params"]
    if not params.get("visit"):
        return
    household = context["household"]
    situation = household.get("housing_situation")
    if situation and situation != HousingSituation.tenancy_at_risk.value:
        try:
            shown = HousingSituation(situation).label
        except ValueError:
            shown = str(situation)
        why = _("the household has no home to visit ({situation})").format(situation=shown)
    elif not household.get("street"):
        why = _("the household has no street address to visit")
    else:
        return
    raise InvalidInput(
        "--param visit",
        "yes",
        _("{why}: say where you will meet with --param place=... instead").format(why=why),
    )


def warnings(context: dict[str, Any]) -> list[str]:
    """A meeting on a day the office is closed (a Saturday, Sunday or public holiday)."""
    from bostadcli.dates import format_date
    from bostadcli.workdays import non_working_reason

    on: date = context["params"]["date"]
    reason = non_working_reason(on)
    if reason is None:
        return []
    return [
        _("the meeting is on {day}, which is not a working day ({reason})").format(
            day=format_date(on, "long"), reason=reason
        )
    ]


KIND = LetterKind(
    code="meeting",
    label=N_("invitation to a meeting"),
    required_params=("date", "time"),
    optional_params=("place", "visit", "with"),
    check_params=check_params,
    add_context=check_visit,
    warn=warnings,
    # The invitation must reach the household before the meeting (rules 14).
    deadline=lambda context: context["params"]["date"],
    deadline_of=lambda _context, _day: "meeting",
    when="by hand (letter render)",
)
