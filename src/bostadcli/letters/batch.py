"""The daily and monthly batches: who gets which letter (each kind's ``select``), what
a run would make (``--dry-run``), and the run itself, whose letters are made one at a
time by ``letters.making``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bostadcli import templating
from bostadcli.config import Config
from bostadcli.db import rows
from bostadcli.errors import InvalidInput
from bostadcli.i18n import _
from bostadcli.letters.claims import RunOwner, release_claims, release_dead_claims
from bostadcli.letters.context import build_context, check_letterhead
from bostadcli.letters.daily import _finish_daily, _open_batch, finish_dead_batches
from bostadcli.letters.failures import failure_message
from bostadcli.letters.kind import LetterRequest
from bostadcli.letters.late import judge_post, post_days
from bostadcli.letters.manifest import _finish_batch
from bostadcli.letters.recording import _file_safe, default_file_name, prepare_out_dir
from bostadcli.letters.registry import KINDS, monthly_kinds
from bostadcli.letters.rendering import _base_url, letter_format, prepare_templates
from bostadcli.letters.words import joined_names

if TYPE_CHECKING:
    from jinja2 import Environment
    from sqlite_utils import Database

    from bostadcli.letters.making import Batch
    from bostadcli.pdf_stops import WorkersStopping


@dataclass
class BatchItem:
    ref: str
    household_id: int
    kind: str
    period: str
    file: Path
    format: str
    state: str  # "new", "missing_file" (recorded, file gone) or "done" (recorded, file there)
    recipient: str = ""
    address: str = ""
    letter_id: int | None = None
    dated_on: date | None = None
    # What the letter is about beyond its key (the kind's candidate's ``about``, or a
    # recorded letter's parameters): a plan, supports.
    about: Mapping[str, Any] = field(default_factory=dict)
    # Made in Swedish for a household whose letters go out in another language.
    swedish_instead: bool = False
    # Why the case's records could not be read ("broken" items): the letter fails.
    problem: str | None = None
    # The day the letter must reach the family before (a recovery deadline, an
    # eviction, a support's end), and the day it arrives by post; late when it cannot
    # arrive in time (the caseworker must phone or visit).
    deadline: date | None = None
    arrives_on: date | None = None
    late: bool = False
    # What the deadline is (a key of ``late.DEADLINE_NAMES``), for the notes.
    deadline_of: str | None = None
    # Due but not to be made: the household had this month's letter of the kind already
    # and next month's would come too late (the kind's ``Candidate.unsent_period``).
    unsent: bool = False

    @property
    def plan(self) -> str | None:
        plan = self.about.get("plan")
        return str(plan) if plan is not None else None

    @property
    def supports(self) -> tuple[int, ...]:
        return tuple(self.about.get("supports", ()))

    def params(self) -> dict[str, Any] | None:
        """What the letter is about beyond its key, as recorded with it."""
        found = {k: list(v) if isinstance(v, tuple) else v for k, v in self.about.items() if v}
        return found or None


@dataclass
class BatchResult:
    period: str
    out_dir: Path
    items: list[BatchItem]
    made: list[BatchItem] = field(default_factory=list)
    recreated: list[BatchItem] = field(default_factory=list)
    already: list[BatchItem] = field(default_factory=list)
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # ref, kind, message
    # Claimed by another run going at the same time: that run makes them.
    elsewhere: list[BatchItem] = field(default_factory=list)
    # Made, but they cannot reach the family in time by post: phone or visit.
    late: list[BatchItem] = field(default_factory=list)
    # support_ending letters not made: they would arrive after the support has ended.
    not_sent: list[BatchItem] = field(default_factory=list)
    # A daily run: its name (the day, and a run number from the second run of a day).
    batch: str | None = None
    # Earlier daily runs that died before writing their print file and manifest, and
    # whose files this run wrote.
    finished_for: list[str] = field(default_factory=list)
    # Why a daily run made nothing: the day is not a working day (Saturday, a holiday).
    day_off: str | None = None
    manifest: Path | None = None
    combined: Path | None = None
    # Letters made in Swedish, by kind, for households whose letters go out in another
    # language: the kind has no template in it.
    swedish_instead: dict[str, int] = field(default_factory=dict)
    # The unit's CSV dialect (config csv_dialect), for the manifest.
    csv_dialect: str = "standard"


@dataclass(frozen=True)
class LetterRun:
    """What one batch run is asked to do, checked once when made: the format, the
    letterhead, the post's working days, the kinds (``--only``) and the month."""

    config: Config
    month: date
    as_of: date
    out_dir: Path
    fmt: str
    only: str | None = None
    user_dir: Path | None = None
    # A daily run: its first letters go to cases that arrived before ``as_of``, and it
    # makes only what is new.
    daily: bool = False
    kinds: tuple[str, ...] = field(init=False)
    post_days: int = field(init=False)

    def __post_init__(self) -> None:
        letter_format(self.fmt)
        check_letterhead(self.config)
        from bostadcli.tabular import csv_dialect

        csv_dialect(self.config.csv_dialect, field="csv_dialect")  # the manifest's
        object.__setattr__(self, "post_days", post_days(self.config.policy))
        object.__setattr__(self, "kinds", tuple(monthly_kinds(self.only)))
        if (self.month.year, self.month.month) > (self.as_of.year, self.as_of.month):
            raise InvalidInput("--month", self.period, _("is after the --as-of date"))

    @property
    def period(self) -> str:
        return self.month.strftime("%Y-%m")

    @property
    def past(self) -> bool:
        """A month before the month of ``as_of``: the run makes no new letters (it makes
        lost files again, and the month's print file and manifest)."""
        return (self.month.year, self.month.month) < (self.as_of.year, self.as_of.month)


