"""Who is one person when the reports count people (children reached, the homeless)."""

from __future__ import annotations

from typing import Any


def person_key(member: dict[str, Any]) -> tuple[Any, ...]:
    """The same child in two households is one child when the personnummer says so;
    without one, the household, name and birth date are all there is. An unnamed child
    without a number is its own person (two unnamed twins are two children)."""
    if member["pnr"]:
        return ("pnr", member["pnr"])
    if member["name"]:
        return ("name", member["household_id"], member["name"].casefold(), member["birth_date"])
    return ("member", member["id"])
