"""A support (a rent guarantee, emergency housing, ...) ends soon: which, and when.

The batch writes once per support, ever; a household whose supports end close together
gets one letter naming all of them. By hand, ``--param support=ID[,ID]`` names them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli.i18n import N_, _
from bostadcli.letters.kind import Candidate, LetterKind, LetterRequest, Reference

if TYPE_CHECKING:
    from sqlite_utils import Database

    from bostadcli.config import Policy


def _support_param(db: Database, ref: str, text: str, *, as_of: date) -> dict[str, Any]:
    """A support named with --param support=ID: the household's, time-limited, not over."""
    from bostadcli.dates import format_date
    from bostadcli.errors import InvalidInput
    from bostadcli.supports import ending_between, get_support

    field = "--param support"
    if not text.strip().isdigit():
        raise InvalidInput(field, text, _("expected the support's number (bostad support list)"))
    found = get_support(db, int(text), as_of=as_of)
    if found["ref"] != ref:
        raise InvalidInput(
            field, text, _("belongs to {other}, not to {ref}").format(other=found["ref"], ref=ref)
        )
    if ending_between(
        found["end_on"], found["ended_on"], as_of, withdrawn_on=found["withdrawn_on"]
    ):
        return found
    # Not ending from today on (the rule of supports.ending_between): say why.
    if found["end_on"] is None:
        raise InvalidInput(field, text, _("has no end date"))
    if found["withdrawn"]:
        raise InvalidInput(
            field,
            text,
            _("was withdrawn on {date}; it never began").format(
                date=format_date(date.fromisoformat(found["withdrawn_on"]), "long")
            ),
        )
    if found["ended_on"] is not None:
        raise InvalidInput(
            field,
            text,
            _("ended already on {date}").format(
                date=format_date(date.fromisoformat(found["ended_on"]), "long")
            ),
        )
    raise InvalidInput(
        field,
        text,
        _("ended on {date}").format(date=format_date(date.fromisoformat(found["end_on"]), "long")),
    )


def _supports_for(
    db: Database, ref: str, *, as_of: date, ids: Sequence[int] | None, param: str | None
) -> list[dict[str, Any]]:
    """The supports the letter is about, soonest ending first: those the batch chose
    (``ids``), those named with --param support=ID[,ID], else the household's
    time-limited support that ends soonest."""
    from bostadcli.errors import InvalidInput
    from bostadcli.supports import ending_between, get_support, list_supports

    if ids:
        # Chosen by the batch, or named by a recorded letter made again: as they are.
        found = [get_support(db, i, as_of=as_of) for i in ids]
    elif param:
        found = [
            _support_param(db, ref, text, as_of=as_of)
            for text in dict.fromkeys(t.strip() for t in param.split(","))
        ]
    else:
        ahead = [
            s
            for s in list_supports(db, as_of=as_of, ref=ref)
            if ending_between(s["end_on"], s["ended_on"], as_of, withdrawn_on=s["withdrawn_on"])
        ]
        if not ahead:
            raise InvalidInput(
                "--param support",
                ref,
                _("{ref} has no support with an end date ahead").format(ref=ref),
            )
        found = ahead[:1]
    found.sort(key=lambda s: (s["end_on"], s["id"]))
    return [
        {
            "id": s["id"],
            "kind": s["kind"],
            "start": date.fromisoformat(s["start_on"]),
            "end": date.fromisoformat(s["end_on"]),
            "days_left": (date.fromisoformat(s["end_on"]) - as_of).days,
            "landlord": s["landlord"],
            "place": s["place"],
            "support_person": s["support_person"],
        }
        for s in found
    ]


def add_context(db: Database, context: dict[str, Any], request: LetterRequest) -> None:
    context["supports"] = _supports_for(
        db,
        context["ref"],
        as_of=request.as_of,
        ids=request.about.get("supports"),
        param=context["params"].get("support"),
    )


