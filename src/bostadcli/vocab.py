"""The fixed vocabularies of a case, with the words a person reads for each code.

Codes are English snake_case and stable: they are what CSV/JSON and scripts see.
Labels are translated at the moment they are shown. Where a person types a code, the
Swedish words in ``ALIASES`` are accepted too (``störning`` for ``disturbance``),
folded the way ``fold`` does: case, accents (å/ä/ö), hyphens and spaces do not matter.
What is stored is always the English code.
"""

from __future__ import annotations

import unicodedata
from enum import Enum, StrEnum
from functools import cache
from typing import Any, Self, TypeVar

from bostadcli.i18n import N_, _

E = TypeVar("E", bound=Enum)


def fold(text: str) -> str:
    """Text as it is compared when typed: lower case, no accents, '_' for '-' and ' '.

    "Östlund" and "ostlund" fold alike, as Swedish readers expect of a search; so do
    "Bor-kvar", "bor kvar" and "bor_kvar".
    """
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "_".join(plain.replace("-", " ").replace("_", " ").split())


class Vocab(StrEnum):
    """A vocabulary: each member is its stable code and the words a person reads for it,
    written ``name = "code", N_("label")`` and translated when shown (``.label``)."""

    _value_: str
    _label: str

    # ``label`` is optional only so that ``Reason(code)``, the lookup of a member by its
    # code, type-checks: every member is declared with its label.
    def __new__(cls, code: str, label: str = "") -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member._label = label
        return member

    @property
    def label(self) -> str:
        return _(self._label)

    def __str__(self) -> str:
        return self.value

    @classmethod
    def _missing_(cls, value: object) -> Any:
        # Vocab("störning") is Reason.disturbance: every parse of a typed code (the CLI's
        # options, validate.choice, a landlord's file) accepts the Swedish words.
        return lookup(cls, value) if isinstance(value, str) else None


class CaseStatus(Vocab):
    open = "open", N_("open")
    closed = "closed", N_("closed")


class LandlordKind(Vocab):
    municipal = "municipal", N_("municipal housing company")
    private = "private", N_("private landlord")
    other = "other", N_("other landlord")


class Reason(Vocab):
    unpaid_rent = "unpaid_rent", N_("unpaid rent")
    disturbance = "disturbance", N_("disturbance")
    neglect = "neglect", N_("neglect of the flat")
    # Since lag 2024:313 (jordabalken 12 kap. 25 § 3 st, 42 § 1 st 12).
    misconduct = "misconduct", N_("lack of good conduct")
    neighbourhood_crime = "neighbourhood_crime", N_("crime harming the neighbourhood")
    serious_crime = "serious_crime", N_("serious crime in the flat")
    other = "other", N_("other reason")


class Source(Vocab):
    landlord = "landlord", N_("landlord's notice")
    enforcement = "enforcement", N_("Kronofogden")
    self_referral = "self_referral", N_("self-referral")
    other_service = "other_service", N_("other service")


class HousingSituation(Vocab):
    """Own tenancy at risk, or one of Socialstyrelsen's four homelessness situations."""

    tenancy_at_risk = "tenancy_at_risk", N_("own tenancy at risk")
    homeless_acute = "homeless_acute", N_("acute homelessness (situation 1)")
    homeless_institution = (
        "homeless_institution",
        N_("leaving an institution without a home (situation 2)"),
    )
    homeless_long_term = (
        "homeless_long_term",
        N_("long-term municipal housing solution (situation 3)"),
    )
    homeless_short_term = (
        "homeless_short_term",
        N_("self-arranged short-term housing (situation 4)"),
    )


class Outcome(Vocab):
    stays = "stays", N_("stays in the home")
    rehoused = "rehoused", N_("rehoused")
    evicted = "evicted", N_("evicted")
    moved = "moved", N_("moved by own choice")
    unknown = "unknown", N_("unknown")


