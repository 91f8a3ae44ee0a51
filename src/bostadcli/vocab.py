"""The fixed vocabularies of a case, with the words a person reads for each code.

Codes are English snake_case and stable: they are what CSV/JSON and scripts see.
Labels are translated at the moment they are shown.
"""

from __future__ import annotations

from enum import StrEnum

from bostadcli.i18n import N_, _


class Vocab(StrEnum):
    @property
    def label(self) -> str:
        return _(_LABELS[(type(self).__name__, self.value)])

    def __str__(self) -> str:
        return self.value


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
    tenant = "tenant"
    co_tenant = "co_tenant"
    adult = "adult"
    child = "child"


class NoticeKind(Vocab):
    termination = "termination"
    warning = "warning"
    enforcement_application = "enforcement_application"
    eviction = "eviction"


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
    recovery_deadline = "recovery_deadline"
    installment_overdue = "installment_overdue"
    support_ending = "support_ending"
    consent_expiring = "consent_expiring"
    no_contact = "no_contact"
    # A letter that cannot reach the family by post before its deadline: phone or visit.
    letter_late = "letter_late"


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
    ("Role", "adult"): N_("adult"),
    ("Role", "child"): N_("child"),
    ("NoticeKind", "termination"): N_("termination"),
    ("NoticeKind", "warning"): N_("warning to correct"),
    ("NoticeKind", "enforcement_application"): N_("application to Kronofogden"),
    ("NoticeKind", "eviction"): N_("eviction date"),
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
    ("DeadlineKind", "installment_overdue"): N_("installment overdue"),
    ("DeadlineKind", "support_ending"): N_("support ending"),
    ("DeadlineKind", "consent_expiring"): N_("consent expiring"),
    ("DeadlineKind", "no_contact"): N_("no contact"),
    ("DeadlineKind", "letter_late"): N_("letter too late: phone or visit"),
    ("LetterLanguage", "sv"): N_("Swedish"),
    ("LetterLanguage", "en"): N_("English"),
    ("Recipient", "landlord"): N_("landlord"),
    ("Recipient", "enforcement"): N_("Kronofogden"),
    ("Recipient", "debt_collector"): N_("debt collector"),
    ("Recipient", "other"): N_("other recipient"),
}


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
