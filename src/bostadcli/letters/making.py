"""Making the letters of a batch run, one at a time: claimed, drafted (context and
text), laid out (PDF in worker processes), written, then recorded in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from bostadcli import templating
from bostadcli.config import Config
from bostadcli.db import transaction
from bostadcli.errors import BostadError
from bostadcli.files import database_files, private_folder, write_private_file
from bostadcli.i18n import _
from bostadcli.letters.batch import BatchItem, BatchResult, Progress
from bostadcli.letters.claims import (
    RunOwner,
    _remove_unrecorded,
    claim_letter,
    made_before,
    release_claims,
)
from bostadcli.letters.context import build_context
from bostadcli.letters.failures import failure_message
from bostadcli.letters.kind import LetterRequest
from bostadcli.letters.late import _late_of, _TooLateToPost, judge_post, record_late
from bostadcli.letters.manifest import MadeLetters, print_bookmark
from bostadcli.letters.recording import MadeElsewhere, record_letter
from bostadcli.letters.registry import KINDS
from bostadcli.letters.rendering import Rendered, _chosen, render_context, render_text
from bostadcli.letters.words import joined_names

if TYPE_CHECKING:
    from collections.abc import Callable
    from concurrent.futures import Future

    from jinja2 import Environment
    from sqlite_utils import Database

    from bostadcli.config import Policy
    from bostadcli.pdf import RenderPool
    from bostadcli.pdf_meta import PdfMeta


@dataclass
class _Draft:
    """A batch letter as far as this process takes it: its context and its text."""

    item: BatchItem
    context: dict[str, Any]
    text: str
    dated_on: date
    template: str


# The most workers for which the main process begins the print file as it goes.
PRINT_FILE_WORKERS_MAX = 4

# A PDF letter handed to a worker: its draft, its text with page numbers, its metadata.
_Job = tuple[_Draft, "str | None", "PdfMeta | None"]


def _stopped(job: Future[tuple[bytes, int]]) -> bool:
    """Whether a finished job's worker ended abruptly."""
    from concurrent.futures.process import BrokenProcessPool

    return isinstance(job.exception(), BrokenProcessPool)


class _InOrder:
    """The drafts of a parallel run in the order they were taken, until each is stored:
    a letter is stored once it and every letter before it are back from the workers,
    so the letters are numbered in the run's order whoever finishes first."""

    def __init__(self, store: Callable[[_Draft, bytes], None]) -> None:
        from collections import deque

        self._line: deque[_Draft] = deque()
        self._back: dict[int, bytes | None] = {}  # by draft: its bytes, None if it failed
        self._store = store

    def __len__(self) -> int:
        return len(self._line)

    def take(self, draft: _Draft) -> None:
        self._line.append(draft)

    def back(self, draft: _Draft, content: bytes | None) -> None:
        self._back[id(draft)] = content

    def store_ready(self) -> None:
        while self._line and id(self._line[0]) in self._back:
            first = self._line.popleft()
            content = self._back.pop(id(first))
            if content is not None:
                self._store(first, content)

    def store_back(self) -> None:
        """The run stops: every letter back from the workers is stored, in the run's
        order; a letter still out is left to the next run (its claim is given back)."""
        while self._line:
            first = self._line.popleft()
            content = self._back.pop(id(first), None)
            if content is not None:
                self._store(first, content)


