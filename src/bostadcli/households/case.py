"""What a case is: its reference, its members' rows, the tenant rule, the figures."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from bostadcli import rules, validate
from bostadcli.dates import age_on, parse_date
from bostadcli.db import next_counter, now_utc, one, rows
from bostadcli.errors import Conflict, InvalidInput, NotFound
from bostadcli.i18n import _
from bostadcli.money import Money
from bostadcli.pnr import IdentityNumber, YearOutOfRange
from bostadcli.vocab import HousingSituation, IdentityLevel, LetterLanguage, Reason, Role, Source

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass(frozen=True)
class ChildSpec:
    birth_date: date
    name: str | None = None
    part_time: bool = False
    # The option it was typed with, for a message about its birth date.
    option: str = field(default="birth_date", compare=False)


def parse_child(text: str, *, part_time: bool = False, field: str = "child") -> ChildSpec:
    """``2015-03-02`` or ``2015-03-02 Alva Andersson``: birth date, then optionally a name."""
    parts = text.strip().split(maxsplit=1)
    try:
        birth = parse_date(parts[0] if parts else "", field=field)
    except InvalidInput as err:
        # Name the whole value the user typed, not the slice that failed.
        raise InvalidInput(field, text, err.reason) from None
    name = validate.clean_text(parts[1] if len(parts) > 1 else None, field=field)
    return ChildSpec(birth_date=birth, name=name, part_time=part_time, option=field)


@dataclass
class NewHousehold:
    tenant_name: str | None
    tenant_pnr: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    landlord: str | None = None
    contract_number: str | None = None
    rent: Money | None = None
    arrears: Money = field(default_factory=Money.zero)
    reasons: list[str] = field(default_factory=list)
    source: str = Source.landlord.value
    housing_situation: str = HousingSituation.tenancy_at_risk.value
    co_tenant_name: str | None = None
    co_tenant_pnr: str | None = None
    children: list[ChildSpec] = field(default_factory=list)
    caseworker: str | None = None
    note: str | None = None
    opened_on: date | None = None
    letter_language: str = LetterLanguage.sv.value
    # A personnummer already in another open case is refused unless allowed, with a reason.
    allow_duplicate: bool = False
    duplicate_reason: str | None = None
    phone: str | None = None
    email: str | None = None
    care_of: str | None = None
    care_of_street: str | None = None
    care_of_postal_code: str | None = None
    care_of_city: str | None = None
    tenant_identity_level: str | None = None
    co_tenant_identity_level: str | None = None
    # The co-tenant is the tenant's spouse, registered partner or sambo (a couple's norm).
    co_tenant_partner: bool = False
    tenancy_type: str | None = None
    housing_allowance: Money | None = None


def other_open_cases(
    db: Database, number: IdentityNumber, *, exclude: int | None = None, children: bool = False
) -> list[str]:
    """The open cases (not voided) with an adult member who has this personnummer.

    A child may belong to two open cases (living with each parent in turn): only adults
    are checked, so one person does not get two cases by mistake. ``children`` counts a
    child's number too (to name where a mistyped number belongs)."""
    roles = "" if children else " AND m.role != 'child'"
    return [
        r["ref"]
        for r in rows(
            db,
            "SELECT DISTINCT h.ref FROM members m JOIN live_households h ON h.id = m.household_id"
            f" WHERE m.pnr = ?{roles} AND h.status = 'open' AND h.id IS NOT ?"
            " ORDER BY h.ref",
            [number.digits, exclude],
        )
    ]


def refused_with_twin(db: Database, err: YearOutOfRange) -> InvalidInput:
    """A personnummer refused for its birth year (``pnr.YearOutOfRange``: most often a
    '+' typed for '-'), naming the open cases that hold the same ten digits with '-'."""
    if err.twin is None:
        return err
    return err.in_cases(other_open_cases(db, err.twin, children=True))


def household_id(db: Database, ref: str, *, voided_ok: bool = False) -> int:
    """The row id of a case. A case voided as opened by mistake is refused (it has left
    every list and cannot be written to) unless ``voided_ok``: show and history."""
    ref = validate.case_ref(ref)
    found = one(db, "SELECT id, voided_at FROM households WHERE ref = ?", [ref])
    if found is None:
        raise NotFound(_("no household {ref}").format(ref=ref))
    if found["voided_at"] is not None and not voided_ok:
        raise Conflict(
            _("{ref} was voided as opened by mistake; see: bostad household history {ref}").format(
                ref=ref
            )
        )
    return int(found["id"])


