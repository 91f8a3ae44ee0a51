"""How a case looks in a terminal: the listing's columns and the one-screen case view.

The case view's helpers from other screens are imported where they are used: the
listing, which needs only the columns, does not load them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bostadcli.cli.output import Column, deadline_style
from bostadcli.cli.screen import (
    Wrapped,
    bold,
    changed_fields,
    detail_grid,
    kr,
    plain_table,
    since_text,
)
from bostadcli.cli.urgency import BAND_STYLES, OVERDUE
from bostadcli.i18n import _
from bostadcli.vocab import (
    CaseStatus,
    HousingSituation,
    IdentityLevel,
    LetterLanguage,
    NoticeKind,
    Outcome,
    Reason,
    Recipient,
    Role,
    SupportKind,
    TenancyType,
    label,
)

if TYPE_CHECKING:
    from rich.table import Table


def _deadline(value: Any, row: dict[str, Any]) -> str:
    if not value:
        return ""
    kind = row.get("next_deadline_kind") or row.get("kind")
    what = _("recovery") if kind == "recovery_deadline" else _("eviction")
    # The days left are one unit on screen ("(7 dagar kvar)"), never split over lines.
    left = since_text(row.get("days_left")).replace(" ", "\u00a0")
    return f"{value} {what} ({left})"


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


def _head(case: dict[str, Any]) -> Table:
    """Where the case stands and where the household lives, one fact a line."""
    from rich.markup import escape as esc

    status = label(CaseStatus, case["status"])
    head = detail_grid()
    address = ", ".join(x for x in (case["street"], case["postal_code"], case["city"]) if x)
    head.add_row(
        _("Status"),
        esc(
            status
            + (
                f" ({label(Outcome, case['outcome'])}, {case['closed_on']})"
                if case["closed_on"]
                else ""
            )
        ),
    )
    head.add_row(_("Opened"), case["opened_on"])
    head.add_row(_("Situation"), esc(label(HousingSituation, case["housing_situation"])))
    head.add_row(
        _("Tenancy"),
        esc(
            label(TenancyType, case["tenancy_type"]) if case["tenancy_type"] else _("not recorded")
        ),
    )
    if address:
        head.add_row(_("Address"), esc(address))
    care_of = ", ".join(
        x
        for x in (
            f"c/o {case['care_of']}" if case.get("care_of") else None,
            case.get("care_of_street"),
            case.get("care_of_postal_code"),
            case.get("care_of_city"),
        )
        if x
    )
    if care_of:
        head.add_row(_("Post to"), esc(care_of))
    reach = ", ".join(x for x in (case.get("phone"), case.get("email")) if x)
    if reach:
        head.add_row(_("Phone, e-mail"), esc(reach))
    if case["rent_ore"] is not None:
        head.add_row(_("Rent"), kr(case["rent_ore"]))
    if case["housing_allowance_ore"] is not None:
        head.add_row(_("Housing allowance"), kr(case["housing_allowance_ore"]))
    head.add_row(_("Arrears"), kr(case["arrears_ore"]))
    if case["reasons"]:
        head.add_row(_("Reasons"), esc(", ".join(label(Reason, r) for r in case["reasons"])))
    if case["caseworker"]:
        head.add_row(_("Caseworker"), esc(case["caseworker"]))
    head.add_row(_("Letter language"), esc(label(LetterLanguage, case["letter_language"])))
    if case["note"]:
        head.add_row(_("Note"), esc(case["note"]))
    return head


def _members(case: dict[str, Any]) -> Table:
    from rich.markup import escape as esc

    members = plain_table(_("No."), _("Name"), _("Personnummer"), _("Born"), _("Age"), _("Role"))
    for m in case["member_list"]:
        role = label(Role, m["role"])
        if m["is_child"]:
            role = _("child") + (_(", part-time") if m["part_time"] else "")
            role = f"[bold magenta]{esc(role)}[/]"
        else:
            if m["partner_of_tenant"] and m["role"] != Role.partner.value:
                # A co-tenant (or another adult) who is the tenant's spouse or sambo.
                role += _(", spouse/sambo")
            role = esc(role)
        pnr = m["pnr"] or ""
        if m["identity_level"]:
            pnr += f" ({esc(label(IdentityLevel, m['identity_level']))})"
        members.add_row(
            str(m["id"]),
            esc(m["name"] or _("(no name)")),
            pnr,
            m["birth_date"] or "",
            "" if m["age"] is None else str(m["age"]),
            role,
        )
    return members


def _landlord(case: dict[str, Any]) -> list[Any]:
    from rich.markup import escape as esc

    landlord = case["landlord_detail"]
    if not landlord:
        return []
    contact = ", ".join(
        x for x in (landlord["contact_person"], landlord["phone"], landlord["email"]) if x
    )
    return [
        "",
        bold(_("Landlord"))
        + f" {esc(landlord['name'])}"
        + (f" – {esc(contact)}" if contact else ""),
    ]


def _notices(case: dict[str, Any]) -> list[Any]:
    """The notices with their deadlines, then what the caseworker must be warned of."""
    from rich.markup import escape as esc

    from bostadcli.cli.notices import deadline_text, notice_warnings

    if not case["notices"]:
        return []
    table = plain_table(_("Notice"), _("Notified"), _("Served"), _("Amount"), _("Deadline"))
    for n in case["notices"]:
        style = deadline_style(n["days_left"])
        text = deadline_text(n)
        if n["earliest_decision_on"]:
            text += "; " + _("eviction decision at the earliest {date}").format(
                date=n["earliest_decision_on"]
            )
        if n["recovery_missing"]:
            style = BAND_STYLES["not_started"]
        table.add_row(
            esc(label(NoticeKind, n["kind"])),
            n["notified_on"] or "",
            n["served_on"] or "",
            kr(n["amount_ore"]),
            f"[{style}]{text}[/]" if style and text else text,
        )
    notes = [w for n in case["notices"] for w in notice_warnings(n)]
    return [
        "",
        bold(_("Notices and deadlines")),
        table,
        *(f"[{OVERDUE}]{esc(w)}[/]" for w in dict.fromkeys(notes)),
    ]


def _undertakings(case: dict[str, Any]) -> list[Any]:
    from rich.markup import escape as esc

    parts: list[Any] = []
    for u in case.get("undertakings") or []:
        effect = (
            _("stops the eviction for the unpaid rent")
            if u["stops_eviction"]
            else _("does not stop an eviction")
        )
        parts.append(
            bold(_("Undertaking to pay the rent"))
            + " "
            + esc(
                _("{date} to {landlord}: {covers}; {effect}").format(
                    date=u["given_on"], landlord=u["landlord"], covers=u["covers"], effect=effect
                )
                + (
                    " "
                    + _("(recorded {day}, back-dated: {reason})").format(
                        day=u["recorded_on"], reason=u["backdate_reason"] or ""
                    )
                    if u.get("backdated")
                    else ""
                )
            )
        )
    return parts


def _consent_line(c: dict[str, Any]) -> str:
    from rich.markup import escape as esc

    from bostadcli.cli.consents import why_not_valid

    why = why_not_valid(c.get("invalid_reason"), c)
    return (
        f"{esc(label(Recipient, c['recipient']))}"
        + (f" ({esc(c['recipient_name'])})" if c["recipient_name"] else "")
        + f": {c['given_on']}–{c['revoked_on'] or c['expires_on'] or ''} "
        + (_("valid") if c["valid"] else _("not valid"))
        + (f" ({esc(why)})" if why and not c["valid"] else "")
        + (
            " "
            + _("(recorded {day}, back-dated: {reason})").format(
                day=c["recorded_on"], reason=esc(c["backdate_reason"] or "")
            )
            if c.get("backdated")
            else ""
        )
    )


def _consents_and_plans(case: dict[str, Any]) -> list[Any]:
    from rich.markup import escape as esc

    from bostadcli.cli.views.plans import plan_state_text

    consent_lines = [_consent_line(c) for c in case["consents"]]
    parts: list[Any] = [
        "",
        bold(_("Consent"))
        + " "
        + ("; ".join(consent_lines) if consent_lines else _("none recorded")),
    ]
    if case.get("plans"):
        plan_lines = [
            f"{esc(p['ref'])} {plan_state_text(p['state'], markup=True)}: "
            + _("{remaining} of {debt} left").format(
                remaining=kr(p["remaining_ore"]), debt=kr(p["debt_ore"])
            )
            for p in case["plans"]
        ]
        parts += ["", bold(_("Repayment plans")) + " " + "; ".join(plan_lines)]
    return parts


def _records(case: dict[str, Any]) -> list[Any]:
    """Supports, and the latest letters and contacts (ten of each)."""
    from rich.markup import escape as esc

    from bostadcli.cli.contacts import contact_kind_text
    from bostadcli.cli.supports import support_status_text
    from bostadcli.letters import kind_label

    parts: list[Any] = []
    if case.get("supports"):
        table = plain_table(_("No."), _("Support"), _("From"), _("To"), _("Status"))
        for s in case["supports"]:
            table.add_row(
                str(s["id"]),
                esc(label(SupportKind, s["kind"])),
                s["start_on"],
                "" if s["withdrawn"] else s["effective_end"] or "",
                esc(support_status_text(s["status"])),
            )
        parts += ["", bold(_("Supports")), table]
    if case.get("letters"):
        table = plain_table(_("Date"), _("Letter"), _("Recipient"))
        for lt in case["letters"][:10]:
            table.add_row(lt["dated_on"], esc(kind_label(lt["kind"])), esc(lt["recipient"]))
        parts += ["", bold(_("Latest letters")), table]
    if case["contacts"]:
        table = plain_table(_("Date"), _("Contact"), _("Text"))
        for c in case["contacts"][:10]:
            text = c["text"]
            if c.get("corrected_by"):
                text = _("[corrected by {id}]").format(id=c["corrected_by"]) + " " + text
            table.add_row(c["contact_on"], esc(contact_kind_text(c["kind"], c)), esc(text))
        parts += ["", bold(_("Latest contacts")), table]
    return parts


def print_household(case: dict[str, Any]) -> None:
    """One screen: who lives there, the landlord, what is due, consent, latest contacts."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    from bostadcli.cli.rich_console import make_console

    parts: list[Any] = [_head(case), "", bold(_("Members")), _members(case)]
    parts += _landlord(case)
    parts += _notices(case)
    parts += _undertakings(case)
    parts += _consents_and_plans(case)
    parts += _records(case)
    # Data as a Text: a panel reads a string title as markup with emoji codes.
    title = Text(f"{case['ref']}  {case['tenant'] or ''}")
    body = Group(*(Wrapped(p) if isinstance(p, str) else p for p in parts))
    make_console().print(Panel(body, title=title, title_align="left"))


