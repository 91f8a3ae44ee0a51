"""Pieces every screen of the CLI shares: bold headings, amounts, days left, what an edit
changed, and the two kinds of table a one-screen view is built from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bostadcli.i18n import _, ngettext

if TYPE_CHECKING:
    from rich.table import Table


def bold(text: str) -> str:
    return f"[bold]{text}[/]"


def kr(ore: int | None) -> str:
    """An amount in öre as a reader sees it ("1 500 kr"); nothing for no amount."""
    if ore is None:
        return ""
    from bostadcli.money import Money, format_money

    return format_money(Money(ore))


def detail_grid() -> Table:
    """The head of a one-screen view: a bold heading beside each value."""
    from rich.table import Table

    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    return head


def plain_table(*headings: str) -> Table:
    """A borderless table inside a one-screen view, with these column headings."""
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    for heading in headings:
        table.add_column(heading)
    return table


def changed_fields(keys: Any) -> str:
    """What an edit changed, in words: ``arrears_ore`` is "arrears" to the reader."""
    words = {
        "street": _("street address"),
        "postal_code": _("postal code"),
        "city": _("city"),
        "landlord": _("landlord"),
        "landlord_id": _("landlord"),
        "contract_number": _("contract"),
        "rent_ore": _("rent"),
        "arrears_ore": _("arrears"),
        "reasons": _("reasons"),
        "source": _("source"),
        "housing_situation": _("situation"),
        "caseworker": _("caseworker"),
        "note": _("note"),
        "letter_language": _("letter language"),
        "care_of": _("c/o name"),
        "care_of_street": _("c/o street"),
        "care_of_postal_code": _("c/o postal code"),
        "care_of_city": _("c/o city"),
        "name": _("name"),
        "org_number": _("organisation number"),
        "kind": _("kind"),
        "contact_person": _("contact person"),
        "phone": _("phone number"),
        "email": _("e-mail address"),
        "cooperation_agreement_on": _("date of the Housing First agreement"),
        "end_on": _("end date"),
        "claimed_ore": _("amount claimed"),
        "reclaimed_ore": _("amount claimed back"),
        "cap_ore": _("cap"),
        "cap_months": _("cap in months"),
        "flat_offered": _("flat offered"),
        "cost_ore": _("cost"),
        "cost_granted": _("cost decision"),
        "support_person": _("support person"),
        "place": _("place"),
        "partner_of_tenant": _("partner of the tenant"),
    }
    return ", ".join(words.get(key, key.removesuffix("_ore").replace("_", " ")) for key in keys)


def days_text(days: int | None) -> str:
    if days is None:
        return ""
    if days < 0:
        return ngettext("{n} day overdue", "{n} days overdue", -days).format(n=-days)
    if days == 0:
        return _("today")
    return ngettext("{n} day left", "{n} days left", days).format(n=days)
