"""Regenerate the golden exports in tests/golden/exports/ (never edit them by hand).

Run after a deliberate change to what an export writes, then read the diff before
committing:

    PYTHONPATH=src python scripts/regen_golden_exports.py && git diff tests/golden

With a folder argument the files go there instead (the test compares such a copy with
the committed files).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from bostadcli import i18n  # noqa: E402
from golden_exports import GOLDEN_DIR, render_all  # noqa: E402


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else GOLDEN_DIR
    # As the tests run: messages and derived text in English.
    i18n.setup("en")
    folder.mkdir(parents=True, exist_ok=True)
    rendered = render_all()
    for stale in folder.iterdir():
        if stale.name not in rendered:
            stale.unlink()
            print(f"removed {stale}")
    for name, text in sorted(rendered.items()):
        path = folder / name
        old = path.read_bytes() if path.exists() else None
        new = text.encode("utf-8")
        if old != new:
            path.write_bytes(new)
            print(f"{'updated' if old is not None else 'created'} {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
