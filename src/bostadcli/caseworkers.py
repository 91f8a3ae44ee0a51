"""The unit's caseworkers as records: who a case is assigned to, and how to reach them.

A caseworker is named on the command line by initials (``KE``, any case) or by the login
name they use on the machine (``karin``), never by a free-text name: a typo is then an
error, not a new person. The login is how ``--mine`` knows who is asking, and letters
give the assigned caseworker's own phone and e-mail. A caseworker who leaves is retired,
not deleted: their closed cases keep their name, their open ones move to a colleague.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli import validate
from bostadcli.dates import check_not_after_as_of
from bostadcli.db import insert, now_utc, one, rows, transaction
from bostadcli.errors import Conflict, InvalidInput, NotFound, shown
from bostadcli.i18n import _

if TYPE_CHECKING:
    from sqlite_utils import Database

EDITABLE = ("name", "initials", "login", "phone", "email")
# What a Unix login may contain (useradd's portable names, a machine account's '$' last).
_LOGIN = re.compile(r"[a-z_][a-z0-9_.-]{0,30}\$?", re.ASCII | re.IGNORECASE)


def fold(value: str) -> str:
    """How initials and logins are compared: one namespace, case and width folded, so
    ``KE``, ``ke`` and ``ＫＥ`` are the same name."""
    return unicodedata.normalize("NFKC", value).casefold()


def _latin_or_digit(char: str) -> bool:
    if "0" <= char <= "9":
        return True
    return char.isalpha() and "LATIN" in unicodedata.name(char, "")


def _initials(value: Any) -> str:
    text = validate.required_text(value, field="initials", max_length=8)
    text = unicodedata.normalize("NFKC", text)
    if not 1 <= len(text) <= 8 or not all(_latin_or_digit(c) for c in text):
        raise InvalidInput("initials", value, _("one to eight Latin letters or digits"))
    return text.upper()


def _login(value: Any) -> str | None:
    text = validate.clean_text(value, field="login", max_length=32)
    if text is not None and not _LOGIN.fullmatch(text):
        raise InvalidInput(
            "login", value, _("not a login name (a letter or _ first, then letters, digits, . _ -)")
        )
    return text


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    cleaners: dict[str, Callable[[Any], Any]] = {
        "name": lambda v: validate.required_text(v, field="name"),
        "initials": _initials,
        "login": _login,
        "phone": lambda v: validate.phone(v),
        "email": lambda v: validate.email(v),
    }
    return {k: cleaners[k](v) for k, v in values.items()}


def _taken(db: Database, cleaned: dict[str, Any], *, other_than: int | None = None) -> None:
    """Refuse initials or a login that a working caseworker already has as initials or as
    login: both name a caseworker on the command line, so they share one namespace."""
    for key in ("initials", "login"):
        value = cleaned.get(key)
        if value is None:
            continue
        holder = next(iter(_named(db, value, working=True, other_than=other_than)), None)
        if holder is not None:
            raise Conflict(
                _("--{field} {value} is taken by {name}").format(
                    field=key, value=shown(value), name=holder["name"]
                )
            )


def _named(
    db: Database, who: str, *, working: bool = False, other_than: int | None = None
) -> list[dict[str, Any]]:
    """Caseworkers whose initials or login fold to what ``who`` folds to; working ones
    first, then the most recently retired."""
    wanted = fold(who)
    found = rows(
        db,
        "SELECT * FROM caseworkers WHERE id IS NOT ?"
        + (" AND retired_on IS NULL" if working else "")
        + " ORDER BY retired_on IS NOT NULL, retired_on DESC, id",
        [other_than],
    )
    return [
        r
        for r in found
        if fold(str(r["initials"] or "")) == wanted
        or (r["login"] is not None and fold(str(r["login"])) == wanted)
    ]


def name_of(db: Database, who: str) -> str | None:
    """The name of the caseworker ``who`` names by initials or login, if one does."""
    found = _named(db, who)
    return str(found[0]["name"]) if found else None


def add_caseworker(db: Database, **values: Any) -> dict[str, Any]:
    """Record a caseworker: name and initials, optionally login, phone and e-mail."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise InvalidInput(sorted(unknown)[0], "", _("cannot be set"))
    if values.get("initials") is None:
        raise InvalidInput("initials", "", _("must not be empty"))
    cleaned = _clean({k: v for k, v in values.items() if v is not None})
    now = now_utc()
    with transaction(db):
        _taken(db, cleaned)
        new_id = insert(db, "caseworkers", cleaned | {"created_at": now, "updated_at": now})
    found = one(db, "SELECT * FROM caseworkers WHERE id = ?", [new_id])
    assert found is not None
    return found


