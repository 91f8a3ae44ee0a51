"""How cases look in a terminal: column sets and the one-screen case view."""

from datetime import date
from typing import Any

import typer

from bostadcli.cli.output import Column, deadline_style, write_document
from bostadcli.i18n import _, ngettext
from bostadcli.vocab import (
    CaseStatus,
    ContactKind,
    DecisionBy,
    HousingSituation,
    IdentityLevel,
    InstallmentStatus,
    LetterLanguage,
    NoticeKind,
    PlanState,
    Reason,
    Recipient,
    ReferralTarget,
    Role,
    SupportKind,
    TenancyType,
    label,
)


def _bold(text: str) -> str:
    return f"[bold]{text}[/]"


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


def recovery_text(notice: dict[str, Any]) -> str:
    """A recovery period that has not started, in words: which date it waits for."""
    missing = notice.get("recovery_missing") or []
    if not missing:
        return ""
    if len(missing) == 2:
        return _("not started: no service date, and no record that social services was notified")
    if missing[0] == "served_on":
        return _("not started: the tenant has not been served")
    return _("not started: no record that social services was notified")


def notice_warnings(notice: dict[str, Any]) -> list[str]:
    """What a caseworker must know about a notice as recorded: a termination that may be
    barred (jordabalken 12 kap. 42 § 3 st), a decision after which paying is too late."""
    out = []
    if notice.get("barred_risk") == "no_warning":
        out.append(
            _(
                "no warning to correct (rättelseanmaning) is recorded on this ground before the"
                " termination: the termination may be barred (12 kap. 42 § 3 st), unless it is"
                " especially serious (--especially-serious --copy-received DATE)"
            )
        )
    elif notice.get("barred_risk") == "warning_not_notified":
        out.append(
            _(
                "no record that social services was notified of the warning: the termination"
                " may be barred (12 kap. 25 a §, 42 § 3 st)"
            )
        )
    if notice.get("kind") == "decision":
        out.append(decision_text())
    return out


def step_text(notice: dict[str, Any]) -> str:
    """One of Kronofogden's steps: its day, the day a decision became final, the case."""
    text = notice["step_on"] or ""
    if notice.get("decision_by"):
        text += ", " + label(DecisionBy, notice["decision_by"])
    if notice.get("final_on"):
        text += ", " + _("final {date}").format(date=notice["final_on"])
    if notice.get("enforcement_case"):
        text += ", " + _("case {number}").format(number=notice["enforcement_case"])
    return text


def decision_text() -> str:
    return _(
        "after a decision to evict, paying the debt no longer restores the lease: only a new"
        " agreement with the landlord does"
    )


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


