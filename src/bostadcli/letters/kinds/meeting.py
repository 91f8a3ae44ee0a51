"""An invitation to a meeting at the office or a home visit."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bostadcli.i18n import N_, _
from bostadcli.letters.kind import LetterKind

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


KIND = LetterKind(
    code="meeting",
    label=N_("invitation to a meeting"),
    required_params=("date", "time"),
    optional_params=("place", "visit", "with"),
    check_params=check_params,
    when="by hand (letter render)",
)
