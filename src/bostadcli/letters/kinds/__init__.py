"""The letter kinds, one module each. To add a kind: write its module (one
``KIND = LetterKind(...)``), add it to ``MODULES`` below, write its templates
(``templates/<code>.html.j2`` and ``.txt.j2``) and its golden cases
(``tests/golden_letters.py``). Nothing else names a kind.

The order here is the order of ``bostad letter --help``, of docs/letter-kinds.md and of
the batch."""

from __future__ import annotations

from bostadcli.letters.kind import LetterKind
from bostadcli.letters.kinds import (
    meeting,
    outreach,
    plan_agreement,
    plan_reminder,
    support_ending,
    undertaking,
)

MODULES = (outreach, meeting, plan_agreement, plan_reminder, support_ending, undertaking)

BUILT_IN: tuple[LetterKind, ...] = tuple(m.KIND for m in MODULES)
