"""How repayment plans look: the listing's columns, the one-screen plan, the
affordability hint, and what 'plan create' prints."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import typer

from bostadcli.cli.output import Column, write_document
from bostadcli.cli.screen import bold, days_text, detail_grid, kr, plain_table
from bostadcli.cli.urgency import DONE, OVERDUE, SOON
from bostadcli.i18n import _, ngettext
from bostadcli.vocab import InstallmentStatus, PlanState, label

if TYPE_CHECKING:
    from rich.console import JustifyMethod
    from rich.table import Table


# A plan behind is a payment due soon or just missed; broken is past saving: the same
# scale as every date on screen (cli.urgency).
_STATE_STYLES = {"behind": SOON, "broken": OVERDUE, "completed": DONE}


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
                rent=kr(hint["rent_ore"]),
                allowance=kr(allowance),
                cost=kr(hint["housing_cost_ore"]),
            )
        )
    housing = hint.get("housing_cost_ore", hint["rent_ore"] or 0)
    lines += [
        _(
            "Left to live on: {income} income − {housing} housing cost − {installment}"
            " installment = {rest}"
        ).format(
            income=kr(hint["income_ore"]),
            housing=kr(housing),
            installment=kr(hint["installment_ore"]),
            rest=kr(hint["left_ore"] + hint["norm_ore"]),
        ),
        _("Living-cost norm (normalbelopp {year}, {who}): {norm}; after the norm: {left}").format(
            year=hint["norm_year"], who=who, norm=kr(hint["norm_ore"]), left=kr(hint["left_ore"])
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
        n=n, amount=kr(plan["installment_ore"])
    )
    if n > 1 and plan["last_installment_ore"] != plan["installment_ore"]:
        text += _(" (the last {amount})").format(amount=kr(plan["last_installment_ore"]))
    from bostadcli.dates import format_date, parse_month

    start = format_date(parse_month(plan["start_month"]), "month")
    return text + _(" from {month}").format(month=start)


def _installment_status(row: dict[str, Any]) -> str:
    text = label(InstallmentStatus, row["status"])
    if row["status"] == "paid":
        return f"[{DONE}]{text}[/]"
    if row["status"] == "overdue":
        return f"[{OVERDUE}]{days_text(-row['days_overdue'])}[/]"
    if row["paid_ore"]:
        return _("part paid")
    return text


def _plan_head(plan: dict[str, Any]) -> Table:
    from rich.markup import escape as esc

    head = detail_grid()
    head.add_row(_("Case"), esc(f"{plan['household']}  {plan['tenant'] or ''}".strip()))
    head.add_row(_("Landlord"), esc(plan["landlord"]))
    head.add_row(_("State"), plan_state_text(plan["state"], markup=True))
    head.add_row(_("Debt"), kr(plan["debt_ore"]))
    head.add_row(_("Installments"), esc(plan_summary_text(plan)))
    head.add_row(_("Due"), esc(_due_rule_text(plan["due_rule"])))
    head.add_row(_("Paid"), kr(plan["paid_ore"]))
    head.add_row(_("Remaining"), kr(plan["remaining_ore"]))
    if plan["overdue_ore"]:
        head.add_row(_("Overdue"), f"[{OVERDUE}]{kr(plan['overdue_ore'])}[/]")
    if plan["next_due_on"] and plan["status"] == "active":
        head.add_row(_("Next due"), f"{plan['next_due_on']}  {kr(plan['next_due_ore'])}")
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
    return head


def _schedule_table(plan: dict[str, Any]) -> Table:
    from rich.table import Table

    schedule = Table(box=None, pad_edge=False, header_style="bold")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("#", "right"),
        (_("Month"), "left"),
        (_("Due"), "left"),
        (_("Amount"), "right"),
        (_("Paid"), "right"),
        (_("Status"), "left"),
    )
    for heading, justify in columns:
        schedule.add_column(heading, justify=justify)
    for row in plan["installments"]:
        schedule.add_row(
            str(row["seq"]),
            row["month"],
            row["due_on"],
            kr(row["amount_ore"]),
            kr(row["paid_ore"]),
            _installment_status(row),
        )
    return schedule


def print_plan(plan: dict[str, Any]) -> None:
    """A plan on one screen: terms, where it stands, the schedule, the payments."""
    from rich.console import Group
    from rich.markup import escape as esc
    from rich.panel import Panel
    from rich.text import Text

    from bostadcli.cli.rich_console import make_console

    parts: list[Any] = [_plan_head(plan), "", bold(_("Schedule")), _schedule_table(plan)]
    if plan["payments"]:
        payments = plain_table(_("No."), _("Date"), _("Amount"), _("Excess"), _("Note"))
        for p in plan["payments"]:
            payments.add_row(
                str(p["id"]),
                p["paid_on"],
                kr(p["amount_ore"]),
                kr(p["excess_ore"]) if p["excess_ore"] else "",
                esc(p["note"] or ""),
            )
        parts += ["", bold(_("Payments")), payments]
    if plan.get("affordability"):
        parts += ["", bold(_("Affordability"))]
        parts += [esc(line) for line in affordability_lines(plan["affordability"])]
    title = plan["ref"] or _("New plan (not saved)")
    make_console().print(Panel(Group(*parts), title=Text(title), title_align="left"))


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
