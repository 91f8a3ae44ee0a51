"""Letters that arrive in time: the daily run, replayed day by day over a month.

Households arrive on the working days of November 2026, each with a recovery deadline
some working days after it arrived. `letter daily` runs every day with --as-of (on
Saturdays, Sundays and holidays it makes nothing). Every household whose deadline is at
least N + 2 working days after its arrival (N: the post's working days) gets its first
letter in time; the others get it too, flagged "ring eller gör hembesök" in the run's
summary, its manifest and the deadline screen. No letter is made twice, and each day's
print file and manifest hold only that day's letters.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from bostadcli import letters
from bostadcli.db import open_database, rows
from bostadcli.households import NewHousehold, add_household
from bostadcli.landlords import add_landlord
from bostadcli.money import Money
from bostadcli.notices import NewNotice, add_notice
from bostadcli.reports import deadlines
from bostadcli.supports import NewSupport, add_support
from bostadcli.workdays import add_working_days, is_working_day, next_working_day
from golden_letters import CONFIG

N = CONFIG.policy.post_working_days
MONTH_START = date(2026, 11, 1)
LAST = date(2026, 11, 30)
ARRIVALS = [d for d in (MONTH_START + timedelta(n) for n in range(24)) if is_working_day(d)]
# Working days from arrival to the deadline: too close for the post, and far enough.
DISTANCES = (1, N, N + 1, N + 2, N + 3, 8)


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


@pytest.fixture
def month(tmp_path: Path) -> Iterator[tuple[Any, dict[str, tuple[date, date | None]]]]:
    """The month's households: ref -> (arrival, deadline or None)."""
    db = open_database(tmp_path / "t.sqlite", create=True)
    add_landlord(db, name="Ängbyhem", kind="municipal")
    cases: dict[str, tuple[date, date | None]] = {}
    for i, arrival in enumerate(ARRIVALS):
        for k in DISTANCES if i % 2 == 0 else (None, DISTANCES[i % len(DISTANCES)]):
            ref = add_household(
                db,
                NewHousehold(
                    tenant_name=f"Hyresgäst {len(cases)}",
                    street=f"Storgatan {len(cases)}",
                    postal_code="441 30",
                    city="Ängby",
                    landlord="Ängbyhem",
                    source="landlord",
                    opened_on=arrival,
                ),
                as_of=LAST,
            )
            deadline = None
            if k is not None:
                deadline = add_working_days(arrival, k)
                # Served and notified on the same day, three weeks before: the period
                # ends on the deadline whichever of the two dates it counts from.
                served = deadline - timedelta(days=21)
                add_notice(
                    db,
                    ref,
                    NewNotice(
                        kind="termination",
                        served_on=served,
                        received_on=served,
                        amount=Money(900_000),
                    ),
                    as_of=LAST,
                )
            cases[ref] = (arrival, deadline)
    yield db, cases
    db.close()


