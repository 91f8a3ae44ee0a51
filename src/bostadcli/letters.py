"""Letters to households: context from the database, rendering, recording, the month's batch.

A letter is rendered from a template (see ``templating``) with a context built from the
case: the household and its members, the landlord, the nearest recovery deadline, the
caseworker and the letterhead. Letters go out in Swedish; a household whose
``letter_language`` is English gets a kind's English variant where there is one
(``letter_template``). Letters of the monthly batch are keyed by
(household, kind, period) and recorded only after their file exists, one transaction
per letter, so a run that is repeated or killed halfway sends nothing twice and misses
nothing.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bostadcli import rules, templating, validate
from bostadcli.config import Config, Policy
from bostadcli.db import insert, now_utc, one, rows, transaction
from bostadcli.errors import BostadError, ConsentRequired, InvalidInput
from bostadcli.files import (
    check_target,
    claim,
    database_files,
    file_mode,
    private_folder,
    process_alive,
    remove_stale_temporaries,
    temporary_path,
    write_private_file,
)
from bostadcli.households import household_id
from bostadcli.i18n import N_, _
from bostadcli.money import Money
from bostadcli.vocab import ContactKind, HousingSituation, NoticeKind, Reason, Source

if TYPE_CHECKING:
    from concurrent.futures import Future

    from jinja2 import Environment
    from sqlite_utils import Database

LETTER_FORMATS = ("pdf", "html", "txt")
EXTENSIONS = {"pdf": "pdf", "html": "html", "txt": "txt"}


@dataclass(frozen=True)
class LetterKind:
    code: str
    label: str
    required_params: tuple[str, ...] = ()
    uses_plan: bool = False
    # About supports that end soon: the household's soonest, one named by
    # --param support=ID, or those the monthly batch chose.
    uses_supports: bool = False
    # Addressed to the landlord as well: personal data goes there only with consent
    # (offentlighets- och sekretesslagen 26 kap. 1 §).
    to_landlord: bool = False
    # About an undertaking to pay the rent, addressed to the landlord it was given to
    # alone: refused without the household's consent for that landlord.
    uses_undertaking: bool = False


KINDS: dict[str, LetterKind] = {
    "outreach": LetterKind("outreach", N_("first letter: how we can help")),
    "meeting": LetterKind("meeting", N_("invitation to a meeting"), ("date", "time")),
    "plan_agreement": LetterKind(
        "plan_agreement", N_("repayment plan agreement"), uses_plan=True, to_landlord=True
    ),
    "plan_reminder": LetterKind(
        "plan_reminder", N_("reminder: a plan installment is overdue"), uses_plan=True
    ),
    "support_ending": LetterKind("support_ending", N_("a support ends soon"), uses_supports=True),
    "undertaking": LetterKind(
        "undertaking", N_("undertaking to pay the rent, to the landlord"), uses_undertaking=True
    ),
}


def kind_label(code: str) -> str:
    found = KINDS.get(code)
    return _(found.label) if found else code


def letter_kind(code: str, *, field: str = "KIND") -> LetterKind:
    found = KINDS.get(code.strip())
    if found is None:
        raise InvalidInput(
            field, code, _("must be one of: {allowed}").format(allowed=", ".join(KINDS))
        )
    return found


def letter_format(value: str, *, field: str = "--format") -> str:
    if value not in LETTER_FORMATS:
        raise InvalidInput(
            field, value, _("must be one of: {allowed}").format(allowed=", ".join(LETTER_FORMATS))
        )
    return value


# Parameters ------------------------------------------------------------------------

_PARAM_KEY = re.compile(r"[a-z][a-z0-9_]*")
_TIME = re.compile(r"([01][0-9]|2[0-3])[:.]([0-5][0-9])")


def parse_params(items: Iterable[str]) -> dict[str, str]:
    """``key=value`` pairs from the command line."""
    params: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not _PARAM_KEY.fullmatch(key):
            raise InvalidInput("--param", item, _("expected key=value, e.g. place=Storgatan 1"))
        if key in params:
            raise InvalidInput("--param", item, _("given twice"))
        params[key] = value.strip()
    return params


def _meeting_params(
    params: dict[str, str], *, as_of: date, caseworker: str | None
) -> dict[str, Any]:
    from bostadcli.dates import parse_date

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


def check_params(
    kind: LetterKind, params: dict[str, str], *, as_of: date, caseworker: str | None
) -> dict[str, Any]:
    missing = [p for p in kind.required_params if not params.get(p)]
    if missing:
        raise InvalidInput(
            "--param",
            ", ".join(missing),
            _("the {kind} letter needs: {needed}").format(
                kind=kind.code,
                needed=" ".join(f"--param {p}=..." for p in kind.required_params),
            ),
        )
    if kind.code == "meeting":
        return _meeting_params(params, as_of=as_of, caseworker=caseworker)
    return dict(params)


# Context ----------------------------------------------------------------------------

_LETTERHEAD_REQUIRED = ("organisation", "phone", "socialjouren_phone")


def check_letterhead(config: Config) -> None:
    """Letters must say how to reach the unit and Socialjouren; refuse without them."""
    lh = config.letterhead
    missing = [name for name in _LETTERHEAD_REQUIRED if not getattr(lh, name).strip()]
    if missing:
        raise BostadError(
            _(
                "the letterhead has no {settings}: every letter says how to reach you and"
                " Socialjouren; set it under [letterhead] in {path}"
            ).format(
                settings=", ".join(missing),
                path=config.path or _("the config file (bostad init makes one)"),
            )
        )


def _money(ore: int | None) -> Money | None:
    return Money(ore) if ore is not None else None


def letter_context(
    db: Database,
    ref: str,
    *,
    config: Config,
    as_of: date,
    params: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything a template may use, from the case as it is on ``as_of``."""
    from bostadcli.households import show_household

    case = show_household(db, ref, as_of=as_of)
    lh = config.letterhead
    members = case["member_list"]
    adults = [m for m in members if not m["is_child"] and m["name"]]
    tenant = next((m for m in members if m["role"] == "tenant"), adults[0] if adults else None)
    co_tenants = [m for m in members if m["role"] == "co_tenant"]
    names = [m["name"] for m in [tenant, *co_tenants] if m is not None and m["name"]]
    address_lines = [
        line
        for line in (
            case["street"],
            " ".join(x for x in (case["postal_code"], case["city"]) if x),
        )
        if line
    ]
    homeless = case["housing_situation"] != HousingSituation.tenancy_at_risk.value
    postable = bool(case["street"] and case["postal_code"])
    if case.get("care_of_street") and (homeless or not case["street"]):
        postable = bool(case["care_of_postal_code"])
        # Someone without a home of their own is written to at their c/o address.
        address_lines = [
            line
            for line in (
                f"c/o {case['care_of']}" if case.get("care_of") else None,
                case["care_of_street"],
                " ".join(x for x in (case["care_of_postal_code"], case["care_of_city"]) if x),
            )
            if line
        ]
    upcoming = [n for n in case["notices"] if n["days_left"] is not None and n["days_left"] >= 0]
    recovery = next((n for n in upcoming if n["recovery_deadline"]), None)
    eviction = next((n for n in upcoming if n["kind"] == "eviction"), None)
    # A recovery deadline or eviction day that passed within the days the deadline
    # screen still shows it: no letter can meet it, so the first letter needs a call.
    passed = [
        n["deadline"]
        for n in case["notices"]
        if (n["recovery_deadline"] or n["kind"] == "eviction")
        and n["days_left"] is not None
        and -rules.DEADLINE_OVERDUE_VISIBLE_DAYS <= n["days_left"] < 0
    ]
    landlord = case["landlord_detail"]
    caseworker = case["caseworker"] or lh.default_caseworker or None
    # The assigned caseworker's direct phone and e-mail; the unit's where they have none.
    from bostadcli.caseworkers import contact_of

    assigned = contact_of(db, case["ref"])
    direct_phone = (assigned or {}).get("phone") or lh.phone
    direct_email = (assigned or {}).get("email") or lh.email
    children = [m for m in members if m["is_child"]]
    reasons = set(case["reasons"])
    warnings = [
        n
        for n in case["notices"]
        if n["kind"] == NoticeKind.warning.value and (n["served_on"] or n["received_on"])
    ]
    warning = max(warnings, key=lambda n: n["served_on"] or n["received_on"], default=None)
    return {
        "ref": case["ref"],
        "today": as_of,
        "letterhead": {
            "organisation": lh.organisation,
            "unit": lh.unit,
            "street": lh.street,
            "postal_code": lh.postal_code,
            "city": lh.city,
            "phone": lh.phone,
            "email": lh.email,
            "socialjouren_phone": lh.socialjouren_phone,
        },
        "caseworker": {"name": caseworker, "phone": direct_phone, "email": direct_email},
        "household": {
            "ref": case["ref"],
            "street": case["street"],
            "postal_code": case["postal_code"],
            "city": case["city"],
            "rent": _money(case["rent_ore"]),
            "arrears": Money(case["arrears_ore"]),
            "reasons": list(case["reasons"]),
            "source": case["source"],
            "reported_by_enforcement": case["source"] == Source.enforcement.value,
            "contract_number": case["contract_number"],
            "letter_language": case["letter_language"],
        },
        "tenant": {"name": tenant["name"], "pnr": tenant["pnr"]} if tenant else None,
        "co_tenants": [{"name": m["name"], "pnr": m["pnr"]} for m in co_tenants],
        "children": [
            {"name": m["name"], "age": m["age"], "part_time": m["part_time"]} for m in children
        ],
        "landlord": (
            {
                "name": landlord["name"],
                "contact_person": landlord["contact_person"],
                "phone": landlord["phone"],
                "email": landlord["email"],
                "street": landlord["street"],
                "postal_code": landlord["postal_code"],
                "city": landlord["city"],
            }
            if landlord
            else None
        ),
        "deadline": (
            {
                "date": date.fromisoformat(recovery["recovery_deadline"]),
                "amount": _money(recovery["amount_ore"]),
                "days_left": recovery["days_left"],
            }
            if recovery
            else None
        ),
        "eviction": (
            {
                "date": date.fromisoformat(eviction["eviction_at"][:10]),
                "time": eviction["eviction_at"][11:16] or None,
            }
            if eviction
            else None
        ),
        "passed_deadline": date.fromisoformat(max(passed)) if passed else None,
        "recipient": {"names": list(names), "lines": names + address_lines},
        "tenant_names": names,
        # Plain Swedish speaks to the reader: "du" to one adult, "ni" to several.
        "t": address_forms(len(names)),
        # A case about how the home is lived in (disturbance, neglect), not about rent:
        # the first letter speaks of the warning and offers talks and housing support.
        "conduct": bool(reasons & {Reason.disturbance.value, Reason.neglect.value})
        and Reason.unpaid_rent.value not in reasons
        and recovery is None,
        "conduct_reasons": sorted(reasons & {Reason.disturbance.value, Reason.neglect.value}),
        "warning": (
            {
                "date": date.fromisoformat((warning["served_on"] or warning["received_on"])[:10]),
                "ground": warning["ground"],
            }
            if warning
            else None
        ),
        "address_problem": (
            None
            if postable
            else _("a letter on paper needs the household's street and postal code")
        ),
        "params": params or {},
        "multipage": False,
    }


