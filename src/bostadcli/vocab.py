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
from typing import Any, TypeVar

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
    @property
    def label(self) -> str:
        return _(_LABELS[(type(self).__name__, self.value)])

    def __str__(self) -> str:
        return self.value

    @classmethod
    def _missing_(cls, value: object) -> Any:
        # Vocab("störning") is Reason.disturbance: every parse of a typed code (the CLI's
        # options, validate.choice, a landlord's file) accepts the Swedish words.
        return lookup(cls, value) if isinstance(value, str) else None


class CaseStatus(Vocab):
    open = "open"
    closed = "closed"


class LandlordKind(Vocab):
    municipal = "municipal"
    private = "private"
    other = "other"


class Reason(Vocab):
    unpaid_rent = "unpaid_rent"
    disturbance = "disturbance"
    neglect = "neglect"
    # Since lag 2024:313 (jordabalken 12 kap. 25 § 3 st, 42 § 1 st 12).
    misconduct = "misconduct"
    neighbourhood_crime = "neighbourhood_crime"
    serious_crime = "serious_crime"
    other = "other"


class Source(Vocab):
    landlord = "landlord"
    enforcement = "enforcement"
    self_referral = "self_referral"
    other_service = "other_service"


class HousingSituation(Vocab):
    """Own tenancy at risk, or one of Socialstyrelsen's four homelessness situations."""

    tenancy_at_risk = "tenancy_at_risk"
    homeless_acute = "homeless_acute"
    homeless_institution = "homeless_institution"
    homeless_long_term = "homeless_long_term"
    homeless_short_term = "homeless_short_term"


class Outcome(Vocab):
    stays = "stays"
    rehoused = "rehoused"
    evicted = "evicted"
    moved = "moved"
    unknown = "unknown"


class Role(Vocab):
    """A member's place in the household. ``partner`` is an adult who lives with the
    tenant in a relationship (married, registered or cohabiting, sambo) without being on
    the lease; with a ``partner`` the living-cost norm is a couple's. A ``co_tenant``
    shares the lease, which says nothing of a relationship (an adult sibling can be one),
    so the norm does not count a co-tenant as the tenant's partner."""

    tenant = "tenant"
    co_tenant = "co_tenant"
    partner = "partner"
    adult = "adult"
    child = "child"


class IdentityLevel(Vocab):
    """How sure the identity behind a samordningsnummer is (lag 2022:1697): styrkt,
    sannolik, osäker."""

    confirmed = "confirmed"
    probable = "probable"
    uncertain = "uncertain"


class TenancyType(Vocab):
    """What kind of contract the household lives on (the case's tenancy)."""

    first_hand = "first_hand"
    social_contract = "social_contract"
    municipal_sublet = "municipal_sublet"
    training_flat = "training_flat"
    sublet = "sublet"
    lodger = "lodger"
    none = "none"


class NoticeKind(Vocab):
    termination = "termination"
    warning = "warning"
    enforcement_application = "enforcement_application"
    decision = "decision"
    enforcement_request = "enforcement_request"
    eviction = "eviction"


class DecisionBy(Vocab):
    """Who decided that the tenant must move: Kronofogden (utslag), a court, hyresnämnden."""

    enforcement = "enforcement"
    court = "court"
    rent_tribunal = "rent_tribunal"


class ServiceMethod(Vocab):
    """How the tenant was served the termination (delgivning); decides the service date."""

    in_person = "in_person"
    substitute = "substitute"
    spikning = "spikning"
    unknown = "unknown"


class ContactKind(Vocab):
    letter = "letter"
    phone = "phone"
    sms = "sms"
    email = "email"
    meeting = "meeting"
    home_visit = "home_visit"
    referral = "referral"
    note = "note"
    plan = "plan"


class PlanStatus(Vocab):
    """What has been done to a plan (stored)."""

    active = "active"
    completed = "completed"
    cancelled = "cancelled"
    replaced = "replaced"


class PlanState(Vocab):
    """How a plan stands on a given day (computed from the schedule and the payments)."""

    on_track = "on_track"
    behind = "behind"
    broken = "broken"
    completed = "completed"
    cancelled = "cancelled"
    replaced = "replaced"


class InstallmentStatus(Vocab):
    paid = "paid"
    unpaid = "unpaid"
    overdue = "overdue"


class ReferralTarget(Vocab):
    debt_counselling = "debt_counselling"
    family_unit = "family_unit"
    socialjouren = "socialjouren"
    financial_aid = "financial_aid"
    housing_support = "housing_support"
    other = "other"


