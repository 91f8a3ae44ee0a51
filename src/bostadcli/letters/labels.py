"""The letter kinds' names, for a screen that only names a kind (the case view's letters)
without loading the kinds themselves (``registry`` builds them from ``kinds/``).

A kind added in ``kinds/`` is named here too; ``tests/core/letters/test_kind_labels.py``
holds this table to the registry. A kind the table does not know (a test's own, see
``registry.registered``) is looked up in the registry.
"""

from __future__ import annotations

from bostadcli.i18n import N_, _

LABELS = {
    "outreach": N_("first letter: how we can help"),
    "meeting": N_("invitation to a meeting"),
    "plan_agreement": N_("repayment plan agreement"),
    "plan_reminder": N_("reminder: a plan installment is overdue"),
    "support_ending": N_("a support ends soon"),
    "undertaking": N_("undertaking to pay the rent, to the landlord"),
}


def kind_label(code: str) -> str:
    """A kind's name in the interface language; an unknown code as it is."""
    label = LABELS.get(code)
    if label is None:
        from bostadcli.letters.registry import kind_label as registered_label

        return registered_label(code)
    return _(label)