class Role(Vocab):
    """A member's place in the household. ``partner`` is an adult who lives with the
    tenant in a relationship (married, registered or cohabiting, sambo) without being on
    the lease; with a ``partner`` the living-cost norm is a couple's. A ``co_tenant``
    shares the lease, which says nothing of a relationship (an adult sibling can be one),
    so the norm counts a co-tenant as the tenant's partner only when the member is
    marked so (``members.partner_of_tenant``, ``member edit --partner``)."""

    tenant = "tenant", N_("tenant")
    co_tenant = "co_tenant", N_("co-tenant")
    partner = "partner", N_("partner (spouse or cohabitant)")
    adult = "adult", N_("adult")
    child = "child", N_("child")


class IdentityLevel(Vocab):
    """How sure the identity behind a samordningsnummer is (lag 2022:1697): styrkt,
    sannolik, osäker."""

    confirmed = "confirmed", N_("confirmed identity (styrkt)")
    probable = "probable", N_("probable identity (sannolik)")
    uncertain = "uncertain", N_("uncertain identity (osäker)")


class TenancyType(Vocab):
    """What kind of contract the household lives on (the case's tenancy)."""

    first_hand = "first_hand", N_("first-hand contract")
    social_contract = "social_contract", N_("social contract")
    municipal_sublet = "municipal_sublet", N_("municipal sublet")
    training_flat = "training_flat", N_("training flat")
    sublet = "sublet", N_("sublet")
    lodger = "lodger", N_("lodger")
    none = "none", N_("no contract")


class NoticeKind(Vocab):
    termination = "termination", N_("termination")
    warning = "warning", N_("warning to correct")
    enforcement_application = "enforcement_application", N_("application to Kronofogden")
    decision = "decision", N_("decision to evict")
    enforcement_request = "enforcement_request", N_("request for enforcement")
    eviction = "eviction", N_("eviction date")


class DecisionBy(Vocab):
    """Who decided that the tenant must move: Kronofogden (utslag), a court, hyresnämnden."""

    enforcement = "enforcement", N_("Kronofogden (utslag)")
    court = "court", N_("court")
    rent_tribunal = "rent_tribunal", N_("hyresnämnden")


class ServiceMethod(Vocab):
    """How the tenant was served the termination (delgivning); decides the service date."""

    in_person = "in_person", N_("in person")
    substitute = "substitute", N_("substitute service")
    spikning = "spikning", N_("left at the home (spikning)")
    unknown = "unknown", N_("not known")


class ContactKind(Vocab):
    letter = "letter", N_("letter")
    phone = "phone", N_("phone call")
    sms = "sms", N_("text message")
    email = "email", N_("e-mail")
    meeting = "meeting", N_("meeting")
    home_visit = "home_visit", N_("home visit")
    referral = "referral", N_("referral")
    note = "note", N_("note")
    plan = "plan", N_("repayment plan")


class PlanStatus(Vocab):
    """What has been done to a plan (stored)."""

    active = "active", N_("active")
    completed = "completed", N_("completed")
    cancelled = "cancelled", N_("cancelled")
    replaced = "replaced", N_("replaced")


class PlanState(Vocab):
    """How a plan stands on a given day (computed from the schedule and the payments)."""

    on_track = "on_track", N_("on track")
    behind = "behind", N_("behind")
    broken = "broken", N_("broken")
    completed = "completed", N_("completed")
    cancelled = "cancelled", N_("cancelled")
    replaced = "replaced", N_("replaced")


class InstallmentStatus(Vocab):
    paid = "paid", N_("paid")
    unpaid = "unpaid", N_("unpaid")
    overdue = "overdue", N_("overdue")


class ReferralTarget(Vocab):
    debt_counselling = "debt_counselling", N_("debt counselling")
    family_unit = "family_unit", N_("the family unit")
    socialjouren = "socialjouren", N_("Socialjouren")
    financial_aid = "financial_aid", N_("financial aid")
    housing_support = "housing_support", N_("housing support")
    other = "other", N_("other service")


