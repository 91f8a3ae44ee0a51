"""PDF through WeasyPrint, an optional extra (``pip install 'bostadcli[pdf]'``).

WeasyPrint needs the system's Pango library as well as the Python package; either one
missing is a BostadError that says what to install, and HTML letters still work.

Every PDF made here is for the archive and for screen readers: PDF/A-2b with its fonts
embedded and an sRGB output intent, tagged (a structure tree, /MarkInfo, /Lang) and
identified as PDF/UA-1 too. What it says about itself (``PdfMeta``) is the kind of
document, the unit, the language, its date and the case reference: never a name,
personnummer or address (docs/pdf.md).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from bostadcli.errors import BostadError
from bostadcli.i18n import _
from bostadcli.pdf_load import import_weasyprint
from bostadcli.pdf_margins import margin_boxes_added as margin_boxes_added
from bostadcli.pdf_margins import without_margin_boxes
from bostadcli.pdf_meta import ARCHIVE_VARIANT, PdfMeta, set_metadata, year_report_meta
from bostadcli.pdf_meta import letter_meta as letter_meta
from bostadcli.pdf_meta import print_title as print_title
from bostadcli.pdf_print import PrintFile as PrintFile
from bostadcli.pdf_print import append_pdf
from bostadcli.pdf_stops import WORKER_STOPS_MAX as WORKER_STOPS_MAX
from bostadcli.pdf_stops import WorkersStopping as WorkersStopping
from bostadcli.pdf_stops import WorkerStopped as WorkerStopped
from bostadcli.pdf_styles import prepare_svg, reuse_style_sheets
from bostadcli.pdf_write import compress_quicker, finisher, fonts_dated

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor
    from types import TracebackType

    from bostadcli.config import Letterhead
    from bostadcli.reports.year_tree import YearReport

INSTALL_HINT = "pip install 'bostadcli[pdf]'"


class PdfUnavailable(BostadError):
    """WeasyPrint (or pypdf, or the Pango library) is not installed."""


def weasyprint() -> ModuleType:
    try:
        module = import_weasyprint()
    except ImportError:
        raise PdfUnavailable(
            _("PDF letters need WeasyPrint: {command} (or choose --format html)").format(
                command=INSTALL_HINT
            )
        ) from None
    except OSError as exc:
        # WeasyPrint loads Pango with ctypes when it is imported.
        raise PdfUnavailable(
            _(
                "WeasyPrint cannot load the Pango library ({error}): install Pango, e.g."
                " 'apt-get install libpango-1.0-0 libpangoft2-1.0-0' (or choose --format html)"
            ).format(error=str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        ) from None
    return module


def pdf_problem() -> str | None:
    """Why PDF cannot be made here, or None when it can."""
    try:
        weasyprint()
        pypdf()
    except PdfUnavailable as exc:
        return exc.message
    return None


def pypdf() -> ModuleType:
    try:
        import pypdf as module
    except ImportError:
        raise PdfUnavailable(
            _("combining PDF letters needs pypdf: {command}").format(command=INSTALL_HINT)
        ) from None
    return module


# Bounds on laying out one letter (see templating for the text): a real letter takes
# well under a second and the longest, a plan agreement of 360 installments, twenty pages.
LAYOUT_SECONDS = 120.0
MAX_PAGES = 60

# What a letter may load: images, style sheets and fonts, from the template folder or the
# built-in templates. The first bytes must be those of such a file, so that the database
# (or anything else) copied or linked there under an image's name is refused as well.
_ASSET_SUFFIXES = {
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
    ".svg": None,
    ".css": None,
    ".woff": (b"wOFF",),
    ".woff2": (b"wOF2",),
    ".ttf": (b"\x00\x01\x00\x00", b"true"),
    ".otf": (b"OTTO",),
}
_NEVER = (b"SQLite format 3\x00",)
MAX_ASSET_BYTES = 5_000_000


class ResourceRefused(BostadError):
    """A letter asked for a file or address it may not load."""


def asset_roots(base_url: str | None) -> tuple[Path, ...]:
    """The folders a letter may load from: the template folder (``base_url``) and the
    built-in templates."""
    from bostadcli.templating import packaged_templates

    roots = []
    if base_url and not base_url.startswith(("http:", "https:", "data:")):
        roots.append(Path(base_url.removeprefix("file://")).resolve())
    builtin = packaged_templates()
    if isinstance(builtin, Path):
        roots.append(builtin.resolve())
    return tuple(roots)


def check_asset(url: str, roots: Sequence[Path]) -> Path | None:
    """The file a ``file:`` URL names when a letter may load it; None for a ``data:``
    URL; ResourceRefused for anything else (another file, the network)."""
    from urllib.parse import unquote, urlsplit

    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "data":
        return None
    shown = url if len(url) <= 120 else url[:119] + "…"
    if scheme != "file":
        raise ResourceRefused(
            _(
                "the letter asks for {url}: refused; a letter never loads anything from the network"
            ).format(url=shown)
        )
    outside = _(
        "the letter asks for {url}: refused; a template may load only images, style sheets"
        " and fonts from its own folder"
    ).format(url=shown)
    try:
        path = Path(unquote(urlsplit(url).path)).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        raise ResourceRefused(outside) from None
    expected = _ASSET_SUFFIXES.get(path.suffix.lower(), ())
    if expected == () or not any(path.is_relative_to(root) for root in roots):
        raise ResourceRefused(outside)
    try:
        if not path.is_file() or path.stat().st_size > MAX_ASSET_BYTES:
            raise ResourceRefused(outside)
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError:
        raise ResourceRefused(outside) from None
    if head.startswith(_NEVER) or (expected is not None and not head.startswith(expected)):
        raise ResourceRefused(outside)
    return path


def _url_fetcher(module: ModuleType, roots: Sequence[Path], refused: list[str]) -> Any:
    # A template may show a logo from its own folder, but a letter must never make the
    # program fetch a web address (the address itself could carry a resident's name) or
    # read another file (a file: URL to the database would attach it to the PDF).
    fatal: type[Exception] = getattr(
        getattr(module, "urls", None), "FatalURLFetchingError", ValueError
    )

    def fetch(url: str, *args: Any, **kwargs: Any) -> Any:
        try:
            check_asset(url, roots)
        except ResourceRefused as exc:
            refused.append(exc.message)
            raise fatal(exc.message) from None
        return module.default_url_fetcher(url, *args, **kwargs)

    if hasattr(module, "URLFetcher"):

        class Fetcher(module.URLFetcher):  # type: ignore[name-defined,misc]
            def fetch(self, url: str, headers: Any = None) -> Any:
                try:
                    check_asset(url, roots)
                except ResourceRefused as exc:
                    refused.append(exc.message)
                    raise fatal(exc.message) from None
                return super().fetch(url, headers)

        return Fetcher(allowed_protocols=("file", "data"))
    return fetch


@functools.cache
def _font_config() -> Any:
    # One per process: WeasyPrint otherwise sets up fontconfig and Pango's font map
    # again for every document, about a quarter of the time of a one-page letter.
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _layout(html: str, base_url: str | None) -> Any:
    """Lay out a letter, within LAYOUT_SECONDS and MAX_PAGES, loading only what
    ``check_asset`` allows; a refusal fails the letter with its reason."""
    from bostadcli.template_bounds import TooLong, time_limit
    from bostadcli.templating import TemplateProblem, TemplateTimeout

    module = weasyprint()
    reuse_style_sheets(module)
    refused: list[str] = []
    fetcher = _url_fetcher(module, asset_roots(base_url), refused)
    fatal = getattr(getattr(module, "urls", None), "FatalURLFetchingError", ValueError)
    try:
        with time_limit(LAYOUT_SECONDS):
            source = module.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
            prepare_svg(source.etree_element)
            document = source.render(font_config=_font_config())
    except TooLong:
        raise TemplateTimeout(
            _("too long: laying out the letter took more than {seconds} seconds").format(
                seconds=f"{LAYOUT_SECONDS:g}"
            )
        ) from None
    except (Exception, fatal):
        if refused:
            raise ResourceRefused(refused[0]) from None
        raise
    if refused:
        raise ResourceRefused(refused[0])
    if len(document.pages) > MAX_PAGES:
        raise TemplateProblem(
            _("too large: the letter has {n} pages, more than {limit}").format(
                n=len(document.pages), limit=MAX_PAGES
            )
        )
    return document


def _write(document: Any, meta: PdfMeta | None = None) -> bytes:
    # Attachments (<link rel="attachment">) are fetched only now, through the same
    # fetcher: a refusal here fails the letter too.
    module = weasyprint()
    compress_quicker()
    fatal = getattr(getattr(module, "urls", None), "FatalURLFetchingError", ValueError)
    set_metadata(document, meta)
    try:
        with fonts_dated(meta.created if meta else None):
            data = document.write_pdf(
                pdf_variant=ARCHIVE_VARIANT,
                pdf_tags=True,
                finisher=finisher(document),
            )
    except fatal as exc:
        raise ResourceRefused(str(exc)) from None
    assert isinstance(data, bytes)
    return data


def html_to_pdf(
    html: str, *, base_url: str | None = None, meta: PdfMeta | None = None
) -> tuple[bytes, int]:
    """The PDF of an HTML document, and its number of pages."""
    document = _layout(html, base_url)
    return _write(document, meta), len(document.pages)


def copies_to_pdf(
    htmls: Sequence[str],
    *,
    base_url: str | None = None,
    meta: PdfMeta | None = None,
    numbered: Sequence[str] | None = None,
) -> tuple[bytes, int]:
    """One PDF of several documents laid out each by itself (each copy of a letter
    numbers its own pages), and its number of pages. With ``numbered`` (each copy's
    text with page numbers), a copy has page numbers only when it is longer than a page,
    as ``letter_pdf`` gives them.

    Written as one document, not joined afterwards, so that it keeps one structure
    tree, language and PDF/A identification."""
    if numbered is None:
        documents = [_layout(html, base_url) for html in htmls]
    else:
        documents = [
            _letter_document(html, with_numbers, base_url)
            for html, with_numbers in zip(htmls, numbered, strict=True)
        ]
    pages = [page for document in documents for page in document.pages]
    return _write(documents[0].copy(pages), meta), len(pages)


def letter_pdf(
    html: str,
    numbered: str | None = None,
    *,
    base_url: str | None = None,
    meta: PdfMeta | None = None,
) -> tuple[bytes, int]:
    """The PDF of a letter with page numbers only when it is longer than a page, and
    its number of pages: ``html`` without them, ``numbered`` with them.

    When ``numbered`` only adds margin boxes (``margin_boxes_added``), the letter is
    laid out once, with them, and a letter that fits on one page loses them again;
    otherwise it is laid out without and, when longer than a page, again with them."""
    document = _letter_document(html, numbered, base_url)
    return _write(document, meta), len(document.pages)


def _letter_document(html: str, numbered: str | None, base_url: str | None) -> Any:
    """The laid-out document of ``letter_pdf``."""
    names = margin_boxes_added(html, numbered) if numbered is not None else None
    if names is not None:
        assert numbered is not None
        document = _layout(numbered, base_url)
        if len(document.pages) == 1:
            without_margin_boxes(document, names)
    else:
        document = _layout(html, base_url)
        if numbered is not None and len(document.pages) > 1:
            document = _layout(numbered, base_url)
    return document


def _template_base_url(user_dir: Path | None) -> str | None:
    """Where a document's relative addresses point: the user's template folder, else
    the built-in templates (as for the letters)."""
    from bostadcli.templating import packaged_templates

    if user_dir is not None:
        return str(user_dir.resolve()) + os.sep
    root = packaged_templates()
    return str(root) + os.sep if isinstance(root, Path) else None


def year_report_pdf(
    report: YearReport,
    *,
    letterhead: Letterhead,
    generated_on: date,
    user_dir: Path | None = None,
) -> bytes:
    """The year report (``reports.year_figures``) as the PDF of its HTML page."""
    from bostadcli.report_html import render_year_html

    html = render_year_html(
        report,
        organisation=letterhead.organisation,
        unit=letterhead.unit,
        generated_on=generated_on,
        user_dir=user_dir,
    )
    meta = year_report_meta(
        year=report.year,
        organisation=letterhead.organisation,
        unit=letterhead.unit,
        generated_on=generated_on,
    )
    data, _pages = html_to_pdf(html, base_url=_template_base_url(user_dir), meta=meta)
    return data


def page_count(path: Path) -> int:
    return len(pypdf().PdfReader(str(path)).pages)


# The print file of a large batch is combined in parts, one per core: reading a letter
# (pypdf parses all of its objects) is most of the work, and reading a part made of
# letters again costs a fifth as much.
COMBINE_PART_MIN = 40


def combine(
    paths: Sequence[Path],
    *,
    title: str | None = None,
    bookmarks: Sequence[str] | None = None,
    started: PrintFile | None = None,
) -> bytes:
    """One PDF of several, page by page, without rendering anything again: the print
    file. ``bookmarks`` names each file's first page in the outline (the letters' own
    outlines are left out), ``title`` names the whole. ``started``: the print file begun
    while the letters were made, used when it holds just these files.

    With many files and more than one core, all but the first part are combined in
    worker processes while this one reads the first part's files; the parts are then
    joined in order with their bookmarks."""
    from io import BytesIO

    module = pypdf()
    if bookmarks is not None and len(bookmarks) != len(paths):
        raise ValueError("one bookmark per file")
    marks: Sequence[str | None] = bookmarks if bookmarks is not None else [None] * len(paths)
    writer = started.writer_for(paths, marks) if started is not None else None
    if writer is None:
        writer = module.PdfWriter()
        _combine_into(writer, paths, marks)
    if title:
        writer.add_metadata({"/Title": title})
    if bookmarks:
        writer.page_mode = "/UseOutlines"
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _combine_into(writer: Any, paths: Sequence[Path], marks: Sequence[str | None]) -> None:
    """The files' pages and bookmarks appended to ``writer``, in parts with many files."""
    from io import BytesIO

    parts = min(worker_count(), len(paths) // COMBINE_PART_MIN)
    if parts <= 1:
        _append_files(writer, paths, marks)
        return
    size = -(-len(paths) // parts)
    chunks = [(paths[i : i + size], marks[i : i + size]) for i in range(0, len(paths), size)]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=len(chunks) - 1, initializer=_start_worker) as pool:
        later = [pool.submit(_combined_part, list(p), list(m)) for p, m in chunks[1:]]
        _append_files(writer, *chunks[0])
        for job in later:
            writer.append(BytesIO(job.result()), import_outline=True)


def _append_files(writer: Any, paths: Sequence[Path], marks: Sequence[str | None]) -> None:
    for path, mark in zip(paths, marks, strict=True):
        append_pdf(writer, str(path), mark)


def _combined_part(paths: list[Path], marks: list[str | None]) -> bytes:
    """Part of a print file, in a worker: its files' pages and their bookmarks."""
    from io import BytesIO

    writer = pypdf().PdfWriter()
    _append_files(writer, paths, marks)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def combine_bytes(documents: Sequence[bytes]) -> bytes:
    """One PDF of several PDFs held in memory, page by page."""
    from io import BytesIO

    module = pypdf()
    writer = module.PdfWriter()
    for data in documents:
        writer.append(BytesIO(data))
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def worker_count() -> int:
    """How many PDF letters to lay out at once: one per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _start_worker() -> None:
    import signal

    # Ctrl-C reaches the whole process group; the parent stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Stopped by the pool (it may terminate its workers): at once, as a worker is.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # A worker forked from a process that made PDF itself sets up its own fonts.
    _font_config.cache_clear()
    _exit_with_parent()


def _exit_with_parent() -> None:
    """End this worker when the batch that started it dies.

    A batch killed outright (SIGKILL, the out-of-memory killer) cannot stop its workers,
    and they would wait for work forever, each holding a WeasyPrint's worth of memory,
    one set more after every such crash. The parent's sentinel becomes readable when it
    exits, however it exits.
    """
    import multiprocessing
    import threading
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is None:
        return
    sentinel = parent.sentinel

    def watch() -> None:
        wait([sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


class RenderPool:
    """Worker processes that turn HTML into PDF, for a batch.

    Only HTML goes in and only the PDF and its page count come out: the workers never
    touch the database or the letter files. A worker that ends abruptly breaks the
    whole pool: ``renew`` starts new workers.
    """

    def __init__(self, workers: int) -> None:
        self._workers = workers
        self._executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(max_workers=self._workers, initializer=_start_worker)

    def renew(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._executor = self._start()

    def works(self) -> bool:
        """Whether new workers lay out a plain document without ending abruptly: if
        they do, the letters that stopped their workers did it themselves."""
        from concurrent.futures.process import BrokenProcessPool

        self.renew()
        try:
            self.submit("<!DOCTYPE html><p>PDF</p>", None).result()
        except BrokenProcessPool:
            return False
        except Exception:
            pass  # refused, but by a worker that is still there
        return True

    def submit(
        self,
        html: str,
        base_url: str | None,
        *,
        numbered: str | None = None,
        meta: PdfMeta | None = None,
    ) -> Future[tuple[bytes, int]]:
        """``letter_pdf`` in a worker (a broken pool's job fails as its letters do)."""
        from concurrent.futures import Future
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self._executor.submit(letter_pdf, html, numbered, base_url=base_url, meta=meta)
        except BrokenProcessPool as exc:
            failed: Future[tuple[bytes, int]] = Future()
            failed.set_exception(exc)
            return failed

    def __enter__(self) -> RenderPool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # On an error, letters still waiting are not made: the rerun makes them.
        self._executor.shutdown(wait=True, cancel_futures=exc_type is not None)
