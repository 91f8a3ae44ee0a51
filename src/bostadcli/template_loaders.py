"""Where templates are read from: the packaged folder (through importlib.resources, so
a zipped install works) and the user's folder, whose files are checked (UTF-8 text, no
larger than ``MAX_TEMPLATE_BYTES``) before Jinja sees them.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bostadcli.i18n import _
from bostadcli.template_bounds import MAX_TEMPLATE_BYTES
from bostadcli.templating import TEMPLATE_SUFFIX, TemplateProblem

if TYPE_CHECKING:
    from jinja2 import Environment


def traversable_loader() -> Any:
    from jinja2 import BaseLoader, TemplateNotFound

    class TraversableLoader(BaseLoader):
        """Loads from an importlib.resources folder, so a zipped install works too."""

        def __init__(self, root: Traversable) -> None:
            self.root = root

        def get_source(
            self, environment: Environment, template: str
        ) -> tuple[str, str | None, Callable[[], bool] | None]:
            parts = template.split("/")
            if any(p in ("", ".", "..") for p in parts):
                raise TemplateNotFound(template)
            node = self.root.joinpath(*parts)
            if not node.is_file():
                raise TemplateNotFound(template)
            return node.read_text(encoding="utf-8"), str(node), lambda: True

        def list_templates(self) -> list[str]:
            return sorted(
                n.name
                for n in self.root.iterdir()
                if n.is_file() and n.name.endswith(TEMPLATE_SUFFIX)
            )

    return TraversableLoader


def checked_loader() -> Any:
    from jinja2 import FileSystemLoader

    class CheckedFileSystemLoader(FileSystemLoader):
        """The user's folder: a file that is not UTF-8 text, or too large to be a letter,
        is a one-line problem naming it rather than a traceback."""

        def get_source(
            self, environment: Environment, template: str
        ) -> tuple[str, str, Callable[[], bool]]:
            try:
                source, filename, uptodate = super().get_source(environment, template)
            except UnicodeDecodeError as exc:
                where = Path(self.searchpath[0]) / template
                raise TemplateProblem(
                    _(
                        "{file}: not UTF-8 text (byte 0x{byte:02x} at position {position});"
                        " save the template as UTF-8"
                    ).format(file=where, byte=exc.object[exc.start], position=exc.start)
                ) from None
            if len(source) > MAX_TEMPLATE_BYTES:
                raise TemplateProblem(
                    _("{file}: too large for a letter template ({n} characters)").format(
                        file=filename, n=len(source)
                    )
                )
            # Saved by an editor that marks UTF-8 (Notepad): the mark is not text.
            source = source.removeprefix("\ufeff")
            _refuse_unprintable(source, filename)
            return source, filename, uptodate

    return CheckedFileSystemLoader


def _refuse_unprintable(source: str, filename: str) -> None:
    """A template with a control character (an escape sequence, a bidi override) would
    put it in every letter, and on the screen of whoever looks at the template: refused,
    naming the file, the line and the character."""
    from bostadcli.letters.address import UNPRINTABLE

    # Line breaks of every kind are line breaks (Jinja reads them so).
    text = source.replace("\r\n", "\n").replace("\r", "\n")
    found = UNPRINTABLE.search(text)
    if found is None:
        return
    raise TemplateProblem(
        _(
            "{file}, line {line}: holds a control character (U+{code}) that cannot go in a"
            " letter; remove it"
        ).format(
            file=filename,
            line=text.count("\n", 0, found.start()) + 1,
            code=f"{ord(found.group()):04X}",
        )
    )