def default_out_dir(period: str) -> Path:
    return Path(f"brev-{period}")


def plan_monthly(db: Database, run: LetterRun, folder: Path) -> list[BatchItem]:
    """Who gets which letter this month: new ones, and recorded ones (with or without
    their file). The policy decides how far ahead a support's end is announced; a daily
    run's first letters go to cases that arrived before ``as_of``."""
    # A month before --as-of's is over: its letters are re-made, none is new.
    items = [
        _new_item(run, folder, kind, found)
        for kind in ([] if run.past else run.kinds)
        for found in _select(db, run, kind)
    ]
    marks = ", ".join("?" for _k in run.kinds)
    for row in rows(
        db,
        f"""
        SELECT l.*, h.ref FROM letters l JOIN live_households h ON h.id = l.household_id
        WHERE l.period = ? AND l.kind IN ({marks}) ORDER BY h.ref, l.kind
        """,
        [run.period, *run.kinds],
    ):
        items.append(_recorded_item(row, run.period))
    items.sort(key=lambda i: (i.ref, i.kind))
    return items


def _select(db: Database, run: LetterRun, kind: str) -> list[Any]:
    select = KINDS[kind].select
    assert select is not None
    return select(db, run.as_of, run.period, run.config.policy, run.daily)


def _new_item(run: LetterRun, folder: Path, kind: str, found: Any) -> BatchItem:
    return BatchItem(
        ref=found.ref,
        household_id=found.household_id,
        kind=kind,
        period=found.unsent_period or run.period,
        file=folder / default_file_name(_file_safe(found.ref), kind, run.fmt),
        format=run.fmt,
        state=("broken" if found.problem else "in_contact" if found.skip else "new"),
        about=dict(found.about),
        problem=found.problem or found.skip,
        unsent=found.unsent_period is not None,
    )


def _recorded_item(row: dict[str, Any], period: str) -> BatchItem:
    """A letter of the period recorded already: done, its file lost, or broken."""
    import json

    try:
        file = Path(row["file"])
        recorded = json.loads(row["params"]) if row["params"] else {}
        dated_on = date.fromisoformat(row["dated_on"])
        if not isinstance(recorded, dict):
            raise ValueError(f"params: {row['params']}")
    except Exception as exc:
        return BatchItem(
            ref=row["ref"],
            household_id=row["household_id"],
            kind=row["kind"],
            period=period,
            file=Path(str(row["file"])),
            format=str(row["format"]),
            state="broken",
            letter_id=row["id"],
            problem=failure_message(exc),
        )
    return BatchItem(
        ref=row["ref"],
        household_id=row["household_id"],
        kind=row["kind"],
        period=period,
        file=file,
        format=row["format"],
        state="done" if file.exists() else "missing_file",
        recipient=row["recipient"],
        address=row["address"],
        letter_id=row["id"],
        dated_on=dated_on,
        about=recorded,
    )


