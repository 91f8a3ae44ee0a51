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
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bostadcli import templating, validate
from bostadcli.config import Config, Policy
from bostadcli.db import insert, now_utc, one, rows, transaction
from bostadcli.errors import BostadError, ConsentRequired, InvalidInput
from bostadcli.files import (
    check_target,
    claim,
    database_files,
    file_mode,
    private_folder,
    remove_stale_temporaries,
    temporary_path,
    write_private_file,
)
from bostadcli.households import household_id
from bostadcli.i18n import N_, _
from bostadcli.money import Money
from bostadcli.vocab import ContactKind, HousingSituation, Source

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
    landlord = case["landlord_detail"]
    caseworker = case["caseworker"] or lh.default_caseworker or None
    # The assigned caseworker's direct phone and e-mail; the unit's where they have none.
    assigned = one(
        db,
        "SELECT c.phone, c.email FROM caseworkers c JOIN households h"
        " ON h.caseworker_id = c.id WHERE h.ref = ?",
        [case["ref"]],
    )
    direct_phone = (assigned or {}).get("phone") or lh.phone
    direct_email = (assigned or {}).get("email") or lh.email
    children = [m for m in members if m["is_child"]]
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
        "recipient": {"names": list(names), "lines": names + address_lines},
        "tenant_names": names,
        "address_problem": (
            None
            if postable
            else _("a letter on paper needs the household's street and postal code")
        ),
        "params": params or {},
        "multipage": False,
    }


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
    return context


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
    """Render a built context to the bytes of a file, and the number of pages of a PDF."""
    text = render_text(env, kind, fmt, context)
    if fmt != "pdf":
        return text.encode("utf-8"), None
    from bostadcli.pdf import html_to_pdf, one_page_pdf

    data, pages = one_page_pdf(text, base_url=base_url)
    if data is None:
        # Page numbers only on letters that need them; the layout decides on a second pass.
        text = render_text(env, kind, fmt, context, multipage=True)
        data, pages = html_to_pdf(text, base_url=base_url)
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
) -> int:
    """Record a letter whose file exists, and log it in the household's contacts."""
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
            },
        )
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
    return letter_id


@dataclass(frozen=True)
class OneOff:
    letter: Rendered
    file: Path | None
    letter_id: int | None


def default_file_name(ref: str, kind: str, fmt: str) -> str:
    return f"{ref}-{kind}.{EXTENSIONS[fmt]}"


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


Selector = Callable[["Database", date, str, Policy], list[Candidate]]


def _outreach_candidates(db: Database, as_of: date, period: str, policy: Policy) -> list[Candidate]:
    # Once per household, ever: a one-off outreach letter counts as well.
    found = rows(
        db,
        """
        SELECT h.id, h.ref FROM live_households h
        WHERE h.status = 'open' AND h.source IN ('landlord', 'enforcement')
            AND h.opened_on <= :as_of
            AND NOT EXISTS (SELECT 1 FROM letters l
                            WHERE l.household_id = h.id AND l.kind = 'outreach')
        ORDER BY h.ref
        """,
        {"as_of": as_of.isoformat()},
    )
    return [Candidate(r["id"], r["ref"]) for r in found]


def _reminder_candidates(db: Database, as_of: date, period: str, policy: Policy) -> list[Candidate]:
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
    for plan in iter_open_case_plans(db, as_of=as_of, policy=policy):
        if plan["state"] not in (PlanState.behind.value, PlanState.broken.value):
            continue
        known = found.get(plan["household"])
        if known is None or urgency(plan) < urgency(known):
            found[plan["household"]] = plan
    return [
        Candidate(found[ref]["household_id"], ref, plan=found[ref]["ref"])
        for ref in sorted(found)
        if found[ref]["household_id"] not in reminded
    ]


