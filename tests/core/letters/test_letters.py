"""Letters: context, rendering, recording, and the monthly batch that never sends twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bostadcli import letters
from bostadcli.config import Letterhead
from bostadcli.db import open_database, rows
from bostadcli.errors import BostadError, Conflict, InvalidInput, NotFound
from bostadcli.households import NewHousehold, add_household
from golden_letters import AS_OF, CONFIG, TRICKY_NAME, build_households

if TYPE_CHECKING:
    from sqlite_utils import Database

SRC = Path(__file__).resolve().parents[3] / "src"
MONTH = date(2026, 11, 1)


@pytest.fixture
def letter_db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "t.sqlite", create=True)
    yield database
    database.close()


@pytest.fixture
def refs(letter_db: Database) -> dict[str, str]:
    return build_households(letter_db)


def add_reported(db: Database, n: int) -> list[str]:
    """n households reported by a landlord, each with a postal address."""
    return [
        add_household(
            db,
            NewHousehold(
                tenant_name=f"Hyresgäst {i}",
                street=f"Storgatan {i}",
                postal_code="441 30",
                city="Ängby",
                opened_on=date(2026, 11, 2),
            ),
            as_of=AS_OF,
        )
        for i in range(1, n + 1)
    ]


def letter_rows(db: Database) -> list[dict[str, Any]]:
    return rows(
        db,
        "SELECT h.ref, l.kind, l.period, l.file FROM letters l"
        " JOIN households h ON h.id = l.household_id ORDER BY h.ref",
    )


def assert_one_letter_per_key_with_file(db: Database, expected: int) -> None:
    found = letter_rows(db)
    keys = [(r["ref"], r["kind"], r["period"]) for r in found]
    assert len(keys) == len(set(keys)) == expected
    for r in found:
        assert Path(r["file"]).is_file(), r
    logged = rows(db, "SELECT count(*) AS n FROM contacts WHERE kind = 'letter' AND automatic = 1")
    assert logged[0]["n"] == expected


def run(db: Database, out: Path, **kwargs: Any) -> letters.BatchResult:
    options: dict[str, Any] = {
        "config": CONFIG,
        "month": MONTH,
        "as_of": AS_OF,
        "out_dir": out,
        "fmt": "html",
    }
    return letters.run_monthly(db, **(options | kwargs))


# Context and rendering ---------------------------------------------------------------


def test_context_has_the_case(letter_db: Database, refs: dict[str, str]) -> None:
    ctx = letters.letter_context(letter_db, refs["tricky"], config=CONFIG, as_of=AS_OF)
    assert ctx["recipient"]["names"] == [TRICKY_NAME, "Örjan Öberg"]
    assert ctx["recipient"]["lines"][-2:] == ["Åkervägen 5 lgh 1203", "441 30 Ängby"]
    assert ctx["deadline"]["date"] == date(2026, 12, 1)
    assert ctx["deadline"]["amount"].ore == 1_490_000
    assert ctx["deadline"]["days_left"] == 15
    assert len(ctx["children"]) == 2
    assert ctx["caseworker"]["name"] == "Karin Ek"
    assert ctx["tenant"]["pnr"] == "19811218-****"
    evicted = letters.letter_context(letter_db, refs["enforcement"], config=CONFIG, as_of=AS_OF)
    assert evicted["eviction"] == {"date": date(2026, 12, 15), "time": "09:00"}
    assert evicted["deadline"] is None


def test_passed_deadline_is_not_promised(letter_db: Database, refs: dict[str, str]) -> None:
    ctx = letters.letter_context(letter_db, refs["tricky"], config=CONFIG, as_of=date(2026, 12, 2))
    assert ctx["deadline"] is None


def test_caseworker_falls_back_to_the_letterhead(letter_db: Database, refs: dict[str, str]) -> None:
    ctx = letters.letter_context(letter_db, refs["plain"], config=CONFIG, as_of=AS_OF)
    assert ctx["caseworker"]["name"] == "Karin Ek"


def test_render_unknown_kind_and_ref(letter_db: Database, refs: dict[str, str]) -> None:
    with pytest.raises(InvalidInput, match="KIND"):
        letters.render_letter(
            letter_db, refs["plain"], "nosuch", config=CONFIG, as_of=AS_OF, fmt="txt"
        )
    with pytest.raises(NotFound, match="2026-0099"):
        letters.render_letter(
            letter_db, "2026-0099", "outreach", config=CONFIG, as_of=AS_OF, fmt="txt"
        )
    with pytest.raises(InvalidInput, match="--plan"):
        letters.render_letter(
            letter_db,
            refs["plain"],
            "outreach",
            config=CONFIG,
            as_of=AS_OF,
            fmt="txt",
            plan="P-0001",
        )


def test_letterhead_must_say_how_to_reach_us(letter_db: Database, refs: dict[str, str]) -> None:
    bare = replace(CONFIG, letterhead=Letterhead())
    with pytest.raises(BostadError, match="phone, socialjouren_phone"):
        letters.render_letter(
            letter_db, refs["plain"], "outreach", config=bare, as_of=AS_OF, fmt="txt"
        )


def test_paper_letters_need_an_address(letter_db: Database) -> None:
    ref = add_household(letter_db, NewHousehold(tenant_name="Utan Adress"), as_of=AS_OF)
    with pytest.raises(InvalidInput, match="street and postal code"):
        letters.render_letter(letter_db, ref, "outreach", config=CONFIG, as_of=AS_OF, fmt="html")
    text = letters.render_letter(letter_db, ref, "outreach", config=CONFIG, as_of=AS_OF, fmt="txt")
    assert "Till Utan Adress" in text.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "needs"),
        ({"date": "2026-11-25"}, "needs"),
        ({"date": "2026-11-01", "time": "10:00", "place": "x"}, "in the past"),
        ({"date": "2026-11-25", "time": "25:00", "place": "x"}, "HH:MM"),
        ({"date": "2026-13-01", "time": "10:00", "place": "x"}, "no such date"),
        ({"date": "2026-11-25", "time": "10:00"}, "place"),
    ],
)
def test_meeting_params_are_checked(
    letter_db: Database, refs: dict[str, str], params: dict[str, str], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        letters.render_letter(
            letter_db,
            refs["plain"],
            "meeting",
            config=CONFIG,
            as_of=AS_OF,
            fmt="txt",
            params=params,
        )


def test_parse_params() -> None:
    assert letters.parse_params(["place=Storgatan 1, rum 2", "with=Karin = Ek"]) == {
        "place": "Storgatan 1, rum 2",
        "with": "Karin = Ek",
    }
    for bad in (["place"], ["=x"], ["Place=x"], ["a=1", "a=2"]):
        with pytest.raises(InvalidInput, match="--param"):
            letters.parse_params(bad)


# One-off letters ---------------------------------------------------------------------


def test_make_letter_writes_records_and_logs(
    letter_db: Database, refs: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "brev.html"
    made = letters.make_letter(
        letter_db,
        refs["plain"],
        "outreach",
        config=CONFIG,
        as_of=AS_OF,
        fmt="html",
        out=out,
        record=True,
    )
    assert made.letter_id is not None
    assert out.stat().st_mode & 0o777 == 0o600
    listed = letters.list_letters(letter_db, ref=refs["plain"])
    assert len(listed) == 1
    assert listed[0]["period"] is None and listed[0]["file_exists"] is True
    assert listed[0]["template_version"] == made.letter.template_version
    contacts = rows(letter_db, "SELECT kind, text, automatic FROM contacts WHERE kind = 'letter'")
    assert contacts == [
        {
            "kind": "letter",
            "text": "Letter: first letter: how we can help (brev.html)",
            "automatic": 1,
        }
    ]
    # A second first letter is not recorded (the first letter is made once per
    # household), nor written; without a record it is written ...
    with pytest.raises(Conflict, match="recorded once"):
        letters.make_letter(
            letter_db,
            refs["plain"],
            "outreach",
            config=CONFIG,
            as_of=AS_OF,
            fmt="txt",
            out=tmp_path / "brev.txt",
            record=True,
        )
    assert not (tmp_path / "brev.txt").exists()
    letters.make_letter(
        letter_db,
        refs["plain"],
        "outreach",
        config=CONFIG,
        as_of=AS_OF,
        fmt="txt",
        out=tmp_path / "brev.txt",
        record=False,
    )
    assert len(letters.list_letters(letter_db, month=MONTH)) == 1
    # ... but an existing file is not overwritten without asking.
    with pytest.raises(Conflict):
        letters.make_letter(
            letter_db,
            refs["plain"],
            "outreach",
            config=CONFIG,
            as_of=AS_OF,
            fmt="html",
            out=out,
            record=True,
        )
    assert len(letters.list_letters(letter_db)) == 1


def test_preview_is_not_recorded(letter_db: Database, refs: dict[str, str]) -> None:
    made = letters.make_letter(
        letter_db,
        refs["plain"],
        "outreach",
        config=CONFIG,
        as_of=AS_OF,
        fmt="txt",
        out=None,
        record=False,
    )
    assert made.file is None and b"Johan Lindqvist" in made.letter.content
    assert letters.list_letters(letter_db) == []
    with pytest.raises(InvalidInput, match="--record"):
        letters.make_letter(
            letter_db,
            refs["plain"],
            "outreach",
            config=CONFIG,
            as_of=AS_OF,
            fmt="txt",
            out=None,
            record=True,
        )


def test_a_one_off_outreach_counts_for_the_batch(
    letter_db: Database, refs: dict[str, str], tmp_path: Path
) -> None:
    letters.make_letter(
        letter_db,
        refs["plain"],
        "outreach",
        config=CONFIG,
        as_of=AS_OF,
        fmt="txt",
        out=tmp_path / "x.txt",
        record=True,
    )
    result = run(letter_db, tmp_path / "out")
    # The tricky household has a repayment plan: it is in contact, and gets no first
    # letter (see test_letters_fit.py).
    assert sorted(i.ref for i in result.made) == [refs["enforcement"]]


# The monthly batch -------------------------------------------------------------------


def test_monthly_twice_sends_nothing_twice(letter_db: Database, tmp_path: Path) -> None:
    made = add_reported(letter_db, 3)
    out = tmp_path / "brev"
    first = run(letter_db, out)
    assert [i.ref for i in first.made] == made and not first.failed
    assert out.stat().st_mode & 0o777 == 0o700
    for item in first.made:
        assert item.file.stat().st_mode & 0o777 == 0o600
    second = run(letter_db, out)
    assert second.made == [] and second.recreated == [] and len(second.already) == 3
    assert_one_letter_per_key_with_file(letter_db, 3)
    manifest = (out / "manifest-2026-11.csv").read_text(encoding="utf-8").splitlines()
    assert manifest[0] == "reference,kind,recipient,address,file,format,pages,status,note"
    assert manifest[1] == (
        f'{made[0]},outreach,Hyresgäst 1,"Hyresgäst 1, Storgatan 1, 441 30 Ängby",'
        f"{made[0]}-outreach.html,html,,made,"
    )
    assert len(manifest) == 4
    assert not list(out.glob(".*"))  # no temporary files left behind


def test_monthly_selects_reported_open_households_only(letter_db: Database, tmp_path: Path) -> None:
    from bostadcli.households import close_household

    reported, closed = add_reported(letter_db, 2)
    close_household(letter_db, closed, outcome="stays", closed_on=AS_OF, as_of=AS_OF)
    add_household(
        letter_db,
        NewHousehold(
            tenant_name="Själv", street="Väg 1", postal_code="44130", source="self_referral"
        ),
        as_of=AS_OF,
    )
    result = run(letter_db, tmp_path / "out")
    assert [i.ref for i in result.made] == [reported]
    # Next month the household has had its outreach letter: none again.
    later = run(letter_db, tmp_path / "dec", month=date(2026, 12, 1), as_of=date(2026, 12, 1))
    assert later.made == [] and later.manifest is None


def test_a_crash_halfway_then_a_rerun_misses_nothing(
    letter_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_reported(letter_db, 5)
    out = tmp_path / "brev"
    real = letters._make_batch_letter
    calls = {"n": 0}

    def crash_after_two(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] > 2:
            raise KeyboardInterrupt  # not a per-letter error: the run itself dies
        real(*args, **kwargs)

    monkeypatch.setattr(letters, "_make_batch_letter", crash_after_two)
    with pytest.raises(KeyboardInterrupt):
        run(letter_db, out)
    assert len(letter_rows(letter_db)) == 2
    monkeypatch.setattr(letters, "_make_batch_letter", real)
    rerun = run(letter_db, out)
    assert len(rerun.made) == 3 and len(rerun.already) == 2
    assert_one_letter_per_key_with_file(letter_db, 5)
    assert len((out / "manifest-2026-11.csv").read_text().splitlines()) == 6


def test_a_crash_between_file_and_record_is_repaired(
    letter_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    refs = add_reported(letter_db, 3)
    out = tmp_path / "brev"
    real = letters.record_letter
    calls = {"n": 0}

    def die_on_second(*args: Any, **kwargs: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit(137)
        return real(*args, **kwargs)

    monkeypatch.setattr(letters, "record_letter", die_on_second)
    with pytest.raises(SystemExit):
        run(letter_db, out)
    # The second letter's file exists but was never recorded: the rerun makes it again.
    assert (out / f"{refs[1]}-outreach.html").exists()
    assert [r["ref"] for r in letter_rows(letter_db)] == [refs[0]]
    monkeypatch.setattr(letters, "record_letter", real)
    rerun = run(letter_db, out)
    assert [i.ref for i in rerun.made] == refs[1:]
    assert_one_letter_per_key_with_file(letter_db, 3)


def test_a_recorded_letter_whose_file_is_gone_is_made_again(
    letter_db: Database, tmp_path: Path
) -> None:
    refs = add_reported(letter_db, 2)
    out = tmp_path / "brev"
    run(letter_db, out)
    lost = out / f"{refs[0]}-outreach.html"
    original = lost.read_bytes()
    lost.unlink()
    rerun = run(letter_db, out, as_of=date(2026, 11, 20))
    assert [i.ref for i in rerun.recreated] == [refs[0]] and rerun.made == []
    assert lost.read_bytes() == original  # dated as it was first made
    assert_one_letter_per_key_with_file(letter_db, 2)


def test_one_failing_letter_does_not_stop_the_rest(letter_db: Database, tmp_path: Path) -> None:
    good = add_reported(letter_db, 2)
    no_address = add_household(letter_db, NewHousehold(tenant_name="Ingen Adress"), as_of=AS_OF)
    result = run(letter_db, tmp_path / "brev")
    assert [i.ref for i in result.made] == good
    assert [(ref, kind) for ref, kind, _m in result.failed] == [(no_address, "outreach")]
    assert "street and postal code" in result.failed[0][2]
    assert_one_letter_per_key_with_file(letter_db, 2)


def test_unwritable_out_dir_stops_before_anything(letter_db: Database, tmp_path: Path) -> None:
    add_reported(letter_db, 2)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(BostadError, match="cannot write letters to"):
        run(letter_db, blocker / "brev")
    with pytest.raises(BostadError, match="not a folder"):
        run(letter_db, blocker)
    assert letter_rows(letter_db) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_read_only_out_dir(letter_db: Database, tmp_path: Path) -> None:
    add_reported(letter_db, 1)
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(BostadError, match="cannot write letters to"):
        run(letter_db, locked)
    assert letter_rows(letter_db) == []


def test_broken_user_template_stops_the_batch(letter_db: Database, tmp_path: Path) -> None:
    add_reported(letter_db, 2)
    mine = tmp_path / "mallar"
    mine.mkdir()
    (mine / "outreach.html.j2").write_text(
        '{% extends "base.html.j2" %}\n{% block body %}\n{{ tenant.name \n{% endblock %}',
        encoding="utf-8",
    )
    with pytest.raises(BostadError, match=r"outreach\.html\.j2:\d+: template syntax error"):
        run(letter_db, tmp_path / "brev", user_dir=mine)
    assert letter_rows(letter_db) == []
    assert not (tmp_path / "brev").exists()


def test_month_after_as_of_and_only(letter_db: Database, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="--month"):
        run(letter_db, tmp_path / "x", month=date(2026, 12, 1))
    with pytest.raises(InvalidInput, match="monthly batch"):
        run(letter_db, tmp_path / "x", only="meeting")
    with pytest.raises(InvalidInput, match="--only"):
        run(letter_db, tmp_path / "x", only="nosuch")


def test_preview_writes_nothing(letter_db: Database, tmp_path: Path) -> None:
    refs = add_reported(letter_db, 2)
    items = letters.preview_monthly(
        letter_db, config=CONFIG, month=MONTH, as_of=AS_OF, out_dir=tmp_path / "brev", fmt="pdf"
    )
    assert [(i.ref, i.state, i.recipient) for i in items] == [
        (refs[0], "new", "Hyresgäst 1"),
        (refs[1], "new", "Hyresgäst 2"),
    ]
    assert not (tmp_path / "brev").exists()
    assert letter_rows(letter_db) == []


# A real process killed mid-run ---------------------------------------------------------

SLOW_RUN = """
import sys, time
from datetime import date
from pathlib import Path
sys.path[:0] = [{src!r}, {tests!r}]
from golden_letters import CONFIG
from bostadcli import letters
from bostadcli.db import open_database

