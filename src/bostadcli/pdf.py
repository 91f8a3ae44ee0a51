"""PDF through WeasyPrint, an optional extra (``pip install 'bostadcli[pdf]'``).

WeasyPrint needs the system's Pango library as well as the Python package; either one
missing is a BostadError that says what to install, and HTML letters still work.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from bostadcli.errors import BostadError
from bostadcli.i18n import _

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor
    from types import TracebackType

INSTALL_HINT = "pip install 'bostadcli[pdf]'"


class PdfUnavailable(BostadError):
    """WeasyPrint (or pypdf, or the Pango library) is not installed."""


def weasyprint() -> ModuleType:
    try:
        import weasyprint as module
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
    result: ModuleType = module
    return result


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


def _url_fetcher(module: ModuleType) -> Any:
    # A template may show a logo from its own folder, but a letter must never make the
    # program fetch a web address: the address itself could carry a resident's name.
    allowed = ("file", "data")
    if hasattr(module, "URLFetcher"):
        return module.URLFetcher(allowed_protocols=allowed)

    def fetch(url: str) -> Any:  # WeasyPrint before version 66
        if url.split(":", 1)[0].lower() not in allowed:
            raise ValueError(f"not fetched: {url}")
        return module.default_url_fetcher(url)

    return fetch


@functools.cache
def _font_config() -> Any:
    # One per process: WeasyPrint otherwise sets up fontconfig and Pango's font map
    # again for every document, about a quarter of the time of a one-page letter.
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _layout(html: str, base_url: str | None) -> Any:
    module = weasyprint()
    return module.HTML(string=html, base_url=base_url, url_fetcher=_url_fetcher(module)).render(
        font_config=_font_config()
    )


def _write(document: Any) -> bytes:
    data = document.write_pdf()
    assert isinstance(data, bytes)
    return data


def html_to_pdf(html: str, *, base_url: str | None = None) -> tuple[bytes, int]:
    """The PDF of an HTML document, and its number of pages."""
    document = _layout(html, base_url)
    return _write(document), len(document.pages)


def one_page_pdf(html: str, *, base_url: str | None = None) -> tuple[bytes | None, int]:
    """The PDF of a document that fits on one page, and its number of pages; for a
    longer document only the number of pages.

    A letter of several pages is laid out again with page numbers, so its first PDF
    would be thrown away: writing it is a third of the time of a one-page letter.
    """
    document = _layout(html, base_url)
    pages = len(document.pages)
    return (_write(document) if pages == 1 else None), pages


def page_count(path: Path) -> int:
    return len(pypdf().PdfReader(str(path)).pages)


def combine(paths: Sequence[Path]) -> bytes:
    """One PDF of several, page by page, without rendering anything again."""
    from io import BytesIO

    module = pypdf()
    writer = module.PdfWriter()
    for path in paths:
        writer.append(str(path))
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
    touch the database or the letter files.
    """

    def __init__(self, workers: int) -> None:
        from concurrent.futures import ProcessPoolExecutor

        self._executor: ProcessPoolExecutor = ProcessPoolExecutor(
            max_workers=workers, initializer=_start_worker
        )

    def submit(
        self, html: str, base_url: str | None, *, one_page: bool = False
    ) -> Future[tuple[bytes | None, int]]:
        """``html_to_pdf`` in a worker; with ``one_page``, ``one_page_pdf``."""
        return self._executor.submit(
            one_page_pdf if one_page else html_to_pdf, html, base_url=base_url
        )

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