# How a letter speaks to the household, by the du form: {{ t.Du }} har fått ett brev, hör
# av {{ t.dig }}, {{ t.din }} bostad, {{ t.ditt }} hem, {{ t.dina }} skulder, {{ t.själv }}.
_DU = {
    "du": "du", "Du": "Du", "dig": "dig", "Dig": "Dig", "din": "din", "Din": "Din",
    "ditt": "ditt", "Ditt": "Ditt", "dina": "dina", "Dina": "Dina", "själv": "själv",
}  # fmt: skip
_NI = {
    "du": "ni", "Du": "Ni", "dig": "er", "Dig": "Er", "din": "er", "Din": "Er",
    "ditt": "ert", "Ditt": "Ert", "dina": "era", "Dina": "Era", "själv": "själva",
}  # fmt: skip


def address_forms(adults: int) -> dict[str, str]:
    """The words a letter uses for "you": du to one adult, ni to several (and to a
    household whose names are not known)."""
    return dict(_DU if adults == 1 else _NI)


def _plan_for(db: Database, ref: str, plan: str | None, *, as_of: date) -> dict[str, Any]:
    """The plan a plan letter is about: the one named, else the household's active
    plan (the most urgent when there are several)."""
    from bostadcli import plans

    if plan is not None:
        found = plans.show_plan(db, plan, as_of=as_of)
        if found["household"] != ref:
            raise InvalidInput(
                "--plan",
                plan,
                _("belongs to {other}, not to {ref}").format(other=found["household"], ref=ref),
            )
        return found
    active = plans.list_plans(db, as_of=as_of, household=ref)
    if not active:
        raise InvalidInput("--plan", ref, _("{ref} has no active repayment plan").format(ref=ref))
    return plans.show_plan(db, active[0]["ref"], as_of=as_of)


def _plan_context(found: dict[str, Any]) -> dict[str, Any]:
    installments = [
        {
            "seq": i["seq"],
            "month": date.fromisoformat(i["month"] + "-01"),
            "due_on": date.fromisoformat(i["due_on"]),
            "amount": Money(i["amount_ore"]),
            "paid": Money(i["paid_ore"]),
            "left": Money(i["amount_ore"] - i["paid_ore"]),
            "status": i["status"],
            "days_overdue": i["days_overdue"],
        }
        for i in found["installments"]
    ]
    return {
        "ref": found["ref"],
        "state": found["state"],
        "landlord": found["landlord"],
        "debt": Money(found["debt_ore"]),
        "installment": Money(found["installment_ore"]),
        "last_installment": Money(found["last_installment_ore"]),
        "months": found["months"],
        "first_due_on": installments[0]["due_on"],
        "last_due_on": installments[-1]["due_on"],
        "paid": Money(found["paid_ore"]),
        "remaining": Money(found["remaining_ore"]),
        "overdue": Money(found["overdue_ore"]),
        "missed": found["missed"],
        "next_due_on": date.fromisoformat(found["next_due_on"]) if found["next_due_on"] else None,
        "next_due": _money(found["next_due_ore"]),
        "agreed_on": date.fromisoformat(found["created_on"]),
        "installments": installments,
        "overdue_installments": [i for i in installments if i["status"] == "overdue"],
        # The next installment not yet due (what to pay with the coming rent).
        "upcoming": next((i for i in installments if i["status"] == "unpaid"), None),
    }


def _support_param(db: Database, ref: str, text: str, *, as_of: date) -> dict[str, Any]:
    """A support named with --param support=ID: the household's, time-limited, not over."""
    from bostadcli.dates import format_date
    from bostadcli.supports import get_support

    field = "--param support"
    if not text.strip().isdigit():
        raise InvalidInput(field, text, _("expected the support's number (bostad support list)"))
    found = get_support(db, int(text), as_of=as_of)
    if found["ref"] != ref:
        raise InvalidInput(
            field, text, _("belongs to {other}, not to {ref}").format(other=found["ref"], ref=ref)
        )
    if found["end_on"] is None:
        raise InvalidInput(field, text, _("has no end date"))
    if found["ended_on"] is not None:
        raise InvalidInput(
            field,
            text,
            _("ended already on {date}").format(
                date=format_date(date.fromisoformat(found["ended_on"]), "long")
            ),
        )
    if found["end_on"] < as_of.isoformat():
        raise InvalidInput(
            field,
            text,
            _("ended on {date}").format(
                date=format_date(date.fromisoformat(found["end_on"]), "long")
            ),
        )
    return found


def _supports_for(
    db: Database,
    ref: str,
    *,
    as_of: date,
    ids: Sequence[int] | None,
    param: str | None,
) -> list[dict[str, Any]]:
    """The supports a support_ending letter is about, soonest ending first: those the
    batch chose (``ids``), those named with --param support=ID[,ID], else the
    household's time-limited support that ends soonest."""
    from bostadcli.supports import get_support, list_supports

    if ids:
        # Chosen by the batch, or named by a recorded letter made again: as they are.
        found = [get_support(db, i, as_of=as_of) for i in ids]
    elif param:
        found = [
            _support_param(db, ref, text, as_of=as_of)
            for text in dict.fromkeys(t.strip() for t in param.split(","))
        ]
    else:
        ahead = [
            s
            for s in list_supports(db, as_of=as_of, ref=ref)
            if s["end_on"] is not None
            and s["ended_on"] is None
            and s["end_on"] >= as_of.isoformat()
        ]
        if not ahead:
            raise InvalidInput(
                "--param support",
                ref,
                _("{ref} has no support with an end date ahead").format(ref=ref),
            )
        found = ahead[:1]
    found.sort(key=lambda s: (s["end_on"], s["id"]))
    return [
        {
            "id": s["id"],
            "kind": s["kind"],
            "start": date.fromisoformat(s["start_on"]),
            "end": date.fromisoformat(s["end_on"]),
            "days_left": (date.fromisoformat(s["end_on"]) - as_of).days,
            "landlord": s["landlord"],
            "place": s["place"],
            "support_person": s["support_person"],
        }
        for s in found
    ]


def _landlord_lines(landlord: dict[str, Any] | None) -> list[str]:
    if landlord is None:
        return []
    lines = [landlord["name"]]
    if landlord["contact_person"]:
        lines.append(f"Att: {landlord['contact_person']}")
    if landlord["street"]:
        lines.append(landlord["street"])
    place = " ".join(x for x in (landlord["postal_code"], landlord["city"]) if x)
    if place:
        lines.append(place)
    return lines


