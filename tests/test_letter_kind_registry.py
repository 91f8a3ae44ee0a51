"""Adding a letter kind takes its module, its templates and its golden cases: nothing
else. A kind defined here (as a module under letters/kinds/ would define it) is
registered for the test only, with its templates in a folder of the test's own, and
goes through a letter by hand, the help, the docs table, the monthly batch and a moved
case's renumbering without any other change."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bostadcli import letters
from bostadcli.db import open_database, rows
from bostadcli.errors import InvalidInput
from bostadcli.letters import registry
from bostadcli.letters.kind import Candidate, LetterKind, LetterRequest, Reference
from golden_letters import AS_OF, CONFIG, build_households

if TYPE_CHECKING:
    from sqlite_utils import Database

    from bostadcli.config import Policy


# The kind module: what docs/architecture.md ("Adding a letter kind") says to write ------


def _check(params: dict[str, str], as_of: date, caseworker: str | None) -> dict[str, Any]:
    office = params.get("office", "Medborgarkontoret")
    if not office.strip():
        raise InvalidInput("--param office", office, "empty")
    return params | {"office": office.strip()}


def _add_context(db: Database, context: dict[str, Any], request: LetterRequest) -> None:
    context["advice"] = {
        "arrears": context["household"]["arrears"],
        "office": context["params"]["office"],
    }


def _select(
    db: Database, as_of: date, period: str, policy: Policy, daily: bool = False
) -> list[Candidate]:
    found = rows(
        db,
        """
        SELECT h.id, h.ref FROM live_households h
        WHERE h.status = 'open' AND h.arrears_ore > 0
            AND NOT EXISTS (SELECT 1 FROM letters l
                            WHERE l.household_id = h.id AND l.kind = 'debt_advice')
        ORDER BY h.ref
        """,
    )
    return [Candidate(r["id"], r["ref"]) for r in found]


DEBT_ADVICE = LetterKind(
    code="debt_advice",
    label="an offer of budget and debt advice",
    optional_params=("office", "notice"),
    check_params=_check,
    context_keys={"advice": None},
    add_context=_add_context,
    select=_select,
    refers_to=(Reference("notice", "notices", label="notice"),),
    when="once per household in arrears",
)

HTML = """{% extends "base.html.j2" %}
{% block title %}Budget- och skuldrådgivning{% endblock %}
{% block subject %}Budget- och skuldrådgivning{% endblock %}
{% block body %}<p>Skulden är {{ advice.arrears|sek }}. Välkommen till {{ advice.office }}.</p>
{% endblock %}
"""
TXT = """{% extends "base.txt.j2" %}
{% block subject %}Budget- och skuldrådgivning{% endblock %}
{% block body %}
Skulden är {{ advice.arrears|sek }}. Välkommen till {{ advice.office }}.
{% endblock %}
"""

# -----------------------------------------------------------------------------------------


@pytest.fixture
def debt_advice() -> Iterator[LetterKind]:
    with registry.registered(DEBT_ADVICE) as kind:
        yield kind
    assert "debt_advice" not in registry.KINDS


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "mallar"
    folder.mkdir()
    (folder / "debt_advice.html.j2").write_text(HTML, encoding="utf-8")
    (folder / "debt_advice.txt.j2").write_text(TXT, encoding="utf-8")
    return folder


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "t.sqlite", create=True)
    yield database
    database.close()


def test_a_letter_of_the_new_kind_by_hand(
    debt_advice: LetterKind, templates: Path, db: Database, tmp_path: Path
) -> None:
    refs = build_households(db)
    text = letters.render_letter(
        db, refs["tricky"], "debt_advice", config=CONFIG, as_of=AS_OF, fmt="txt", user_dir=templates
    ).content.decode("utf-8")
    assert "Skulden är 14\xa0900\xa0kr. Välkommen till Medborgarkontoret." in text
    assert "Budget- och skuldrådgivning" in text
    made = letters.make_letter(
        db,
        refs["tricky"],
        "debt_advice",
        config=CONFIG,
        as_of=AS_OF,
        fmt="html",
        out=tmp_path / "brev.html",
        record=True,
        params={"office": "Kontoret på torget"},
        user_dir=templates,
    )
    assert made.letter_id is not None
    assert "Välkommen till Kontoret på torget." in (tmp_path / "brev.html").read_text()
    [row] = rows(db, "SELECT kind, params FROM letters")
    assert row == {"kind": "debt_advice", "params": '{"office": "Kontoret på torget"}'}
    logged = rows(db, "SELECT text FROM contacts WHERE automatic = 1 AND kind = 'letter'")
    assert [r["text"] for r in logged] == ["Letter: an offer of budget and debt advice (brev.html)"]
    with pytest.raises(InvalidInput, match="office"):
        letters.render_letter(
            db,
            refs["tricky"],
            "debt_advice",
            config=CONFIG,
            as_of=AS_OF,
            fmt="txt",
            params={"office": " "},
            user_dir=templates,
        )


def test_the_other_kinds_see_the_new_key_empty(
    debt_advice: LetterKind, templates: Path, db: Database
) -> None:
    refs = build_households(db)
    context = letters.build_context(
        db,
        refs["tricky"],
        registry.KINDS["outreach"],
        config=CONFIG,
        request=LetterRequest(as_of=AS_OF),
    )
    assert context["advice"] is None and context["plan"] is None and context["supports"] == []


def test_the_new_kind_in_the_help_the_docs_and_the_batch_list(debt_advice: LetterKind) -> None:
    assert registry.kind_help().endswith("undertaking or debt_advice.")
    assert "| `debt_advice` | an offer of budget and debt advice |" in registry.kinds_markdown()
    assert letters.monthly_kinds(None)[-1] == "debt_advice"
    assert letters.monthly_kinds("debt_advice") == ["debt_advice"]
    assert letters.kind_label("debt_advice") == "an offer of budget and debt advice"


def test_a_batch_with_the_new_kind(
    debt_advice: LetterKind, templates: Path, db: Database, tmp_path: Path
) -> None:
    refs = build_households(db)
    in_arrears = sorted(
        r["ref"] for r in rows(db, "SELECT ref FROM households WHERE arrears_ore > 0")
    )
    assert refs["tricky"] in in_arrears
    out = tmp_path / "brev"
    options: dict[str, Any] = {
        "config": CONFIG,
        "month": date(2026, 11, 1),
        "as_of": AS_OF,
        "out_dir": out,
        "fmt": "html",
        "user_dir": templates,
    }
    preview = letters.preview_monthly(db, only="debt_advice", **options)
    assert [(i.ref, i.state) for i in preview] == [(ref, "new") for ref in in_arrears]
    result = letters.run_monthly(db, **options)
    made = [i.ref for i in result.made if i.kind == "debt_advice"]
    assert made == in_arrears and not result.failed
    for ref in made:
        assert "Budget- och skuldrådgivning" in (out / f"{ref}-debt_advice.html").read_text()
    manifest = (out / "manifest-2026-11.csv").read_text().splitlines()
    assert sum(",debt_advice," in line for line in manifest) == len(in_arrears)
    again = letters.run_monthly(db, only="debt_advice", **options)
    assert again.made == [] and [i.ref for i in again.already] == in_arrears


def test_a_moved_case_renumbers_what_the_new_kind_refers_to(debt_advice: LetterKind) -> None:
    assert [r.param for r in registry.referenced_records()][-1] == "notice"
    moved = registry.renumber_references(
        {"notice": 3, "office": "Torget"}, {}, {"notices": {3: 41}, "supports": {}}
    )
    assert moved == {"notice": 41, "office": "Torget"}
    with pytest.raises(InvalidInput, match="notice=4"):
        registry.renumber_references({"notice": 4}, {}, {"notices": {3: 41}})


def test_the_kind_is_gone_after_the_test() -> None:
    assert "debt_advice" not in registry.KINDS
    assert "debt_advice" not in registry.kind_help()
    with pytest.raises(InvalidInput):
        letters.letter_kind("debt_advice")
    with (
        pytest.raises(ValueError, match="registered already"),
        registry.registered(registry.KINDS["outreach"]),
    ):
        pass


# What the case move did with a letter's parameters before its kinds declared them
# (recorded from the adapter as it was): the registry must give the same.
BEFORE_THE_REGISTRY: list[tuple[dict[str, Any], Any]] = [
    ({"plan": "P-0001"}, {"plan": "P-0042"}),
    ({"plan": "P-0009"}, "params: points at nothing: 'plan=P-0009'"),
    ({"supports": [1, 2]}, {"supports": [11, 12]}),
    ({"supports": [1, 7]}, "params: points at nothing: 'support=7'"),
    ({"support": "2, 1"}, {"support": "12,11"}),
    ({"support": "x"}, "params: points at nothing: 'support=x'"),
    ({"date": "2026-12-03", "time": "10:00"}, {"date": "2026-12-03", "time": "10:00"}),
    ({"undertaking": "4"}, {"undertaking": "4"}),
    ({"supports": "not a list"}, {"supports": "not a list"}),
]


@pytest.mark.parametrize(("params", "expected"), BEFORE_THE_REGISTRY)
def test_renumbering_does_what_the_case_move_did(params: dict[str, Any], expected: Any) -> None:
    """The case move's letter adapter calls the registry, and gives what it gave before
    the kinds declared their references."""
    import json

    from bostadcli.casemove.letters import letter_moved

    renumbered = {"P-0001": "P-0042"}
    ids = {"supports": {1: 11, 2: 12}}
    row = {"params": json.dumps(params), "file": "brev/old.pdf"}
    try:
        letter_moved(row, renumbered, ids)
        found: Any = json.loads(row["params"])
        assert row["file"] == ""
    except InvalidInput as exc:
        found = exc.message
    assert found == expected
    try:
        direct: Any = registry.renumber_references(params, renumbered, ids)
    except InvalidInput as exc:
        direct = exc.message
    assert direct == expected
