"""What is done to a PDF as WeasyPrint writes it: font subsets dated by the document,
PDF/UA claimed, objects written each by itself, and streams compressed at zlib's default
level."""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator
from datetime import date
from typing import Any

from bostadcli.pdf_meta import claim_pdf_ua


@contextlib.contextmanager
def fonts_dated(day: date | None) -> Iterator[None]:
    """Date the embedded font subsets by the document, not the clock.

    Without the HarfBuzz subsetter WeasyPrint subsets fonts with fontTools, which
    stamps each subset with the time it was made, so the same letter would differ in a
    few bytes each time; fontTools takes SOURCE_DATE_EPOCH instead when it is set (the
    reproducible-builds convention)."""
    if day is None:
        yield
        return
    from calendar import timegm

    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(timegm(day.timetuple()))
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def finisher(document: Any) -> Any:
    """What is done to the PDF before it is written: PDF/UA claimed (when it has a
    title), and its objects written each by itself rather than packed in compressed
    object streams.

    The print file reads every letter again, and pypdf reads a letter three times
    faster when it need not unpack object streams (a tagged letter has a few hundred
    small objects); the page content, fonts and images stay compressed, so a letter
    is about 15 KB larger, and the print file is the same."""
    titled = bool(document.metadata.title)

    def finish(document: Any, pdf: Any) -> None:
        if titled:
            claim_pdf_ua(document, pdf)
        write = pdf.write

        def unpacked(
            output: Any, version: Any = b"1.7", identifier: Any = False, compress: bool = False
        ) -> Any:
            return write(output, version, identifier, False)

        pdf.write = unpacked

    return finish


# zlib's own default: WeasyPrint's PDF writer (pydyf) compresses every stream at level
# 9, which takes a letter's page content and fonts three times as long for 0.3 % less.
COMPRESSION_LEVEL = 6


@functools.cache
def compress_quicker() -> None:
    """Have pydyf compress a PDF's streams at COMPRESSION_LEVEL instead of 9: about 2 ms
    less a letter (a tenth of writing it) for about 130 bytes more; the streams hold the
    same data and any reader unpacks them the same."""
    import zlib

    import pydyf  # type: ignore[import-untyped]  # WeasyPrint's PDF writer

    if getattr(pydyf, "zlib", None) is not zlib:
        return  # another pydyf than the one this was written for

    class _Zlib:
        def __getattr__(self, name: str) -> Any:
            return getattr(zlib, name)

        @staticmethod
        def compressobj(level: int = -1, *args: Any, **kwargs: Any) -> Any:
            return zlib.compressobj(min(level, COMPRESSION_LEVEL), *args, **kwargs)

    pydyf.zlib = _Zlib()