real = letters.write_private_file
def slow(path, data, **options):
    real(path, data, **options)
    time.sleep(0.25)  # between the file and its record: the worst moment to die
letters.write_private_file = slow
db = open_database({db!r})
letters.run_monthly(db, config=CONFIG, month=date(2026, 11, 1), as_of=date(2026, 11, 16),
                    out_dir=Path({out!r}), fmt="html")
"""


def test_sigkill_mid_run_then_rerun(tmp_path: Path) -> None:
    db_path = tmp_path / "k.sqlite"
    db = open_database(db_path, create=True)
    add_reported(db, 8)
    db.close()
    out = tmp_path / "brev"
    script = SLOW_RUN.format(
        src=str(SRC), tests=str(Path(__file__).resolve().parents[2]), db=str(db_path), out=str(out)
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        recorded = 0
        while time.monotonic() < deadline and proc.poll() is None:
            with sqlite3.connect(db_path, timeout=5) as conn:
                try:
                    recorded = conn.execute("SELECT count(*) FROM letters").fetchone()[0]
                except sqlite3.OperationalError:
                    recorded = 0
            if recorded >= 3:
                break
            time.sleep(0.05)
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        if proc.stderr:
            proc.stderr.close()
    db = open_database(db_path)
    try:
        before = len(letter_rows(db))
        assert 3 <= before < 8
        rerun = run(db, out)
        assert len(rerun.made) == 8 - before
        assert_one_letter_per_key_with_file(db, 8)
        # the killed run's temporary file is gone
        assert not list(out.glob(".bostad-tmp-*")) and not list(out.glob(".*bostad-tmp"))
    finally:
        db.close()


# Plan letters -------------------------------------------------------------------------


def add_plan(db: Database, ref: str, *, start: date = date(2026, 12, 1)) -> str:
    from bostadcli.money import Money
    from bostadcli.plans import NewPlan, create_plan

    plan = create_plan(
        db,
        ref,
        NewPlan(debt=Money.kronor(3_000), installment=Money.kronor(1_000), start=start),
        as_of=AS_OF,
    )
    return str(plan["ref"])


def test_plan_agreement_needs_the_landlords_consent(letter_db: Database) -> None:
    from bostadcli.consents import revoke_consent
    from bostadcli.errors import ConsentRequired

    refs = build_households(letter_db)
    revoke_consent(letter_db, refs["tricky"], recipient="landlord", revoked_on=AS_OF, today=AS_OF)
    with pytest.raises(ConsentRequired, match="consent add"):
        letters.render_letter(
            letter_db, refs["tricky"], "plan_agreement", config=CONFIG, as_of=AS_OF, fmt="txt"
        )
    assert letter_rows(letter_db) == []


def test_plan_agreement_has_a_sheet_for_each_party(letter_db: Database) -> None:
    refs = build_households(letter_db)
    letter = letters.render_letter(
        letter_db, refs["tricky"], "plan_agreement", config=CONFIG, as_of=AS_OF, fmt="html"
    )
    html = letter.content.decode()
    assert html.count('<section class="sheet">') == 2
    assert "Hyresgästens exemplar" in html and "Hyresvärdens exemplar" in html
    assert '<div class="line">Att: Lars Hyresson</div>' in html
    assert letter.recipient.endswith('och Bostäder i Ängby & Co "Hem" <AB>')
    assert letter.plan == "P-0001"


def test_plan_letters_find_the_plan(letter_db: Database) -> None:
    refs = build_households(letter_db)
    with pytest.raises(InvalidInput, match="no active repayment plan"):
        letters.render_letter(
            letter_db, refs["plain"], "plan_reminder", config=CONFIG, as_of=AS_OF, fmt="txt"
        )
    with pytest.raises(InvalidInput, match="belongs to"):
        letters.render_letter(
            letter_db,
            refs["plain"],
            "plan_reminder",
            config=CONFIG,
            as_of=AS_OF,
            fmt="txt",
            plan="P-0001",
        )
    with pytest.raises(NotFound):
        letters.render_letter(
            letter_db,
            refs["tricky"],
            "plan_reminder",
            config=CONFIG,
            as_of=AS_OF,
            fmt="txt",
            plan="P-0042",
        )


def test_plan_agreement_needs_the_landlords_address_on_paper(letter_db: Database) -> None:
    from bostadcli.consents import add_consent
    from bostadcli.landlords import add_landlord

    add_landlord(letter_db, name="Utan Adress AB")
    ref = add_household(
        letter_db,
        NewHousehold(
            tenant_name="Hyresgäst",
            street="Gatan 1",
            postal_code="44130",
            landlord="Utan Adress AB",
        ),
        as_of=AS_OF,
    )
    add_plan(letter_db, ref)
    add_consent(
        letter_db,
        ref,
        recipient="landlord",
        given_on=AS_OF,
        today=AS_OF,
        reason="skrivet i efterhand",
    )
    with pytest.raises(InvalidInput, match="landlord's postal address"):
        letters.render_letter(
            letter_db, ref, "plan_agreement", config=CONFIG, as_of=AS_OF, fmt="html"
        )
    text = letters.render_letter(
        letter_db, ref, "plan_agreement", config=CONFIG, as_of=AS_OF, fmt="txt"
    )
    assert "Utan Adress AB" in text.content.decode()


def test_monthly_reminds_plans_behind_once_a_month(letter_db: Database, tmp_path: Path) -> None:
    from bostadcli.households import edit_household
    from bostadcli.landlords import add_landlord
    from bostadcli.money import Money
    from bostadcli.plans import record_payment

    behind, on_track = add_reported(letter_db, 2)
    add_landlord(letter_db, name="Exempelhem AB", street="Box 1", postal_code="44121")
    for ref in (behind, on_track):
        edit_household(letter_db, ref, changes={"landlord": "Exempelhem AB"})
    late = add_plan(letter_db, behind)
    fine = add_plan(letter_db, on_track)
    record_payment(
        letter_db,
        fine,
        amount=Money.kronor(3_000),
        paid_on=date(2026, 11, 27),
        as_of=date(2027, 1, 1),
    )
    jan = date(2027, 1, 15)  # 2026-11-30 and 2026-12-30 have passed unpaid for one plan
    first = run(letter_db, tmp_path / "jan", month=date(2027, 1, 1), as_of=jan)
    reminders = [i for i in first.made if i.kind == "plan_reminder"]
    assert [(i.ref, i.plan) for i in reminders] == [(behind, late)]
    again = run(letter_db, tmp_path / "jan", month=date(2027, 1, 1), as_of=jan)
    assert again.made == []
    feb = run(
        letter_db,
        tmp_path / "feb",
        month=date(2027, 2, 1),
        as_of=date(2027, 2, 10),
        only="plan_reminder",
    )
    assert [(i.ref, i.kind) for i in feb.made] == [(behind, "plan_reminder")]
    recorded = rows(
        letter_db,
        "SELECT period, params FROM letters WHERE kind = 'plan_reminder' ORDER BY period",
    )
    assert recorded == [
        {"period": "2027-01", "params": f'{{"plan": "{late}"}}'},
        {"period": "2027-02", "params": f'{{"plan": "{late}"}}'},
    ]
    # A lost reminder file is made again for the same plan.
    lost = tmp_path / "feb" / f"{behind}-plan_reminder.html"
    lost.unlink()
    rerun = run(
        letter_db,
        tmp_path / "feb",
        month=date(2027, 2, 1),
        as_of=date(2027, 2, 10),
        only="plan_reminder",
    )
    assert [i.plan for i in rerun.recreated] == [late] and lost.exists()
