"""Pieces every screen of the CLI shares: bold headings, amounts, days left, what an edit
changed, and the two kinds of table a one-screen view is built from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bostadcli.i18n import N_, _, ngettext

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


class Wrapped:
    """Text (with markup) that breaks lines only at ordinary spaces.

    Rich breaks a line at any whitespace, the no-break space too, and so would cut an
    amount ("14 900 kr") or a count of days across lines. This keeps them whole: each
    line is filled word by word, and only a word longer than the line is folded.
    """

    def __init__(self, markup: str) -> None:
        from rich.text import Text

        # Without emoji codes, as every console (rich_console.make_console).
        self.text = Text.from_markup(markup, emoji=False)

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.cells import cell_len
        from rich.measure import Measurement

        lines = self.text.plain.split("\n")
        longest_word = max((cell_len(w) for ln in lines for w in ln.split(" ")), default=0)
        longest_line = max((cell_len(ln) for ln in lines), default=0)
        width = options.max_width
        return Measurement(min(longest_word, width), min(longest_line, width))

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.text import Text

        width = max(1, options.max_width)
        out: list[Text] = []
        for line in self.text.split("\n"):
            out += _fill(line, width)
        joined = Text("\n").join(out)
        joined.no_wrap = True
        joined.overflow = "fold"
        yield joined


def _fill(line: Any, width: int) -> list[Any]:
    """One line of rich Text filled to ``width``, broken only at ordinary spaces."""
    from rich.cells import cell_len

    plain = line.plain
    offsets: list[int] = []
    start = 0
    for word_start, word in _spans(plain):
        end = word_start + len(word)
        if cell_len(plain[start:end]) <= width:
            continue
        if word_start > start:
            offsets.append(word_start)
            start = word_start
        while cell_len(plain[start:end]) > width:
            start += width
            offsets.append(start)
    pieces = line.divide(offsets) if offsets else [line]
    for piece in pieces:
        piece.rstrip()
    return list(pieces)


def _spans(text: str) -> list[tuple[int, str]]:
    import re

    return [(m.start(), m.group()) for m in re.finditer(r"[^ ]+", text)]


def wrapped_table(table: Table) -> Table:
    """The table with every text cell added from now on kept by ``Wrapped``."""
    original = table.add_row

    def add_row(*cells: Any, **options: Any) -> None:
        original(*(Wrapped(c) if isinstance(c, str) else c for c in cells), **options)

    table.add_row = add_row  # type: ignore[method-assign]
    return table


def detail_grid() -> Table:
    """The head of a one-screen view: a bold heading beside each value."""
    from rich.table import Table

    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold", no_wrap=True)
    head.add_column()
    return wrapped_table(head)


def plain_table(*headings: str) -> Table:
    """A borderless table inside a one-screen view, with these column headings.

    Only the last column wraps (it holds the text: a deadline, a note); the others hold
    numbers, dates and amounts, which are never broken across lines.
    """
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    for number, heading in enumerate(headings, 1):
        table.add_column(heading, no_wrap=number < len(headings))
    return wrapped_table(table)


# The fields an edit or a correction can change, in words: ``arrears_ore`` is "arrears"
# to the reader. Translated when shown (N_), so they follow the language of the moment.
FIELD_WORDS: dict[str, str] = {
    "street": N_("street address"),
    "postal_code": N_("postal code"),
    "city": N_("city"),
    "landlord": N_("landlord"),
    "landlord_id": N_("landlord"),
    "contract_number": N_("contract"),
    "rent_ore": N_("rent"),
    "arrears_ore": N_("arrears"),
    "reasons": N_("reasons"),
    "source": N_("source"),
    "housing_situation": N_("situation"),
    "caseworker": N_("caseworker"),
    "note": N_("note"),
    "letter_language": N_("letter language"),
    "care_of": N_("c/o name"),
    "care_of_street": N_("c/o street"),
    "care_of_postal_code": N_("c/o postal code"),
    "care_of_city": N_("c/o city"),
    "name": N_("name"),
    "org_number": N_("organisation number"),
    "kind": N_("kind"),
    "contact_person": N_("contact person"),
    "phone": N_("phone number"),
    "email": N_("e-mail address"),
    "cooperation_agreement_on": N_("date of the Housing First agreement"),
    "end_on": N_("end date"),
    "claimed_ore": N_("amount claimed"),
    "reclaimed_ore": N_("amount claimed back"),
    "cap_ore": N_("cap"),
    "cap_months": N_("cap in months"),
    "flat_offered": N_("flat offered"),
    "cost_ore": N_("cost"),
    "cost_granted": N_("cost decision"),
    "support_person": N_("support person"),
    "place": N_("place"),
    # Notices.
    "ground": N_("ground"),
    "received_on": N_("date received"),
    "served_on": N_("date served"),
    "notified_on": N_("date social services was notified"),
    "terminated_on": N_("termination date"),
    "service_method": N_("how it was served"),
    "amount": N_("amount"),
    "amount_ore": N_("amount"),
    "recovery_deadline": N_("recovery deadline"),
    "eviction_at": N_("eviction date"),
    "enforcement_case": N_("Kronofogden case number"),
    "correct_by": N_("time to correct"),
    "especially_serious": N_("especially serious"),
    "copy_received_on": N_("date the copy was received"),
    "step_on": N_("date"),
    "decision_by": N_("decided by"),
    "final_on": N_("date it became final"),
    "voided_at": N_("voided"),
    # Members, contacts, consents, plans, payments.
    "pnr": N_("personnummer"),
    "birth_date": N_("birth date"),
    "role": N_("role"),
    "part_time": N_("part-time"),
    "identity_level": N_("identity"),
    "contact_on": N_("date"),
    "at_time": N_("time"),
    "text": N_("text"),
    "referral_to": N_("referred to"),
    "status": N_("status"),
    "settled_note": N_("note on the outcome"),
    "recipient": N_("recipient"),
    "recipient_name": N_("recipient's name"),
    "given_on": N_("date given"),
    "expires_on": N_("expiry date"),
    "revoked_on": N_("date revoked"),
    "backdate_reason": N_("reason for the earlier date"),
    "paid_on": N_("payment date"),
    "paid_ore": N_("amount paid"),
    "applied_ore": N_("amount applied"),
    "debt_ore": N_("debt"),
    "installment_ore": N_("installment"),
    "months": N_("months"),
    "start_month": N_("first month"),
    "due_rule": N_("due day"),
    "checked_state": N_("state"),
    "checked_on": N_("date checked"),
    "outcome": N_("outcome"),
    "closed_on": N_("closing date"),
    "opened_on": N_("opening date"),
    "caseworker_id": N_("caseworker"),
    "tenancy_type": N_("tenancy"),
    "housing_allowance_ore": N_("housing allowance"),
    "start_on": N_("start date"),
    "ended_on": N_("end date"),
    "end_reason": N_("why it ended"),
    "granted_on": N_("date granted"),
    "nights_from": N_("first night"),
    "nights_to": N_("last night"),
    "covers": N_("what it covers"),
    "decided_by": N_("decided by"),
    "initials": N_("initials"),
    "login": N_("login"),
    "retired_on": N_("date retired"),
    "partner_of_tenant": N_("partner of the tenant"),
}


def changed_fields(keys: Any) -> str:
    """What an edit changed, in words; a field without words here reads as its name."""
    return ", ".join(
        _(FIELD_WORDS[key]) if key in FIELD_WORDS else key.removesuffix("_ore").replace("_", " ")
        for key in keys
    )


def days_text(days: int | None) -> str:
    """The days left to a deadline the unit can still miss or has missed: a passed one
    reads "N days overdue". For a date that simply passed, ``since_text``."""
    if days is None:
        return ""
    if days < 0:
        return ngettext("{n} day overdue", "{n} days overdue", -days).format(n=-days)
    if days == 0:
        return _("today")
    return ngettext("{n} day left", "{n} days left", days).format(n=days)


def since_text(days: int | None) -> str:
    """The days left to a date, or, once it has passed, how long ago it was ("9 days
    ago"): for a milestone (an eviction day, the earliest eviction decision, a deadline
    already met) or a recorded date, which nobody can miss any more. Only a deadline to
    act on is "overdue" (``days_text``)."""
    if days is not None and days < 0:
        return ngettext("{n} day ago", "{n} days ago", -days).format(n=-days)
    return days_text(days)
