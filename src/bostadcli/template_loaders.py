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
            _refuse_other_than_files(self.searchpath[0], template)
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


def _refuse_other_than_files(folder: str, template: str) -> None:
    """A template name in the user's folder that is there but is no file (a folder, a
    pipe, a device, a link to one): refused, naming it, rather than passed over for the
    built-in template the user meant to replace; and one that links out of the folder
    (``_refuse_outside``), before a byte of it is read."""
    import os
    import stat

    from jinja2.loaders import split_template_path

    path = os.path.join(folder, *split_template_path(template))
    if not os.path.lexists(path):
        return
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = 0  # a link to nothing
    if not stat.S_ISREG(mode):
        raise TemplateProblem(
            _("{file}: not a file; a template must be a text file in the folder").format(file=path)
        )
    _refuse_outside(folder, path)


def _refuse_outside(folder: str, filename: str) -> None:
    """A template file that is a symbolic link to a file outside the user's template
    folder (``/etc/passwd``, the database): refused, naming it, before a letter quotes a
    byte of it. A link to another file inside the folder is followed."""
    import os

    root = os.path.realpath(folder)
    target = os.path.realpath(filename)
    if os.path.commonpath([root, target]) != root:
        raise TemplateProblem(
            _(
                "{file}: a link to a file outside the template folder ({target});"
                " a template must be in the folder itself"
            ).format(file=filename, target=target)
        )


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