def _undertaking_context(
    db: Database, context: dict[str, Any], *, as_of: date, today: date | None
) -> None:
    """The undertaking a letter is about (--param undertaking=ID, else the case's
    latest), addressed to the landlord it was given to. Refused without the household's
    valid consent for that landlord: a consent for "the landlord" is for the household's
    own, and one that names a landlord is for that one alone. Consent is judged on the
    day the letter is made (``today``), never on ``as_of``."""
    from bostadcli.consents import VALID_ON, consent_day, require_consent
    from bostadcli.landlords import get_landlord
    from bostadcli.undertakings import get_undertaking, list_undertakings
    from bostadcli.vocab import Recipient

    ref = context["ref"]
    text = context["params"].get("undertaking")
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
    else:
        recorded = list_undertakings(db, ref=ref, as_of=as_of)
        if not recorded:
            raise InvalidInput(
                "--param undertaking",
                ref,
                _("{ref} has no undertaking: record it with 'bostad undertaking add'").format(
                    ref=ref
                ),
            )
        found = recorded[-1]
    require_consent(db, ref, Recipient.landlord, today=today)
    own = context["landlord"]["name"] if context["landlord"] else None
    named = [
        r["recipient_name"]
        for r in rows(
            db,
            f"SELECT c.recipient_name FROM consents c WHERE c.household_id = :hid"
            f" AND c.recipient = 'landlord' AND {VALID_ON}",
            {"hid": household_id(db, ref), "on": consent_day(today).isoformat()},
        )
    ]
    to = str(found["landlord"]).casefold()
    if not any((name or own or "").strip().casefold() == to for name in named):
        raise ConsentRequired(
            _(
                "{ref} has no valid consent for the landlord {landlord}: record it with"
                " 'bostad consent add {ref} --recipient landlord --name \"{landlord}\"'"
            ).format(ref=ref, landlord=found["landlord"])
        )
    landlord = get_landlord(db, str(found["landlord"]))
    lines = _landlord_lines(landlord)
    deadline = found["recovery_deadline"]
    context["undertaking"] = {
        "id": found["id"],
        "given_on": date.fromisoformat(found["given_on"]),
        "landlord": found["landlord"],
        "covers": found["covers"],
        "amount": _money(found["amount_ore"]),
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


def build_context(
    db: Database,
    ref: str,
    kind: LetterKind,
    *,
    config: Config,
    as_of: date,
    params: dict[str, str] | None = None,
    plan: str | None = None,
    supports: Sequence[int] | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """The context of one letter of ``kind``: the case, the checked parameters, for
    a plan letter the plan (refused without the landlord's consent where it goes there),
    and for a support_ending letter the supports it is about.

    The content is the case on ``as_of``; consent is judged on the real date the letter
    is made (``today``, default the machine's date), never on ``as_of``."""
    from bostadcli.consents import require_consent
    from bostadcli.vocab import Recipient

    if plan is not None and not kind.uses_plan:
        raise InvalidInput("--plan", plan, _("only a plan letter takes --plan"))
    context = letter_context(db, ref, config=config, as_of=as_of)
    context["params"] = check_params(
        kind, params or {}, as_of=as_of, caseworker=context["caseworker"]["name"]
    )
    context["copies"] = [{"label": None, "lines": context["recipient"]["lines"]}]
    context["plan"] = None
    if kind.uses_plan:
        context["plan"] = _plan_context(_plan_for(db, context["ref"], plan, as_of=as_of))
    context["supports"] = []
    if kind.uses_supports:
        context["supports"] = _supports_for(
            db,
            context["ref"],
            as_of=as_of,
            ids=supports,
            param=context["params"].get("support"),
        )
    context["undertaking"] = None
    if kind.uses_undertaking:
        _undertaking_context(db, context, as_of=as_of, today=today)
    if kind.to_landlord:
        require_consent(db, context["ref"], Recipient.landlord, today=today)
        landlord_lines = _landlord_lines(context["landlord"])
        context["copies"] = [
            {"label": "Hyresgästens", "lines": context["recipient"]["lines"]},
            {"label": "Hyresvärdens", "lines": landlord_lines},
        ]
        if len(landlord_lines) < 3:
            context["address_problem"] = _(
                "the landlord's postal address is missing: add it with 'bostad landlord edit'"
            )
        if context["landlord"]:
            context["recipient"]["names"] = [
                *context["recipient"]["names"],
                context["landlord"]["name"],
            ]
    _check_printable(context)
    if not context["address_problem"]:
        return_line = bool(config.letterhead.street and config.letterhead.postal_code)
        context["address_problem"] = next(
            (
                problem
                for copy in context["copies"]
                if (problem := window_problem(copy["lines"], return_line=return_line))
            ),
            None,
        )
    return context


# The envelope window (base.html.j2: an address box 85 mm wide and 35 mm high, 11 pt
# lines): six lines, five under the return address, of at most 36 characters each
# (the widest letters of DejaVu Sans at 11 pt; Posten's guidance is at most six lines).
# A longer address would be cut off at the window's edge, so such a letter is refused.
WINDOW_LINES = 6
WINDOW_LINE_CHARS = 36


def window_problem(lines: Sequence[str], *, return_line: bool) -> str | None:
    """Why an address block does not fit the envelope window, or None."""
    room = WINDOW_LINES - (1 if return_line else 0)
    if len(lines) > room:
        return _(
            "the address has {n} lines and the envelope window holds {room}: shorten it"
            " (fewer names on the letter, or a shorter street line)"
        ).format(n=len(lines), room=room)
    for line in lines:
        if len(line) > WINDOW_LINE_CHARS:
            return _(
                "the address line '{line}' has {n} characters and the envelope window holds"
                " {room}: shorten it"
            ).format(line=_shown(line, 50), n=len(line), room=WINDOW_LINE_CHARS)
    return None


def _shown(text: str, limit: int) -> str:
    from bostadcli.errors import shown

    return shown(text, limit)


_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _check_printable(context: dict[str, Any]) -> None:
    """A name or address with control characters (an escape sequence) was written past
    the program's checks: it must not reach a letter, on paper or in an e-mail."""
    lines = (line for copy in context["copies"] for line in copy["lines"])
    texts = [*context["recipient"]["names"], *lines]
    for text in texts:
        if _UNPRINTABLE.search(text):
            raise InvalidInput(
                "address",
                text,
                _("the name or address holds control characters; correct the case"),
            )


# Rendering --------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    ref: str
    kind: str
    format: str
    content: bytes
    recipient: str
    address: str
    template_version: str
    dated_on: date
    pages: int | None = None
    plan: str | None = None
    supports: tuple[int, ...] = ()
    # The language of the template used, and whether it is Swedish although the
    # household's letters go out in another language (the kind has no variant for it).
    language: str = templating.DEFAULT_LANGUAGE
    swedish_instead: bool = False


def _template_for(fmt: str) -> str:
    return "txt" if fmt == "txt" else "html"


def letter_template(env: Environment, kind: str, fmt: str, language: str) -> tuple[str, str]:
    """The template of a ``kind`` letter in ``fmt`` for a household whose letters go out
    in ``language``: the kind's variant in that language when the user's folder or the
    built-in templates have one, else the Swedish template. Returns (name, language)."""
    return templating.variant_template(env, kind, _template_for(fmt), language)


def _chosen(env: Environment, kind: str, fmt: str, context: dict[str, Any]) -> tuple[str, str]:
    return letter_template(env, kind, fmt, context["household"]["letter_language"])


def prepare_templates(env: Environment, kinds: Iterable[str], fmt: str) -> dict[str, str]:
    """Compile the templates a run needs before anything is written: a broken template
    stops the run with its file and line. Returns the version of each template by name:
    each kind's, and its variants in other languages where there are any."""
    versions = {}
    for kind in kinds:
        for language in (templating.DEFAULT_LANGUAGE, *templating.VARIANT_LANGUAGES):
            name, found = letter_template(env, kind, fmt, language)
            if found != language or name in versions:
                continue
            templating.load_template(env, name)
            versions[name] = templating.template_version(env, [name])
    return versions


def _base_url(user_dir: Path | None) -> str | None:
    if user_dir is not None:
        return str(user_dir.resolve()) + os.sep
    root = templating.packaged_templates()
    return str(root) + os.sep if isinstance(root, Path) else None


def render_text(
    env: Environment, kind: str, fmt: str, context: dict[str, Any], *, multipage: bool = False
) -> str:
    """The letter's text: plain text, or the HTML that a PDF is made from."""
    name, language = _chosen(env, kind, fmt, context)
    if fmt != "txt" and context["address_problem"]:
        raise InvalidInput("address", context["ref"], context["address_problem"])
    extra: dict[str, Any] = {"language": language}
    if multipage:
        extra["multipage"] = True
    return templating.render_template(env, name, context | extra)


def render_context(
    env: Environment,
    kind: str,
    fmt: str,
    context: dict[str, Any],
    *,
    base_url: str | None = None,
) -> tuple[bytes, int | None]:
    """Render a built context to the bytes of a file, and the number of pages of a PDF.

    A PDF letter with several copies (a plan agreement: the tenant's and the
    landlord's) is laid out copy by copy and joined, so that each copy is numbered by
    itself ("Sida 1 av 2" on each) and can be sent on its own."""
    text = render_text(env, kind, fmt, context)
    if fmt != "pdf":
        return text.encode("utf-8"), None
    from bostadcli.pdf import copies_to_pdf, html_to_pdf, letter_meta, one_page_pdf

    meta = letter_meta(context, KINDS[kind].label)
    if len(context["copies"]) > 1:
        return copies_to_pdf(
            [
                render_text(env, kind, fmt, context | {"copies": [copy]}, multipage=True)
                for copy in context["copies"]
            ],
            base_url=base_url,
            meta=meta,
        )

    data, pages = one_page_pdf(text, base_url=base_url, meta=meta)
    if data is None:
        # Page numbers only on letters that need them; the layout decides on a second pass.
        text = render_text(env, kind, fmt, context, multipage=True)
        data, pages = html_to_pdf(text, base_url=base_url, meta=meta)
    return data, pages


def render_letter(
    db: Database,
    ref: str,
    kind: str,
    *,
    config: Config,
    as_of: date,
    fmt: str,
    params: dict[str, str] | None = None,
    plan: str | None = None,
    user_dir: Path | None = None,
    env: Environment | None = None,
    today: date | None = None,
) -> Rendered:
    """Render one letter for a case (nothing is written or recorded); ``today`` is the
    real date consent is judged on (see ``build_context``)."""
    kind_ = letter_kind(kind)
    fmt = letter_format(fmt)
    if plan is not None and not kind_.uses_plan:
        raise InvalidInput("--plan", plan, _("only a plan letter takes --plan"))
    check_letterhead(config)
    env = env or templating.environment(user_dir)
    versions = prepare_templates(env, [kind_.code], fmt)
    context = build_context(
        db, ref, kind_, config=config, as_of=as_of, params=params, plan=plan, today=today
    )
    name, language = _chosen(env, kind_.code, fmt, context)
    content, pages = render_context(env, kind_.code, fmt, context, base_url=_base_url(user_dir))
    return Rendered(
        ref=context["ref"],
        kind=kind_.code,
        format=fmt,
        content=content,
        recipient=" och ".join(context["recipient"]["names"]),
        address="\n".join(context["recipient"]["lines"]),
        template_version=versions[name],
        dated_on=as_of,
        pages=pages,
        plan=context["plan"]["ref"] if context["plan"] else None,
        supports=tuple(s["id"] for s in context["supports"]),
        language=language,
        swedish_instead=language != context["household"]["letter_language"],
    )


# Files ------------------------------------------------------------------------------


def prepare_out_dir(folder: Path) -> Path:
    """Create the output folder owner-only and prove it is writable, before any letter."""
    folder = validate.path(folder.expanduser(), field="--out-dir")
    try:
        if not folder.exists():
            private_folder(folder)
        elif not folder.is_dir():
            raise BostadError(_("--out-dir is not a folder: {path}").format(path=folder))
        probe = temporary_path(folder / "probe")
        fd = claim(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, file_mode()))
        os.close(fd)
        probe.unlink()
    except OSError as exc:
        raise BostadError(
            _("cannot write letters to {path}: {error}").format(
                path=folder, error=exc.strerror or exc
            )
        ) from None
    remove_stale_temporaries(folder)
    return folder.resolve()


# Recording --------------------------------------------------------------------------


def record_letter(
    db: Database,
    letter: Rendered,
    *,
    period: str | None,
    file: Path,
    params: dict[str, Any] | None,
    caseworker: str | None,
    as_of: date,
    claim_run: str | None = None,
    batch: str | None = None,
    late: LateLetter | None = None,
) -> int:
    """Record a letter whose file exists, and log it in the household's contacts; a
    batch letter's claim (held by run ``claim_run``) goes in the same transaction."""
    import json

    from bostadcli.contacts import add_contact

    if not file.exists():
        raise BostadError(f"record_letter: {file} does not exist")
    with transaction(db):
        letter_id = insert(
            db,
            "letters",
            {
                "household_id": household_id(db, letter.ref),
                "kind": letter.kind,
                "period": period,
                "dated_on": letter.dated_on.isoformat(),
                "recipient": letter.recipient,
                "address": letter.address,
                "format": letter.format,
                "file": str(file),
                "template_version": letter.template_version,
                "params": json.dumps(params, ensure_ascii=False) if params else None,
                "created_at": now_utc(),
                "batch": batch,
            },
        )
        if late is not None:
            record_late(db, late, letter_id=letter_id, batch=batch)
        add_contact(
            db,
            letter.ref,
            kind=ContactKind.letter.value,
            on=letter.dated_on,
            text=_("Letter: {kind} ({file})").format(kind=kind_label(letter.kind), file=file.name),
            caseworker=caseworker,
            as_of=max(as_of, letter.dated_on),
            automatic=True,
        )
        if claim_run is not None:
            db.execute(
                "DELETE FROM letter_claims WHERE household_id = ? AND kind = ? AND period = ?"
                " AND run_id = ?",
                [household_id(db, letter.ref), letter.kind, period, claim_run],
            )
    return letter_id


@dataclass(frozen=True)
class OneOff:
    letter: Rendered
    file: Path | None
    letter_id: int | None


def default_file_name(ref: str, kind: str, fmt: str) -> str:
    return f"{ref}-{kind}.{EXTENSIONS[fmt]}"


def _file_safe(ref: str) -> str:
    # A reference is YYYY-NNNN; one written into the database past the program could
    # hold a path: never let it name a file outside the letters' folder.
    if re.fullmatch(r"[0-9A-Za-z-]{1,40}", ref):
        return ref
    import hashlib

    return "ogiltig-" + hashlib.sha256(ref.encode("utf-8", "replace")).hexdigest()[:10]


def make_letter(
    db: Database,
    ref: str,
    kind: str,
    *,
    config: Config,
    as_of: date,
    fmt: str,
    out: Path | None,
    record: bool,
    overwrite: bool = False,
    params: dict[str, str] | None = None,
    plan: str | None = None,
    user_dir: Path | None = None,
    today: date | None = None,
) -> OneOff:
    """Render one letter; with ``out``, write it (owner-only) and, with ``record``,
    record it and log it. Without ``out`` the caller shows the content (a preview)."""
    if record and out is None:
        raise InvalidInput("--record", "-", _("only a letter written to a file is recorded"))
    if out is not None:
        check_target(out, field="--out", force=overwrite, protect=database_files(db))
    letter = render_letter(
        db,
        ref,
        kind,
        config=config,
        as_of=as_of,
        fmt=fmt,
        params=params,
        plan=plan,
        user_dir=user_dir,
        today=today,
    )
    if out is not None:
        write_private_file(out, letter.content, force=overwrite, protect=database_files(db))
    if not record:
        # Shown or written without a letter record (which would log it as a contact):
        # still a disclosure of the case, logged as one.
        from bostadcli.audit import record_disclosure

        record_disclosure(
            db,
            what=f"letter {letter.kind}",
            row_count=1,
            refs=[letter.ref],
            recipient="landlord" if KINDS[letter.kind].to_landlord else None,
            recipient_name=None if out is None else str(out),
        )
    if out is None:
        return OneOff(letter, None, None)
    letter_id = None
    if record:
        case = one(db, "SELECT caseworker FROM households WHERE ref = ?", [letter.ref])
        letter_id = record_letter(
            db,
            letter,
            period=None,
            file=out.resolve(),
            params=(params or {})
            | ({"plan": letter.plan} if letter.plan else {})
            | ({"supports": list(letter.supports)} if letter.supports else {}),
            caseworker=(case or {}).get("caseworker") or config.letterhead.default_caseworker,
            as_of=as_of,
        )
    return OneOff(letter, out, letter_id)


def list_letters(
    db: Database, *, ref: str | None = None, month: date | None = None
) -> list[dict[str, Any]]:
    """The letter history, newest first: with template version and file."""
    where: list[str] = ["1 = 1"]
    params: dict[str, Any] = {}
    if ref is not None:
        where.append("l.household_id = :hid")
        params["hid"] = household_id(db, ref)
    if month is not None:
        where.append("coalesce(l.period, substr(l.dated_on, 1, 7)) = :month")
        params["month"] = month.strftime("%Y-%m")
    result = rows(
        db,
        f"""
        SELECT l.id, h.ref, l.kind, l.period, l.dated_on, l.recipient, l.format, l.file,
            l.template_version, l.created_at
        FROM letters l JOIN live_households h ON h.id = l.household_id
        WHERE {" AND ".join(where)}
        ORDER BY l.dated_on DESC, l.id DESC
        """,
        params,
    )
    for row in result:
        row["file_exists"] = bool(row["file"]) and Path(row["file"]).exists()
    return result


# Letters that cannot arrive in time ------------------------------------------------


@dataclass(frozen=True)
class LateLetter:
    """A letter that cannot reach the family by post before its deadline."""

    household_id: int
    kind: str
    period: str
    deadline: date
    posted_on: date
    arrives_on: date
    sent: bool
    params: dict[str, Any] | None = None


def post_days(policy: Policy) -> int:
    """The working days the post needs (rules.POST_WORKING_DAYS, or the policy's)."""
    days = policy.post_working_days
    if not 0 <= days <= rules.POST_WORKING_DAYS_MAX:
        raise BostadError(
            _("[policy] post_working_days must be between 0 and {most}, not {days}").format(
                most=rules.POST_WORKING_DAYS_MAX, days=days
            )
        )
    return days


def letter_deadline(kind: str, context: dict[str, Any]) -> date | None:
    """The day a letter of ``kind`` must reach the family before: for the first letter
    the recovery deadline or the eviction, whichever comes first, or, when neither is
    ahead, the one that passed recently (it cannot be met by post: the letter is late);
    for support_ending the end of the soonest support; none for the others."""
    if kind == "outreach":
        found: list[date] = [
            x["date"] for x in (context.get("deadline"), context.get("eviction")) if x is not None
        ]
        if found:
            return min(found)
        passed: date | None = context.get("passed_deadline")
        return passed
    if kind == "support_ending" and context.get("supports"):
        ends: list[date] = [s["end"] for s in context["supports"]]
        return min(ends)
    return None


class _TooLateToPost(BostadError):
    """A support_ending letter that would arrive after the support has ended."""


def record_late(
    db: Database, late: LateLetter, *, letter_id: int | None, batch: str | None
) -> None:
    """Record a letter that cannot arrive in time (once per household, kind and
    period), in the caller's transaction, for the deadline screen."""
    import json

    db.execute(
        "INSERT OR IGNORE INTO late_letters (household_id, kind, period, letter_id, deadline,"
        " posted_on, arrives_on, sent, batch, params, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            late.household_id,
            late.kind,
            late.period,
            letter_id,
            late.deadline.isoformat(),
            late.posted_on.isoformat(),
            late.arrives_on.isoformat(),
            int(late.sent),
            batch,
            json.dumps(late.params, ensure_ascii=False) if late.params else None,
            now_utc(),
        ],
    )


