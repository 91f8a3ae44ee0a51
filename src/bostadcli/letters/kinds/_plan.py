"""What the two repayment plan letters share: the plan a letter is about, in the
template context as ``plan``, and recorded with the letter as ``plan`` (its reference)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli.i18n import _
from bostadcli.letters.kind import LetterRequest, Reference

if TYPE_CHECKING:
    from sqlite_utils import Database

CONTEXT_KEYS: dict[str, Any] = {"plan": None}
REFERS_TO = (Reference("plan", "plans", by="ref", label="plan"),)


def plan_for(db: Database, ref: str, plan: str | None, *, as_of: date) -> dict[str, Any]:
    """The plan a plan letter is about: the one named, else the household's active
    plan (the most urgent when there are several)."""
    from bostadcli import plans
    from bostadcli.errors import InvalidInput

    if plan is not None:
        found = plans.show_plan(db, plan, as_of=as_of)
        if found["household"] != ref:
            raise InvalidInput(
                "--plan",
                plan,
                _("belongs to {other}, not to {ref}").format(other=found["household"], ref=ref),
            )
        return found
    active = plans.list_plans(db, as_of=as_of, household=ref)
    if not active:
        raise InvalidInput("--plan", ref, _("{ref} has no active repayment plan").format(ref=ref))
    return plans.show_plan(db, active[0]["ref"], as_of=as_of)


def plan_context(found: dict[str, Any]) -> dict[str, Any]:
    from bostadcli.money import Money

    def money(ore: int | None) -> Money | None:
        return Money(ore) if ore is not None else None

    installments = [
        {
            "seq": i["seq"],
            "month": date.fromisoformat(i["month"] + "-01"),
            "due_on": date.fromisoformat(i["due_on"]),
            "amount": Money(i["amount_ore"]),
            "paid": Money(i["paid_ore"]),
            "left": Money(i["amount_ore"] - i["paid_ore"]),
            "status": i["status"],
            "days_overdue": i["days_overdue"],
        }
        for i in found["installments"]
    ]
    return {
        "ref": found["ref"],
        "state": found["state"],
        "landlord": found["landlord"],
        "debt": Money(found["debt_ore"]),
        "installment": Money(found["installment_ore"]),
        "last_installment": Money(found["last_installment_ore"]),
        "months": found["months"],
        "first_due_on": installments[0]["due_on"],
        "last_due_on": installments[-1]["due_on"],
        "paid": Money(found["paid_ore"]),
        "remaining": Money(found["remaining_ore"]),
        "overdue": Money(found["overdue_ore"]),
        "missed": found["missed"],
        "next_due_on": date.fromisoformat(found["next_due_on"]) if found["next_due_on"] else None,
        "next_due": money(found["next_due_ore"]),
        "agreed_on": date.fromisoformat(found["created_on"]),
        "installments": installments,
        "overdue_installments": [i for i in installments if i["status"] == "overdue"],
        # The next installment not yet due (what to pay with the coming rent).
        "upcoming": next((i for i in installments if i["status"] == "unpaid"), None),
    }


def add_plan(db: Database, context: dict[str, Any], request: LetterRequest) -> None:
    plan = request.about.get("plan")
    found = plan_for(db, context["ref"], plan, as_of=request.as_of)
    context["plan"] = plan_context(found)


def about_plan(context: dict[str, Any]) -> dict[str, Any]:
    return {"plan": context["plan"]["ref"]} if context["plan"] else {}