class Batch:
    """The letters of one monthly run, made, written and recorded one at a time."""

    def __init__(
        self,
        db: Database,
        env: Environment,
        result: BatchResult,
        *,
        config: Config,
        as_of: date,
        base_url: str | None,
        versions: dict[str, str],
        progress: Progress | None,
        total: int,
        owner: RunOwner,
        batch: str | None = None,
    ) -> None:
        self.db, self.env, self.result = db, env, result
        self.owner, self.batch = owner, batch
        self.config, self.as_of, self.base_url = config, as_of, base_url
        self.versions, self.progress, self.total = versions, progress, total
        self.done = 0
        # Kinds whose template took too long to make a letter: it loops, and each of
        # the rest would wait as long again; they fail at once with the same reason.
        self.stopped: dict[str, str] = {}
        # Letters in a row whose PDF worker ended abruptly each time, with no letter
        # made between them (``run_parallel``).
        self.stops_in_a_row = 0
        # Pages of the PDF letters made in this run, for the manifest: no need to read
        # the files again; and, in a parallel run, the print file begun with them.
        self.pages = MadeLetters()
        # Why each failed letter failed, when its template failed (a fault of the
        # template, not of the household): a run whose every letter failed on one such
        # problem stops as a template error would (``batch.whole_run_fault``).
        self.template_faults: list[str] = []

    def claim(self, item: BatchItem) -> bool:
        """Claim a new letter before anything is made of it; a letter another run holds
        (or has made meanwhile) is left to it."""
        if item.state == "broken":
            self._fail(item, BostadError(item.problem or ""))
            return False
        if item.kind in self.stopped:
            self.template_faults.append(self.stopped[item.kind])
            self._fail(
                item,
                BostadError(_("not made: {reason}").format(reason=self.stopped[item.kind])),
            )
            return False
        if item.state != "new" or claim_letter(
            self.db, item, self.owner, as_of=self.as_of, policy=self.config.policy
        ):
            return True
        self.result.elsewhere.append(item)
        self._tick(item)
        return False

    def _elsewhere(self, item: BatchItem) -> None:
        """Recorded by another run, or by hand, while this run made it: its file goes
        (the post room prints the other), and the letter is left to the other."""
        _remove_unrecorded(self.db, item.file)
        release_claims(self.db, self.owner, [item])
        self.result.elsewhere.append(item)
        self._tick(item)

    def run_one(self, item: BatchItem) -> None:
        if not self.claim(item):
            return
        try:
            if item.state == "new":
                _make_batch_letter(
                    self.db,
                    self.env,
                    item,
                    config=self.config,
                    as_of=self.as_of,
                    base_url=self.base_url,
                    versions=self.versions,
                    pages=self.pages,
                    claim_run=self.owner.run_id,
                    batch=self.batch,
                )
            else:
                _recreate_batch_letter(
                    self.db,
                    self.env,
                    item,
                    config=self.config,
                    base_url=self.base_url,
                    pages=self.pages,
                )
            self._sort(item)
        except MadeElsewhere:
            self._elsewhere(item)
            return
        except Exception as exc:
            self._fail(item, exc)
            return
        self._tick(item)

    def run_parallel(self, todo: list[BatchItem], workers: int) -> None:
        """PDF layout in ``workers`` processes while this one drafts the next letters.

        A few letters per worker wait in line, so no worker idles; each letter is
        written and recorded here in the order of ``todo`` (``_InOrder``), once its PDF
        and those of the letters before it are back. A worker gets the letter's text with
        and without page numbers, and lays it out once (``pdf.letter_pdf``).
        """
        from concurrent.futures import FIRST_COMPLETED, wait

        from bostadcli.pdf import PrintFile, RenderPool, WorkersStopping

        # The main process combines each letter into the print file as it is stored,
        # while the workers lay out the next ones: about 3 ms a letter on top of its 6 ms
        # drafting and storing, against some 60 ms a worker takes. With many workers it
        # would hold them up: the print file is then combined from the files at the end.
        if workers <= PRINT_FILE_WORKERS_MAX:
            self.pages.print_file = PrintFile()
        window = 2 * workers
        pending: dict[Future[tuple[bytes, int]], _Job] = {}
        line = _InOrder(self._store)
        queue = iter(todo)
        with RenderPool(workers) as pool:

            def fill() -> None:
                while len(line) < window and (item := next(queue, None)) is not None:
                    if (taken := self._take(item)) is None:
                        continue
                    draft, numbered, meta = taken
                    line.take(draft)
                    if item.format == "pdf":
                        job = pool.submit(draft.text, self.base_url, numbered=numbered, meta=meta)
                        pending[job] = taken
                    else:  # a lost HTML or text letter of an earlier run
                        line.back(draft, draft.text.encode("utf-8"))

            def advance() -> None:  # until the workers have work, or all is done
                line.store_ready()
                fill()
                while not pending and len(line):
                    line.store_ready()
                    fill()

            try:
                advance()
                while pending:
                    done, _running = wait(pending, return_when=FIRST_COMPLETED)
                    if any(_stopped(job) for job in done):
                        # A worker ended abruptly (killed, or crashed inside a library):
                        # the pool is gone with every letter in it. The letters it had
                        # finished are taken; the others are laid out again alone, so
                        # that only a letter that stops its worker again fails.
                        wait(pending)
                        lost = [pending.pop(job) for job in list(pending) if _stopped(job)]
                        done = set(pending)
                        for job in done:
                            self._back(job, pending.pop(job)[0], line)
                        self._alone(pool, lost, line)
                        done = set()
                    for job in done:
                        draft = pending.pop(job)[0]
                        self._back(job, draft, line)
                    advance()
            except WorkersStopping:
                # PDF cannot be made here now: the letters laid out so far are kept.
                line.store_back()
                raise

    def _back(self, job: Future[tuple[bytes, int]], draft: _Draft, line: _InOrder) -> bool:
        """A letter's PDF back from a worker, or its failure; False when its worker
        ended abruptly."""
        from concurrent.futures.process import BrokenProcessPool

        try:
            content, pages = job.result()
        except BrokenProcessPool:
            return False
        except Exception as exc:
            self._fail(draft.item, exc)
            line.back(draft, None)
            return True
        self.stops_in_a_row = 0
        self.pages[str(draft.item.file)] = pages
        line.back(draft, content)
        return True

    def _alone(self, pool: RenderPool, lost: list[_Job], line: _InOrder) -> None:
        """The letters of a pool whose worker ended abruptly, each laid out alone by new
        workers; a letter whose worker ends again fails, naming it."""
        from bostadcli.pdf import WORKER_STOPS_MAX, WorkersStopping, WorkerStopped

        broken = True
        for draft, numbered, meta in lost:
            if broken:
                pool.renew()
            job = pool.submit(draft.text, self.base_url, numbered=numbered, meta=meta)
            broken = not self._back(job, draft, line)
            if broken:
                self.stops_in_a_row += 1
                self._fail(draft.item, WorkerStopped())
                line.back(draft, None)
                if self.stops_in_a_row >= WORKER_STOPS_MAX:
                    if not pool.works():
                        # Not these letters' doing: PDF cannot be made here now.
                        raise WorkersStopping(self.stops_in_a_row)
                    # A new worker lays out a plain document: the letters stopped their
                    # workers themselves (they fail, named). Stopping here would stop
                    # every rerun at the same letters, and no later letter would be made.
                    self.stops_in_a_row, broken = 0, False
        if broken:
            pool.renew()

    def _take(self, item: BatchItem) -> tuple[_Draft, str | None, PdfMeta | None] | None:
        """A letter of a parallel run claimed and drafted, with its text with page numbers
        and its PDF metadata when it is a PDF (None: left to another run, or failed)."""
        from bostadcli.pdf import letter_meta

        if not self.claim(item):
            return None
        try:
            draft = _draft(self.db, self.env, item, config=self.config, as_of=self.as_of)
            numbered: str | None = None
            meta: PdfMeta | None = None
            if item.format == "pdf":
                numbered = render_text(
                    self.env, item.kind, item.format, draft.context, multipage=True
                )
                meta = letter_meta(draft.context, KINDS[item.kind].label)
        except Exception as exc:
            self._fail(item, exc)
            return None
        return draft, numbered, meta

    def _store(self, draft: _Draft, content: bytes) -> None:
        item = draft.item
        try:
            if item.state == "new":
                _store_new_letter(
                    self.db,
                    draft,
                    content,
                    version=self.versions[draft.template],
                    as_of=self.as_of,
                    policy=self.config.policy,
                    claim_run=self.owner.run_id,
                    batch=self.batch,
                )
            else:
                _store_recreated_letter(self.db, self.env, draft, content)
            self._sort(item)
        except MadeElsewhere:
            self._elsewhere(item)
            return
        except Exception as exc:
            self._fail(item, exc)
            return
        printed = self.pages.print_file
        if printed is not None and item.format == "pdf":
            if item.state == "new" and item.letter_id is None:
                # Recorded by another run meanwhile: the print file reads the files.
                self.pages.print_file = None
            else:
                printed.add(item.file, content, print_bookmark(item.ref, item.kind))
        self._tick(item)

    def _fail(self, item: BatchItem, exc: Exception) -> None:
        """One letter failed: say why, give up its claim (the next run tries again),
        and go on with the others."""
        if isinstance(exc, _TooLateToPost):
            # Not a failure: the letter is not sent, the caseworker phones or visits.
            # Recorded once, so later runs do not take it up again.
            with transaction(self.db):
                record_late(
                    self.db,
                    _late_of(item, self.as_of, sent=False),
                    letter_id=None,
                    batch=self.batch,
                )
            self.result.not_sent.append(item)
            release_claims(self.db, self.owner, [item])
            self._tick(item)
            return
        self.result.failed.append((item.ref, item.kind, failure_message(exc)))
        if isinstance(exc, templating.TemplateProblem):
            self.template_faults.append(exc.message)
        if isinstance(exc, templating.TemplateTimeout):
            self.stopped.setdefault(item.kind, exc.message)
        if item.state == "new":
            release_claims(self.db, self.owner, [item])
        self._tick(item)

    def _sort(self, item: BatchItem) -> None:
        if item.swedish_instead:
            counts = self.result.swedish_instead
            counts[item.kind] = counts.get(item.kind, 0) + 1
        if item.state != "new":
            self.result.recreated.append(item)
        elif item.letter_id is None:
            self.result.already.append(item)
        else:
            self.result.made.append(item)
            if item.late:
                self.result.late.append(item)

    def _tick(self, item: BatchItem) -> None:
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total, item)