def _late_of(item: BatchItem, posted_on: date, *, sent: bool) -> LateLetter:
    assert item.deadline is not None and item.arrives_on is not None
    return LateLetter(
        household_id=item.household_id,
        kind=item.kind,
        period=item.period,
        deadline=item.deadline,
        posted_on=posted_on,
        arrives_on=item.arrives_on,
        sent=sent,
        params=item.params(),
    )


def call_note(deadline: date, arrives_on: date, *, sent: bool) -> str:
    """The manifest's note for a letter that cannot arrive in time. In Swedish, like
    the letters and the manifest's other text meant for the post room and the unit."""
    from bostadcli.dates import format_date

    when = format_date(deadline, "long", locale="sv_SE")
    arrives = format_date(arrives_on, "long", locale="sv_SE")
    if sent:
        return f"ring eller gör hembesök: brevet kommer fram {arrives}, för sent för {when}"
    return (
        f"ring eller gör hembesök: brevet skickades inte, det skulle komma fram {arrives},"
        f" efter {when}"
    )


# Claims ------------------------------------------------------------------------------

# A claim held by a process on another machine (a database on a shared disk) cannot be
# checked: after this long it counts as left behind by a crash.
FOREIGN_CLAIM_HOURS = 12


@dataclass(frozen=True)
class RunOwner:
    """Who makes a batch's letters: this run, in this process on this machine."""

    run_id: str
    host: str
    pid: int
    pid_started: str | None

    @classmethod
    def current(cls) -> RunOwner:
        import socket
        import uuid

        pid = os.getpid()
        return cls(uuid.uuid4().hex, socket.gethostname(), pid, _process_started(pid))