def find_caseworker(db: Database, who: str, *, field: str = "to") -> dict[str, Any]:
    """The caseworker ``who`` names (initials or login). A working one is preferred; a
    retired one is returned only when no working caseworker has those initials or login.
    """
    text = validate.clean_text(who, field=field) or ""
    if not text:
        raise InvalidInput(field, who, _("give a caseworker's initials or login"))
    found = _named(db, text)
    if not found:
        raise InvalidInput(
            field, who, _("no caseworker has these initials or this login (bostad caseworker list)")
        )
    working = [r for r in found if r["retired_on"] is None]
    if len(working) > 1:
        raise InvalidInput(
            field,
            who,
            _("names more than one caseworker ({names}); give the other's initials").format(
                names=", ".join(str(r["name"]) for r in working)
            ),
        )
    return found[0]


def active_caseworker(db: Database, who: str, *, field: str = "to") -> dict[str, Any]:
    """As ``find_caseworker``, refusing a caseworker who has retired."""
    found = find_caseworker(db, who, field=field)
    if found["retired_on"] is not None:
        raise InvalidInput(
            field,
            who,
            _("{name} retired on {day}; choose a working caseworker").format(
                name=found["name"], day=found["retired_on"]
            ),
        )
    return found


def default_caseworker(
    db: Database, *, login: str | None, configured: str | None
) -> dict[str, Any] | None:
    """Whom a new case goes to when nobody is named: the working caseworker of the login
    that opens it, else the config's ``default_caseworker`` (initials, login or full name)
    if it names a working caseworker; else nobody. A default is never an error."""
    if login:
        found = caseworker_of_login(db, login)
        if found is not None:
            return found
    text = (configured or "").strip()
    if not text:
        return None
    named = _named(db, text, working=True)
    if len(named) == 1:
        return named[0]
    if named:
        return None
    return one(
        db,
        "SELECT * FROM caseworkers WHERE retired_on IS NULL AND casefold(name) = casefold(:t)"
        " ORDER BY id",
        {"t": text},
    )


def caseworker_of_login(db: Database, login: str) -> dict[str, Any] | None:
    """The working caseworker who uses this login on the machine, if one is recorded."""
    wanted = fold(login)
    found = [
        r
        for r in rows(
            db, "SELECT * FROM caseworkers WHERE retired_on IS NULL AND login IS NOT NULL"
        )
        if fold(str(r["login"])) == wanted
    ]
    return found[0] if len(found) == 1 else None


def me(db: Database, login: str) -> dict[str, Any]:
    """The caseworker of this login, for ``--mine``; an error naming the fix otherwise."""
    found = caseworker_of_login(db, login)
    if found is None:
        raise NotFound(
            _(
                "--mine: the login '{login}' is not a caseworker's; record it with:"
                " bostad caseworker edit INITIALS --login {login}"
            ).format(login=shown(login))
        )
    return found


def list_caseworkers(db: Database, *, include_retired: bool = False) -> list[dict[str, Any]]:
    """Caseworkers by name, with how many open and closed cases each has."""
    where = "" if include_retired else "WHERE c.retired_on IS NULL"
    result = rows(
        db,
        f"""
        SELECT c.id, c.initials, c.name, c.login, c.phone, c.email, c.retired_on,
            (SELECT count(*) FROM live_households h WHERE h.caseworker_id = c.id
             AND h.status = 'open') AS open_cases,
            (SELECT count(*) FROM live_households h WHERE h.caseworker_id = c.id) AS all_cases
        FROM caseworkers c {where}
        ORDER BY c.retired_on IS NOT NULL, c.name, c.id
        """,
    )
    for row in result:
        row.pop("id")
    return result