def contact_kind_text(kind: str, row: dict[str, Any]) -> str:
    """'phone call', or 'referral → debt counselling'; a code from a newer version as is."""
    text = label(ContactKind, kind) if kind in ContactKind.__members__ else kind
    if row.get("referral_to"):
        text += " → " + label(ReferralTarget, str(row["referral_to"]))
    return text


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
        head.add_row(_("Rent"), format_money(Money(case["rent_ore"])))
    if case["housing_allowance_ore"] is not None:
        head.add_row(_("Housing allowance"), format_money(Money(case["housing_allowance_ore"])))
    head.add_row(_("Arrears"), format_money(Money(case["arrears_ore"])))
    if case["reasons"]:
        head.add_row(_("Reasons"), esc(", ".join(label(Reason, r) for r in case["reasons"])))
    if case["caseworker"]:
        head.add_row(_("Caseworker"), esc(case["caseworker"]))
    head.add_row(_("Letter language"), esc(label(LetterLanguage, case["letter_language"])))
    if case["note"]:
        head.add_row(_("Note"), esc(case["note"]))

    members = Table(box=None, pad_edge=False, header_style="bold")
    for heading in (_("No."), _("Name"), _("Personnummer"), _("Born"), _("Age"), _("Role")):
        members.add_column(heading)
    for m in case["member_list"]:
        role = label(Role, m["role"])
        if m["is_child"]:
            role = _("child") + (_(", part-time") if m["part_time"] else "")
            role = f"[bold magenta]{esc(role)}[/]"
        else:
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

    parts: list[Any] = [head, "", _bold(_("Members")), members]
    landlord = case["landlord_detail"]
    if landlord:
        contact = ", ".join(
            x for x in (landlord["contact_person"], landlord["phone"], landlord["email"]) if x
        )
        parts += [
            "",
            _bold(_("Landlord"))
            + f" {esc(landlord['name'])}"
            + (f" – {esc(contact)}" if contact else ""),
        ]
    if case["notices"]:
        table = Table(box=None, pad_edge=False, header_style="bold")
        for heading in (_("Notice"), _("Notified"), _("Served"), _("Amount"), _("Deadline")):
            table.add_column(heading)
        for n in case["notices"]:
            deadline = n["deadline"] or ""
            style = deadline_style(n["days_left"])
            text = f"{deadline} ({days_text(n['days_left'])})" if deadline else ""
            if n["earliest_decision_on"]:
                text += "; " + _("eviction decision at the earliest {date}").format(
                    date=n["earliest_decision_on"]
                )
            if n["recovery_missing"]:
                text, style = recovery_text(n), "bold yellow"
            elif n["step_on"] and not deadline:
                text = step_text(n)
            table.add_row(
                esc(label(NoticeKind, n["kind"])),
                n["notified_on"] or "",
                n["served_on"] or "",
                format_money(Money(n["amount_ore"])) if n["amount_ore"] is not None else "",
                f"[{style}]{text}[/]" if style and text else text,
            )
        parts += ["", _bold(_("Notices and deadlines")), table]
        notes = [w for n in case["notices"] for w in notice_warnings(n)]
        parts += [f"[bold red]{esc(w)}[/]" for w in dict.fromkeys(notes)]
    for u in case.get("undertakings") or []:
        effect = (
            _("stops the eviction for the unpaid rent")
            if u["stops_eviction"]
            else _("does not stop an eviction")
        )
        parts.append(
            _bold(_("Undertaking to pay the rent"))
            + " "
            + esc(
                _("{date} to {landlord}: {covers}; {effect}").format(
                    date=u["given_on"], landlord=u["landlord"], covers=u["covers"], effect=effect
                )
            )
        )
    consent_lines = [
        f"{esc(label(Recipient, c['recipient']))}"
        + (f" ({esc(c['recipient_name'])})" if c["recipient_name"] else "")
        + f": {c['given_on']}–{c['revoked_on'] or c['expires_on'] or ''} "
        + (_("valid") if c["valid"] else _("not valid"))
        + (
            " "
            + _("(recorded {day}, back-dated: {reason})").format(
                day=c["recorded_on"], reason=esc(c["backdate_reason"] or "")
            )
            if c.get("backdated")
            else ""
        )
        for c in case["consents"]
    ]
    parts += [
        "",
        _bold(_("Consent"))
        + " "
        + ("; ".join(consent_lines) if consent_lines else _("none recorded")),
    ]
    if case.get("plans"):
        plan_lines = [
            f"{esc(p['ref'])} {plan_state_text(p['state'], markup=True)}: "
            + _("{remaining} of {debt} left").format(
                remaining=format_money(Money(p["remaining_ore"])),
                debt=format_money(Money(p["debt_ore"])),
            )
            for p in case["plans"]
        ]
        parts += ["", _bold(_("Repayment plans")) + " " + "; ".join(plan_lines)]
    if case.get("supports"):
        table = Table(box=None, pad_edge=False, header_style="bold")
        for heading in (_("No."), _("Support"), _("From"), _("To"), _("Status")):
            table.add_column(heading)
        for s in case["supports"]:
            table.add_row(
                str(s["id"]),
                esc(label(SupportKind, s["kind"])),
                s["start_on"],
                s["effective_end"] or "",
                esc(
                    {"planned": _("planned"), "active": _("active"), "ended": _("ended")}.get(
                        s["status"], s["status"]
                    )
                ),
            )
        parts += ["", _bold(_("Supports")), table]
    if case.get("letters"):
        table = Table(box=None, pad_edge=False, header_style="bold")
        for heading in (_("Date"), _("Letter"), _("Recipient")):
            table.add_column(heading)
        for lt in case["letters"][:10]:
            table.add_row(lt["dated_on"], esc(lt["kind"]), esc(lt["recipient"]))
        parts += ["", _bold(_("Latest letters")), table]
    if case["contacts"]:
        table = Table(box=None, pad_edge=False, header_style="bold")
        for heading in (_("Date"), _("Contact"), _("Text")):
            table.add_column(heading)
        for c in case["contacts"][:10]:
            text = c["text"]
            if c.get("corrected_by"):
                text = _("[corrected by {id}]").format(id=c["corrected_by"]) + " " + text
            table.add_row(c["contact_on"], esc(contact_kind_text(c["kind"], c)), esc(text))
        parts += ["", _bold(_("Latest contacts")), table]
    title = f"{case['ref']}  {esc(case['tenant'] or '')}"
    console.print(Panel(Group(*parts), title=title, title_align="left"))