def _draft(
    db: Database, env: Environment, item: BatchItem, *, config: Config, as_of: date
) -> _Draft:
    """Context and text of a batch letter: a new one dated ``as_of``, a lost one as it
    was first dated."""
    if item.state == "new":
        dated_on = as_of
    else:
        assert item.dated_on is not None and item.letter_id is not None
        dated_on = item.dated_on
    context = build_context(
        db,
        item.ref,
        KINDS[item.kind],
        config=config,
        request=LetterRequest(as_of=dated_on, about=item.about),
    )
    if item.state == "new":
        # Posted today, it arrives after the post's working days; it is in time when
        # that is before the deadline day (the family has a day to act).
        unsent = judge_post(item, context, as_of=as_of, policy=config.policy)
        if unsent is not None:
            raise _TooLateToPost(_(unsent))
        if item.unsent and item.deadline is not None:
            item.late = True
            raise _TooLateToPost(_("the household has had this month's letter of this kind"))
    name, language = _chosen(env, item.kind, item.format, context)
    item.swedish_instead = language != context["household"]["letter_language"]
    text = render_text(env, item.kind, item.format, context)
    return _Draft(item, context, text, dated_on, name)


def _content(draft: _Draft, env: Environment, base_url: str | None) -> tuple[bytes, int | None]:
    """The file's bytes, made here (a PDF in this process)."""
    item = draft.item
    if item.format != "pdf":
        return draft.text.encode("utf-8"), None
    return render_context(env, item.kind, item.format, draft.context, base_url=base_url)