def about(context: dict[str, Any]) -> dict[str, Any]:
    """The supports the letter names and the ends it gives them (a support whose end
    moves earlier afterwards is told again)."""
    supports = context["supports"]
    if not supports:
        return {}
    return {
        "supports": [s["id"] for s in supports],
        "ends": [s["end"].isoformat() for s in supports],
    }


def deadline(context: dict[str, Any]) -> date | None:
    """The end of the soonest support."""
    if not context.get("supports"):
        return None
    ends: list[date] = [s["end"] for s in context["supports"]]
    return min(ends)


def _told(db: Database, household_id: int | None = None) -> dict[int, list[str | None]]:
    """Each support a letter named (or a letter not sent, too late, would have), with
    the end it gave (None: an older letter, which recorded none): every household's,
    or one household's."""
    from bostadcli.db import rows

    only = "" if household_id is None else " AND household_id = :hid"
    told: dict[int, list[str | None]] = {}
    for r in rows(
        db,
        f"""
        SELECT j.value, json_extract(l.params, '$.ends[' || j.key || ']') AS said
        FROM letters l, json_each(l.params, '$.supports') j
        WHERE l.kind = 'support_ending' AND json_valid(l.params){only}
        UNION
        SELECT j.value, json_extract(ll.params, '$.ends[' || j.key || ']') AS said
        FROM late_letters ll, json_each(ll.params, '$.supports') j
        WHERE ll.kind = 'support_ending' AND ll.sent = 0 AND json_valid(ll.params){only}
        """,
        {"hid": household_id},
    ):
        told.setdefault(int(r["value"]), []).append(r["said"])
    return told


def _told_already(said: list[str | None], end: object) -> bool:
    """Whether a support ending on ``end`` has been told (a letter gave that end or a
    later one: a support whose end has moved earlier since is told again)."""
    return any(given is None or str(given) <= str(end) for given in said)


def made_before(
    db: Database, household_id: int, about: Mapping[str, Any], as_of: date, policy: Policy
) -> bool:
    """Whether a letter (of any month, or by hand) has told one of the supports."""
    told = _told(db, household_id)
    ends = list(about.get("ends", ()))
    for i, support in enumerate(about.get("supports", ())):
        said = told.get(int(support), [])
        end = ends[i] if i < len(ends) else None
        if said and (end is None or _told_already(said, end)):
            return True
    return False


def select(
    db: Database, as_of: date, period: str, policy: Policy, daily: bool = False
) -> list[Candidate]:
    """Open households with a time-limited support that ends within the policy's
    ``support_ending_warning_days`` of ``as_of``: one letter per support, ever (a
    letter not sent because it would have arrived too late counts: the caseworker
    phones instead).

    A household whose supports end close together gets one letter naming all of them
    that have had none. The key is (household, kind, month): a household that has had
    its letter this month waits until next month for a support that came into the
    window since, unless next month's letter would arrive too late for its end: then it
    is listed as not sent (``_cannot_wait``).
    """
    from bostadcli.db import rows
    from bostadcli.supports import support_ending_candidates

    told = _told(db)
    this_month = {
        r["household_id"]
        for r in rows(
            db,
            "SELECT household_id FROM letters WHERE kind = 'support_ending' AND period = ?",
            [period],
        )
    }
    by_household: dict[str, list[dict[str, Any]]] = {}
    broken: dict[str, Candidate] = {}
    days = policy.support_ending_warning_days
    try:
        ending = support_ending_candidates(db, as_of, days)
    except Exception:
        ending, broken = _supports_one_by_one(db, as_of, days)
    waiting: dict[str, list[dict[str, Any]]] = {}
    for support in ending:
        if _told_already(told.get(support["id"], []), support.get("end_on")):
            continue
        into = waiting if support["household_id"] in this_month else by_household
        into.setdefault(support["ref"], []).append(support)
    return [
        broken.get(ref) or Candidate(found[0]["household_id"], ref, about=_about(found))
        for ref, found in sorted(by_household.items())
    ] + _cannot_wait(waiting, as_of, period, policy)


