"""The fields of a household document's household and landlords."""

from __future__ import annotations

from bostadcli.vocab import (
    CaseStatus,
    HousingSituation,
    LandlordKind,
    LetterLanguage,
    Outcome,
    Source,
    TenancyType,
    Vocab,
)

HOUSEHOLD_FIELDS = (
    "ref",
    "status",
    "opened_on",
    "closed_on",
    "outcome",
    "street",
    "postal_code",
    "city",
    "contract_number",
    "rent_ore",
    "arrears_ore",
    "source",
    "housing_situation",
    "caseworker",
    "note",
    "origin_ref",
    "letter_language",
    "phone",
    "email",
    "care_of",
    "care_of_street",
    "care_of_postal_code",
    "care_of_city",
    "tenancy_type",
    "housing_allowance_ore",
    "created_at",
    "updated_at",
)
HOUSEHOLD_VOCAB: dict[str, type[Vocab]] = {
    "letter_language": LetterLanguage,
    "tenancy_type": TenancyType,
    "status": CaseStatus,
    "outcome": Outcome,
    "source": Source,
    "housing_situation": HousingSituation,
}
LANDLORD_FIELDS = (
    "name",
    "org_number",
    "kind",
    "contact_person",
    "phone",
    "email",
    "street",
    "postal_code",
    "city",
    "cooperation_agreement_on",
    "created_at",
    "updated_at",
)
LANDLORD_VOCAB: dict[str, type[Vocab]] = {"kind": LandlordKind}
