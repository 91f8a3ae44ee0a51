"""The template context of a letter: the case as it is on a day, the letterhead, the
checked parameters, and the kind's own part (see ``letters.kind``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from bostadcli.config import Config
from bostadcli.errors import BostadError, InvalidInput
from bostadcli.i18n import N_, _
from bostadcli.letters.address import (
    address_forms,
    check_printable,
    landlord_lines,
    window_problem,
)
from bostadcli.letters.facts import LetterFacts
from bostadcli.letters.kind import Addressee, LetterKind, LetterRequest
from bostadcli.letters.words import swedish
from bostadcli.money import Money
from bostadcli.vocab import HousingSituation, NoticeKind, Reason, Source

if TYPE_CHECKING:
    from sqlite_utils import Database

# Parameters ------------------------------------------------------------------------

_PARAM_KEY = re.compile(r"[a-z][a-z0-9_]*")


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
    if kind.check_params is not None:
        return kind.check_params(params, as_of, caseworker)
    return dict(params)


def check_plan_option(kind: LetterKind, plan: str | None) -> None:
    if plan is not None and not kind.takes_plan:
        raise InvalidInput("--plan", plan, _("only a plan letter takes --plan"))


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
    from bostadcli.letters.facts import read_facts

    return context_of(read_facts(db, ref, as_of=as_of), config=config, params=params)


def context_of(
    facts: LetterFacts, *, config: Config, params: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The template context of a case's facts (before the kind adds its part)."""
    tenant = facts.tenant
    co_tenants = [m for m in facts.members if m.role == "co_tenant" and m is not tenant]
    names = [m.name for m in [tenant, *co_tenants] if m is not None and m.name]
    lines, postable = _address(facts)
    reasons = set(facts.reasons)
    conduct = reasons & {Reason.disturbance.value, Reason.neglect.value}
    deadlines = _deadlines(facts)
    return {
        "ref": facts.ref,
        "today": facts.as_of,
        "letterhead": _letterhead(config),
        "caseworker": _caseworker(facts, config),
        "household": _household(facts),
        "tenant": {"name": tenant.name, "pnr": tenant.pnr} if tenant else None,
        "co_tenants": [{"name": m.name, "pnr": m.pnr} for m in co_tenants],
        "children": [
            {"name": m.name, "age": m.age, "part_time": m.part_time}
            for m in facts.members
            if m.is_child
        ],
        "landlord": asdict(facts.landlord) if facts.landlord else None,
        **deadlines,
        "recipient": {"names": list(names), "lines": names + lines},
        "tenant_names": names,
        # Plain Swedish speaks to the reader: "du" to one adult, "ni" to several.
        "t": address_forms(len(names)),
        # A case about how the home is lived in (disturbance, neglect), not about rent:
        # the first letter speaks of the warning and offers talks and housing support.
        "conduct": bool(conduct)
        and Reason.unpaid_rent.value not in reasons
        and deadlines["deadline"] is None
        and deadlines["recovery_passed"] is None,
        "conduct_reasons": sorted(conduct),
        "warning": _warning(facts),
        "address_problem": (
            None
            if postable
            else _("a letter on paper needs the household's street and postal code")
        ),
        "params": params or {},
        "multipage": False,
    }


def _letterhead(config: Config) -> dict[str, Any]:
    lh = config.letterhead
    return {
        "organisation": lh.organisation,
        "unit": lh.unit,
        "street": lh.street,
        "postal_code": lh.postal_code,
        "city": lh.city,
        "phone": lh.phone,
        "email": lh.email,
        "socialjouren_phone": lh.socialjouren_phone,
    }


def _caseworker(facts: LetterFacts, config: Config) -> dict[str, Any]:
    """The caseworker on the case (or the letterhead's default), with the assigned
    caseworker's direct phone and e-mail; the unit's where they have none."""
    lh = config.letterhead
    return {
        "name": facts.caseworker.name or lh.default_caseworker or None,
        "phone": facts.caseworker.assigned_phone or lh.phone,
        "email": facts.caseworker.assigned_email or lh.email,
    }


def _household(facts: LetterFacts) -> dict[str, Any]:
    return {
        "ref": facts.ref,
        "street": facts.street,
        "postal_code": facts.postal_code,
        "city": facts.city,
        "rent": _money(facts.rent_ore),
        "arrears": Money(facts.arrears_ore),
        "reasons": list(facts.reasons),
        "source": facts.source,
        "reported_by_enforcement": facts.source == Source.enforcement.value,
        "contract_number": facts.contract_number,
        "letter_language": facts.letter_language,
        "housing_situation": facts.housing_situation,
    }


def _address(facts: LetterFacts) -> tuple[list[str], bool]:
    """The household's address lines, and whether a letter can go there by post.
    Someone without a home of their own is written to at their c/o address."""
    homeless = facts.housing_situation != HousingSituation.tenancy_at_risk.value
    if facts.care_of_street and (homeless or not facts.street):
        place = " ".join(x for x in (facts.care_of_postal_code, facts.care_of_city) if x)
        care_of = swedish(N_("c/o {name}")).format(name=facts.care_of) if facts.care_of else None
        lines = [line for line in (care_of, facts.care_of_street, place) if line]
        return lines, bool(facts.care_of_postal_code)
    place = " ".join(x for x in (facts.postal_code, facts.city) if x)
    lines = [line for line in (facts.street, place) if line]
    return lines, bool(facts.street and facts.postal_code)


