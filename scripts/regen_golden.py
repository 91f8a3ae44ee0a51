"""Regenerate the golden letters in tests/golden/letters/ (never edit them by hand).

Run after a deliberate change to a template, then read the diff before committing:

    PYTHONPATH=src python scripts/regen_golden.py && git diff tests/golden
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from bostadcli import i18n  # noqa: E402
from golden_letters import GOLDEN_DIR, render_all  # noqa: E402


def main() -> int:
    i18n.setup("en")
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    rendered = render_all()
    for stale in GOLDEN_DIR.iterdir():
        if stale.name not in rendered:
            stale.unlink()
            print(f"removed {stale.relative_to(ROOT)}")
    for name, text in sorted(rendered.items()):
        path = GOLDEN_DIR / name
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old != text:
            path.write_text(text, encoding="utf-8")
            print(f"{'updated' if old is not None else 'created'} {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
