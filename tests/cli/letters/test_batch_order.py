"""A batch numbers its letters (and their log entries) in its own order, by case and
kind, whichever PDF its workers finish first: two demos are the same."""

from __future__ import annotations

import sqlite3
import threading
import time
from concurrent.futures import Future
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bostadcli import pdf

AS_OF = date(2026, 11, 16)


class BackwardsPool:
    """Stands in for the PDF workers: lays each letter out at once, but hands the results
    back newest first, so the letters finish in the reverse of the order they went in."""

    def __init__(self, workers: int) -> None:
        self.waiting: list[tuple[Future[tuple[bytes, int]], Any]] = []
        self.lock = threading.Lock()
        self.stop = False
        self.thread = threading.Thread(target=self._finish_newest_first, daemon=True)
        self.thread.start()

    def submit(
        self, html: str, base_url: str | None, *, numbered: str | None = None, meta: Any = None
    ) -> Future[tuple[bytes, int]]:
        result = pdf.letter_pdf(html, numbered, base_url=base_url, meta=meta)
        future: Future[tuple[bytes, int]] = Future()
        with self.lock:
            self.waiting.append((future, result))
        return future

    def _finish_newest_first(self) -> None:
        while not self.stop:
            time.sleep(0.02)
            with self.lock:
                if self.waiting:
                    future, result = self.waiting.pop()
                    future.set_result(result)

    def __enter__(self) -> BackwardsPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop = True
        self.thread.join()


def _numbered(db_path: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    conn = sqlite3.connect(db_path)
    try:
        letters = conn.execute(
            "SELECT l.id, h.ref, l.kind, l.file FROM letters l"
            " JOIN households h ON h.id = l.household_id ORDER BY l.id"
        ).fetchall()
        contacts = conn.execute(
            "SELECT c.id, h.ref, c.kind, c.text FROM contacts c"
            " JOIN households h ON h.id = c.household_id ORDER BY c.id"
        ).fetchall()
    finally:
        conn.close()
    folder = db_path.parent
    return (
        [(i, ref, kind, Path(file).relative_to(folder)) for i, ref, kind, file in letters],
        contacts,
    )


@pytest.mark.skipif(pdf.pdf_problem() is not None, reason="WeasyPrint is not installed")
def test_letters_are_numbered_in_the_batchs_order_whoever_finishes_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bostadcli.demo import build_demo

    monkeypatch.setattr(pdf, "RenderPool", BackwardsPool)
    monkeypatch.setattr(pdf, "worker_count", lambda: 3)
    result = build_demo(tmp_path / "demo", as_of=AS_OF)
    assert result.batch is not None and len(result.batch.made) >= 4
    made = [(i.ref, i.kind) for i in result.batch.made]
    assert made == sorted(made)
    letters, _contacts = _numbered(result.db_path)
    assert [(ref, kind) for _i, ref, kind, _f in letters] == made


def test_two_demos_are_the_same(tmp_path: Path) -> None:
    from bostadcli.demo import build_demo

    first = build_demo(tmp_path / "a", as_of=AS_OF)
    second = build_demo(tmp_path / "b", as_of=AS_OF)
    assert first.batch is not None and second.batch is not None
    assert [i.file.name for i in first.batch.made] == [i.file.name for i in second.batch.made]
    assert _numbered(first.db_path) == _numbered(second.db_path)