def _deadlines(facts: LetterFacts) -> dict[str, Any]:
    """The nearest recovery deadline and eviction ahead, and the latest recovery
    deadline or eviction day that has passed, however long ago (no letter can meet it,
    so the first letter needs a call: the deadline screen's window of
    DEADLINE_OVERDUE_VISIBLE_DAYS is what it shows, not what a letter is late for)."""
    upcoming = [n for n in facts.notices if n.days_left is not None and n.days_left >= 0]
    recovery = next((n for n in upcoming if n.recovery_deadline), None)
    eviction = next((n for n in upcoming if n.kind == "eviction"), None)
    # A recovery deadline met by an undertaking (förbindelse) is no deadline the family
    # missed: the eviction for that rent is stopped (jordabalken 12 kap. 44 § 4 st 1).
    passed = [
        (n.deadline, "eviction" if n.kind == "eviction" else "recovery_deadline")
        for n in facts.notices
        if (n.kind == "eviction" or (n.recovery_deadline and not n.stopped))
        and n.days_left is not None
        and n.deadline is not None
        and n.days_left < 0
    ]
    # The latest recovery deadline that has passed, when none is ahead: the tenant can
    # no longer keep the home by paying (jordabalken 12 kap. 44 §).
    recovered = [d for d, what in passed if what == "recovery_deadline"]
    # The latest eviction day that has passed, when none is ahead: the family has
    # (most likely) lost the home.
    evicted = [
        n.deadline
        for n in facts.notices
        if n.kind == "eviction" and n.days_left is not None and n.days_left < 0 and n.deadline
    ]
    latest = max(passed, default=None)
    return {
        "deadline": (
            {
                "date": date.fromisoformat(str(recovery.recovery_deadline)),
                "amount": _money(recovery.amount_ore),
                "days_left": recovery.days_left,
            }
            if recovery
            else None
        ),
        "eviction": (
            {
                # An eviction notice without its day is a broken record: the letter fails.
                "date": date.fromisoformat(cast(str, eviction.eviction_at)[:10]),
                "time": cast(str, eviction.eviction_at)[11:16] or None,
            }
            if eviction
            else None
        ),
        "recovery_passed": (
            date.fromisoformat(max(recovered)) if recovered and recovery is None else None
        ),
        "passed_deadline": date.fromisoformat(latest[0]) if latest else None,
        "passed_deadline_of": latest[1] if latest else None,
        "passed_eviction": (
            date.fromisoformat(max(evicted)[:10]) if evicted and eviction is None else None
        ),
    }


def _warning(facts: LetterFacts) -> dict[str, Any] | None:
    """The latest warning (varning) served or received."""
    warnings = [
        n
        for n in facts.notices
        if n.kind == NoticeKind.warning.value and (n.served_on or n.received_on)
    ]
    warning = max(warnings, key=lambda n: n.served_on or n.received_on or "", default=None)
    if warning is None:
        return None
    return {
        "date": date.fromisoformat((warning.served_on or warning.received_on or "")[:10]),
        "ground": warning.ground,
    }


def build_context(
    db: Database,
    ref: str,
    kind: LetterKind,
    *,
    config: Config,
    request: LetterRequest,
    params: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The context of one letter of ``kind``: the case, the checked parameters, the
    kind's own part (``kind.add_context``: a plan, supports, an undertaking), and the
    copies it goes out in (refused without the consent its addressee needs).

    The content is the case on ``request.as_of``; consent is judged on the real date the
    letter is made (``request.today``, default the machine's date), never on ``as_of``."""
    check_plan_option(kind, request.about.get("plan"))
    context = letter_context(db, ref, config=config, as_of=request.as_of)
    context["params"] = check_params(
        kind, params or {}, as_of=request.as_of, caseworker=context["caseworker"]["name"]
    )
    context["copies"] = [{"label": None, "lines": context["recipient"]["lines"]}]
    from bostadcli.letters.registry import context_defaults

    context |= context_defaults()
    if kind.add_context is not None:
        kind.add_context(db, context, request)
    if kind.addressed_to is Addressee.household_and_landlord:
        _copy_to_landlord(db, context, request)
    check_printable(context)
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


def _copy_to_landlord(db: Database, context: dict[str, Any], request: LetterRequest) -> None:
    """A letter to the household with a copy to the landlord: only with the household's
    consent for the landlord (offentlighets- och sekretesslagen 26 kap. 1 §)."""
    from bostadcli.consents import require_consent
    from bostadcli.vocab import Recipient

    require_consent(db, context["ref"], Recipient.landlord, today=request.today)
    lines = landlord_lines(context["landlord"])
    context["copies"] = [
        {"label": swedish(N_("tenant's (copy)")), "lines": context["recipient"]["lines"]},
        {"label": swedish(N_("landlord's (copy)")), "lines": lines},
    ]
    if len(lines) < 3:
        context["address_problem"] = _(
            "the landlord's postal address is missing: add it with 'bostad landlord edit'"
        )
    if context["landlord"]:
        context["recipient"]["names"] = [
            *context["recipient"]["names"],
            context["landlord"]["name"],
        ]