def _process_started(pid: int) -> str | None:
    """When a process started (Linux: clock ticks since boot), so that a pid used again
    by a later process is not taken for the one that made a claim."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces.
    fields = text.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else None


def _claim_alive(claim: dict[str, Any], owner: RunOwner, *, now: datetime) -> bool:
    """Whether the run that holds ``claim`` may still be making its letter."""
    if claim["host"] != owner.host:
        claimed = datetime.fromisoformat(claim["claimed_utc"])
        return (now - claimed).total_seconds() < FOREIGN_CLAIM_HOURS * 3600
    pid = claim["pid"]
    if pid == owner.pid:
        # This process, but an earlier run in it (runs in one process follow each other).
        return bool(claim["run_id"] == owner.run_id)
    if not process_alive(pid):
        return False
    started = _process_started(pid)
    return not (claim["pid_started"] and started and started != claim["pid_started"])


def claim_letter(db: Database, item: BatchItem, owner: RunOwner) -> bool:
    """Claim ``item``'s letter for this run before its file is written, in a transaction
    of its own. False when the letter is made already or another live run holds it.

    A claim left by a run that died is taken over; that run's file, written but never
    recorded, is removed so that the post room cannot print the letter twice.
    """
    from datetime import UTC

    now = datetime.now(UTC).replace(microsecond=0)
    key = [item.household_id, item.kind, item.period]
    left_behind: str | None = None
    with transaction(db):
        made = one(
            db,
            "SELECT 1 AS x FROM letters WHERE household_id = ? AND kind = ? AND period = ?",
            key,
        )
        if made is not None:
            db.execute(
                "DELETE FROM letter_claims WHERE household_id = ? AND kind = ? AND period = ?",
                key,
            )
            return False
        claim = one(
            db,
            "SELECT * FROM letter_claims WHERE household_id = ? AND kind = ? AND period = ?",
            key,
        )
        if claim is not None and claim["run_id"] != owner.run_id:
            if _claim_alive(claim, owner, now=now):
                return False
            left_behind = claim["file"]
        db.execute(
            "INSERT OR REPLACE INTO letter_claims (household_id, kind, period, run_id, host,"
            " pid, pid_started, file, claimed_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                *key,
                owner.run_id,
                owner.host,
                owner.pid,
                owner.pid_started,
                str(item.file),
                now.isoformat(),
            ],
        )
    if left_behind and left_behind != str(item.file):
        _remove_unrecorded(Path(left_behind))
    return True


def _remove_unrecorded(path: Path) -> None:
    """A letter file a crashed run wrote and never recorded (a claim names it)."""
    try:
        if path.is_file() and not path.is_symlink():
            path.unlink()
    except OSError:
        pass


def release_claims(db: Database, owner: RunOwner, items: Iterable[BatchItem] = ()) -> None:
    """Give up this run's claims: of ``items``, or all of them when none are named."""
    with transaction(db):
        keys = [(i.household_id, i.kind, i.period) for i in items]
        if keys:
            db.conn.executemany(
                "DELETE FROM letter_claims WHERE household_id = ? AND kind = ? AND period = ?"
                " AND run_id = ?",
                [(*k, owner.run_id) for k in keys],
            )
        else:
            db.execute("DELETE FROM letter_claims WHERE run_id = ?", [owner.run_id])


# The monthly batch -------------------------------------------------------------------


@dataclass
class BatchItem:
    ref: str
    household_id: int
    kind: str
    period: str
    file: Path
    format: str
    state: str  # "new", "missing_file" (recorded, file gone) or "done" (recorded, file there)
    recipient: str = ""
    address: str = ""
    letter_id: int | None = None
    dated_on: date | None = None
    plan: str | None = None
    supports: tuple[int, ...] = ()
    # Made in Swedish for a household whose letters go out in another language.
    swedish_instead: bool = False
    # Why the case's records could not be read ("broken" items): the letter fails.
    problem: str | None = None
    # The day the letter must reach the family before (a recovery deadline, an
    # eviction, a support's end), and the day it arrives by post; late when it cannot
    # arrive in time (the caseworker must phone or visit).
    deadline: date | None = None
    arrives_on: date | None = None
    late: bool = False

    def params(self) -> dict[str, Any] | None:
        """What the letter is about beyond its key, as recorded with it."""
        found: dict[str, Any] = {}
        if self.plan:
            found["plan"] = self.plan
        if self.supports:
            found["supports"] = list(self.supports)
        return found or None


@dataclass
class BatchResult:
    period: str
    out_dir: Path
    items: list[BatchItem]
    made: list[BatchItem] = field(default_factory=list)
    recreated: list[BatchItem] = field(default_factory=list)
    already: list[BatchItem] = field(default_factory=list)
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # ref, kind, message
    # Claimed by another run going at the same time: that run makes them.
    elsewhere: list[BatchItem] = field(default_factory=list)
    # Made, but they cannot reach the family in time by post: phone or visit.
    late: list[BatchItem] = field(default_factory=list)
    # support_ending letters not made: they would arrive after the support has ended.
    not_sent: list[BatchItem] = field(default_factory=list)
    # A daily run: its name (the day, and a run number from the second run of a day).
    batch: str | None = None
    # Earlier daily runs that died before writing their print file and manifest, and
    # whose files this run wrote.
    finished_for: list[str] = field(default_factory=list)
    # Why a daily run made nothing: the day is not a working day (Saturday, a holiday).
    day_off: str | None = None
    manifest: Path | None = None
    combined: Path | None = None
    # Letters made in Swedish, by kind, for households whose letters go out in another
    # language: the kind has no template in it.
    swedish_instead: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Candidate:
    """A household that should get a kind of letter this period and has not had it,
    with what the letter is about: a plan, or supports."""

    household_id: int
    ref: str
    plan: str | None = None
    supports: tuple[int, ...] = ()
    # The case's records could not be read to decide: the letter is reported as failed.
    problem: str | None = None
    # Why the household gets no such letter although it would otherwise (in contact).
    skip: str | None = None


# (db, as_of, period, policy, daily): who should get a kind of letter.
Selector = Callable[["Database", date, str, Policy, bool], list[Candidate]]


def _outreach_candidates(
    db: Database, as_of: date, period: str, policy: Policy, daily: bool = False
) -> list[Candidate]:
    # Once per household, ever: a one-off outreach letter counts as well. The daily run
    # (in the morning) writes to the cases that arrived before that day: a case opened
    # today gets its letter on the next working day.
    #
    # A household already in contact with the unit (an active repayment plan, or a
    # call, a meeting or a home visit within the policy's recent_contact_days) gets no
    # "your landlord has told us" letter: it would tell the family what they know, as
    # if nobody had spoken to them. The dry run says why.
    from datetime import timedelta

    from bostadcli.dates import format_date

    found = rows(
        db,
        """
        SELECT h.id, h.ref,
            (SELECT p.ref FROM live_plans p WHERE p.household_id = h.id AND p.status = 'active'
             ORDER BY p.id LIMIT 1) AS plan,
            (SELECT c.kind || ' ' || c.contact_on FROM live_contacts c
             WHERE c.household_id = h.id AND c.automatic = 0 AND c.status = 'held'
                AND c.kind IN ('phone', 'meeting', 'home_visit')
                AND c.contact_on BETWEEN :since AND :as_of
             ORDER BY c.contact_on DESC, c.id DESC LIMIT 1) AS contact
        FROM live_households h
        WHERE h.status = 'open' AND h.source IN ('landlord', 'enforcement')
            AND (h.opened_on < :as_of OR (h.opened_on = :as_of AND NOT :daily))
            AND NOT EXISTS (SELECT 1 FROM letters l
                            WHERE l.household_id = h.id AND l.kind = 'outreach')
        ORDER BY h.ref
        """,
        {
            "as_of": as_of.isoformat(),
            "daily": int(daily),
            "since": (as_of - timedelta(days=policy.recent_contact_days)).isoformat(),
        },
    )
    result = []
    for r in found:
        reason = None
        if r["plan"]:
            reason = _("already in contact: repayment plan {plan}").format(plan=r["plan"])
        elif r["contact"]:
            kind, _sep, on = str(r["contact"]).partition(" ")
            try:
                when = format_date(date.fromisoformat(on), "long")
            except ValueError:
                when = on
            reason = _("already in contact: {contact} on {date}").format(
                contact=_(_CONTACT_WORDS[kind]), date=when
            )
        result.append(Candidate(r["id"], r["ref"], skip=reason))
    return result


_CONTACT_WORDS = {
    "phone": N_("a call"),
    "meeting": N_("a meeting"),
    "home_visit": N_("a home visit"),
}


def _reminder_candidates(
    db: Database, as_of: date, period: str, policy: Policy, daily: bool = False
) -> list[Candidate]:
    """Open households with a plan behind or broken on ``as_of``: one reminder a month."""
    from bostadcli.plans import iter_open_case_plans, urgency
    from bostadcli.vocab import PlanState

    reminded = {
        r["household_id"]
        for r in rows(
            db,
            "SELECT household_id FROM letters WHERE kind = 'plan_reminder' AND period = ?",
            [period],
        )
    }
    # A household with two plans is reminded of the more urgent one (broken before
    # behind, as plans are listed).
    found: dict[str, dict[str, Any]] = {}
    broken: list[Candidate] = []
    try:
        plans = list(iter_open_case_plans(db, as_of=as_of, policy=policy))
    except Exception:
        # A plan whose records cannot be read: judge the plans case by case, so that
        # only that household's reminder fails.
        plans, broken = _plans_one_by_one(db, as_of=as_of, policy=policy)
    for plan in plans:
        if plan["state"] not in (PlanState.behind.value, PlanState.broken.value):
            continue
        known = found.get(plan["household"])
        if known is None or urgency(plan) < urgency(known):
            found[plan["household"]] = plan
    return sorted(
        [
            Candidate(found[ref]["household_id"], ref, plan=found[ref]["ref"])
            for ref in found
            if found[ref]["household_id"] not in reminded
        ]
        + [c for c in broken if c.household_id not in reminded],
        key=lambda c: c.ref,
    )


def _plans_one_by_one(
    db: Database, *, as_of: date, policy: Policy
) -> tuple[list[dict[str, Any]], list[Candidate]]:
    """The active plans of open cases, household by household; the households whose
    plans cannot be read as failed candidates."""
    from bostadcli.plans import household_plans

    plans: list[dict[str, Any]] = []
    broken: list[Candidate] = []
    for case in rows(
        db,
        """
        SELECT DISTINCT h.id, h.ref FROM live_households h JOIN plans p ON p.household_id = h.id
        WHERE p.status = 'active' ORDER BY h.ref
        """,
    ):
        try:
            found = household_plans(db, case["id"], as_of=as_of, policy=policy)
        except Exception as exc:
            broken.append(Candidate(case["id"], case["ref"], problem=failure_message(exc)))
            continue
        plans += [
            p | {"household_id": case["id"], "household": case["ref"]}
            for p in found
            if p["status"] == "active"
        ]
    return plans, broken