def member_record(
    *,
    household: int,
    name: str | None,
    pnr: IdentityNumber | None,
    birth_date: date | None,
    role: Role,
    part_time: bool,
    as_of: date,
    identity_level: str | None = None,
    level_field: str = "identity_level",
    partner: bool | None = None,
    birth_field: str = "birth_date",
) -> dict[str, Any]:
    """A member's row, checked (``birth_field`` names the option of the birth date).
    ``partner`` (None: as the role says) marks the tenant's spouse, registered partner or
    sambo, who may be a co-tenant too; the role ``partner`` always is one, a child or the
    tenant never."""
    level = _identity_level(identity_level, pnr, field=level_field)
    partner = partner_of_tenant(role, partner)
    if pnr is not None:
        if birth_date is not None and birth_date != pnr.birth_date:
            raise InvalidInput(
                "birth_date", birth_date.isoformat(), _("does not match the personnummer")
            )
        birth_date = pnr.birth_date
    if birth_date is not None and birth_date > as_of:
        raise InvalidInput(birth_field, birth_date.isoformat(), _("is in the future"))
    if partner and birth_date is not None and age_on(birth_date, as_of) < rules.CHILD_AGE_LIMIT:
        # A minor is a child for the norm whatever the role typed (DOMAIN rule 13).
        raise InvalidInput(
            "--partner", birth_date.isoformat(), _("a child cannot be the tenant's partner")
        )
    if role is Role.child and birth_date is None:
        raise InvalidInput("birth_date", "", _("a child needs a birth date"))
    if part_time and role is not Role.child:
        raise InvalidInput("part_time", role.value, _("only a child can live here part-time"))
    return (
        {
            "household_id": household,
            "name": name,
            "pnr": pnr.digits if pnr else None,
            "birth_date": birth_date.isoformat() if birth_date else None,
            "role": role.value,
            "part_time": int(part_time),
            "created_at": now_utc(),
        }
        | (
            # Columns of later migrations only when set: the schema's default is the rest.
            {"identity_level": level} if level is not None else {}
        )
        | ({"partner_of_tenant": 1} if partner else {})
    )


def partner_of_tenant(role: Role, partner: bool | None) -> bool:
    """Whether a member of ``role`` is the tenant's partner when ``partner`` is asked for
    (None: as the role says); refuses what cannot be (DOMAIN rule 13)."""
    if partner is None:
        return role is Role.partner
    if partner and role is Role.child:
        raise InvalidInput("--partner", role.value, _("a child cannot be the tenant's partner"))
    if partner and role is Role.tenant:
        raise InvalidInput("--partner", role.value, _("the tenant cannot be their own partner"))
    if not partner and role is Role.partner:
        raise InvalidInput(
            "--no-partner",
            role.value,
            _("a member with the role partner is the tenant's partner; change --role too"),
        )
    return partner


def check_one_partner(db: Database, household: int, *, ref: str, member_id: int = 0) -> None:
    """Refuse a second partner of the tenant in one case (a couple is two people)."""
    other = one(
        db,
        "SELECT id FROM members WHERE household_id = ? AND partner_of_tenant = 1 AND id != ?",
        [household, member_id],
    )
    if other is not None:
        raise Conflict(
            _(
                "--partner: member {id} of {ref} is already the tenant's partner;"
                " a case has at most one (bostad member edit {ref} {id} --no-partner --reason ...)"
            ).format(id=other["id"], ref=ref)
        )


def _identity_level(value: str | None, pnr: IdentityNumber | None, *, field: str) -> str | None:
    """The identity level of a samordningsnummer (lag 2022:1697); a personnummer has none."""
    if value is None:
        return None
    level = validate.choice(IdentityLevel, value, field=field)
    if pnr is None or not pnr.is_coordination:
        raise InvalidInput(field, level.value, _("only a samordningsnummer has an identity level"))
    return level.value


CONTACT_DETAILS = (
    "phone",
    "email",
    "care_of",
    "care_of_street",
    "care_of_postal_code",
    "care_of_city",
)


def _contact_details(values: dict[str, Any]) -> dict[str, Any]:
    """Phone, e-mail and the c/o address, checked; only the keys given."""
    cleaners = {
        "phone": lambda v: validate.phone(v, field="phone"),
        "email": lambda v: validate.email(v, field="email"),
        "care_of": lambda v: validate.clean_text(v, field="care_of"),
        "care_of_street": lambda v: validate.clean_text(v, field="care_of_street"),
        "care_of_postal_code": lambda v: validate.postal_code(v, field="care_of_postal_code"),
        "care_of_city": lambda v: validate.clean_text(v, field="care_of_city"),
    }
    return {k: cleaners[k](v) for k, v in values.items() if v is not None}