def _kr(ore: int | None) -> str:
    if ore is None:
        return ""
    from bostadcli.money import Money, format_money

    return format_money(Money(ore))


_STATE_STYLES = {"behind": "yellow", "broken": "bold red", "completed": "green"}


def plan_state_text(state: str, *, markup: bool = False) -> str:
    text = label(PlanState, state)
    style = _STATE_STYLES.get(state)
    return f"[{style}]{text}[/]" if markup and style else text


def plan_columns(*, changes: bool = False) -> list[Column]:
    """Columns of 'plan list', and of 'plan check' with ``changes`` (the state before)."""
    columns = [
        Column("ref", _("Plan")),
        Column("household", _("Case")),
        Column("tenant", _("Tenant")),
        # A check is read for who needs a call, a listing also for whom they owe.
        Column("landlord", _("Landlord"), in_table=not changes),
        Column("status", _("Status"), in_table=False),
    ]
    if changes:
        columns.append(Column("previous_state", _("Was"), show=lambda v, r: plan_state_text(v)))
    columns += [
        Column("state", _("State"), show=lambda v, r: plan_state_text(v)),
        Column("debt_ore", _("Debt"), kind="money", in_table=False),
        Column("installment_ore", _("Installment"), kind="money", in_table=False),
        Column("months", _("Months"), in_table=False),
        Column("start_month", _("Start month"), in_table=False),
        Column("paid_ore", _("Paid"), kind="money", in_table=False),
        Column("remaining_ore", _("Remaining"), kind="money", justify="right"),
        Column("overdue_ore", _("Overdue"), kind="money", justify="right"),
        Column("missed", _("Missed"), in_table=changes, justify="right"),
        Column("next_due_on", _("Next due")),
        Column("next_due_ore", _("Next amount"), kind="money", in_table=False),
        Column("created_on", _("Agreed"), in_table=False),
        Column("replaces", _("Replaces"), in_table=False),
        Column("replaced_by", _("Replaced by"), in_table=False),
    ]
    return columns


def affordability_lines(hint: dict[str, Any]) -> list[str]:
    """The affordability hint as plain lines (for stderr or a panel)."""
    children = sum(hint["children"].values())
    part_time = sum(hint.get("children_part_time", {}).values())
    who = _("a couple") if hint.get("couple") else _("a single adult")
    if children:
        who += " " + ngettext("and {n} child", "and {n} children", children).format(n=children)
        if part_time:
            who += " " + ngettext(
                "({n} part-time, {percent} %)", "({n} part-time, {percent} %)", part_time
            ).format(n=part_time, percent=hint.get("part_time_child_norm_percent", 100))
    lines = []
    allowance = hint.get("housing_allowance_ore")
    if allowance is not None and hint["rent_ore"] is not None:
        lines.append(
            _("Housing cost: {rent} rent − {allowance} housing allowance = {cost}").format(
                rent=_kr(hint["rent_ore"]),
                allowance=_kr(allowance),
                cost=_kr(hint["housing_cost_ore"]),
            )
        )
    housing = hint.get("housing_cost_ore", hint["rent_ore"] or 0)
    lines += [
        _(
            "Left to live on: {income} income − {housing} housing cost − {installment}"
            " installment = {rest}"
        ).format(
            income=_kr(hint["income_ore"]),
            housing=_kr(housing),
            installment=_kr(hint["installment_ore"]),
            rest=_kr(hint["left_ore"] + hint["norm_ore"]),
        ),
        _("Living-cost norm (normalbelopp {year}, {who}): {norm}; after the norm: {left}").format(
            year=hint["norm_year"], who=who, norm=_kr(hint["norm_ore"]), left=_kr(hint["left_ore"])
        ),
    ]
    lines += [_("warning: {text} (a hint, not a refusal)").format(text=w) for w in hint["warnings"]]
    return lines


def _due_rule_text(code: str) -> str:
    if code == "last_working_day":
        return _("with the rent: the last working day before the month")
    return _("day {day} of the month, or the next working day").format(day=code)


def plan_summary_text(plan: dict[str, Any]) -> str:
    """'10 installments of 1 500 kr (the last 1 400 kr) from 2027-01'."""
    n = plan["months"]
    text = ngettext("{n} installment of {amount}", "{n} installments of {amount}", n).format(
        n=n, amount=_kr(plan["installment_ore"])
    )
    if n > 1 and plan["last_installment_ore"] != plan["installment_ore"]:
        text += _(" (the last {amount})").format(amount=_kr(plan["last_installment_ore"]))
    from bostadcli.dates import format_date, parse_month

    start = format_date(parse_month(plan["start_month"]), "month")
    return text + _(" from {month}").format(month=start)


