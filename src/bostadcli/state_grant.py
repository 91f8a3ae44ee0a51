"""Boverket's state grant for a municipal rent guarantee: the conditions a guarantee
misses, and the same in words (the numbers, with their source, in ``rules.py``).
"""

from __future__ import annotations

from datetime import date, timedelta

from bostadcli import rules
from bostadcli.i18n import N_, _
from bostadcli.vocab import SupportKind, TenancyType

# What a rent guarantee can miss of the state grant's conditions (rules.RENT_GUARANTEE_*),
# with the words a person reads; the *_unknown codes say that a fact to judge it by is
# not recorded.
GRANT_CONDITIONS: dict[str, str] = {
    "cover_under_six_months": N_("covers less than six months' rent"),
    "cover_unknown": N_("the rent is not recorded, so the cap cannot be judged in months"),
    "term_under_two_years": N_("runs less than two years"),
    "not_first_hand": N_("is not for a first-hand contract"),
    "tenancy_unknown": N_("the household's tenancy type is not recorded"),
}


def state_grant_missed(
    *,
    kind: str,
    start_on: str | None,
    end_on: str | None,
    cap_ore: int | None,
    cap_months: int | None,
    rent_ore: int | None,
    tenancy_type: str | None,
) -> list[str]:
    """The conditions of Boverket's state grant a rent guarantee misses (codes of
    ``GRANT_CONDITIONS``): at least six months' rent, at least two years from start to
    planned end, a first-hand contract. Empty for other kinds and for a guarantee that
    meets them all."""
    from dateutil.relativedelta import relativedelta

    if kind != SupportKind.rent_guarantee.value:
        return []
    missed: list[str] = []
    months = rules.RENT_GUARANTEE_GRANT_MIN_MONTHS
    # The cap in kronor rules when both are given, as in cap_effective_ore.
    if cap_ore is not None:
        if not rent_ore:
            missed.append("cover_unknown")
        elif cap_ore < months * rent_ore:
            missed.append("cover_under_six_months")
    elif cap_months is None or cap_months < months:
        missed.append("cover_under_six_months")
    if start_on and end_on:
        start = date.fromisoformat(start_on)
        # From 2026-01-01 to 2027-12-31 is two years.
        last = start + relativedelta(years=rules.RENT_GUARANTEE_GRANT_MIN_YEARS) - timedelta(1)
        if date.fromisoformat(end_on) < last:
            missed.append("term_under_two_years")
    else:
        missed.append("term_under_two_years")
    if tenancy_type is None:
        missed.append("tenancy_unknown")
    elif tenancy_type != TenancyType.first_hand.value:
        missed.append("not_first_hand")
    return missed


def state_grant_note(missed: list[str]) -> str | None:
    """What a rent guarantee misses of the state grant's conditions, and what cannot be
    judged for want of a recorded fact, in words; None when it meets them all."""
    if not missed:
        return None
    failed = [_(GRANT_CONDITIONS[c]) for c in missed if not c.endswith("_unknown")]
    unknown = [_(GRANT_CONDITIONS[c]) for c in missed if c.endswith("_unknown")]
    parts = []
    if failed:
        parts.append(
            _("does not meet the state grant's conditions: {what}").format(what="; ".join(failed))
        )
    if unknown:
        parts.append(
            _("the state grant's conditions cannot all be judged: {what}").format(
                what="; ".join(unknown)
            )
        )
    return "; ".join(parts)