def _cannot_wait(
    waiting: dict[str, list[dict[str, Any]]], as_of: date, period: str, policy: Policy
) -> list[Candidate]:
    """The supports that wait for next month's letter (the household had this month's)
    and end before a letter made on next month's first working day could arrive: no
    letter can tell the family in time, so they are listed as not sent, keyed by the
    month and the supports (``2026-11/7``), for the caseworker to phone or visit. A
    support that next month's letter reaches in time waits for it."""
    from bostadcli.letters.late import arrives_by_post, arrives_too_late, post_days
    from bostadcli.workdays import next_working_day

    year, month = (int(part) for part in period.split("-"))
    next_run = next_working_day(date(year + month // 12, month % 12 + 1, 1))
    if next_run <= as_of:
        return []  # a run of a past month: this month's run can still make the letter
    arrives = arrives_by_post(next_run, post_days(policy))
    found: list[Candidate] = []
    for ref, supports in sorted(waiting.items()):
        ending = [s for s in supports if arrives_too_late(arrives, _end(s) or date.max)]
        if ending:
            ids = ",".join(str(s["id"]) for s in ending)
            found.append(
                Candidate(
                    ending[0]["household_id"],
                    ref,
                    about=_about(ending),
                    unsent_period=f"{period}/{ids}:{ending[0]['end_on']}",
                )
            )
    return found


def _end(support: dict[str, Any]) -> date | None:
    try:
        return date.fromisoformat(str(support.get("end_on")))
    except ValueError:
        return None  # a record that cannot be read: its household's letter fails


def _about(supports: list[dict[str, Any]]) -> dict[str, Any]:
    """What a letter about ``supports`` records: their numbers and the ends it gives."""
    return {
        "supports": tuple(s["id"] for s in supports),
        "ends": tuple(str(s["end_on"]) for s in supports),
    }


def _supports_one_by_one(
    db: Database, as_of: date, days: int
) -> tuple[list[dict[str, Any]], dict[str, Candidate]]:
    """``support_ending_candidates`` support by support, when one of them cannot be
    read: the households with such a support as failed candidates."""
    from datetime import timedelta

    from bostadcli.db import rows
    from bostadcli.letters.failures import failure_message
    from bostadcli.supports import ending_between_sql, get_support

    found: list[dict[str, Any]] = []
    broken: dict[str, Candidate] = {}
    for row in rows(
        db,
        f"""
        SELECT s.id, s.household_id, h.ref, s.end_on FROM supports s
        JOIN live_households h ON h.id = s.household_id
        WHERE {ending_between_sql(":from", ":to")}
        ORDER BY s.end_on, h.ref, s.id
        """,
        {"from": as_of.isoformat(), "to": (as_of + timedelta(days=days)).isoformat()},
    ):
        try:
            get_support(db, row["id"], as_of=as_of)
        except Exception as exc:
            broken.setdefault(
                row["ref"],
                Candidate(row["household_id"], row["ref"], problem=failure_message(exc)),
            )
        found.append(row)
    return found, broken


KIND = LetterKind(
    code="support_ending",
    label=N_("a support ends soon"),
    optional_params=("support",),
    context_keys={"supports": []},
    add_context=add_context,
    about=about,
    select=select,
    deadline=deadline,
    made_before=made_before,
    deadline_of=lambda _context, _day: "support_end",
    unsent_when_late=N_("it would arrive after the support has ended: not sent"),
    # The batch records the supports it chose (so each gets one letter);
    # --param support=ID[,ID] names them by hand. Both follow a moved case.
    refers_to=(
        Reference("supports", "supports", shape="list", label="support"),
        Reference("support", "supports", shape="csv", label="support"),
    ),
    when="once per support, when its end comes within support_ending_warning_days",
)