def preview_monthly(
    db: Database,
    *,
    config: Config,
    month: date,
    as_of: date,
    out_dir: Path,
    fmt: str,
    only: str | None = None,
    user_dir: Path | None = None,
    daily: bool = False,
) -> list[BatchItem]:
    """What a run would make (``--dry-run``), writing nothing: the letterhead and the
    templates are checked as in a real run. A daily run makes only new letters, and none
    on a day the post does not go (``preview_daily`` says which)."""
    if daily:
        return preview_daily(
            db, config=config, as_of=as_of, out_dir=out_dir, fmt=fmt, only=only, user_dir=user_dir
        ).items
    run = LetterRun(config, month, as_of, out_dir, fmt, only, user_dir, daily)
    prepare_templates(templating.environment(user_dir), run.kinds, fmt)
    items = plan_monthly(db, run, planned_folder(out_dir))
    for item in items:
        if item.state == "new":
            _preview_item(db, run, item)
    return [i for i in items if i.state != "done"]


def preview_daily(
    db: Database,
    *,
    config: Config,
    as_of: date,
    out_dir: Path,
    fmt: str,
    only: str | None = None,
    user_dir: Path | None = None,
) -> BatchResult:
    """What ``run_daily`` on ``as_of`` would do (``--dry-run``), decided by the same code
    (``_plan_daily``), writing nothing: on a day the post does not go, nothing
    (``day_off`` says why); else its letters (``items``), and the households it leaves
    because they are in contact already."""
    run, result = _plan_daily(
        db, config=config, as_of=as_of, out_dir=out_dir, fmt=fmt, only=only, user_dir=user_dir
    )
    # Unlike the run, the dry run compiles the templates on any day: it is how a changed
    # template is tried before the run meets it.
    prepare_templates(templating.environment(user_dir), run.kinds, run.fmt)
    todo = _daily_todo(result.items)
    for item in todo:
        if item.state == "new":
            _preview_item(db, run, item)
    made = {id(i) for i in todo}
    result.items = [i for i in result.items if id(i) in made or i.state == "in_contact"]
    return result


def planned_folder(out_dir: Path) -> Path:
    """Where a run's letters go, as ``prepare_out_dir`` names it, without making it; a
    file there is refused at once, on a day with nothing to make too."""
    from bostadcli import validate
    from bostadcli.errors import BostadError

    folder = validate.path(out_dir.expanduser(), field="--out-dir")
    if folder.exists() and not folder.is_dir():
        raise BostadError(_("--out-dir is not a folder: {path}").format(path=folder))
    try:
        return folder.resolve()
    except (OSError, RuntimeError):
        return folder.absolute()


def _daily_todo(items: list[BatchItem]) -> list[BatchItem]:
    """What a daily run makes: the letters not yet made (a broken one fails). A lost file
    of an earlier day was in that day's print file already."""
    return [i for i in items if i.state in ("new", "broken")]


def _plan_daily(
    db: Database,
    *,
    config: Config,
    as_of: date,
    out_dir: Path,
    fmt: str,
    only: str | None,
    user_dir: Path | None,
) -> tuple[LetterRun, BatchResult]:
    """The one decision of a daily run and its dry run: nothing on a day that is not a
    working day (``day_off`` says why); else the month's letters as
    they stand, planned into the folder they would go to (not made here). What is asked
    (format, --only, letterhead, that --out-dir is no file) is checked first, whatever
    the day, so a mistake in a cron line shows on a Saturday too."""
    from bostadcli.workdays import non_working_reason

    fmt = letter_format(fmt)
    run = LetterRun(config, as_of.replace(day=1), as_of, out_dir, fmt, only, user_dir, daily=True)
    folder = planned_folder(run.out_dir)
    reason = non_working_reason(as_of)
    if reason is not None:
        return run, BatchResult(period=run.period, out_dir=out_dir, items=[], day_off=reason)
    result = BatchResult(
        period=run.period,
        out_dir=folder,
        items=plan_monthly(db, run, folder),
        csv_dialect=run.config.csv_dialect,
    )
    return run, result


