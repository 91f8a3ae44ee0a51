"""Bounds on one letter made from a template: time, size, and no huge value in one step.

Templates are code from outside the program (a municipality edits them), so they run in
a sandbox that also refuses what would build a huge value in C where no timer can stop
it, counts the text as it is written, and is stopped by a timer signal after
``RENDER_SECONDS``. ``templating.py`` builds its environment from these.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

# Bounds on one letter. Templates are code from outside the program, and a loop or a
# huge value in one must fail that letter, not hang the batch or fill the memory. A real
# letter is a few kilobytes of HTML in well under a second; the largest, a plan agreement
# with 360 installments in two copies, a few hundred kilobytes and twenty pages.
RENDER_SECONDS = 20.0  # making the text (HTML or plain) of one letter


MAX_LETTER_CHARS = 1_000_000  # characters of that text


MAX_ARGUMENT = 100_000  # a number given to a filter or a method (a width, a count)


MAX_EXPONENT = 1_000  # in a ** b


MAX_TEMPLATE_BYTES = 1_000_000  # a template file


class TooLarge(Exception):
    """Raised inside template code: the file and line come from the traceback."""


class LetterTooLong(TooLarge):
    """The text written so far (in a block, a macro or the whole letter) is too long."""

    where: tuple[str | None, int | None] = (None, None)


class _Buffer(list[str]):
    """Where Jinja collects the text of a block, a macro or a call: it counts, and stops
    a loop that writes without end at the line that writes (inside template code)."""

    __slots__ = ("size",)

    def __init__(self) -> None:
        super().__init__()
        self.size = 0

    def append(self, item: str) -> None:
        self.size += len(item)
        if self.size > MAX_LETTER_CHARS:
            raise _too_long_here()
        super().append(item)

    def extend(self, items: Iterable[str]) -> None:
        try:
            for item in items:
                self.append(item)
        except LetterTooLong as exc:
            # The text came from a block being rendered (a generator, paused where it
            # wrote): that is where the template runs away, not the line including it.
            if exc.where == (None, None):
                exc.where = generator_where(items)
            raise


class TooLong(BaseException):
    """Raised by the timer wherever the code is: a BaseException, so that no
    ``except Exception`` on the way (in WeasyPrint, say) swallows it."""


# A width or precision of six digits or more in a format string ("%999999s",
# "{:>1000000}"): the string would be made before any size check could look at it.
_BIG_WIDTH = re.compile(r"(?:%[-#0 +]*(?:\*|[0-9]{6,}))|(?:\{[^{}]*:[^{}]*[0-9]{6,}[^{}]*\})")


def check_arguments(values: Iterable[Any], *, numbers: bool = True) -> None:
    for value in values:
        if isinstance(value, bool):
            continue
        if numbers and isinstance(value, int) and abs(value) > MAX_ARGUMENT:
            raise TooLarge(f"{value}")
        if isinstance(value, str) and _BIG_WIDTH.search(value):
            raise TooLarge(f"{value[:40]!r}")


def bounded(function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that refuses a size past MAX_ARGUMENT (``center(10**9)``) and a format
    string with a huge width (``"%999999999s"|format``), before it builds anything.

    The value filtered may be any number (an amount in öre); the arguments after it
    are widths and counts."""
    import functools

    value_at = 1 if hasattr(function, "jinja_pass_arg") else 0

    @functools.wraps(function)  # keeps jinja's pass_context marks
    def bounded(*args: Any, **kwargs: Any) -> Any:
        check_arguments(args[value_at : value_at + 1], numbers=False)
        check_arguments(args[value_at + 1 :])
        check_arguments(kwargs.values())
        return function(*args, **kwargs)

    return bounded


def bounded_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> Any:
    from jinja2.utils import generate_lorem_ipsum

    if not isinstance(n, int) or not isinstance(min, int) or not isinstance(max, int):
        raise TypeError("lipsum: expected whole numbers")
    if n > 50 or max > 1000 or min > max:
        raise TooLarge(f"lipsum({n})")
    return generate_lorem_ipsum(n=n, html=html, min=min, max=max)


def _too_long_here() -> LetterTooLong:
    """The error for a buffer that grew too long, with where the template runs away:
    when the text comes from a block being rendered (a generator the writing code is
    iterating over), the block's line, not the line that places the block."""
    import sys

    exc = LetterTooLong()
    frame = sys._getframe(2)  # the template code that appended
    for value in frame.f_locals.values():
        if getattr(value, "gi_frame", None) is not None:
            found = generator_where(value)
            if found[0] is not None:
                exc.where = found
    return exc


def bounded_environment() -> Any:
    from jinja2.compiler import CodeGenerator, Frame
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class BoundedCodeGenerator(CodeGenerator):
        def buffer(self, frame: Frame) -> None:
            frame.buffer = self.temporary_identifier()
            self.writeline(f"{frame.buffer} = environment.bounded_buffer()")

    class BoundedSandbox(ImmutableSandboxedEnvironment):
        """The sandbox, and no operation that builds a huge value in one step: those
        happen in C, where no timer can stop them."""

        intercepted_binops = frozenset({"*", "**", "%", "//"})
        code_generator_class = BoundedCodeGenerator

        @staticmethod
        def bounded_buffer() -> _Buffer:
            return _Buffer()

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "**" and isinstance(right, int) and abs(right) > MAX_EXPONENT:
                raise TooLarge(f"** {right}")
            if operator == "*":
                for seq, count in ((left, right), (right, left)):
                    if (
                        isinstance(seq, (str, list, tuple))
                        and isinstance(count, int)
                        and len(seq) * count > MAX_LETTER_CHARS
                    ):
                        raise TooLarge(f"* {count}")
            if operator == "%" and isinstance(left, str):
                check_arguments([left])
            return super().call_binop(context, operator, left, right)

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
            # A method of a string or a container ('x'.ljust(n), 'x'.zfill(n)) takes
            # sizes; "...".format(...) arrives wrapped, with its string in the closure.
            owner = getattr(__obj, "__self__", None)
            cells = getattr(__obj, "__closure__", None) or ()
            strings = [c.cell_contents for c in cells if isinstance(c.cell_contents, str)]
            if isinstance(owner, (str, bytes, list, tuple, dict)) or strings:
                check_arguments(args)
                check_arguments(kwargs.values())
                check_arguments([owner, *strings], numbers=False)
            return super().call(__context, __obj, *args, **kwargs)

    return BoundedSandbox


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``TooLong`` where the code is after ``seconds`` (of wall time): a timer
    signal, so even a loop in template code that yields nothing is stopped. Only the
    main thread of a process receives signals; elsewhere there is no limit."""
    import signal
    import threading

    if (
        seconds <= 0
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def expire(_signum: int, _frame: Any) -> None:
        raise TooLong()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def generator_where(stream: Any) -> tuple[str | None, int | None]:
    """The template file and line a running render is at: the innermost generator of
    its ``yield from`` chain is template code."""
    found: tuple[str | None, int | None] = (None, None)
    while stream is not None:
        frame = getattr(stream, "gi_frame", None)
        if frame is not None:
            template = frame.f_globals.get("__jinja_template__")
            if template is not None:
                found = (template.filename, template.get_corresponding_lineno(frame.f_lineno))
        stream = getattr(stream, "gi_yieldfrom", None)
    return found