def _support_ending_candidates(
    db: Database, as_of: date, period: str, policy: Policy
) -> list[Candidate]:
    """Open households with a time-limited support that ends within the policy's
    ``support_ending_warning_days`` of ``as_of``: one letter per support, ever.

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
    for support in support_ending_candidates(db, as_of, policy.support_ending_warning_days):
        if support["id"] in told or support["household_id"] in this_month:
            continue
        by_household.setdefault(support["ref"], []).append(support)
    return [
        Candidate(found[0]["household_id"], ref, supports=tuple(s["id"] for s in found))
        for ref, found in sorted(by_household.items())
    ]


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
) -> list[BatchItem]:
    """Who gets which letter this month: new ones, and recorded ones (with or without
    their file). ``policy`` decides how far ahead a support's end is announced."""
    import json

    fmt = letter_format(fmt)
    policy = policy or Policy()
    period = month.strftime("%Y-%m")
    if (month.year, month.month) > (as_of.year, as_of.month):
        raise InvalidInput("--month", period, _("is after the --as-of date"))
    kinds = monthly_kinds(only)
    items: list[BatchItem] = []
    for kind in kinds:
        for found in SELECTORS[kind](db, as_of, period, policy):
            items.append(
                BatchItem(
                    ref=found.ref,
                    household_id=found.household_id,
                    kind=kind,
                    period=period,
                    file=out_dir / default_file_name(found.ref, kind, fmt),
                    format=fmt,
                    state="new",
                    plan=found.plan,
                    supports=found.supports,
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
        file = Path(row["file"])
        recorded = json.loads(row["params"]) if row["params"] else {}
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
                dated_on=date.fromisoformat(row["dated_on"]),
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
) -> list[BatchItem]:
    """What a run would make (``--dry-run``), writing nothing: the letterhead and the
    templates are checked as in a real run."""
    fmt = letter_format(fmt)
    check_letterhead(config)
    prepare_templates(templating.environment(user_dir), monthly_kinds(only), fmt)
    folder = out_dir.expanduser().absolute()
    items = plan_monthly(
        db, month=month, as_of=as_of, out_dir=folder, fmt=fmt, only=only, policy=config.policy
    )
    for item in items:
        if item.state == "new":
            context = build_context(
                db,
                item.ref,
                KINDS[item.kind],
                config=config,
                as_of=as_of,
                plan=item.plan,
                supports=item.supports,
            )
            item.recipient = " och ".join(context["recipient"]["names"])
            item.address = "\n".join(context["recipient"]["lines"])
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
    fmt = letter_format(fmt)
    check_letterhead(config)
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
        db, month=month, as_of=as_of, out_dir=folder, fmt=fmt, only=only, policy=config.policy
    )
    period = month.strftime("%Y-%m")
    result = BatchResult(period=period, out_dir=folder, items=items)
    base_url = _base_url(user_dir)
    todo = [i for i in items if i.state != "done"]
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
    )
    if progress:
        progress(0, len(todo), None)
    if workers > 1 and sum(1 for i in todo if i.format == "pdf") > 1:
        batch.run_parallel(todo, min(workers, len(todo)))
    else:
        for item in todo:
            batch.run_one(item)
    _finish_batch(db, result, batch.pages)
    return result


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
    ) -> None:
        self.db, self.env, self.result = db, env, result
        self.config, self.as_of, self.base_url = config, as_of, base_url
        self.versions, self.progress, self.total = versions, progress, total
        self.done = 0
        # Pages of the PDF letters made in this run, for the manifest: no need to read
        # the files again.
        self.pages: dict[str, int] = {}

    def run_one(self, item: BatchItem) -> None:
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
        except BostadError as exc:
            self.result.failed.append((item.ref, item.kind, exc.message))
        self._tick(item)

    def run_parallel(self, todo: list[BatchItem], workers: int) -> None:
        """PDF layout in ``workers`` processes while this one drafts the next letters.

        A few letters per worker wait in line, so no worker idles; each letter is
        written and recorded here as soon as its PDF is back.
        """
        from concurrent.futures import FIRST_COMPLETED, wait

        from bostadcli.pdf import RenderPool

        window = 2 * workers
        pending: dict[Future[tuple[bytes | None, int]], _Draft] = {}
        queue = iter(todo)
        with RenderPool(workers) as pool:

            def fill() -> None:
                while len(pending) < window and (item := next(queue, None)) is not None:
                    try:
                        draft = _draft(
                            self.db, self.env, item, config=self.config, as_of=self.as_of
                        )
                    except BostadError as exc:
                        self._fail(item, exc)
                        continue
                    if item.format == "pdf":
                        pending[pool.submit(draft.text, self.base_url, one_page=True)] = draft
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
                    except BostadError as exc:
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
                    except BostadError as exc:
                        self._fail(item, exc)
                        continue
                    pending[pool.submit(draft.text, self.base_url)] = draft
                fill()

    def _store(self, draft: _Draft, content: bytes) -> None:
        item = draft.item
        try:
            if item.state == "new":
                _store_new_letter(
                    self.db, draft, content, version=self.versions[draft.template], as_of=self.as_of
                )
            else:
                _store_recreated_letter(self.db, self.env, draft, content)
            self._sort(item)
        except BostadError as exc:
            self.result.failed.append((item.ref, item.kind, exc.message))
        self._tick(item)

    def _fail(self, item: BatchItem, exc: BostadError) -> None:
        self.result.failed.append((item.ref, item.kind, exc.message))
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
) -> None:
    draft = _draft(db, env, item, config=config, as_of=as_of)
    content, count = _content(draft, env, base_url)
    if count is not None:
        pages[str(item.file)] = count
    _store_new_letter(db, draft, content, version=versions[draft.template], as_of=as_of)


def _store_new_letter(
    db: Database, draft: _Draft, content: bytes, *, version: str, as_of: date
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


MANIFEST_FIELDS = ("reference", "kind", "recipient", "address", "file", "format", "pages")


def _neutralise(value: str) -> str:
    # A spreadsheet runs cells that start like a formula (OWASP "CSV injection").
    return "'" + value if value.startswith(("=", "+", "-", "@", "\t", "\r")) else value


def _finish_batch(db: Database, result: BatchResult, pages_made: dict[str, int]) -> None:
    """The manifest and the combined PDF describe the whole month, so that a rerun
    after a crash gives the post room the complete set."""
    from bostadcli import pdf

    letters = rows(
        db,
        """
        SELECT h.ref, l.kind, l.recipient, l.address, l.file, l.format
        FROM letters l JOIN live_households h ON h.id = l.household_id
        WHERE l.period = ? ORDER BY h.ref, l.kind
        """,
        [result.period],
    )
    present = [r for r in letters if r["file"] and Path(r["file"]).exists()]
    if not present:
        return
    pdfs = [Path(r["file"]) for r in present if r["format"] == "pdf"]
    pages: dict[str, int] = {}
    if pdfs:
        try:
            for path in pdfs:
                known = pages_made.get(str(path))
                pages[str(path)] = known if known is not None else pdf.page_count(path)
            combined = result.out_dir / f"utskrift-{result.period}.pdf"
            write_private_file(combined, pdf.combine(pdfs), force=True, protect=database_files(db))
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
            ]
        )
    manifest = result.out_dir / f"manifest-{result.period}.csv"
    write_private_file(
        manifest, buffer.getvalue().encode("utf-8"), force=True, protect=database_files(db)
    )
    result.manifest = manifest
