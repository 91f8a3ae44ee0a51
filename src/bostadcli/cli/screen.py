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


class Wrapped:
    """Text (with markup) that breaks lines only at ordinary spaces.

    Rich breaks a line at any whitespace, the no-break space too, and so would cut an
    amount ("14 900 kr") or a count of days across lines. This keeps them whole: each
    line is filled word by word, and only a word longer than the line is folded.
    """

    def __init__(self, markup: str) -> None:
        from rich.text import Text

        self.text = Text.from_markup(markup)

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
        # Notices.
        "ground": _("ground"),
        "received_on": _("date received"),
        "served_on": _("date served"),
        "notified_on": _("date social services was notified"),
        "terminated_on": _("termination date"),
        "service_method": _("how it was served"),
        "amount": _("amount"),
        "amount_ore": _("amount"),
        "recovery_deadline": _("recovery deadline"),
        "eviction_at": _("eviction date"),
        "enforcement_case": _("Kronofogden case number"),
        "correct_by": _("time to correct"),
        "especially_serious": _("especially serious"),
        "copy_received_on": _("date the copy was received"),
        "step_on": _("date"),
        "decision_by": _("decided by"),
        "final_on": _("date it became final"),
        "voided_at": _("voided"),
        # Members, contacts, consents, plans, payments.
        "pnr": _("personnummer"),
        "birth_date": _("birth date"),
        "role": _("role"),
        "part_time": _("part-time"),
        "identity_level": _("identity"),
        "contact_on": _("date"),
        "at_time": _("time"),
        "text": _("text"),
        "referral_to": _("referred to"),
        "status": _("status"),
        "settled_note": _("note on the outcome"),
        "recipient": _("recipient"),
        "recipient_name": _("recipient's name"),
        "given_on": _("date given"),
        "expires_on": _("expiry date"),
        "revoked_on": _("date revoked"),
        "backdate_reason": _("reason for the earlier date"),
        "paid_on": _("payment date"),
        "paid_ore": _("amount paid"),
        "applied_ore": _("amount applied"),
        "debt_ore": _("debt"),
        "installment_ore": _("installment"),
        "months": _("months"),
        "start_month": _("first month"),
        "due_rule": _("due day"),
        "checked_state": _("state"),
        "checked_on": _("date checked"),
        "outcome": _("outcome"),
        "closed_on": _("closing date"),
        "opened_on": _("opening date"),
        "caseworker_id": _("caseworker"),
        "tenancy_type": _("tenancy"),
        "housing_allowance_ore": _("housing allowance"),
        "start_on": _("start date"),
        "ended_on": _("end date"),
        "end_reason": _("why it ended"),
        "granted_on": _("date granted"),
        "nights_from": _("first night"),
        "nights_to": _("last night"),
        "covers": _("what it covers"),
        "decided_by": _("decided by"),
        "initials": _("initials"),
        "login": _("login"),
        "retired_on": _("date retired"),
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