class SupportKind(Vocab):
    """Support measures (insatser) the unit grants or arranges."""

    rent_guarantee = "rent_guarantee"
    priority_allocation = "priority_allocation"
    emergency_housing = "emergency_housing"
    housing_first = "housing_first"
    housing_support = "housing_support"
    financial_aid = "financial_aid"
    debt_counselling = "debt_counselling"
    family_unit = "family_unit"
    other = "other"


class DeadlineKind(Vocab):
    """What an entry of the deadline view is about (``bostad report deadlines``)."""

    eviction = "eviction"
    decision = "decision"
    recovery_deadline = "recovery_deadline"
    recovery_not_started = "recovery_not_started"
    eviction_decision = "eviction_decision"
    warning = "warning"
    meeting = "meeting"
    installment_overdue = "installment_overdue"
    support_ending = "support_ending"
    consent_expiring = "consent_expiring"
    no_contact = "no_contact"
    planned_contact = "planned_contact"
    # A letter that cannot reach the family by post before its deadline: phone or visit.
    letter_late = "letter_late"


class ContactStatus(Vocab):
    """Whether a contact took place, is booked, or was called off."""

    held = "held"
    planned = "planned"
    cancelled = "cancelled"


class LetterLanguage(Vocab):
    """The language a household's letters go out in, where a template has a variant."""

    sv = "sv"
    en = "en"


class Recipient(Vocab):
    landlord = "landlord"
    enforcement = "enforcement"
    debt_collector = "debt_collector"
    other = "other"


