"""What a letter kind is: the one object a kind module defines (see ``letters.kinds``).

Everything about one kind lives in its module: its code and label, the parameters it
checks, what it adds to the template context, which households the batch writes to,
whom the letter is addressed to (and so which consent it needs) and which of the case's
records its recorded parameters name (so that moving a case renumbers them). The rest
of the ``letters`` package reads these declarations and knows no kind by name.

This module is imported when the CLI starts (the help of ``bostad letter`` lists the
kinds): it and the kind modules import nothing heavy at module level.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database

    from bostadcli.config import Policy


class Addressee(StrEnum):
    """Whom a letter goes to, and so which consent it needs."""

    # The household alone: no consent beyond the case itself.
    household = "household"
    # The household, with a copy to the landlord: personal data goes to the landlord
    # only with the household's consent (offentlighets- och sekretesslagen 26 kap. 1 §).
    household_and_landlord = "household_and_landlord"
    # A landlord alone (the one named by what the letter is about): refused without the
    # household's consent for that landlord.
    landlord = "landlord"


@dataclass(frozen=True)
class Reference:
    """A key of a recorded letter's parameters that names another record of the case:
    a plan by its reference (``by="ref"``) or a support or an undertaking by its number
    (``by="id"``). ``shape`` says how the value holds it: one value, a JSON list, or
    numbers separated by commas (as typed with ``--param support=1,2``)."""

    param: str
    table: str
    by: str = "id"  # "ref" or "id"
    shape: str = "one"  # "one", "list" or "csv"
    # How an error names the value: "plan=P-0001", "support=7".
    label: str = ""


@dataclass(frozen=True)
class Candidate:
    """A household that should get a kind of letter this period and has not had it,
    with what the letter is about (``about``, recorded with the letter: a plan, supports)."""

    household_id: int
    ref: str
    about: Mapping[str, Any] = field(default_factory=dict)
    # The case's records could not be read to decide: the letter is reported as failed.
    problem: str | None = None
    # Why the household gets no such letter although it would otherwise (in contact).
    skip: str | None = None
    # Due, but it cannot be made under the month's key (the household had this month's
    # letter of the kind already) and cannot wait for next month's: it is listed and
    # recorded as not sent (the caseworker phones or visits), under this key of its own.
    unsent_period: str | None = None

    @property
    def plan(self) -> str | None:
        plan = self.about.get("plan")
        return str(plan) if plan is not None else None

    @property
    def supports(self) -> tuple[int, ...]:
        return tuple(self.about.get("supports", ()))


@dataclass(frozen=True)
class LetterRequest:
    """What one letter is asked to be about, beyond the case: the day its content is
    judged on (``as_of``), the real day consent is judged on (``today``), and what the
    caller chose (``about``: ``--plan``, the batch's choice, or a recorded letter's)."""

    as_of: date
    today: date | None = None
    about: Mapping[str, Any] = field(default_factory=dict)


# (params, as_of, caseworker) -> the checked parameters, as the template sees them.
ParamCheck = Callable[[dict[str, str], date, "str | None"], dict[str, Any]]
# (db, context, request): add the kind's part of the template context, in place.
ContextPart = Callable[["Database", dict[str, Any], LetterRequest], None]
# (db, as_of, period, policy, daily): who should get this kind of letter.
Selector = Callable[["Database", date, str, "Policy", bool], list[Candidate]]
# The day a letter must reach the family before, from its context, or None.
DeadlineRule = Callable[[dict[str, Any]], "date | None"]
# (context, the deadline day) -> what that day is, a key of ``late.DEADLINE_NAMES``
# ("recovery_deadline", "eviction", "support_end"), or None.
DeadlineName = Callable[[dict[str, Any], date], "str | None"]
# What a letter made by hand is warned about, from its context (one line each).
WarnRule = Callable[[dict[str, Any]], list[str]]
# What the letter is about, from its context, recorded with it (e.g. {"plan": ...}).
AboutRule = Callable[[dict[str, Any]], dict[str, Any]]
# (db, household id, about, as_of, policy): whether a letter recorded already, of any
# period or made by hand, makes this one needless (a first letter, a support's end, an
# overdue installment told of once).
MadeBefore = Callable[["Database", int, Mapping[str, Any], date, "Policy"], bool]


def _nothing(context: dict[str, Any]) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class LetterKind:
    """One kind of letter. Its templates are ``templates/<code>.html.j2`` and
    ``<code>.txt.j2`` (and ``<code>.en.*`` for an English variant)."""

    code: str
    # N_(): translated where shown.
    label: str
    addressed_to: Addressee = Addressee.household
    # --param keys that must be given, and those that may be (for the help and docs).
    required_params: tuple[str, ...] = ()
    optional_params: tuple[str, ...] = ()
    check_params: ParamCheck | None = None
    # Takes --plan (a repayment plan letter).
    takes_plan: bool = False
    # The keys the kind adds to the template context, with their value in every other
    # kind's context (templates are strict: a key a shared template reads must be there).
    context_keys: Mapping[str, Any] = field(default_factory=dict)
    add_context: ContextPart | None = None
    # Warnings on a letter made by hand, no refusal (e.g. a meeting on a Sunday).
    warn: WarnRule | None = None
    # Made by the daily and monthly batches for the households this selects.
    select: Selector | None = None
    deadline: DeadlineRule | None = None
    # Not made at all when it would arrive after its deadline (the caseworker phones):
    # why, N_().
    unsent_when_late: str | None = None
    # What the deadline day is, named in the notes on a late letter.
    deadline_of: DeadlineName | None = None
    # Not made at all once a day has passed, whatever the post (the caseworker phones):
    # that day, from the context (None: made), and why, N_().
    unsent_after: DeadlineRule | None = None
    unsent_after_reason: str | None = None
    about: AboutRule = _nothing
    # What the key (household, kind, month) does not cover: a letter that exists once
    # whatever the month. The batch asks it when it chooses, claims and records a letter
    # (in the record's transaction), so that two runs at once, runs for two months and a
    # letter made by hand meanwhile never make it twice; a run holding such a letter's
    # claim for another month holds it for every month.
    made_before: MadeBefore | None = None
    # Once per household, ever (the first letter): ``letter render`` refuses to record a
    # second one as well.
    once_ever: bool = False
    refers_to: tuple[Reference, ...] = ()
    # One line for the table of kinds (docs/letter-kinds.md): when it is written.
    when: str = ""
