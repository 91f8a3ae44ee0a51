"""How cases look in a terminal: column sets and the one-screen case view."""

from typing import Any

from bostadcli.cli.output import Column, deadline_style
from bostadcli.i18n import _, ngettext
from bostadcli.vocab import (
    CaseStatus,
    ContactKind,
    HousingSituation,
    NoticeKind,
    Reason,
    Recipient,
    ReferralTarget,
    Role,
    label,
)


def days_text(days: int | None) -> str:
    if days is None:
        return ""
    if days < 0:
        return ngettext("{n} day overdue", "{n} days overdue", -days).format(n=-days)
    if days == 0:
        return _("today")
    return ngettext("{n} day left", "{n} days left", days).format(n=days)


def _deadline(value: Any, row: dict[str, Any]) -> str:
    if not value:
        return ""
    kind = row.get("next_deadline_kind") or row.get("kind")
    what = _("recovery") if kind == "recovery_deadline" else _("eviction")
    return f"{value} {what} ({days_text(row.get('days_left'))})"


def _children(value: Any, row: dict[str, Any]) -> str:
    full, part = row.get("children") or 0, row.get("children_part_time") or 0
    if not full and not part:
        return ""
    return f"{full}" + (_(" + {n} part-time").format(n=part) if part else "")


def household_columns() -> list[Column]:
    return [
        Column("ref", _("Case")),
        Column("status", _("Status"), in_table=False),
        Column("opened_on", _("Opened"), in_table=False),
        Column("closed_on", _("Closed"), in_table=False),
        Column("outcome", _("Outcome"), in_table=False),
        Column("tenant", _("Tenant")),
        Column("tenant_pnr", _("Personnummer"), in_table=False),
        Column("street", _("Address")),
        Column("postal_code", _("Postal code"), in_table=False),
        Column("city", _("City"), in_table=False),
        Column("landlord", _("Landlord")),
        Column("contract_number", _("Contract"), in_table=False),
        Column("rent_ore", _("Rent"), kind="money", in_table=False),
        Column("arrears_ore", _("Arrears"), kind="money", justify="right"),
        Column("reasons", _("Reasons"), show=lambda v, r: ", ".join(label(Reason, x) for x in v)),
        Column("source", _("Source"), in_table=False),
        Column("housing_situation", _("Situation"), in_table=False),
        Column("caseworker", _("Caseworker"), in_table=False),
        Column("members", _("Members"), in_table=False),
        Column("children", _("Children"), show=_children, justify="right"),
        Column("children_part_time", _("Part-time children"), in_table=False),
        Column("next_deadline", _("Next deadline"), kind="deadline", show=_deadline),
        Column("next_deadline_kind", _("Deadline kind"), in_table=False),
        Column("days_left", _("Days left"), in_table=False),
    ]


def print_household(case: dict[str, Any]) -> None:
    """One screen: who lives there, the landlord, what is due, consent, latest contacts."""
    from rich.console import Console, Group
    from rich.markup import escape as esc
    from rich.panel import Panel
    from rich.table import Table

    from bostadcli.money import Money, format_money

    console = Console()
    status = label(CaseStatus, case["status"])
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    address = ", ".join(x for x in (case["street"], case["postal_code"], case["city"]) if x)
    head.add_row(
        _("Status"),
        esc(status + (f" ({case['outcome']}, {case['closed_on']})" if case["closed_on"] else "")),
    )
    head.add_row(_("Opened"), case["opened_on"])
    head.add_row(_("Situation"), esc(label(HousingSituation, case["housing_situation"])))
    if address:
        head.add_row(_("Address"), esc(address))
    if case["rent_ore"] is not None:
        head.add_row(_("Rent"), format_money(Money(case["rent_ore"])))
    head.add_row(_("Arrears"), format_money(Money(case["arrears_ore"])))
    if case["reasons"]:
        head.add_row(_("Reasons"), esc(", ".join(label(Reason, r) for r in case["reasons"])))
    if case["caseworker"]:
        head.add_row(_("Caseworker"), esc(case["caseworker"]))
    if case["note"]:
        head.add_row(_("Note"), esc(case["note"]))

    members = Table(box=None, pad_edge=False, header_style="bold")
    for heading in (_("Name"), _("Personnummer"), _("Born"), _("Age"), _("Role")):
        members.add_column(heading)
    for m in case["member_list"]:
        role = label(Role, m["role"])
        if m["is_child"]:
            role = _("child") + (_(", part-time") if m["part_time"] else "")
            role = f"[bold magenta]{esc(role)}[/]"
        else:
            role = esc(role)
        members.add_row(
            esc(m["name"] or _("(no name)")),
            m["pnr"] or "",
            m["birth_date"] or "",
            "" if m["age"] is None else str(m["age"]),
            role,
        )

    parts: list[Any] = [head, "", f"[bold]{_('Members')}[/]", members]
    landlord = case["landlord_detail"]
    if landlord:
        contact = ", ".join(
            x for x in (landlord["contact_person"], landlord["phone"], landlord["email"]) if x
        )
        parts += [
            "",
            f"[bold]{_('Landlord')}[/] {esc(landlord['name'])}"
            + (f" – {esc(contact)}" if contact else ""),
        ]
    if case["notices"]:
        table = Table(box=None, pad_edge=False, header_style="bold")
        for heading in (_("Notice"), _("Received"), _("Served"), _("Amount"), _("Deadline")):
            table.add_column(heading)
        for n in case["notices"]:
            deadline = n["deadline"] or ""
            style = deadline_style(n["days_left"])
            text = f"{deadline} ({days_text(n['days_left'])})" if deadline else ""
            table.add_row(
                esc(label(NoticeKind, n["kind"])),
                n["received_on"] or "",
                n["served_on"] or "",
                format_money(Money(n["amount_ore"])) if n["amount_ore"] is not None else "",
                f"[{style}]{text}[/]" if style and text else text,
            )
        parts += ["", f"[bold]{_('Notices and deadlines')}[/]", table]
    consent_lines = [
        f"{esc(label(Recipient, c['recipient']))}"
        + (f" ({esc(c['recipient_name'])})" if c["recipient_name"] else "")
        + f": {c['given_on']}–{c['revoked_on'] or c['expires_on'] or ''} "
        + (_("valid") if c["valid"] else _("not valid"))
        for c in case["consents"]
    ]
    parts += [
        "",
        f"[bold]{_('Consent')}[/] "
        + ("; ".join(consent_lines) if consent_lines else _("none recorded")),
    ]
    if case["contacts"]:
        table = Table(box=None, pad_edge=False, header_style="bold")
        for heading in (_("Date"), _("Contact"), _("Text")):
            table.add_column(heading)
        for c in case["contacts"][:10]:
            kind = (
                label(ContactKind, c["kind"]) if c["kind"] in ContactKind.__members__ else c["kind"]
            )
            if c["referral_to"]:
                kind += " → " + label(ReferralTarget, c["referral_to"])
            table.add_row(c["contact_on"], esc(kind), esc(c["text"]))
        parts += ["", f"[bold]{_('Latest contacts')}[/]", table]
    title = f"{case['ref']}  {esc(case['tenant'] or '')}"
    console.print(Panel(Group(*parts), title=title, title_align="left"))
