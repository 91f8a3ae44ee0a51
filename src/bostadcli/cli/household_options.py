"""The options of household add and household edit, each declared once."""

from typing import Annotated

import typer

from bostadcli.i18n import _
from bostadcli.vocab import (
    HousingSituation,
    IdentityLevel,
    LetterLanguage,
    Reason,
    Source,
    TenancyType,
)

PostalOpt = Annotated[
    str | None, typer.Option("--postal-code", help=_("Postal code, e.g. 441 30."))
]
LandlordOpt = Annotated[str | None, typer.Option("--landlord", help=_("The landlord's name."))]
RentOpt = Annotated[
    str | None, typer.Option("--rent", metavar=_("AMOUNT"), help=_("Monthly rent, e.g. 7 450."))
]
ArrearsOpt = Annotated[
    str | None,
    typer.Option("--arrears", metavar=_("AMOUNT"), help=_("Current rent arrears, e.g. 14 900,50.")),
]
CaseworkerOpt = Annotated[
    str | None,
    typer.Option(
        "--caseworker",
        metavar=_("INITIALS|LOGIN"),
        help=_(
            "The caseworker responsible, by initials or login (bostad caseworker list);"
            " default: yours."
        ),
    ),
]
ContractOpt = Annotated[
    str | None, typer.Option("--contract", help=_("The landlord's contract or object number."))
]
SourceOpt = Annotated[Source | None, typer.Option("--source", help=_("Who reported the case."))]
SituationOpt = Annotated[
    HousingSituation | None,
    typer.Option("--situation", help=_("Own tenancy at risk, or a homelessness situation.")),
]
PhoneOpt = Annotated[str | None, typer.Option("--phone", help=_("The household's phone number."))]
EmailOpt = Annotated[str | None, typer.Option("--email", help=_("The household's e-mail address."))]
CareOfOpt = Annotated[
    str | None,
    typer.Option(
        "--care-of",
        metavar=_("NAME"),
        help=_("c/o: the person or office letters go through (for someone without a home)."),
    ),
]
CareOfStreetOpt = Annotated[
    str | None, typer.Option("--care-of-street", help=_("Street of the c/o address."))
]
CareOfPostalOpt = Annotated[
    str | None, typer.Option("--care-of-postal-code", help=_("Postal code of the c/o address."))
]
CareOfCityOpt = Annotated[
    str | None, typer.Option("--care-of-city", help=_("City of the c/o address."))
]
LetterLanguageOpt = Annotated[
    LetterLanguage | None,
    typer.Option(
        "--letter-language",
        help=_(
            "The language of the household's letters: sv, or en where a template has"
            " an English version (Swedish otherwise)."
        ),
        show_default=False,
    ),
]
TenancyOpt = Annotated[
    TenancyType | None,
    typer.Option(
        "--tenancy",
        help=_(
            "The household's contract: first_hand, social_contract, municipal_sublet,"
            " training_flat, sublet, lodger or none."
        ),
        show_default=False,
    ),
]
AllowanceOpt = Annotated[
    str | None,
    typer.Option(
        "--housing-allowance",
        metavar=_("AMOUNT"),
        help=_("Housing allowance (bostadsbidrag) per month, e.g. 1 800."),
    ),
]
TenantPnrOpt = Annotated[
    str | None,
    typer.Option(
        "--pnr",
        help=_("The tenant's personnummer; - reads it from standard input (not shown)."),
    ),
]
CreateLandlordOpt = Annotated[
    bool, typer.Option("--create-landlord", help=_("Add the landlord if it is new."))
]
ReasonsOpt = Annotated[
    list[Reason] | None,
    typer.Option("--reason", help=_("Why the home is at risk (repeatable).")),
]
CoTenantOpt = Annotated[str | None, typer.Option("--co-tenant", help=_("A co-tenant's name."))]
CoTenantPnrOpt = Annotated[
    str | None,
    typer.Option(
        "--co-tenant-pnr",
        help=_("The co-tenant's personnummer; - reads it from standard input (not shown)."),
    ),
]
CoTenantIdentityLevelOpt = Annotated[
    IdentityLevel | None,
    typer.Option(
        "--co-tenant-identity-level",
        help=_("The same for the co-tenant's samordningsnummer."),
        show_default=False,
    ),
]
CoTenantPartnerOpt = Annotated[
    bool,
    typer.Option(
        "--co-tenant-partner",
        help=_(
            "The co-tenant is the tenant's spouse, registered partner or sambo: the"
            " living-cost norm is a couple's."
        ),
    ),
]
ChildOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--child",
        metavar=_('"YYYY-MM-DD NAME"'),
        help=_(
            "A child living here: the birth date and the name in one quoted value, the name"
            ' optional, e.g. --child "2015-03-02 Alva Andersson" (repeatable).'
        ),
    ),
]
PartTimeChildOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--part-time-child",
        metavar=_('"YYYY-MM-DD NAME"'),
        help=_(
            "A child living here part of the time, written as for --child, e.g."
            ' --part-time-child "2019-06-10 Elsa" (repeatable).'
        ),
    ),
]
OpenedOpt = Annotated[
    str | None,
    typer.Option("--opened", metavar=_("YYYY-MM-DD"), help=_("Date the case opened.")),
]
AllowDuplicateOpt = Annotated[
    bool,
    typer.Option(
        "--allow-duplicate",
        help=_(
            "Open it although the personnummer is in another open case (needs --duplicate-reason)."
        ),
    ),
]
DuplicateReasonTextOpt = Annotated[
    str | None, typer.Option("--duplicate-reason", help=_("Why the duplicate is accepted."))
]
