"""The registry of letter kinds, built from ``letters.kinds``, and what is derived
from it: looking a kind up, the batch's kinds, the help of ``bostad letter``, the table
in docs/letter-kinds.md, and the records a letter refers to (for moving a case).

Light at import: the CLI reads it to write its help."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from bostadcli.i18n import _
from bostadcli.letters.kind import Addressee, LetterKind, Reference
from bostadcli.letters.kinds import BUILT_IN

KINDS: dict[str, LetterKind] = {kind.code: kind for kind in BUILT_IN}


@contextmanager
def registered(kind: LetterKind) -> Iterator[LetterKind]:
    """``kind`` in the registry for the duration (a test's own kind); then gone."""
    if kind.code in KINDS:
        raise ValueError(f"a letter kind {kind.code!r} is registered already")
    KINDS[kind.code] = kind
    try:
        yield kind
    finally:
        del KINDS[kind.code]


def kind_label(code: str) -> str:
    found = KINDS.get(code)
    return _(found.label) if found else code


def letter_kind(code: str, *, field: str = "KIND") -> LetterKind:
    from bostadcli.errors import InvalidInput

    found = KINDS.get(code.strip())
    if found is None:
        raise InvalidInput(
            field, code, _("must be one of: {allowed}").format(allowed=", ".join(KINDS))
        )
    return found


def batch_kinds() -> list[str]:
    """The kinds the daily and monthly batches make, in registry order."""
    return [code for code, kind in KINDS.items() if kind.select is not None]


def monthly_kinds(only: str | None) -> list[str]:
    """The kinds a batch run makes: all of them, or ``--only`` one."""
    from bostadcli.errors import InvalidInput

    if only is None:
        return batch_kinds()
    kind = letter_kind(only, field="--only")
    if kind.select is None:
        raise InvalidInput(
            "--only",
            only,
            _("not a letter of the monthly batch; these are: {kinds}").format(
                kinds=", ".join(batch_kinds())
            ),
        )
    return [kind.code]


def context_defaults() -> dict[str, Any]:
    """Every kind's context keys with their empty values: a letter of one kind has the
    others' keys too (the shared base template may read them)."""
    found: dict[str, Any] = {}
    for kind in KINDS.values():
        for key, empty in kind.context_keys.items():
            found.setdefault(key, copy.copy(empty))
    return found


# Help and docs ------------------------------------------------------------------------


def kind_help() -> str:
    """The help of ``bostad letter render``'s KIND argument."""
    codes = list(KINDS)
    if len(codes) == 1:
        return _("The kind of letter: {kind}.").format(kind=codes[0])
    return _("The kind of letter: {kinds} or {last}.").format(
        kinds=", ".join(codes[:-1]), last=codes[-1]
    )


_ADDRESSED = {
    Addressee.household: ("the household", "none beyond the case"),
    Addressee.household_and_landlord: (
        "the household, a copy to the landlord",
        "the household's, for the landlord",
    ),
    Addressee.landlord: (
        "the landlord it names",
        "the household's, for that landlord",
    ),
}


def kinds_markdown() -> str:
    """The table of kinds in docs/letter-kinds.md (cog)."""
    lines = [
        "| kind | letter | addressed to | consent needed | parameters | made by the batch"
        " | refers to (renumbered when a case moves) |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind in KINDS.values():
        to, consent = _ADDRESSED[kind.addressed_to]
        params = [f"`{p}` (required)" for p in kind.required_params]
        params += [f"`{p}`" for p in kind.optional_params]
        if kind.takes_plan:
            params.append("`--plan`")
        refers = ", ".join(f"`{r.param}` → {r.table}" for r in kind.refers_to) or "—"
        batch = kind.when if kind.select is not None else "no: " + kind.when
        lines.append(
            f"| `{kind.code}` | {kind.label} | {to} | {consent} | {', '.join(params) or '—'}"
            f" | {batch} | {refers} |"
        )
    return "\n".join(lines) + "\n"


# Moving a case ------------------------------------------------------------------------


def referenced_records() -> tuple[Reference, ...]:
    """The parameter keys of recorded letters that name other records of the case, of
    every kind (first declaration of a key wins), in registry order."""
    found: dict[str, Reference] = {}
    for kind in KINDS.values():
        for reference in kind.refers_to:
            found.setdefault(reference.param, reference)
    return tuple(found.values())


def renumber_references(
    values: dict[str, Any],
    renumbered: Mapping[str, str],
    ids: Mapping[str, Mapping[int, int]],
) -> dict[str, Any]:
    """A moved letter's parameters with the records they name renumbered: plans by
    their new reference (``renumbered``, old → new), other records by their new number
    (``ids``, by table, old → new). A record the case did not bring is an error. A table
    whose records have not arrived yet (absent from ``ids``) is left as it is."""
    from bostadcli.errors import InvalidInput

    result = dict(values)
    for reference in referenced_records():
        value = result.get(reference.param)
        if value is None:
            continue

        def new(old: Any, reference: Reference = reference) -> Any:
            if reference.by == "ref":
                if old not in renumbered:
                    raise InvalidInput("params", f"{reference.label}={old}", _("points at nothing"))
                return renumbered[old]
            moved = ids[reference.table]
            try:
                number = int(str(old).strip())
            except ValueError:
                number = -1
            if number not in moved:
                raise InvalidInput("params", f"{reference.label}={old}", _("points at nothing"))
            return moved[number]

        if reference.by == "id" and reference.table not in ids:
            continue
        if reference.shape == "list":
            if isinstance(value, list):
                result[reference.param] = [new(v) for v in value]
        elif reference.shape == "csv":
            result[reference.param] = ",".join(
                str(new(v)) for v in str(value).split(",") if v.strip()
            )
        else:
            # As it was written: a number typed with --param stays text.
            moved = new(value)
            result[reference.param] = str(moved) if isinstance(value, str) else moved
    return result