def edit_caseworker(db: Database, who: str, *, changes: dict[str, Any]) -> dict[str, Any]:
    """Change a caseworker's details; returns {field: (old, new)} of what changed."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(sorted(unknown)[0], "", _("cannot be edited"))
    cleaned = _clean(changes)
    with transaction(db):
        current = find_caseworker(db, who, field="CASEWORKER")
        if current["retired_on"] is None:
            _taken(db, cleaned, other_than=current["id"])
        diff = {k: (current[k], v) for k, v in cleaned.items() if current[k] != v}
        if diff:
            db.table("caseworkers").update(
                current["id"], {k: new for k, (_o, new) in diff.items()} | {"updated_at": now_utc()}
            )
    return diff


def _move(db: Database, from_id: int, to_id: int) -> list[str]:
    refs = [
        str(r["ref"])
        for r in rows(
            db,
            "SELECT ref FROM live_households WHERE caseworker_id = ? AND status = 'open'"
            " ORDER BY ref",
            [from_id],
        )
    ]
    db.execute(
        "UPDATE households SET caseworker_id = ?, updated_at = ?"
        " WHERE caseworker_id = ? AND status = 'open'",
        [to_id, now_utc(), from_id],
    )
    return refs


def retire_caseworker(
    db: Database, who: str, *, move_to: str | None, on: date, as_of: date
) -> list[str]:
    """Retire a caseworker on ``on``; their open cases go to ``move_to``.

    Without ``move_to`` a caseworker with open cases is refused (the cases would be
    nobody's). Closed cases keep the name they were handled under. Returns the references
    of the cases moved.
    """
    check_not_after_as_of(on, as_of, field="date")
    with transaction(db):
        leaving = find_caseworker(db, who, field="CASEWORKER")
        if leaving["retired_on"] is not None:
            raise Conflict(
                _("{name} retired on {day} already").format(
                    name=leaving["name"], day=leaving["retired_on"]
                )
            )
        moved: list[str] = []
        if move_to is not None:
            taking = active_caseworker(db, move_to, field="move_to")
            if taking["id"] == leaving["id"]:
                raise InvalidInput("move_to", move_to, _("is the caseworker who retires"))
            moved = _move(db, leaving["id"], taking["id"])
        else:
            count = one(
                db,
                "SELECT count(*) AS n FROM live_households"
                " WHERE caseworker_id = ? AND status = 'open'",
                [leaving["id"]],
            )
            if count and count["n"]:
                raise Conflict(
                    _(
                        "{name} has {n} open cases: give --move-to INITIALS|LOGIN of the"
                        " caseworker who takes them"
                    ).format(name=leaving["name"], n=count["n"])
                )
        db.table("caseworkers").update(
            leaving["id"], {"retired_on": on.isoformat(), "updated_at": now_utc()}
        )
    return moved


def assign(db: Database, ref: str, to: str) -> dict[str, Any]:
    """Assign a case to a working caseworker; returns the caseworker."""
    from bostadcli.households import household_id

    with transaction(db):
        hid = household_id(db, ref)
        caseworker = active_caseworker(db, to)
        db.execute(
            "UPDATE households SET caseworker_id = ?, updated_at = ? WHERE id = ?",
            [caseworker["id"], now_utc(), hid],
        )
    return caseworker


def contact_of(db: Database, ref: str) -> dict[str, Any] | None:
    """Name, phone and e-mail of the caseworker a case is assigned to (for letters)."""
    return one(
        db,
        "SELECT c.name, c.initials, c.phone, c.email FROM caseworkers c"
        " JOIN households h ON h.caseworker_id = c.id WHERE h.ref = ?",
        [ref],
    )
