"""The print file begun while a batch's letters are made (``PrintFile``): ``pdf.combine``
finishes it when it holds just the letters of the print file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any


class PrintFile:
    """A print file begun while its letters are made: each letter is added from the
    bytes just written, as it is stored, so that the main process combines while the
    workers lay out the next letters and nothing is read back from disk at the end.

    ``combine`` uses it only when it holds exactly the files asked for, in that order
    and with the same bookmarks; otherwise the files are read as before."""

    def __init__(self) -> None:
        self._writer: Any = None
        self._files: list[tuple[str, str | None]] = []
        self._broken = False

    def add(self, path: Path, content: bytes, bookmark: str | None) -> None:
        from io import BytesIO

        if self._broken:
            return
        try:
            if self._writer is None:
                from bostadcli.pdf import pypdf

                self._writer = pypdf().PdfWriter()
            append_pdf(self._writer, BytesIO(content), bookmark)
        except Exception:
            # Whatever went wrong, the print file is made from the files at the end.
            self._broken, self._writer = True, None
            self._files.clear()
            return
        self._files.append((str(path), bookmark))

    def writer_for(self, paths: Sequence[Path], marks: Sequence[str | None]) -> Any:
        """The writer holding exactly ``paths`` with ``marks``, or None."""
        if self._broken or self._writer is None:
            return None
        wanted = [(str(path), mark) for path, mark in zip(paths, marks, strict=True)]
        if wanted != self._files:
            return None
        writer, self._writer, self._broken = self._writer, None, True  # used once
        return writer


def append_pdf(writer: Any, source: Any, mark: str | None) -> None:
    if mark is None:
        writer.append(source)
    else:
        writer.append(source, outline_item=mark, import_outline=False)