def _support_ending_candidates(
    db: Database, as_of: date, period: str, policy: Policy, daily: bool = False
) -> list[Candidate]:
    """Open households with a time-limited support that ends within the policy's
    ``support_ending_warning_days`` of ``as_of``: one letter per support, ever (a
    letter not sent because it would have arrived too late counts: the caseworker
    phones instead).

    A household whose supports end close together gets one letter naming all of them
    that have had none. The key is (household, kind, month): a household that has had
    its letter this month waits until next month for a support that came into the
    window since (if the support has not ended by then).
    """
    from bostadcli.supports import support_ending_candidates

    told = {
        int(r["value"])
        for r in rows(
            db,
            """
            SELECT DISTINCT j.value FROM letters l, json_each(l.params, '$.supports') j
            WHERE l.kind = 'support_ending' AND json_valid(l.params)
            UNION
            SELECT DISTINCT j.value FROM late_letters ll, json_each(ll.params, '$.supports') j
            WHERE ll.kind = 'support_ending' AND ll.sent = 0 AND json_valid(ll.params)
            """,
        )
    }
    this_month = {
        r["household_id"]
        for r in rows(
            db,
            "SELECT household_id FROM letters WHERE kind = 'support_ending' AND period = ?",
            [period],
        )
    }
    by_household: dict[str, list[dict[str, Any]]] = {}
    broken: dict[str, Candidate] = {}
    days = policy.support_ending_warning_days
    try:
        ending = support_ending_candidates(db, as_of, days)
    except Exception:
        ending, broken = _supports_one_by_one(db, as_of, days)
    for support in ending:
        if support["id"] in told or support["household_id"] in this_month:
            continue
        by_household.setdefault(support["ref"], []).append(support)
    return [
        broken.get(ref)
        or Candidate(found[0]["household_id"], ref, supports=tuple(s["id"] for s in found))
        for ref, found in sorted(by_household.items())
    ]


def _supports_one_by_one(
    db: Database, as_of: date, days: int
) -> tuple[list[dict[str, Any]], dict[str, Candidate]]:
    """``support_ending_candidates`` support by support, when one of them cannot be
    read: the households with such a support as failed candidates."""
    from datetime import timedelta

    from bostadcli.supports import get_support

    found: list[dict[str, Any]] = []
    broken: dict[str, Candidate] = {}
    for row in rows(
        db,
        """
        SELECT s.id, s.household_id, h.ref FROM supports s
        JOIN live_households h ON h.id = s.household_id
        WHERE s.ended_on IS NULL AND s.end_on IS NOT NULL
            AND s.end_on BETWEEN :from AND :to
        ORDER BY s.end_on, h.ref, s.id
        """,
        {"from": as_of.isoformat(), "to": (as_of + timedelta(days=days)).isoformat()},
    ):
        try:
            get_support(db, row["id"], as_of=as_of)
        except Exception as exc:
            broken.setdefault(
                row["ref"],
                Candidate(row["household_id"], row["ref"], problem=failure_message(exc)),
            )
        found.append(row)
    return found, broken


SELECTORS: dict[str, Selector] = {
    "outreach": _outreach_candidates,
    "plan_reminder": _reminder_candidates,
    "support_ending": _support_ending_candidates,
}


def monthly_kinds(only: str | None) -> list[str]:
    if only is None:
        return list(SELECTORS)
    kind = letter_kind(only, field="--only")
    if kind.code not in SELECTORS:
        raise InvalidInput(
            "--only",
            only,
            _("not a letter of the monthly batch; these are: {kinds}").format(
                kinds=", ".join(SELECTORS)
            ),
        )
    return [kind.code]


def default_out_dir(period: str) -> Path:
    return Path(f"brev-{period}")


def plan_monthly(
    db: Database,
    *,
    month: date,
    as_of: date,
    out_dir: Path,
    fmt: str,
    only: str | None = None,
    policy: Policy | None = None,
    daily: bool = False,
) -> list[BatchItem]:
    """Who gets which letter this month: new ones, and recorded ones (with or without
    their file). ``policy`` decides how far ahead a support's end is announced;
    ``daily``, a daily run's first letters go to cases that arrived before ``as_of``."""
    import json

    fmt = letter_format(fmt)
    policy = policy or Policy()
    period = month.strftime("%Y-%m")
    if (month.year, month.month) > (as_of.year, as_of.month):
        raise InvalidInput("--month", period, _("is after the --as-of date"))
    kinds = monthly_kinds(only)
    items: list[BatchItem] = []
    for kind in kinds:
        for found in SELECTORS[kind](db, as_of, period, policy, daily):
            items.append(
                BatchItem(
                    ref=found.ref,
                    household_id=found.household_id,
                    kind=kind,
                    period=period,
                    file=out_dir / default_file_name(_file_safe(found.ref), kind, fmt),
                    format=fmt,
                    state=("broken" if found.problem else "in_contact" if found.skip else "new"),
                    plan=found.plan,
                    supports=found.supports,
                    problem=found.problem or found.skip,
                )
            )
    marks = ", ".join("?" for _k in kinds)
    for row in rows(
        db,
        f"""
        SELECT l.*, h.ref FROM letters l JOIN live_households h ON h.id = l.household_id
        WHERE l.period = ? AND l.kind IN ({marks}) ORDER BY h.ref, l.kind
        """,
        [period, *kinds],
    ):
        try:
            file = Path(row["file"])
            recorded = json.loads(row["params"]) if row["params"] else {}
            dated_on = date.fromisoformat(row["dated_on"])
            if not isinstance(recorded, dict):
                raise ValueError(f"params: {row['params']}")
        except Exception as exc:
            items.append(
                BatchItem(
                    ref=row["ref"],
                    household_id=row["household_id"],
                    kind=row["kind"],
                    period=period,
                    file=Path(str(row["file"])),
                    format=str(row["format"]),
                    state="broken",
                    letter_id=row["id"],
                    problem=failure_message(exc),
                )
            )
            continue
        items.append(
            BatchItem(
                ref=row["ref"],
                household_id=row["household_id"],
                kind=row["kind"],
                period=period,
                file=file,
                format=row["format"],
                state="done" if file.exists() else "missing_file",
                recipient=row["recipient"],
                address=row["address"],
                letter_id=row["id"],
                dated_on=dated_on,
                plan=recorded.get("plan"),
                supports=tuple(recorded.get("supports", ())),
            )
        )
    items.sort(key=lambda i: (i.ref, i.kind))
    return items


def preview_monthly(
    db: Database,
    *,
    config: Config,
    month: date,
    as_of: date,
    out_dir: Path,
    fmt: str,
    only: str | None = None,
    user_dir: Path | None = None,
    daily: bool = False,
) -> list[BatchItem]:
    """What a run would make (``--dry-run``), writing nothing: the letterhead and the
    templates are checked as in a real run. A daily run makes only new letters."""
    from bostadcli.workdays import add_working_days

    fmt = letter_format(fmt)
    check_letterhead(config)
    days = post_days(config.policy)
    prepare_templates(templating.environment(user_dir), monthly_kinds(only), fmt)
    folder = out_dir.expanduser().absolute()
    items = plan_monthly(
        db,
        month=month,
        as_of=as_of,
        out_dir=folder,
        fmt=fmt,
        only=only,
        policy=config.policy,
        daily=daily,
    )
    for item in items:
        if item.state == "new":
            try:
                context = build_context(
                    db,
                    item.ref,
                    KINDS[item.kind],
                    config=config,
                    as_of=as_of,
                    plan=item.plan,
                    supports=item.supports,
                )
            except Exception as exc:
                item.state, item.problem = "broken", failure_message(exc)
                continue
            item.recipient = " och ".join(context["recipient"]["names"])
            item.address = "\n".join(context["recipient"]["lines"])
            if fmt != "txt" and context["address_problem"]:
                item.state, item.problem = "broken", context["address_problem"]
            item.deadline = letter_deadline(item.kind, context)
            if item.deadline is not None:
                item.arrives_on = add_working_days(as_of, days)
                item.late = item.arrives_on >= item.deadline
                if item.kind == "support_ending" and item.arrives_on > item.deadline:
                    item.state = "not_sent"
    if daily:
        return [i for i in items if i.state in ("new", "broken", "not_sent", "in_contact")]
    return [i for i in items if i.state != "done"]


Progress = Callable[[int, int, BatchItem | None], None]


def run_monthly(
    db: Database,
    *,
    config: Config,
    month: date,
    as_of: date,
    out_dir: Path,
    fmt: str,
    only: str | None = None,
    user_dir: Path | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Make the month's letters: one file each, recorded one at a time, then the
    manifest and (for PDF) one combined file for printing.

    Problems with single letters are collected in the result and the rest go on; a
    problem that would spoil every letter (a broken template, no letterhead, a folder
    that cannot be written, no WeasyPrint) stops the run before anything is written.
    PDF letters are laid out in worker processes, one per core; this process builds
    each letter's text from the database, and writes and records each letter (one
    transaction, after its file exists) when its PDF comes back.
    """
    return _run_batch(
        db,
        config=config,
        month=month,
        as_of=as_of,
        out_dir=out_dir,
        fmt=fmt,
        only=only,
        user_dir=user_dir,
        progress=progress,
        daily=False,
    )


def run_daily(
    db: Database,
    *,
    config: Config,
    as_of: date,
    out_dir: Path,
    fmt: str,
    only: str | None = None,
    user_dir: Path | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Make the letters due on ``as_of``, a working day: the month's batch letters not
    yet made (a first letter the day after the case arrived, a reminder the day an
    installment is past its grace days, a support's end in time), each once.

    The run is a batch of its own, named by the day (``2026-11-16``, then
    ``2026-11-16-2`` for a second run that day): its letters carry the name, and its
    print file and manifest (``utskrift-NAME.pdf``, ``manifest-NAME.csv``) hold only
    its letters and are never written over. A run that died before writing them has
    them written by the next run. On a day that is not a working day nothing is made
    (``day_off`` says why): the post does not go.
    """
    from bostadcli.workdays import non_working_reason

    fmt = letter_format(fmt)
    reason = non_working_reason(as_of)
    if reason is not None:
        return BatchResult(
            period=as_of.strftime("%Y-%m"), out_dir=out_dir, items=[], day_off=reason
        )
    return _run_batch(
        db,
        config=config,
        month=as_of.replace(day=1),
        as_of=as_of,
        out_dir=out_dir,
        fmt=fmt,
        only=only,
        user_dir=user_dir,
        progress=progress,
        daily=True,
    )


