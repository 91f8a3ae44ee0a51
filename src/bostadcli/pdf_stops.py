"""When the processes laying out PDF letters end abruptly: a letter that fails, and a
batch that stops (``pdf.RenderPool``, ``letters.making``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bostadcli.errors import BostadError
from bostadcli.i18n import _, ngettext

if TYPE_CHECKING:
    from bostadcli.letters.batch import BatchResult


class WorkerStopped(BostadError):
    """The process laying out a letter ended abruptly, each time it was tried."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "not made: the process laying out the letter stopped abruptly (it crashed or"
                " was killed); run again to try once more"
            )
        )


# Letters in a row whose worker ends abruptly, each laid out alone, before a plain
# document is tried (``RenderPool.works``); when that stops its worker too, it is not the
# letters but the machine (memory, a broken library), and the batch stops.
WORKER_STOPS_MAX = 3


class WorkersStopping(BostadError):
    """The workers ended abruptly on several letters in a row: the batch stops. ``made``:
    the run, once the print file and manifest of the letters made before are written."""

    def __init__(self, letters: int, *, made: BatchResult | None = None) -> None:
        self.letters = letters
        self.result = made
        message = _(
            "PDF letters cannot be made now: the process laying them out stopped abruptly"
            " on {n} letters in a row; the letters made so far are kept, run again to make"
            " the rest"
        ).format(n=letters)
        if made is not None and made.manifest is not None:
            count = len(made.made) + len(made.recreated)
            message += " " + ngettext(
                "({n} letter made: {manifest})", "({n} letters made: {manifest})", count
            ).format(n=count, manifest=made.manifest)
        super().__init__(message)