def _preview_item(db: Database, run: LetterRun, item: BatchItem) -> None:
    try:
        context = build_context(
            db,
            item.ref,
            KINDS[item.kind],
            config=run.config,
            request=LetterRequest(as_of=run.as_of, about=item.about),
        )
    except Exception as exc:
        item.state, item.problem = "broken", failure_message(exc)
        return
    item.recipient = joined_names(context["recipient"]["names"])
    item.address = "\n".join(context["recipient"]["lines"])
    if run.fmt != "txt" and context["address_problem"]:
        item.state, item.problem = "broken", context["address_problem"]
    unsent = judge_post(item, context, as_of=run.as_of, policy=run.config.policy)
    if unsent is not None or (item.unsent and item.deadline is not None):
        item.state, item.late = "not_sent", True


Progress = Callable[[int, int, BatchItem | None], None]


def run_monthly(
    db: Database,
    *,
    config: Config,
    month: date,
    as_of: date,
    out_dir: Path,
    fmt: str,
    only: str | None = None,
    user_dir: Path | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Make the month's letters: one file each, recorded one at a time, then the
    manifest and (for PDF) one combined file for printing.

    Problems with single letters are collected in the result and the rest go on; a
    problem that would spoil every letter (a broken template, no letterhead, a folder
    that cannot be written, no WeasyPrint) stops the run before anything is written.
    PDF letters are laid out in worker processes, one per core; this process builds
    each letter's text from the database, and writes and records each letter (one
    transaction, after its file exists) when its PDF comes back.
    """
    run = LetterRun(config, month, as_of, out_dir, fmt, only, user_dir, daily=False)
    return _run_batch(db, run, progress=progress)


def run_daily(
    db: Database,
    *,
    config: Config,
    as_of: date,
    out_dir: Path,
    fmt: str,
    only: str | None = None,
    user_dir: Path | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Make the letters due on ``as_of``, a working day: the month's batch letters not
    yet made (a first letter the day after the case arrived, a reminder the day an
    installment is past its grace days, a support's end in time), each once.

    The run is a batch of its own, named by the day (``2026-11-16``, then
    ``2026-11-16-2`` for a second run that day): its letters carry the name, and its
    print file and manifest (``utskrift-NAME.pdf``, ``manifest-NAME.csv``) hold only
    its letters and are never written over. A run that died before writing them has
    them written by the next run. On a day that is not a working day nothing is made
    (``day_off`` says why): the post does not go.
    """
    run, result = _plan_daily(
        db, config=config, as_of=as_of, out_dir=out_dir, fmt=fmt, only=only, user_dir=user_dir
    )
    if result.day_off is not None:
        return result
    return _run_batch(db, run, progress=progress, planned=result)


def _run_batch(
    db: Database, run: LetterRun, *, progress: Progress | None, planned: BatchResult | None = None
) -> BatchResult:
    """Make a run's letters. The folder is made (and proved writable) only when the run
    has something to write in it: a run that makes nothing leaves no empty folder."""
    owner = RunOwner.current()
    # Claims of runs that died, of any month, go back (with their unrecorded files).
    release_dead_claims(db, owner)
    if run.daily:
        # Cron runs it every working day, and most days little or nothing is due: find
        # out first (``_plan_daily``), and only when there is something to make load the
        # templates and WeasyPrint (a second or more) and make the folder. The
        # letterhead was checked already (LetterRun).
        assert planned is not None
        result = planned
        todo = _daily_todo(result.items)
        if not todo:
            result.finished_for = finish_dead_batches(
                db, owner, pages={}, csv_dialect=run.config.csv_dialect
            )
            return result
        env, versions, workers = _prepared(run)
        made_folder = not planned_folder(run.out_dir).exists()
        folder = prepare_out_dir(run.out_dir)
        result.finished_for = finish_dead_batches(
            db, owner, pages={}, csv_dialect=run.config.csv_dialect
        )
        result.batch = _open_batch(db, owner, day=run.as_of, folder=folder, fmt=run.fmt)
    else:
        env, versions, workers = _prepared(run)
        folder = planned_folder(run.out_dir)
        items = plan_monthly(db, run, folder)
        result = BatchResult(
            period=run.period, out_dir=folder, items=items, csv_dialect=run.config.csv_dialect
        )
        todo = [i for i in items if i.state not in ("done", "in_contact")]
        result.already = [i for i in items if i.state == "done"]
        if not todo and not result.already:
            return result  # nothing to make, nothing to list: no folder
        made_folder = not folder.exists()
        prepare_out_dir(run.out_dir)
    from bostadcli.letters.making import Batch

    batch = Batch(
        db,
        env,
        result,
        config=run.config,
        as_of=run.as_of,
        base_url=_base_url(run.user_dir),
        versions=versions,
        progress=progress,
        total=len(todo),
        owner=owner,
        batch=result.batch,
    )
    if progress:
        progress(0, len(todo), None)
    from bostadcli.pdf_stops import WorkersStopping

    try:
        stopped = _make(batch, todo, workers)
    finally:
        # Interrupted: the letters this run claimed and did not finish go to the next run.
        release_claims(db, owner)
    _finish_run(db, batch, folder if made_folder else None)
    if stopped is not None:
        raise WorkersStopping(stopped.letters, made=result)
    return result