def _run_batch(
    db: Database,
    *,
    config: Config,
    month: date,
    as_of: date,
    out_dir: Path,
    fmt: str,
    only: str | None,
    user_dir: Path | None,
    progress: Progress | None,
    daily: bool,
) -> BatchResult:
    fmt = letter_format(fmt)
    check_letterhead(config)
    post_days(config.policy)
    env = templating.environment(user_dir)
    kinds = monthly_kinds(only)
    versions = prepare_templates(env, kinds, fmt)
    workers = 1
    if fmt == "pdf":
        from bostadcli.pdf import pdf_problem, worker_count

        problem = pdf_problem()
        if problem:
            from bostadcli.pdf import PdfUnavailable

            raise PdfUnavailable(problem)
        workers = worker_count()
    folder = prepare_out_dir(out_dir)
    items = plan_monthly(
        db,
        month=month,
        as_of=as_of,
        out_dir=folder,
        fmt=fmt,
        only=only,
        policy=config.policy,
        daily=daily,
    )
    period = month.strftime("%Y-%m")
    result = BatchResult(period=period, out_dir=folder, items=items)
    base_url = _base_url(user_dir)
    owner = RunOwner.current()
    if daily:
        # A daily run makes what is new; a lost file of an earlier day was in that
        # day's print file already.
        todo = [i for i in items if i.state in ("new", "broken")]
        result.finished_for = finish_dead_batches(db, owner, pages={})
        result.batch = _open_batch(db, owner, day=as_of, folder=folder, fmt=fmt)
    else:
        todo = [i for i in items if i.state not in ("done", "in_contact")]
        result.already = [i for i in items if i.state == "done"]
    batch = _Batch(
        db,
        env,
        result,
        config=config,
        as_of=as_of,
        base_url=base_url,
        versions=versions,
        progress=progress,
        total=len(todo),
        owner=owner,
        batch=result.batch,
    )
    if progress:
        progress(0, len(todo), None)
    try:
        if workers > 1 and sum(1 for i in todo if i.format == "pdf") > 1:
            batch.run_parallel(todo, min(workers, len(todo)))
        else:
            for item in todo:
                batch.run_one(item)
    finally:
        # Interrupted: the letters this run claimed and did not finish go to the next run.
        release_claims(db, owner)
    if result.batch is not None:
        _finish_daily(db, result, batch.pages)
    else:
        _finish_batch(db, result, batch.pages)
    return result


# Daily batches ----------------------------------------------------------------------


def _batch_files(folder: Path, name: str) -> tuple[Path, Path]:
    return folder / f"manifest-{name}.csv", folder / f"utskrift-{name}.pdf"


def _open_batch(db: Database, owner: RunOwner, *, day: date, folder: Path, fmt: str) -> str:
    """A new batch, named by the day and, from the second run of a day on, a number:
    a name no batch has had and whose files do not exist in ``folder``."""
    with transaction(db):
        taken = {
            r["name"]
            for r in rows(db, "SELECT name FROM letter_batches WHERE day = ?", [day.isoformat()])
        }
        number = 1
        while True:
            name = day.isoformat() if number == 1 else f"{day.isoformat()}-{number}"
            if name not in taken and not any(p.exists() for p in _batch_files(folder, name)):
                break
            number += 1
        insert(
            db,
            "letter_batches",
            {
                "name": name,
                "day": day.isoformat(),
                "out_dir": str(folder),
                "format": fmt,
                "run_id": owner.run_id,
                "host": owner.host,
                "pid": owner.pid,
                "pid_started": owner.pid_started,
                "started_utc": now_utc(),
            },
        )
    return name


def finish_dead_batches(db: Database, owner: RunOwner, *, pages: dict[str, int]) -> list[str]:
    """Write the print file and manifest of daily runs that died before writing them
    (their process is gone), so their letters reach the post room. Returns their names."""
    from datetime import UTC

    now = datetime.now(UTC).replace(microsecond=0)
    done = []
    for batch in rows(db, "SELECT * FROM letter_batches WHERE finished_utc IS NULL"):
        if _claim_alive(batch | {"claimed_utc": batch["started_utc"]}, owner, now=now):
            continue
        folder = Path(batch["out_dir"])
        result = BatchResult(period="", out_dir=folder, items=[], batch=batch["name"])
        try:
            _finish_daily(db, result, pages)
        except BostadError:
            continue  # the folder has gone or cannot be written: tried again next run
        done.append(batch["name"])
    return done


def _finish_daily(db: Database, result: BatchResult, pages_made: dict[str, int]) -> None:
    """The run's own print file and manifest: its letters, the letters it could not
    send (too late) and its failures. Never over an existing file; none when the run
    had nothing to say."""
    name = result.batch
    assert name is not None
    letters = _manifest_letters(db, "l.batch = ?", [name])
    not_sent = _not_sent_rows(db, "ll.batch = ?", [name])
    if not letters and not not_sent and not result.failed:
        with transaction(db):
            db.execute("DELETE FROM letter_batches WHERE name = ?", [name])
        result.batch = None
        return
    manifest, combined = _batch_files(result.out_dir, name)
    if not manifest.exists():
        _write_outputs(
            db, result, letters, not_sent, pages_made, manifest=manifest, combined=combined
        )
    with transaction(db):
        db.execute("UPDATE letter_batches SET finished_utc = ? WHERE name = ?", [now_utc(), name])


def failure_message(exc: BaseException) -> str:
    """One line on why a letter failed. An error the program did not foresee comes from
    a case whose records cannot be read (written past the program, or damaged): say
    so, and keep its text (which may hold anything) on one short line."""
    from bostadcli.errors import one_line, shown

    if isinstance(exc, BostadError):
        return one_line(exc.message)
    return _("the case's records cannot be read ({error}): correct them, then run again").format(
        error=shown(f"{type(exc).__name__}: {exc}", 160)
    )


@dataclass
class _Draft:
    """A batch letter as far as this process takes it: its context and its text."""

    item: BatchItem
    context: dict[str, Any]
    text: str
    dated_on: date
    template: str


class _Batch:
    """The letters of one monthly run, made, written and recorded one at a time."""

    def __init__(
        self,
        db: Database,
        env: Environment,
        result: BatchResult,
        *,
        config: Config,
        as_of: date,
        base_url: str | None,
        versions: dict[str, str],
        progress: Progress | None,
        total: int,
        owner: RunOwner,
        batch: str | None = None,
    ) -> None:
        self.db, self.env, self.result = db, env, result
        self.owner, self.batch = owner, batch
        self.config, self.as_of, self.base_url = config, as_of, base_url
        self.versions, self.progress, self.total = versions, progress, total
        self.done = 0
        # Kinds whose template took too long to make a letter: it loops, and each of
        # the rest would wait as long again; they fail at once with the same reason.
        self.stopped: dict[str, str] = {}
        # Pages of the PDF letters made in this run, for the manifest: no need to read
        # the files again.
        self.pages: dict[str, int] = {}

    def claim(self, item: BatchItem) -> bool:
        """Claim a new letter before anything is made of it; a letter another run holds
        (or has made meanwhile) is left to it."""
        if item.state == "broken":
            self._fail(item, BostadError(item.problem or ""))
            return False
        if item.kind in self.stopped:
            self._fail(
                item,
                BostadError(_("not made: {reason}").format(reason=self.stopped[item.kind])),
            )
            return False
        if item.state != "new" or claim_letter(self.db, item, self.owner):
            return True
        self.result.elsewhere.append(item)
        self._tick(item)
        return False

    def run_one(self, item: BatchItem) -> None:
        if not self.claim(item):
            return
        try:
            if item.state == "new":
                _make_batch_letter(
                    self.db,
                    self.env,
                    item,
                    config=self.config,
                    as_of=self.as_of,
                    base_url=self.base_url,
                    versions=self.versions,
                    pages=self.pages,
                    claim_run=self.owner.run_id,
                    batch=self.batch,
                )
            else:
                _recreate_batch_letter(
                    self.db,
                    self.env,
                    item,
                    config=self.config,
                    base_url=self.base_url,
                    pages=self.pages,
                )
            self._sort(item)
        except Exception as exc:
            self._fail(item, exc)
            return
        self._tick(item)

    def run_parallel(self, todo: list[BatchItem], workers: int) -> None:
        """PDF layout in ``workers`` processes while this one drafts the next letters.

        A few letters per worker wait in line, so no worker idles; each letter is
        written and recorded here as soon as its PDF is back.
        """
        from concurrent.futures import FIRST_COMPLETED, wait

        from bostadcli.pdf import RenderPool, letter_meta

        window = 2 * workers
        pending: dict[Future[tuple[bytes | None, int]], _Draft] = {}
        queue = iter(todo)
        with RenderPool(workers) as pool:

            def fill() -> None:
                while len(pending) < window and (item := next(queue, None)) is not None:
                    if not self.claim(item):
                        continue
                    try:
                        draft = _draft(
                            self.db, self.env, item, config=self.config, as_of=self.as_of
                        )
                    except Exception as exc:
                        self._fail(item, exc)
                        continue
                    if item.format == "pdf":
                        meta = letter_meta(draft.context, KINDS[item.kind].label)
                        pending[
                            pool.submit(draft.text, self.base_url, one_page=True, meta=meta)
                        ] = draft
                    else:  # a lost HTML or text letter of an earlier run
                        self._store(draft, draft.text.encode("utf-8"))

            fill()
            while pending:
                done, _running = wait(pending, return_when=FIRST_COMPLETED)
                for job in done:
                    draft = pending.pop(job)
                    item = draft.item
                    try:
                        content, pages = job.result()
                    except Exception as exc:
                        self._fail(item, exc)
                        continue
                    if content is not None:
                        self.pages[str(item.file)] = pages
                        self._store(draft, content)
                        continue
                    # Longer than a page: again with page numbers, as in render_context.
                    try:
                        draft.text = render_text(
                            self.env, item.kind, item.format, draft.context, multipage=True
                        )
                    except Exception as exc:
                        self._fail(item, exc)
                        continue
                    meta = letter_meta(draft.context, KINDS[item.kind].label)
                    pending[pool.submit(draft.text, self.base_url, meta=meta)] = draft
                fill()

    def _store(self, draft: _Draft, content: bytes) -> None:
        item = draft.item
        try:
            if item.state == "new":
                _store_new_letter(
                    self.db,
                    draft,
                    content,
                    version=self.versions[draft.template],
                    as_of=self.as_of,
                    claim_run=self.owner.run_id,
                    batch=self.batch,
                )
            else:
                _store_recreated_letter(self.db, self.env, draft, content)
            self._sort(item)
        except Exception as exc:
            self._fail(item, exc)
            return
        self._tick(item)

    def _fail(self, item: BatchItem, exc: Exception) -> None:
        """One letter failed: say why, give up its claim (the next run tries again),
        and go on with the others."""
        if isinstance(exc, _TooLateToPost):
            # Not a failure: the letter is not sent, the caseworker phones or visits.
            # Recorded once, so later runs do not take it up again.
            with transaction(self.db):
                record_late(
                    self.db,
                    _late_of(item, self.as_of, sent=False),
                    letter_id=None,
                    batch=self.batch,
                )
            self.result.not_sent.append(item)
            release_claims(self.db, self.owner, [item])
            self._tick(item)
            return
        self.result.failed.append((item.ref, item.kind, failure_message(exc)))
        if isinstance(exc, templating.TemplateTimeout):
            self.stopped.setdefault(item.kind, exc.message)
        if item.state == "new":
            release_claims(self.db, self.owner, [item])
        self._tick(item)

    def _sort(self, item: BatchItem) -> None:
        if item.swedish_instead:
            counts = self.result.swedish_instead
            counts[item.kind] = counts.get(item.kind, 0) + 1
        if item.state != "new":
            self.result.recreated.append(item)
        elif item.letter_id is None:
            self.result.already.append(item)
        else:
            self.result.made.append(item)
            if item.late:
                self.result.late.append(item)

    def _tick(self, item: BatchItem) -> None:
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total, item)


