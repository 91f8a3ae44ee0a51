"""The documentation keeps its promises to CI, to error messages and to other documents."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"

TEST_COMMAND = (
    'python3 -m venv .venv && . .venv/bin/activate && pip install -q -e ".[test,pdf]" && pytest'
)
DEMO_COMMAND = (
    'python3 -m venv .venv && . .venv/bin/activate && pip install ".[pdf]" && bostad demo'
)


def test_the_readme_set_up_commands_are_the_ones_ci_runs() -> None:
    readme = README.read_text(encoding="utf-8")
    assert DEMO_COMMAND in readme.splitlines()
    assert TEST_COMMAND in readme.splitlines()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert any(line.startswith(TEST_COMMAND + " ") for line in ci.splitlines())


def test_the_readme_has_the_section_the_damage_message_names() -> None:
    # db.py: "restore the last backup (see 'Restoring a backup' in the README, …)"
    headings = re.findall(r"^#+ (.+)$", README.read_text(encoding="utf-8"), re.MULTILINE)
    assert "Restoring a backup" in headings


def test_relative_links_in_the_top_level_documents_resolve() -> None:
    broken = []
    for doc in [README, ROOT / "SECURITY.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = re.sub(r"```.*?```", "", doc.read_text(encoding="utf-8"), flags=re.DOTALL)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            path = target.split("#", 1)[0]
            if path and not re.match(r"^[a-z]+:", path) and not (doc.parent / path).exists():
                broken.append(f"{doc.relative_to(ROOT)}: {target}")
    assert broken == []