def _make_batch_letter(
    db: Database,
    env: Environment,
    item: BatchItem,
    *,
    config: Config,
    as_of: date,
    base_url: str | None,
    versions: dict[str, str],
    pages: dict[str, int],
    claim_run: str | None = None,
    batch: str | None = None,
) -> None:
    draft = _draft(db, env, item, config=config, as_of=as_of)
    content, count = _content(draft, env, base_url)
    if count is not None:
        pages[str(item.file)] = count
    _store_new_letter(
        db,
        draft,
        content,
        version=versions[draft.template],
        as_of=as_of,
        policy=config.policy,
        claim_run=claim_run,
        batch=batch,
    )


def _store_new_letter(
    db: Database,
    draft: _Draft,
    content: bytes,
    *,
    version: str,
    as_of: date,
    policy: Policy,
    claim_run: str | None = None,
    batch: str | None = None,
) -> None:
    """Write the file, then record it (one transaction): never a record without a file;
    ``MadeElsewhere`` when a letter recorded meanwhile makes it needless."""
    import sqlite3

    item, context = draft.item, draft.context
    letter = Rendered(
        ref=item.ref,
        kind=item.kind,
        format=item.format,
        content=content,
        recipient=joined_names(context["recipient"]["names"]),
        address="\n".join(context["recipient"]["lines"]),
        template_version=version,
        dated_on=as_of,
    )
    write_private_file(
        item.file, content, force=True, protect=database_files(db), field="--out-dir"
    )
    try:
        item.letter_id = record_letter(
            db,
            letter,
            period=item.period,
            file=item.file,
            params=item.params(),
            caseworker=context["caseworker"]["name"],
            as_of=as_of,
            claim_run=claim_run,
            batch=batch,
            late=_late_of(item, as_of, sent=True) if item.late else None,
            # Made once whatever the month: asked again in the record's transaction.
            made_before=lambda: made_before(db, item, as_of=as_of, policy=policy),
        )
    except sqlite3.IntegrityError:
        # Another run recorded this key meanwhile; its file is the same letter.
        item.letter_id = None
        return
    item.recipient, item.address, item.dated_on = letter.recipient, letter.address, as_of


def _recreate_batch_letter(
    db: Database,
    env: Environment,
    item: BatchItem,
    *,
    config: Config,
    base_url: str | None,
    pages: dict[str, int],
) -> None:
    """A recorded letter whose file is gone: make it again as it was dated."""
    assert item.dated_on is not None
    draft = _draft(db, env, item, config=config, as_of=item.dated_on)
    content, count = _content(draft, env, base_url)
    if count is not None:
        pages[str(item.file)] = count
    _store_recreated_letter(db, env, draft, content)


def _store_recreated_letter(db: Database, env: Environment, draft: _Draft, content: bytes) -> None:
    """Write a lost letter's file again and record what it now is: the template
    version, and the recipient and address it was made for. It is made for the
    household as it is now, so it goes to the address the post reaches them at; the
    record and the manifest say so too (the change is in the audit log)."""
    item, recipient = draft.item, draft.context["recipient"]
    names, address = joined_names(recipient["names"]), "\n".join(recipient["lines"])
    private_folder(item.file.parent)
    write_private_file(
        item.file, content, force=True, protect=database_files(db), field="--out-dir"
    )
    version = templating.template_version(env, [draft.template])
    with transaction(db):
        db.execute(
            "UPDATE letters SET template_version = ?, recipient = ?, address = ? WHERE id = ?",
            [version, names, address, item.letter_id],
        )
    item.recipient, item.address = names, address