def _draft(
    db: Database, env: Environment, item: BatchItem, *, config: Config, as_of: date
) -> _Draft:
    """Context and text of a batch letter: a new one dated ``as_of``, a lost one as it
    was first dated."""
    if item.state == "new":
        dated_on = as_of
    else:
        assert item.dated_on is not None and item.letter_id is not None
        dated_on = item.dated_on
    context = build_context(
        db,
        item.ref,
        KINDS[item.kind],
        config=config,
        as_of=dated_on,
        plan=item.plan,
        supports=item.supports,
    )
    if item.state == "new":
        from bostadcli.workdays import add_working_days

        item.deadline = letter_deadline(item.kind, context)
        if item.deadline is not None:
            # Posted today, it arrives after the post's working days; it is in time when
            # that is before the deadline day (the family has a day to act).
            item.arrives_on = add_working_days(as_of, post_days(config.policy))
            item.late = item.arrives_on >= item.deadline
            if item.kind == "support_ending" and item.arrives_on > item.deadline:
                raise _TooLateToPost(_("it would arrive after the support has ended: not sent"))
    name, language = _chosen(env, item.kind, item.format, context)
    item.swedish_instead = language != context["household"]["letter_language"]
    text = render_text(env, item.kind, item.format, context)
    return _Draft(item, context, text, dated_on, name)


def _content(draft: _Draft, env: Environment, base_url: str | None) -> tuple[bytes, int | None]:
    """The file's bytes, made here (a PDF in this process)."""
    item = draft.item
    if item.format != "pdf":
        return draft.text.encode("utf-8"), None
    return render_context(env, item.kind, item.format, draft.context, base_url=base_url)


def _make_batch_letter(
    db: Database,
    env: Environment,
    item: BatchItem,
    *,
    config: Config,
    as_of: date,
    base_url: str | None,
    versions: dict[str, str],
    pages: dict[str, int],
    claim_run: str | None = None,
    batch: str | None = None,
) -> None:
    draft = _draft(db, env, item, config=config, as_of=as_of)
    content, count = _content(draft, env, base_url)
    if count is not None:
        pages[str(item.file)] = count
    _store_new_letter(
        db,
        draft,
        content,
        version=versions[draft.template],
        as_of=as_of,
        claim_run=claim_run,
        batch=batch,
    )


def _store_new_letter(
    db: Database,
    draft: _Draft,
    content: bytes,
    *,
    version: str,
    as_of: date,
    claim_run: str | None = None,
    batch: str | None = None,
) -> None:
    """Write the file, then record it (one transaction): never a record without a file."""
    import sqlite3

    item, context = draft.item, draft.context
    letter = Rendered(
        ref=item.ref,
        kind=item.kind,
        format=item.format,
        content=content,
        recipient=" och ".join(context["recipient"]["names"]),
        address="\n".join(context["recipient"]["lines"]),
        template_version=version,
        dated_on=as_of,
    )
    write_private_file(item.file, content, force=True, protect=database_files(db))
    try:
        item.letter_id = record_letter(
            db,
            letter,
            period=item.period,
            file=item.file,
            params=item.params(),
            caseworker=context["caseworker"]["name"],
            as_of=as_of,
            claim_run=claim_run,
            batch=batch,
            late=_late_of(item, as_of, sent=True) if item.late else None,
        )
    except sqlite3.IntegrityError:
        # Another run recorded this key meanwhile; its file is the same letter.
        item.letter_id = None
        return
    item.recipient, item.address, item.dated_on = letter.recipient, letter.address, as_of


def _recreate_batch_letter(
    db: Database,
    env: Environment,
    item: BatchItem,
    *,
    config: Config,
    base_url: str | None,
    pages: dict[str, int],
) -> None:
    """A recorded letter whose file is gone: make it again as it was dated."""
    assert item.dated_on is not None
    draft = _draft(db, env, item, config=config, as_of=item.dated_on)
    content, count = _content(draft, env, base_url)
    if count is not None:
        pages[str(item.file)] = count
    _store_recreated_letter(db, env, draft, content)


def _store_recreated_letter(db: Database, env: Environment, draft: _Draft, content: bytes) -> None:
    item = draft.item
    private_folder(item.file.parent)
    write_private_file(item.file, content, force=True, protect=database_files(db))
    version = templating.template_version(env, [draft.template])
    with transaction(db):
        db.execute(
            "UPDATE letters SET template_version = ? WHERE id = ?", [version, item.letter_id]
        )


# status: made, or failed (with the reason as the note): the post room sees which
# households got no letter from the run and must be seen to.
MANIFEST_FIELDS = (
    "reference",
    "kind",
    "recipient",
    "address",
    "file",
    "format",
    "pages",
    "status",
    "note",
)


def _neutralise(value: str) -> str:
    # A spreadsheet runs cells that start like a formula (OWASP "CSV injection").
    return "'" + value if value.startswith(("=", "+", "-", "@", "\t", "\r")) else value


def _manifest_letters(db: Database, where: str, params: list[Any]) -> list[dict[str, Any]]:
    return rows(
        db,
        f"""
        SELECT h.ref, l.kind, l.recipient, l.address, l.file, l.format,
            ll.deadline, ll.arrives_on
        FROM letters l JOIN live_households h ON h.id = l.household_id
        LEFT JOIN late_letters ll ON ll.letter_id = l.id
        WHERE {where} ORDER BY h.ref, l.kind
        """,
        params,
    )


def _not_sent_rows(db: Database, where: str, params: list[Any]) -> list[dict[str, Any]]:
    return rows(
        db,
        f"""
        SELECT h.ref, ll.kind, ll.deadline, ll.arrives_on
        FROM late_letters ll JOIN live_households h ON h.id = ll.household_id
        WHERE ll.sent = 0 AND {where} ORDER BY h.ref, ll.kind
        """,
        params,
    )


def _finish_batch(db: Database, result: BatchResult, pages_made: dict[str, int]) -> None:
    """The manifest and the combined PDF describe the whole month, so that a rerun
    after a crash gives the post room the complete set."""
    letters = _manifest_letters(db, "l.period = ?", [result.period])
    not_sent = _not_sent_rows(db, "ll.period = ?", [result.period])
    _write_outputs(
        db,
        result,
        letters,
        not_sent,
        pages_made,
        manifest=result.out_dir / f"manifest-{result.period}.csv",
        combined=result.out_dir / f"utskrift-{result.period}.pdf",
    )


def _write_outputs(
    db: Database,
    result: BatchResult,
    letters: list[dict[str, Any]],
    not_sent: list[dict[str, Any]],
    pages_made: dict[str, int],
    *,
    manifest: Path,
    combined: Path,
) -> None:
    from bostadcli import pdf

    present = [r for r in letters if r["file"] and Path(r["file"]).exists()]
    failed = [(ref, kind, message) for ref, kind, message in result.failed if ref]
    if not present and not failed and not not_sent:
        return
    pdfs = [Path(r["file"]) for r in present if r["format"] == "pdf"]
    pages: dict[str, int] = {}
    if pdfs:
        try:
            for path in pdfs:
                known = pages_made.get(str(path))
                pages[str(path)] = known if known is not None else pdf.page_count(path)
            data = pdf.combine(
                pdfs,
                title=pdf.print_title(result.batch or result.period),
                bookmarks=[
                    f"{r['ref']} {kind_label(r['kind'])}" for r in present if r["format"] == "pdf"
                ],
            )
            write_private_file(combined, data, force=True, protect=database_files(db))
            result.combined = combined
        except BostadError as exc:
            result.failed.append(("", "combined PDF", exc.message))
        except Exception as exc:  # pypdf's errors on a damaged letter file
            result.failed.append(("", "combined PDF", f"{type(exc).__name__}: {exc}"))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(MANIFEST_FIELDS)
    for r in present:
        path = Path(r["file"])
        shown = path.name if path.parent == result.out_dir else str(path)
        writer.writerow(
            [
                r["ref"],
                r["kind"],
                _neutralise(r["recipient"]),
                _neutralise(", ".join(r["address"].splitlines())),
                shown,
                r["format"],
                pages.get(str(path), ""),
                "made",
                call_note(
                    date.fromisoformat(r["deadline"]),
                    date.fromisoformat(r["arrives_on"]),
                    sent=True,
                )
                if r["deadline"]
                else "",
            ]
        )
    for r in not_sent:
        note = call_note(
            date.fromisoformat(r["deadline"]), date.fromisoformat(r["arrives_on"]), sent=False
        )
        writer.writerow([_neutralise(r["ref"]), r["kind"], "", "", "", "", "", "not_sent", note])
    for ref, kind, message in failed:
        writer.writerow(
            [_neutralise(ref), kind, "", "", "", "", "", "failed", _neutralise(message)]
        )
    write_private_file(
        manifest, buffer.getvalue().encode("utf-8"), force=True, protect=database_files(db)
    )
    result.manifest = manifest