class SupportKind(Vocab):
    """Support measures (insatser) the unit grants or arranges."""

    rent_guarantee = "rent_guarantee", N_("rent guarantee")
    priority_allocation = "priority_allocation", N_("priority allocation")
    emergency_housing = "emergency_housing", N_("emergency housing")
    housing_first = "housing_first", N_("Housing First")
    housing_support = "housing_support", N_("housing support")
    financial_aid = "financial_aid", N_("financial aid")
    debt_counselling = "debt_counselling", N_("debt counselling")
    family_unit = "family_unit", N_("the family unit")
    other = "other", N_("other support")


class DeadlineKind(Vocab):
    """What an entry of the deadline view is about (``bostad report deadlines``)."""

    eviction = "eviction", N_("eviction")
    decision = "decision", N_("decision to evict")
    recovery_deadline = "recovery_deadline", N_("recovery deadline")
    recovery_not_started = "recovery_not_started", N_("recovery period not started")
    eviction_decision = "eviction_decision", N_("earliest eviction decision")
    warning = "warning", N_("time to correct ends")
    meeting = "meeting", N_("meeting")
    installment_overdue = "installment_overdue", N_("installment overdue")
    support_ending = "support_ending", N_("support ending")
    consent_expiring = "consent_expiring", N_("consent expiring")
    no_contact = "no_contact", N_("no contact")
    planned_contact = "planned_contact", N_("booked contact")
    # A letter that cannot reach the family by post before its deadline: phone or visit.
    letter_late = "letter_late", N_("letter too late: phone or visit")


class ContactStatus(Vocab):
    """Whether a contact took place, is booked, or was called off."""

    held = "held", N_("held")
    planned = "planned", N_("booked")
    cancelled = "cancelled", N_("called off")


class LetterLanguage(Vocab):
    """The language a household's letters go out in, where a template has a variant."""

    sv = "sv", N_("Swedish")
    en = "en", N_("English")


class Recipient(Vocab):
    landlord = "landlord", N_("landlord")
    enforcement = "enforcement", N_("Kronofogden")
    debt_collector = "debt_collector", N_("debt collector")
    other = "other", N_("other recipient")


