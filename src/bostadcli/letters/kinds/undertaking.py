"""The unit's undertaking to pay the rent (betalningsförbindelse), to the landlord it
was given to: only with the household's valid consent for that landlord."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli.i18n import N_, _
from bostadcli.letters.kind import Addressee, LetterKind, LetterRequest, Reference

if TYPE_CHECKING:
    from sqlite_utils import Database


def _undertaking(db: Database, ref: str, text: str | None, *, as_of: date) -> dict[str, Any]:
    """The undertaking named with --param undertaking=ID, else the case's latest."""
    from bostadcli.errors import InvalidInput
    from bostadcli.undertakings import get_undertaking, list_undertakings

    if text is not None:
        field_ = "--param undertaking"
        if not text.strip().isdigit():
            raise InvalidInput(field_, text, _("expected the undertaking's number"))
        found = get_undertaking(db, int(text), as_of=as_of)
        if found["ref"] != ref:
            raise InvalidInput(
                field_,
                text,
                _("belongs to {other}, not to {ref}").format(other=found["ref"], ref=ref),
            )
        return found
    recorded = list_undertakings(db, ref=ref, as_of=as_of)
    if not recorded:
        raise InvalidInput(
            "--param undertaking",
            ref,
            _("{ref} has no undertaking: record it with 'bostad undertaking add'").format(ref=ref),
        )
    return recorded[-1]


def _require_landlord_consent(
    db: Database, ref: str, landlord: str, own: str | None, today: date | None
) -> None:
    """A consent for "the landlord" is for the household's own, and one that names a
    landlord is for that one alone. Judged on the day the letter is made (``today``),
    never on ``as_of``."""
    from bostadcli.consents import VALID_ON, consent_day, recipient_key
    from bostadcli.db import rows
    from bostadcli.errors import ConsentRequired
    from bostadcli.households import household_id

    named = [
        r["recipient_name"]
        for r in rows(
            db,
            f"SELECT c.recipient_name FROM consents c WHERE c.household_id = :hid"
            f" AND c.recipient = 'landlord' AND {VALID_ON}",
            {"hid": household_id(db, ref), "on": consent_day(today).isoformat()},
        )
    ]
    to = recipient_key(landlord)
    if not any(recipient_key(name or own or "") == to for name in named):
        raise ConsentRequired(
            _(
                "{ref} has no valid consent for the landlord {landlord}: record it with"
                " 'bostad consent add {ref} --recipient landlord --name \"{landlord}\"'"
            ).format(ref=ref, landlord=landlord)
        )


def add_context(db: Database, context: dict[str, Any], request: LetterRequest) -> None:
    """The undertaking the letter is about, addressed to the landlord it was given to."""
    from bostadcli.landlords import get_landlord
    from bostadcli.letters.address import landlord_lines
    from bostadcli.money import Money

    ref = context["ref"]
    found = _undertaking(db, ref, context["params"].get("undertaking"), as_of=request.as_of)
    own = context["landlord"]["name"] if context["landlord"] else None
    _require_landlord_consent(db, ref, str(found["landlord"]), own, request.today)
    landlord = get_landlord(db, str(found["landlord"]))
    lines = landlord_lines(landlord)
    deadline = found["recovery_deadline"]
    context["undertaking"] = {
        "id": found["id"],
        "given_on": date.fromisoformat(found["given_on"]),
        "landlord": found["landlord"],
        "covers": found["covers"],
        "amount": Money(found["amount_ore"]) if found["amount_ore"] is not None else None,
        "decided_by": found["decided_by"],
        "deadline": date.fromisoformat(deadline) if deadline else None,
        "stops_eviction": found["stops_eviction"],
    }
    context["recipient"] = {"names": [landlord["name"]], "lines": lines}
    context["copies"] = [{"label": None, "lines": lines}]
    context["address_problem"] = (
        None
        if len(lines) >= 3
        else _("the landlord's postal address is missing: add it with 'bostad landlord edit'")
    )


def _within(context: dict[str, Any]) -> date | None:
    """The recovery deadline the undertaking stops the eviction within, or None."""
    found = context.get("undertaking")
    if not found or not found["stops_eviction"]:
        return None
    day: date | None = found["deadline"]
    return day


def about(context: dict[str, Any]) -> dict[str, Any]:
    """The undertaking the letter is about, recorded with it as if named with --param
    undertaking=ID: made again, or moved with the case, it is about the same one."""
    found = context["undertaking"]
    return {"undertaking": str(found["id"])} if found else {}


KIND = LetterKind(
    code="undertaking",
    label=N_("undertaking to pay the rent, to the landlord"),
    addressed_to=Addressee.landlord,
    optional_params=("undertaking",),
    context_keys={"undertaking": None},
    add_context=add_context,
    about=about,
    refers_to=(Reference("undertaking", "undertakings", label="undertaking"),),
    # The landlord must be told in writing within the recovery period (JB 12:44 4 st 1):
    # a letter that cannot reach them by then is warned about and flagged.
    deadline=_within,
    deadline_of=lambda _context, _day: "recovery_deadline",
    when="by hand (letter render), when an undertaking is given",
)