def _manifest(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _replay(db: Any, out: Path, first: date, last: date, **kwargs: Any) -> dict[date, Any]:
    runs = {}
    for day in _days(first, last):
        runs[day] = letters.run_daily(
            db, config=CONFIG, as_of=day, out_dir=out, fmt="html", only="outreach", **kwargs
        )
    return runs


def test_a_month_replayed_day_by_day(month: Any, tmp_path: Path) -> None:
    db, cases = month
    out = tmp_path / "brev"
    runs = _replay(db, out, MONTH_START, LAST)

    made = rows(
        db,
        "SELECT h.ref, l.dated_on, l.batch, l.file FROM letters l"
        " JOIN households h ON h.id = l.household_id WHERE l.kind = 'outreach'",
    )
    # Every household had its first letter, once, on the working day after it arrived.
    assert sorted(r["ref"] for r in made) == sorted(cases)
    late = {
        r["ref"]: r
        for r in rows(
            db,
            "SELECT h.ref, ll.* FROM late_letters ll JOIN households h ON h.id = ll.household_id",
        )
    }
    # Both kinds are there: letters in time, and letters to follow up by phone.
    assert late and len(late) < len([c for c in cases.values() if c[1] is not None])
    for r in made:
        arrival, deadline = cases[r["ref"]]
        posted = date.fromisoformat(r["dated_on"])
        assert posted == next_working_day(arrival + timedelta(days=1)), r
        if deadline is None:
            assert r["ref"] not in late
        elif deadline >= add_working_days(arrival, N + 2):
            # In time: posted the next working day, it arrives before the deadline.
            assert add_working_days(posted, N) < deadline
            assert r["ref"] not in late, r
        else:
            flag = late[r["ref"]]
            assert flag["sent"] == 1 and flag["deadline"] == deadline.isoformat()
            assert flag["arrives_on"] == add_working_days(posted, N).isoformat()

    # Each working day's run wrote its own manifest with exactly that day's letters;
    # on the other days nothing was written.
    for day, result in runs.items():
        manifest = out / f"manifest-{day.isoformat()}.csv"
        todays = sorted(r["ref"] for r in made if r["dated_on"] == day.isoformat())
        if not is_working_day(day):
            assert result.day_off is not None and not manifest.exists()
            continue
        if not todays:
            assert not manifest.exists() and result.batch is None
            continue
        listed = _manifest(manifest)
        assert sorted(m["reference"] for m in listed) == todays
        assert {r["batch"] for r in made if r["dated_on"] == day.isoformat()} == {day.isoformat()}
        for m in listed:
            flagged = m["reference"] in late
            assert m["note"].startswith("ring eller gör hembesök") == flagged, m
        assert sorted(i.ref for i in result.late) == sorted(ref for ref in todays if ref in late)
    # No run wrote a second file for a day, and none without a date in its name.
    names = sorted(p.name for p in out.glob("manifest-*.csv"))
    assert all(len(n) == len("manifest-2026-11-02.csv") for n in names), names

    # The deadline screen shows the flagged households until someone phones.
    flagged_ref, flag = next(iter(late.items()))
    screen = deadlines(db, as_of=date.fromisoformat(flag["posted_on"]))
    assert any(e["kind"] == "letter_late" and e["ref"] == flagged_ref for e in screen)
    from bostadcli.contacts import add_contact

    add_contact(
        db,
        flagged_ref,
        kind="phone",
        on=date.fromisoformat(flag["posted_on"]),
        text="Ringde",
        as_of=date.fromisoformat(flag["posted_on"]),
    )
    screen = deadlines(db, as_of=date.fromisoformat(flag["posted_on"]))
    assert not any(e["kind"] == "letter_late" and e["ref"] == flagged_ref for e in screen)


def test_a_second_run_the_same_day_has_its_own_files(month: Any, tmp_path: Path) -> None:
    db, _cases = month
    out = tmp_path / "brev"
    day = date(2026, 11, 4)
    first = letters.run_daily(db, config=CONFIG, as_of=day, out_dir=out, fmt="html")
    assert first.batch == "2026-11-04" and first.made
    before = (out / "manifest-2026-11-04.csv").read_bytes()
    # Nothing new: no files, nothing rewritten.
    again = letters.run_daily(db, config=CONFIG, as_of=day, out_dir=out, fmt="html")
    assert not again.made and again.batch is None
    assert sorted(p.name for p in out.glob("manifest-*")) == ["manifest-2026-11-04.csv"]
    # A case that arrived yesterday and was registered late: the second run of the day.
    ref = add_household(
        db,
        NewHousehold(
            tenant_name="Sen Registrering",
            street="Lillgatan 1",
            postal_code="441 30",
            city="Ängby",
            opened_on=date(2026, 11, 3),
        ),
        as_of=day,
    )
    second = letters.run_daily(db, config=CONFIG, as_of=day, out_dir=out, fmt="html")
    assert second.batch == "2026-11-04-2"
    assert [m["reference"] for m in _manifest(out / "manifest-2026-11-04-2.csv")] == [ref]
    assert (out / "manifest-2026-11-04.csv").read_bytes() == before
    # The month's combined manifest can still be made on request, over every day.
    monthly = letters.run_monthly(
        db,
        config=CONFIG,
        month=MONTH_START,
        as_of=day,
        out_dir=out,
        fmt="html",
        only="outreach",
    )
    # (The monthly run also writes to the cases that arrived on its day itself.)
    assert {_cases[i.ref][0] for i in monthly.made} <= {day}
    listed = _manifest(out / "manifest-2026-11.csv")
    assert len(listed) == len(first.made) + 1 + len(monthly.made)


def test_a_run_that_died_before_its_files_is_finished_by_the_next(
    month: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _cases = month
    out = tmp_path / "brev"
    real = letters._finish_daily

    def die(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(letters, "_finish_daily", die)
    with pytest.raises(KeyboardInterrupt):
        letters.run_daily(db, config=CONFIG, as_of=date(2026, 11, 4), out_dir=out, fmt="html")
    monkeypatch.setattr(letters, "_finish_daily", real)
    made = rows(db, "SELECT count(*) AS n FROM letters WHERE batch = '2026-11-04'")[0]["n"]
    assert made and not (out / "manifest-2026-11-04.csv").exists()
    nxt = letters.run_daily(db, config=CONFIG, as_of=date(2026, 11, 5), out_dir=out, fmt="html")
    assert nxt.finished_for == ["2026-11-04"]
    assert len(_manifest(out / "manifest-2026-11-04.csv")) == made
    assert all(
        m["reference"] not in {i.ref for i in nxt.made}
        for m in _manifest(out / "manifest-2026-11-04.csv")
    )


def test_support_ending_arrives_before_the_end_or_is_not_sent(tmp_path: Path) -> None:
    db = open_database(tmp_path / "t.sqlite", create=True)
    day = date(2026, 11, 16)  # a Monday
    ends = {
        "early": day + timedelta(days=40),  # announced at once, weeks ahead
        "last_day": add_working_days(day, N),  # arrives on the day it ends: phone
        "too_late": add_working_days(day, N - 1),  # would arrive after: not sent
    }
    refs = {}
    for name, end in ends.items():
        refs[name] = add_household(
            db,
            NewHousehold(
                tenant_name=f"Hyresgäst {name}",
                street="Storgatan 1",
                postal_code="441 30",
                city="Ängby",
                source="self_referral",
                opened_on=date(2026, 6, 1),
            ),
            as_of=day,
        )
        add_support(
            db,
            refs[name],
            NewSupport(kind="housing_support", start_on=date(2026, 6, 1), end_on=end),
            as_of=day,
        )
    result = letters.run_daily(db, config=CONFIG, as_of=day, out_dir=tmp_path / "b", fmt="html")
    assert sorted(i.ref for i in result.made) == sorted([refs["early"], refs["last_day"]])
    assert [i.ref for i in result.late] == [refs["last_day"]]
    assert [i.ref for i in result.not_sent] == [refs["too_late"]]
    listed = {m["reference"]: m for m in _manifest(tmp_path / "b" / "manifest-2026-11-16.csv")}
    assert listed[refs["too_late"]]["status"] == "not_sent"
    assert listed[refs["too_late"]]["note"].startswith("ring eller gör hembesök")
    # Not taken up again the next day: it is recorded, and on the deadline screen.
    nxt = letters.run_daily(
        db, config=CONFIG, as_of=day + timedelta(days=1), out_dir=tmp_path / "b", fmt="html"
    )
    assert not nxt.made and not nxt.not_sent
    assert any(e["kind"] == "letter_late" for e in deadlines(db, as_of=day))
    db.close()


def test_no_letters_on_a_day_off(month: Any, tmp_path: Path) -> None:
    db, _cases = month
    result = letters.run_daily(
        db, config=CONFIG, as_of=date(2026, 11, 7), out_dir=tmp_path / "b", fmt="html"
    )
    assert result.day_off and not result.made
    assert not (tmp_path / "b").exists()


def test_daily_cli_summary_and_exit(cli: Any, tmp_path: Path) -> None:
    cli.ok("init")
    (tmp_path / "config.toml").write_text(
        '[letterhead]\nphone = "08-1"\nsocialjouren_phone = "08-2"\n', encoding="utf-8"
    )
    cli.ok(
        "household",
        "add",
        "Anna Andersson",
        "--street",
        "Storgatan 1",
        "--postal-code",
        "441 30",
        "--city",
        "Ängby",
        "--source",
        "landlord",
        "--opened",
        "2026-11-12",
        "--as-of",
        "2026-11-12",
    )
    out = tmp_path / "brev"
    sat = cli("letter", "daily", "--as-of", "2026-11-14", "--out-dir", str(out), "-f", "html")
    assert sat.exit_code == 0 and "not a working day" in sat.stderr
    run = cli("letter", "daily", "--as-of", "2026-11-13", "--out-dir", str(out), "-f", "html")
    assert run.exit_code == 0, run.stderr
    assert run.stderr.strip().splitlines()[-1].startswith("2026-11-13: 1 new, 0 to phone")
    assert (out / "manifest-2026-11-13.csv").exists()
    dry = cli("letter", "daily", "--as-of", "2026-11-16", "--dry-run", "-f", "html")
    assert dry.exit_code == 0 and "2026-0001" not in dry.stdout


def test_a_reminder_goes_the_day_an_installment_is_past_its_grace_days(tmp_path: Path) -> None:
    from bostadcli.plans import NewPlan, create_plan, show_plan

    db = open_database(tmp_path / "t.sqlite", create=True)
    add_landlord(db, name="Ängbyhem", kind="municipal")
    ref = add_household(
        db,
        NewHousehold(
            tenant_name="Pia Plan",
            landlord="Ängbyhem",
            street="Storgatan 1",
            postal_code="441 30",
            city="Ängby",
            source="self_referral",
            opened_on=date(2026, 10, 1),
        ),
        as_of=date(2026, 10, 1),
    )
    plan = create_plan(
        db,
        ref,
        NewPlan(debt=Money(300_000), installment=Money(100_000), start=date(2026, 12, 1)),
        as_of=date(2026, 10, 1),
    )
    # The first installment falls due at the end of November, with December's rent.
    first_due = date.fromisoformat(
        show_plan(db, plan["ref"], as_of=date(2026, 11, 1))["installments"][0]["due_on"]
    )
    behind = next(
        d
        for d in _days(first_due, first_due + timedelta(days=30))
        if show_plan(db, plan["ref"], as_of=d)["state"] == "behind"
    )
    assert (behind - first_due).days > CONFIG.policy.plan_behind_days
    out = tmp_path / "brev"
    made_on = []
    for day in _days(first_due, date(2026, 12, 31)):
        result = letters.run_daily(db, config=CONFIG, as_of=day, out_dir=out, fmt="html")
        made_on += [day for i in result.made if i.kind == "plan_reminder"]
    # On the first working day it is behind, not on the 1st of a month; and once.
    assert made_on == [next_working_day(behind)]
    db.close()


def test_each_days_print_file_holds_only_that_days_letters(tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    from bostadcli.pdf import pdf_problem

    if pdf_problem():
        pytest.skip(pdf_problem())
    db = open_database(tmp_path / "t.sqlite", create=True)
    arrivals = {date(2026, 11, 2): 2, date(2026, 11, 3): 1}
    for arrival, n in arrivals.items():
        for i in range(n):
            add_household(
                db,
                NewHousehold(
                    tenant_name=f"Hyresgäst {arrival.day}-{i}",
                    street=f"Storgatan {i}",
                    postal_code="441 30",
                    city="Ängby",
                    source="landlord",
                    opened_on=arrival,
                ),
                as_of=date(2026, 11, 3),
            )
    out = tmp_path / "brev"
    for day, expected in ((date(2026, 11, 3), 2), (date(2026, 11, 4), 1)):
        result = letters.run_daily(db, config=CONFIG, as_of=day, out_dir=out, fmt="pdf")
        assert len(result.made) == expected and not result.failed
        printed = pypdf.PdfReader(str(out / f"utskrift-{day.isoformat()}.pdf"))
        names = [n for n in (p.extract_text() for p in printed.pages) if "Hyresgäst" in n]
        assert len(printed.pages) == expected == len(names)
    db.close()