# The Swedish words accepted for each code, by vocabulary (the class name) and code: what
# a caseworker would say. Each word names one code of its vocabulary (a test checks it);
# the same word may mean different codes in different vocabularies ("kronofogden" is a
# source, a notice kind and a recipient). The first word is the one --help shows.
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "CaseStatus": {"open": ("öppet", "öppen"), "closed": ("avslutat", "avslutad", "stängt")},
    "StatusFilter": {"open": ("öppna",), "closed": ("avslutade", "stängda"), "all": ("alla",)},
    "LandlordKind": {
        "municipal": ("allmännyttan", "kommunal", "allmännyttig"),
        "private": ("privat",),
        "other": ("annan", "övrig"),
    },
    "Reason": {
        "unpaid_rent": ("hyresskuld", "obetald-hyra"),
        "disturbance": ("störning", "störningar"),
        "neglect": ("vanvård",),
        "other": ("annat", "annan"),
    },
    "Source": {
        "landlord": ("hyresvärd", "hyresvärden"),
        "enforcement": ("kronofogden", "kfm"),
        "self_referral": ("egen-ansökan", "självmant"),
        "other_service": ("annan-verksamhet",),
    },
    "HousingSituation": {
        "tenancy_at_risk": ("hotat-boende", "egen-bostad"),
        "homeless_acute": ("akut-hemlös", "situation-1"),
        "homeless_institution": ("institution", "situation-2"),
        "homeless_long_term": ("långsiktig-boendelösning", "situation-3"),
        "homeless_short_term": ("kortsiktig-boendelösning", "situation-4"),
    },
    "Outcome": {
        "stays": ("bor-kvar",),
        "rehoused": ("ny-bostad",),
        "evicted": ("vräkt", "avhyst"),
        "moved": ("flyttat", "flyttade"),
        "unknown": ("okänt", "okänd"),
    },
    "Role": {
        "tenant": ("hyresgäst",),
        "co_tenant": ("medhyresgäst",),
        "adult": ("vuxen",),
        "child": ("barn",),
    },
    "NoticeKind": {
        "termination": ("uppsägning",),
        "warning": ("varning", "rättelseanmaning"),
        "enforcement_application": ("kronofogden", "ansökan-kronofogden", "avhysningsansökan"),
        "eviction": ("avhysning", "vräkning"),
    },
    "ContactKind": {
        "letter": ("brev",),
        "phone": ("telefon", "samtal"),
        "sms": ("textmeddelande",),
        "email": ("e-post", "epost", "mejl"),
        "meeting": ("möte", "besök"),
        "home_visit": ("hembesök",),
        "referral": ("remiss", "hänvisning"),
        "note": ("anteckning",),
        "plan": ("avbetalningsplan",),
    },
    "PlanStatus": {
        "active": ("aktiv",),
        "completed": ("klar", "slutförd"),
        "cancelled": ("avbruten",),
        "replaced": ("ersatt",),
    },
    "PlanState": {
        "on_track": ("följs",),
        "behind": ("efter", "sen"),
        "broken": ("bruten",),
        "completed": ("klar", "slutförd"),
        "cancelled": ("avbruten",),
        "replaced": ("ersatt",),
    },
    "InstallmentStatus": {
        "paid": ("betald",),
        "unpaid": ("obetald",),
        "overdue": ("förfallen", "försenad"),
    },
    "ReferralTarget": {
        "debt_counselling": ("skuldrådgivning", "budget-och-skuldrådgivning"),
        "family_unit": ("familjeenheten",),
        "financial_aid": ("ekonomiskt-bistånd", "försörjningsstöd"),
        "housing_support": ("boendestöd",),
        "other": ("annan", "annat"),
    },
    "SupportKind": {
        "rent_guarantee": ("hyresgaranti",),
        "priority_allocation": ("förtur", "social-förtur"),
        "emergency_housing": ("akutboende", "tillfälligt-boende"),
        "housing_first": ("bostad-först",),
        "housing_support": ("boendestöd",),
        "financial_aid": ("ekonomiskt-bistånd", "försörjningsstöd"),
        "debt_counselling": ("skuldrådgivning",),
        "family_unit": ("familjeenheten",),
        "other": ("annat", "annan"),
    },
    "DeadlineKind": {
        "eviction": ("avhysning", "vräkning"),
        "recovery_deadline": ("återvinningsfrist",),
        "installment_overdue": ("förfallen-avbetalning",),
        "support_ending": ("insats-upphör",),
        "consent_expiring": ("samtycke-går-ut",),
        "no_contact": ("ingen-kontakt",),
        "planned_contact": ("bokad-kontakt", "bokat-besök"),
    },
    "ContactStatus": {
        "held": ("genomförd", "hållen"),
        "planned": ("bokad", "planerad"),
        "cancelled": ("inställd", "avbokad"),
    },
    "LetterLanguage": {"sv": ("svenska",), "en": ("engelska",)},
    "Recipient": {
        "landlord": ("hyresvärd", "hyresvärden"),
        "enforcement": ("kronofogden", "kfm"),
        "debt_collector": ("inkasso", "inkassobolag"),
        "other": ("annan", "annat"),
    },
}


@cache
def _folded_table(enum: type[Enum]) -> dict[str, Enum]:
    table: dict[str, Enum] = {}
    aliases = ALIASES.get(enum.__name__, {})
    for member in enum:
        code = str(member.value)
        for word in (code, *aliases.get(code, ())):
            table.setdefault(fold(word), member)
    return table


def lookup(enum: type[E], text: str) -> E | None:
    """The member a typed word names: its code or a Swedish word, folded; else None."""
    found = _folded_table(enum).get(fold(text))
    return found if isinstance(found, enum) else None


def aliases_of(enum: type[Enum]) -> dict[str, tuple[str, ...]]:
    """The Swedish words of each code of ``enum`` (empty when it has none)."""
    return ALIASES.get(enum.__name__, {})


def label(vocab: type[Vocab], code: str | None) -> str:
    """The translated label of a stored code ('' for none)."""
    if code is None:
        return ""
    try:
        return vocab(code).label
    except ValueError:
        # A code this version does not know (written past the program, or by a newer
        # one): show it as it is rather than fail the whole listing.
        from bostadcli.errors import shown

        return shown(code, 40)
