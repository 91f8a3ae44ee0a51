"""The repayment plan agreement: the installments, to the household with a copy to the
landlord (so only with the household's consent for the landlord)."""

from __future__ import annotations

from bostadcli.i18n import N_
from bostadcli.letters.kind import Addressee, LetterKind
from bostadcli.letters.kinds import _plan

KIND = LetterKind(
    code="plan_agreement",
    label=N_("repayment plan agreement"),
    addressed_to=Addressee.household_and_landlord,
    takes_plan=True,
    context_keys=_plan.CONTEXT_KEYS,
    add_context=_plan.add_plan,
    about=_plan.about_plan,
    refers_to=_plan.REFERS_TO,
    when="by hand (letter render), when a plan is agreed",
)
