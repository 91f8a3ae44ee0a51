"""Regenerate the golden year reports in tests/golden/reports/ (never edit them by hand).

Run after a deliberate change to the year report, then read the diff before committing:

    PYTHONPATH=src python scripts/regen_report_golden.py && git diff tests/golden/reports
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from golden_reports import GOLDEN_DIR, render_all  # noqa: E402


def main() -> int:
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        rendered = render_all(Path(folder))
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