def _history_status(code: str) -> str:
    """The stable codes of history's status field, in words for the table."""
    from bostadcli.vocab import PlanStatus

    words = {
        "voided": _("voided"),
        "corrected": _("corrected"),
        "correction": _("correction"),
        "void": _("voided"),
        "edit": _("edited"),
        "correct": _("corrected"),
        "allow_duplicate": _("duplicate allowed"),
        "end_running": _("ended at closing"),
        "keep_running": _("kept running at closing"),
    }
    if code in words:
        return words[code]
    if code in {s.value for s in PlanStatus}:
        return PlanStatus(code).label
    return code


def _history_event(code: str) -> str:
    words = {
        "opened": _("opened"),
        "closed": _("closed"),
        "member": _("member"),
        "notice": _("notice"),
        "contact": _("contact"),
        "plan": _("plan"),
        "payment": _("payment"),
        "support": _("support"),
        "undertaking": _("undertaking"),
        "letter": _("letter"),
        "correction": _("correction"),
    }
    return words.get(code, code)


def history_text(value: Any, row: dict[str, Any]) -> str:
    """What happened, in words: a correction names the record and the fields it changed
    ("notice 1 corrected: served on, recovery deadline; Wrong date"), a letter its kind.
    CSV and JSON keep the text as the core gives it."""
    from bostadcli.cli.audit import table_word
    from bostadcli.letters import KINDS, kind_label

    text = str(value or "")
    if row.get("event") == "letter":
        kind, arrow, rest = text.partition(" → ")
        if arrow and kind in KINDS:
            return f"{kind_label(kind)} → {rest}"
        return text
    if row.get("event") != "correction" or "reason" not in row:
        return text
    what = table_word(str(row.get("table") or ""))
    if row.get("record") is not None:
        what += f" {row['record']}"
    changes = row.get("changes")
    fields = changed_fields(changes.keys()) if isinstance(changes, dict) and changes else ""
    head = f"{what}: {fields}" if fields else what
    return f"{head} ({row['reason']})" if row.get("reason") else head


def history_columns() -> list[Column]:
    """Columns of 'household history'."""
    return [
        Column("on", _("Date")),
        Column("event", _("Event"), show=lambda v, r: _history_event(v)),
        Column("table", _("Table"), in_table=False),
        Column("record", _("No.")),
        Column("text", _("What"), show=history_text),
        Column("status", _("Status"), show=lambda v, r: _history_status(v)),
        Column("by", _("Recorded by")),
        Column("at", _("Recorded at"), in_table=False),
    ]