_LABELS: dict[tuple[str, str], str] = {
    ("CaseStatus", "open"): N_("open"),
    ("CaseStatus", "closed"): N_("closed"),
    ("LandlordKind", "municipal"): N_("municipal housing company"),
    ("LandlordKind", "private"): N_("private landlord"),
    ("LandlordKind", "other"): N_("other landlord"),
    ("Reason", "unpaid_rent"): N_("unpaid rent"),
    ("Reason", "disturbance"): N_("disturbance"),
    ("Reason", "neglect"): N_("neglect of the flat"),
    ("Reason", "misconduct"): N_("lack of good conduct"),
    ("Reason", "neighbourhood_crime"): N_("crime harming the neighbourhood"),
    ("Reason", "serious_crime"): N_("serious crime in the flat"),
    ("Reason", "other"): N_("other reason"),
    ("Source", "landlord"): N_("landlord's notice"),
    ("Source", "enforcement"): N_("Kronofogden"),
    ("Source", "self_referral"): N_("self-referral"),
    ("Source", "other_service"): N_("other service"),
    ("HousingSituation", "tenancy_at_risk"): N_("own tenancy at risk"),
    ("HousingSituation", "homeless_acute"): N_("acute homelessness (situation 1)"),
    ("HousingSituation", "homeless_institution"): N_(
        "leaving an institution without a home (situation 2)"
    ),
    ("HousingSituation", "homeless_long_term"): N_(
        "long-term municipal housing solution (situation 3)"
    ),
    ("HousingSituation", "homeless_short_term"): N_(
        "self-arranged short-term housing (situation 4)"
    ),
    ("Outcome", "stays"): N_("stays in the home"),
    ("Outcome", "rehoused"): N_("rehoused"),
    ("Outcome", "evicted"): N_("evicted"),
    ("Outcome", "moved"): N_("moved by own choice"),
    ("Outcome", "unknown"): N_("unknown"),
    ("Role", "tenant"): N_("tenant"),
    ("Role", "co_tenant"): N_("co-tenant"),
    ("Role", "partner"): N_("partner (spouse or cohabitant)"),
    ("Role", "adult"): N_("adult"),
    ("Role", "child"): N_("child"),
    ("IdentityLevel", "confirmed"): N_("confirmed identity (styrkt)"),
    ("IdentityLevel", "probable"): N_("probable identity (sannolik)"),
    ("IdentityLevel", "uncertain"): N_("uncertain identity (osäker)"),
    ("TenancyType", "first_hand"): N_("first-hand contract"),
    ("TenancyType", "social_contract"): N_("social contract"),
    ("TenancyType", "municipal_sublet"): N_("municipal sublet"),
    ("TenancyType", "training_flat"): N_("training flat"),
    ("TenancyType", "sublet"): N_("sublet"),
    ("TenancyType", "lodger"): N_("lodger"),
    ("TenancyType", "none"): N_("no contract"),
    ("NoticeKind", "termination"): N_("termination"),
    ("NoticeKind", "warning"): N_("warning to correct"),
    ("NoticeKind", "enforcement_application"): N_("application to Kronofogden"),
    ("NoticeKind", "decision"): N_("decision to evict"),
    ("NoticeKind", "enforcement_request"): N_("request for enforcement"),
    ("NoticeKind", "eviction"): N_("eviction date"),
    ("DecisionBy", "enforcement"): N_("Kronofogden (utslag)"),
    ("DecisionBy", "court"): N_("court"),
    ("DecisionBy", "rent_tribunal"): N_("hyresnämnden"),
    ("ServiceMethod", "in_person"): N_("in person"),
    ("ServiceMethod", "substitute"): N_("substitute service"),
    ("ServiceMethod", "spikning"): N_("left at the home (spikning)"),
    ("ServiceMethod", "unknown"): N_("not known"),
    ("ContactKind", "letter"): N_("letter"),
    ("ContactKind", "phone"): N_("phone call"),
    ("ContactKind", "sms"): N_("text message"),
    ("ContactKind", "email"): N_("e-mail"),
    ("ContactKind", "meeting"): N_("meeting"),
    ("ContactKind", "home_visit"): N_("home visit"),
    ("ContactKind", "referral"): N_("referral"),
    ("ContactKind", "note"): N_("note"),
    ("ContactKind", "plan"): N_("repayment plan"),
    ("PlanStatus", "active"): N_("active"),
    ("PlanStatus", "completed"): N_("completed"),
    ("PlanStatus", "cancelled"): N_("cancelled"),
    ("PlanStatus", "replaced"): N_("replaced"),
    ("PlanState", "on_track"): N_("on track"),
    ("PlanState", "behind"): N_("behind"),
    ("PlanState", "broken"): N_("broken"),
    ("PlanState", "completed"): N_("completed"),
    ("PlanState", "cancelled"): N_("cancelled"),
    ("PlanState", "replaced"): N_("replaced"),
    ("InstallmentStatus", "paid"): N_("paid"),
    ("InstallmentStatus", "unpaid"): N_("unpaid"),
    ("InstallmentStatus", "overdue"): N_("overdue"),
    ("ReferralTarget", "debt_counselling"): N_("debt counselling"),
    ("ReferralTarget", "family_unit"): N_("the family unit"),
    ("ReferralTarget", "socialjouren"): N_("Socialjouren"),
    ("ReferralTarget", "financial_aid"): N_("financial aid"),
    ("ReferralTarget", "housing_support"): N_("housing support"),
    ("ReferralTarget", "other"): N_("other service"),
    ("SupportKind", "rent_guarantee"): N_("rent guarantee"),
    ("SupportKind", "priority_allocation"): N_("priority allocation"),
    ("SupportKind", "emergency_housing"): N_("emergency housing"),
    ("SupportKind", "housing_first"): N_("Housing First"),
    ("SupportKind", "housing_support"): N_("housing support"),
    ("SupportKind", "financial_aid"): N_("financial aid"),
    ("SupportKind", "debt_counselling"): N_("debt counselling"),
    ("SupportKind", "family_unit"): N_("the family unit"),
    ("SupportKind", "other"): N_("other support"),
    ("DeadlineKind", "eviction"): N_("eviction"),
    ("DeadlineKind", "recovery_deadline"): N_("recovery deadline"),
    ("DeadlineKind", "decision"): N_("decision to evict"),
    ("DeadlineKind", "recovery_not_started"): N_("recovery period not started"),
    ("DeadlineKind", "eviction_decision"): N_("earliest eviction decision"),
    ("DeadlineKind", "warning"): N_("time to correct ends"),
    ("DeadlineKind", "meeting"): N_("meeting"),
    ("DeadlineKind", "installment_overdue"): N_("installment overdue"),
    ("DeadlineKind", "support_ending"): N_("support ending"),
    ("DeadlineKind", "consent_expiring"): N_("consent expiring"),
    ("DeadlineKind", "no_contact"): N_("no contact"),
    ("DeadlineKind", "planned_contact"): N_("booked contact"),
    ("ContactStatus", "held"): N_("held"),
    ("ContactStatus", "planned"): N_("booked"),
    ("ContactStatus", "cancelled"): N_("called off"),
    ("DeadlineKind", "letter_late"): N_("letter too late: phone or visit"),
    ("LetterLanguage", "sv"): N_("Swedish"),
    ("LetterLanguage", "en"): N_("English"),
    ("Recipient", "landlord"): N_("landlord"),
    ("Recipient", "enforcement"): N_("Kronofogden"),
    ("Recipient", "debt_collector"): N_("debt collector"),
    ("Recipient", "other"): N_("other recipient"),
}


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