def _caseworker_id(
    db: Database, named: str | None, *, login: str | None, configured: str | None
) -> int | None:
    from bostadcli import caseworkers

    if validate.clean_text(named, field="caseworker"):
        return int(caseworkers.active_caseworker(db, str(named), field="caseworker")["id"])
    found = caseworkers.default_caseworker(db, login=login, configured=configured)
    return int(found["id"]) if found else None


def _reasons(values: list[str]) -> list[str]:
    return sorted({validate.choice(Reason, v, field="reason").value for v in values})


def allocate_ref(db: Database, opened_on: date) -> str:
    """The next case reference of the year the case opened, inside the caller's transaction."""
    number = next_counter(db, f"case:{opened_on.year}")
    return f"{opened_on.year}-{number:0{rules.CASE_NUMBER_DIGITS}d}"


def _touch(db: Database, hid: int) -> None:
    db.execute("UPDATE households SET updated_at = ? WHERE id = ?", [now_utc(), hid])


def child_cutoff(as_of: date) -> str:
    """Members born after this date are children on ``as_of`` (under 18): the same day
    18 years before, or 28 February when that year has no 29th (as dateutil's
    ``relativedelta`` counts; the standard library alone keeps the command quick)."""
    year = as_of.year - rules.CHILD_AGE_LIMIT
    try:
        return as_of.replace(year=year).isoformat()
    except ValueError:
        return as_of.replace(year=year, day=28).isoformat()


def figure_params(as_of: date) -> dict[str, Any]:
    """The parameters of ``HOUSEHOLD_FIGURES`` for a day."""
    return {
        "as_of": as_of.isoformat(),
        "cutoff": child_cutoff(as_of),
        "window": (as_of - timedelta(days=rules.DEADLINE_OVERDUE_VISIBLE_DAYS)).isoformat(),
    }


# What every listing of households shows about each one, computed in one place (the list,
# `household show` and the households export), with the parameters of ``figure_params``:
# children are members under 18 on :as_of (born after :cutoff, and born by then), the next
# deadline is the first one not passed more than DEADLINE_OVERDUE_VISIBLE_DAYS ago.
HOUSEHOLD_FIGURES = """
    (SELECT group_concat(reason, ',') FROM (SELECT r.reason FROM household_reasons r
     WHERE r.household_id = h.id ORDER BY r.reason)) AS reasons,
    (SELECT count(*) FROM members m WHERE m.household_id = h.id) AS members,
    (SELECT count(*) FROM members m WHERE m.household_id = h.id
     AND m.birth_date > :cutoff AND m.birth_date <= :as_of AND m.part_time = 0) AS children,
    (SELECT count(*) FROM members m WHERE m.household_id = h.id
     AND m.birth_date > :cutoff AND m.birth_date <= :as_of AND m.part_time = 1)
        AS children_part_time,
    (SELECT d.due_on FROM household_deadlines d WHERE d.household_id = h.id
     AND d.due_on >= :window ORDER BY d.due_on LIMIT 1) AS next_deadline,
    (SELECT d.kind FROM household_deadlines d WHERE d.household_id = h.id
     AND d.due_on >= :window ORDER BY d.due_on LIMIT 1) AS next_deadline_kind"""


# Who the tenant of a household is, the one rule every listing, view and export uses:
# its member with role 'tenant' (the first recorded, should there ever be several), or,
# failing one, its first recorded member. ``tenant_of`` in Python, ``tenant_sql`` in SQL;
# the index members_household_tenant (0010_indexes) is built on the same sort key.
_TENANT_COLUMNS = frozenset({"id", "name", "pnr"})


def tenant_sql(column: str = "id", *, household: str = "h.id") -> str:
    """SQL for one ``column`` (id, name or pnr) of the tenant of the household whose id is
    the SQL expression ``household``: a scalar subquery, NULL for a household without
    members. No parameters to bind."""
    if column not in _TENANT_COLUMNS:
        raise ValueError(f"tenant_sql: no column {column!r}")
    return (
        f"(SELECT m.{column} FROM members m WHERE m.household_id = {household}"
        " ORDER BY m.role != 'tenant', m.id LIMIT 1)"
    )


def tenant_of(members: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The tenant among a household's members (rows with ``id`` and ``role``), by the
    rule of ``tenant_sql``; None without members."""
    return min(members, key=lambda m: (m["role"] != Role.tenant.value, m["id"]), default=None)


# The tenant (or, failing one, the first member) as ``t``.
TENANT_JOIN = f"LEFT JOIN members t ON t.id = {tenant_sql()}"