def _installment_status(row: dict[str, Any]) -> str:
    text = label(InstallmentStatus, row["status"])
    if row["status"] == "paid":
        return f"[green]{text}[/]"
    if row["status"] == "overdue":
        return f"[bold red]{days_text(-row['days_overdue'])}[/]"
    if row["paid_ore"]:
        return _("part paid")
    return text


def print_plan(plan: dict[str, Any]) -> None:
    """A plan on one screen: terms, where it stands, the schedule, the payments."""
    from rich.console import Console, Group
    from rich.markup import escape as esc
    from rich.panel import Panel
    from rich.table import Table

    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    head.add_row(_("Case"), esc(f"{plan['household']}  {plan['tenant'] or ''}".strip()))
    head.add_row(_("Landlord"), esc(plan["landlord"]))
    head.add_row(_("State"), plan_state_text(plan["state"], markup=True))
    head.add_row(_("Debt"), _kr(plan["debt_ore"]))
    head.add_row(_("Installments"), esc(plan_summary_text(plan)))
    head.add_row(_("Due"), esc(_due_rule_text(plan["due_rule"])))
    head.add_row(_("Paid"), _kr(plan["paid_ore"]))
    head.add_row(_("Remaining"), _kr(plan["remaining_ore"]))
    if plan["overdue_ore"]:
        head.add_row(_("Overdue"), f"[bold red]{_kr(plan['overdue_ore'])}[/]")
    if plan["next_due_on"] and plan["status"] == "active":
        head.add_row(_("Next due"), f"{plan['next_due_on']}  {_kr(plan['next_due_ore'])}")
    head.add_row(_("Agreed"), plan["created_on"])
    for key, heading in (
        ("replaces", _("Replaces")),
        ("replaced_by", _("Replaced by")),
        ("cancelled_on", _("Ended")),
        ("completed_on", _("Completed")),
        ("note", _("Note")),
    ):
        if plan.get(key):
            head.add_row(heading, esc(str(plan[key])))

    schedule = Table(box=None, pad_edge=False, header_style="bold")
    for heading, justify in (
        ("#", "right"),
        (_("Month"), "left"),
        (_("Due"), "left"),
        (_("Amount"), "right"),
        (_("Paid"), "right"),
        (_("Status"), "left"),
    ):
        schedule.add_column(heading, justify=justify)  # type: ignore[arg-type]
    for row in plan["installments"]:
        schedule.add_row(
            str(row["seq"]),
            row["month"],
            row["due_on"],
            _kr(row["amount_ore"]),
            _kr(row["paid_ore"]),
            _installment_status(row),
        )
    parts: list[Any] = [head, "", _bold(_("Schedule")), schedule]
    if plan["payments"]:
        payments = Table(box=None, pad_edge=False, header_style="bold")
        for heading in (_("No."), _("Date"), _("Amount"), _("Excess"), _("Note")):
            payments.add_column(heading)
        for p in plan["payments"]:
            payments.add_row(
                str(p["id"]),
                p["paid_on"],
                _kr(p["amount_ore"]),
                _kr(p["excess_ore"]) if p["excess_ore"] else "",
                esc(p["note"] or ""),
            )
        parts += ["", _bold(_("Payments")), payments]
    if plan.get("affordability"):
        parts += ["", _bold(_("Affordability"))]
        parts += [esc(line) for line in affordability_lines(plan["affordability"])]
    title = plan["ref"] or _("New plan (not saved)")
    Console().print(Panel(Group(*parts), title=esc(title), title_align="left"))


def report_new_plan(plan: dict[str, Any], *, dry_run: bool, as_document: bool) -> None:
    """What 'plan create' prints: the reference (or the whole preview) on stdout, the
    summary and the affordability hint on stderr."""
    if as_document:
        write_document(plan)
    elif dry_run:
        print_plan(plan)  # the preview panel carries the affordability hint itself
    else:
        from bostadcli.dates import format_date

        typer.echo(plan["ref"])
        typer.echo(
            _("Agreed plan {plan} for {ref}: {summary}, first due {first}.").format(
                plan=plan["ref"],
                ref=plan["household"],
                summary=plan_summary_text(plan),
                first=format_date(date.fromisoformat(plan["installments"][0]["due_on"]), "long"),
            ),
            err=True,
        )
    if plan["affordability"] and (as_document or not dry_run):
        for line in affordability_lines(plan["affordability"]):
            typer.echo(line, err=True)
    if dry_run:
        typer.echo(_("Dry run: nothing was saved."), err=True)