def _finish_run(db: Database, batch: Batch, made_folder: Path | None) -> None:
    """The run's print file and manifest; or, when one template fault failed every
    letter, nothing written or recorded and that fault raised (``made_folder``: the
    folder this run made, removed when left empty)."""
    result = batch.result
    fault = whole_run_fault(result, batch.template_faults)
    if fault is not None:
        # The template's fault, not the households': nothing is written or recorded,
        # as for a template that does not compile (the batch opened is given up).
        result.failed = []
        if result.batch is not None:
            _finish_daily(db, result, batch.pages)
        if made_folder is not None:
            _remove_if_empty(made_folder)
        raise templating.TemplateProblem(fault)
    if result.batch is not None:
        _finish_daily(db, result, batch.pages)
    else:
        _finish_batch(db, result, batch.pages)


def whole_run_fault(result: BatchResult, template_faults: list[str]) -> str | None:
    """The one template problem that made every letter of a run fail, when the run made
    none (its template is at fault, not a household), or None."""
    if result.made or result.recreated or result.not_sent or not result.failed:
        return None
    if len(template_faults) != len(result.failed) or len(set(template_faults)) != 1:
        return None
    return template_faults[0]


def _remove_if_empty(folder: Path) -> None:
    """A folder this run made, left empty: removed, so the run leaves nothing behind."""
    try:
        folder.rmdir()
    except OSError:
        return  # something is in it (or it cannot be removed): kept


def _make(batch: Batch, todo: list[BatchItem], workers: int) -> WorkersStopping | None:
    """Make the letters ``todo``; the stop of a run whose PDF workers kept ending
    abruptly after it made letters (``WorkersStopping``): those letters still get their
    print file and manifest, so that they can go out today. With none made, the stop
    goes on at once, and the next run writes them."""
    from bostadcli.pdf_stops import WorkersStopping

    result = batch.result
    try:
        if workers > 1 and sum(1 for i in todo if i.format == "pdf") > 1:
            batch.run_parallel(todo, min(workers, len(todo)))
        else:
            for item in todo:
                batch.run_one(item)
    except WorkersStopping as stopped:
        if not (result.made or result.recreated):
            raise
        return stopped
    return None


def _prepared(run: LetterRun) -> tuple[Environment, dict[str, str], int]:
    """What would spoil every letter, checked before any is made: the templates the run
    needs (compiled; their versions by name) and, for PDF, WeasyPrint (the number of
    processes that lay the letters out)."""
    env = templating.environment(run.user_dir)
    versions = prepare_templates(env, run.kinds, run.fmt)
    return env, versions, _pdf_workers(run.fmt)


def _pdf_workers(fmt: str) -> int:
    """The processes that lay out PDF letters; a PDF run without WeasyPrint stops here."""
    if fmt != "pdf":
        return 1
    from bostadcli.pdf import pdf_problem, worker_count

    problem = pdf_problem()
    if problem:
        from bostadcli.pdf import PdfUnavailable

        raise PdfUnavailable(problem)
    return worker_count()
